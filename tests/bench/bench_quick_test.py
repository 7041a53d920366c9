#!/usr/bin/env python3
"""bench/sweep.py --quick end to end: the CSVs parse with the expected
columns, the tables list the expected rows, the plots are non-empty images,
reruns never overwrite, --render rebuilds the same tables, a missing gnuplot
costs only the plots, a damaged set never stops another, bad arguments exit
2 before anything is created, and an interrupt or SIGTERM leaves a valid
partial set and no process of the sweep behind.

usage: bench_quick_test.py BUILD_DIR
"""
import csv
import glob
import json
import os
import re
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
from psumbench import runs  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from procs import command_of, tagged_processes  # noqa: E402

BUILD = None


def sweep(out, *args, **kw):
    return subprocess.run([sys.executable, SWEEP, "--build", BUILD, "--out", out, *args],
                          capture_output=True, text=True, timeout=180, **kw)


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def path_without_gnuplot():
    """A PATH with python3 and the usual tools but no gnuplot."""
    keep = tempfile.mkdtemp()
    for d in os.environ["PATH"].split(os.pathsep):
        if os.path.exists(os.path.join(d, "gnuplot")):
            for name in os.listdir(d):
                src = os.path.join(d, name)
                if name != "gnuplot" and not os.path.exists(os.path.join(keep, name)):
                    os.symlink(src, os.path.join(keep, name))
    return os.pathsep.join([keep] + [d for d in os.environ["PATH"].split(os.pathsep)
                                     if not os.path.exists(os.path.join(d, "gnuplot"))])


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
        # the interleaved order starts anywhere: a first process (#1) of some sweep
        self.assertRegex(self.proc.stderr, r"\[1/\d+\] [a-z ]+: .* #1  \(elapsed .*left\)")

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
               and r["threads_requested"] == "1" and r["process"] == "0"]
        # ... in each of the smoke run's two processes
        self.assertEqual({r["process"] for r in rows}, {"0", "1"})
        self.assertEqual(sorted((r["phase"], r["rep"]) for r in one),
                         [("parallel", "0"), ("parallel", "1"), ("serial", "0"), ("serial", "1")])

    def test_python_csv(self):
        with open(os.path.join(self.dir, "python.csv"), newline="") as f:
            reader = csv.DictReader(f)
            self.assertEqual(tuple(reader.fieldnames), runs.PYTHON_COLUMNS)
            rows = list(reader)
        by_row = {}
        for r in rows:
            by_row.setdefault(r["row"], []).append(r)
        self.assertEqual(set(by_row), {"list", "processes", "processes_cpus", "range",
                                       "threads", "numpy_arange", "numpy_sum", "numba"})
        for row in ("list", "processes", "processes_cpus", "range", "threads"):
            self.assertEqual(len(by_row[row]), 3, row)  # three repetitions
            for r in by_row[row]:
                self.assertEqual(r["verified"], "True")
                n = int(r["n"])
                self.assertEqual(r["sum"], str(n * (n - 1) // 2))
        # The article's rows share one N.
        self.assertEqual({by_row[r][0]["n"] for r in ("list", "processes", "processes_cpus")},
                         {by_row["list"][0]["n"]})
        self.assertTrue(all(float(r["build_s"]) > 0 for r in by_row["list"]))

    def test_numpy_and_numba_rows_run_or_say_why(self):
        for row in ("numpy_arange", "numpy_sum", "numba"):
            doc = self.record("python", row)["doc"]
            if doc["available"]:
                self.assertTrue(doc["verified"], row)
                self.assertEqual(len(doc["samples_s"]), 3)
            else:
                self.assertRegex(doc["why"], "not importable")
                self.assertIn("--python", doc["how"])

    def record(self, sweep, row):
        with open(os.path.join(self.dir, "runs.jsonl")) as f:
            for line in f:
                r = json.loads(line)
                if r["sweep"] == sweep and r["spec"].get("row") == row:
                    return r
        self.fail(f"no record of {sweep} {row}")

    def test_runs_jsonl_keeps_every_document(self):
        with open(os.path.join(self.dir, "runs.jsonl")) as f:
            records = [json.loads(line) for line in f]
        with open(os.path.join(self.dir, "samples.csv"), newline="") as f:
            samples = list(csv.DictReader(f))
        psum = [r for r in records if r["kind"] == "psum"]
        self.assertEqual(sum(len(r["doc"]["parallel"]["samples_s"]) +
                             len((r["doc"]["serial"] or {}).get("samples_s", []))
                             for r in psum), len(samples))
        for r in psum:
            self.assertIn("warnings", r["doc"])
            self.assertIn("peak_rss_bytes", r["doc"])

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
        for name in ("Python serial, the article's program: sum() only",
                     "Python serial, the article's program: whole",
                     "Python ProcessPoolExecutor, the article's",
                     "Python ProcessPoolExecutor, workers = CPUs", "Python sum(range(N))",
                     "Python ThreadPoolExecutor", "numpy arange + sum",
                     "numpy sum of a built array", "numba prange over the array",
                     "psum_omp serial, materialize", "psum_omp parallel, materialize",
                     "psum_omp serial, stream", "psum_omp parallel, stream",
                     "article: serial, sum() only", "article: ProcessPoolExecutor"):
            self.assertRegex(text, rf"\n\| {re.escape(name)}( \[\d+\])? \|")
        # the baseline is 1.0x of itself; the article's pool is its own 3.0x
        self.assertRegex(text, r"\| list built \+ sum\(\): the baseline \|.*\| 1\.0× \|")
        self.assertRegex(text, r"article: ProcessPoolExecutor.*\| – \| 3\.0× \|")

    def test_sizes_and_schedules_tables(self):
        sizes = self.read("sizes.md")
        for n in ("1,000", "10,000", "100,000", "1,000,000", "10,000,000"):
            self.assertRegex(sizes, rf"\| {n}( [†‡¶]+)? \|")  # noisy, unstable, slow
        self.assertEqual(sizes.count("Crossover:"), 2)
        schedules = self.read("schedules.md")
        for c in ("1", "10", "100", "1,000"):
            self.assertEqual(schedules.count(f"\n| {c} |"), 2)

    def test_smoke_banner_everywhere(self):
        self.assertTrue(self.proc.stdout.startswith("**SMOKE RUN**"), self.proc.stdout[:200])
        for name in ("speedup.md", "contrast.md", "sizes.md", "schedules.md", "mpi.md"):
            if os.path.exists(os.path.join(self.dir, name)):
                self.assertTrue(self.read(name).startswith("**SMOKE RUN**"), name)
        self.assertIn("**SMOKE RUN**", self.read("summary.md"))
        scripts = glob.glob(os.path.join(self.dir, "*.gp"))
        self.assertGreaterEqual(len(scripts), 5)
        for gp in scripts:
            with open(gp) as f:
                self.assertIn('set title "SMOKE RUN, no results: ', f.read(), gp)

    def test_processes_order_and_watch_are_recorded(self):
        meta = json.loads(self.read("run.json"))
        self.assertEqual(meta["processes"], 2)
        self.assertIsInstance(meta["order_seed"], int)
        self.assertEqual(meta["unstable_max_over_min"], 1.1)
        self.assertEqual(meta["watch_slow_fraction"], 0.8)
        with open(os.path.join(self.dir, "runs.jsonl")) as f:
            records = [json.loads(line) for line in f]
        jobs = [r for r in records if r["kind"] != "watch"]
        self.assertEqual(len(meta["order"]), len(jobs))
        # one watch point before every job and one after the last
        self.assertEqual(sum(r["kind"] == "watch" for r in records), len(jobs) + 1)
        with open(os.path.join(self.dir, "watch.csv"), newline="") as f:
            self.assertEqual(len(list(csv.DictReader(f))), len(jobs) + 1)
        self.assertIn("watch points over", self.read("summary.md"))
        self.assertTrue(os.path.exists(os.path.join(self.dir, "watch.png")))

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
        meta = json.loads(self.read("run.json"))
        self.assertTrue(meta["complete"])
        self.assertGreater(meta["elapsed_s"], 0)
        # A smoke run's set is no result: the index is written but leaves it out.
        with open(os.path.join(self.out, "README.md")) as f:
            index = f.read()
        self.assertIn("# Published results", index)
        self.assertNotIn(os.path.basename(self.dir), index)

    def test_rerun_makes_a_new_result_set(self):
        second = sweep(self.out, "--quick", "--sweeps", "threads")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(len(run_dirs(self.out)), 2)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "sizes.md")))


    def test_render_rebuilds_the_same_tables(self):
        names = ("speedup.md", "contrast.md", "sizes.md", "schedules.md", "summary.md")
        before = {n: self.read(n) for n in names}
        p = subprocess.run([sys.executable, SWEEP, "--render", self.dir], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        for n in names:
            self.assertEqual(self.read(n), before[n], n)

    def test_gp_files_redraw_alone(self):
        os.remove(os.path.join(self.dir, "speedup.png"))
        subprocess.run(["gnuplot", "speedup.gp"], cwd=self.dir, check=True, timeout=60)
        with open(os.path.join(self.dir, "speedup.png"), "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


class WithoutGnuplot(unittest.TestCase):
    def test_tables_without_plots_then_render(self):
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, PATH=path_without_gnuplot())
            p = sweep(out, "--quick", "--processes", "1", "--python-rows", "list,range",
                      env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stderr.count("gnuplot not found"), 1, p.stderr)
            [d] = run_dirs(out)
            for name in ("speedup.md", "contrast.md", "sizes.md", "schedules.md",
                         "summary.md", "speedup.gp", "contrast.dat"):
                self.assertTrue(os.path.exists(os.path.join(d, name)), name)
            self.assertFalse(glob.glob(os.path.join(d, "*.png")))
            with open(os.path.join(d, "contrast.md")) as f:
                table = f.read()
            r = subprocess.run([sys.executable, SWEEP, "--render", d], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(os.path.exists(os.path.join(d, "contrast.png")))
            with open(os.path.join(d, "contrast.md")) as f:
                self.assertEqual(f.read(), table)


class FailingGnuplot(unittest.TestCase):
    def test_a_gnuplot_error_costs_only_the_plots(self):
        with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as bindir:
            stub = os.path.join(bindir, "gnuplot")
            with open(stub, "w") as f:
                f.write("#!/bin/sh\necho 'gnuplot: broken' >&2\nexit 1\n")
            os.chmod(stub, 0o755)
            env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
            p = sweep(out, "--quick", "--processes", "1", "--python-rows", "range", env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("gnuplot failed", p.stderr)
            [d] = run_dirs(out)
            for name in ("speedup.md", "contrast.md", "sizes.md", "schedules.md", "summary.md"):
                self.assertTrue(os.path.exists(os.path.join(d, name)), name)
            with open(os.path.join(d, "run.json")) as f:
                self.assertTrue(json.load(f)["complete"])


class DeadChild(unittest.TestCase):
    def test_a_killed_pool_parent_ends_the_row_and_its_workers(self):
        """pysum.py killed (as the OOM killer would) while its pool's workers
        live on: the sweep must not wait for them, and none survives."""
        tag = uuid.uuid4().hex
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, PSUM_TEST_TAG=tag)
            p = subprocess.Popen([sys.executable, SWEEP, "--build", BUILD, "--out", out,
                                  "--sweeps", "python", "--python-rows", "processes",
                                  "--python-budget", "60", "--python-n", "1e9"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True, env=env)
            try:
                deadline = time.monotonic() + 60
                parent = None
                while parent is None and time.monotonic() < deadline:
                    time.sleep(0.1)
                    parents = [parent_of(pid) for pid in tagged_processes(tag)]
                    pools = [pid for pid in set(parents) if parents.count(pid) >= 2
                             and "pysum.py" in command_of(pid)]
                    parent = pools[0] if pools else None
                self.assertIsNotNone(parent, "no pysum.py with running workers was seen")
                os.kill(parent, signal.SIGKILL)
                _, err = p.communicate(timeout=30)
                self.assertEqual(p.returncode, 1, err)
                self.assertIn("exited -9", err)
                deadline = time.monotonic() + 5
                while tagged_processes(tag) and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.assertEqual(tagged_processes(tag), [], "workers survived")
            finally:
                for pid in tagged_processes(tag):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass


class DamagedSets(unittest.TestCase):
    def test_a_damaged_set_is_skipped_with_a_warning(self):
        with tempfile.TemporaryDirectory() as out:
            for name, text in (("2020-01-01-000000", ""), ("2020-01-02-000000", '{"n": 1')):
                broken = os.path.join(out, "some-machine", name)
                os.makedirs(broken)
                with open(os.path.join(broken, "run.json"), "w") as f:
                    f.write(text)
            p = sweep(out, "--quick", "--sweeps", "threads")
            self.assertEqual(p.returncode, 0, p.stderr)
            for name in ("2020-01-01-000000", "2020-01-02-000000"):
                self.assertRegex(p.stderr, rf"warning: .*{name}/run.json: skipped")
            with open(os.path.join(out, "README.md")) as f:
                self.assertNotIn("2020-01-0", f.read())

    def test_records_of_the_wrong_shape_are_skipped(self):
        with tempfile.TemporaryDirectory() as out:
            old = os.path.join(out, "some-machine", "2020-01-01-000000")
            os.makedirs(old)
            with open(os.path.join(old, "run.json"), "w") as f:
                json.dump({"n": 1000, "repeat": 1, "complete": True}, f)
            with open(os.path.join(old, "machine.json"), "w") as f:
                f.write("[]")
            with open(os.path.join(old, "runs.jsonl"), "w") as f:
                f.write(json.dumps({"sweep": "threads", "kind": "psum", "spec": {},
                                    "doc": {"mode": "stream", "verified": True,
                                            "threads": 1}}) + "\n")
            p = sweep(out, "--quick", "--sweeps", "threads")
            self.assertEqual(p.returncode, 0, p.stderr)
            r = subprocess.run([sys.executable, SWEEP, "--render", old], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("cannot render", r.stderr)
            self.assertNotIn("Traceback", r.stderr + p.stderr)

    def test_render_skips_a_cut_record(self):
        with tempfile.TemporaryDirectory() as out:
            self.assertEqual(sweep(out, "--quick", "--sweeps", "threads").returncode, 0)
            [d] = run_dirs(out)
            with open(os.path.join(d, "runs.jsonl"), "a") as f:
                f.write('{"sweep": "threads", "ki')
            p = subprocess.run([sys.executable, SWEEP, "--render", d], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("damaged line skipped", p.stderr)


class BadArguments(unittest.TestCase):
    def test_exit_2_with_a_message_and_nothing_created(self):
        with tempfile.TemporaryDirectory() as out:
            for args, msg in ((["-n", "1e9x"], "invalid value '1e9x'"),
                              (["--repeat", "0"], "must be at least 1"),
                              (["--repeat", "1e7"], "must not exceed 1000000"),
                              (["--chunk-counts", "1,1e10"], "must not exceed 1000000000"),
                              (["-n", "1e999999999"], "must not exceed"),
                              (["-n", "2.5"], "not a whole number"),
                              (["-n", "1e11"], "materializing it needs"),
                              (["--sweeps", "bogus"], "invalid value 'bogus' for --sweeps"),
                              (["--python-rows", "list,nope"], "invalid value 'nope'"),
                              (["--python-budget", "-1"], "invalid value '-1'"),
                              (["--frobnicate"], "unrecognized arguments"),
                              (["--render", ""], "invalid value '' for --render"),
                              (["--machine", "../x"], "invalid value '../x' for --machine"),
                              (["--python", "/bin/false"], "invalid value '/bin/false'"),
                              (["--sweeps", "schedules", "-n", "1e11"],
                               "materializing it needs")):
                p = sweep(out, *args)
                self.assertEqual(p.returncode, 2, args)
                self.assertIn(msg, p.stderr)
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                self.assertEqual(p.stdout, "")
            self.assertEqual(os.listdir(out), [])


class Interrupt(unittest.TestCase):
    """Each kind of row, interrupted while it runs: exit 130 (143 for
    SIGTERM, 129 for SIGHUP), a valid partial set, and no process of the sweep left."""

    def interrupt(self, args, row_pattern, sig=signal.SIGINT, want=130, check=None):
        tag = uuid.uuid4().hex
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, PSUM_TEST_TAG=tag)
            p = subprocess.Popen([sys.executable, SWEEP, "--build", BUILD, "--out", out,
                                  *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, start_new_session=True, env=env)
            seen = ""
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not re.search(row_pattern, seen):
                line = p.stderr.readline()
                if not line:
                    break
                seen += line
            self.assertRegex(seen, row_pattern)
            time.sleep(0.5)  # well inside the row
            children = [pid for pid in tagged_processes(tag) if pid != p.pid]
            self.assertTrue(children, "the row's process was not found running")
            os.killpg(p.pid, sig)  # as Ctrl-C does: the sweep's whole group
            _, err = p.communicate(timeout=30)
            self.assertEqual(p.returncode, want, seen + err)
            deadline = time.monotonic() + 5
            while tagged_processes(tag) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(tagged_processes(tag), [], "processes survived the sweep")
            [d] = run_dirs(out)
            with open(os.path.join(d, "run.json")) as f:
                self.assertFalse(json.load(f)["complete"])
            if check:
                check(d)

    def test_psum_row(self):
        def partial_csv_is_valid(d):
            with open(os.path.join(d, "samples.csv"), newline="") as f:
                rows = list(csv.DictReader(f))
            self.assertGreater(len(rows), 0)
            self.assertTrue(all(len(r) == len(runs.PSUM_COLUMNS) and None not in r.values()
                                for r in rows))
        # Seed 5 shuffles the 10^12 row fifth in the first round, so some rows
        # are in the CSV when it is interrupted.
        self.interrupt(["--sweeps", "sizes", "-n", "1e5", "--repeat", "1",
                        "--stream-max", "1e12", "--seed", "5"], r"stream, N=1e12,",
                       check=partial_csv_is_valid)

    def test_psum_row_by_sighup(self):
        # The terminal closed: the sweep's long psum_omp, in its own session,
        # must not outlive it with parent 1.
        self.interrupt(["--sweeps", "sizes", "-n", "1e5", "--repeat", "1",
                        "--stream-max", "1e12"], r"stream, N=1e12,", sig=signal.SIGHUP,
                       want=129)

    def test_process_pool_row(self):
        self.interrupt(["--sweeps", "python", "--python-rows", "processes",
                        "--python-budget", "60", "--python-n", "1e9"],
                       r"python processes")

    def test_serial_python_row_by_sigterm(self):
        self.interrupt(["--sweeps", "python", "--python-rows", "range",
                        "--python-budget", "60", "--python-n", "1e9"],
                       r"python range", sig=signal.SIGTERM, want=143)

    def test_thread_pool_row(self):
        self.interrupt(["--sweeps", "python", "--python-rows", "threads",
                        "--python-budget", "60", "--python-n", "1e9"],
                       r"python threads")


if __name__ == "__main__":
    BUILD = sys.argv.pop(1)
    unittest.main(verbosity=2)
