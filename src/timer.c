#include "timer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(struct timespec ts)
{
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double psum_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        fprintf(stderr, "%s: clock_gettime(CLOCK_MONOTONIC) failed\n",
                program_invocation_short_name);
        abort();
    }
    return seconds(ts);
}

double psum_process_cpu_time(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return seconds(ts);
}
