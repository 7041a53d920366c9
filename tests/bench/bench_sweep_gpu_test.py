#!/usr/bin/env python3
"""The gpu sweep's plan and contrast without a GPU: the sweeps run in the
order --sweeps names them, the gpu sweep adds psum_omp's three device runs
and CuPy's two optional rows only when a device is usable, an optional row
that fails is shown as not run while a wrong sum still stops the sweep,
and the contrast names the device and compares psum with CuPy at equal N;
a --from-host row is followed by one whose figure includes its copy."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import sweep  # noqa: E402
from psumbench import orchestrate, runs, tables  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from pythons import numpy_python  # noqa: E402

FAKE = os.path.join(HERE, "fake_cupy")
PYSUM = os.path.join(HERE, "..", "..", "bench", "pysum.py")


def args(*argv):
    # --python names this interpreter, so parse_args probes nothing else.
    return sweep.parse_args(["--python", sys.executable, *argv])


def describe(jobs):
    return [(j.kind, getattr(j, "sweep", None) or getattr(j, "row", None)) for j in jobs]


def psum_record(mode, n, median, from_host=False):
    spec = {"sweep": "gpu", "mode": mode, "from_host": from_host}
    doc = {"mode": mode, "n": n, "parallel": {"median_s": median, "min_s": median},
           "device": {"name": "Test GPU", "teams": 132, "threads": 8, "lanes": 132 * 8 * 32,
                      "warmup_s": 3.3,
                      "fill_s": None if from_host or mode == "stream" else 0.002,
                      "copy_s": 1.25 if from_host else None}}
    return {"sweep": "gpu", "kind": "psum", "spec": spec, "doc": doc}


def cupy_record(row, n, median, available=True):
    doc = {"impl": row, "available": available, "n": n, "median_s": median, "min_s": median,
           "timed": "t", "device": "Test GPU", "cupy": "14.2.0", "warmup_s": 0.5,
           "n_note": ""}
    if not available:
        doc = {"impl": row, "available": False, "why": "CuPy finds no GPU"}
    return {"sweep": "python", "kind": "python", "spec": {"row": row}, "doc": doc}


class Plan(unittest.TestCase):
    def test_sweeps_run_in_the_order_named(self):
        a = args("--quick", "--sweeps", "gpu,sizes,threads", "--stream-max", "1e4")
        jobs = orchestrate.plan(a, 2, sys.executable, gpu_usable=True)
        kinds = [getattr(j, "sweep", "python") for j in jobs]
        first_sizes, first_threads = kinds.index("sizes"), kinds.index("threads")
        self.assertTrue(all(k in ("gpu", "python") for k in kinds[:first_sizes]))
        self.assertTrue(all(k == "sizes" for k in kinds[first_sizes:first_threads]))
        self.assertTrue(all(k == "threads" for k in kinds[first_threads:]))

    def test_gpu_jobs_only_with_a_device(self):
        a = args("--quick", "--sweeps", "gpu")
        self.assertEqual(orchestrate.plan(a, 2, sys.executable, gpu_usable=False), [])
        jobs = orchestrate.plan(a, 2, sys.executable, gpu_usable=True)
        self.assertEqual([(j.mode, j.device, bool(j.from_host)) for j in jobs[:3]],
                         [("materialize", "gpu", False), ("materialize", "gpu", True),
                          ("stream", "gpu", False)])
        # No serial phase (host work), all CPUs for a host fill.
        self.assertTrue(all(not j.serial and j.threads == 2 for j in jobs[:3]))
        self.assertEqual([j.row for j in jobs[3:]], ["cupy_arange", "cupy_sum"])
        self.assertTrue(all(j.optional and j.max_n == a.n for j in jobs[3:]))
        # Without an interpreter, psum_omp's rows alone.
        self.assertEqual(len(orchestrate.plan(a, 2, None, gpu_usable=True)), 3)

    def test_a_gpu_sweep_chooses_an_interpreter(self):
        # For CuPy's rows; a sweep with neither gpu nor python needs none.
        self.assertIsNotNone(sweep.parse_args(["--quick", "--sweeps", "gpu"]).python_exe)
        self.assertIsNone(sweep.parse_args(["--quick", "--sweeps", "threads"]).python_exe)


class OptionalRows(unittest.TestCase):
    def python(self):
        exe = numpy_python()
        if exe is None:
            self.skipTest("no interpreter with numpy (bench/run.sh installs it)")
        return exe

    def env(self, **over):
        e = {k: v for k, v in os.environ.items() if not k.startswith("FAKE_CUPY")}
        e.update(PYTHONPATH=FAKE, **over)
        return e

    def test_a_failed_optional_row_is_not_run(self):
        job = runs.PythonJob("cupy_sum", "cupy_sum", 10**6, 1, optional=True)
        doc = job.run(self.python(), PYSUM, self.env(FAKE_CUPY_FREE="1000"))
        self.assertFalse(doc["available"])
        self.assertIn("failed (exit 1)", doc["why"])
        self.assertIn("GPU memory", doc["why"])

    def test_a_failed_required_row_stops(self):
        job = runs.PythonJob("cupy_sum", "cupy_sum", 10**6, 1)
        with self.assertRaises(runs.RunFailed):
            job.run(self.python(), PYSUM, self.env(FAKE_CUPY_FREE="1000"))

    def test_an_optional_row_runs(self):
        job = runs.PythonJob("cupy_sum", "cupy_sum", 1000, 2, optional=True)
        doc = job.run(self.python(), PYSUM, self.env())
        self.assertTrue(doc["verified"])
        self.assertEqual(doc["device"], "Fake GPU")


class Contrast(unittest.TestCase):
    def test_cupy_rows_name_the_device(self):
        rows = tables.contrast_rows([], [cupy_record("cupy_sum", 10**9, 0.0026)], 16)
        row = next(r for r in rows if r["name"].startswith("CuPy sum"))
        self.assertEqual(row["workers"], "GPU: Test GPU")
        self.assertIn("CuPy 14.2.0", row["note"])
        rows = tables.contrast_rows([], [cupy_record("cupy_arange", 10**9, 0, False)], 16)
        self.assertIn("not run: CuPy finds no GPU", rows[0]["note"])

    def test_a_from_host_row_has_its_copy_beside_it(self):
        gpu = [psum_record("materialize", 10**9, 0.004, from_host=True),
               psum_record("materialize", 10**9, 0.0045)]
        rows, _ = tables.gpu_contrast(gpu, None, [])
        self.assertEqual([r["name"] for r in rows],
                         ["psum_omp GPU, materialize --from-host",
                          "psum_omp GPU, materialize --from-host: copy + sum",
                          "psum_omp GPU, materialize"])
        copied = rows[1]
        self.assertEqual((copied["median_s"], copied["min_s"]), (1.254, 1.254))
        self.assertEqual(copied["timed"], "the copy from the host (once) + one sum")
        # In the table: its own figure, 1.25 s, not the 0.004 s of the sum alone.
        table = tables.contrast_markdown(tables.contrast_rows([], [], 2) + rows)
        line = next(ln for ln in table.splitlines() if "copy + sum" in ln)
        self.assertIn("| 1.25 | 1.25 |", line)
        # A record without a copy time (an older set) gets no such row.
        old = psum_record("materialize", 10**9, 0.004, from_host=True)
        old["doc"]["device"]["copy_s"] = None
        self.assertEqual(len(tables.gpu_contrast([old], None, [])[0]), 1)

    def test_psum_against_cupy_at_equal_n(self):
        gpu = [psum_record("materialize", 10**9, 0.004, from_host=True),
               psum_record("materialize", 10**9, 0.0026 / 0.9),
               psum_record("stream", 10**9, 0.0015)]
        rows, note = tables.gpu_contrast(gpu, None, [cupy_record("cupy_sum", 10**9, 0.0026)])
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[0]["timed"],
                         "sum of a device array copied from the host (copy untimed)")
        self.assertEqual(rows[0]["note"], "copy 1.25 s (6.4 GB/s), warm-up 3.3 s: not in the time")
        self.assertEqual(rows[2]["note"], "fill 0.002 s, warm-up 3.3 s: not in the time")
        self.assertEqual(rows[2]["workers"], "Test GPU: 132 teams x 8 threads x 32 lanes")
        self.assertIn("runs at 90% of CuPy's `.sum()` speed at N = 1,000,000,000", note)
        _, note = tables.gpu_contrast(gpu, None, [cupy_record("cupy_sum", 10**8, 0.0026)])
        self.assertEqual(note, "")
        _, note = tables.gpu_contrast(gpu, None, [cupy_record("cupy_sum", 10**9, 0, False)])
        self.assertEqual(note, "")
        _, note = tables.gpu_contrast([], "no usable offload device", [])
        self.assertEqual(note, "\nGPU rows skipped: no usable offload device\n")


if __name__ == "__main__":
    unittest.main()
