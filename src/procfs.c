#include "procfs.h"

#include <stdio.h>
#include <string.h>

uint64_t psum_proc_kib_field(const char *path, const char *field)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    const size_t len = strlen(field);
    char line[256];
    unsigned long long kib = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, len) == 0 && line[len] == ':' &&
            sscanf(line + len + 1, "%llu", &kib) == 1)
            break;
    }
    fclose(f);
    return (uint64_t)kib * 1024;
}
