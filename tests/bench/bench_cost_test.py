#!/usr/bin/env python3
"""The Python rows' cost model (bench/psumbench/cost.py) and pysum.py's
choice of N from it, over fake rows whose time is a + b·N (exactly, or with
noise): no clock, no process."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import pysum  # noqa: E402
from psumbench import cost, runs, tables  # noqa: E402


class FakeRow:
    """A row whose repetition at N "takes" a + b·N seconds, times a factor
    drawn from noise(); it records every N it was run at."""

    def __init__(self, a, b, noise=lambda: 1.0, pool=False):
        self.a, self.b, self.noise, self.runs = a, b, noise, []
        if pool:
            self.startup_once = lambda n: a

    def run_once(self, n):
        self.runs.append(n)
        return n * (n - 1) // 2, {"seconds": (self.a + self.b * n) * self.noise()}


# Measured on the 2-vCPU VM (pysum.py list --budget 12): (N, seconds).
LIST_CALIBRATION = [(10**3, 5.9e-6), (10**4, 5.0e-5), (10**5, 1.59e-3), (10**6, 0.041),
                    (10**7, 0.465)]


class CachedRow(FakeRow):
    """A row without a fixed part whose cost per element grows with N as a
    list's does past the caches: 6 ns up to 10^4, 84 ns at 10^8."""
    PER_ELEMENT = [(10**4, 6e-9), (10**5, 16e-9), (10**6, 41e-9), (10**7, 46e-9),
                   (10**8, 84e-9), (10**10, 90e-9)]

    def __init__(self):
        super().__init__(0.0, 0.0)

    def run_once(self, n):
        self.runs.append(n)
        c = next(c for m, c in self.PER_ELEMENT if n <= m)
        return n * (n - 1) // 2, {"seconds": c * n}


def fits_all(n):
    return True


class Fit(unittest.TestCase):
    def test_exact_line(self):
        model = cost.fit([(n, 0.5 + 2e-8 * n) for n in (10**3, 10**5, 10**7)])
        self.assertAlmostEqual(model.fixed_s, 0.5, places=9)
        self.assertAlmostEqual(model.per_element_s / 2e-8, 1.0, places=6)

    def test_relative_weights_each_point_by_its_time(self):
        exact = [(10**k, 5e-6 + 2e-11 * 10**k) for k in range(6, 10)]
        f = cost.fit(exact, relative=True)
        self.assertAlmostEqual(f.fixed_s, 5e-6, places=12)
        self.assertAlmostEqual(f.per_element_s, 2e-11, places=18)
        # 10^8 60 % slow (a set's processes that disagreed): ordinary least
        # squares puts the fixed part past ten times the smallest time, so
        # it predicts small N badly; the relative fit keeps it below.
        skewed = exact[:2] + [(10**8, 1.6 * exact[2][1])] + exact[3:]
        self.assertGreater(cost.fit(skewed).fixed_s, 10 * exact[0][1])
        self.assertLess(cost.fit(skewed, relative=True).fixed_s, exact[0][1])

    def test_fixed_part_never_negative(self):
        # The serial list on the 2-vCPU VM: per element 6 ns in the caches,
        # 46 ns at 10^7.  A straight line through them would cross zero
        # below N = 0, so the fit goes through the origin...
        model = cost.fit(LIST_CALIBRATION)
        self.assertEqual(model.fixed_s, 0.0)
        # ...with the large sizes' cost per element, not the cached ones'.
        self.assertGreater(model.per_element_s, 40e-9)

    def test_time_that_does_not_grow_has_no_per_element_cost(self):
        model = cost.fit([(10**3, 0.03), (10**4, 0.045), (10**5, 0.017)])
        self.assertEqual(model, cost.Fit(0.017, 0.0))

    def test_share_reached_at(self):
        model = cost.Fit(0.5, 1e-8)
        need = model.share_reached_at()
        self.assertLess(model.fixed_share(need), cost.FIXED_SHARE_LIMIT)
        self.assertGreaterEqual(model.fixed_share(need - 1), cost.FIXED_SHARE_LIMIT)


