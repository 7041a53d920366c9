#!/usr/bin/env python3
"""bench/quote.py: README.md's quoted passages agree with the result sets
they name, a figure edited by hand is caught, and a set that lacks what a
passage quotes is one line and exit 1, never a traceback."""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(REPO, "bench"))
import quote  # noqa: E402

SET = "results/amd-epyc-2cpu-049550/2026-11-27-004428"


def run(argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = quote.main(argv)
    return rc, err.getvalue()


class Quote(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)

    def copy_set(self, setdir=SET):
        shutil.copytree(os.path.join(REPO, setdir), os.path.join(self.dir, setdir))

    def readme(self, text):
        path = os.path.join(self.dir, "README.md")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_the_readme_agrees_with_its_sets(self):
        rc, err = run(["--check"])  # README.md and docs/design.md
        self.assertEqual(rc, 0, err)

    def test_the_readme_quotes_something(self):
        kinds = set()
        for name in ("README.md", os.path.join("docs", "design.md")):
            with open(os.path.join(REPO, name)) as f:
                kinds |= {m.group("args").split()[0] for m in quote.BLOCK.finditer(f.read())}
        self.assertEqual(kinds, set(quote.KINDS))

    def test_a_figure_edited_by_hand_is_caught(self):
        self.copy_set()
        path = self.readme(f"<!-- quote contrast {SET} -->\n<!-- /quote -->\n")
        self.assertEqual(run([path])[0], 0)
        self.assertEqual(run(["--check", path])[0], 0)
        with open(path) as f:
            text = f.read()
        self.assertIn("| 2.62 |", text)
        self.readme(text.replace("| 2.62 |", "| 2.52 |", 1))
        rc, err = run(["--check", path])
        self.assertEqual(rc, 1)
        self.assertIn(f"'contrast {SET}' differs from its set", err)

    def test_the_figures_come_from_the_set(self):
        self.copy_set()
        table = os.path.join(self.dir, SET, "contrast.md")
        with open(table) as f:
            text = f.read()
        with open(table, "w") as f:
            f.write(text.replace("| 1.55 | 1.55 | 15.5 | 1.7× |", "| 1.55 | 1.55 | 15.5 | 2.9× |"))
        path = self.readme(f"<!-- quote contrast {SET} -->\n<!-- /quote -->\n")
        self.assertEqual(run([path])[0], 0)
        with open(path) as f:
            self.assertIn("process pool buys **2.9×**", f.read())

    def test_duration_is_the_sets_elapsed_time(self):
        self.copy_set()
        path = self.readme(f"<!-- quote duration {SET} -->\n<!-- /quote -->\n")
        self.assertEqual(run([path])[0], 0)
        with open(path) as f:
            self.assertIn("**3 min 4 s**", f.read())  # run.json: elapsed_s 184.1

    def test_duration_names_the_whole_job_when_run_sh_recorded_it(self):
        self.copy_set()
        meta_path = os.path.join(self.dir, SET, "run.json")
        with open(meta_path) as f:
            meta = json.load(f)
        meta["job_elapsed_s"] = 301.4
        with open(meta_path, "w") as f:
            json.dump(meta, f)
        path = self.readme(f"<!-- quote duration {SET} -->\n<!-- /quote -->\n")
        self.assertEqual(run([path])[0], 0)
        with open(path) as f:
            self.assertIn("took **5 min 1 s**, its package check and build included "
                          "(the sweep 3 min 4 s)", f.read())

    def test_a_smoke_set_is_not_quoted(self):
        self.copy_set()
        meta_path = os.path.join(self.dir, SET, "run.json")
        with open(meta_path) as f:
            meta = json.load(f)
        meta["quick"] = True
        with open(meta_path, "w") as f:
            json.dump(meta, f)
        rc, err = run(["--check", self.readme(f"<!-- quote contrast {SET} -->\n<!-- /quote -->\n")])
        self.assertEqual(rc, 1)
        self.assertIn("a smoke run (--quick)", err)

    def test_what_a_set_lacks_is_one_line(self):
        self.copy_set()
        os.remove(os.path.join(self.dir, SET, "speedup.md"))
        for text in (f"<!-- quote contrast {SET} -->\n<!-- /quote -->\n",
                     "<!-- quote contrast results/none -->\n<!-- /quote -->\n",
                     f"<!-- quote bogus {SET} -->\n<!-- /quote -->\n",
                     f"<!-- quote gpu {SET} -->\n<!-- /quote -->\n"):
            rc, err = run(["--check", self.readme(text)])
            self.assertEqual(rc, 1, text)
            self.assertEqual(len(err.splitlines()), 1, err)
            self.assertTrue(err.startswith("quote.py: "), err)

    def test_a_missing_row_is_named(self):
        self.copy_set()
        table = os.path.join(self.dir, SET, "contrast.md")
        with open(table) as f:
            lines = [ln for ln in f if "numba prange" not in ln]
        with open(table, "w") as f:
            f.writelines(lines)
        rc, err = run(["--check", self.readme(f"<!-- quote contrast {SET} -->\n<!-- /quote -->\n")])
        self.assertEqual(rc, 1)
        self.assertIn("no row 'numba prange over the array'", err)


if __name__ == "__main__":
    unittest.main()
