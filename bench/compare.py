#!/usr/bin/env python3
"""Compares two result sets of bench/sweep.py, configuration by configuration,
as Google Benchmark's tools/compare.py compares two benchmark runs; usable as
a regression check.

A configuration is a psum_omp run's phase (the mpi sweep's reference run
too), an available bench/pysum.py row, and from the mpi sweep a psum_mpi
run's phase (its study, strong or weak, mode, N, ranks x threads per rank,
schedule and chunks) and an available mpi4py row (its ranks and N).  Each
is timed by the samples, median and minimum its program reported; for
psum_mpi and mpi4py a sample is a repetition's slowest rank.  Where the set
ran a psum configuration in several processes, its samples are the process
medians (what drifts between runs is the process, not the repetition), its
median their median, and it carries the set's own `unstable` verdict
(bench/psumbench/aggregate.py), which this table reports.

For each configuration measured in both sets: the medians and their ratio
B/A (and the ratio of the minima), each side's spread, a two-sided
Mann-Whitney U test when both sides have 3 samples or more, and a verdict:
"same" when the sample ranges overlap or B/A lies within the noise band,
"faster" or "slower" otherwise.

Exit status: 0 no regression, 1 some configuration is slower beyond the
threshold (or a set has no runs.jsonl), 2 bad arguments.

usage: bench/compare.py [options] A B     (bench/compare.py --help lists them)
"""
import argparse
import collections
import json
import math
import os
import sys

from psumbench import aggregate, results, runs
from psumbench.records import check_record, read_records as read_jsonl
from psumbench import machine as machine_record
from psumbench.files import one_line, read_json
from psumbench.args import Parser

SWEEPS = runs.SWEEPS
PHASES = ("serial", "parallel")
EXACT_U_MAX = 40  # samples in all up to which the U test counts exactly


class UsageError(Exception):
    """A bad argument: exit status 2."""


class SetError(Exception):
    """A set that cannot be compared (no runs.jsonl): exit status 1."""


def warn(text):
    print(f"compare.py: warning: {text}", file=sys.stderr)


# -- reading a result set --------------------------------------------------

class Side:
    """One configuration's measurement in one set: its samples (the process
    medians where it ran in several processes) and the figures psum_omp or
    pysum.py reported for them, the set's verdicts with them."""

    def __init__(self, samples, median, minimum, noisy=None, unstable=False, processes=1):
        self.samples, self.median, self.min = samples, median, minimum
        self.max = max(samples)
        self.noisy = noisy
        self.unstable, self.processes = unstable, processes

    def cv(self):
        """Coefficient of variation of the samples (0 for a single one)."""
        if len(self.samples) < 2:
            return 0.0
        mean = sum(self.samples) / len(self.samples)
        var = sum((x - mean) ** 2 for x in self.samples) / (len(self.samples) - 1)
        return math.sqrt(var) / mean if mean > 0 else 0.0


def _seconds(values):
    if not isinstance(values, list) or not values or \
            not all(isinstance(v, (int, float)) and v >= 0 for v in values):
        raise ValueError("samples_s is not a list of times")
    return [float(v) for v in values]


def _side(figures, doc=None):
    """A phase's Side; where the document aggregates several processes
    (aggregate.aggregate), its samples are the process medians."""
    processes = (doc or {}).get("processes", 1)
    samples = figures["process_medians_s"] if processes > 1 else figures["samples_s"]
    return Side(_seconds(samples), float(figures["median_s"]), float(figures["min_s"]),
                figures.get("noisy"), aggregate.is_unstable(doc or {}), processes)


def _psum(sweep, spec, doc):
    # A GPU run is told apart by its device and whether its data came from the host.
    kernel = spec["schedule"] if spec.get("device", "cpu") == "cpu" else \
        f"{spec['device']}{' from host' if spec.get('from_host') else ''}"
    common = (sweep, spec["mode"], int(doc.get("n", spec["n"])), int(spec["threads"]),
              kernel, int(spec["chunks"]))
    return [(common + (phase,), _side(doc[phase], doc)) for phase in PHASES
            if doc.get(phase) is not None]


def _python(sweep, spec, doc):
    if not doc["available"]:
        return []
    return [((sweep, spec["row"], int(doc["n"])), _side(doc))]


