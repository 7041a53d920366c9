#include "machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "psum_build.h"
#include "version.h"

/* Arm Ltd's Neoverse parts (implementer 0x41), as Linux's cputype.h names them. */
static const struct {
    unsigned part;
    const char *name;
} neoverse[] = {
    {0xd0c, "Neoverse-N1"}, {0xd40, "Neoverse-V1"}, {0xd49, "Neoverse-N2"},
    {0xd4f, "Neoverse-V2"},
};

/* The value after "key<spaces>: " in line, or NULL if line is not key's. */
static char *field(char *line, const char *key)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0 || strchr(" \t:", line[n]) == NULL)
        return NULL;
    char *colon = strchr(line + n, ':');
    if (colon == NULL)
        return NULL;
    colon += 1 + (colon[1] == ' ');
    colon[strcspn(colon, "\n")] = '\0';
    return colon;
}

void psum_cpu_model_parse(FILE *f, char *out, size_t len)
{
    char line[512];
    long implementer = -1, part = -1;
    snprintf(out, len, "unknown");
    while (fgets(line, sizeof line, f) != NULL) {
        char *v;
        if ((v = field(line, "model name")) != NULL) {
            snprintf(out, len, "%s", v);
            return;
        }
        if (implementer < 0 && (v = field(line, "CPU implementer")) != NULL)
            implementer = strtol(v, NULL, 0);
        else if (part < 0 && (v = field(line, "CPU part")) != NULL)
            part = strtol(v, NULL, 0);
    }
    if (implementer < 0 || part < 0)
        return;
    const char *name = "CPU";
    for (size_t i = 0; implementer == 0x41 && i < sizeof neoverse / sizeof neoverse[0]; i++)
        if (neoverse[i].part == (unsigned long)part)
            name = neoverse[i].name;
    snprintf(out, len, "Arm %s (implementer 0x%02lx, part 0x%03lx)", name,
             (unsigned long)implementer, (unsigned long)part);
}

static void read_cpu_model(char *out, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL) {
        snprintf(out, len, "unknown");
        return;
    }
    psum_cpu_model_parse(f, out, len);
    fclose(f);
}

/* The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled. */
static void read_huge_pages(char *out, size_t len)
{
    snprintf(out, len, "unavailable");
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f == NULL)
        return;
    char line[128];
    if (fgets(line, sizeof line, f) != NULL) {
        char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
        if (close != NULL) {
            *close = '\0';
            snprintf(out, len, "%s", open + 1);
        }
    }
    fclose(f);
}

static uint64_t read_mem_total(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

void psum_machine_read(psum_machine *m)
{
    memset(m, 0, sizeof *m);
    read_cpu_model(m->cpu_model, sizeof m->cpu_model);
    read_huge_pages(m->huge_pages, sizeof m->huge_pages);
    m->logical_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    m->mem_total = read_mem_total();

    struct utsname u;
    if (uname(&u) == 0)
        snprintf(m->kernel, sizeof m->kernel, "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(m->kernel, sizeof m->kernel, "unknown");

#if defined(__clang__)
    snprintf(m->compiler, sizeof m->compiler, "clang %d.%d.%d",
             __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
    snprintf(m->compiler, sizeof m->compiler, "gcc %d.%d.%d",
             __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
    snprintf(m->compiler, sizeof m->compiler, "unknown");
#endif
    snprintf(m->build, sizeof m->build, "%s", PSUM_BUILD_FLAGS);
    m->build_commit = psum_build_commit();
    m->build_dirty = psum_build_dirty();
#ifdef _OPENMP
    m->openmp_version = _OPENMP;
#endif
    m->omp_num_threads = getenv("OMP_NUM_THREADS");
    m->omp_proc_bind = getenv("OMP_PROC_BIND");
    m->omp_places = getenv("OMP_PLACES");
}
