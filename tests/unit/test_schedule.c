/*
 * Each schedule's kernel runs the schedule it is named for.  The three
 * kernels differ only in their pragma and give the same sums, so a wrong
 * pragma would pass every other test: here sum.c is built with
 * PSUM_CHUNK_PROBE, which tells probe_chunk() each chunk on the thread that
 * runs it.  Thread 0 holds its first chunk until thread 1 has one (on a
 * loaded machine thread 1 may start late), then thread 1 holds its first
 * until thread 0 has started every other chunk or has started none for
 * QUIET_S (it has run out of chunks it may take), and what each thread
 * ran then tells the schedules apart:
 *   static   thread 1 runs its fixed half, chunks 50..99, whatever the delay;
 *   dynamic  chunks are handed out one at a time: thread 0 takes all the
 *            others while thread 1 holds one;
 *   guided   each grab takes a share of what is left, so thread 1 holds one
 *            block of several chunks (libgomp: 25 or 50, as who grabbed first
 *            decides; LLVM's libomp: 18), never the static half 50..99.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <omp.h>
#include <stdatomic.h>
#include <time.h>

#include "sum.h"

#define CHUNKS 100
#define QUIET_S 2.0 /* thread 0 this long without a chunk: it has run out */
#define ARRIVAL_S 60.0 /* thread 1 never starting a chunk fails, not hangs */

static int ran_by[CHUNKS];
static atomic_int held;          /* whether thread 1 has held its first chunk */
static atomic_uint_fast64_t progress; /* chunks thread 0 has started */

void probe_chunk(uint64_t k);

void probe_chunk(uint64_t k)
{
    int t = omp_get_thread_num();
    ran_by[k] = t;
    if (t == 0) {
        double since = omp_get_wtime();
        if (atomic_fetch_add(&progress, 1) == 0)
            while (!atomic_load(&held) && omp_get_wtime() - since < ARRIVAL_S)
                nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
        return;
    }
    if (atomic_exchange(&held, 1))
        return;
    uint64_t seen = atomic_load(&progress);
    double quiet_since = omp_get_wtime();
    while (seen < CHUNKS - 1 && omp_get_wtime() - quiet_since < QUIET_S) {
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
        uint64_t now = atomic_load(&progress);
        if (now != seen) {
            seen = now;
            quiet_since = omp_get_wtime();
        }
    }
}

/* Runs the schedule on two threads; returns how many chunks thread 1 ran,
 * and its first and last chunk in *first and *last. */
static int run(psum_schedule schedule, int *first, int *last)
{
    for (int k = 0; k < CHUNKS; k++)
        ran_by[k] = -1;
    atomic_store(&held, 0);
    atomic_store(&progress, 0);
    psum_source src = {.n = CHUNKS * 1000};
    int team = 0;
    psum_u128 sum = psum_sum_parallel(&src, CHUNKS, schedule, 2, &team);
    cr_assert(eq(int, team, 2));
    cr_assert(sum == (psum_u128)src.n * (src.n - 1) / 2);
    int count = 0;
    *first = *last = -1;
    for (int k = 0; k < CHUNKS; k++) {
        cr_assert(ran_by[k] == 0 || ran_by[k] == 1, "chunk %d ran on thread %d", k, ran_by[k]);
        if (ran_by[k] == 1) {
            count++;
            *last = k;
            if (*first < 0)
                *first = k;
        }
    }
    return count;
}

Test(schedule, static_gives_thread_1_its_half_whatever_the_delay)
{
    int first, last;
    cr_expect(eq(int, run(PSUM_SCHED_STATIC, &first, &last), CHUNKS / 2));
    cr_expect(eq(int, first, CHUNKS / 2));
    cr_expect(eq(int, last, CHUNKS - 1));
}

Test(schedule, dynamic_hands_out_one_chunk_at_a_time)
{
    int first, last;
    cr_expect(le(int, run(PSUM_SCHED_DYNAMIC, &first, &last), 1));
}

Test(schedule, guided_hands_out_blocks_that_shrink)
{
    int first, last;
    int count = run(PSUM_SCHED_GUIDED, &first, &last);
    cr_expect(count > 1, "thread 1 ran %d chunks", count);
    cr_expect(eq(int, last - first + 1, count), "thread 1's chunks are one block");
    cr_expect(first != CHUNKS / 2 || count != CHUNKS / 2, "the static half");
}
