#!/usr/bin/env python3
"""bench/limits.py's wiring, over a fake build whose psum_limits and
psum_omp print what each case needs: a child that fails, prints no JSON,
does not verify or gets a wrong sum ends limits.py with one line and exit
1; --markdown is written whole (renamed into place, no temporary file
left), and a write that fails is one line and exit 1 after the table was
printed; a bad --markdown, -n or --repeat is refused before anything runs;
Ctrl-C and SIGTERM end it with one line naming the signal and leave no
process of the child's group behind."""
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
LIMITS = os.path.join(HERE, "..", "..", "bench", "limits.py")
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from procs import tagged_processes  # noqa: E402

KERNELS = ("read_static_1", "read_dynamic_1", "read_unroll_1", "read_prefetch_1",
           "read_streams_1", "read_streams_dynamic_1", "psum_serial", "read_static_all",
           "read_dynamic_all", "read_unroll_all", "read_prefetch_all", "read_streams_all",
           "read_streams_dynamic_all", "psum_dynamic", "psum_static", "gen_static_1", "gen_dynamic_1",
           "psum_stream_serial", "gen_static_all", "gen_dynamic_all", "psum_stream_dynamic")

# FAKE selects the misbehaviour: psum_limits' and psum_omp's documents are
# right otherwise.  FAKE_RMDIR names a folder psum_omp removes (a --markdown
# folder that vanishes while limits.py measures).
FAKE_LIMITS = f"""
import json, os, subprocess, sys, time
fake = os.environ.get("FAKE", "")
if sys.argv[1:] == ["--describe"]:
    print(json.dumps({{"n_max": 4000000000, "repeat_max": 64, "watch_n_max": 2**30}}))
    sys.exit(0)
if fake == "usage":
    sys.exit("psum_limits: usage: psum_limits [N (1..4e9) [REPEAT (1..64)]]")
if fake == "garbage":
    print("not json")
    sys.exit(0)
if fake == "hang":
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    time.sleep(60)
doc = {{"n": int(sys.argv[1]), "repeat": int(sys.argv[2]), "threads": 2,
        "generator_isa": "avx2", "fill_plain_s": 0.3, "fill_psum_s": 0.3,
        "gpu_skipped": "no offload device: omp_get_num_devices() is 0"}}
for k in {KERNELS!r}:
    doc[k] = {{"threads": 1, "min_s": 0.1, "median_s": 0.1, "verified": True}}
if os.environ.get("FAKE_GPU"):
    del doc["gpu_skipped"]
    doc["gpu"] = {{"devices": 1, "device": 0, "name": "Fake GPU", "warmup_s": 1.0,
                  "read": {{"teams": 2, "threads": 8}}, "gen": {{"teams": 2, "threads": 8}}}}
    for k in ("gpu_read_ref", "gpu_read_psum", "gpu_gen_ref", "gpu_gen_psum"):
        doc[k] = {{"threads": 1, "min_s": 0.001, "median_s": 0.001, "verified": True}}
if fake == "unverified":
    doc["psum_static"]["verified"] = False
if fake == "missing":
    del doc["fill_psum_s"]
print(json.dumps(doc))
"""

# psum_omp's questions are answered for the plain counts these cases give
# (1000, 1e6, 5e9): the grammar itself is psum_omp's, tested with it.
FAKE_OMP = """
import json, os, sys
fake = os.environ.get("FAKE", "")
if sys.argv[1] == "--describe":
    print(json.dumps({"limits": {"elements_max": 2**62}}))
    sys.exit(0)
if sys.argv[1].startswith("--parse-count="):
    value, top = int(float(sys.argv[1].split("=", 1)[1])), int(sys.argv[2].split("=", 1)[1])
    print(json.dumps({"value": value} if value <= top else
                     {"error": f"must not exceed {top}"}))
    sys.exit(0 if value <= top else 2)
if os.path.isdir(os.environ.get("FAKE_RMDIR", "")):
    os.rmdir(os.environ["FAKE_RMDIR"])
n = int(sys.argv[sys.argv.index("-n") + 1])
total = n * (n - 1) // 2 + (1 if fake == "wrong_sum" else 0)
print(json.dumps({"n": n, "sum": str(total), "expected": str(n * (n - 1) // 2),
                  "verified": True, "peak_rss_bytes": 1 << 20,
                  "machine": {"cpu_model": "Fake CPU", "logical_cpus": 2, "compiler": "gcc 0",
                              "huge_pages": "madvise", "omp_proc_bind": "close"}}))
"""