def _psum_mpi(sweep, spec, doc):
    # The study is part of the key: weak scaling's largest run can repeat a
    # strong split (same N, ranks and threads), and each is its own row.
    common = (sweep, "psum_mpi", spec["study"], spec["mode"], int(doc.get("n", spec["n"])),
              int(spec["ranks"]), int(spec["threads"]), spec["schedule"], int(spec["chunks"]))
    return [(common + (phase,), _side(doc[phase], doc)) for phase in PHASES
            if doc.get(phase) is not None]


def _python_mpi(sweep, spec, doc):
    if not doc["available"]:
        return []
    return [((sweep, "python_mpi", int(spec["ranks"]), int(doc["n"])), _side(doc))]


# The configurations of a record, by its kind; a psum_mpi or python_mpi key
# names its kind second, where psum_omp's has its mode.
CONVERT = {"psum": _psum, "python": _python, "psum_mpi": _psum_mpi,
           "python_mpi": _python_mpi}
MPI_KINDS = ("psum_mpi", "python_mpi")


def configurations(record):
    """[(key, Side), ...] of one runs.jsonl record: one per timed phase of a
    psum_omp or psum_mpi run, one for an available pysum.py or mpi4py row,
    none for an unavailable one.  Raises KeyError, TypeError or ValueError
    on a record that lacks what it should hold."""
    sweep, kind = record["sweep"], record["kind"]
    if kind == "watch":
        return []  # the machine watch: no configuration
    if sweep not in SWEEPS:
        raise ValueError(f"unknown sweep '{sweep}'")
    if kind not in CONVERT:
        raise ValueError(f"unknown kind '{kind}'")
    return CONVERT[kind](sweep, record["spec"], record["doc"])


def kind_of(key):
    """The kind of record a configuration key comes from."""
    if key[0] == "python":
        return "python"
    return key[1] if key[1] in MPI_KINDS else "psum"


def _checked(record):
    """record itself once it is a result (records.check_record: verified,
    exact, its times real) and configurations() can read it (ValueError,
    KeyError or TypeError otherwise: a damaged line)."""
    configurations(check_record(record))
    return record


def read_records(path, meta=None):
    """The configurations of a runs.jsonl as {key: Side}, a configuration
    measured in several processes aggregated over them by the thresholds
    meta (the set's run.json) recorded.  A damaged line (cut short by a
    kill, or lacking a field) is skipped with a warning; any other
    configuration seen twice keeps its later measurement."""
    raw = read_jsonl(path, warn, convert=_checked)
    records = aggregate.aggregate(raw, meta) + \
        [r for r in raw if r["kind"] not in aggregate.KINDS]
    found = {}
    for record in records:
        for key, side in configurations(record):
            if key in found:
                warn(f"{path}: {label(key)} measured again; the later one counts")
            found[key] = side
    return found


def _json_file(folder, name):
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        raise UsageError(f"'{folder}' is not a result set: no {name}")
    try:
        value = read_json(path)
        if name == "run.json":
            return results.check_meta(value, warn)
        return machine_record.checked(value, warn)
    except (OSError, ValueError) as e:
        raise UsageError(f"'{folder}' is not a result set: {name} unreadable "
                         f"({one_line(e)})") from None


class ResultSet:
    def __init__(self, folder):
        if not os.path.isdir(folder):
            raise UsageError(f"no result set at '{folder}': not a folder")
        self.folder = folder
        self.machine = _json_file(folder, "machine.json")
        self.run = _json_file(folder, "run.json")
        records = os.path.join(folder, "runs.jsonl")
        if not os.path.isfile(records):
            raise SetError(f"'{folder}' has no runs.jsonl: it predates per-run records "
                           "and cannot be compared")
        self.configs = read_records(records, self.run)

    def describe(self):
        commit = (self.run.get("git_commit") or self.machine.get("git_commit") or "?")[:10]
        date = str(self.machine.get("date") or "?")[:16]
        return f"`{self.folder}` (commit {commit}, {date})"


