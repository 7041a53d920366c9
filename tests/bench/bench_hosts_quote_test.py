#!/usr/bin/env python3
"""bench/hosts.py's figures and quotes, no root needed: the crossover, the
model and the passage on synthetic records whose answers are known;
docs/mpi.md's hosts-quote passage agrees with its set; a figure edited by
hand is caught (exit 1, one line naming the set) and --quote writes it
back; a set that is not complete is one line and exit 1."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
HOSTS_PY = os.path.join(REPO, "bench", "hosts.py")
sys.path.insert(0, os.path.join(REPO, "bench"))
from psumbench import aggregate, analysis, cost, tables  # noqa: E402

DOC = os.path.join(REPO, "docs", "mpi.md")


def record(link, h, n, par, red, local, rate=None, studies=("sizes",), process=0):
    return {"sweep": "hosts", "kind": "psum_mpi", "process": process,
            "config": {"link": link, "rate_bps": rate, "hosts": h, "n": n, "repeat": 3,
                       "studies": list(studies)},
            "doc": {"parallel": {"median_s": par, "min_s": par, "max_s": par},
                    "reduce_s": red, "imbalance": {"min_s": local, "mean_s": local,
                                                   "max_s": local},
                    "sum": str(n * (n - 1) // 2), "expected": str(n * (n - 1) // 2)}}


def synthetic():
    """4 hosts; local sum 1 ns per element of a rank, reduction 1 ms
    unshaped and 3 ms at 1mbit, every time exactly their sum."""
    rs = []
    for n in (4 * 10**6, 4 * 10**7):
        local = n // 4 * 1e-9
        rs.append(record("none", 4, n, local + 1e-3, 1e-3, local,
                         studies=("sizes",) if n > 4 * 10**6 else ("sizes", "link")))
    rs.append(record("1mbit", 4, 4 * 10**6, 1e-3 + 3e-3, 3e-3, 1e-3, rate=10**6,
                     studies=("link",)))
    return rs


class Figures(unittest.TestCase):
    def test_fit_crossover_and_model(self):
        figs = aggregate.hosts_figures(synthetic())
        fit, pts = analysis.hosts_local_fit(figs, 4)
        self.assertEqual(pts, [(10**6, 1e-3), (10**7, 1e-2)])
        self.assertAlmostEqual(fit.fixed_s, 0.0, places=12)
        self.assertAlmostEqual(fit.per_element_s, 1e-9, places=18)
        # local sum of N/4 elements = reduction: N = 4 * reduction / b
        self.assertEqual(analysis.hosts_crossover(fit, 1e-3, 4, 4), 4 * 10**6)
        self.assertEqual(analysis.hosts_crossover(fit, 3e-3, 4, 4), 12 * 10**6)
        self.assertIsNone(analysis.hosts_crossover(cost.Fit(2e-3, 1e-9), 1e-3, 4, 4))
        for row in analysis.hosts_model_rows(figs, 4, fit, 4):
            self.assertAlmostEqual(row["error"], 0.0, places=9, msg=row)

    def test_hosts_that_share_the_cpus(self):
        # 4 one-rank hosts on 2 CPUs: two ranks per CPU, so each local sum
        # takes twice a lone rank's 1 ns per element; the fit comes from one host.
        rs = [record("none", 1, n, n * 1e-9, 0.0, n * 1e-9) for n in (10**6, 10**7)]
        rs += [record("none", 4, 4 * 10**6, 2e-3 + 1e-3, 1e-3, 2e-3,
                      studies=("strong", "link")),
               record("none", 2, 4 * 10**6, 2e-3 + 1e-3, 1e-3, 2e-3, studies=("strong",))]
        figs = aggregate.hosts_figures(rs)
        fit, pts = analysis.hosts_local_fit(figs, 2)
        self.assertEqual(pts, [(10**6, 1e-3), (10**7, 1e-2)])
        self.assertEqual(analysis.hosts_share(4, 2), 2.0)
        self.assertEqual(analysis.hosts_share(2, 2), 1.0)
        self.assertEqual(analysis.hosts_share(4, None), 1.0)
        # 2 x (N/4) ns = 1 ms: N = 2,000,000
        self.assertEqual(analysis.hosts_crossover(fit, 1e-3, 4, 2), 2 * 10**6)
        rows = {r["hosts"]: r for r in analysis.hosts_model_rows(figs, 4, fit, 2)
                if r["n"] == 4 * 10**6}
        self.assertAlmostEqual(rows[4]["error"], 0.0, places=9)
        # 2 hosts on 2 CPUs: no sharing, a local sum of 2 ms (the row's own 2 ms)
        self.assertAlmostEqual(rows[2]["local_fit"], 2e-3, places=12)

    def test_passage_names_what_it_quotes(self):
        meta = {"hosts": 4, "processes": 1, "repeat": 3, "link_n": 4 * 10**6,
                "logical_cpus": 4}
        text = tables.hosts_passage(synthetic(), meta, "SET")
        for want in ("unshaped 1,000 µs", "crossover N 4,000,000", "tbf 1mbit 3,000 µs",
                     "crossover N 12,000,000", "250 bytes at 1mbit",
                     "on 4 hosts at N = 4,000,000 +0.0 to +0.0 % (0 of 2 rows"):
            self.assertIn(want, text)


class Quotes(unittest.TestCase):
    def run_quote(self, *args):
        return subprocess.run([sys.executable, HOSTS_PY, "--quote", *args],
                              capture_output=True, text=True)

    def copy(self):
        """docs/mpi.md and the sets it quotes, in a temporary checkout layout."""
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, "docs"))
        shutil.copy(DOC, os.path.join(root, "docs", "mpi.md"))
        with open(DOC) as f:
            sets = [m.group("set").strip() for m in hosts_py().QUOTE.finditer(f.read())]
        for s in sets:
            shutil.copytree(os.path.normpath(os.path.join(REPO, "docs", s)),
                            os.path.normpath(os.path.join(root, "docs", s)))
        return os.path.join(root, "docs", "mpi.md"), sets

    def test_docs_agree_with_their_set(self):
        p = self.run_quote(DOC, "--check")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_a_figure_edited_by_hand_is_caught(self):
        path, sets = self.copy()
        self.assertTrue(sets)
        with open(path) as f:
            text = f.read()
        at = text.index("unshaped ", text.index("<!-- hosts-quote"))
        digit = at + len("unshaped ")
        edited = text[:digit] + ("9" if text[digit] != "9" else "8") + text[digit + 1:]
        with open(path, "w") as f:
            f.write(edited)
        p = self.run_quote(path, "--check")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn(sets[0], p.stderr)
        self.assertEqual(self.run_quote(path).returncode, 0)
        with open(path) as f:
            self.assertEqual(f.read(), text)

    def test_an_incomplete_set_is_one_line(self):
        path, sets = self.copy()
        meta_path = os.path.normpath(os.path.join(os.path.dirname(path), sets[0],
                                                  "hosts_run.json"))
        with open(meta_path) as f:
            meta = json.load(f)
        meta["complete"] = False
        with open(meta_path, "w") as f:
            json.dump(meta, f)
        p = self.run_quote(path, "--check")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn("not a complete hosts set", p.stderr)


def hosts_py():
    import importlib.util
    spec = importlib.util.spec_from_file_location("hosts_cmd", HOSTS_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    unittest.main()
