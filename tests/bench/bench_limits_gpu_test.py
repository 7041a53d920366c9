#!/usr/bin/env python3
"""The GPU rows of bench/limits.py on synthetic best times: present only when
psum_limits measured a device, the fractions and thresholds, and the note
that says which device it was or why there are no GPU rows."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import limits  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from pythons import numpy_python  # noqa: E402

# The build whose psum_omp and psum_limits read limits.py's counts: the one
# $PSUM_OMP names (the test setup sets it), else the checkout's.
BUILD = (os.path.dirname(os.path.dirname(os.environ["PSUM_OMP"])) if os.environ.get("PSUM_OMP")
         else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build"))
N = 1_000_000_000
RSS = {"materialize": 7000 * (1 << 20), "stream": 2 * (1 << 20)}
CPU = {
    "read_static_1": 1.0, "read_dynamic_1": 1.1, "psum_serial": 1.0,
        "read_unroll_1": 1.2, "read_prefetch_1": 1.2, "read_streams_1": 1.2,
        "read_unroll_all": 0.7, "read_prefetch_all": 0.7, "read_streams_all": 0.7,
        "read_streams_dynamic_1": 1.2, "read_streams_dynamic_all": 0.7,
    "read_static_all": 0.5, "read_dynamic_all": 0.4, "psum_dynamic": 0.4, "psum_static": 0.4,
    "gen_static_1": 0.1, "gen_dynamic_1": 0.1, "psum_stream_serial": 0.1,
    "gen_static_all": 0.05, "gen_dynamic_all": 0.025, "psum_stream_dynamic": 0.025,
    "fill_plain": 0.3, "fill_psum": 0.3,
}
GPU = {"gpu_read_ref": 0.0045, "gpu_read_psum": 0.0045,
       "gpu_gen_ref": 0.00145, "gpu_gen_psum": 0.00145}
DEVICE = {"devices": 1, "device": 0, "name": "NVIDIA H100 80GB HBM3", "warmup_s": 3.3,
          "read": {"teams": 1056, "threads": 8, "lanes": 270336, "launches": 1},
          "gen": {"teams": 1056, "threads": 8, "lanes": 270336, "launches": 1}}
MACHINE = {"cpu_model": "Test CPU", "logical_cpus": 4, "compiler": "gcc 1",
           "huge_pages": "madvise", "omp_proc_bind": "close"}


def gpu_table(**over):
    best = dict(CPU, **GPU)
    best.update(over)
    return {r[0]: r for r in limits.rows(best, N, 4, 10**12, RSS) if r[0].startswith("GPU")}


class Rows(unittest.TestCase):
    def test_no_gpu_figures_no_gpu_rows(self):
        self.assertEqual(len(limits.rows(dict(CPU), N, 4, 10**12, RSS)), 8)
        self.assertEqual(limits.gpu_rows(dict(CPU), N), [])

    def test_rows_and_units(self):
        tab = gpu_table()
        self.assertEqual(len(tab), 2)
        read = tab["GPU, array filled on the device, GB/s"]
        self.assertEqual(read[1], "1777.78")                # 8 GB / 4.5 ms
        self.assertEqual(read[2], "1777.78 (plain target loop)")
        self.assertEqual((read[4], read[6]), ("100.0%", "ok"))
        gen = tab["GPU, generated on the device, G elem/s"]
        self.assertEqual(gen[1], "689.66")                  # 1e9 / 1.45 ms

    def test_thresholds(self):
        tab = gpu_table(gpu_read_psum=0.0045 / 0.94, gpu_gen_psum=0.00145 / 0.96)
        self.assertEqual(tab["GPU, array filled on the device, GB/s"][6], "MISSED")
        self.assertEqual(tab["GPU, generated on the device, G elem/s"][6], "ok")
        tab = gpu_table(gpu_gen_psum=0.00145 / 1.2)
        self.assertEqual(tab["GPU, generated on the device, G elem/s"][6], "reference beaten")


class Cub(unittest.TestCase):
    def test_cub_is_the_limit_and_the_plain_loops_peers(self):
        tab = gpu_table(gpu_read_cub=0.0045 * 0.9, gpu_gen_cub=0.00145 * 0.5)
        self.assertEqual(len(tab), 4)
        read = tab["GPU, array filled on the device, GB/s"]
        self.assertEqual(read[2], "1975.31 (CUB DeviceReduce::Sum)")  # 8 GB / 4.05 ms
        self.assertEqual((read[4], read[6]), ("90.0%", "MISSED"))
        gen = tab["GPU, generated on the device, G elem/s"]
        self.assertEqual((gen[4], gen[6]), ("50.0%", "MISSED"))
        peer = tab["GPU, array filled on the device, against the plain target loop, GB/s"]
        self.assertEqual((peer[2], peer[4], peer[6]),
                         ("1777.78 (plain target loop)", "100.0%", "ok"))
        self.assertIn("GPU, generated on the device, against the plain target loop, G elem/s",
                      tab)

    def test_half_of_cubs_figures_is_no_cub_row(self):
        tab = gpu_table(gpu_read_cub=0.004)
        self.assertEqual(len(tab), 2)
        self.assertTrue(all("(plain target loop)" in r[2] for r in tab.values()))

    def test_note_names_cub_or_why_not(self):
        cub = {"name": "NVIDIA H200", "cub_version": 300001, "runtime_version": 13000,
               "driver_version": 13000, "read_event_s": 0.00412, "gen_event_s": 0.00101}
        note = limits.gpu_note(dict(DEVICE, cub=cub))
        self.assertIn("The GPU limit is NVIDIA's CUB 3.0.1", note)
        self.assertIn("4.120 ms over the array and 1.010 ms generated", note)
        note = limits.gpu_note(dict(DEVICE, cub_skipped="no CUDA device: the runtime counts 0"))
        self.assertIn("CUB's reference did not run: no CUDA device: the runtime counts 0.", note)
        note = limits.gpu_note({"skipped": "no offload device: x", "cub_skipped": "not built"})
        self.assertEqual(note, "no offload device: GPU rows skipped (x).  CUB's reference did "
                               "not run: not built.")


class Cupy(unittest.TestCase):
    def test_row_only_with_a_cupy_time(self):
        self.assertNotIn("GPU, array on the device, against CuPy's sum, GB/s", gpu_table())
        row = gpu_table(gpu_read_cupy=0.0045 * 0.9)[
            "GPU, array on the device, against CuPy's sum, GB/s"]
        self.assertEqual(row[2], "1975.31 (CuPy .sum())")   # 8 GB / 4.05 ms
        self.assertEqual((row[4], row[6]), ("90.0%", "ok"))
        row = gpu_table(gpu_read_cupy=0.0045 * 0.8)[
            "GPU, array on the device, against CuPy's sum, GB/s"]
        self.assertEqual((row[4], row[6]), ("80.0%", "MISSED"))
        # Faster than CuPy is no "reference beaten": CuPy is no limit.
        row = gpu_table(gpu_read_cupy=0.0045 * 1.2)[
            "GPU, array on the device, against CuPy's sum, GB/s"]
        self.assertEqual((row[4], row[6]), ("120.0%", "ok"))

    def test_note_says_why_cupy_is_missing(self):
        note = limits.gpu_note(dict(DEVICE, cupy_skipped="CuPy finds no GPU"))
        self.assertTrue(note.endswith("CuPy's row skipped: CuPy finds no GPU."), note)
        self.assertNotIn("CuPy", limits.gpu_note(DEVICE))

    def test_cupy_sum_through_a_stand_in(self):
        python = numpy_python()
        if python is None:
            self.skipTest("no interpreter with numpy (bench/run.sh installs it)")
        args = limits.parse_args(["-n", "1e5", "--repeat", "2", "--cupy-python", python,
                                  "--build", BUILD])
        fake = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_cupy")
        old = os.environ.get("PYTHONPATH")
        try:
            os.environ["PYTHONPATH"] = fake
            seconds, why = limits.cupy_sum(args)
            self.assertIsNone(why)
            self.assertGreater(seconds, 0)
            os.environ["FAKE_CUPY_DEVICES"] = "0"
            self.assertEqual(limits.cupy_sum(args), (None, "CuPy finds no GPU (0 devices)"))
            os.environ["FAKE_CUPY_DEVICES"] = "1"
            os.environ["FAKE_CUPY_FREE"] = "1000"
            seconds, why = limits.cupy_sum(args)
            self.assertIsNone(seconds)
            self.assertIn("CuPy's row failed", why)
        finally:
            for k in ("FAKE_CUPY_DEVICES", "FAKE_CUPY_FREE"):
                os.environ.pop(k, None)
            if old is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = old


class Note(unittest.TestCase):
    def test_skipped_says_why(self):
        note = limits.gpu_note({"skipped": "no offload device: omp_get_num_devices() is 0"})
        self.assertEqual(note, "no offload device: GPU rows skipped "
                               "(omp_get_num_devices() is 0).")
        self.assertEqual(limits.gpu_note(None), "no offload device: GPU rows skipped.")

    def test_device_and_warmup(self):
        note = limits.gpu_note(DEVICE)
        self.assertIn("NVIDIA H100 80GB HBM3 (device 0 of 1)", note)
        self.assertIn("warm-up 3.30 s", note)
        self.assertIn("1056 teams x 8 threads x 32 lanes", note)

    def test_markdown_names_the_generator_isa(self):
        rows = limits.rows(dict(CPU), N, 4, 10**12, RSS)
        self.assertIn("generator (AVX-512, eight lanes, four accumulators",
                      limits.markdown(rows, MACHINE, N, 3, 5))
        text = limits.markdown(rows, dict(MACHINE, generator_isa="avx2/8"), N, 3, 5)
        self.assertIn("generator (AVX2, four lanes, eight accumulators: no AVX-512 here", text)
        # On a CPU that runs several, psum_limits timed each and kept the fastest.
        tried = dict(MACHINE, generator_isa="avx2/4",
                     generator_trials_s={"avx512f/4": 0.0103, "avx2/4": 0.00914})
        self.assertIn("generator (AVX2, four lanes, four accumulators: the fastest of 2 tried "
                      "on one core over 2^28 values (width/accumulators: avx512f/4 10.30 ms, "
                      "avx2/4 9.14 ms))", limits.markdown(rows, tried, N, 3, 5))

    def test_markdown_names_psum_stream_width_per_round(self):
        rows = limits.rows(dict(CPU), N, 4, 10**12, RSS)
        text = limits.markdown(rows, dict(MACHINE, psum_stream_lanes=[4, 8, 4],
                                          psum_stream_widths=[8, 4]), N, 3, 5)
        self.assertIn("psum's stream kernel times its widths at start and takes the faster, "
                      "as psum_omp does: 8 lanes in 1, 4 lanes in 2 of 3 rounds.", text)
        text = limits.markdown(rows, dict(MACHINE, psum_stream_lanes=[4, 4],
                                          psum_stream_widths=[4]), N, 3, 5)
        self.assertIn("psum's stream kernel: 4 lanes, this build's only width.", text)
        # A psum_limits that does not say: nothing is claimed.
        text = limits.markdown(rows, dict(MACHINE, psum_stream_lanes=[None]), N, 3, 5)
        self.assertNotIn("psum's stream kernel", text)
        self.assertIsNone(limits.stream_kernel_lanes({}))
        self.assertEqual(limits.stream_kernel_lanes({"psum_stream_kernel": {"lanes": 8}}), 8)

    def test_markdown_carries_the_note(self):
        best = dict(CPU, **GPU)
        text = limits.markdown(limits.rows(best, N, 4, 10**12, RSS), MACHINE, N, 3, 5, DEVICE)
        self.assertEqual(sum(ln.startswith("| ") for ln in text.splitlines()), 11)
        self.assertIn("GPU: NVIDIA H100", text)
        text = limits.markdown(limits.rows(dict(CPU), N, 4, 10**12, RSS), MACHINE, N, 3, 5)
        self.assertIn(limits.GPU_SKIPPED, text)


if __name__ == "__main__":
    unittest.main()
