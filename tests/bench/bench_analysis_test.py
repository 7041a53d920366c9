#!/usr/bin/env python3
"""The speedup laws and the crossover of bench/psumbench/analysis.py on
synthetic inputs with known answers, and the order of the limits tables in
the results index (psumbench/results.py)."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from psumbench import analysis, results  # noqa: E402


class KarpFlatt(unittest.TestCase):
    def test_known_values(self):
        self.assertAlmostEqual(analysis.karp_flatt(2.0, 2), 0.0)        # perfect scaling
        self.assertAlmostEqual(analysis.karp_flatt(1.0, 2), 1.0)        # no gain at all
        self.assertAlmostEqual(analysis.karp_flatt(1.6, 4), 0.5)        # (1/1.6-1/4)/(3/4)
        self.assertAlmostEqual(analysis.karp_flatt(5.0, 8), (0.2 - 0.125) / 0.875)

    def test_undefined_for_one_thread(self):
        self.assertIsNone(analysis.karp_flatt(1.0, 1))

    def test_recovers_amdahl_serial_fraction(self):
        # For a program that follows Amdahl's law exactly, e equals f at every p.
        for p in (2, 4, 16):
            self.assertAlmostEqual(analysis.karp_flatt(analysis.amdahl(0.07, p), p), 0.07)


class Amdahl(unittest.TestCase):
    def test_law(self):
        self.assertAlmostEqual(analysis.amdahl(0.0, 8), 8.0)
        self.assertAlmostEqual(analysis.amdahl(1.0, 8), 1.0)
        self.assertAlmostEqual(analysis.amdahl(0.5, 2), 4 / 3)

    def test_fit_exact_data(self):
        points = [(p, analysis.amdahl(0.1, p)) for p in (1, 2, 4, 8, 16)]
        f, rmse, r2 = analysis.fit_amdahl(points)
        self.assertAlmostEqual(f, 0.1, places=6)
        self.assertLess(rmse, 1e-6)
        self.assertAlmostEqual(r2, 1.0, places=6)

    def test_fit_noisy_data(self):
        noise = (0.02, -0.03, 0.01, -0.02, 0.03)
        points = [(p, analysis.amdahl(0.25, p) + e) for p, e in zip((1, 2, 4, 8, 16), noise)]
        f, rmse, r2 = analysis.fit_amdahl(points)
        self.assertAlmostEqual(f, 0.25, delta=0.01)
        self.assertGreater(rmse, 0.005)
        self.assertGreater(r2, 0.99)

    def test_fit_clamps_to_the_unit_interval(self):
        f, _, _ = analysis.fit_amdahl([(1, 1.0), (2, 2.0), (4, 4.0)])   # perfect
        self.assertAlmostEqual(f, 0.0, places=6)
        f, _, r2 = analysis.fit_amdahl([(1, 1.0), (2, 1.0)])           # no gain
        self.assertAlmostEqual(f, 1.0, places=6)
        self.assertIsNone(r2)

    def test_fit_needs_points(self):
        with self.assertRaises(ValueError):
            analysis.fit_amdahl([])


class Crossover(unittest.TestCase):
    def test_interpolates_between_the_bracketing_sizes(self):
        # serial/parallel = 0.5 at 1e3, 2 at 1e5: log ratio crosses 0 halfway, at 1e4.
        pts = [(10**3, 1.0, 2.0), (10**5, 2.0, 1.0), (10**6, 20.0, 5.0)]
        n, below, above = analysis.crossover(pts)
        self.assertAlmostEqual(n, 1e4, delta=1e-6)
        self.assertEqual((below, above), (10**3, 10**5))

    def test_last_losing_size_wins_over_an_early_lucky_one(self):
        pts = [(10, 1.0, 0.9), (100, 1.0, 1.5), (1000, 4.0, 2.0)]
        _, below, above = analysis.crossover(pts)
        self.assertEqual((below, above), (100, 1000))

    def test_always_and_never(self):
        self.assertEqual(analysis.crossover([(10, 2.0, 1.0), (100, 20.0, 5.0)]),
                         (None, None, 10))
        self.assertEqual(analysis.crossover([(10, 1.0, 2.0), (100, 1.0, 1.0)]),
                         (None, 100, None))


class LimitsTables(unittest.TestCase):
    def test_newest_first_a_dated_name_after_its_days_times(self):
        names = ["limits-2026-11-25.md", "limits-2026-11-26.md", "limits-2026-11-26-1800.md",
                 "limits-2026-11-26-1857.md", "limits-2026-11-25-1717.md", "summary.md"]
        with tempfile.TemporaryDirectory() as d:
            for name in names:
                open(os.path.join(d, name), "w").close()
            got = [os.path.basename(p) for p in results.limits_tables(d)]
        self.assertEqual(got, ["limits-2026-11-26-1857.md", "limits-2026-11-26-1800.md",
                               "limits-2026-11-26.md", "limits-2026-11-25-1717.md",
                               "limits-2026-11-25.md"])


class HostsSets(unittest.TestCase):
    def test_complete_full_sets_newest_first(self):
        sets = {"2026-12-07-0400-hosts": {"complete": True, "quick": False},
                "2026-12-07-0500-hosts": {"complete": True, "quick": False},
                "2026-12-07-0600-hosts": {"complete": False, "quick": False},
                "2026-12-07-0700-hosts-quick": {"complete": True, "quick": True},
                "2026-12-07-0800-hosts": None,  # damaged: not JSON
                "2026-12-07-0900": {"complete": True, "quick": False}}
        with tempfile.TemporaryDirectory() as d:
            for name, meta in sets.items():
                os.mkdir(os.path.join(d, name))
                with open(os.path.join(d, name, "hosts_run.json"), "w") as f:
                    f.write("{" if meta is None else json.dumps(meta))
            self.assertEqual(results.hosts_sets(d),
                             ["2026-12-07-0500-hosts", "2026-12-07-0400-hosts"])
            self.assertEqual(results.hosts_sets(os.path.join(d, "absent")), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