class Choose(unittest.TestCase):
    BUDGET, REPEAT = 12.0, 3

    def choose(self, row, max_n=10**9):
        return pysum.choose_n(row, self.BUDGET, max_n, self.REPEAT, fits_all)

    def test_exact_pool_row_reaches_the_limit(self):
        # a = 0.1 s, 5 ns per element: 3 (2a + bN) <= 12 - calibration.
        row = FakeRow(0.1, 5e-9, pool=True)
        n, note, fields = self.choose(row)
        self.assertEqual(n, 5 * 10**8)
        self.assertLess(fields["fit_fixed_share"], cost.FIXED_SHARE_LIMIT)
        self.assertTrue(fields["fixed_share_ok"])
        self.assertAlmostEqual(fields["fixed_s"], 0.1, places=6)
        self.assertAlmostEqual(fields["per_element_s"] / 5e-9, 1.0, places=4)
        self.assertGreaterEqual(len(fields["calibration"]), cost.MIN_POINTS)
        self.assertIn("the largest whose 3 repetitions fit", note)
        self.assertNotIn("fixed part", note)
        # Every timed size is a calibration size or n: nothing is run at a
        # size the JSON does not list.
        self.assertEqual(set(row.runs), {p["n"] for p in fields["calibration"]})

    def test_calibration_stays_within_its_share(self):
        row = FakeRow(0.1, 5e-9, pool=True)
        _, _, fields = self.choose(row)
        self.assertLessEqual(fields["calibration_s"], pysum.CALIBRATION_SHARE * self.BUDGET)
        self.assertEqual(fields["calibration_s"],
                         sum(sum(p["samples_s"]) for p in fields["calibration"]))

    def test_budget_and_repetitions_fit(self):
        # The calibration, the repetitions and a pool's start-up timed beside
        # each fit the budget; the next nice size would not.
        for a in (0.0, 0.05, 0.2, 0.5, 1.0):
            for b in (2e-9, 1e-8, 3e-8, 1e-7):
                for pool in (False, True):
                    row = FakeRow(a, b, pool=pool)
                    n, _, fields = self.choose(row)
                    case = (a, b, pool, n, fields["calibration_s"])
                    per_rep = (2 * a if pool else a) + b * n
                    self.assertLessEqual(self.REPEAT * per_rep + fields["calibration_s"],
                                         self.BUDGET * (1 + 1e-9), case)
                    bigger = min(pysum.nice_sizes(n + 1, 10**10))
                    per_rep = (2 * a if pool else a) + b * bigger
                    self.assertGreater(self.REPEAT * per_rep + fields["calibration_s"],
                                       self.BUDGET, case)

    def test_calibration_bounded_when_the_cost_per_element_grows(self):
        # The fit from the cached sizes must not send the calibration to a
        # size that costs more than its share (10^8 took 8.5 s of 12 once).
        row = CachedRow()
        n, _, fields = self.choose(row)
        self.assertLessEqual(fields["calibration_s"], pysum.CALIBRATION_SHARE * self.BUDGET)
        self.assertNotIn(10**8, row.runs)
        self.assertLessEqual(n, 10**8)

    def test_sizes_keep_the_faster_of_two(self):
        # Every other timing is three times too slow (a cold start): a size
        # timed twice, as all are while the calibration's share allows,
        # keeps the faster.
        slow = iter([3.0, 1.0] * 100)
        row = FakeRow(0.0, 1e-8, noise=lambda: next(slow))
        _, _, fields = self.choose(row)
        twice = [p for p in fields["calibration"] if len(p["samples_s"]) == 2]
        self.assertGreaterEqual(len(twice), cost.MIN_POINTS)
        for p in twice:
            self.assertAlmostEqual(p["seconds"], 1e-8 * p["n"])

    def test_a_size_far_past_its_prediction_leaves_the_repetitions_half(self):
        # numpy's arange at 10^9 on the VM: 18 s where its fit said 2 s
        # (the first touch of 8 GB), and the row fell back to N = 1,000.
        class FirstTouch(FakeRow):
            def run_once(self, n):
                total, parts = super().run_once(n)
                return total, {"seconds": parts["seconds"] * (10 if n >= 10**9 else 1)}

        row = FirstTouch(0.0, 2e-9)
        n, note, fields = self.choose(row)
        self.assertGreater(fields["calibration_s"], self.BUDGET)
        self.assertIn("the repetitions were given", note)
        self.assertTrue(fields["fits_budget"])
        self.assertGreaterEqual(n, 10**8)
        self.assertLessEqual(self.REPEAT * 2e-9 * n, self.BUDGET / 2)

    def test_one_slow_timing_does_not_choose_n(self):
        # The 2-vCPU VM under load: one timing of 10^5 took 0.85 s where the
        # pool needs 0.03 s.  Timed twice, the size keeps 0.03 s and the row
        # chooses what it would have without the spike.
        self.assert_spike_does_not_choose_n(30.0)

    def test_a_spike_past_the_calibrations_share_is_timed_again(self):
        # A sweep on the 2-vCPU VM: the 20-worker pool took 1.47 s at 10^5
        # once, alone past a quarter of the budget, and its fit chose N =
        # 200,000 for the article's rows.  A size is timed again up to the
        # calibration's hard cap.
        self.assert_spike_does_not_choose_n(70.0)

    def assert_spike_does_not_choose_n(self, spike):
        exact, _, _ = self.choose(FakeRow(0.02, 1e-8, pool=True))
        spikes = {10**5: iter([spike])}

        class Spiky(FakeRow):
            def run_once(self, n):
                total, parts = super().run_once(n)
                factor = next(spikes.get(n, iter(())), 1.0)
                return total, {"seconds": parts["seconds"] * factor}

        n, _, fields = self.choose(Spiky(0.02, 1e-8, pool=True))
        self.assertEqual(n, exact, fields["calibration"])

    def test_noise_read_as_growth_does_not_stop_the_calibration(self):
        # Measured on the loaded VM: a 20-worker pool at 10^3, 10^4, 10^5
        # took 0.32, 0.14, 0.37 s (start-up and noise; b about 60 ns): a fit
        # says 1.35 µs per element, which would stop the calibration there
        # and choose N = 2,000,000.
        times = iter([0.43, 0.32, 0.25, 0.14, 0.40, 0.37])

        class Noisy(FakeRow):
            def run_once(self, n):
                total, parts = super().run_once(n)
                return total, {"seconds": next(times, parts["seconds"])}

        n, _, fields = self.choose(Noisy(0.2, 6e-8, pool=True))
        self.assertGreater(max(p["n"] for p in fields["calibration"]), 10**6)
        self.assertGreaterEqual(n, 2 * 10**7, fields["calibration"])

    def test_time_that_does_not_grow_goes_on_to_larger_sizes(self):
        # Start-up alone at the first sizes (noise even makes them fall):
        # the calibration goes on past them instead of guessing b...
        falling = iter([2.2, 2.2, 1.2, 1.2, 1.0, 1.0] + [1.0] * 100)  # 0.84, 0.46, 0.38 s
        row = FakeRow(0.38, 1e-8, noise=lambda: next(falling), pool=True)
        n, note, fields = self.choose(row)
        self.assertGreater(len(fields["calibration"]), cost.MIN_POINTS)
        self.assertGreater(n, 10**7)
        # ...and a row whose time never grows says so and errs to less N.
        row = FakeRow(1.0, 0.0, pool=True)
        n, note, fields = self.choose(row)
        self.assertIn("did not grow", note)
        self.assertTrue(fields["fit_flat"])
        largest = fields["calibration"][-1]
        per_rep = 2 * 1.0 + largest["seconds"] / largest["n"] * n
        if "the smallest size" not in note:  # which says it overruns the budget
            self.assertLessEqual(self.REPEAT * per_rep + fields["calibration_s"], self.BUDGET)
        self.assertLess(n, 10**9)

    def test_fixed_part_that_the_budget_cannot_dilute_says_so(self):
        # The article's pool: 0.55 s start-up, 10 ns per element.  Under 10 %
        # needs N > 4.95e8, 3 x 5.5 s: beyond 12 s.
        row = FakeRow(0.55, 1e-8, pool=True)
        n, note, fields = self.choose(row)
        self.assertFalse(fields["fixed_share_ok"])
        self.assertGreaterEqual(fields["fit_fixed_share"], cost.FIXED_SHARE_LIMIT)
        self.assertIn("not under 10%", note)
        self.assertIn("0.55 s", note)
        self.assertIn("budget", note)
        self.assertGreater(n, 10**7)  # not the old collapse to 50,000

    def test_quick_budget_does_not_crash_and_says_so(self):
        row = FakeRow(0.05, 1e-7, pool=True)
        n, note, fields = pysum.choose_n(row, 0.5, 10**5, 3, fits_all)
        self.assertEqual(len(fields["calibration"]), 3)
        self.assertFalse(fields["fixed_share_ok"])
        self.assertIn("fixed part", note)
        self.assertIn(n, pysum.nice_sizes(1, 10**5) + [10**5])

    def test_noisy_row_still_chooses_within_a_step(self):
        # +-20 % noise on every timing: the chosen N stays within one nice
        # step of the exact row's, and the fixed share verdict holds.
        exact, _, _ = self.choose(FakeRow(0.1, 5e-9, pool=True))
        rng = random.Random(18)
        for _ in range(20):
            row = FakeRow(0.1, 5e-9, noise=lambda: rng.uniform(0.8, 1.2), pool=True)
            n, _, fields = self.choose(row)
            self.assertLessEqual(max(n, exact) / min(n, exact), 2.5, fields["calibration"])
            self.assertTrue(fields["fixed_share_ok"], fields)

    def test_calibration_reaches_past_a_large_fixed_part(self):
        # A pool of 20 workers on the 2-vCPU VM (0.2 s start-up, 30 ns per
        # element, +-10 % noise): the calibration goes on to a size where the
        # elements are a sizeable part of the time, so b is measured, not
        # guessed from noise.
        rng = random.Random(7)
        for _ in range(10):
            row = FakeRow(0.2, 3e-8, noise=lambda: rng.uniform(0.9, 1.1), pool=True)
            _, _, fields = self.choose(row)
            largest = max(p["n"] for p in fields["calibration"])
            self.assertGreaterEqual(3e-8 * largest, 0.2, fields["calibration"])
            self.assertLess(abs(fields["per_element_s"] / 3e-8 - 1), 0.25, fields)

    def test_max_n_caps_and_memory_limits(self):
        n, note, _ = self.choose(FakeRow(0.0, 1e-9), max_n=10**6)
        self.assertEqual((n, note), (10**6, ""))
        n, _, _ = pysum.choose_n(FakeRow(0.0, 1e-9), 12.0, 10**9, 3, lambda m: m <= 3 * 10**6)
        self.assertEqual(n, 2 * 10**6)
        with self.assertRaises(pysum.TooBig):
            pysum.choose_n(FakeRow(0.0, 1e-9), 12.0, 10**9, 3, lambda m: False)

    def test_calibration_sizes(self):
        self.assertEqual(pysum.calibration_sizes(10**5), [10**3, 10**4, 10**5])
        self.assertEqual(pysum.calibration_sizes(5 * 10**8)[-2:], [10**8, 5 * 10**8])
        self.assertEqual(pysum.calibration_sizes(150), [1, 10, 100, 150])
        self.assertEqual(pysum.calibration_sizes(1), [1])


