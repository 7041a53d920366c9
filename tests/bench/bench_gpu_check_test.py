#!/usr/bin/env python3
"""bench/gpu_check.sh's own wiring, over a fake psum_gpu_check: no device
(psum_omp's "no_device" exit status) is exit 1 with libgomp's account, a usage error exit 2 with one line, and
the copy of the check's output it keeps leaves nothing behind in TMPDIR,
even when the timeout that device_run.sh puts on it (SIGINT) ends it."""
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "..", "..", "bench", "gpu_check.sh")

FAKE = """#!/bin/sh
case "$FAKE" in
    hang) echo "small sums: started"; sleep 30 ;;
    nodev) echo "no offload device: omp_get_num_devices() is 0"; exit 3 ;;
    fails) echo "WRONG warm-up"; exit 1 ;;
esac
"""
# What gpu_check.sh asks psum_omp: its exit status for "no usable device".
FAKE_OMP = """#!/bin/sh
[ "$1" = --describe ] && echo '{"exit_status": {"no_device": 3}}'
"""


class GpuCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.build = os.path.join(self.tmp.name, "build")
        os.makedirs(os.path.join(self.build, "bench"))
        fake = os.path.join(self.build, "bench", "psum_gpu_check")
        with open(fake, "w") as f:
            f.write(FAKE)
        os.chmod(fake, 0o755)
        os.makedirs(os.path.join(self.build, "src"))
        omp = os.path.join(self.build, "src", "psum_omp")
        with open(omp, "w") as f:
            f.write(FAKE_OMP)
        os.chmod(omp, 0o755)
        self.tmpdir = os.path.join(self.tmp.name, "tmpdir")
        os.makedirs(self.tmpdir)

    def check(self, fake, *args, timeout=None):
        env = dict(os.environ, FAKE=fake, TMPDIR=self.tmpdir, PSUM_GPU_PSUM="0",
                   PSUM_GPU_LIMITS="0")
        cmd = ["bash", CHECK, self.build, "10", *args]
        if timeout:
            cmd = ["timeout", "-k", "10", "-s", "INT", str(timeout)] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)

    def test_no_device_is_exit_1_and_leaves_nothing(self):
        p = self.check("nodev")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("no offload device: psum_gpu_check exited 3", p.stdout)
        self.assertIn("== why: libgomp's own account", p.stdout)
        self.assertEqual(os.listdir(self.tmpdir), [])

    def test_a_failed_check_is_no_missing_device(self):
        p = self.check("fails")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("psum_gpu_check exited 1", p.stdout)
        self.assertNotIn("no offload device", p.stdout)

    def test_a_timeout_leaves_nothing(self):
        p = self.check("hang", timeout=2)
        self.assertIn(p.returncode, (124, 130), p.stdout + p.stderr)
        self.assertIn("small sums: started", p.stdout)
        self.assertEqual(os.listdir(self.tmpdir), [])

    def test_usage_error_is_one_line(self):
        p = self.check("", "extra")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertEqual(p.stdout, "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
