/*
 * Reading "Name:   1234 kB" fields from Linux /proc files.
 */
#ifndef PSUM_PROCFS_H
#define PSUM_PROCFS_H

#include <stdint.h>

/*
 * Returns the value of `field` (e.g. "MemAvailable") in the file at path,
 * converted from kB to bytes; 0 if the file or the field is missing.
 */
uint64_t psum_proc_kib_field(const char *path, const char *field);

#endif
