"""One configuration measured in several processes: its figures and its
verdicts, decided here once and read by the tables, the plots, the summary
and compare.py.

A shared machine drifts over minutes, and a process sees only its own
stretch of it: psum_omp's `noisy` looks inside one process and cannot see
a slow stretch that lasts the whole process.  So the sweep runs each psum
configuration in K processes spread over the set (sweep.py's interleave),
and a configuration's figure is the median of its process medians, its
spread their min-max.  Where the processes disagree beyond
UNSTABLE_MAX_OVER_MIN the configuration is `unstable`: its figure depends
on when it was measured.  Where at least half of its processes ran beside a
machine watch point below WATCH_SLOW_FRACTION of that reference's best in
the set, it is `slow`: its median may come from a slow stretch.

A set measured before this (one process per configuration) reads as K = 1:
its spread is then that of the repetitions, as its tables always showed,
and it is never unstable or slow."""
import copy
import json
import statistics

# A configuration whose slowest process median exceeds its fastest by more
# than this factor is unstable.  psum_omp calls a phase noisy at a
# repetitions' max/min of 1.2 or a CV of 5 %; medians of whole processes
# are steadier than single repetitions, so the bar between processes is
# lower: 10 %.
UNSTABLE_MAX_OVER_MIN = 1.10
# A watch point whose rate is below this fraction of its reference's best
# rate in the set is slow.
WATCH_SLOW_FRACTION = 0.80
PHASES = ("serial", "parallel")
# The records measured in several processes, each aggregated here.
KINDS = ("psum", "psum_mpi")


def thresholds(meta=None):
    """The thresholds a set was judged by: those its run.json recorded, else
    today's (an older set recorded none)."""
    meta = meta or {}
    return {"unstable_max_over_min": meta.get("unstable_max_over_min",
                                              UNSTABLE_MAX_OVER_MIN),
            "watch_slow_fraction": meta.get("watch_slow_fraction", WATCH_SLOW_FRACTION)}


def config_key(record):
    """What makes two records the same configuration: the sweep, the kind
    and the spec without the process index."""
    spec = {k: v for k, v in (record.get("spec") or {}).items() if k != "process"}
    return (record["sweep"], record["kind"], json.dumps(spec, sort_keys=True))


def lower_median(values):
    """The middle value, the lower of the two middle ones for an even count:
    always one of the values, so it names one process."""
    return sorted(values)[(len(values) - 1) // 2]


def phase_figures(docs, phase):
    """The aggregate of one phase over the processes' documents: median_s
    the median of the process medians, min_s and max_s their extremes (the
    repetitions' with one process), samples_s every repetition,
    process_medians_s each process's median."""
    phases = [d[phase] for d in docs]
    medians = [p["median_s"] for p in phases]
    if len(phases) == 1:
        return dict(phases[0], process_medians_s=medians, spread=_spread(
            phases[0]["min_s"], phases[0]["max_s"]))
    middle = phases[medians.index(lower_median(medians))]
    return {"median_s": statistics.median(medians), "min_s": min(medians),
            "max_s": max(medians), "process_medians_s": medians,
            "samples_s": [s for p in phases for s in p["samples_s"]],
            "calls_per_sample": middle.get("calls_per_sample", 1),
            "noisy": any(p.get("noisy") for p in phases),
            "spread": _spread(min(medians), max(medians))}


def _spread(low, high):
    """max/min - 1: 0.1 for a slowest value 10 % above the fastest."""
    return high / low - 1 if low > 0 else 0.0


def aggregate(records, meta=None, slow_processes=frozenset()):
    """One document per configuration of the psum and psum_mpi records, in
    the order their first process ran: a copy of its median process's
    document (by parallel median) with the phases aggregated and these
    keys added:
      processes       K, the number of processes
      speedup_serial  the median over processes of serial / parallel
                      (None without a serial phase): each ratio is taken
                      within one process, so a drift between processes
                      cannot move it
      unstable        the process medians of a phase differ beyond the
                      set's unstable_max_over_min
      slow            at least half of the processes ran beside a slow
                      watch point (slow_processes holds their records' ids)
      peak_rss_bytes  the largest of the processes'
    Other records (Python rows, watch points) are left out."""
    limit = thresholds(meta)["unstable_max_over_min"]
    groups = {}
    for record in records:
        if record["kind"] in KINDS:
            groups.setdefault(config_key(record), []).append(record)
    out = []
    for members in groups.values():
        docs = [r["doc"] for r in members]
        medians = [d["parallel"]["median_s"] for d in docs]
        doc = copy.deepcopy(docs[medians.index(lower_median(medians))])
        for phase in PHASES:
            if all(d.get(phase) is not None for d in docs):
                doc[phase] = phase_figures(docs, phase)
        doc["processes"] = len(docs)
        doc["noisy"] = any(d.get("noisy") for d in docs)
        doc["unstable"] = len(docs) > 1 and any(
            doc[p] is not None and doc[p]["max_s"] > limit * doc[p]["min_s"]
            for p in PHASES if doc.get(p) is not None)
        flagged = sum(id(r) in slow_processes for r in members)
        doc["slow"] = flagged > 0 and 2 * flagged >= len(members)
        doc["slow_processes"] = flagged
        ratios = [d["serial"]["median_s"] / d["parallel"]["median_s"] for d in docs
                  if d.get("serial") and d["parallel"]["median_s"] > 0]
        doc["speedup_serial"] = statistics.median(ratios) if ratios else None
        if all(isinstance(d.get("peak_rss_bytes"), (int, float)) for d in docs):
            doc["peak_rss_bytes"] = max(d["peak_rss_bytes"] for d in docs)
        out.append({"sweep": members[0]["sweep"], "kind": members[0]["kind"],
                    "spec": {k: v for k, v in members[0]["spec"].items() if k != "process"},
                    "doc": doc})
    return out


def is_unstable(doc):
    """The verdict above, read (an unaggregated document is never unstable)."""
    return bool(doc.get("unstable"))


def is_slow(doc):
    return bool(doc.get("slow"))


# ---- the cross-host sweep (bench/hosts.py) ----
# Its records carry a "config" (link, hosts, n) rather than a spec, and its
# figures are medians of process medians with their min and max, as above.

def hosts_key(record):
    """What makes two cross-host records the same configuration."""
    c = record["config"]
    return (c["link"], c["hosts"], c["n"])


def hosts_figures(records):
    """Per configuration: its studies and the medians over its processes
    (and their min and max) of the parallel median, the reduction and the
    slowest local sum; unstable as aggregate() says it of a phase."""
    by = {}
    for r in records:
        by.setdefault(hosts_key(r), []).append(r)
    out = {}
    for key, rs in by.items():
        par = [r["doc"]["parallel"]["median_s"] for r in rs]
        red = [r["doc"]["reduce_s"] for r in rs]
        local = [r["doc"]["imbalance"]["max_s"] for r in rs]
        out[key] = {"link": key[0], "hosts": key[1], "n": key[2],
                    "rate_bps": rs[0]["config"]["rate_bps"],
                    "studies": rs[0]["config"]["studies"], "processes": len(rs),
                    "par": (statistics.median(par), min(par), max(par)),
                    "reduce": (statistics.median(red), min(red), max(red)),
                    "local": (statistics.median(local), min(local), max(local)),
                    "unstable": len(rs) > 1 and max(par) > UNSTABLE_MAX_OVER_MIN * min(par)}
    return out
