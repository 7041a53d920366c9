#!/usr/bin/env python3
"""bench/pysum.py's CuPy rows, driven through a stand-in CuPy on numpy
(tests/bench/fake_cupy): the sums verify and report the device, a row
without CuPy or without a GPU is unavailable (exit 3) and says why, a sum
that does not read the array is caught before anything is timed, and a row
that does not fit in the GPU's memory is refused in one line."""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYSUM = os.path.join(HERE, "..", "..", "bench", "pysum.py")
FAKE = os.path.join(HERE, "fake_cupy")
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from pythons import numpy_python  # noqa: E402


PYTHON = numpy_python()


def pysum(*args, fake=True, **env):
    e = {k: v for k, v in os.environ.items() if not k.startswith("FAKE_CUPY")}
    e.pop("PYTHONPATH", None)
    if fake:
        e["PYTHONPATH"] = FAKE
    e.update(env)
    p = subprocess.run([PYTHON, PYSUM, *args], capture_output=True, text=True, env=e,
                       timeout=120)
    doc = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, doc, p.stderr


@unittest.skipIf(PYTHON is None, "no interpreter with numpy (bench/run.sh installs it)")
class CupyRows(unittest.TestCase):
    def test_sum_of_a_device_array_verifies(self):
        rc, doc, err = pysum("cupy_sum", "--n", "100003", "--repeat", "2")
        self.assertEqual(rc, 0, err)
        self.assertTrue(doc["verified"])
        self.assertEqual(doc["sum"], str(100003 * 100002 // 2))
        self.assertEqual((doc["device"], doc["cupy"]), ("Fake GPU", "0.0-fake"))
        self.assertEqual(len(doc["samples_s"]), 2)
        self.assertGreaterEqual(doc["warmup_s"], 0)

    def test_arange_chooses_n_within_its_budget(self):
        rc, doc, err = pysum("cupy_arange", "--budget", "0.5", "--max-n", "1e6")
        self.assertEqual(rc, 0, err)
        self.assertTrue(doc["verified"])
        self.assertLessEqual(doc["n"], 10**6)
        self.assertEqual(doc["sum"], str(doc["n"] * (doc["n"] - 1) // 2))
        self.assertTrue(doc["calibration"])

    def test_no_cupy_is_unavailable_and_says_why(self):
        rc, doc, _ = pysum("cupy_sum", "--n", "1000", fake=False)
        self.assertEqual(rc, 3)
        self.assertFalse(doc["available"])
        self.assertIn("CuPy is not importable", doc["why"])
        self.assertIn("no Debian package", doc["how"])

    def test_no_gpu_is_unavailable(self):
        rc, doc, _ = pysum("cupy_arange", "--n", "1000", FAKE_CUPY_DEVICES="0")
        self.assertEqual(rc, 3)
        self.assertIn("finds no GPU", doc["why"])

    def test_a_sum_that_never_reads_the_array_is_caught(self):
        rc, doc, err = pysum("cupy_sum", "--n", "1000", FAKE_CUPY_FOLD="1")
        self.assertEqual(rc, 1)
        self.assertIsNone(doc)
        self.assertEqual(err.count("\n"), 1, err)
        self.assertIn("did not read the array", err)

    def test_too_big_for_the_gpu_is_one_line(self):
        rc, doc, err = pysum("cupy_sum", "--n", "1e6", FAKE_CUPY_FREE="1e6")
        self.assertEqual(rc, 1)
        self.assertIsNone(doc)
        self.assertEqual(err.count("\n"), 1, err)
        self.assertIn("GB of GPU memory", err)


if __name__ == "__main__":
    unittest.main()
