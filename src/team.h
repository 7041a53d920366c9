/*
 * Whether the OpenMP runtime will be able to start a team of threads.
 * libgomp, when it cannot create one of a team's threads (a stack the
 * system refuses, OMP_STACKSIZE=100G; the process limit, ulimit -u),
 * prints a line of its own and ends the process from inside the parallel
 * region.  So psum_omp starts the same threads first, with the stack size
 * the runtime will give them, and says in its own words what failed.
 */
#ifndef PSUM_TEAM_H
#define PSUM_TEAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The stack size libgomp reads from `value` (OMP_STACKSIZE or
 * GOMP_STACKSIZE): a whole number with an optional unit b, k, m or g (any
 * case; k if none), spaces around allowed.  Stores it in bytes in *bytes
 * and returns true; false where libgomp would refuse the value (then it
 * keeps its default, with a line of its own).
 */
bool psum_team_stacksize(const char *value, uint64_t *bytes);

/*
 * Starts threads - 1 POSIX threads (the team's other members; the calling
 * thread is the first), with the stack size of OMP_STACKSIZE, else
 * GOMP_STACKSIZE, where psum_team_stacksize accepts it, holds them until
 * all have started, then ends and joins them.  Returns 0 if all started;
 * else -1 with one line in err (errlen bytes): "cannot start a team of 4
 * threads: thread 2 was refused: Resource temporarily unavailable (each
 * asks OMP_STACKSIZE='100G' of stack)".  Call it before the first OpenMP
 * construct that starts a team.
 */
int psum_team_probe(int threads, char *err, size_t errlen);

#endif