def check_comparable(a, b):
    """Warnings, on stderr, about what makes A and B compare poorly."""
    ma, mb = a.machine, b.machine
    if (ma.get("cpu_model"), ma.get("logical_cpus")) != \
            (mb.get("cpu_model"), mb.get("logical_cpus")):
        warn(f"the sets come from different machines: {ma.get('cpu_model')}, "
             f"{ma.get('logical_cpus')} logical CPUs against {mb.get('cpu_model')}, "
             f"{mb.get('logical_cpus')} logical CPUs")
    if a.run.get("n") != b.run.get("n"):
        warn(f"the sets were swept at different N: {a.run.get('n')} against {b.run.get('n')}")
    if ma.get("compiler") != mb.get("compiler"):
        warn(f"the sets were built by different compilers: {ma.get('compiler')} against "
             f"{mb.get('compiler')}")
    ka, kb = a.run.get("processes", 1), b.run.get("processes", 1)
    if (ka > 1) != (kb > 1):
        warn(f"one set ran each psum configuration in one process, the other in several "
             f"({ka} against {kb}): one side's samples are repetitions, the other's process "
             "medians")
    for name, s in (("A", a), ("B", b)):
        if not s.run.get("complete"):
            warn(f"set {name} is incomplete (its sweep was interrupted): only its finished "
                 "configurations count")


# -- the statistics --------------------------------------------------------

def u_statistic(a, b):
    """Mann-Whitney U of sample a: the pairs (x in a, y in b) with x > y,
    ties counting one half; from the ranks of a in both samples (equal
    values share their mean rank), in O(n log n) rather than by pairs."""
    values = sorted(a + b)
    rank, i = {}, 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        rank[values[i]] = (i + 1 + j) / 2  # the mean of ranks i + 1 ... j
        i = j
    return sum(rank[x] for x in a) - len(a) * (len(a) + 1) / 2


def u_exact_p(u, m, n):
    """Two-sided p-value of U = u for samples of m and n values without
    ties, from the exact count of orderings: with i values from a and j from
    b, the largest is either from a (beating all j) or from b."""
    rows = [[[1] for _ in range(n + 1)]]
    for i in range(1, m + 1):
        row = [[1]]
        for j in range(1, n + 1):
            counts = [0] * (i * j + 1)
            for k, c in enumerate(rows[i - 1][j]):
                counts[k + j] += c
            for k, c in enumerate(row[j - 1]):
                counts[k] += c
            row.append(counts)
        rows.append(row)
    counts = rows[m][n]
    total = sum(counts)
    k = int(u)
    below, above = sum(counts[:k + 1]), sum(counts[k:])
    return min(1.0, 2 * min(below, above) / total)


def u_normal_p(u, m, n, tie_groups=()):
    """Two-sided p-value of U = u from the normal approximation, corrected
    for ties (the sizes of the groups of equal values) and for continuity."""
    big = m + n
    ties = sum(t ** 3 - t for t in tie_groups)
    var = m * n / 12 * ((big + 1) - ties / (big * (big - 1)))
    if var <= 0:
        return 1.0
    z = max(0.0, abs(u - m * n / 2) - 0.5) / math.sqrt(var)
    return min(1.0, math.erfc(z / math.sqrt(2)))


def mann_whitney(a, b):
    """Two-sided p-value of the Mann-Whitney U test that samples a and b
    come from one distribution: exact for small samples without ties,
    normal approximation otherwise (as SciPy's method='auto' roughly)."""
    if not a or not b:
        raise ValueError("the U test needs two non-empty samples")
    u = u_statistic(a, b)
    groups = list(collections.Counter(a + b).values())
    if len(groups) == len(a) + len(b) <= EXACT_U_MAX:
        return u_exact_p(u, len(a), len(b))
    return u_normal_p(u, len(a), len(b), [g for g in groups if g > 1])


def verdict(a, b, noise):
    """'same' when the sample ranges [min, max] overlap or the medians
    differ by no more than the noise fraction; else 'faster' or 'slower'
    (for B against A)."""
    if a.min <= b.max and b.min <= a.max:
        return "same"
    if a.median <= 0 or abs(b.median / a.median - 1) <= noise:
        return "same"
    return "slower" if b.median > a.median else "faster"


def ratio(b, a):
    return b / a if a > 0 else None


def compare(a, b, noise, threshold):
    """One row per configuration in both sets, in sweep order then key."""
    rows = []
    for key in sorted(a.keys() & b.keys(), key=order):
        sa, sb = a[key], b[key]
        p = mann_whitney(sa.samples, sb.samples) \
            if min(len(sa.samples), len(sb.samples)) >= 3 else None
        v = verdict(sa, sb, noise)
        r = ratio(sb.median, sa.median)
        rows.append({"key": key, "a": sa, "b": sb, "ratio": r,
                     "ratio_min": ratio(sb.min, sa.min), "p": p, "verdict": v,
                     "regression": v == "slower" and r is not None and r - 1 > threshold})
    return rows


