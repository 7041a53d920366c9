#!/usr/bin/env python3
"""Damaged result sets: every reader of result files (bench/sweep.py
--render, the results index, bench/compare.py) validates what it reads
and skips damage with a warning, never a traceback, and no table, plot
or comparison shows a figure from a record that is not a result
(unverified, an impossible sum, a time of 0, NaN or below 0).

Over the set in tests/bench/fixtures/quickset: the damages issue 19
names, then a seeded fuzz (PSUM_FUZZ_SEED, default 19; for at most
PSUM_DAMAGE_SECONDS, default 30, and 400 damages) that damages a random
field or byte of a random file.  The property: no exception escapes; a runs.jsonl line
that records.check_record refuses gives a warning and exactly the output of
the set without that line; anything else gives one-line messages only.
Renders run in this process with gnuplot hidden (the plots' .dat files
are still compared), so the fuzz takes seconds, not minutes.

usage: bench_damage_test.py
"""
import contextlib
import copy
import io
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "bench")
FIXTURE = os.path.join(HERE, "fixtures", "quickset")
sys.path.insert(0, BENCH)

import compare  # noqa: E402
from psumbench import files, records, report, results  # noqa: E402

SEED = int(os.environ.get("PSUM_FUZZ_SEED", "19"))
SECONDS = float(os.environ.get("PSUM_DAMAGE_SECONDS", "30"))
OUTPUTS = (".md", ".dat")


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


