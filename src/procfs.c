#include "procfs.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

int psum_proc_cpu_busy(double *busy)
{
    FILE *f = fopen("/proc/stat", "r");
    if (f == NULL)
        return -1;
    /* idle and iowait are read only to reach the fields after them. */
    unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal = 0;
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys,
                     &idle, &iowait, &irq, &softirq, &steal);
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    if (got < 7 || hz <= 0)
        return -1;
    *busy = (double)(user + nice + sys + irq + softirq + steal) / (double)hz;
    return 0;
}
