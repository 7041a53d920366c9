/*
 * Qualifying a result across MPI ranks (qualify.h's verdicts, decided on
 * the figures of every rank and node): the CPUs each rank may run on and
 * their union on each node, the other processes' load on each node, and
 * the placements that make threads share CPUs.  Collective calls: every
 * rank of the communicator makes them, in the same order.
 */
#ifndef PSUM_MPI_QUALIFY_H
#define PSUM_MPI_QUALIFY_H

#include <mpi.h>
#include <stdbool.h>

#include "cpus.h"
#include "env.h"
#include "machine.h"
#include "qualify.h"
#include "result.h"

/* What a rank keeps between the start and the end of the measurement. */
typedef struct {
    MPI_Comm node;        /* the ranks sharing this rank's node; borrowed */
    psum_cpus mine;       /* the CPUs this rank's threads may run on */
    psum_cpus on_node;    /* their union over the node's ranks */
    psum_load_mark start; /* of on_node's CPUs, on each node's first rank */
    double own_start;     /* this process's CPU seconds */
    bool shares_cpus;     /* another rank of the node may run on one of mine */
} psum_mpi_watch;

/*
 * How the ranks were placed, as rank 0 reports it beyond the verdicts:
 * the rank and the node with the most threads per CPU they may run on,
 * whether either has more threads than CPUs (decided once, with the
 * verdicts), and whether ranks of one node may run on the same CPU.
 */
typedef struct {
    int crowded_rank_threads, crowded_rank_cpus; /* cpus 0 if unknown */
    int busiest_node_threads, busiest_node_cpus;
    bool rank_crowded;        /* crowded_rank_threads > crowded_rank_cpus, cpus known */
    bool node_oversubscribed; /* busiest_node_threads > busiest_node_cpus, cpus known */
    bool ranks_share_cpus;
} psum_mpi_placement;

/*
 * Reads this rank's CPUs (psum_cpus_allowed), their union on its node, and
 * starts the load watch.  Collective over `node`.  Release with
 * psum_mpi_watch_free.
 */
void psum_mpi_watch_start(psum_mpi_watch *w, MPI_Comm node);

/*
 * Collective over comm (every rank, after the timed phases): fills on rank
 * 0 r->qual from every rank's figures and `team` (this rank's threads) and
 * *p.  cpus_allowed is the sum over nodes of the CPUs the node's ranks may
 * run on, background_load the busiest node's (its ranks' own CPU time left
 * out); psum_qualify decides the verdicts, and oversubscribed also holds
 * when one node or one rank has more threads than CPUs.
 */
void psum_mpi_qualify(psum_mpi_watch *w, MPI_Comm comm, int team, psum_result *r,
                      psum_mpi_placement *p);

/*
 * Rank 0's warnings for a result that psum_mpi_qualify qualified into r
 * and *p, into w from empty.  Makes no MPI call, so any process may make
 * it.  First psum_collect_warnings's lines, with two changes: the
 * oversubscription line tells the busiest node's threads and CPUs when
 * that node is oversubscribed, and is left out when only a rank is crowded
 * (that rank's own line says how); and "OMP_PROC_BIND is unset" gives way
 * to the shared-CPUs line below.  Then psum_mpi's own lines, at most one
 * of each: ranks running different numbers of
 * threads (threads_min, the fewest, below r->ranks.threads_per_rank, the
 * most), a rank with more threads than the CPUs it may run on, and ranks
 * of a node sharing CPUs while their threads migrate or OMP_PROC_BIND
 * (m->omp_proc_bind) pins them all onto the same ones.  r, p and m are
 * only read.
 */
void psum_mpi_collect_warnings(const psum_result *r, const psum_mpi_placement *p,
                               int threads_min, const psum_machine *m, psum_warnings *w);

/* One rank's removed OMP_* values (env.h), as text that MPI can move as MPI_BYTE. */
typedef struct {
    int count;
    char name[PSUM_ENV_CHECKED][32];   /* the variable, "OMP_PLACES" */
    char line[PSUM_ENV_CHECKED][256];  /* psum_env_warning's line */
} psum_rank_drops;

/* Fills *d from one rank's record of removals. */
void psum_rank_drops_of(const psum_env_dropped *dropped, psum_rank_drops *d);

/*
 * Appends to w the removals of all ranks (all[r] is rank r's), one line
 * per variable, so at most PSUM_ENV_CHECKED lines: env.h's warning as is
 * when every rank removed the same value, else the lowest such rank's
 * line prefixed with the ranks that removed that very value ("rank 1: ",
 * "ranks 1, 2 and 3: ", "ranks 1, 2, 3 and 4 more: ") and followed, when
 * other ranks removed other values of it, by how many.  No MPI call.
 */
void psum_mpi_merge_drops(const psum_rank_drops *all, int ranks, psum_warnings *w);

/* Frees the CPU sets that psum_mpi_watch_start read into *w. */
void psum_mpi_watch_free(psum_mpi_watch *w);

#endif
