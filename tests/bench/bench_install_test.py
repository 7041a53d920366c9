#!/usr/bin/env python3
"""meson install lays out an installed bench that runs: psum-bench on PATH
runs bench/sweep.py over the installed psum_omp (a smoke run, threads only,
in a folder of the user's), records the commit psum_omp was built from,
and passes `limits` and `compare` to their scripts; LICENSE and the docs
are installed.  Into a DESTDIR, so psum-bench's paths must be relative.

usage: bench_install_test.py BUILD_DIR
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench")
BUILD = None


class Installed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        dest = os.path.join(cls.tmp.name, "dest")
        p = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild", "--destdir", dest],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise RuntimeError(f"meson install: {p.stdout}{p.stderr}")
        found = glob.glob(os.path.join(dest, "**", "bin", "psum-bench"), recursive=True)
        if len(found) != 1:
            raise RuntimeError(f"psum-bench installed {len(found)} times")
        cls.bin = os.path.dirname(found[0])
        cls.prefix = os.path.dirname(cls.bin)
        cls.env = dict(os.environ, PATH=cls.bin + os.pathsep + os.environ["PATH"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def bench(self, *args, cwd=None):
        return subprocess.run(["psum-bench", *args], capture_output=True, text=True,
                              env=self.env, cwd=cwd or self.tmp.name, timeout=600)

    def test_layout(self):
        for path in ("bin/psum_omp", "libexec/psum_omp/bench/psum_limits",
                     "share/psum_omp/bench/sweep.py",
                     "share/doc/psum_omp/LICENSE", "share/doc/psum_omp/reference.md"):
            self.assertTrue(os.path.exists(os.path.join(self.prefix, path)), path)
        # Every module of the package, whichever the source tree has.
        modules = glob.glob(os.path.join(BENCH, "psumbench", "*.py"))
        self.assertIn("orchestrate.py", [os.path.basename(m) for m in modules])
        for module in modules:
            path = os.path.join("share/psum_omp/bench/psumbench", os.path.basename(module))
            self.assertTrue(os.path.exists(os.path.join(self.prefix, path)), path)
        link = os.path.join(self.prefix, "libexec/psum_omp/src/psum_omp")
        self.assertEqual(os.path.realpath(link),
                         os.path.realpath(os.path.join(self.bin, "psum_omp")))

    def test_smoke_run_in_the_users_folder(self):
        work = os.path.join(self.tmp.name, "work")
        os.mkdir(work)
        p = self.bench("--quick", "--sweeps", "threads", "--processes", "1", cwd=work)
        self.assertEqual(p.returncode, 0, p.stderr)
        sets = glob.glob(os.path.join(work, "results", "*", "*-quick"))
        self.assertEqual(len(sets), 1, os.listdir(work))
        with open(os.path.join(sets[0], "machine.json")) as f:
            machine = json.load(f)
        version = subprocess.run([os.path.join(self.bin, "psum_omp"), "--version"],
                                 capture_output=True, text=True, check=True).stdout
        if machine["git_commit"] is not None:  # a build from a checkout knows its commit
            self.assertIn(machine["git_commit"][:7], version)

    def test_limits_and_compare_reach_their_scripts(self):
        p = self.bench("limits", "--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("bench/limits.py", p.stdout)
        p = self.bench("compare")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)


if __name__ == "__main__":
    BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main()