# -- naming and printing ---------------------------------------------------

KIND_ORDER = ("psum", "psum_mpi", "python", "python_mpi")


def order(key):
    """Sweep order first, then psum_omp before psum_mpi and Python, then the
    key's fields, serial before parallel."""
    kind = kind_of(key)
    first = (SWEEPS.index(key[0]), KIND_ORDER.index(kind))
    if kind in ("python", "python_mpi"):
        return first + (key[1:],)
    return first + (key[1:-1], PHASES.index(key[-1]))


def fmt_n(n):
    if n >= 1000 and 10 ** (len(str(n)) - 1) == n:
        return f"1e{len(str(n)) - 1}"
    return f"{n:,}"


def label(key):
    kind = kind_of(key)
    if kind == "python":
        return f"python: {key[1]}, N={fmt_n(key[2])}"
    if kind == "python_mpi":
        return f"{key[0]}: mpi4py, {key[2]} ranks, N={fmt_n(key[3])}"
    if kind == "psum_mpi":
        sweep, _, study, mode, n, ranks, threads, schedule, chunks, phase = key
        return (f"{sweep}: psum_mpi {study}, {mode}, N={fmt_n(n)}, {ranks} ranks x "
                f"{threads} threads, {schedule}/{chunks}, {phase}")
    sweep, mode, n, threads, schedule, chunks, phase = key
    return (f"{sweep}: {mode}, N={fmt_n(n)}, {threads} threads, {schedule}/{chunks}, "
            f"{phase}")


UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns"))


def unit_of(seconds):
    seconds = float(f"{seconds:.3g}")  # 999.6 us prints as 1.00 ms
    return next(((scale, name) for scale, name in UNITS if seconds >= scale), UNITS[-1])


def fmt_scaled(values, scale):
    """values / scale, three significant digits for the largest of them."""
    top = float(f"{max(values) / scale:.3g}")
    decimals = max(0, 2 - int(math.floor(math.log10(top)))) if top > 0 else 2
    return [f"{v / scale:.{decimals}f}" for v in values]


def fmt_time(seconds):
    scale, name = unit_of(seconds)
    return f"{fmt_scaled([seconds], scale)[0]} {name}"


def fmt_spread(side):
    scale, name = unit_of(side.max)
    low, high = fmt_scaled([side.min, side.max], scale)
    text = f"{low}-{high} {name}, cv {side.cv() * 100:.1f}%"
    if side.processes > 1:
        text += f", {side.processes} processes"
    return text + (", noisy" if side.noisy else "") + (", **unstable**" if side.unstable else "")


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.3f}"


def markdown(a, b, rows, only_a, only_b, threshold, noise):
    lines = [f"A: {a.describe()}  ", f"B: {b.describe()}", "",
             "| configuration | A median | B median | B/A | B/A min | spread A | spread B "
             "| p (U test) | verdict |",
             "|---|---:|---:|---:|---:|---|---|---:|---|"]
    for row in rows:
        v = f"**{row['verdict']}**" if row["regression"] else row["verdict"]
        p = "-" if row["p"] is None else f"{row['p']:.3g}"
        lines.append(f"| {label(row['key'])} | {fmt_time(row['a'].median)} | "
                     f"{fmt_time(row['b'].median)} | {fmt_ratio(row['ratio'])} | "
                     f"{fmt_ratio(row['ratio_min'])} | {fmt_spread(row['a'])} | "
                     f"{fmt_spread(row['b'])} | {p} | {v} |")
    for name, keys in (("A", only_a), ("B", only_b)):
        if keys:
            lines += ["", f"Only in {name}:", ""] + [f"- {label(k)}" for k in keys]
    lines += ["", summary(rows, only_a, only_b, threshold, noise)]
    return "\n".join(lines)


def unstable(row):
    """Whether either set called this configuration unstable."""
    return row["a"].unstable or row["b"].unstable


