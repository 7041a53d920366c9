"""The machine watch: a short plain reference (psum_limits --watch: the
limits' dynamic read loop over 64 MiB and their generator, on all threads,
about 50 ms) run before every configuration's process and once at the end,
so a set records how fast this machine was, minute by minute.

A psum process is measured beside a slow machine when the watch point just
before it or just after it ran below the set's WATCH_SLOW_FRACTION of that
reference's best rate in the set (its 90th percentile, best(): one lucky
point, a read served partly from cache, must not make the rest look slow): the read loop for materialized runs, the
generator for streamed ones.  aggregate.py turns that into a
configuration's `slow` verdict; the summary says how far the machine
drifted (tables.watch_markdown), and watch.png draws the rates over time
(plots.watch)."""
import math
import os
import statistics

from . import runs

SWEEP = KIND = "watch"
N = 1 << 23     # int64 read per round: 64 MiB, past the last-level cache
REPEAT = 3      # rounds; a point's rate is their median
COLUMNS = ("point", "started_s", "read_gb_s", "gen_gelem_s", "n", "gen_n", "threads",
           "generator_isa", "read_s", "gen_s")
KEYS = ("n", "gen_n", "threads", "read_s", "gen_s", "verified")


def binary(build):
    return os.path.join(build, "bench", "psum_limits")


def unavailable(build):
    """None when the watch can run, else why not."""
    path = binary(build)
    if not os.access(path, os.X_OK):
        return f"no psum_limits at {path} (built with the project)"
    return None


def run(build, env):
    """One watch point: psum_limits --watch's document.  RunFailed when it
    fails or sums wrong; KeyboardInterrupt when it got the Ctrl-C."""
    cmd = [binary(build), "--watch", str(N), str(REPEAT)]
    rc, out, err = runs.run_child(cmd, env)
    if rc in (130, -2):
        raise KeyboardInterrupt
    if rc != 0:
        raise runs.RunFailed(f"{' '.join(cmd)} exited {rc}: {err.strip()}")
    doc = runs.json_doc(cmd, out, KEYS)
    if doc["verified"] is not True:
        raise runs.RunFailed(f"{' '.join(cmd)} did not verify")
    return doc


def rates(doc):
    """(read GB/s, generator G elements/s) of a watch point: each from the
    median of its rounds, so one preempted round does not move it."""
    return (doc["n"] * 8 / statistics.median(doc["read_s"]) / 1e9,
            doc["gen_n"] / statistics.median(doc["gen_s"]) / 1e9)


def csv_rows(point, record):
    doc = record["doc"]
    read, gen = rates(doc)
    yield {"point": point, "started_s": record.get("started_s"), "read_gb_s": f"{read:.4g}",
           "gen_gelem_s": f"{gen:.4g}", "n": doc["n"], "gen_n": doc["gen_n"],
           "threads": doc["threads"], "generator_isa": doc.get("generator_isa"),
           "read_s": " ".join(f"{s:.6g}" for s in doc["read_s"]),
           "gen_s": " ".join(f"{s:.6g}" for s in doc["gen_s"])}


BEST_PERCENTILE = 0.90


def best(values):
    """A reference's best rate in the set: the 90th percentile of its
    points (nearest rank), the maximum for ten points or fewer."""
    ordered = sorted(values)
    return ordered[max(math.ceil(BEST_PERCENTILE * len(ordered)), 1) - 1]


def points(records):
    """[(started_s, read GB/s, gen G elements/s, record), ...] in time order."""
    found = [(r.get("started_s"), *rates(r["doc"]), r) for r in records
             if r["kind"] == KIND and r.get("started_s") is not None]
    return sorted(found, key=lambda p: p[0])


def slow_records(records, fraction):
    """The ids of the psum and psum_mpi records measured beside a slow
    watch point (see the top), for aggregate.aggregate."""
    pts = points(records)
    if not pts:
        return frozenset()
    top = (best([p[1] for p in pts]), best([p[2] for p in pts]))
    slow = set()
    for r in records:
        if r["kind"] not in ("psum", "psum_mpi") or r.get("started_s") is None:
            continue
        which = 1 if r["doc"]["mode"] == "materialize" else 2
        before = [p for p in pts if p[0] <= r["started_s"]]
        after = [p for p in pts if p[0] >= r.get("ended_s", r["started_s"])]
        near = ([before[-1]] if before else []) + ([after[0]] if after else [])
        if any(p[which] < fraction * top[which - 1] for p in near):
            slow.add(id(r))
    return frozenset(slow)


def drift(records, fraction):
    """The watch's figures for the summary: per reference its rates' min,
    median and best, the lowest as a fraction of the best, and how many
    points fell below fraction of the best; None without watch points."""
    pts = points(records)
    if not pts:
        return None
    out = {"points": len(pts), "span_s": pts[-1][0] - pts[0][0]}
    for i, name in ((1, "read"), (2, "gen")):
        values = [p[i] for p in pts]
        top = best(values)
        out[name] = {"min": min(values), "median": statistics.median(values), "best": top,
                     "max": max(values), "lowest": min(values) / top,
                     "slow": sum(v < fraction * top for v in values)}
    return out

