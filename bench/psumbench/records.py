"""A set's records, runs.jsonl: one line per finished run, {"sweep", "kind",
"spec", "doc"}, written as it ends, and read back as hostile data: a set may
come from another machine, or be damaged, so every reader (the report, the
results index, compare.py) takes only the records that check_record passes."""
import json
import math
import os

from . import files, runs, tables


class RecordWriter:
    """runs.jsonl, each record flushed and synced at once, so a set can be
    rendered again (bench/sweep.py --render) from whatever it holds."""

    def __init__(self, path):
        self.file = open(path, "x")

    def write(self, record):
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self):
        self.file.close()


MODES = ("materialize", "stream")
RECORD_KINDS = ("psum", "python", "psum_mpi", "python_mpi", "watch")


def _count(value, what, low=1):
    """value if it is an integer (not a bool) of at least low."""
    if type(value) is not int or value < low:
        raise ValueError(f"{what} {value!r} is not a count")
    return value


def _time(value, what):
    """value if it is a finite number of seconds above 0: a median of 0 would
    be an infinite rate, a NaN or negative time no measurement."""
    if type(value) not in (int, float) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what} {value!r} is not a time")
    return value


def _times(values, what):
    if not isinstance(values, list) or not values:
        raise ValueError(f"{what} is not a list of times")
    for v in values:
        _time(v, what)
    return values


def _phase(phase, what):
    """A timed phase: min_s <= median_s <= max_s, all times, and its samples."""
    if not isinstance(phase, dict):
        raise ValueError(f"{what} is not a phase")
    low, mid, high = (_time(phase[k], f"{what} {k}") for k in ("min_s", "median_s", "max_s"))
    if not low <= mid <= high:
        raise ValueError(f"{what}: min_s, median_s and max_s out of order")
    _times(phase["samples_s"], f"{what} samples_s")
    if "calls_per_sample" in phase:
        _count(phase["calls_per_sample"], f"{what} calls_per_sample")


def _exact(doc, n):
    """Exact, or no figures: a record counts only if it says verified and
    its sum (and expected, where kept) is 0 + 1 + ... + (n - 1)."""
    if doc["verified"] is not True:
        raise ValueError("not verified")
    want = str(n * (n - 1) // 2)
    for key in ("sum", "expected"):
        if key in doc and str(doc[key]) != want:
            raise ValueError(f"{key} {str(doc[key])[:40]!r} is not N(N-1)/2 = {want}")


def _text(value, what):
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    return value


def _check_psum(record, doc, keys):
    for key in keys:
        doc[key]
    if doc["mode"] not in MODES:
        raise ValueError(f"unknown mode {str(doc['mode'])[:40]!r}")
    n = _count(doc["n"], "n")
    _exact(doc, n)
    _count(doc["threads"], "threads")
    _count(doc["chunks"], "chunks")
    _text(doc["schedule"], "schedule")
    if doc["parallel"] is None:
        raise ValueError("no parallel phase")
    _phase(doc["parallel"], "parallel")
    if doc.get("serial") is not None:
        _phase(doc["serial"], "serial")
    if not isinstance(doc["machine"], dict):
        raise ValueError("machine is not an object")
    _count(doc["machine"]["logical_cpus"], "machine logical_cpus")
    spec = record["spec"]
    if spec.get("mode", doc["mode"]) != doc["mode"]:
        raise ValueError("spec and document disagree on the mode")


def _check_python(record, doc):
    if record["kind"] == "python":
        tables.python_row(_text(record["spec"]["row"], "row"))  # KeyError if unknown
    if doc["available"] is False:
        return
    if doc["available"] is not True:
        raise ValueError("available is neither true nor false")
    for key in runs.PYTHON_KEYS:
        doc[key]
    n = _count(doc["n"], "n")
    _exact(doc, n)
    _count(doc["workers"], "workers")
    _count(doc["chunks"], "chunks")
    _time(doc["median_s"], "median_s")
    _time(doc["min_s"], "min_s")
    _times(doc["samples_s"], "samples_s")
    for key in ("whole_median_s", "whole_min_s", "build_median_s", "startup_median_s",
                "compile_s", "warmup_s"):
        if doc.get(key) is not None:
            _time(doc[key], key)


def check_record(record):
    """record itself if it holds what the tables read of its kind, of the
    right types, and is a result: verified, its sum exact, every time a
    finite number above 0 (runs.jsonl may come from another machine, or be
    damaged); KeyError, TypeError or ValueError otherwise.  Every reader of
    runs.jsonl (the sweep's tables and plots, the results index,
    compare.py) passes records through this, so no figure comes from a
    record that is not a result."""
    doc = record["doc"]
    if record["kind"] not in RECORD_KINDS:
        raise ValueError(f"unknown kind {str(record['kind'])[:40]!r}")
    if not isinstance(doc, dict) or not isinstance(record.get("spec", {}), dict):
        raise ValueError("doc or spec is not an object")
    record.setdefault("spec", {})
    if record["sweep"] not in runs.SWEEPS + ("watch",):
        raise ValueError(f"unknown sweep {str(record['sweep'])[:40]!r}")
    if record["kind"] == "psum":
        _check_psum(record, doc, runs.PSUM_KEYS)
    elif record["kind"] == "psum_mpi":
        _check_psum(record, doc, runs.PSUM_KEYS + ("ranks", "threads_per_rank"))
        _count(doc["ranks"], "ranks")
        _count(doc["threads_per_rank"], "threads_per_rank")
        _text(record["spec"]["study"], "study")
        _count(record["spec"]["ranks"], "spec ranks")
    elif record["kind"] == "python":
        _check_python(record, doc)
    elif record["kind"] == "python_mpi":
        _count(record["spec"]["ranks"], "spec ranks")
        _check_python(dict(record, spec={"row": "mpi4py"}), doc)
    elif record["kind"] == "watch":
        for key in ("n", "gen_n"):
            _count(doc[key], key)
        for key in ("read_s", "gen_s"):
            if not doc[key]:
                raise ValueError(f"no {key} times")
            _times(doc[key], key)
        started = record["started_s"]
        if type(started) not in (int, float) or not math.isfinite(started) or started < 0:
            raise ValueError(f"started_s {started!r} is not a time")
    return record


def read_records(path, warn, convert=None):
    """The records of a runs.jsonl, each passed through convert(record) when
    given.  A damaged line (a run cut short, a field missing: ValueError,
    KeyError or TypeError, in convert too; nesting past files.MAX_DEPTH) is
    skipped with a warning through warn(text)."""
    records = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = files.loads(line)
                if not isinstance(record, dict) or not {"sweep", "kind", "doc"} <= set(record):
                    raise ValueError("not a record")
                records.append(convert(record) if convert else record)
            except (ValueError, KeyError, TypeError) as e:
                warn(f"{path}:{number}: damaged line skipped "
                     f"({type(e).__name__}: {files.one_line(e)})")
    return records
