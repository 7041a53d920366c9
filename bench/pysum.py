#!/usr/bin/env python3
"""The Python side of the contrast: sum 1..N-1 the ways the article does.

  serial     build the list of 1..N-1, then time only sum() of it
  threads    ThreadPoolExecutor: CHUNKS tasks on WORKERS threads, each task
             builds its chunk's list and sums it (the GIL serializes them)
  processes  ProcessPoolExecutor with the article's split: CHUNKS tasks on
             WORKERS processes, each building and summing its chunk's list
  numpy      numpy.arange(N).sum(), when numpy can be imported

threads, processes and numpy are timed end to end (pool start included).
Every sum is checked against N(N-1)/2.  Prints one JSON object; exit 0 if
verified, 1 if not, 3 if the implementation is unavailable (numpy missing).

usage: pysum.py IMPL N [--chunks 100] [--workers 20]
"""
import argparse
import concurrent.futures
import json
import sys
import time

IMPLS = ("serial", "threads", "processes", "numpy")


def chunk_sum(lo, hi):
    return sum(list(range(lo, hi)))


def bounds(n, chunks):
    return [(max(1, k * n // chunks), (k + 1) * n // chunks) for k in range(chunks)]


def run_serial(n, _chunks, _workers):
    t0 = time.perf_counter()
    data = list(range(1, n))
    built = time.perf_counter()
    total = sum(data)
    done = time.perf_counter()
    return total, done - built, {"build_s": built - t0}


def run_pool(executor_class, n, chunks, workers):
    t0 = time.perf_counter()
    with executor_class(max_workers=workers) as pool:
        parts = [pool.submit(chunk_sum, lo, hi) for lo, hi in bounds(n, chunks)]
        total = sum(p.result() for p in parts)
    return total, time.perf_counter() - t0, {}


def run_threads(n, chunks, workers):
    return run_pool(concurrent.futures.ThreadPoolExecutor, n, chunks, workers)


def run_processes(n, chunks, workers):
    return run_pool(concurrent.futures.ProcessPoolExecutor, n, chunks, workers)


def run_numpy(n, _chunks, _workers):
    try:
        import numpy
    except ImportError:
        return None
    t0 = time.perf_counter()
    total = int(numpy.arange(n, dtype=numpy.int64).sum())
    return total, time.perf_counter() - t0, {"numpy": numpy.__version__}


RUNNERS = {"serial": run_serial, "threads": run_threads, "processes": run_processes,
           "numpy": run_numpy}


def main(argv):
    p = argparse.ArgumentParser(description="Sum 1..N-1 in Python, one implementation.")
    p.add_argument("impl", choices=IMPLS)
    p.add_argument("n", type=int)
    p.add_argument("--chunks", type=int, default=100)
    p.add_argument("--workers", type=int, default=20)
    args = p.parse_args(argv)
    for name in ("n", "chunks", "workers"):
        if getattr(args, name) < 1:
            p.error(f"{name} must be at least 1, got {getattr(args, name)}")
    result = RUNNERS[args.impl](args.n, args.chunks, args.workers)
    if result is None:
        print(json.dumps({"impl": args.impl, "available": False}))
        return 3
    total, seconds, extra = result
    expected = args.n * (args.n - 1) // 2
    doc = {"impl": args.impl, "available": True, "n": args.n, "chunks": args.chunks,
           "workers": args.workers, "seconds": seconds, "sum": str(total),
           "expected": str(expected), "verified": total == expected,
           "python": sys.version.split()[0], **extra}
    print(json.dumps(doc))
    return 0 if doc["verified"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
