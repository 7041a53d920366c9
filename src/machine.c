#include "machine.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * The first line of the file dir/name into out (len bytes, cut if longer),
 * without its newline; false when it cannot be read or is empty.
 */
static bool read_line(const char *dir, const char *name, char *out, size_t len)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return false;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    bool ok = fgets(out, (int)len, f) != NULL;
    fclose(f);
    out[ok ? strcspn(out, "\n") : 0] = '\0';
    return out[0] != '\0';
}

/* A sysfs cache size, "48K", "32768K", "1M" (the kernel writes KiB), in bytes; 0 if malformed. */
static uint64_t cache_size(const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || text[0] < '0' || text[0] > '9' || errno != 0)
        return 0;
    int shift = 0;
    switch (*end) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    }
    if (*end != '\0' || v > (UINT64_MAX >> shift))
        return 0;
    return (uint64_t)v << shift;
}

/* One cache/indexN directory into *c; false if a field is missing or malformed. */
static bool read_cache(const char *dir, psum_cache *c)
{
    char level[32], size[32];
    if (!read_line(dir, "level", level, sizeof level) ||
        !read_line(dir, "type", c->type, sizeof c->type) ||
        !read_line(dir, "size", size, sizeof size))
        return false;
    char *end;
    long l = strtol(level, &end, 10);
    c->size = cache_size(size);
    c->level = (int)l;
    return *end == '\0' && l >= 1 && l <= 9 && c->size > 0;
}

void psum_machine_read_cpu(const char *cpu_dir, psum_machine *m)
{
    m->caches = 0;
    for (int i = 0; m->caches < PSUM_MACHINE_MAX_CACHES; i++) {
        char dir[4096];
        struct stat st;
        snprintf(dir, sizeof dir, "%s/cache/index%d", cpu_dir, i);
        if (stat(dir, &st) != 0)
            break;
        if (read_cache(dir, &m->cache[m->caches]))
            m->caches++;
    }
    if (!read_line(cpu_dir, "cpufreq/scaling_governor", m->governor, sizeof m->governor))
        m->governor[0] = '\0';
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
    psum_machine_read_cpu("/sys/devices/system/cpu/cpu0", m);

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