def summary(rows, only_a, only_b, threshold, noise):
    count = {v: sum(r["verdict"] == v for r in rows) for v in ("same", "faster", "slower")}
    worse = sum(r["regression"] for r in rows)
    shaky = [r for r in rows if unstable(r)]
    stable = {v: sum(r["verdict"] == v and not unstable(r) for r in rows)
              for v in ("same", "faster", "slower")}
    return (f"{len(rows)} configurations compared: {count['same']} same, "
            f"{count['faster']} faster, {count['slower']} slower, {worse} of them beyond "
            f"the {threshold * 100:g} % threshold (noise band {noise * 100:g} %); "
            f"{len(shaky)} unstable in A or B, the stable ones {stable['same']} same, "
            f"{stable['faster']} faster, {stable['slower']} slower; "
            f"{len(only_a)} only in A, {len(only_b)} only in B")


def key_fields(key):
    kind = kind_of(key)
    if kind == "python":
        return {"sweep": "python", "row": key[1], "n": key[2]}
    if kind == "python_mpi":
        return {"sweep": key[0], "kind": kind, "row": "mpi4py", "ranks": key[2], "n": key[3]}
    if kind == "psum_mpi":
        names = ("sweep", "kind", "study", "mode", "n", "ranks", "threads", "schedule",
                 "chunks", "phase")
        return dict(zip(names, key))
    names = ("sweep", "mode", "n", "threads", "schedule", "chunks", "phase")
    return dict(zip(names, key))


def side_fields(side):
    return {"median_s": side.median, "min_s": side.min, "max_s": side.max, "cv": side.cv(),
            "samples": len(side.samples), "noisy": side.noisy, "unstable": side.unstable,
            "processes": side.processes}


def as_json(a, b, rows, only_a, only_b, threshold, noise):
    return {"a": a.folder, "b": b.folder, "threshold": threshold, "noise": noise,
            "configurations": [dict(key_fields(r["key"]), label=label(r["key"]),
                                    a=side_fields(r["a"]), b=side_fields(r["b"]),
                                    ratio=r["ratio"], ratio_min=r["ratio_min"],
                                    p_value=r["p"], verdict=r["verdict"],
                                    unstable=unstable(r),
                                    regression=r["regression"]) for r in rows],
            "only_a": [dict(key_fields(k), label=label(k)) for k in only_a],
            "only_b": [dict(key_fields(k), label=label(k)) for k in only_b],
            "summary": summary(rows, only_a, only_b, threshold, noise)}


# -- the command -----------------------------------------------------------

def percent(text):
    """A percentage: a finite number >= 0, returned as a fraction."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value '{text}': not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"invalid value '{text}': not a percentage >= 0")
    return value / 100


def parse_args(argv):
    p = Parser(
        prog="bench/compare.py",
        description="Compare two result sets of bench/sweep.py configuration by "
                    "configuration; exit 1 if B is slower than A beyond the threshold.")
    p.add_argument("a", metavar="A", help="the baseline result set (results/<machine>/<id>)")
    p.add_argument("b", metavar="B", help="the result set compared with it")
    p.add_argument("--threshold", type=percent, default=0.10, metavar="PCT",
                   help="a configuration slower by more than PCT %% whose samples do not "
                        "overlap is a regression (default 10)")
    p.add_argument("--noise", type=percent, default=0.05, metavar="PCT",
                   help="medians within PCT %% of each other are the same "
                        "(default 5, psum_omp's own noisy threshold)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON document instead of the Markdown table")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    try:
        a, b = ResultSet(args.a), ResultSet(args.b)
    except UsageError as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    except (SetError, OSError) as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 1
    check_comparable(a, b)
    rows = compare(a.configs, b.configs, args.noise, args.threshold)
    only_a = sorted(a.configs.keys() - b.configs.keys(), key=order)
    only_b = sorted(b.configs.keys() - a.configs.keys(), key=order)
    if not rows:
        warn("the sets have no configuration in common: nothing compared")
    if args.json:
        print(json.dumps(as_json(a, b, rows, only_a, only_b, args.threshold, args.noise),
                         indent=2))
    else:
        print(markdown(a, b, rows, only_a, only_b, args.threshold, args.noise))
    worse = [r for r in rows if r["regression"]]
    if worse:
        top = max(worse, key=lambda r: r["ratio"])
        print(f"compare.py: {len(worse)} configurations slower beyond "
              f"{args.threshold * 100:g} %; the worst, B/A {top['ratio']:.3f}: "
              f"{label(top['key'])}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
