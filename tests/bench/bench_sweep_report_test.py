#!/usr/bin/env python3
"""How bench/sweep.py ends a sweep, over one quick Python row: run.json
says complete before summary.md (without the "Partial set" banner) is
written, so an interrupt in between leaves no summary that looks whole;
a record the tables cannot read (a KeyError in report()) is one line and
exit 1, with no summary and run.json still partial.  Runs sweep.py's own
main() in a child interpreter with one function wrapped.

usage: bench_sweep_report_test.py BUILD_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "bench")
BUILD = None

# WRAP=order: every write of summary.md notes what run.json said then;
# WRAP=keyerror: the contrast table meets a record without a field.
WRAPPER = """
import json, os, sys
sys.path.insert(0, sys.argv.pop(1))
import sweep
from psumbench import report, tables

if os.environ["WRAP"] == "order":
    plain = report.write
    def write(outdir, name, text):
        if name == "summary.md":
            with open(os.path.join(outdir, "run.json")) as f:
                complete = json.load(f)["complete"]
            with open(os.environ["WRAP_LOG"], "a") as f:
                f.write(f"summary.md written, run.json complete {complete}\\n")
        plain(outdir, name, text)
    report.write = write
else:
    def contrast_markdown(rows):
        raise KeyError("median_s")
    tables.contrast_markdown = contrast_markdown
sys.exit(sweep.main(sys.argv[1:]))
"""


class SweepEnd(unittest.TestCase):
    def sweep(self, out, wrap, log=""):
        env = dict(os.environ, WRAP=wrap, WRAP_LOG=log)
        return subprocess.run([sys.executable, "-c", WRAPPER, BENCH, "--build", BUILD,
                               "--out", out, "--quick", "--sweeps", "python",
                               "--python-rows", "range", "--python", sys.executable],
                              capture_output=True, text=True, env=env, timeout=120)

    def test_run_json_is_complete_before_the_summary_is_written(self):
        with tempfile.TemporaryDirectory() as out:
            log = os.path.join(out, "order.log")
            p = self.sweep(out, "order", log)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(log) as f:
                self.assertEqual(f.read(), "summary.md written, run.json complete True\n")

    def test_a_table_error_is_one_line_and_leaves_no_summary(self):
        with tempfile.TemporaryDirectory() as out:
            p = self.sweep(out, "keyerror")
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertNotIn("Traceback", p.stderr)
            last = p.stderr.strip().splitlines()[-1]
            self.assertIn("sweep.py: cannot tabulate the runs (KeyError: 'median_s')", last)
            self.assertIn("holds every finished configuration", last)
            self.assertFalse([ln for ln in p.stderr.splitlines()
                              if not ln.startswith(("sweep.py:", "["))], p.stderr)
            [machine] = os.listdir(out)
            [setdir] = os.listdir(os.path.join(out, machine))
            setdir = os.path.join(out, machine, setdir)
            self.assertNotIn("summary.md", os.listdir(setdir))
            with open(os.path.join(setdir, "run.json")) as f:
                self.assertFalse(json.load(f)["complete"])
            self.assertEqual([n for n in os.listdir(setdir) if n.endswith(".tmp")], [])


if __name__ == "__main__":
    BUILD = sys.argv.pop(1)
    unittest.main(verbosity=2)
