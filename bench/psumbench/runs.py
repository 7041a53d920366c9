"""Running psum_omp and the Python programs, one configuration at a time,
each in its own process group that is ended whatever ends the wait; every
raw sample written (and flushed) to CSV as soon as it exists (the whole
documents go to runs.jsonl through records.py); a progress line with the
time left."""
import csv
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from . import cost
from .args import short

SWEEPS = ("threads", "schedules", "sizes", "python", "gpu", "mpi")
PSUM_COLUMNS = ("sweep", "mode", "n", "threads_requested", "threads", "schedule", "chunks",
                "phase", "rep", "seconds", "calls_per_sample", "materialize_s", "sum",
                "expected", "verified", "process")
PYTHON_COLUMNS = ("row", "impl", "n", "workers", "chunks", "rep", "seconds", "build_s",
                  "sum", "expected", "verified", "note")
# What the sweep reads of each document: a document without them is refused.
PSUM_KEYS = ("schema_version", "n", "mode", "threads", "threads_requested", "schedule",
             "chunks", "sum", "expected", "verified", "materialize_s", "serial", "parallel",
             "noisy", "machine")
PYTHON_KEYS = ("impl", "available", "n", "workers", "chunks", "samples_s", "median_s",
               "min_s", "sum", "verified", "timed")
GRACE_SECONDS = 2.0  # from SIGINT to SIGKILL when a child group must end


class RunFailed(Exception):
    """A run exited non-zero or did not verify: the sweep stops, loudly."""


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# Signals that end the sweep: held back while a child starts and while a
# child's group is being ended, so no child is ever left unknown or half-ended.
# SIGHUP (the terminal closed) and SIGQUIT (Ctrl-\\) end it as SIGTERM does:
# children run in their own session, so nothing else would end them.  SIGPIPE
# needs nothing: Python ignores it, and a write to a closed pipe raises
# BrokenPipeError, an OSError, through the same clean-up.
ENDING_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT}
# The exit status of each signal turned into SystemExit, and its name.
SIGNAL_EXITS = {128 + s: s.name for s in ENDING_SIGNALS if s != signal.SIGINT}


def exit_on_ending_signals():
    """Turns SIGTERM, SIGHUP and SIGQUIT into SystemExit(128 + the signal),
    so they end a script through the clean-up Ctrl-C takes (run_child ends
    the child's whole group); SIGINT stays KeyboardInterrupt."""
    for sig in ENDING_SIGNALS - {signal.SIGINT}:
        signal.signal(sig, lambda number, _: sys.exit(128 + number))


def _end_group(p):
    """Asks the child's group to stop (SIGINT, as Ctrl-C would), kills what
    is left of it after a grace period, and reaps the child."""
    signal.pthread_sigmask(signal.SIG_BLOCK, ENDING_SIGNALS)
    try:
        _signal_group(p.pid, signal.SIGINT)
        try:
            p.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(p.pid, signal.SIGKILL)
        p.wait()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)