# psum_cub as FAKE_CUB has it: "nodevice" (exit 3, one line), "wrong_sum",
# or its document, CUB twice as fast as the plain loops above.
FAKE_CUB = """
import json, os, sys
fake = os.environ.get("FAKE_CUB", "")
if fake == "nodevice":
    print("psum_cub: no CUDA device: no NVIDIA driver (libcuda.so.1) found", file=sys.stderr)
    sys.exit(3)
n = int(sys.argv[1])
total = n * (n - 1) // 2 + (1 if fake == "wrong_sum" else 0)
red = {"min_s": 0.0005, "median_s": 0.0005, "event_min_s": 0.0004, "event_median_s": 0.0004,
       "sum": str(total), "verified": True}
print(json.dumps({"n": n, "repeat": 1, "cub_read": red, "cub_gen": red,
                  "device": {"devices": 1, "device": 0, "name": "Fake GPU",
                             "compute_capability": "9.0", "runtime_version": 13000,
                             "driver_version": 13000, "cub_version": 300001, "fill_s": 0.001,
                             "temp_bytes": 1024}}))
"""


def make_build(root):
    for sub, name, body in (("bench", "psum_limits", FAKE_LIMITS), ("src", "psum_omp", FAKE_OMP)):
        os.makedirs(os.path.join(root, sub))
        path = os.path.join(root, sub, name)
        with open(path, "w") as f:
            f.write(f"#!{sys.executable}\n" + textwrap.dedent(body))
        os.chmod(path, 0o755)
    return root


