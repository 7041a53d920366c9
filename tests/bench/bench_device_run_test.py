#!/usr/bin/env python3
"""bench/device_run.sh, the prepared run for a lent GPU machine, here where
there is none: over a pack assembled from this build (the programs
device_pack.sh --list names, psum_cub among them), it records the
machine's facts and whether the scripts are the packed ones, reports the
missing device as a failed step (exit 1) and stops there at once, or with
PSUM_DEVICE_KEEP_GOING=1 still runs the limits and the sweep; it writes its
log and a tarball of the result set (facts and device log inside, the
index left out); at a short deadline it stops the sweep, which is no
failure, and the set is tabulated as partial; usage errors exit 2 with one
line.  Also: a copy without .git records the pack's commit.

usage: bench_device_run_test.py BUILD_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
RUN = os.path.join(REPO, "bench", "device_run.sh")
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
from psumbench import machine as machine_record  # noqa: E402

BUILD = None


def packed_programs():
    """The programs bench/device_pack.sh packs, as it lists them."""
    p = subprocess.run(["bash", os.path.join(REPO, "bench", "device_pack.sh"), "--list"],
                       capture_output=True, text=True, check=True)
    return p.stdout.split()


def make_pack(root):
    """A pack as bench/device_pack.sh lays it out, from this build's binaries."""
    pack = os.path.join(root, "pack")
    for level in ("x86-64-v4", "x86-64-v3"):
        for program in packed_programs():
            src = os.path.join(BUILD, program)
            if os.path.exists(src):
                os.makedirs(os.path.join(pack, level, os.path.dirname(program)), exist_ok=True)
                os.symlink(src, os.path.join(pack, level, program))
        shutil.copy(os.path.join(BUILD, "compile_commands.json"), os.path.join(pack, level))
    os.makedirs(os.path.join(pack, "lib"))
    with open(os.path.join(pack, "source"), "w") as f:
        f.write("commit 0123456789abcdef0123456789abcdef01234567\ndirty false\n")
    # As device_pack.sh records the scripts, from the checkout's top.
    scripts = subprocess.run("sha256sum bench/*.sh bench/*.py bench/psumbench/*.py",
                             shell=True, cwd=REPO, capture_output=True, text=True, check=True)
    with open(os.path.join(pack, "scripts.sha256"), "w") as f:
        f.write(scripts.stdout)
    return pack


def device_run(pack, out, budget, sweep_args, n="1e5", keep_going=True):
    env = dict(os.environ, PSUM_DEVICE_N=n, PSUM_DEVICE_BUDGET=str(budget),
               PSUM_DEVICE_SWEEP_ARGS=sweep_args,
               PSUM_DEVICE_KEEP_GOING="1" if keep_going else "0")
    t0 = time.monotonic()
    p = subprocess.run(["bash", RUN, pack, out], capture_output=True, text=True, env=env,
                       timeout=budget + 120)
    return p, time.monotonic() - t0


def members(out):
    with tarfile.open(os.path.join(out, "device-results.tgz")) as tar:
        return tar.getnames(), {m: tar.extractfile(m).read().decode()
                                for m in tar.getnames()
                                if m.endswith(("summary.md", "machine.json", "facts.txt"))}


class DeviceRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.pack = make_pack(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_failed_device_checks_end_the_run_at_once(self):
        out = os.path.join(self.tmp, "out0")
        p, seconds = device_run(self.pack, out, 300, "--quick", keep_going=False)
        if "no offload device" not in p.stdout:
            self.skipTest("this machine has a GPU")
        self.assertEqual(p.returncode, 1)
        self.assertIn("stopping after the failed device checks", p.stdout)
        self.assertNotIn("== limits", p.stdout)
        self.assertNotIn("== sweep", p.stdout)
        self.assertLess(seconds, 60)
        names, _ = members(out)
        self.assertTrue(any(m.endswith("/facts.txt") for m in names), names)
        self.assertTrue(any(m.endswith("/gpu_check.log") for m in names), names)

    def test_the_packed_scripts_are_checked(self):
        out = os.path.join(self.tmp, "out5")
        p, _ = device_run(self.pack, out, 300, "--quick", keep_going=False)
        self.assertIn("(the scripts are the packed ones)", p.stdout)
        stale = os.path.join(self.tmp, "stale")
        shutil.copytree(self.pack, stale, symlinks=True)
        with open(os.path.join(stale, "scripts.sha256"), "a") as f:
            f.write("0" * 64 + "  bench/sweep.py\n")
        p, _ = device_run(stale, os.path.join(self.tmp, "out6"), 300, "--quick",
                          keep_going=False)
        self.assertIn("(the scripts differ from the packed ones: recorded as dirty)", p.stdout)

    def test_whole_run_without_a_device(self):
        out = os.path.join(self.tmp, "out1")
        p, _ = device_run(self.pack, out, 120, "--quick --processes 1 --python-rows range")
        log = p.stdout
        self.assertIn(p.returncode, (0, 1), p.stderr)
        if "no offload device" in log:
            self.assertEqual(p.returncode, 1)
            self.assertIn("FAILED: gpu_check.sh exited 1", log)
        with open(os.path.join(out, "device_run.log")) as f:
            self.assertEqual(f.read(), log)
        names, texts = members(out)
        sets = {os.path.dirname(m) for m in names if m.endswith("/runs.jsonl")}
        self.assertEqual(len(sets), 1, names)
        setdir = sets.pop()
        for name in ("machine.json", "run.json", "summary.md", "facts.txt", "gpu_check.log",
                     "contrast.md", "speedup.md"):
            self.assertIn(f"{setdir}/{name}", names)
        self.assertNotIn("results/README.md", names)
        if "FAILED: limits" not in log:
            # Dated to the minute, as the index sorts them: a second table from
            # the same day must not overwrite the first when unpacked.
            self.assertTrue(any(re.fullmatch(r"limits-\d{4}-\d\d-\d\d-\d{4}\.md",
                                             os.path.basename(m)) for m in names), names)
        self.assertIn("binaries for x86-64-v", texts[f"{setdir}/facts.txt"])
        if os.path.exists(os.path.join(BUILD, "bench", "psum_cub")):
            # Packed, run in the limits step, and why it did not run is recorded.
            self.assertIn("cub reference: psum_cub packed", texts[f"{setdir}/facts.txt"])
            if "FAILED: limits" not in log and "no offload device" in log:
                self.assertIn("CUB's reference did not run: no CUDA device", log)
        self.assertNotIn("Partial set", texts[f"{setdir}/summary.md"])
        machine = json.loads(texts[f"{setdir}/machine.json"])
        self.assertIn("src/sum.c", machine["compile_command"])  # from the pack's record
        self.assertIsNotNone(machine["git_commit"])

    def test_the_set_brought_back_renders_into_the_index(self):
        out = os.path.join(self.tmp, "out4")
        # A smoke run (--quick) is left out of the index: small settings instead.
        device_run(self.pack, out, 120, "-n 1e6 --repeat 2 --workers 4 --chunk-counts 1,10 "
                   "--stream-max 1e7 --python-n 1e5 --python-budget 0.5 --python-rows range "
                   "--processes 1")
        home = os.path.join(self.tmp, "home")
        with tarfile.open(os.path.join(out, "device-results.tgz")) as tar:
            tar.extractall(home)
        root = os.path.join(home, "results")
        setdir = next(os.path.join(d, n) for d, subs, files in os.walk(root) for n in subs
                      if os.path.exists(os.path.join(d, n, "runs.jsonl")))
        sweep = os.path.join(HERE, "..", "..", "bench", "sweep.py")
        elsewhere = os.path.join(self.tmp, "elsewhere")
        p = subprocess.run([sys.executable, sweep, "--render", setdir, "--out", elsewhere],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(root, "README.md")))
        self.assertFalse(os.path.exists(elsewhere))
        p = subprocess.run([sys.executable, sweep, "--render", setdir, "--out", root],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(root, "README.md")) as f:
            self.assertIn(os.path.basename(setdir), f.read())

    def test_deadline_stops_the_sweep_and_keeps_a_partial_set(self):
        out = os.path.join(self.tmp, "out2")
        # The sweep gets the budget less 20 s; streaming 10^12 values takes
        # far longer on any CPU.  Seed 4 runs 32 shorter jobs before it, so
        # the partial set has rows whatever the machine's speed.
        p, seconds = device_run(self.pack, out, 40,
                                "--python-budget 1 --stream-max 1e12 --seed 4")
        self.assertLess(seconds, 40 + 30)  # the budget, then 10 s of grace and the packing
        self.assertIn("the sweep stopped at the deadline: a partial set", p.stdout)
        self.assertNotIn("FAILED: sweep", p.stdout)
        names, texts = members(out)
        summary = next(t for m, t in texts.items() if m.endswith("summary.md"))
        self.assertIn("Partial set", summary)

    def test_the_pack_lists_psum_cub(self):
        self.assertIn("bench/psum_cub", packed_programs())

    def test_usage_errors(self):
        out = os.path.join(self.tmp, "out3")
        cases = [([], {}), ([self.tmp, out], {}), ([self.pack, out], {"PSUM_DEVICE_N": "1x"}),
                 ([self.pack, out], {"PSUM_DEVICE_BUDGET": "0"})]
        for args, env in cases:
            p = subprocess.run(["bash", RUN, *args], capture_output=True, text=True,
                               env=dict(os.environ, **env), timeout=30)
            self.assertEqual(p.returncode, 2, (args, env, p.stderr))
            self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
            self.assertEqual(p.stdout, "")
        self.assertFalse(os.path.exists(out))


class Commit(unittest.TestCase):
    def test_a_copy_without_git_records_the_packed_commit(self):
        psum = {"cpu_model": "x", "logical_cpus": 1, "huge_pages": "never", "compiler": "gcc",
                "build": "", "openmp_version": 201511}
        with tempfile.TemporaryDirectory() as copy:
            env = {"PSUM_GIT_COMMIT": "abc123", "PSUM_GIT_DIRTY": "true"}
            rec = machine_record.record(psum, "/bin/true", copy, copy, env)
            self.assertEqual((rec["git_commit"], rec["git_dirty"]), ("abc123", True))
            rec = machine_record.record(psum, "/bin/true", copy, copy, {})
            self.assertIsNone(rec["git_commit"])

    def test_the_packed_commit_wins_over_a_copy_with_git(self):
        # The lent machine's copy had a .git at an older commit: the first
        # H200 sets recorded that one instead of the binaries' commit.
        psum = {"cpu_model": "x", "logical_cpus": 1, "huge_pages": "never", "compiler": "gcc",
                "build": "", "openmp_version": 201511}
        with tempfile.TemporaryDirectory() as copy:
            git = ["git", "-C", copy, "-c", "user.name=t", "-c", "user.email=t@t"]
            subprocess.run(git[:3] + ["init", "-q"], check=True)
            subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "old"], check=True)
            env = {"PSUM_GIT_COMMIT": "abc123", "PSUM_GIT_DIRTY": "false"}
            rec = machine_record.record(psum, "/bin/true", copy, copy, env)
            self.assertEqual((rec["git_commit"], rec["git_dirty"]), ("abc123", False))
            rec = machine_record.record(psum, "/bin/true", copy, copy, {})
            self.assertNotIn(rec["git_commit"], (None, "abc123"))


if __name__ == "__main__":
    BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main()
