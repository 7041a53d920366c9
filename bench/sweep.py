#!/usr/bin/env python3
"""The main job: psum_omp's speedup tables, the Python-vs-C contrast, plots,
and a result set under results/<machine>/<run id>/.

Sweeps (all verified, every repetition kept as a CSV row):
  threads    both modes at OMP_NUM_THREADS = 1, 2, 4, ... up to the logical
             CPUs, plus one oversubscribed point at twice the CPUs
  schedules  static, dynamic, guided x chunk counts, at all CPUs
  sizes      N = 10^3 ... N (materialize) and ... 10^11 (stream), serial
             against parallel, and the crossover N
  gpu        psum_omp --device gpu at N: materialize (filled on the device and
             --from-host) and stream, and CuPy's arange + sum and sum of a
             device array where CuPy is installed, when psum_omp finds a
             usable device; otherwise the contrast says why they were skipped
  python     the article's serial program and process pool at one shared N,
             sum(range(N)), a thread pool, a pool with workers = CPUs, numpy
             and numba, each at an N chosen from its measured cost to fit its
             time budget (bench/pysum.py)
  mpi        psum_mpi through mpirun: every split of the CPUs into ranks x
             threads (strong scaling) and 1, 2, ... ranks at a fixed N per
             rank (weak scaling), beside psum_omp at all CPUs, and the mpi4py
             counterpart as a Python row (bench/psumbench/mpi.py); skipped,
             saying why, when psum_mpi was not built or mpirun is missing

Each psum configuration (psum_omp's and psum_mpi's) runs in --processes
processes, in rounds: each round a seeded shuffle of every configuration, so
a configuration's processes are spread over the set and never run back to
back; the Python rows (one process each) run between the rounds.  A short
plain reference (psum_limits --watch) runs before every process and at the
end: the machine watch.  Tables report the median of the process medians
and their min-max, and mark a configuration whose processes disagree
`unstable` (bench/psumbench/aggregate.py).  Every psum_omp and pysum.py JSON
document is kept in runs.jsonl, so
`bench/sweep.py --render DIR` rebuilds a set's tables and plots; without
gnuplot the tables are written and the plots skipped with one warning.
Every child runs in its own process group, ended on every exit path.

This file is the command line: parse_args checks every option before
anything runs; psumbench/orchestrate.py runs the set and psumbench/report.py
writes its tables, plots and summary (bench/README.md lists the modules).

usage: bench/sweep.py [options]     (bench/sweep.py --help lists them)
"""
import os
import re
import shutil
import subprocess
import sys

from psumbench import orchestrate, report, runs, tables
from psumbench import machine as machine_record
from psumbench import psum
from psumbench.args import Parser, count_list_type, count_type, seconds

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SWEEPS = runs.SWEEPS
ROW_NAMES = tuple(tables.PYTHON_ROWS)
MAX_PROCESSES = 100
MACHINE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


