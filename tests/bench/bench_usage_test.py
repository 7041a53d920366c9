#!/usr/bin/env python3
"""Every bench script that takes arguments answers a usage error the way
psum_omp does: exit 2, one line on stderr that names the option and the
value (psumbench.args.Parser), nothing on stdout and nothing run.  Checks
the wiring only: which values each option refuses is the parser's matter."""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "bench")
sys.path.insert(0, BENCH)
from psumbench.args import one_line  # noqa: E402

# (script, arguments, what the one line must hold)
CASES = (
    ("sweep.py", ["--repeat", "1e7"], "argument --repeat: invalid value '1e7'"),
    ("sweep.py", ["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ("limits.py", ["-n", "5e9"], "argument -n: invalid value '5e9': must not exceed"),
    ("limits.py", ["--repeat", "100"], "argument --repeat: invalid value '100'"),
    ("limits.py", ["--rounds", "x"], "argument --rounds: invalid value 'x'"),
    ("limits.py", ["--markdown", "/nonexistent/x.md"],
     "invalid value '/nonexistent/x.md' for --markdown: no folder /nonexistent"),
    ("compare.py", ["--threshold", "ten", "a", "b"], "argument --threshold: invalid value 'ten'"),
    ("compare.py", [], "the following arguments are required: A, B"),
    ("pysum.py", ["range", "--n", "0"], "argument --n: invalid value '0'"),
    ("pysum.py", ["abacus", "--n", "10"], "argument impl: invalid choice: 'abacus'"),
    ("pysum.py", ["range", "--n", "10", "--calibrate-only"], "--calibrate-only needs --budget"),
    ("pysum_mpi.py", ["--n", "1e9x"], "argument --n: invalid value '1e9x'"),
    ("pysum_mpi.py", [], "the following arguments are required: --n"),
)


class OneLine(unittest.TestCase):
    def test_each_script_exits_2_with_one_line(self):
        for script, args, message in CASES:
            with self.subTest(script=script, args=args):
                p = subprocess.run([sys.executable, os.path.join(BENCH, script), *args],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stdout, "")
                lines = p.stderr.splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertTrue(lines[0].startswith(f"{script}: "), lines[0])
                self.assertIn(message, lines[0])
                self.assertTrue(lines[0].endswith(f"(see bench/{script} --help)"), lines[0])

    def test_a_value_with_a_newline_stays_one_line(self):
        p = subprocess.run([sys.executable, os.path.join(BENCH, "limits.py"), "-n", "1\n2"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn("invalid value '1\\n2'", p.stderr)

    def test_one_line_escapes_control_characters(self):
        self.assertEqual(one_line("a\nb\tc\x1bd\x7f"), "a\\nb\\tc\\x1bd\\x7f")
        self.assertEqual(one_line("plain 'text' é"), "plain 'text' é")


if __name__ == "__main__":
    unittest.main(verbosity=2)
