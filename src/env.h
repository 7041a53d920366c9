/*
 * The OMP_* environment that psum_omp relies on or records, validated
 * before the OpenMP runtime reads it.  libgomp parses these variables in a
 * library constructor, before main, and some values it takes crash it or
 * exhaust memory (OMP_NUM_THREADS=4294967296); LLVM's libomp aborts on
 * others.  So an invalid value is removed from the environment block
 * itself, early enough that no runtime ever sees it, and reported.
 */
#ifndef PSUM_ENV_H
#define PSUM_ENV_H

#include <stddef.h>

/* Bound on counts and CPU numbers in OMP_PLACES: no machine has more CPUs. */
#define PSUM_MAX_PLACE_NUMBER 65536

/*
 * The variables psum_env_invalid checks (listed below), hence the most
 * removals recorded and the most warnings psum_env_warnings adds.
 */
#define PSUM_ENV_CHECKED 6

/*
 * Why `value` is not acceptable for the environment variable `name`, as a
 * short lowercase phrase ("expected true or false"); NULL if it is, if
 * value is NULL (unset) or if psum_omp does not check `name`.  Pure: reads
 * nothing but its arguments, so it can run before libc is initialized.
 *
 * Checked, accepting what both libgomp and libomp accept, spaces around
 * items allowed, names case-insensitive:
 *   OMP_NUM_THREADS  whole numbers 1..PSUM_MAX_THREADS separated by commas
 *   OMP_PROC_BIND    true or false, or a list of primary, master, close, spread
 *   OMP_PLACES       threads, cores, sockets, ll_caches or numa_domains, with
 *                    an optional (count), or an explicit list of places such
 *                    as {0,1},{2:2},!{3} or {0}:4:2; numbers at most
 *                    PSUM_MAX_PLACE_NUMBER
 *   OMP_DYNAMIC      true or false
 *   OMP_TARGET_OFFLOAD  mandatory, disabled or default
 *   OMP_DEFAULT_DEVICE  a device number, 0..INT32_MAX
 * Empty values, other characters and control characters are refused.
 */
const char *psum_env_invalid(const char *name, const char *value);

/*
 * Why libgomp would throw away some or all of the explicit place list
 * `value` (valid for psum_env_invalid) in a process that may run on the
 * CPUs of `allowed` (bytes bytes, CPU n at bit n % 8 of byte n / 8), as a
 * short lowercase phrase; NULL if it keeps every place, for the abstract
 * names (threads, cores...), when allowed holds no CPU, and when the list
 * has more places than psum_omp has room to check (left to the runtime).
 * libgomp refuses the whole list for a CPU number at or past its bound (the
 * highest allowed CPU rounded up to a multiple of 64), a removed CPU or
 * place (!) that is not there, or no place left; it drops the places that
 * hold no allowed CPU, with a line of its own.  Each refuses the list
 * here, so the runtime never prints its own line and the output never
 * records places that were not in effect.  Pure but for static scratch
 * storage: not thread-safe; safe before libc is initialized.
 */
const char *psum_env_places_unusable(const char *value, const unsigned char *allowed,
                                     size_t bytes);

/* One value that was removed. */
typedef struct {
    const char *name;  /* e.g. "OMP_PLACES", static */
    const char *value; /* the removed value, borrowed from the original block */
    const char *why;   /* psum_env_invalid's reason, static */
} psum_env_drop;

typedef struct {
    size_t count;
    psum_env_drop item[PSUM_ENV_CHECKED]; /* at most one per variable */
} psum_env_dropped;

/*
 * Removes from envp, a NULL-terminated environment block such as main's or
 * environ, every checked variable whose value psum_env_invalid refuses, and
 * an OMP_PLACES that psum_env_places_unusable refuses on the CPUs this
 * process may run on (env_early.h calls it before libc and the OpenMP
 * runtime start):
 * the array is compacted in place, the strings are left where they are.
 * Appends each removal to *dropped, which the caller zeroes once; a
 * variable the block sets more than once (execve allows it, a shell does
 * not) is removed every time it is invalid and recorded once, with the
 * first value removed, so *dropped never runs out of room.  Calls
 * no libc function that needs libc initialized, so it may run from
 * .preinit_array; running it again finds nothing more to remove.
 */
void psum_env_drop_invalid(char **envp, psum_env_dropped *dropped);

/*
 * Writes the warning for one removal into buf (len bytes), one line:
 * "ignoring OMP_PLACES='\xff': expected ...; the OpenMP runtime's default
 * applies", the value escaped and cut to 48 bytes.
 */
void psum_env_warning(const psum_env_drop *d, char *buf, size_t len);

/* result.h's list of warnings; declared here so this header stays a leaf. */
struct psum_warnings;

/*
 * Appends to w, in order, one warning (psum_env_warning) for each removal
 * in *dropped.
 */
void psum_env_warnings(const psum_env_dropped *dropped, struct psum_warnings *w);

#endif
