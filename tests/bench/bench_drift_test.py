#!/usr/bin/env python3
"""The sweep against drift, on fixed data (no timing): the interleaved order
(every configuration K times, never twice back to back, the seed's order
reproducible and recorded), the aggregation over processes, the unstable
verdict at its threshold, the machine watch's slow flag, the smoke banner
and the "–" rules of the tables, compare.py on multi-process sets, and a
published one-process set rendered again (in a copy).

usage: bench_drift_test.py"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..")
BENCH = os.path.join(REPO, "bench")
sys.path.insert(0, BENCH)
import compare  # noqa: E402
import sweep  # noqa: E402
from psumbench import aggregate, analysis, orchestrate, report, runs, tables, watch  # noqa: E402

PUBLISHED = os.path.join(REPO, "results", "amd-epyc-2cpu-049550", "2026-11-27-004428")


class Other:
    """A job that runs once (a Python row)."""
    kind = "python"

    def __init__(self, name):
        self.name = name


def configs(count):
    return [runs.PsumJob("threads", "stream", 1000, t, 1) for t in range(1, count + 1)]


def names(order):
    return [(j.threads, j.process) if j.kind == "psum" else j.name for j in order]


class Interleave(unittest.TestCase):
    def test_every_configuration_k_times_one_process_index_each(self):
        order = orchestrate.interleave(configs(5), 3, seed=7)
        got = sorted((j.threads, j.process) for j in order)
        self.assertEqual(got, sorted((t, k) for t in range(1, 6) for k in range(3)))
        self.assertTrue(all(j.spec()["process"] == j.process for j in order))

    def test_never_the_same_configuration_back_to_back(self):
        for seed in range(300):
            for count in (2, 3, 5):
                order = [j.threads for j in orchestrate.interleave(configs(count), 4, seed)]
                pairs = list(zip(order, order[1:]))
                self.assertFalse([p for p in pairs if p[0] == p[1]], (seed, count, order))

    def test_one_configuration_alone_still_runs_k_times(self):
        order = orchestrate.interleave(configs(1), 3, seed=1)
        self.assertEqual([(j.threads, j.process) for j in order], [(1, 0), (1, 1), (1, 2)])

    def test_the_seed_decides_the_order(self):
        a = names(orchestrate.interleave(configs(6), 3, seed=42))
        self.assertEqual(a, names(orchestrate.interleave(configs(6), 3, seed=42)))
        self.assertNotEqual(a, names(orchestrate.interleave(configs(6), 3, seed=43)))

    def test_rounds_shuffle_and_the_other_jobs_sit_between_them_in_order(self):
        others = [Other(f"py{i}") for i in range(4)]
        order = names(orchestrate.interleave(configs(3) + others, 3, seed=5))
        self.assertEqual([x for x in order if isinstance(x, str)], ["py0", "py1", "py2", "py3"])
        # round 1, py0 py1, round 2, py2 py3, round 3: the rounds span the set
        self.assertEqual(order[3:5], ["py0", "py1"])
        self.assertEqual(order[8:10], ["py2", "py3"])
        self.assertEqual({p for _, p in order[:3]}, {0})
        self.assertEqual({p for _, p in order[-3:]}, {2})

    def test_the_order_and_seed_are_recorded(self):
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.run([sys.executable, os.path.join(BENCH, "sweep.py"), "--build",
                                os.path.join(out, "nobuild"), "--out", out, "--quick",
                                "--sweeps", "threads", "--seed", "9"],
                               capture_output=True, text=True, timeout=60)
            # No build: the sweep stops before it creates a set; the order is
            # checked through plan() + interleave() as sweep() records it.
            self.assertEqual(p.returncode, 1)
        args = sweep.parse_args(["--quick", "--sweeps", "threads", "--seed", "9"])
        jobs = orchestrate.interleave(orchestrate.plan(args, 2), args.processes, args.seed)
        again = orchestrate.interleave(orchestrate.plan(args, 2), args.processes, 9)
        self.assertEqual([j.describe() for j in jobs], [j.describe() for j in again])
        self.assertEqual(args.processes, 2)  # a smoke run's default
        self.assertEqual(sweep.parse_args([]).processes, 3)


def phase(samples):
    ordered = sorted(samples)
    return {"min_s": ordered[0], "median_s": ordered[(len(ordered) - 1) // 2],
            "max_s": ordered[-1], "samples_s": samples, "noisy": False,
            "calls_per_sample": 1}


def record(parallel, serial=None, process=None, threads=2, mode="materialize", noisy=False,
           started=None, sweep_name="threads"):
    spec = {"mode": mode, "n": 10**6, "threads": threads, "repeat": len(parallel),
            "schedule": "dynamic", "chunks": 100, "serial": serial is not None}
    if process is not None:
        spec["process"] = process
    doc = {"n": 10**6, "mode": mode, "threads": threads, "threads_requested": threads,
           "schedule": "dynamic", "chunks": 100, "noisy": noisy, "verified": True,
           "serial": phase(serial) if serial else None, "parallel": phase(parallel),
           "peak_rss_bytes": 100 + (process or 0), "schema_version": 1,
           "sum": str(10**6 * (10**6 - 1) // 2), "expected": str(10**6 * (10**6 - 1) // 2),
           "materialize_s": 1e-3, "machine": {"logical_cpus": 2}}
    r = {"sweep": sweep_name, "kind": "psum", "spec": spec, "doc": doc}
    if started is not None:
        r.update(started_s=started, ended_s=started + 1)
    return r


class Aggregate(unittest.TestCase):
    def test_median_of_process_medians_and_their_range(self):
        recs = [record([1.0, 1.02, 1.04], [2.0, 2.0, 2.0], process=0),
                record([1.05, 1.06, 1.07], [2.05, 2.05, 2.05], process=1),
                record([0.99, 1.0, 1.01], [1.98, 1.98, 1.98], process=2)]
        [agg] = aggregate.aggregate(recs)
        d = agg["doc"]
        self.assertEqual(d["processes"], 3)
        self.assertEqual(d["parallel"]["process_medians_s"], [1.02, 1.06, 1.0])
        self.assertEqual(d["parallel"]["median_s"], 1.02)
        self.assertEqual((d["parallel"]["min_s"], d["parallel"]["max_s"]), (1.0, 1.06))
        self.assertEqual(len(d["parallel"]["samples_s"]), 9)
        # serial / parallel within each process: 2/1.02, 2.05/1.06, 1.98/1.0; the median
        self.assertAlmostEqual(d["speedup_serial"], 2.0 / 1.02)
        self.assertEqual(d["peak_rss_bytes"], 102)
        self.assertNotIn("process", agg["spec"])
        self.assertFalse(d["unstable"])

    def test_one_process_keeps_its_own_figures(self):
        r = record([1.0, 1.5, 2.0], [3.0, 3.0, 3.0])
        [agg] = aggregate.aggregate([r])
        d = agg["doc"]
        self.assertEqual(d["processes"], 1)
        self.assertEqual((d["parallel"]["min_s"], d["parallel"]["median_s"],
                          d["parallel"]["max_s"]), (1.0, 1.5, 2.0))
        self.assertFalse(d["unstable"])  # 2.0 / 1.0 within one process: psum's noisy, not ours
        self.assertEqual(d["speedup_serial"], 2.0)

    def test_configurations_stay_apart_and_python_rows_are_left_out(self):
        recs = [record([1.0], process=0, threads=1), record([1.0], process=0, threads=2),
                record([1.0], process=1, threads=1),
                {"sweep": "python", "kind": "python", "spec": {"row": "list"}, "doc": {}}]
        out = aggregate.aggregate(recs)
        self.assertEqual([(r["doc"]["threads"], r["doc"]["processes"]) for r in out],
                         [(1, 2), (2, 1)])


class Unstable(unittest.TestCase):
    def verdict(self, medians, meta=None):
        recs = [record([m], process=k) for k, m in enumerate(medians)]
        return aggregate.aggregate(recs, meta)[0]["doc"]["unstable"]

    def test_threshold(self):
        self.assertEqual(aggregate.UNSTABLE_MAX_OVER_MIN, 1.10)
        self.assertFalse(self.verdict([1.0, 1.05, 1.099]))
        self.assertTrue(self.verdict([1.0, 1.05, 1.11]))
        self.assertTrue(self.verdict([0.139, 0.228, 0.2]))   # the two answers

    def test_the_set_recorded_threshold_counts(self):
        self.assertFalse(self.verdict([1.0, 1.3], {"unstable_max_over_min": 1.5}))
        self.assertTrue(self.verdict([1.0, 1.3], {"unstable_max_over_min": 1.2}))

    def test_a_serial_phase_that_disagrees_is_enough(self):
        recs = [record([1.0], [2.0], process=0), record([1.0], [2.5], process=1)]
        self.assertTrue(aggregate.aggregate(recs)[0]["doc"]["unstable"])

    def test_tables_mark_it(self):
        recs = [record([1.0], [1.0], process=0, threads=1),
                record([1.0], [1.0], process=1, threads=1),
                record([0.5], [1.0], process=0), record([0.8], [1.0], process=1)]
        text = tables.speedup_markdown(tables.thread_rows(aggregate.aggregate(recs), 2))
        self.assertIn("‡ unstable", text)
        self.assertRegex(text, r"\| 2 \| 0\.65 ‡ \| 0\.5–0\.8 \|")
        self.assertIn("min–max s (process medians)", text)


def watch_record(started, read_gbs, gen_gelems):
    n, gen_n = watch.N, 32 * watch.N
    return {"sweep": "watch", "kind": "watch", "spec": {}, "started_s": started,
            "ended_s": started + 0.05,
            "doc": {"n": n, "gen_n": gen_n, "threads": 2, "verified": True,
                    "read_s": [n * 8 / read_gbs / 1e9] * 3,
                    "gen_s": [gen_n / gen_gelems / 1e9] * 3}}


class Watch(unittest.TestCase):
    def test_rates_from_the_median_round(self):
        r = watch_record(0, 20.0, 10.0)
        r["doc"]["read_s"][0] *= 10  # one preempted round
        read, gen = watch.rates(r["doc"])
        self.assertAlmostEqual(read, 20.0)
        self.assertAlmostEqual(gen, 10.0)

    def test_one_lucky_point_is_not_the_best(self):
        self.assertEqual(watch.best([5, 9, 7]), 9)                       # few points: the max
        self.assertEqual(watch.best([10.0] * 19 + [67.0]), 10.0)          # 90th percentile
        points = [watch_record(t, 10, 10) for t in range(0, 38, 2)] + [watch_record(38, 67, 10)]
        r = record([1.0], started=0.5)
        self.assertEqual(watch.slow_records(points + [r], 0.8), frozenset())

    def test_a_process_beside_a_slow_point_is_slow_by_its_reference(self):
        points = [watch_record(0, 20, 10), watch_record(2, 15, 10), watch_record(4, 20, 7),
                  watch_record(6, 20, 10)]
        mat = record([1.0], started=0.5, mode="materialize")     # between 0 and 2: read 15
        stream = record([1.0], started=0.5, mode="stream")       # the generator was fine
        late = record([1.0], started=4.5, mode="materialize")    # read fine at 4 and 6
        gen_late = record([1.0], started=2.5, mode="stream")     # gen 7 at 4
        slow = watch.slow_records(points + [mat, stream, late, gen_late], 0.8)
        self.assertEqual([id(r) in slow for r in (mat, stream, late, gen_late)],
                         [True, False, False, True])

    def test_a_configuration_is_slow_when_half_its_processes_are(self):
        points = [watch_record(0, 20, 10), watch_record(2, 10, 10), watch_record(4, 20, 10),
                  watch_record(6, 20, 10), watch_record(8, 20, 10)]
        a = [record([1.0], process=0, started=0.5), record([1.0], process=1, started=4.5),
             record([1.0], process=2, started=6.5)]
        [agg] = aggregate.aggregate(a, None, watch.slow_records(points + a, 0.8))
        self.assertEqual((agg["doc"]["slow_processes"], agg["doc"]["slow"]), (1, False))
        b = [record([1.0], process=0, started=0.5), record([1.0], process=1, started=2.5)]
        [agg] = aggregate.aggregate(b, None, watch.slow_records(points + b, 0.8))
        self.assertEqual((agg["doc"]["slow_processes"], agg["doc"]["slow"]), (2, True))

    def test_drift_summary(self):
        points = [watch_record(0, 20, 10), watch_record(60, 10, 9), watch_record(120, 18, 10)]
        d = watch.drift(points, 0.8)
        self.assertEqual((d["read"]["min"], d["read"]["best"], d["read"]["slow"]), (10, 20, 1))
        self.assertAlmostEqual(d["read"]["lowest"], 0.5)
        text = tables.watch_markdown(points, 0.8)
        self.assertIn("drifted by up to 50% below its best", text)
        self.assertIn("3 watch points over 2.0 minutes", text)
        self.assertIn("predates", tables.watch_markdown([], 0.8))


class Unfit(unittest.TestCase):
    def test_rules(self):
        self.assertIsNone(analysis.amdahl_unfit(0.5))
        self.assertIsNone(analysis.amdahl_unfit(None))
        self.assertIn("R² = -1.00 < 0", analysis.amdahl_unfit(-1.0))
        self.assertIsNone(analysis.karp_flatt_unfit(1.0))
        self.assertIn("speedup below 1", analysis.karp_flatt_unfit(0.94))
        self.assertIsNone(analysis.efficiency_unfit(1.04, 0.05))
        self.assertIn("above 1 + its spread (1.05)", analysis.efficiency_unfit(1.12, 0.05))

    def test_speedup_table_prints_a_dash_with_the_reason(self):
        # Speedups 1, 0.5, 0.9 on 4 CPUs: no Amdahl curve (never below 1) fits them
        # as well as their mean (two points would always fit exactly).
        recs = [record([1.0], [1.0], threads=1), record([2.0], [1.0], threads=2),
                record([1 / 0.9], [1.0], threads=4), record([1.0], [1.0], threads=8)]
        by_mode = tables.thread_rows(aggregate.aggregate(recs), 4)
        data = by_mode["materialize"]
        self.assertLess(data["fit"][2], 0)
        text = tables.speedup_markdown(by_mode)
        self.assertIn("Amdahl fit over the 3 points with threads ≤ CPUs: –, R² =", text)
        self.assertNotIn("serial fraction f =", text)
        self.assertRegex(text, r"\| 2 \| 2 \|.*\| – \(slowdown\) \|")
        self.assertIn("Karp–Flatt e: – at 2, 4 threads: speedup below 1", text)

    def test_weak_efficiency_above_one_beyond_its_spread(self):
        def weak(ranks, samples, process=0):
            r = record(samples, process=process, threads=ranks, sweep_name="mpi")
            r["kind"] = "psum_mpi"
            r["spec"].update(study="weak", ranks=ranks)
            r["doc"].update(ranks=ranks, threads_per_rank=1, n=10**6 * ranks,
                            imbalance=None, reduce_s=None)
            return r
        recs = [weak(1, [1.12, 1.12]), weak(2, [1.0, 1.01])]
        rows = tables.mpi_weak_rows(aggregate.aggregate(recs))["materialize"]["rows"]
        self.assertIn("above 1 + its spread", rows[1]["efficiency_unfit"])
        text = tables.mpi_weak_markdown(tables.mpi_weak_rows(aggregate.aggregate(recs)))
        self.assertIn("| – (above 1) |", text)
        self.assertIn("Efficiency –: above 1 + its spread", text)
        recs = [weak(1, [1.02, 1.1]), weak(2, [1.0, 1.01])]   # 1.02 within 1 + 0.09
        rows = tables.mpi_weak_rows(aggregate.aggregate(recs))["materialize"]["rows"]
        self.assertIsNone(rows[1]["efficiency_unfit"])


class Compare(unittest.TestCase):
    def write_set(self, folder, records, processes):
        os.makedirs(folder)
        with open(os.path.join(folder, "machine.json"), "w") as f:
            json.dump({"cpu_model": "x", "logical_cpus": 2}, f)
        with open(os.path.join(folder, "run.json"), "w") as f:
            json.dump({"n": 10**6, "complete": True, "processes": processes}, f)
        with open(os.path.join(folder, "runs.jsonl"), "w") as f:
            for r in records + [watch_record(0, 20, 10)]:
                f.write(json.dumps(r) + "\n")

    def test_process_medians_are_the_samples_and_unstable_rows_say_so(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
            self.write_set(a, [record([1.0, 5.0, 1.01], process=0),
                               record([1.02, 1.02, 1.02], process=1),
                               record([1.01, 1.01, 1.01], process=2),
                               record([1.0], process=0, threads=1),
                               record([1.5], process=1, threads=1)], 3)
            self.write_set(b, [record([1.03], process=0), record([1.02], process=1),
                               record([1.04], process=2),
                               record([1.0], process=0, threads=1),
                               record([1.6], process=1, threads=1)], 3)
            p = subprocess.run([sys.executable, os.path.join(BENCH, "compare.py"), "--json",
                                a, b], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertNotIn("damaged", p.stderr)  # the watch record is no configuration
            doc = json.loads(p.stdout)
            rows = {c["threads"]: c for c in doc["configurations"]}
            self.assertEqual(rows[2]["a"]["samples"], 3)         # process medians, not 9
            self.assertEqual(rows[2]["a"]["max_s"], 1.02)        # the 5.0 repetition is gone
            self.assertFalse(rows[2]["unstable"])
            self.assertEqual(rows[2]["verdict"], "same")
            self.assertTrue(rows[1]["unstable"])
            self.assertTrue(rows[1]["a"]["unstable"])
            self.assertIn("1 unstable in A or B, the stable ones 1 same", doc["summary"])
            p = subprocess.run([sys.executable, os.path.join(BENCH, "compare.py"), a, b],
                               capture_output=True, text=True, timeout=60)
            self.assertIn("3 processes", p.stdout)
            self.assertIn("**unstable**", p.stdout)


class OldSet(unittest.TestCase):
    @unittest.skipUnless(os.path.isdir(PUBLISHED), "the published set is not in this checkout")
    def test_a_published_one_process_set_renders_in_a_copy(self):
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "set")
            shutil.copytree(PUBLISHED, copy)
            p = subprocess.run([sys.executable, os.path.join(BENCH, "sweep.py"), "--render",
                                copy, "--out", tmp], capture_output=True, text=True,
                               timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(copy, "speedup.md")) as f:
                speedup = f.read()
            self.assertNotIn("‡", speedup)
            self.assertNotIn("SMOKE", speedup)
            self.assertIn("| 2 | 0.2282 | 0.227–0.2334 | 1.09 |", speedup)  # its repetitions
            with open(os.path.join(copy, "summary.md")) as f:
                summary = f.read()
            self.assertIn("Each configuration ran in one process", summary)
            self.assertIn("predates the watch", summary)


class Smoke(unittest.TestCase):
    def test_banner_constants(self):
        self.assertIn("SMOKE RUN", report.SMOKE_BANNER)
        self.assertIn("SMOKE RUN", report.SMOKE_TITLE)


if __name__ == "__main__":
    unittest.main(verbosity=2)
