#!/usr/bin/env python3
"""The Python counterpart of psum_mpi, with mpi4py: run under mpirun, each
rank builds the list of its slice [r·N/R, (r+1)·N/R) and sum()s it, then
comm.reduce adds the ranks' totals on rank 0 as exact Python integers.
Timed as psum_mpi is: a barrier, the local build and sum, the reduction; a
repetition's time is the maximum over ranks.  Every total is checked
against N(N-1)/2.

Rank 0 prints one JSON object, shaped as bench/pysum.py's (impl "mpi4py",
samples_s, median_s, min_s, sum, expected, verified) plus "ranks" and the
per-rank local times' spread.  Exit 0 verified, 1 not verified, 2 usage
error, 3 not run: mpi4py unavailable or the lists too large
for memory (the JSON says why).

usage: mpirun -np R pysum_mpi.py --n N [--repeat K]
"""
import json
import os
import statistics
import sys
import time

from psumbench.args import Parser, count_type
from psumbench.machine import meminfo_bytes

LIST_BYTES_PER_ELEMENT = 40   # as bench/pysum.py: a pointer and an int object
MEMORY_SHARE = 0.8            # of the node's MemAvailable, for all its ranks' lists


class RankParser(Parser):
    """Parser whose usage line and --help only launcher rank 0 prints: under
    mpirun -np 4 a bad --n is one line, not four.  Every rank still exits 2
    (0 for --help; 1 without a psum_omp to read --n)."""

    def error(self, message):
        if launcher_rank() != 0:
            self.exit(2)
        super().error(message)

    def unavailable(self, error):
        if launcher_rank() != 0:
            self.exit(1)
        super().unavailable(error)

    def print_help(self, file=None):
        if launcher_rank() == 0:
            super().print_help(file)


def parse_args(argv):
    p = RankParser(prog="bench/pysum_mpi.py", description="Sum 0..N-1 over MPI ranks with mpi4py.")
    p.add_argument("--n", type=count_type("elements_max"), required=True, help="N")
    p.add_argument("--repeat", type=count_type(1000), default=3,
                   help="timed repetitions (default 3)")
    return p.parse_args(argv)


def launcher_rank():
    """This process's rank as the launcher says (Open MPI, MPICH), for when
    mpi4py cannot: 0 without a launcher."""
    for name in ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"):
        if os.environ.get(name, "").isdigit():
            return int(os.environ[name])
    return 0


def unavailable(why, how="install python3-mpi4py (bench/run.sh does), or pass --python "
                         "with an interpreter that has it"):
    if launcher_rank() != 0:
        return 3
    print(json.dumps({"impl": "mpi4py", "available": False, "why": why, "how": how}))
    return 3


def repetition(comm, lo, hi):
    """One timed repetition: (local total, this rank's time, its local time)."""
    comm.Barrier()
    t0 = time.perf_counter()
    local = sum(list(range(lo, hi)))
    t1 = time.perf_counter()
    total = comm.reduce(local, root=0)  # Python ints: exact at any size
    t2 = time.perf_counter()
    return total, t2 - t0, t1 - t0


def main(argv):
    args = parse_args(argv)
    try:
        from mpi4py import MPI
    except ImportError as e:
        return unavailable(f"mpi4py is not importable by {sys.executable} ({e})")
    comm = MPI.COMM_WORLD
    rank, ranks = comm.Get_rank(), comm.Get_size()
    n = args.n
    lo, hi = rank * n // ranks, (rank + 1) * n // ranks
    node = comm.Split_type(MPI.COMM_TYPE_SHARED)
    need = node.allreduce((hi - lo) * LIST_BYTES_PER_ELEMENT)
    available = meminfo_bytes("MemAvailable")
    fits = comm.allreduce(not available or need <= available * MEMORY_SHARE,
                          op=MPI.LAND)
    if not fits:
        return unavailable(f"the lists of N = {n:,} need about {need / 1e9:.3g} GB on a node, "
                           f"more than {MEMORY_SHARE:.0%} of its MemAvailable",
                           "choose a smaller N")
    expected = n * (n - 1) // 2
    samples, locals_s, verified, last = [], [], True, None
    for _ in range(args.repeat):
        total, rep_s, local_s = repetition(comm, lo, hi)
        samples.append(comm.reduce(rep_s, op=MPI.MAX, root=0))
        locals_s.append(local_s)
        if rank == 0 and verified:  # keep the first wrong total, else the last
            last = total
        verified = verified and (rank != 0 or total == expected)
    medians = comm.gather(statistics.median(locals_s), root=0)
    if rank != 0:
        return 0
    doc = {"impl": "mpi4py", "available": True, "python": sys.version.split()[0],
           "executable": sys.executable, "mpi4py": _mpi4py_version(), "n": n,
           "ranks": ranks, "workers": ranks, "chunks": ranks, "repeat": args.repeat,
           "timed": "whole: barrier, each rank's list built and summed, comm.reduce",
           "samples_s": samples, "median_s": statistics.median(samples),
           "min_s": min(samples),
           "imbalance": {"min_s": min(medians), "mean_s": statistics.mean(medians),
                         "max_s": max(medians)},
           "sum": str(last), "expected": str(expected), "verified": verified}
    print(json.dumps(doc))
    if not verified:
        print(f"pysum_mpi.py: did not verify: sum {last}, expected {expected}", file=sys.stderr)
    return 0 if verified else 1


def _mpi4py_version():
    import mpi4py
    return mpi4py.__version__


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
