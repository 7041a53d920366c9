#!/usr/bin/env python3
"""Every bench script that takes arguments answers a usage error the way
psum_omp does: exit 2, one line on stderr that names the option and the
value (psumbench.args.Parser), nothing on stdout and nothing run.  Checks
the wiring only: which values each option refuses is psum_omp's matter
(the scripts ask it: psumbench.psum), and these check that its reason and
limits reach the script's line, and that without a psum_omp to ask the
script says so in one line.  Given the build folder, the same for the
bench programs psum_limits, psum_gpu_check and psum_cub (bench/bench_args.h),
whose N and REPEAT follow psum_omp's number grammar.

usage: bench_usage_test.py [BUILD]"""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "bench")
sys.path.insert(0, BENCH)
from psumbench import psum  # noqa: E402
from psumbench.args import one_line  # noqa: E402

BUILD = None  # the build folder, from the command line

# (script, arguments, what the one line must hold); BUILD stands for the
# build folder, and the scripts without --build ask $PSUM_OMP.
CASES = (
    ("sweep.py", ["--repeat", "1e7", "--build", "BUILD"],
     "argument --repeat: invalid value '1e7': must not exceed 1000000"),
    ("sweep.py", ["-n", "1e9x", "--build", "BUILD"],
     "argument -n: invalid value '1e9x': trailing characters"),
    ("sweep.py", ["--chunk-counts", "1,2.5", "--build", "BUILD"],
     "argument --chunk-counts: invalid value '2.5': not a whole number"),
    ("sweep.py", ["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ("limits.py", ["-n", "5e9", "--build", "BUILD"],
     "argument -n: invalid value '5e9': must not exceed 4000000000"),
    ("limits.py", ["--repeat", "100", "--build", "BUILD"],
     "argument --repeat: invalid value '100': must not exceed 64"),
    ("limits.py", ["--rounds", "x", "--build", "BUILD"],
     "argument --rounds: invalid value 'x': not a number"),
    ("limits.py", ["--markdown", "/nonexistent/x.md"],
     "invalid value '/nonexistent/x.md' for --markdown: no folder /nonexistent"),
    ("compare.py", ["--threshold", "ten", "a", "b"], "argument --threshold: invalid value 'ten'"),
    ("compare.py", [], "the following arguments are required: A, B"),
    ("pysum.py", ["range", "--n", "0"], "argument --n: invalid value '0': must be at least 1"),
    ("pysum.py", ["range", "--n", "4611686018427387905"],
     "argument --n: invalid value '4611686018427387905': must not exceed 4611686018427387904 (2^62)"),
    ("pysum.py", ["abacus", "--n", "10"], "argument impl: invalid choice: 'abacus'"),
    ("pysum.py", ["range", "--n", "10", "--calibrate-only"], "--calibrate-only needs --budget"),
    ("pysum_mpi.py", ["--n", "1e9x"], "argument --n: invalid value '1e9x': trailing characters"),
    ("pysum_mpi.py", [], "the following arguments are required: --n"),
)


def script_env():
    """The environment of a script under test: it asks this build's psum_omp."""
    return dict(os.environ, **{psum.ENV: os.path.join(BUILD, "src", "psum_omp")})


class OneLine(unittest.TestCase):
    def test_each_script_exits_2_with_one_line(self):
        for script, args, message in CASES:
            if not BUILD:
                self.skipTest("no build folder given")
            args = [BUILD if a == "BUILD" else a for a in args]
            with self.subTest(script=script, args=args):
                p = subprocess.run([sys.executable, os.path.join(BENCH, script), *args],
                                   capture_output=True, text=True, timeout=60, env=script_env())
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stdout, "")
                lines = p.stderr.splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertTrue(lines[0].startswith(f"{script}: "), lines[0])
                self.assertIn(message, lines[0])
                self.assertTrue(lines[0].endswith(f"(see bench/{script} --help)"), lines[0])

    def test_without_psum_omp_one_line_and_exit_1(self):
        # A count needs psum_omp to read it; --help and the checks that need
        # none do not.
        for script, args, program in (
                ("sweep.py", ["-n", "5", "--build", "/nonexistent"], "src/psum_omp"),
                ("limits.py", ["--repeat", "3", "--build", "/nonexistent"], "bench/psum_limits")):
            with self.subTest(script=script):
                p = subprocess.run([sys.executable, os.path.join(BENCH, script), *args],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertEqual(p.stdout, "")
                self.assertEqual(p.stderr, f"{script}: no {os.path.basename(program)} at "
                                 f"/nonexistent/{program}: build first (meson setup build && "
                                 "ninja -C build; bench/run.sh does)\n")
        p = subprocess.run([sys.executable, os.path.join(BENCH, "pysum.py"), "range", "--n", "5"],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, **{psum.ENV: "/nonexistent/psum_omp"}))
        self.assertEqual((p.returncode, len(p.stderr.splitlines())), (1, 1), p.stderr)
        p = subprocess.run([sys.executable, os.path.join(BENCH, "sweep.py"), "--help"],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, **{psum.ENV: "/nonexistent/psum_omp"}))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_pysum_mpi_speaks_on_rank_0_only(self):
        if not BUILD:
            self.skipTest("no build folder given")
        # Under mpirun every rank parses the arguments; one line is enough.
        for rank, lines in (("0", 1), ("1", 0), ("3", 0)):
            with self.subTest(rank=rank):
                p = subprocess.run([sys.executable, os.path.join(BENCH, "pysum_mpi.py"),
                                    "--n", "0"], capture_output=True, text=True, timeout=60,
                                   env=dict(script_env(), OMPI_COMM_WORLD_RANK=rank))
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), lines, p.stderr)
                self.assertEqual(p.stdout, "")

    def test_a_value_with_a_newline_stays_one_line(self):
        if not BUILD:
            self.skipTest("no build folder given")
        p = subprocess.run([sys.executable, os.path.join(BENCH, "limits.py"), "-n", "1\n2",
                            "--build", BUILD], capture_output=True, text=True, timeout=60)
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

    def test_counts_are_psum_omps_values(self):
        if not BUILD:
            self.skipTest("no build folder given")
        binary = os.path.join(BUILD, "src", "psum_omp")
        top = psum.limit(binary, "elements_max")
        for text, value in (("1_000", 1000), ("2.5e9", 2_500_000_000), ("-3", None),
                            (str(top), top), ("1e999999999", None)):
            with self.subTest(text=text):
                if value is None:
                    self.assertRaises(ValueError, psum.parse_count, binary, text, top)
                else:
                    self.assertEqual(psum.parse_count(binary, text, top), value)

    def test_the_scripts_read_counts_with_psum_omps_limits(self):
        if not BUILD:
            self.skipTest("no build folder given")
        sys.path.insert(0, BENCH)
        import sweep  # noqa: E402
        args = sweep.parse_args(["--build", BUILD, "-n", "1e3", "--chunk-counts", "1,1e3",
                                 "--sweeps", "threads"])
        self.assertEqual((args.n, args.chunk_counts), (1000, [1, 1000]))

    def test_one_line_escapes_control_characters(self):
        self.assertEqual(one_line("a\nb\tc\x1bd\x7f"), "a\\nb\\tc\\x1bd\\x7f")
        self.assertEqual(one_line("plain 'text' é"), "plain 'text' é")


if __name__ == "__main__":
    BUILD = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None
    unittest.main(verbosity=2)
