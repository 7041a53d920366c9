#!/usr/bin/env python3
"""Every bench script that takes arguments answers a usage error the way
psum_omp does: exit 2, one line on stderr that names the option and the
value (psumbench.args.Parser), nothing on stdout and nothing run.  Checks
the wiring only: which values each option refuses is the parser's matter.
Given the build folder, the same for the bench programs psum_limits,
psum_gpu_check and psum_cub (bench/bench_args.h), whose N and REPEAT follow psum_omp's
number grammar, and the bench scripts' count parser (psumbench.args)
gives psum_omp's own reason for every bad count.

usage: bench_usage_test.py [BUILD]"""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "bench")
sys.path.insert(0, BENCH)
from psumbench.args import MAX_CHUNKS, MAX_ELEMENTS, one_line, parse_count  # noqa: E402

BUILD = None  # the build folder, from the command line

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

    def test_pysum_mpi_speaks_on_rank_0_only(self):
        # Under mpirun every rank parses the arguments; one line is enough.
        for rank, lines in (("0", 1), ("1", 0), ("3", 0)):
            with self.subTest(rank=rank):
                p = subprocess.run([sys.executable, os.path.join(BENCH, "pysum_mpi.py"),
                                    "--n", "0"], capture_output=True, text=True, timeout=60,
                                   env=dict(os.environ, OMPI_COMM_WORLD_RANK=rank))
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), lines, p.stderr)
                self.assertEqual(p.stdout, "")

    def test_a_value_with_a_newline_stays_one_line(self):
        p = subprocess.run([sys.executable, os.path.join(BENCH, "limits.py"), "-n", "1\n2"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn("invalid value '1\\n2'", p.stderr)

    def test_bench_programs_exit_2_with_one_line(self):
        if not BUILD:
            self.skipTest("no build folder given")
        programs = [("psum_limits", []), ("psum_limits", ["--watch"])]
        if os.path.exists(os.path.join(BUILD, "bench", "psum_gpu_check")):
            programs.append(("psum_gpu_check", ["--host"]))
        if os.path.exists(os.path.join(BUILD, "bench", "psum_cub")):
            programs.append(("psum_cub", []))
        for program, lead in programs:
            for args, message in ((["1x"], "N '1x': trailing characters"),
                                  (["0"], "N '0': must be at least 1"),
                                  (["1e9", "65"], "REPEAT '65': must not exceed 64"),
                                  (["1e9", "2.5"], "REPEAT '2.5'"),
                                  (["1\n2"], "N '1\\n2'"),
                                  (["1e3", "1", "1"], "too many arguments")):
                with self.subTest(program=program, args=args):
                    p = subprocess.run([os.path.join(BUILD, "bench", program), *lead, *args],
                                       capture_output=True, text=True, timeout=60)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertEqual(p.stdout, "")
                    lines = p.stderr.splitlines()
                    self.assertEqual(len(lines), 1, p.stderr)
                    self.assertTrue(lines[0].startswith(f"{program}: {message}"), lines[0])
                    self.assertIn("; usage: ", lines[0])

    def test_psum_limits_takes_psum_omps_number_forms(self):
        if not BUILD:
            self.skipTest("no build folder given")
        # 1e3 was read as 1 by strtoull; the JSON must say 1000.
        p = subprocess.run([os.path.join(BUILD, "bench", "psum_limits"), "1e3", "1"],
                           capture_output=True, text=True, timeout=120)
        if p.returncode == 1 and "neither AVX-512F nor AVX2" in p.stderr:
            self.skipTest("psum_limits' generator reference needs AVX2: " + p.stderr.strip())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"n": 1000,', p.stdout)

    def test_psum_limits_watch_prints_every_round(self):
        if not BUILD:
            self.skipTest("no build folder given")
        p = subprocess.run([os.path.join(BUILD, "bench", "psum_limits"), "--watch", "1e3", "2"],
                           capture_output=True, text=True, timeout=120)
        if p.returncode == 1 and "neither AVX-512F nor AVX2" in p.stderr:
            self.skipTest("psum_limits' generator reference needs AVX2: " + p.stderr.strip())
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual((doc["n"], doc["gen_n"], doc["verified"]), (1000, 32000, True))
        self.assertEqual((len(doc["read_s"]), len(doc["gen_s"])), (2, 2))

    def test_counts_parse_as_psum_omp_parses_them(self):
        for text, value in (("1_000", 1000), ("1e9", 10**9), ("2.5e9", 2_500_000_000),
                            ("1.25E+3", 1250), ("2.50e1", 25), ("007", 7), ("1e0", 1),
                            ("4611686018427387904", MAX_ELEMENTS)):
            with self.subTest(text=text):
                self.assertEqual(parse_count(text, MAX_ELEMENTS), value)

    def test_bad_counts_get_psum_omps_reasons(self):
        if not BUILD:
            self.skipTest("no build folder given")
        # psum_omp refuses each before running anything; --threads 0 makes
        # sure of that for a count it takes.
        for option, maximum in (("--elements", MAX_ELEMENTS), ("--chunks", MAX_CHUNKS)):
            for text in ("", "-3", "+3", "abc", "x1", "1__0", "1_", "1._5", "1.5_", "1.",
                         "1.e3", "1e", "1e+", "1e-3", "1E3x", "1e3 ", " 1", "1,000", "0", "0.0",
                         "0e5", "1.5", "1.0", "10.00", "2.5e0", "1.05e1", "4611686018427387905", "1e19",
                         "1e999999", "1e9999999999", "1000000001", "1e10", "\u0661",
                         "1e3", "1_000", "2.50e1", "0." + "0" * 999 + "1e10000",
                         "0." + "0" * 1999 + "1e2000", "1." + "1" * 2000 + "e1999",
                         "1." + "1" * 2000 + "e12345"):
                with self.subTest(option=option, text=text[:40]):
                    p = subprocess.run([os.path.join(BUILD, "src", "psum_omp"), option, text,
                                        "--threads", "0"],
                                       capture_output=True, text=True, timeout=60)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    # psum_omp cuts a long value short in its line: compare
                    # the start of the value and the whole reason.
                    head = f"psum_omp: invalid value '{one_line(text)[:40]}"
                    tail = f"' for {option}: "
                    try:
                        parse_count(text, maximum)
                        ours = None
                    except ValueError as e:
                        ours = str(e)
                    if ours is None:
                        self.assertIn("for --threads", p.stderr)
                    else:
                        self.assertTrue(p.stderr.startswith(head), p.stderr)
                        self.assertTrue(p.stderr.rstrip("\n").endswith(
                            f"{tail}{ours} (see psum_omp --help)"), p.stderr)

    def test_one_line_escapes_control_characters(self):
        self.assertEqual(one_line("a\nb\tc\x1bd\x7f"), "a\\nb\\tc\\x1bd\\x7f")
        self.assertEqual(one_line("plain 'text' é"), "plain 'text' é")


if __name__ == "__main__":
    BUILD = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None
    unittest.main(verbosity=2)
