#include "cpus.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <unistd.h>

#include "procfs.h"
#include "timer.h"

/* Far beyond any machine; the loop doubles up to it. */
#define MAX_CPUS (1 << 20)

/* The affinity mask of the calling thread, the set grown until the kernel's mask fits. */
static int affinity_cpus(psum_cpus *c)
{
    for (int n = CPU_SETSIZE; n <= MAX_CPUS; n *= 2) {
        cpu_set_t *set = CPU_ALLOC(n);
        size_t size = CPU_ALLOC_SIZE(n);
        if (set == NULL)
            return -1;
        if (sched_getaffinity(0, size, set) == 0) {
            *c = (psum_cpus){set, size, CPU_COUNT_S(size, set)};
            return 0;
        }
        CPU_FREE(set);
        if (errno != EINVAL) /* EINVAL: the kernel's mask is larger than the set */
            return -1;
    }
    return -1;
}

/* Adds the CPUs of OpenMP place p to set (size bytes). */
static int add_place(int p, cpu_set_t *set, size_t size)
{
    int n = omp_get_place_num_procs(p);
    int *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
    if (ids == NULL)
        return -1;
    omp_get_place_proc_ids(p, ids);
    for (int i = 0; i < n; i++) {
        if (ids[i] >= 0)
            CPU_SET_S((size_t)ids[i], size, set);
    }
    free(ids);
    return 0;
}

/* The union of the OpenMP places, which the runtime made of the initial mask. */
static int place_cpus(psum_cpus *c, int places)
{
    cpu_set_t *set = CPU_ALLOC(MAX_CPUS);
    size_t size = CPU_ALLOC_SIZE(MAX_CPUS);
    if (set == NULL)
        return -1;
    CPU_ZERO_S(size, set);
    for (int p = 0; p < places; p++) {
        if (add_place(p, set, size) != 0) {
            CPU_FREE(set);
            return -1;
        }
    }
    *c = (psum_cpus){set, size, CPU_COUNT_S(size, set)};
    return 0;
}

int psum_cpus_allowed(psum_cpus *c)
{
    *c = (psum_cpus){NULL, 0, 0};
    int places = omp_get_num_places();
    return places > 0 ? place_cpus(c, places) : affinity_cpus(c);
}

void psum_cpus_free(psum_cpus *c)
{
    if (c->set != NULL)
        CPU_FREE(c->set);
    *c = (psum_cpus){NULL, 0, 0};
}

psum_load_mark psum_load_mark_now(const psum_cpus *c)
{
    psum_load_mark m = {psum_now(), psum_process_cpu_time(), 0, false};
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t ticks = 0;
    if (c->set != NULL && hz > 0 &&
        psum_proc_stat_busy_file("/proc/stat", c->set, c->size, &ticks) > 0) {
        m.busy = (double)ticks / (double)hz;
        m.ok = true;
    }
    return m;
}

double psum_background_load(const psum_load_mark *a, const psum_load_mark *b, int cpus)
{
    double wall = b->wall - a->wall;
    if (!a->ok || !b->ok || wall < PSUM_LOAD_MIN_SECONDS || cpus < 1)
        return -1;
    double others = (b->busy - a->busy) - (b->own - a->own);
    double share = others / (wall * cpus);
    return share < 0 ? 0 : share > 1 ? 1 : share;
}
