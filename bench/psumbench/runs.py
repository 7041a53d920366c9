"""Running psum_omp and the Python programs, one configuration at a time,
with every raw sample written (and flushed) to CSV as soon as it exists and
a progress line with an estimate of the time left."""
import csv
import json
import os
import subprocess
import sys
import time

PSUM_COLUMNS = ("sweep", "mode", "n", "threads_requested", "threads", "schedule", "chunks",
                "phase", "rep", "seconds", "materialize_s", "sum", "expected", "verified")
PYTHON_COLUMNS = ("impl", "n", "requested_n", "workers", "chunks", "seconds", "build_s",
                  "sum", "expected", "verified", "note")


class RunFailed(Exception):
    """A run exited non-zero or did not verify: the sweep stops, loudly."""


class PsumJob:
    """One psum_omp run: its command line and an estimate of its cost."""

    def __init__(self, sweep, mode, n, threads, repeat, schedule="dynamic", chunks=100,
                 serial=True):
        self.sweep, self.mode, self.n, self.threads = sweep, mode, n, threads
        self.repeat, self.schedule, self.chunks, self.serial = repeat, schedule, chunks, serial

    def describe(self):
        return (f"{self.sweep}: {self.mode}, N={self.n:.0e}, {self.threads} threads, "
                f"{self.schedule}/{self.chunks}")

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
               "--schedule", self.schedule, "--chunks", str(self.chunks),
               "--repeat", str(self.repeat)]
        return cmd if self.serial else cmd + ["--no-serial"]

    def run(self, binary, env):
        env = dict(env, OMP_NUM_THREADS=str(self.threads))
        p = subprocess.run(self.command(binary), capture_output=True, text=True, env=env)
        if p.returncode == 130:
            raise KeyboardInterrupt  # psum_omp got the Ctrl-C first
        if p.returncode != 0:
            raise RunFailed(f"{' '.join(self.command(binary))} exited {p.returncode}: "
                            f"{p.stderr.strip()}")
        doc = json.loads(p.stdout)
        if not doc["verified"]:
            raise RunFailed(f"{self.describe()} did not verify: sum {doc['sum']}, "
                            f"expected {doc['expected']}")
        return doc

    def rows(self, doc):
        for phase in ("serial", "parallel"):
            if doc[phase] is None:
                continue
            for rep, seconds in enumerate(doc[phase]["samples_s"]):
                yield {"sweep": self.sweep, "mode": doc["mode"], "n": doc["n"],
                       "threads_requested": doc["threads_requested"],
                       "threads": doc["threads"], "schedule": doc["schedule"],
                       "chunks": doc["chunks"], "phase": phase, "rep": rep,
                       "seconds": seconds, "materialize_s": doc["materialize_s"],
                       "sum": doc["sum"], "expected": doc["expected"],
                       "verified": doc["verified"]}


class PythonJob:
    """One run of bench/pysum.py for one implementation."""

    def __init__(self, impl, n, requested_n, workers, chunks, note=""):
        self.impl, self.n, self.requested_n = impl, n, requested_n
        self.workers, self.chunks, self.note = workers, chunks, note

    def describe(self):
        return f"python {self.impl}, N={self.n:.0e}"

    def estimate(self, cpus):
        per_element = {"serial": 80e-9, "threads": 30e-9, "processes": 30e-9 / cpus,
                       "numpy": 5e-9}[self.impl]
        return self.n * per_element + 0.3

    def run(self, script, env):
        cmd = [sys.executable, script, self.impl, str(self.n), "--chunks", str(self.chunks),
               "--workers", str(self.workers)]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if p.returncode == 3:
            return None  # numpy is not importable: the row says so
        if p.returncode != 0:
            raise RunFailed(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
        return json.loads(p.stdout)

    def rows(self, doc):
        if doc is None:
            yield {"impl": self.impl, "n": "", "requested_n": self.requested_n,
                   "workers": self.workers, "chunks": self.chunks, "seconds": "",
                   "build_s": "", "sum": "", "expected": "", "verified": "",
                   "note": "numpy not importable: not run"}
            return
        yield {"impl": self.impl, "n": doc["n"], "requested_n": self.requested_n,
               "workers": self.workers, "chunks": self.chunks, "seconds": doc["seconds"],
               "build_s": doc.get("build_s", ""), "sum": doc["sum"],
               "expected": doc["expected"], "verified": doc["verified"], "note": self.note}


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
