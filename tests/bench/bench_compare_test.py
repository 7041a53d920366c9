#!/usr/bin/env python3
"""bench/compare.py: its U test and verdicts on known inputs, and the
command on synthetic result sets written here (exit codes, stderr lines,
the configurations it pairs)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench")
SCRIPT = os.path.join(BENCH, "compare.py")
sys.path.insert(0, BENCH)
import compare  # noqa: E402

BASE = [1.00, 1.01, 1.02, 1.03, 1.04]   # seconds; median 1.02


def scaled(factor, samples=BASE):
    return [s * factor for s in samples]


def phase(samples):
    ordered = sorted(samples)
    mean = sum(samples) / len(samples)
    return {"min_s": ordered[0], "median_s": ordered[len(ordered) // 2], "mean_s": mean,
            "max_s": ordered[-1], "stddev_s": 0.0, "noisy": False, "samples_s": samples}


def exact(n):
    """The fields that make a record a result (records.check_record): verified,
    and its sum and expected N(N-1)/2."""
    return {"verified": True, "sum": str(n * (n - 1) // 2), "expected": str(n * (n - 1) // 2)}


def psum(sweep, samples, mode="materialize", n=10**6, threads=2, schedule="dynamic",
         chunks=100, serial=True):
    spec = {"mode": mode, "n": n, "threads": threads, "repeat": len(samples),
            "schedule": schedule, "chunks": chunks, "serial": serial}
    doc = {"n": n, "mode": mode, "threads": threads, "schedule": schedule, "chunks": chunks,
           "verified": True, "background_load": 0.0,
           "serial": phase(scaled(2, samples)) if serial else None,
           "parallel": phase(samples), "schema_version": 1, "threads_requested": threads,
           "materialize_s": 6e-4, "noisy": False, "machine": {"logical_cpus": 2}, **exact(n)}
    return {"sweep": sweep, "kind": "psum", "spec": spec, "doc": doc}


def python(row, samples, n=10**5):
    spec = {"row": row, "impl": row, "max_n": n, "repeat": len(samples), "budget_s": None,
            "workers": 1, "chunks": 100}
    ordered = sorted(samples)
    doc = {"available": True, "n": n, "samples_s": samples,
           "median_s": ordered[len(ordered) // 2], "min_s": ordered[0], "impl": row,
           "workers": 1, "chunks": 100, "timed": "whole", **exact(n)}
    return {"sweep": "python", "kind": "python", "spec": spec, "doc": doc}


def unavailable(row):
    return {"sweep": "python", "kind": "python",
            "spec": {"row": row, "impl": row, "max_n": 10, "repeat": 1, "budget_s": None,
                     "workers": 1, "chunks": 1},
            "doc": {"available": False, "why": "numpy is not importable"}}


def psum_mpi(study, samples, mode="materialize", n=10**6, ranks=2, threads=1, reduce_s=1e-7):
    """A psum_mpi record of the mpi sweep, shaped as bench/sweep.py writes it
    (a tiny real set's, less the machine and device blocks)."""
    spec = {"study": study, "mode": mode, "n": n, "ranks": ranks, "threads": threads,
            "repeat": len(samples), "schedule": "dynamic", "chunks": 100, "serial": False}
    doc = {"schema_version": 1, "n": n, "mode": mode, "threads": ranks * threads,
           "threads_requested": ranks * threads, "schedule": "dynamic", "chunks": 100,
           "verified": True, "materialize_s": 6e-4, "serial": None,
           "parallel": dict(phase(samples), calls_per_sample=1), "noisy": False,
           "ranks": ranks, "threads_per_rank": threads, "nodes": 1, "ranks_per_node": ranks,
           "imbalance": {"min_s": samples[0], "mean_s": samples[0], "max_s": samples[0]},
           "reduce_s": reduce_s, "peak_rss_bytes": 12017664, "machine": {"logical_cpus": 2},
           **exact(n)}
    return {"sweep": "mpi", "kind": "psum_mpi", "spec": spec, "doc": doc}


def python_mpi(samples, ranks=2, n=10**5):
    """bench/pysum_mpi.py's row of the mpi sweep, as recorded."""
    spec = {"row": "mpi4py", "ranks": ranks, "n": n, "max_n": n, "repeat": len(samples),
            "budget_s": 0.5}
    ordered = sorted(samples)
    doc = {"impl": "mpi4py", "available": True, "n": n, "ranks": ranks, "workers": ranks,
           "chunks": ranks, "repeat": len(samples), "samples_s": samples, "timed": "whole",
           "median_s": ordered[len(ordered) // 2], "min_s": ordered[0],
           "imbalance": {"min_s": 0.1, "mean_s": 0.1, "max_s": 0.1},
           "sum": str(n * (n - 1) // 2), "expected": str(n * (n - 1) // 2), "verified": True}
    return {"sweep": "mpi", "kind": "python_mpi", "spec": spec, "doc": doc}


def mpi_records(factor=1.0):
    """The mpi sweep of a 2-CPU machine, one mode: psum_omp at 2 threads (the
    reference), the strong splits 1 x 2 and 2 x 1, the weak runs at 1 and 2
    ranks (the 2-rank one has the 2 x 1 split's N), the mpi4py row."""
    return [psum("mpi", scaled(factor), threads=2, serial=False),
            psum_mpi("strong", scaled(factor), ranks=1, threads=2),
            psum_mpi("strong", scaled(factor), ranks=2, threads=1),
            psum_mpi("weak", scaled(factor), n=5 * 10**5, ranks=1, threads=1),
            psum_mpi("weak", scaled(factor), ranks=2, threads=1),
            python_mpi(scaled(factor))]


def records(factor=1.0):
    """A small set: two thread counts, a schedule, a size, a Python row, the
    mpi sweep."""
    return [psum("threads", scaled(factor), threads=1),
            psum("threads", scaled(factor), threads=2),
            psum("schedules", scaled(factor), schedule="guided", chunks=10, serial=False),
            psum("sizes", scaled(factor, [1e-3, 1.1e-3, 1.2e-3]), mode="stream", n=10**9),
            python("list", scaled(factor)),
            unavailable("numpy_sum")] + mpi_records(factor)


def write_set(folder, recs, machine=None, run=None, tail=""):
    os.makedirs(folder)
    m = {"cpu_model": "Test CPU", "logical_cpus": 2, "compiler": "gcc 12.2.0",
         "git_commit": "0123456789abcdef", "date": "2026-11-25T17:31:23+00:00"}
    r = {"n": 10**6, "repeat": 5, "quick": False, "sweeps": list(compare.SWEEPS),
         "git_commit": "0123456789abcdef", "complete": True}
    m.update(machine or {})
    r.update(run or {})
    for name, value in (("machine.json", m), ("run.json", r)):
        with open(os.path.join(folder, name), "w") as f:
            json.dump(value, f)
    with open(os.path.join(folder, "runs.jsonl"), "w") as f:
        f.write("".join(json.dumps(rec) + "\n" for rec in recs) + tail)
    return folder


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


class UTest(unittest.TestCase):
    def test_exact_known_values(self):
        # Fully separated samples of 3 and 3: 2 of the C(6,3) = 20 orderings are as extreme.
        self.assertAlmostEqual(compare.mann_whitney([1, 2, 3], [4, 5, 6]), 0.1)
        self.assertAlmostEqual(compare.mann_whitney([4, 5, 6], [1, 2, 3]), 0.1)
        # 5 and 5: 2 of C(10,5) = 252 (SciPy: 0.007936507936507936).
        self.assertAlmostEqual(compare.mann_whitney(list(range(1, 6)), list(range(6, 11))),
                               2 / 252)
        # U = 1 of 3 and 3: P(U <= 1) = 2/20, two-sided 0.2.
        self.assertEqual(compare.u_statistic([1, 2, 4], [3, 5, 6]), 1.0)
        self.assertAlmostEqual(compare.mann_whitney([1, 2, 4], [3, 5, 6]), 0.2)
        # Interleaved perfectly: U = mn/2, nothing to see.
        self.assertAlmostEqual(compare.mann_whitney([1, 4, 5, 8], [2, 3, 6, 7]), 1.0)

    def test_normal_approximation_with_ties(self):
        # U = 0, mean 4.5; two groups of 3 ties: var = 9/12 * (7 - 48/30) = 4.05;
        # z = (4.5 - 0.5) / sqrt(4.05) = 1.98762, two-sided p = 0.046854.
        self.assertAlmostEqual(compare.mann_whitney([1, 1, 1], [2, 2, 2]), 0.046854, places=5)
        self.assertEqual(compare.u_statistic([1, 2], [2, 3]), 0.5)
        self.assertEqual(compare.mann_whitney([5, 5, 5], [5, 5, 5]), 1.0)

    def test_normal_approaches_exact(self):
        a = [0.13, 0.84, 0.76, 0.25, 0.49, 0.44, 0.65, 0.79, 0.09, 0.02]
        b = [x + 0.3 for x in (0.51, 0.22, 0.95, 0.43, 0.66, 0.11, 0.38, 0.71, 0.57, 0.31)]
        u = compare.u_statistic(a, b)
        exact, normal = compare.u_exact_p(u, 10, 10), compare.u_normal_p(u, 10, 10)
        self.assertLess(exact, 0.05)
        self.assertAlmostEqual(exact, normal, delta=0.01)

    def test_exact_distribution_sums_to_one(self):
        # The two-sided p at U = 0 is 2 / C(m+n, m) for any sizes.
        self.assertAlmostEqual(compare.u_exact_p(0, 4, 7), 2 / 330)
        self.assertAlmostEqual(compare.u_exact_p(28, 4, 7), 2 / 330)


class Counted(float):
    """A sample that counts the comparisons made with it."""
    made = 0

    def _count(self, other, op):
        Counted.made += 1
        return op(float(self), float(other))

    def __lt__(self, other):
        return self._count(other, float.__lt__)

    def __gt__(self, other):
        return self._count(other, float.__gt__)

    def __eq__(self, other):
        return self._count(other, float.__eq__)

    __hash__ = float.__hash__


class UStatistic(unittest.TestCase):
    def test_ranks_agree_with_the_pairs(self):
        import random
        rng = random.Random(19)
        for _ in range(200):
            a = [rng.choice(range(8)) * 0.5 for _ in range(rng.randint(1, 12))]
            b = [rng.choice(range(8)) * 0.5 for _ in range(rng.randint(1, 12))]
            pairs = sum(1.0 if x > y else 0.5 if x == y else 0.0 for x in a for y in b)
            self.assertEqual(compare.u_statistic(a, b), pairs, (a, b))

    def test_u_takes_n_log_n_comparisons(self):
        # 40 s at 10,000 samples by pairs (issue 19): m·n comparisons; by ranks
        # about (m + n) log2(m + n).
        import random
        rng = random.Random(7)
        a = [Counted(rng.random()) for _ in range(3000)]
        b = [Counted(rng.random()) for _ in range(3000)]
        Counted.made = 0
        p = compare.mann_whitney(a, b)
        self.assertTrue(0 <= p <= 1)
        self.assertLess(Counted.made, 6000 * 40)


class Verdict(unittest.TestCase):
    def side(self, samples):
        return compare.Side(samples, sorted(samples)[len(samples) // 2], min(samples))

    def test_overlapping_ranges_are_the_same(self):
        a, b = self.side([1.0, 1.5, 2.0]), self.side([1.9, 2.0, 2.6])
        self.assertEqual(compare.verdict(a, b, 0.05), "same")

    def test_noise_band(self):
        a, b = self.side([1.00, 1.01]), self.side([1.04, 1.05])
        self.assertEqual(compare.verdict(a, b, 0.05), "same")
        self.assertEqual(compare.verdict(a, b, 0.01), "slower")
        self.assertEqual(compare.verdict(b, a, 0.01), "faster")

    def test_regression_needs_a_verdict_beyond_the_threshold(self):
        a = {("python", "x", 1): self.side([1.0, 1.1, 1.2])}
        wide = {("python", "x", 1): self.side([1.1, 1.4, 1.5])}     # +27 %, overlapping
        apart = {("python", "x", 1): self.side([1.3, 1.4, 1.5])}    # +27 %, apart
        self.assertFalse(compare.compare(a, wide, 0.05, 0.10)[0]["regression"])
        self.assertTrue(compare.compare(a, apart, 0.05, 0.10)[0]["regression"])
        self.assertFalse(compare.compare(a, apart, 0.05, 0.30)[0]["regression"])


class Format(unittest.TestCase):
    def test_times_keep_three_significant_digits_across_units(self):
        self.assertEqual([compare.fmt_time(s) for s in (123.456, 0.0455, 3e-7, 9.996e-4)],
                         ["123 s", "45.5 ms", "300 ns", "1.00 ms"])
        side = compare.Side([0.0008, 0.0012], 0.001, 0.0008, noisy=True)
        self.assertEqual(compare.fmt_spread(side), "0.80-1.20 ms, cv 28.3%, noisy")

    def test_labels(self):
        self.assertEqual(compare.label(("sizes", "stream", 10**11, 4, "dynamic", 100,
                                        "parallel")),
                         "sizes: stream, N=1e11, 4 threads, dynamic/100, parallel")
        self.assertEqual(compare.label(("python", "list", 12345)), "python: list, N=12,345")


class MpiConfigurations(unittest.TestCase):
    """The mpi sweep's records: each a configuration of its own, keyed by
    what was run and not by what was measured."""

    def keys(self, recs):
        return [key for rec in recs for key, _ in compare.configurations(rec)]

    def test_each_run_of_the_sweep_is_one_configuration(self):
        keys = self.keys(mpi_records())
        self.assertEqual(len(keys), 6)
        self.assertEqual(len(set(keys)), 6)  # weak 2 x 1 is not strong 2 x 1
        self.assertEqual([compare.label(k) for k in sorted(keys, key=compare.order)],
                         ["mpi: materialize, N=1e6, 2 threads, dynamic/100, parallel",
                          "mpi: psum_mpi strong, materialize, N=1e6, 1 ranks x 2 threads, "
                          "dynamic/100, parallel",
                          "mpi: psum_mpi strong, materialize, N=1e6, 2 ranks x 1 threads, "
                          "dynamic/100, parallel",
                          "mpi: psum_mpi weak, materialize, N=500,000, 1 ranks x 1 threads, "
                          "dynamic/100, parallel",
                          "mpi: psum_mpi weak, materialize, N=1e6, 2 ranks x 1 threads, "
                          "dynamic/100, parallel",
                          "mpi: mpi4py, 2 ranks, N=1e5"])

    def test_timed_by_the_samples_the_program_reported(self):
        [(_, side)] = compare.configurations(psum_mpi("strong", [3.0, 1.0, 2.0]))
        self.assertEqual((side.samples, side.median, side.min), ([3.0, 1.0, 2.0], 2.0, 1.0))
        [(_, side)] = compare.configurations(python_mpi([0.5, 0.7, 0.6]))
        self.assertEqual((side.samples, side.median, side.min), ([0.5, 0.7, 0.6], 0.6, 0.5))

    def test_keys_hold_the_configuration_not_the_measurement(self):
        base = psum_mpi("strong", BASE)
        other = psum_mpi("strong", scaled(2), reduce_s=5e-6)
        other["doc"].update(peak_rss_bytes=1, imbalance={"min_s": 1, "mean_s": 2, "max_s": 3})
        self.assertEqual(self.keys([base]), self.keys([other]))
        changed = [psum_mpi("weak", BASE), psum_mpi("strong", BASE, mode="stream"),
                   psum_mpi("strong", BASE, n=10**7), psum_mpi("strong", BASE, ranks=4),
                   psum_mpi("strong", BASE, threads=2)]
        self.assertEqual(len(set(self.keys([base] + changed))), 6)
        self.assertNotEqual(self.keys([python_mpi(BASE, ranks=2)]),
                            self.keys([python_mpi(BASE, ranks=4)]))

    def test_an_unavailable_mpi4py_row_is_left_out(self):
        rec = {"sweep": "mpi", "kind": "python_mpi",
               "spec": {"row": "mpi4py", "ranks": 2, "n": 10, "max_n": 10, "repeat": 3,
                        "budget_s": 0.5},
               "doc": {"impl": "mpi4py", "available": False,
                       "why": "mpi4py is not importable", "how": "install python3-mpi4py"}}
        self.assertEqual(compare.configurations(rec), [])


class Command(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def compare_json(self, a, b, *options):
        p = run(a, b, "--json", *options)
        return p, (json.loads(p.stdout) if p.stdout else None)

    def test_identical_sets_are_the_same(self):
        a = write_set(self.path("a"), records())
        b = write_set(self.path("b"), records())
        p, doc = self.compare_json(a, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        # 2 x 2 phases of the thread sweep, 1 schedule, 2 size phases, 1 Python row;
        # the mpi sweep's psum_omp reference, 4 psum_mpi runs, the mpi4py row.
        self.assertEqual(len(doc["configurations"]), 14)
        self.assertEqual({c["verdict"] for c in doc["configurations"]}, {"same"})
        self.assertEqual((doc["only_a"], doc["only_b"]), ([], []))

    def test_slower_beyond_the_threshold_fails(self):
        a = write_set(self.path("a"), records())
        b = write_set(self.path("b"), records(1.3))
        p, doc = self.compare_json(a, b, "--threshold", "10")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual({c["verdict"] for c in doc["configurations"]}, {"slower"})
        self.assertTrue(all(c["regression"] for c in doc["configurations"]))
        for c in doc["configurations"]:
            self.assertAlmostEqual(c["ratio"], 1.3)
            self.assertAlmostEqual(c["ratio_min"], 1.3)
        self.assertEqual(len(p.stderr.splitlines()), 1)
        self.assertIn("14 configurations slower beyond 10 %", p.stderr)
        p, doc = self.compare_json(a, b, "--threshold", "50")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual({c["verdict"] for c in doc["configurations"]}, {"slower"})

    def test_a_slower_psum_mpi_run_fails_alone(self):
        recs = records()
        slow = records(1.3)
        b = recs[:8] + [slow[8]] + recs[9:]          # the strong 2 x 1 split only
        p, doc = self.compare_json(write_set(self.path("a"), recs),
                                   write_set(self.path("b"), b))
        self.assertEqual(p.returncode, 1, p.stderr)
        worse = [c for c in doc["configurations"] if c["regression"]]
        self.assertEqual([{k: c[k] for k in ("sweep", "kind", "study", "mode", "n", "ranks",
                                              "threads", "schedule", "chunks", "phase")}
                          for c in worse],
                         [{"sweep": "mpi", "kind": "psum_mpi", "study": "strong",
                           "mode": "materialize", "n": 10**6, "ranks": 2, "threads": 1,
                           "schedule": "dynamic", "chunks": 100, "phase": "parallel"}])
        self.assertIn("1 configurations slower beyond 10 %", p.stderr)
        self.assertIn("psum_mpi strong, materialize, N=1e6, 2 ranks x 1 threads", p.stderr)

    def test_faster_passes(self):
        a = write_set(self.path("a"), records())
        b = write_set(self.path("b"), records(0.7))
        p, doc = self.compare_json(a, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual({c["verdict"] for c in doc["configurations"]}, {"faster"})

    def test_markdown_table_in_sweep_order(self):
        a = write_set(self.path("a"), records())
        b = write_set(self.path("b"), records(1.3))
        p = run(a, b)
        self.assertEqual(p.returncode, 1)
        rows = [line for line in p.stdout.splitlines() if line.startswith("| ")][1:]
        self.assertEqual([r.split("|")[1].split(":")[0].strip() for r in rows],
                         ["threads"] * 4 + ["schedules"] + ["sizes"] * 2 + ["python"] +
                         ["mpi"] * 6)
        self.assertTrue(all(r.rstrip().endswith("| **slower** |") for r in rows))
        self.assertIn("| 1.300 |", rows[0])
        self.assertTrue(p.stdout.rstrip().splitlines()[-1].startswith(
            "14 configurations compared: 0 same, 0 faster, 14 slower, 14 of them beyond"))

    def test_damaged_lines_are_skipped_with_a_warning(self):
        a = write_set(self.path("a"), records())
        recs = records()
        damaged = json.dumps(recs[0])[:40] + "\n"               # cut short by a kill
        lacking = json.dumps({"sweep": "threads", "kind": "psum"}) + "\n"
        b = write_set(self.path("b"), recs[1:], tail=lacking + damaged)
        p, doc = self.compare_json(a, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        warnings = p.stderr.splitlines()
        self.assertEqual(len(warnings), 2, p.stderr)
        self.assertIn("runs.jsonl:12: damaged line skipped", warnings[0])
        self.assertIn("runs.jsonl:13: damaged line skipped", warnings[1])
        self.assertEqual(len(doc["configurations"]), 12)
        self.assertEqual([c["label"] for c in doc["only_a"]],
                         ["threads: materialize, N=1e6, 1 threads, dynamic/100, serial",
                          "threads: materialize, N=1e6, 1 threads, dynamic/100, parallel"])

    def test_configurations_in_one_set_only_are_listed(self):
        a = write_set(self.path("a"), records())
        b = write_set(self.path("b"), records()[1:] + [python("numpy_sum", BASE),
                                                      psum("threads", BASE, threads=4)])
        p, doc = self.compare_json(a, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(doc["only_a"]), 2)
        self.assertEqual([(c["sweep"], c.get("threads"), c.get("row")) for c in doc["only_b"]],
                         [("threads", 4, None), ("threads", 4, None),
                          ("python", None, "numpy_sum")])
        p = run(a, b)
        self.assertIn("Only in B:\n\n- threads: materialize, N=1e6, 4 threads", p.stdout)
        self.assertIn("2 only in A, 3 only in B", p.stdout)

    def test_different_machines_and_n_are_warned_about(self):
        a = write_set(self.path("a"), records())
        b = write_set(self.path("b"), records(), machine={"logical_cpus": 4},
                      run={"n": 10**9})
        p = run(a, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("warning: the sets come from different machines", p.stderr)
        self.assertIn("warning: the sets were swept at different N", p.stderr)

    def test_bad_arguments_exit_2_with_one_line(self):
        a = write_set(self.path("a"), records())
        os.makedirs(self.path("empty"))
        cases = [([a, self.path("missing")], "not a folder"),
                 ([self.path("empty"), a], "is not a result set: no machine.json"),
                 ([a, a, "--threshold", "ten"], "invalid value 'ten'"),
                 ([a, a, "--threshold", "-5"], "invalid value '-5'"),
                 ([a], "required")]
        for args, message in cases:
            with self.subTest(args=args):
                p = run(*args)
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stdout, "")
                self.assertIn(message, p.stderr.splitlines()[-1])
        p = run(a, self.path("missing"))
        self.assertEqual(len(p.stderr.splitlines()), 1)

    def test_a_set_without_runs_jsonl_exits_1(self):
        a = write_set(self.path("a"), records())
        old = write_set(self.path("old"), [])
        os.remove(os.path.join(old, "runs.jsonl"))
        p = run(old, a)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.splitlines()), 1)
        self.assertIn("has no runs.jsonl", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