# The article's rows as fake rows: (a, b, pool) per row name.  The serial
# program has no fixed part; the pools start 20 or 2 workers.
ARTICLE_ROWS = {"list": (0.0, 2.6e-8, False), "processes": (0.55, 1.0e-8, True),
                "processes_cpus": (0.05, 1.0e-8, True)}


MEASURED = []  # the rows fake_call measured at a fixed N, in order


def fake_call(job, python, script, env, extra=(), timeout=None):
    """PythonJob.call without a process: --calibrate-only runs pysum's
    choice of N over the row's fake; a measured run reports its N."""
    a, b, pool = ARTICLE_ROWS[job.row]
    doc = {"impl": job.impl, "available": True, "workers": job.workers, "chunks": job.chunks}
    if "--calibrate-only" in extra:
        n, note, fields = pysum.choose_n(FakeRow(a, b, pool=pool), job.budget, job.max_n,
                                         job.repeat, fits_all)
        return dict(doc, n=n, n_note=note, **fields)
    n = job.max_n  # a fixed-N job: PythonJob puts the N in max_n
    t = a + b * n
    MEASURED.append(job.row)
    doc.update(n=n, n_note="", calibration=[], samples_s=[t] * job.repeat, median_s=t, min_s=t,
               timed="whole", sum=str(n * (n - 1) // 2), expected=str(n * (n - 1) // 2),
               verified=True)
    if job.row == "list":
        doc.update(build_median_s=t / 2, whole_median_s=t, whole_min_s=t)
    if pool:
        doc.update(startup_samples_s=[a] * job.repeat, startup_median_s=a, startup_min_s=a)
    return doc


class ArticleGroup(unittest.TestCase):
    def setUp(self):
        self.real_call = runs.PythonJob.call
        runs.PythonJob.call = fake_call
        MEASURED.clear()

    def tearDown(self):
        runs.PythonJob.call = self.real_call

    def run_group(self, budget=12.0):
        group = runs.ArticleGroup()
        jobs = [runs.PythonJob(row, tables.PYTHON_ROWS[row].impl, 10**9, 3, budget=budget,
                               workers=2 if row == "processes_cpus" else 20, group=group)
                for row in ARTICLE_ROWS]
        return group, {job.row: job.run("python", "pysum.py", {}) for job in jobs}

    def test_one_n_the_smallest_choice(self):
        group, docs = self.run_group()
        self.assertEqual({d["n"] for d in docs.values()}, {group.n})
        self.assertEqual(group.n, min(d["chosen_n"] for d in docs.values()))
        # The 20-worker pool decides: its start-up makes its calibration the dearest.
        self.assertEqual(group.n, docs["processes"]["chosen_n"])
        self.assertGreater(docs["processes_cpus"]["chosen_n"], group.n)
        for row, d in docs.items():
            self.assertIn(f"N = {group.n:,} shared by the article's rows", d["n_note"])
            self.assertGreaterEqual(len(d["calibration"]), cost.MIN_POINTS)
            self.assertEqual(d["fixed_share_ok"], d["fit_fixed_share"] < 0.10, row)

    def test_repetitions_alternate_across_the_rows(self):
        _, docs = self.run_group()
        self.assertEqual(MEASURED, list(ARTICLE_ROWS) * 3)
        for row, d in docs.items():
            self.assertEqual(len(d["samples_s"]), 3, row)
            self.assertIn("alternate with the other article rows'", d["n_note"])
        self.assertEqual(len(docs["processes"]["startup_samples_s"]), 3)

    def test_fixed_share_said_at_the_shared_n(self):
        _, docs = self.run_group()
        pool, serial = docs["processes"], docs["list"]
        self.assertAlmostEqual(pool["fixed_s"], 0.55, places=6)
        for row, (a, b, _) in ARTICLE_ROWS.items():  # at the shared N, not the row's own
            self.assertAlmostEqual(docs[row]["fit_fixed_share"], a / (a + b * docs[row]["n"]))
        self.assertFalse(pool["fixed_share_ok"])
        self.assertIn("not under 10%", pool["n_note"])
        self.assertTrue(serial["fixed_share_ok"])
        self.assertNotIn("fixed part", serial["n_note"])

    def test_a_member_over_its_budget_says_so(self):
        # A smoke run's 0.5 s: the 20-worker pool's start-ups alone overrun
        # it, so it takes its smallest size, and its note says why.
        group, docs = self.run_group(budget=0.5)
        self.assertEqual(group.n, docs["processes"]["chosen_n"])
        self.assertIn("no size fits this row's budget", docs["processes"]["n_note"])
        self.assertNotIn("no size fits", docs["list"]["n_note"])

    def test_contrast_shows_the_pool_start_up_apart(self):
        _, docs = self.run_group()
        records = [{"spec": {"row": row}, "doc": d} for row, d in docs.items()]
        rows = tables.contrast_rows([], records, 2)
        pool = next(r for r in rows if r["name"] == tables.PYTHON_ROWS["processes"].name)
        self.assertIn("start-up alone", pool["note"])
        self.assertIn("median 0.55 s", pool["note"])
        share = 0.55 / docs["processes"]["median_s"]
        self.assertIn(f"{share:.0%} of this row's median", pool["note"])
        text = tables.contrast_markdown(rows)
        self.assertIn("start-up alone", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
