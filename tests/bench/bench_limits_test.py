#!/usr/bin/env python3
"""The rows of bench/limits.py on synthetic best times with known answers:
the best variant is chosen, a beaten reference is no limit, the ideal is
threads x the best one-thread rate, and the ok/MISSED thresholds."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import limits  # noqa: E402

N = 1_000_000_000
THREADS = 4
MIB = 1 << 20
RSS = {"materialize": 7000 * MIB, "stream": 2 * MIB}


def times(**over):
    """Best times in seconds where every psum figure equals its reference."""
    t = {
        "read_static_1": 1.0, "read_dynamic_1": 1.1, "psum_serial": 1.0,
        "read_unroll_1": 1.2, "read_prefetch_1": 1.2, "read_streams_1": 1.2,
        "read_unroll_all": 0.7, "read_prefetch_all": 0.7, "read_streams_all": 0.7,
        "read_streams_dynamic_1": 1.2, "read_streams_dynamic_all": 0.7,
        "read_static_all": 0.5, "read_dynamic_all": 0.4, "psum_dynamic": 0.4,
        "psum_static": 0.4,
        "gen_static_1": 0.1, "gen_dynamic_1": 0.1, "psum_stream_serial": 0.1,
        "gen_static_all": 0.05, "gen_dynamic_all": 0.025, "psum_stream_dynamic": 0.025,
        "fill_plain": 0.3, "fill_psum": 0.3,
    }
    t.update(over)
    return t


def table(**over):
    return {r[0]: r for r in limits.rows(times(**over), N, THREADS, 10**12, RSS)}


def row(tab, prefix):
    (hit,) = [r for name, r in tab.items() if name.startswith(prefix)]
    return hit


class Variants(unittest.TestCase):
    def test_the_faster_variant_is_the_reference(self):
        r = row(table(), "materialized, 4 threads")
        self.assertEqual(r[2], "20.00 (dynamic)")          # 8 GB / 0.4 s, not 0.5 s
        self.assertEqual(r[4], "100.0%")
        r = row(table(read_dynamic_all=0.6), "materialized, 4 threads")
        self.assertEqual(r[2], "16.00 (static)")
        r = row(table(), "streamed, 1 thread")
        self.assertIn(r[2], ("10.00 (static)", "10.00 (dynamic)"))  # a tie picks either

    def test_a_widened_variant_can_be_the_limit(self):
        r = row(table(read_streams_all=0.32), "materialized, 4 threads")
        self.assertEqual(r[2], "25.00 (two streams)")     # 8 GB / 0.32 s
        self.assertEqual(r[4], "80.0%")                   # psum's 0.4 s against it
        self.assertEqual(r[6], "MISSED")
        r = row(table(read_unroll_1=0.8), "materialized, 1 thread")
        self.assertEqual(r[2], "10.00 (four lines)")

    def test_best_variant(self):
        self.assertEqual(limits.best_variant(times(), "gen_all"), ("dynamic", 0.025))
        self.assertEqual(limits.best_variant(times(), "read_1"), ("static", 1.0))


class Beaten(unittest.TestCase):
    def test_more_than_five_percent_faster_is_no_limit(self):
        r = row(table(psum_stream_dynamic=0.025 / 1.06), "streamed, 4 threads")
        self.assertEqual(r[4], "reference beaten: not a limit")
        self.assertEqual(r[6], "reference beaten")

    def test_up_to_five_percent_faster_is_a_fraction(self):
        r = row(table(psum_stream_dynamic=0.025 / 1.04), "streamed, 4 threads")
        self.assertEqual(r[4], "104.0%")
        self.assertEqual(r[6], "ok")

    def test_beating_the_slower_variant_only_is_not_beating(self):
        # 0.45 s beats the static 0.5 s by 11 % but not the dynamic 0.4 s.
        r = row(table(psum_dynamic=0.45), "materialized, 4 threads")
        self.assertEqual(r[4], "88.9%")
        self.assertEqual(r[6], "MISSED")


class Verdict(unittest.TestCase):
    def test_one_verdict_for_cpu_and_gpu_rows(self):
        self.assertEqual(limits.verdict(1.06, 0.95), (limits.BEATEN_TEXT, "reference beaten"))
        self.assertEqual(limits.verdict(1.05, 0.95), ("105.0%", "ok"))
        self.assertEqual(limits.verdict(0.95, 0.95), ("95.0%", "ok"))
        self.assertEqual(limits.verdict(0.79, 0.80), ("79.0%", "MISSED"))


class Ideal(unittest.TestCase):
    def test_threads_times_best_single_thread_rate(self):
        r = row(table(), "materialized, 4 threads")
        self.assertEqual(r[3], "32.00 (4 x 8.00)")          # 8 GB / 1.0 s per thread
        r = row(table(), "streamed, 4 threads")
        self.assertEqual(r[3], "40.00 (4 x 10.00)")

    def test_single_thread_rate_is_the_fastest_one_thread_kernel(self):
        r = row(table(read_dynamic_1=0.8), "materialized, 4 threads")
        self.assertEqual(r[3], "40.00 (4 x 10.00)")
        r = row(table(psum_serial=0.5, read_static_1=0.5), "materialized, 1 thread")
        self.assertEqual(r[3], "16.00 (1 x 16.00)")

    def test_ratio_and_memory_rows_have_no_ideal(self):
        tab = table()
        for prefix in ("materialized time", "first-touch", "materialize peak", "stream peak"):
            self.assertEqual(row(tab, prefix)[3], "")


class Thresholds(unittest.TestCase):
    def test_materialized_needs_95_percent(self):
        self.assertEqual(row(table(psum_serial=1 / 0.951), "materialized, 1 thread")[6], "ok")
        self.assertEqual(row(table(psum_serial=1 / 0.949), "materialized, 1 thread")[6],
                         "MISSED")

    def test_streamed_needs_95_percent(self):
        self.assertEqual(row(table(psum_stream_serial=0.1 / 0.951), "streamed, 1 thread")[6],
                         "ok")
        self.assertEqual(row(table(psum_stream_serial=0.1 / 0.949), "streamed, 1 thread")[6],
                         "MISSED")

    def test_dynamic_over_static(self):
        self.assertEqual(row(table(psum_dynamic=0.411), "materialized time")[6], "ok")
        self.assertEqual(row(table(psum_dynamic=0.413), "materialized time")[6], "MISSED")

    def test_fill(self):
        self.assertEqual(row(table(fill_psum=0.3), "first-touch")[6], "ok")
        self.assertEqual(row(table(fill_psum=0.31), "first-touch")[6], "MISSED")

    def test_a_miss_inside_the_references_spread_is_noise(self):
        # fill_plain varied 5 % between rounds: 1.04 is within it, 1.06 not.
        noise = limits.spread({"fill_plain": [0.3, 0.315, 0.31], "fill_psum": [0.312]})
        self.assertAlmostEqual(noise["fill_plain"], 0.05)
        self.assertNotIn("fill_psum", noise)  # one round tells no spread

        def status(fill_psum, psum_dynamic=0.4):
            tab = {r[0]: r for r in limits.rows(times(fill_psum=fill_psum,
                                                      psum_dynamic=psum_dynamic),
                                                N, THREADS, 10**12, RSS, noise)}
            return row(tab, "first-touch")[6], row(tab, "materialized time")[6]

        self.assertEqual(status(0.3), ("ok", "ok"))
        self.assertEqual(status(0.312), ("within noise (5.0%)", "ok"))
        self.assertEqual(status(0.318), ("MISSED", "ok"))
        # psum_static has no spread here: its ratio row keeps the plain verdict.
        self.assertEqual(status(0.3, psum_dynamic=0.413), ("ok", "MISSED"))

    def test_spread_is_slowest_over_fastest(self):
        self.assertEqual(limits.spread({"a": [2.0, 1.0, 1.5], "b": [1.0]}), {"a": 1.0})

    def test_peak_rss(self):
        tab = {r[0]: r for r in limits.rows(times(), N, THREADS, 10**12,
                                            {"materialize": N * 8 + 65 * MIB,
                                             "stream": 17 * MIB})}
        self.assertEqual(row(tab, "materialize peak")[6], "MISSED")
        self.assertEqual(row(tab, "stream peak")[6], "MISSED")
        self.assertEqual(row(table(), "materialize peak")[6], "ok")
        self.assertEqual(row(table(), "stream peak")[6], "ok")


class Markdown(unittest.TestCase):
    def test_states_the_run_and_the_variants(self):
        machine = {"cpu_model": "Test CPU", "logical_cpus": 4, "compiler": "gcc 1",
                   "huge_pages": "madvise", "omp_proc_bind": "close"}
        text = limits.markdown(limits.rows(times(), N, THREADS, 10**12, RSS), machine, N, 3, 5)
        self.assertIn("N = 1000000000, best of 3 rounds x 5 repetitions; Test CPU", text)
        self.assertIn("schedule(dynamic, 262144)", text)
        self.assertIn("one range per thread", text)
        self.assertIn("20.00 (dynamic)", text)
        self.assertIn("reads \"within noise (spread)\"", text)
        self.assertEqual(sum(ln.startswith("| ") for ln in text.splitlines()), 9)  # head + 8

    def test_names_the_generator_psum_limits_picked(self):
        machine = {"cpu_model": "Test CPU", "logical_cpus": 4, "compiler": "gcc 1",
                   "huge_pages": "madvise", "omp_proc_bind": "close"}
        table = limits.rows(times(), N, THREADS, 10**12, RSS)
        for isa, words in (("avx512f/8", "AVX-512, eight lanes, eight accumulators"),
                           ("avx2/2", "AVX2, four lanes, two accumulators"),
                           ("generic", "GCC generic vectors of two lanes, not tuned for this "
                                       "CPU: not x86, four accumulators")):
            with self.subTest(isa=isa):
                text = limits.markdown(table, dict(machine, generator_isa=isa), N, 3, 5)
                self.assertIn(f"generator ({words}", text)


if __name__ == "__main__":
    unittest.main()
