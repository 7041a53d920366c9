#!/usr/bin/env python3
"""bench/sweep.py --quick end to end: the CSVs parse with the expected
columns, the tables list the expected rows, the plots are non-empty images,
reruns never overwrite, bad arguments exit 2, an interrupt leaves a valid
partial CSV.

usage: bench_quick_test.py BUILD_DIR
"""
import csv
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SWEEP = os.path.join(HERE, "..", "bench", "sweep.py")
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
from psumbench import runs  # noqa: E402

BUILD = None


def sweep(out, *args, **kw):
    return subprocess.run([sys.executable, SWEEP, "--build", BUILD, "--out", out, *args],
                          capture_output=True, text=True, timeout=120, **kw)


def run_dirs(out):
    return sorted(glob.glob(os.path.join(out, "*", "*")))


class QuickSweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = cls.tmp.name
        cls.proc = sweep(cls.out, "--quick")
        dirs = run_dirs(cls.out)
        cls.dir = dirs[0] if dirs else None

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def read(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return f.read()

    def test_exits_0_and_prints_both_tables(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertIn("Speedup against threads", self.proc.stdout)
        self.assertIn("Python against psum_omp", self.proc.stdout)
        self.assertRegex(self.proc.stderr, r"\[1/\d+\] threads: .*left\)")

    def test_samples_csv(self):
        with open(os.path.join(self.dir, "samples.csv"), newline="") as f:
            reader = csv.DictReader(f)
            self.assertEqual(tuple(reader.fieldnames), runs.PSUM_COLUMNS)
            rows = list(reader)
        self.assertTrue(all(r["verified"] == "True" and r["sum"] == r["expected"] for r in rows))
        sweeps = {r["sweep"] for r in rows}
        self.assertEqual(sweeps, {"threads", "schedules", "sizes"})
        # every repetition is a row: 2 repetitions x (serial + parallel) per thread point
        one = [r for r in rows if r["sweep"] == "threads" and r["mode"] == "stream"
               and r["threads_requested"] == "1"]
        self.assertEqual(sorted((r["phase"], r["rep"]) for r in one),
                         [("parallel", "0"), ("parallel", "1"), ("serial", "0"), ("serial", "1")])

    def test_python_csv(self):
        with open(os.path.join(self.dir, "python.csv"), newline="") as f:
            reader = csv.DictReader(f)
            self.assertEqual(tuple(reader.fieldnames), runs.PYTHON_COLUMNS)
            rows = {r["impl"]: r for r in reader}
        self.assertEqual(set(rows), {"serial", "threads", "processes", "numpy"})
        for impl in ("serial", "threads", "processes"):
            self.assertEqual(rows[impl]["verified"], "True")
            self.assertEqual(rows[impl]["sum"], str(10**5 * (10**5 - 1) // 2))

    def test_speedup_table_rows(self):
        text = self.read("speedup.md")
        cpus = os.cpu_count()
        for mode in ("materialize", "stream"):
            self.assertIn(f"**{mode}**", text)
        self.assertEqual(text.count("| 1 |"), 2)
        self.assertEqual(text.count(f"| {2 * cpus} (oversubscribed) |"), 2)
        self.assertEqual(text.count("Amdahl fit"), 2)
        self.assertIn("Karp–Flatt", text)

    def test_contrast_table_rows(self):
        text = self.read("contrast.md")
        for name in ("Python serial", "Python threads", "Python processes", "Python numpy",
                     "psum_omp serial (materialize)", "psum_omp parallel (materialize)",
                     "psum_omp serial (stream)", "psum_omp parallel (stream)",
                     "article, author's machine (reference, not measured here)"):
            self.assertIn(f"| {name}" if "article" not in name else name, text)
        self.assertIn("| 20.7 |", text)

    def test_sizes_and_schedules_tables(self):
        sizes = self.read("sizes.md")
        for n in ("1,000", "10,000", "100,000", "1,000,000", "10,000,000"):
            self.assertRegex(sizes, rf"\| {n}( †)? \|")  # † marks a noisy run
        self.assertEqual(sizes.count("Crossover:"), 2)
        schedules = self.read("schedules.md")
        for c in ("1", "10", "100", "1,000"):
            self.assertEqual(schedules.count(f"\n| {c} |"), 2)

    def test_plots_are_images(self):
        for name in ("speedup", "sizes", "contrast"):
            with open(os.path.join(self.dir, name + ".png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)
            self.assertGreater(os.path.getsize(os.path.join(self.dir, name + ".png")), 5000)
            self.assertIn("<svg", self.read(name + ".svg"))

    def test_machine_record_and_index(self):
        machine = json.loads(self.read("machine.json"))
        for key in ("cpu_model", "logical_cpus", "memory_bytes", "kernel", "huge_pages",
                    "compiler", "compile_command", "openmp_runtime", "omp_env",
                    "git_commit", "date"):
            self.assertIn(key, machine)
        self.assertTrue(json.loads(self.read("run.json"))["complete"])
        with open(os.path.join(self.out, "README.md")) as f:
            self.assertIn(os.path.basename(self.dir), f.read())

    def test_rerun_makes_a_new_result_set(self):
        second = sweep(self.out, "--quick", "--sweeps", "threads")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(len(run_dirs(self.out)), 2)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "sizes.md")))


class BadArguments(unittest.TestCase):
    def test_exit_2_with_a_message(self):
        with tempfile.TemporaryDirectory() as out:
            for args, msg in ((["-n", "1e9x"], "invalid value '1e9x'"),
                              (["--repeat", "0"], "not a positive whole number"),
                              (["--sweeps", "bogus"], "invalid value 'bogus' for --sweeps"),
                              (["--frobnicate"], "unrecognized arguments")):
                p = sweep(out, *args)
                self.assertEqual(p.returncode, 2, args)
                self.assertIn(msg, p.stderr)
                self.assertEqual(p.stdout, "")
            self.assertEqual(run_dirs(out), [])


class Interrupt(unittest.TestCase):
    def test_ctrl_c_leaves_a_valid_partial_csv(self):
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.Popen([sys.executable, SWEEP, "--build", BUILD, "--out", out,
                                  "--sweeps", "sizes", "-n", "1e5", "--repeat", "1",
                                  "--stream-max", "1e11"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)
            deadline = time.monotonic() + 60
            csv_path = None
            while time.monotonic() < deadline:
                found = glob.glob(os.path.join(out, "*", "*", "samples.csv"))
                if found and os.path.getsize(found[0]) > 500:
                    csv_path = found[0]
                    break
                time.sleep(0.05)
            self.assertIsNotNone(csv_path, "no rows were written")
            os.killpg(p.pid, signal.SIGINT)  # as Ctrl-C does: the whole group
            _, err = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 130, err)
            self.assertIn("interrupted", err)
            with open(csv_path, newline="") as f:
                rows = list(csv.DictReader(f))
            self.assertGreater(len(rows), 0)
            self.assertTrue(all(len(r) == len(runs.PSUM_COLUMNS) and None not in r.values()
                                for r in rows))
            meta = json.loads(open(os.path.join(os.path.dirname(csv_path), "run.json")).read())
            self.assertFalse(meta["complete"])


if __name__ == "__main__":
    BUILD = sys.argv.pop(1)
    unittest.main(verbosity=2)
