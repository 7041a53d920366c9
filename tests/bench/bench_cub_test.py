#!/usr/bin/env python3
"""psum_cub, CUB's reductions for bench/limits.py: where the CUDA runtime
finds no device (or no driver), it prints one line on stderr, nothing on
stdout, and exits 3; on a GPU, a small run verifies both sums exactly and
prints the figures limits.py reads; an N whose sum would not fit int64
is refused (exit 2, one line).  Its other usage errors are checked with the
other bench programs' (bench_usage_test.py).

usage: bench_cub_test.py BUILD_DIR
"""
import json
import os
import subprocess
import sys
import unittest

BUILD = None


class Cub(unittest.TestCase):
    def run_cub(self, *args):
        return subprocess.run([os.path.join(BUILD, "bench", "psum_cub"), *args],
                              capture_output=True, text=True, timeout=120)

    def test_no_device_exits_3_with_one_line(self):
        p = self.run_cub("1000", "2")
        if p.returncode == 0:
            self.skipTest("this machine has a CUDA device")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(p.stdout, "")
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("psum_cub: no CUDA device: "), lines[0])

    def test_n_whose_sum_overflows_int64_is_refused(self):
        # 2^32 is the last N with N(N-1)/2 below 2^63; nothing runs past it.
        p = self.run_cub(str(2**32 + 1))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn("N '4294967297': must not exceed 4294967296 (2^32)", p.stderr)

    def test_hidden_devices_are_no_device(self):
        # CUDA_VISIBLE_DEVICES= hides every GPU, on a GPU machine too.
        p = subprocess.run([os.path.join(BUILD, "bench", "psum_cub"), "1000", "2"],
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, CUDA_VISIBLE_DEVICES=""))
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)

    def test_on_a_device_both_sums_verify(self):
        n = 3 * 10**6 + 7  # not a multiple of any tile
        p = self.run_cub(str(n), "3")
        if p.returncode == 3:
            self.skipTest("no CUDA device: " + p.stderr.strip())
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual((doc["n"], doc["repeat"]), (n, 3))
        for key in ("cub_read", "cub_gen"):
            self.assertIs(doc[key]["verified"], True)
            self.assertEqual(int(doc[key]["sum"]), n * (n - 1) // 2)
            self.assertGreater(doc[key]["min_s"], 0)
            self.assertGreaterEqual(doc[key]["min_s"], doc[key]["event_min_s"])


if __name__ == "__main__":
    BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main()
