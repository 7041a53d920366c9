#!/usr/bin/env python3
"""The mpi sweep of bench/sweep.py: its splits and tables on synthetic
records; then, when the build has psum_mpi and mpirun is found, a quick
sweep end to end (runs.jsonl records, mpi.md, --render, the mpi4py row) and
an interrupted one that leaves no rank behind; and the set saying "skipped"
when psum_mpi is missing.

usage: bench_mpi_test.py BUILD_DIR
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SWEEP = os.path.join(HERE, "..", "..", "bench", "sweep.py")
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
from psumbench import mpi, tables  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from procs import command_of, tagged_processes  # noqa: E402

BUILD = None


def sweep(out, *args, build=None, **kw):
    return subprocess.run([sys.executable, SWEEP, "--build", build or BUILD, "--out", out,
                           *args], capture_output=True, text=True, timeout=240, **kw)


def result_set(out):
    found = sorted(glob.glob(os.path.join(out, "*", "*")))
    return found[0] if found else None


def records(setdir):
    with open(os.path.join(setdir, "runs.jsonl")) as f:
        return [json.loads(line) for line in f]


def has_mpi():
    return os.access(os.path.join(BUILD, "src", "psum_mpi"), os.X_OK) and \
        shutil.which("mpirun") is not None


def doc(mode, ranks, threads, median, n=1000, imbalance=(1.0, 1.0, 1.0)):
    return {"mode": mode, "n": n, "ranks": ranks, "threads_per_rank": threads,
            "threads": ranks * threads, "parallel": {"median_s": median, "min_s": median,
                                                     "max_s": median, "noisy": False},
            "imbalance": dict(zip(("min_s", "mean_s", "max_s"), imbalance)),
            "reduce_s": 2e-6, "peak_rss_bytes": 1 << 24, "background_load": None,
            "noisy": False}


class Plans(unittest.TestCase):
    def test_splits_cover_every_divisor(self):
        self.assertEqual(mpi.splits(2), [(1, 2), (2, 1)])
        self.assertEqual(mpi.splits(12), [(1, 12), (2, 6), (3, 4), (4, 3), (6, 2), (12, 1)])
        self.assertEqual(mpi.weak_ranks(1), [1])
        self.assertEqual(mpi.weak_ranks(6), [1, 2, 4, 6])
        self.assertEqual(mpi.weak_ranks(8), [1, 2, 4, 8])

    def test_launch_binds_each_rank_to_its_own_cpus(self):
        cmd = mpi.launch("mpirun", 2, 4)
        self.assertEqual(cmd[cmd.index("-np") + 1], "2")
        self.assertIn("slot:PE=4", cmd)


class Tables(unittest.TestCase):
    RECORDS = [
        {"kind": "psum", "spec": {}, "doc": dict(doc("stream", 1, 2, 1.0), threads=2,
                                                serial=None)},
        {"kind": "psum_mpi", "spec": {"study": "strong"}, "doc": doc("stream", 2, 1, 1.05,
                                                                     imbalance=(1, 1.5, 3))},
        {"kind": "psum_mpi", "spec": {"study": "strong"}, "doc": doc("stream", 1, 2, 1.02)},
        {"kind": "psum_mpi", "spec": {"study": "weak"}, "doc": doc("stream", 1, 1, 2.0, 500)},
        {"kind": "psum_mpi", "spec": {"study": "weak"}, "doc": doc("stream", 2, 1, 2.5, 1000)},
    ]

    def test_strong_rows_relative_to_psum_omp(self):
        rows = tables.mpi_strong_rows(self.RECORDS)["stream"]["rows"]
        self.assertEqual([r["label"] for r in rows], ["1 × 2", "2 × 1"])
        self.assertAlmostEqual(rows[0]["vs_omp"], 1.02)
        self.assertAlmostEqual(rows[1]["vs_omp"], 1.05)
        self.assertAlmostEqual(rows[1]["imbalance"], 2.0)
        text = tables.mpi_strong_markdown(tables.mpi_strong_rows(self.RECORDS), 2)
        self.assertIn("| psum_omp, 2 threads |", text)
        self.assertIn("| 2 × 1 | 1.05 |", text)

    def test_weak_efficiency_is_one_rank_over_r_ranks(self):
        rows = tables.mpi_weak_rows(self.RECORDS)["stream"]["rows"]
        self.assertEqual([(r["ranks"], r["per_rank"]) for r in rows], [(1, 500), (2, 500)])
        self.assertAlmostEqual(rows[1]["efficiency"], 0.8)
        text = tables.mpi_weak_markdown(tables.mpi_weak_rows(self.RECORDS))
        self.assertIn("| 2 | 1,000 | 500 |", text)

    def test_mpi4py_row_follows_the_python_rows(self):
        rows = [tables.contrast_row("py", "Python", "t", 10, "1", 1.0, 1.0),
                tables.contrast_row("c", "psum_omp", "t", 10, "1", 1.0, 1.0)]
        record = {"kind": "python_mpi", "spec": {"ranks": 2},
                  "doc": {"available": True, "timed": "whole", "n": 10, "ranks": 2,
                          "median_s": 0.5, "min_s": 0.4}}
        out = tables.mpi_contrast_rows(rows, [record])
        self.assertEqual([r["name"] for r in out], ["py", "Python mpi4py, 2 ranks", "c"])
        record["doc"] = {"available": False, "why": "no mpi4py", "how": "install it"}
        self.assertIn("not run: no mpi4py", tables.mpi_contrast_rows(rows, [record])[1]["note"])


class Skipped(unittest.TestCase):
    def test_without_psum_mpi_the_set_says_skipped(self):
        with tempfile.TemporaryDirectory() as tmp:
            build = os.path.join(tmp, "build")
            os.makedirs(os.path.join(build, "src"))
            os.symlink(os.path.abspath(os.path.join(BUILD, "src", "psum_omp")),
                       os.path.join(build, "src", "psum_omp"))
            p = sweep(os.path.join(tmp, "out"), "--quick", "--sweeps", "mpi", build=build)
            self.assertEqual(p.returncode, 0, p.stderr)
            setdir = result_set(os.path.join(tmp, "out"))
            with open(os.path.join(setdir, "mpi.md")) as f:
                # after the smoke run's banner
                self.assertIn("\n\nskipped: no psum_mpi at ", f.read())
            with open(os.path.join(setdir, "summary.md")) as f:
                self.assertIn("skipped: no psum_mpi", f.read())
            self.assertEqual(records(setdir), [])


class QuickMpiSweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not has_mpi():
            raise unittest.SkipTest("no psum_mpi in the build, or no mpirun")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.proc = sweep(cls.tmp.name, "--quick", "--sweeps", "mpi")
        cls.dir = result_set(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_records_verified_and_complete(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        found = [r for r in records(self.dir) if r["kind"] != "watch"]
        self.assertTrue(all(r["sweep"] == "mpi" for r in found))
        cpus = os.cpu_count()
        kinds = [r["kind"] for r in found]
        with open(os.path.join(self.dir, "run.json")) as f:
            k = json.load(f)["processes"]  # each psum configuration in k processes
        self.assertEqual(kinds.count("psum"), 2 * k)
        self.assertEqual(kinds.count("psum_mpi"),
                         2 * k * (len(mpi.splits(cpus)) + len(mpi.weak_ranks(cpus))))
        self.assertEqual(kinds.count("python_mpi"), 1)
        for r in found:
            if r["kind"] == "psum_mpi":
                d = r["doc"]
                self.assertTrue(d["verified"])
                self.assertEqual((d["ranks"], d["threads_per_rank"]),
                                 (r["spec"]["ranks"], r["spec"]["threads"]))
        with open(os.path.join(self.dir, "run.json")) as f:
            self.assertIs(json.load(f)["complete"], True)

    def test_tables_and_render(self):
        with open(os.path.join(self.dir, "mpi.md")) as f:
            before = f.read()
        self.assertIn("### Strong scaling", before)
        self.assertIn("### Weak scaling", before)
        self.assertIn("| psum_omp, ", before)
        with open(os.path.join(self.dir, "summary.md")) as f:
            self.assertIn("## Across MPI ranks: psum_mpi", f.read())
        p = subprocess.run([sys.executable, SWEEP, "--render", self.dir], capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "mpi.md")) as f:
            self.assertEqual(f.read(), before)
        if shutil.which("gnuplot"):
            for name in ("mpi_strong.png", "mpi_weak.png"):
                self.assertGreater(os.path.getsize(os.path.join(self.dir, name)), 1000)


class Interrupted(unittest.TestCase):
    def test_sigint_leaves_no_rank(self):
        if not has_mpi():
            self.skipTest("no psum_mpi in the build, or no mpirun")
        tag = uuid.uuid4().hex
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, PSUM_TEST_TAG=tag)
            p = subprocess.Popen([sys.executable, SWEEP, "--build", BUILD, "--out", out,
                                  "--sweeps", "mpi", "-n", "1e8", "--repeat", "300"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(
                    "psum_mpi" in command_of(pid) for pid in tagged_processes(tag)):
                time.sleep(0.2)
            self.assertTrue(any("psum_mpi" in command_of(pid) for pid in tagged_processes(tag)),
                            "no psum_mpi rank started")
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 130, err)
            time.sleep(0.5)
            left = tagged_processes(tag)
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            self.assertEqual(left, [], "processes of the sweep outlived it")


if __name__ == "__main__":
    BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