def _unblock_ending_signals():
    """Runs in the child between fork and exec.  The signal mask is
    inherited across both, and run_child blocks ENDING_SIGNALS around
    the fork: a child left with them blocked ignores _end_group's SIGINT,
    and what it starts in other process groups (mpirun's ranks, which also
    inherit the mask) outlives the sweep."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)


def run_child(cmd, env, timeout=None):
    """Runs cmd in a new session, so it and everything it starts (a pool's
    workers) form one process group; returns (exit code, stdout, stderr).
    The output goes to files, not pipes: a grandchild that outlives the
    child (a pool worker whose parent was killed) would hold a pipe open
    and the wait would never end.  Whatever ends the wait (Ctrl-C, SIGTERM
    turned into SystemExit, an error, subprocess.TimeoutExpired after
    `timeout` seconds), the whole group is gone before this returns or
    raises.  Raises OSError if cmd cannot be started."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        signal.pthread_sigmask(signal.SIG_BLOCK, ENDING_SIGNALS)
        try:
            p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, start_new_session=True,
                                 preexec_fn=_unblock_ending_signals)
        except BaseException:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)
            raise
        try:
            # A signal that came while the child started is handled here.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)
            p.wait(timeout=timeout)
        except BaseException:
            _end_group(p)
            raise
        _signal_group(p.pid, signal.SIGKILL)  # a straggler the child left behind
        out.seek(0)
        err.seek(0)
        return (p.returncode, out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"))


def json_doc(cmd, out, required=()):
    """The JSON object cmd printed, which must hold the keys `required`;
    RunFailed otherwise."""
    try:
        doc = json.loads(out)
    except ValueError:
        raise RunFailed(f"{' '.join(cmd)} printed no JSON document") from None
    missing = [k for k in required if not isinstance(doc, dict) or k not in doc]
    if missing:
        raise RunFailed(f"{' '.join(cmd)} printed a JSON document without "
                        f"{', '.join(missing)}")
    return doc


def check_sum(what, n, total):
    """RunFailed unless total (a decimal string) is 0 + 1 + ... + (n - 1):
    the sweep checks every sum itself, whatever the child said."""
    if int(total) != n * (n - 1) // 2:
        raise RunFailed(f"{what} did not verify: sum {total}, expected {n * (n - 1) // 2}")


def process_text(process):
    """A job's process index as its progress line shows it: " #2" (1-based)."""
    return "" if process is None else f" #{process + 1}"


class PsumJob:
    """One psum_omp run: its command line and an estimate of its cost;
    process: which of the configuration's processes it is (None: the only
    one; sweep.py's interleave sets it)."""
    kind = "psum"
    process = None

    def __init__(self, sweep, mode, n, threads, repeat, schedule="dynamic", chunks=100,
                 serial=True, device="cpu", from_host=False):
        self.sweep, self.mode, self.n, self.threads = sweep, mode, n, threads
        self.repeat, self.schedule, self.chunks, self.serial = repeat, schedule, chunks, serial
        self.device, self.from_host = device, from_host

    def describe(self):
        return (f"{self.sweep}: {self.mode}, N={short(self.n)}, {self.threads} threads, "
                f"{self.schedule}/{self.chunks}" + process_text(self.process))

    def spec(self):
        spec = {"mode": self.mode, "n": self.n, "threads": self.threads,
                "repeat": self.repeat, "schedule": self.schedule, "chunks": self.chunks,
                "serial": self.serial}
        if self.device != "cpu":
            spec.update(device=self.device, from_host=self.from_host)
        if self.process is not None:
            spec["process"] = self.process
        return spec

    def estimate(self, cpus):
        """Seconds this run should take, from rough rates of a 2-core machine."""
        runs = self.repeat + 1
        par = min(self.threads, cpus)
        if self.mode == "materialize":
            cost = self.n * 8 / 15e9 + runs * self.n * 8 / 30e9 * (1 + self.serial)
        else:
            cost = runs * self.n / 25e9 * (self.serial + 1 / par)
        return cost + 0.05 + self.chunks * 2e-7 * runs

    def command(self, binary):
        cmd = [binary, "--format", "json", "-n", str(self.n), "--mode", self.mode,
               "--repeat", str(self.repeat)]
        if self.device == "cpu":  # psum_omp refuses chunks and schedules on a GPU
            cmd += ["--schedule", self.schedule, "--chunks", str(self.chunks)]
        else:
            cmd += ["--device", self.device] + (["--from-host"] if self.from_host else [])
        return cmd if self.serial else cmd + ["--no-serial"]

    def run(self, binary, env):
        env = dict(env, OMP_NUM_THREADS=str(self.threads))
        cmd = self.command(binary)
        rc, out, err = run_child(cmd, env)
        if rc == 130:
            raise KeyboardInterrupt  # psum_omp got the Ctrl-C first
        if rc != 0:
            raise RunFailed(f"{' '.join(cmd)} exited {rc}: {err.strip()}")
        doc = json_doc(cmd, out, PSUM_KEYS)
        if not doc["verified"]:
            raise RunFailed(f"{self.describe()} did not verify: sum {doc['sum']}, "
                            f"expected {doc['expected']}")
        check_sum(self.describe(), self.n, doc["sum"])
        return doc


def psum_rows(sweep, doc, process=None):
    """samples.csv rows of one psum_omp document: one per repetition, with
    its process index (empty for a configuration's only process)."""
    for phase in ("serial", "parallel"):
        if doc[phase] is None:
            continue
        for rep, seconds in enumerate(doc[phase]["samples_s"]):
            yield {"sweep": sweep, "mode": doc["mode"], "n": doc["n"],
                   "threads_requested": doc["threads_requested"],
                   "threads": doc["threads"], "schedule": doc["schedule"],
                   "chunks": doc["chunks"], "phase": phase, "rep": rep,
                   "seconds": seconds,
                   "calls_per_sample": doc[phase].get("calls_per_sample", 1),
                   "materialize_s": doc["materialize_s"],
                   "sum": doc["sum"], "expected": doc["expected"],
                   "verified": doc["verified"], "process": "" if process is None else process}


class ArticleGroup:
    """Rows that must share one N: the article's serial program and its
    process pools, so their whole-program times compare at equal N."""
    # The calibration's fields that a member's measured document carries.
    FIT_KEYS = ("calibration", "calibration_s", "fixed_s", "per_element_s")

    def __init__(self):
        self.members, self.n, self.sizes, self.calibrations = [], None, {}, {}
        self.docs = None

    def settle(self, python, script, env):
        """Asks each member which N its fit of a + b·N lets fit its budget
        (pysum.py --calibrate-only); the group takes the smallest, so every
        member fits its budget."""
        for job in self.members:
            doc = job.call(python, script, env, ["--calibrate-only"])
            if doc.get("available"):
                self.sizes[job.row] = doc["n"]
                self.calibrations[job.row] = doc
        self.n = min(self.sizes.values()) if self.sizes else None

    def measure(self, python, script, env):
        """The members' repetitions at the shared N, in rounds of one
        repetition each: the article's speedup divides one row's time by
        another's, and on a machine that drifts over minutes rows timed one
        after the other disagreed by 29 % between two sets."""
        repeat = max(job.repeat for job in self.members)
        samples = {job.row: [] for job in self.members}
        for r in range(repeat):
            for job in [j for j in self.members if r < j.repeat]:
                once = PythonJob(job.row, job.impl, self.n, 1, workers=job.workers,
                                 chunks=job.chunks)
                samples[job.row].append(once.call(python, script, env))
        self.docs = {row: merged(docs) for row, docs in samples.items()}

    def fit_fields(self, job):
        """The member's calibration at the shared N, for its document: its
        fit, its own choice, the fit's fixed share at the shared N, and a
        note that says how N was chosen and whether that share is under
        cost.FIXED_SHARE_LIMIT."""
        cal = self.calibrations[job.row]
        model = cost.Fit(cal["fixed_s"], cal["per_element_s"])
        share = model.fixed_share(self.n)
        note = (f"N = {self.n:,} shared by the article's rows: the smallest of the N each "
                f"chose ({', '.join(f'{r} {n:,}' for r, n in self.sizes.items())}), the largest "
                f"whose repetitions fit its {job.budget:g} s budget by its "
                f"{cost.describe_fit(model, cal['calibration'])}")
        if not cal["fits_budget"]:
            note += (f"; no size fits this row's budget, so it chose its smallest, "
                     f"{cal['n']:,}")
        if share >= cost.FIXED_SHARE_LIMIT and cal["fixed_share_ok"]:
            note += (f"; at the shared N the fixed part ({model.fixed_s:.3g} s) is {share:.0%} "
                     f"of a repetition, not under {cost.FIXED_SHARE_LIMIT:.0%} (it is at this "
                     f"row's own {cal['n']:,})")
        elif share >= cost.FIXED_SHARE_LIMIT:
            note += "; " + cost.share_text(model, self.n, job.repeat, job.budget, job.max_n)
        note += ("; its repetitions alternate with the other article rows', one of each "
                 "per round, all run when the first of these rows ran (its record's time)")
        fields = {k: cal[k] for k in self.FIT_KEYS}
        fields.update(chosen_n=cal["n"], fit_fixed_share=share, fit_flat=cal["fit_flat"],
                      fixed_share_ok=share < cost.FIXED_SHARE_LIMIT, n_note=note)
        return fields


class PythonJob:
    """One bench/pysum.py row: an implementation, its workers, and either a
    fixed N or a time budget within which pysum.py chooses N."""
    kind = "python"

    def __init__(self, row, impl, max_n, repeat, budget=None, workers=1, chunks=100,
                 group=None, optional=False):
        self.row, self.impl, self.max_n, self.repeat = row, impl, max_n, repeat
        self.budget, self.workers, self.chunks, self.group = budget, workers, chunks, group
        # An optional row (a vendor's library beside psum_omp) that fails
        # without printing a sum is shown as not run, with pysum.py's reason,
        # instead of stopping the sweep; a wrong sum still stops it.
        self.optional = optional
        if group is not None:
            group.members.append(self)

    def describe(self):
        return f"python {self.row}"

    def spec(self):
        return {"row": self.row, "impl": self.impl, "max_n": self.max_n,
                "repeat": self.repeat, "budget_s": self.budget, "workers": self.workers,
                "chunks": self.chunks}

    def estimate(self, cpus):
        return (self.budget or 1.0) * 1.3 + 0.5

    def call(self, python, script, env, extra=(), timeout=None):
        """pysum.py's document: a verified sum, or a row that says why it
        did not run (exit 3; an optional row's failure).  RunFailed for a
        failure or a wrong sum; subprocess.TimeoutExpired after `timeout`."""
        size = ["--budget", str(self.budget), "--max-n", str(self.max_n)] \
            if self.budget else ["--n", str(self.max_n)]
        cmd = [python, script, self.impl, *size, "--repeat", str(self.repeat),
               "--chunks", str(self.chunks), "--workers", str(self.workers), *extra]
        rc, out, err = run_child(cmd, env, timeout)
        if rc == 3:
            return json_doc(cmd, out, ("impl", "available", "why"))  # the row says why
        if rc in (130, -signal.SIGINT):
            raise KeyboardInterrupt
        if rc != 0 and self.optional and not out.strip():
            lines = err.strip().splitlines()
            return {"impl": self.impl, "available": False,
                    "why": f"failed (exit {rc}): {lines[-1] if lines else 'no message'}"}
        if rc != 0:
            raise RunFailed(f"{' '.join(cmd)} exited {rc}: {err.strip()}")
        if "--calibrate-only" in extra:
            return json_doc(cmd, out, ("impl", "available", "n"))
        doc = json_doc(cmd, out, PYTHON_KEYS)
        if not doc["verified"]:
            raise RunFailed(f"{self.describe()} did not verify")
        check_sum(self.describe(), doc["n"], doc["sum"])
        return doc

    def run(self, python, script, env):
        if self.group is None:
            return self.call(python, script, env)
        if self.group.n is None:
            self.group.settle(python, script, env)
        if self.group.n is None:
            return self.call(python, script, env, ["--calibrate-only"])
        if self.group.docs is None:
            self.group.measure(python, script, env)
        doc = dict(self.group.docs[self.row])
        if doc.get("available") and self.row in self.group.calibrations:
            doc.update(self.group.fit_fields(self))
        return doc


def merged(docs):
    """One pysum.py document from several runs of the same row at the same
    N: their samples in order, medians and minima over all of them."""
    doc = dict(docs[0])
    if not doc.get("available"):
        return doc
    doc["repeat"] = len(docs)
    for key in [k for k in doc if k.endswith("samples_s")]:
        doc[key] = [x for d in docs for x in d[key]]
        prefix = key[:-len("samples_s")]
        doc[prefix + "median_s"] = statistics.median(doc[key])
        doc[prefix + "min_s"] = min(doc[key])
    return doc


def python_rows(row, doc):
    """python.csv rows of one pysum.py document: one per repetition."""
    if not doc.get("available"):
        yield {"row": row, "impl": doc["impl"], "note": doc.get("why", "not run")}
        return
    builds = doc.get("build_samples_s") or [""] * len(doc["samples_s"])
    for rep, (seconds, build) in enumerate(zip(doc["samples_s"], builds)):
        yield {"row": row, "impl": doc["impl"], "n": doc["n"], "workers": doc["workers"],
               "chunks": doc["chunks"], "rep": rep, "seconds": seconds, "build_s": build,
               "sum": doc["sum"], "expected": doc["expected"], "verified": doc["verified"],
               "note": doc.get("n_note", "")}


class RowWriter:
    """A CSV file that gets its header at once and each row flushed as it
    is written, so an interrupted sweep leaves a valid partial file."""

    def __init__(self, path, columns):
        self.file = open(path, "x", newline="")
        self.writer = csv.DictWriter(self.file, fieldnames=columns)
        self.writer.writeheader()
        self.file.flush()

    def write(self, rows):
        for row in rows:
            self.writer.writerow(row)
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self):
        self.file.close()


def format_duration(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    """A line on stderr per configuration, with the time left estimated from
    the cost model, scaled by how fast the finished part actually went."""

    def __init__(self, jobs, cpus, stream=sys.stderr):
        self.estimates = [job.estimate(cpus) for job in jobs]
        self.total = sum(self.estimates)
        self.done_estimate = 0.0
        self.start = time.monotonic()
        self.stream = stream

    def starting(self, index, job):
        elapsed = time.monotonic() - self.start
        scale = elapsed / self.done_estimate if self.done_estimate > 0 else 1.0
        left = (self.total - self.done_estimate) * scale
        print(f"[{index + 1}/{len(self.estimates)}] {job.describe()}  "
              f"(elapsed {format_duration(elapsed)}, ~{format_duration(left)} left)",
              file=self.stream, flush=True)

    def finished(self, index):
        self.done_estimate += self.estimates[index]
