#include "qualify.h"

#include <stdio.h>

#include "env.h"

bool psum_phase_noisy(const psum_phase *p)
{
    if (p->count < 2)
        return false;
    return psum_stats_cv(&p->stats) > PSUM_NOISY_CV ||
           p->stats.max > PSUM_NOISY_MAX_OVER_MIN * p->stats.min;
}

void psum_qualify(psum_result *r)
{
    psum_qualification *q = &r->qual;
    q->serial_noisy = psum_phase_noisy(&r->serial);
    q->parallel_noisy = psum_phase_noisy(&r->parallel);
    q->oversubscribed = q->cpus_allowed > 0 && r->team > q->cpus_allowed;
    q->busy = q->background_load > PSUM_BUSY_LOAD;
    q->noisy = q->serial_noisy || q->parallel_noisy || q->busy;
}

static void warn_noisy(psum_warnings *w, const char *name, const psum_phase *p)
{
    char line[PSUM_WARNING_SIZE];
    snprintf(line, sizeof line,
             "%s phase is noisy: coefficient of variation %.1f%%, max/min %.2f "
             "(is another process using the CPUs?)",
             name, psum_stats_cv(&p->stats) * 100, p->stats.max / p->stats.min);
    psum_add_warning(w, line);
}

void psum_collect_warnings(const psum_result *r, const psum_machine *m, psum_warnings *w)
{
    const psum_qualification *q = &r->qual;
    char line[PSUM_WARNING_SIZE];
    *w = (psum_warnings){0};
    if (q->oversubscribed) {
        snprintf(line, sizeof line,
                 "%d threads on %d allowed CPU%s: oversubscribed, threads share cores",
                 r->team, q->cpus_allowed, q->cpus_allowed == 1 ? "" : "s");
        psum_add_warning(w, line);
    }
    if (m->omp_proc_bind == NULL)
        psum_add_warning(w, "OMP_PROC_BIND is unset: threads may migrate and times vary more "
                            "(try OMP_PROC_BIND=close)");
    if (q->serial_noisy)
        warn_noisy(w, "serial", &r->serial);
    if (q->parallel_noisy)
        warn_noisy(w, "parallel", &r->parallel);
    if (q->busy) {
        snprintf(line, sizeof line,
                 "other processes used %.0f%% of the %d allowed CPU%s during the "
                 "measurement: the times are noisy",
                 q->background_load * 100, q->cpus_allowed, q->cpus_allowed == 1 ? "" : "s");
        psum_add_warning(w, line);
    }
}