class Workspace:
    """A results root holding one copy of the fixture set, made complete and
    not a smoke run so the index lists it and inlines its summary."""

    def __init__(self, tmp):
        self.root = os.path.join(tmp, "results")
        self.set = os.path.join(self.root, "machine", "2026-12-02-000000")

    def reset(self, lines=None, machine=None, meta=None):
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.copytree(FIXTURE, self.set)
        with open(os.path.join(self.set, "run.json")) as f:
            run = json.load(f)
        run.update(quick=False, complete=True)
        self.write("run.json", json.dumps(run) if meta is None else meta)
        if machine is not None:
            self.write("machine.json", machine)
        if lines is not None:
            self.write("runs.jsonl", "\n".join(lines) + "\n")

    def write(self, name, text):
        with open(os.path.join(self.set, name), "w", encoding="utf-8",
                  errors="surrogatepass") as f:
            f.write(text)

    def render(self):
        """(exit code, stderr, {output file: text}) of --render in this
        process; an exception escaping it fails the test."""
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = report.render(self.set, self.root)
        outputs = {}
        for folder in (self.set, self.root):
            for name in sorted(os.listdir(folder)):
                if name.endswith(OUTPUTS):
                    with open(os.path.join(folder, name), encoding="utf-8") as f:
                        outputs[name] = f.read()
        return rc, err.getvalue(), outputs

    def index(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            results.write_index(self.root)
        return err.getvalue()

    def compare(self):
        """compare.py --json against the undamaged fixture: (exit code,
        stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                rc = compare.main(["--json", FIXTURE, self.set])
            except SystemExit as e:
                rc = e.code
        return rc, out.getvalue(), err.getvalue()


def one_line_messages(test, stderr):
    for line in stderr.splitlines():
        test.assertRegex(line, r"^(sweep|compare)\.py: ", stderr)
    test.assertNotIn("Traceback", stderr)


class Damage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.saved_path = os.environ.get("PATH", "")
        os.environ["PATH"] = cls.tmp  # no gnuplot: tables and .dat files only
        cls.ws = Workspace(cls.tmp)
        cls.lines = read_lines(os.path.join(FIXTURE, "runs.jsonl"))
        cls.ws.reset()
        cls.baseline = cls.ws.render()
        cls.without = {}

    @classmethod
    def tearDownClass(cls):
        os.environ["PATH"] = cls.saved_path
        shutil.rmtree(cls.tmp)

    def output_without(self, i):
        """The outputs of the set without line i (computed once per line)."""
        if i not in self.without:
            self.ws.reset(self.lines[:i] + self.lines[i + 1:])
            rc, _, outputs = self.ws.render()
            self.without[i] = (rc, outputs)
        return self.without[i]

    def damaged_line(self, i, record):
        """Renders the set with line i replaced by record (a dict or raw
        text) and checks the property; returns whether it was refused."""
        text = record if isinstance(record, str) else json.dumps(record)
        lines = self.lines[:i] + [text] + self.lines[i + 1:]
        refused = not _accepted(text)
        self.ws.reset(lines)
        rc, err, outputs = self.ws.render()
        one_line_messages(self, err)
        if refused:
            self.assertIn("damaged line skipped", err)
            want_rc, want = self.output_without(i)
            self.assertEqual(rc, want_rc, err)
            self.assertEqual(outputs, want, f"line {i + 1}: {text[:300]}")
        crc, cout, cerr = self.ws.compare()
        one_line_messages(self, cerr)
        self.assertIn(crc, (0, 1), cerr)
        self.assertNotIn("Traceback", self.ws.index())
        return refused

    def record(self, sweep_name, kind="psum"):
        i = next(i for i, line in enumerate(self.lines)
                 if json.loads(line)["sweep"] == sweep_name and json.loads(line)["kind"] == kind)
        return i, json.loads(self.lines[i])

    # -- the damages the issue names --------------------------------------

    def test_baseline_renders(self):
        rc, err, outputs = self.baseline
        self.assertEqual(rc, 0, err)
        self.assertIn("speedup.md", outputs)
        self.assertIn("README.md", outputs)

    def test_median_zero_negative_nan_is_no_figure(self):
        for value in (0, -0.001, float("nan"), float("inf"), "0.1", True, None):
            i, r = self.record("threads")
            r["doc"]["parallel"]["median_s"] = value
            self.assertTrue(self.damaged_line(i, r), value)

    def test_unverified_or_impossible_sum_is_no_figure(self):
        i, r = self.record("threads")
        for change in ({"verified": False}, {"sum": "1"}, {"expected": "2"},
                       {"verified": "yes"}, {"sum": 1e300}):
            d = copy.deepcopy(r)
            d["doc"].update(change)
            self.assertTrue(self.damaged_line(i, d), change)
        i, r = self.record("python", "python")
        for change in ({"verified": False}, {"sum": "7"}, {"median_s": 0},
                       {"min_s": float("nan")}, {"n": -5}):
            d = copy.deepcopy(r)
            d["doc"].update(change)
            self.assertTrue(self.damaged_line(i, d), change)

    def test_deeply_nested_line(self):
        i, _ = self.record("threads")
        self.assertTrue(self.damaged_line(i, "[" * 100000 + "]" * 100000))
        self.assertTrue(self.damaged_line(i, '{"sweep": "threads", "kind": "psum", "doc": '
                                          + "[" * 5000 + "]" * 5000 + "}"))

    def test_machine_json_of_the_wrong_types(self):
        with open(os.path.join(FIXTURE, "machine.json")) as f:
            machine = json.load(f)
        for change in ({"memory_bytes": "x"}, {"topology": "x"}, {"topology": ["x"]},
                       {"omp_env": "x"}, {"cpu_model": 7}, {"date": None}, {"git_commit": 5},
                       {"python_rows": "x"}, {"logical_cpus": "2"}, {"logical_cpus": 0}):
            self.ws.reset(machine=json.dumps(dict(machine, **change)))
            rc, err, _ = self.ws.render()
            one_line_messages(self, err)
            self.assertIn(rc, (0, 1), err)
            self.assertNotIn("Traceback", self.ws.index())
            crc, _, cerr = self.ws.compare()
            one_line_messages(self, cerr)
        for text in ("", "[]", "{", "x" * 1000, "[" * 100000):
            self.ws.reset(machine=text)
            rc, err, _ = self.ws.render()
            self.assertEqual(rc, 1, err)
            one_line_messages(self, err)
            self.assertEqual(self.ws.compare()[0], 2)
            self.assertNotIn("Traceback", self.ws.index())

    def test_one_line_summary_and_damaged_run_json(self):
        self.ws.reset()
        self.ws.write("summary.md", "# one line")
        self.assertNotIn("Traceback", self.ws.index())
        with open(os.path.join(self.ws.root, "README.md")) as f:
            self.assertIn("## Latest: machine/2026-12-02-000000", f.read())
        for meta in ('{"n": "x"}', '{"n": 1000000, "sweeps": "x", "processes": "3", '
                     '"unstable_max_over_min": "x", "complete": "yes"}', "[", "{}"):
            self.ws.reset(meta=meta)
            rc, err, _ = self.ws.render()
            one_line_messages(self, err)
            self.assertNotIn("Traceback", self.ws.index())

    # -- the fuzz ------------------------------------------------------------

    def test_fuzz(self):
        rng = random.Random(SEED)
        deadline = time.monotonic() + SECONDS
        counts = {"refused": 0, "accepted": 0, "files": 0}
        while time.monotonic() < deadline and sum(counts.values()) < 400:
            what = rng.random()
            if what < 0.75:
                i = rng.randrange(len(self.lines))
                damaged = mutate_record(rng, json.loads(self.lines[i])) if rng.random() < 0.8 \
                    else mutate_bytes(rng, self.lines[i], lines=False)
                with self.subTest(seed=SEED, line=i, damaged=str(damaged)[:300]):
                    counts["refused" if self.damaged_line(i, damaged) else "accepted"] += 1
            else:
                name = rng.choice(("machine.json", "run.json", "summary.md"))
                with open(os.path.join(FIXTURE if name != "summary.md" else self.ws.set,
                                       name)) as f:
                    text = f.read()
                if name != "summary.md" and rng.random() < 0.7:
                    text = json.dumps(mutate_record(rng, json.loads(text)))
                else:
                    text = mutate_bytes(rng, text)
                self.ws.reset()
                self.ws.render()
                self.ws.write(name, text)
                with self.subTest(seed=SEED, file=name, damaged=text[:300]):
                    rc, err, _ = self.ws.render()
                    one_line_messages(self, err)
                    self.assertIn(rc, (0, 1))
                    self.assertNotIn("Traceback", self.ws.index())
                    crc, _, cerr = self.ws.compare()
                    one_line_messages(self, cerr)
                counts["files"] += 1
        print(f"fuzz, seed {SEED}: {counts}", file=sys.stderr)
        self.assertGreater(counts["refused"], 0)


def _accepted(text):
    """Whether records.read_records keeps the line text, as written to a file."""
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    try:
        record = files.loads(text)
        if not isinstance(record, dict) or not {"sweep", "kind", "doc"} <= set(record):
            return False
        records.check_record(record)
        return True
    except (KeyError, TypeError, ValueError):
        return False


HOSTILE = [0, -1, 1, 0.0, -0.5, 1e308, float("nan"), float("inf"), "x", "", None, True,
           False, [], {}, [1, "x"], {"a": 1}, 2**70, "0", "1e9", "\n'`@"]


def mutate_record(rng, value):
    """value (a parsed JSON document) with one random leaf or key damaged:
    replaced by a hostile value, deleted, or nested deep."""
    value = copy.deepcopy(value)
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append(path + [k])
                walk(v, path + [k])
        elif isinstance(node, list):
            for k, v in enumerate(node):
                paths.append(path + [k])
                walk(v, path + [k])
    walk(value, [])
    if not paths:
        return rng.choice(HOSTILE)
    path = rng.choice(paths)
    parent = value
    for k in path[:-1]:
        parent = parent[k]
    how = rng.random()
    if how < 0.15 and isinstance(parent, dict):
        del parent[path[-1]]
    elif how < 0.2:
        parent[path[-1]] = json.loads("[" * 200 + "]" * 200)
    elif how < 0.35 and isinstance(parent[path[-1]], (int, float)) \
            and not isinstance(parent[path[-1]], bool):
        x = parent[path[-1]]
        parent[path[-1]] = rng.choice([-x, x * 1e12, x / 1e12, 0, math.nan])
    else:
        parent[path[-1]] = rng.choice(HOSTILE)
    return value


def mutate_bytes(rng, text, lines=True):
    """text cut short, a byte changed, or (where lines) a line doubled: one
    line of runs.jsonl stays one line, so that it is one record to judge."""
    if not text:
        return "x"
    how = rng.random()
    k = rng.randrange(len(text))
    if how < 0.4:
        return text[:k]
    if how < 0.8:
        return text[:k] + rng.choice("\x00\"{}[],:\\'`@\ud800é9-" + "\n" * lines) + \
            text[k + 1:]
    return text + "\n" + text if lines else text[:k]


if __name__ == "__main__":
    unittest.main(verbosity=2)