class Cub(unittest.TestCase):
    """CUB's reference: the GPU limit where psum_cub runs, else the note says why."""
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.build = make_build(os.path.join(self.tmp.name, "build"))

    def tearDown(self):
        self.tmp.cleanup()

    def run_limits(self, cub=None, **env):
        if cub is not None:
            path = os.path.join(self.build, "bench", "psum_cub")
            with open(path, "w") as f:
                f.write(f"#!{sys.executable}\n" + textwrap.dedent(FAKE_CUB))
            os.chmod(path, 0o755)
        e = dict(os.environ, FAKE="", FAKE_CUB=cub or "", **env)
        return subprocess.run([sys.executable, LIMITS, "--build", self.build, "-n", "1000",
                               "--rounds", "2", "--repeat", "1", "--stream-n", "1e6",
                               "--cupy-python", "/nonexistent/python"],
                              capture_output=True, text=True, env=e, timeout=60)

    def test_cub_is_the_gpu_limit_where_it_runs(self):
        p = self.run_limits("good", FAKE_GPU="1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("| GPU, array filled on the device, GB/s | 0.01 | 0.02 (CUB "
                      "DeviceReduce::Sum) |  | 50.0% | >= 95% | MISSED |", p.stdout)
        self.assertIn("| GPU, generated on the device, G elem/s | 0.00 | 0.00 (CUB "
                      "DeviceReduce::Sum) |  | 50.0% | >= 95% | MISSED |", p.stdout)
        self.assertIn("| GPU, array filled on the device, against the plain target loop, "
                      "GB/s | 0.01 | 0.01 (plain target loop) |  | 100.0% |", p.stdout)
        self.assertIn("The GPU limit is NVIDIA's CUB 3.0.1", p.stdout)
        self.assertIn("0.400 ms over the array", p.stdout)

    def test_without_cub_the_note_says_why(self):
        for cub, why in ((None, "CUB's reference did not run: not built (no "),
                         ("nodevice", "CUB's reference did not run: no CUDA device: no NVIDIA "
                                      "driver (libcuda.so.1) found.")):
            with self.subTest(cub=cub):
                p = self.run_limits(cub, FAKE_GPU="1")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("| GPU, array filled on the device, GB/s | 0.01 | 0.01 (plain "
                              "target loop) |", p.stdout)
                self.assertNotIn("CUB DeviceReduce", p.stdout)
                self.assertIn(why, p.stdout)
                p = self.run_limits(cub)  # no GPU rows at all: still says why
                self.assertIn("GPU rows skipped", p.stdout)
                self.assertIn(why, p.stdout)

    def test_cub_without_psum_gpu_rows_is_only_noted(self):
        p = self.run_limits("good")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("CUB's reference ran (0.400 ms over the array by CUDA events), but psum "
                      "has no GPU rows", p.stdout)

    def test_a_wrong_cub_sum_fails_the_run(self):
        p = self.run_limits("wrong_sum", FAKE_GPU="1")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("cub_read did not verify: sum", p.stderr)
        self.assertEqual(p.stdout, "")


class Limits(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.build = make_build(os.path.join(self.tmp.name, "build"))

    def tearDown(self):
        self.tmp.cleanup()

    def run_limits(self, *args, fake="", **env):
        e = dict(os.environ, FAKE=fake, **env)
        return subprocess.run([sys.executable, LIMITS, "--build", self.build, "-n", "1000",
                               "--rounds", "2", "--repeat", "1", "--stream-n", "1e6", *args],
                              capture_output=True, text=True, env=e, timeout=60)

    def assert_one_line(self, p, rc, message):
        self.assertEqual(p.returncode, rc, p.stderr)
        errors = [ln for ln in p.stderr.splitlines() if not ln.startswith("limits.py: round")
                  and "peak memory" not in ln]
        self.assertEqual(len(errors), 1, p.stderr)
        self.assertIn(message, errors[0])
        self.assertNotIn("Traceback", p.stderr)

    def test_a_good_run_writes_the_table_whole(self):
        md = os.path.join(self.tmp.name, "limits-2026-01-01-0000.md")
        with open(md, "w") as f:
            f.write("an older table\n")
        p = self.run_limits("--markdown", md)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(md) as f:
            self.assertEqual(f.read(), p.stdout)
        self.assertIn("| materialize peak RSS (psum_omp) |", p.stdout)
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ["build", os.path.basename(md)])

    def test_a_failed_child_is_one_line(self):
        cases = (("usage", "exited 1: psum_limits: usage"),
                 ("garbage", "printed no JSON document"),
                 ("missing", "without fill_psum_s"),
                 ("unverified", "psum_static did not verify"),
                 ("wrong_sum", "did not verify: sum"))
        for fake, message in cases:
            with self.subTest(fake=fake):
                p = self.run_limits(fake=fake)
                self.assert_one_line(p, 1, message)
                self.assertEqual(p.stdout, "")

    def test_a_markdown_write_that_fails_is_one_line(self):
        folder = os.path.join(self.tmp.name, "gone")
        os.makedirs(folder)
        md = os.path.join(folder, "limits.md")
        p = self.run_limits("--markdown", md, FAKE_RMDIR=folder)
        self.assert_one_line(p, 1, f"cannot write '{md}'")
        self.assertIn("| materialize peak RSS (psum_omp) |", p.stdout)  # the table survives

    def test_bad_arguments_run_nothing(self):
        folder = os.path.join(self.tmp.name, "untouched")
        os.makedirs(folder)
        cases = ((["--markdown", os.path.join(self.tmp.name, "no", "x.md")],
                  "invalid value '" + os.path.join(self.tmp.name, "no", "x.md")
                  + "' for --markdown: no folder"),
                 (["--markdown", folder], "for --markdown: not a file name"),
                 (["-n", "5e9"], "argument -n: invalid value '5e9': must not exceed 4000000000"),
                 (["--repeat", "100"], "argument --repeat: invalid value '100': must not exceed 64"))
        for args, message in cases:
            with self.subTest(args=args):
                p = self.run_limits(*args, fake="usage")
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertIn(message, p.stderr)
                self.assertEqual(p.stdout, "")
        self.assertEqual(os.listdir(folder), [])

    def test_ctrl_c_sigterm_sighup_and_sigquit_end_the_childs_group(self):
        for sig, rc, last in ((signal.SIGINT, 130, "limits.py: interrupted"),
                              (signal.SIGTERM, 143, "limits.py: stopped by SIGTERM"),
                              (signal.SIGHUP, 129, "limits.py: stopped by SIGHUP"),
                              (signal.SIGQUIT, 131, "limits.py: stopped by SIGQUIT")):
            with self.subTest(signal=sig.name):
                self.end_a_hanging_run(sig, rc, last)

    def end_a_hanging_run(self, sig, rc, last):
        tag = uuid.uuid4().hex
        env = dict(os.environ, FAKE="hang", PSUM_TEST_TAG=tag)
        p = subprocess.Popen([sys.executable, LIMITS, "--build", self.build, "-n", "1000"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env, start_new_session=True)
        seen = p.stderr.readline()  # "round 1 of 3": psum_limits is starting
        deadline = time.monotonic() + 30
        while len(tagged_processes(tag)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # limits.py, psum_limits and its sleeping child
        self.assertEqual(len(tagged_processes(tag)), 3, seen)
        os.kill(p.pid, sig)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, rc, seen + err)
        self.assertEqual((seen + err).strip().splitlines()[-1], last)
        self.assertNotIn("Traceback", err)
        self.assertEqual(out, "")
        deadline = time.monotonic() + 5
        while tagged_processes(tag) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(tagged_processes(tag), [], "processes outlived limits.py")


if __name__ == "__main__":
    unittest.main(verbosity=2)
