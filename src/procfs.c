#include "procfs.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

uint64_t psum_peak_rss(void)
{
    return psum_proc_kib_field("/proc/self/status", "VmHWM");
}

/*
 * The busy ticks of one "cpuN ..." line: stores N and the ticks and returns
 * true, or false for any other line (the machine-wide "cpu" line included).
 */
static bool cpu_line(const char *line, unsigned long *cpu, uint64_t *ticks)
{
    if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9')
        return false;
    char *end;
    *cpu = strtoul(line + 3, &end, 10);
    /* idle and iowait are read only to reach the fields after them. */
    unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal = 0;
    int got = sscanf(end, " %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys,
                     &idle, &iowait, &irq, &softirq, &steal);
    if (got < 7)
        return false;
    *ticks = user + nice + sys + irq + softirq + steal;
    return true;
}

static int stat_busy(FILE *f, const cpu_set_t *cpus, size_t setsize, uint64_t *ticks)
{
    char *line = NULL;
    size_t cap = 0;
    uint64_t sum = 0;
    int found = 0;
    while (getline(&line, &cap, f) > 0) {
        if (strncmp(line, "cpu", 3) != 0)
            break; /* the CPU lines come first; the rest (intr) can be long */
        unsigned long cpu;
        uint64_t busy;
        if (cpu_line(line, &cpu, &busy) && CPU_ISSET_S(cpu, setsize, cpus)) {
            sum += busy;
            found++;
        }
    }
    free(line);
    if (found == 0)
        return -1;
    *ticks = sum;
    return found;
}

int psum_proc_stat_busy(const char *text, const cpu_set_t *cpus, size_t setsize,
                        uint64_t *ticks)
{
    size_t len = strlen(text);
    FILE *f = len > 0 ? fmemopen((void *)text, len, "r") : NULL;
    if (f == NULL)
        return -1;
    int found = stat_busy(f, cpus, setsize, ticks);
    fclose(f);
    return found;
}

int psum_proc_stat_busy_file(const char *path, const cpu_set_t *cpus, size_t setsize,
                             uint64_t *ticks)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int found = stat_busy(f, cpus, setsize, ticks);
    fclose(f);
    return found;
}