def parse_args(argv):
    p = Parser(
        prog="bench/sweep.py",
        description="Sweep psum_omp over threads, schedules and sizes, run the Python "
                    "programs beside it, and write tables, plots and a result set.")
    p.add_argument("-n", type=count_type("elements_max"), default=10**9,
                   help="elements (default 1e9)")
    p.add_argument("--repeat", type=count_type("repeat_max"), default=3,
                   help="timed repetitions per psum_omp process (default 3)")
    p.add_argument("--processes", type=count_type(MAX_PROCESSES), default=None,
                   help="processes per psum configuration, interleaved across configurations "
                        "(default 3; 2 with --quick)")
    p.add_argument("--seed", type=count_type(2**32), default=None,
                   help="seed of the interleaved order (default: a fresh one, recorded in "
                        "run.json)")
    p.add_argument("--quick", action="store_true",
                   help="a reduced sweep at small N (well under a minute), for smoke tests")
    p.add_argument("--sweeps", default=",".join(SWEEPS),
                   help=f"which sweeps to run (default {','.join(SWEEPS)})")
    p.add_argument("--chunk-counts", type=count_list_type("chunks_max"), default=None,
                   help="chunk counts of the schedule sweep (default 1,100,1e4,1e5)")
    p.add_argument("--stream-max", type=count_type("elements_max"), default=None,
                   help="largest N of the stream size sweep (default 1e10)")
    p.add_argument("--python", dest="python_exe", metavar="PATH",
                   help="interpreter for the Python rows (default: the first of python3 on "
                        "PATH and /usr/bin/python3 that imports numpy and numba)")
    p.add_argument("--python-rows", default=",".join(ROW_NAMES),
                   help=f"which Python rows to run (default {','.join(ROW_NAMES)})")
    p.add_argument("--python-n", type=count_type("elements_max"), default=None,
                   help="largest N of the Python rows (default -n)")
    p.add_argument("--python-budget", type=seconds, default=None,
                   help="seconds per Python row for its calibration and repetitions; N is "
                        "chosen from a fit of time = a + b*N to fit (default 12)")
    p.add_argument("--python-repeat", type=count_type(1000), default=3,
                   help="timed repetitions of each Python row (default 3)")
    p.add_argument("--workers", type=count_type(4096), default=20,
                   help="workers of the article's pools (default 20)")
    p.add_argument("--python-chunks", type=count_type("chunks_max"), default=100,
                   help="chunks of the Python pools (default 100)")
    p.add_argument("--build", default=os.path.join(REPO, "build"),
                   help="Meson build folder holding src/psum_omp (default build)")
    p.add_argument("--out", default=os.path.join(REPO, "results"),
                   help="results root (default results/)")
    p.add_argument("--machine", help="folder name for this machine (default from the CPU)")
    p.add_argument("--render", metavar="DIR",
                   help="run nothing: rebuild the tables, plots and summary.md of the result "
                        "set DIR (a partial one too) from its runs.jsonl, and the index of "
                        "--out when DIR lies under it")
    args = p.parse_args(argv)
    if args.render is not None and not os.path.isdir(args.render):
        p.error(f"invalid value '{args.render}' for --render: not a folder")
    if not args.out:
        # An empty root would put the set in the current folder and then fail
        # to index it, calling a complete set incomplete.
        p.error("invalid value '' for --out: expected a folder (default results/)")
    if args.machine is not None and not MACHINE_NAME.fullmatch(args.machine):
        p.error(f"invalid value '{args.machine}' for --machine: expected letters, digits, "
                "'.', '_' and '-', not starting with '.'")
    args.sweeps = _choice_list(p, "--sweeps", args.sweeps, SWEEPS)
    args.python_rows = _choice_list(p, "--python-rows", args.python_rows, ROW_NAMES)
    if args.quick:
        args.n = min(args.n, 10**6)
        args.repeat = min(args.repeat, 2)
        args.workers = min(args.workers, 4)
    # The defaults fit the main job in 5 minutes on a 2-CPU machine with 3
    # processes per configuration (bench/README.md: the budget).
    args.processes = args.processes or (2 if args.quick else 3)
    args.chunk_counts = args.chunk_counts or (
        [1, 10, 100, 1000] if args.quick else [1, 100, 10**4, 10**5])
    args.stream_max = args.stream_max or (10**7 if args.quick else 10**10)
    args.python_n = args.python_n or (10**5 if args.quick else args.n)
    args.python_budget = args.python_budget or (0.5 if args.quick else 12.0)
    if args.render is None and {"threads", "schedules", "sizes", "mpi"} & set(args.sweeps):
        check_memory(p, args.n, args.build)
    if args.render is None and {"python", "gpu"} & set(args.sweeps):
        args.python_exe = choose_python(p, args.python_exe)
    return args


def _choice_list(parser, option, text, choices):
    picked = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in picked if s not in choices]
    if unknown or not picked:
        parser.error(f"invalid value '{','.join(unknown) or text}' for {option}: expected "
                     f"some of {', '.join(choices)}")
    return picked


def check_memory(parser, n, build):
    """Refuses up front an N that psum_omp would refuse to materialize, by
    psum_omp's own rule (--describe: the bytes per element, the alignment
    and the headroom it leaves free)."""
    limits = parser.ask(psum.describe, psum.binary(build))["limits"]
    available = machine_record.meminfo_bytes("MemAvailable")
    need = (n * limits["bytes_per_element"] + limits["array_align_bytes"] +
            limits["memory_headroom_bytes"])
    if available and need > available:
        parser.error(f"invalid value '{n}' for -n: materializing it needs "
                     f"{need / 1e9:.3g} GB, {available / 1e9:.3g} GB is available "
                     "(run only --sweeps python, or use a smaller -n)")


def runs_python(python, code):
    try:
        p = subprocess.run([python, "-c", code], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0


def choose_python(parser, requested):
    """The interpreter of the Python rows: --python (refused unless it runs
    Python 3), else the first of python3 on PATH and /usr/bin/python3 that
    imports numpy and numba, else the first that exists (its numpy and numba
    rows then say why not)."""
    if requested is not None:
        path = shutil.which(requested)
        if not path or not runs_python(path, "import sys; assert sys.version_info >= (3, 9)"):
            parser.error(f"invalid value '{requested}' for --python: not a Python 3.9+ "
                         "interpreter")
        return path
    found = [c for c in (shutil.which("python3"), "/usr/bin/python3")
             if c and os.access(c, os.X_OK)]
    for candidate in found:
        if runs_python(candidate, "import numpy, numba"):
            return candidate
    return found[0] if found else sys.executable


def main(argv):
    args = parse_args(argv)
    # SIGTERM, SIGHUP and SIGQUIT end a run as Ctrl-C does: the same clean-up.
    runs.exit_on_ending_signals()
    try:
        if args.render is not None:
            return report.render(args.render, args.out)
        return orchestrate.sweep(args)
    except KeyboardInterrupt:
        print("sweep.py: interrupted", file=sys.stderr)
        return 130
    except (runs.RunFailed, RuntimeError, OSError) as e:
        print(f"sweep.py: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
