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

usage: bench/sweep.py [options]     (bench/sweep.py --help lists them)
"""
import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

from psumbench import aggregate, mpi, plots, results, runs, tables, watch
from psumbench import machine as machine_record
from psumbench.files import one_line, read_json, write_atomic
from psumbench import psum
from psumbench.args import Parser, count_list_type, count_type, seconds

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SWEEPS = runs.SWEEPS
ROW_NAMES = tuple(tables.PYTHON_ROWS)
MAX_PROCESSES = 100
SMOKE_BANNER = ("**SMOKE RUN** (`--quick`): small N, few repetitions and processes; these "
                "figures check the wiring and are no results.\n")
SMOKE_TITLE = "SMOKE RUN, no results: "
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


def thread_points(cpus):
    points, t = [], 1
    while t <= cpus:
        points.append(t)
        t *= 2
    if points[-1] != cpus:
        points.append(cpus)
    return points + [2 * cpus]


def size_points(hi):
    """N = 10^3, 10^4, ... up to hi, and hi itself."""
    out, n = [], min(1000, hi)
    while n <= hi:
        out.append(n)
        n *= 10
    return out if out[-1] == hi else out + [hi]


def plan(args, cpus, python=None, gpu_usable=False):
    """The jobs of the chosen sweeps, sweep by sweep in the order --sweeps
    names them (so a run stopped at a deadline has done the first ones); the
    gpu sweep only when gpu_usable.  Sets args.mpi_skipped to why the mpi
    sweep cannot run (None when it can or was not chosen)."""
    by_sweep = {s: [] for s in SWEEPS}
    group = runs.ArticleGroup()
    args.mpi_skipped = None
    # Every mode and schedule that this psum_omp has, in its order.
    names = psum.describe(psum.binary(args.build))["names"]
    modes = names["modes"]
    if "threads" in args.sweeps:
        by_sweep["threads"] = [runs.PsumJob("threads", mode, args.n, t, args.repeat)
                               for mode in modes for t in thread_points(cpus)]
    if "schedules" in args.sweeps:
        by_sweep["schedules"] = [runs.PsumJob("schedules", mode, args.n, cpus, args.repeat,
                                              sched, c, serial=False)
                                 for mode in modes for c in args.chunk_counts
                                 for sched in names["schedules"]]
    if "sizes" in args.sweeps:
        sizes = [runs.PsumJob("sizes", "materialize", n, cpus, args.repeat)
                 for n in size_points(args.n)]
        # The largest stream sizes take seconds per repetition: three suffice.
        sizes += [runs.PsumJob("sizes", "stream", n, cpus,
                               args.repeat if n < 10**10 else min(args.repeat, 3))
                  for n in size_points(args.stream_max)]
        by_sweep["sizes"] = sizes
    if "python" in args.sweeps:
        for row, info in tables.PYTHON_ROWS.items():
            if row not in args.python_rows:
                continue
            workers = cpus if row == "processes_cpus" else args.workers
            by_sweep["python"].append(runs.PythonJob(
                row, info.impl, args.python_n, args.python_repeat, budget=args.python_budget,
                workers=workers, chunks=args.python_chunks,
                group=group if info.article else None))
    if "mpi" in args.sweeps:
        pythons = [python, args.python_exe, shutil.which("python3"), "/usr/bin/python3"]
        found, args.mpi_skipped = mpi.plan(args, cpus, args.build, group, pythons,
                                           reference="threads" not in args.sweeps)
        by_sweep["mpi"] = found
    if "gpu" in args.sweeps and gpu_usable:
        by_sweep["gpu"] = gpu_jobs(args, cpus, python)
    return [job for sweep in args.sweeps for job in by_sweep[sweep]]


def repeated(job):
    """Whether a job is a psum configuration that runs in several processes
    (psum_omp's, psum_mpi's); Python rows run once."""
    return job.kind in aggregate.KINDS


def interleave(jobs, processes, seed):
    """The run order of plan()'s jobs: `processes` rounds, each a shuffle
    (random.Random(seed)) of every psum configuration, that configuration's
    process index set; a round whose first configuration ended the round
    before is rotated by one, so no configuration runs twice back to back
    where there are two.  The other jobs (Python rows, one process each)
    keep their order (the article's rows before mpi4py, which takes their
    N) and are spread over the gaps between rounds, so the rounds, and each
    configuration's processes, span the whole set."""
    rng = random.Random(seed)
    configs = [j for j in jobs if repeated(j)]
    others = [j for j in jobs if not repeated(j)]
    gaps = max(processes - 1, 1)
    slices = [others[len(others) * g // gaps:len(others) * (g + 1) // gaps]
              for g in range(gaps)]
    order, last = [], None
    for k in range(processes):
        picks = list(range(len(configs)))
        rng.shuffle(picks)
        if len(picks) > 1 and picks[0] == last:
            picks = picks[1:] + picks[:1]
        for i in picks:
            job = copy.copy(configs[i])
            job.process = k
            order.append(job)
        last = picks[-1] if picks else last
        if k < gaps:
            order += slices[k]
    return order


def gpu_unusable(binary, env):
    """None when `psum_omp --device gpu` runs here, else why not: its exit
    status tells "no usable offload device" (--describe's
    exit_status.no_device) from a device that failed; what it printed on
    stderr, whole and on one line, says the details."""
    rc, _, err = runs.run_child([binary, "--device", "gpu", "-n", "1000", "--repeat", "1",
                                 "--format", "json"], env)
    if rc == 0:
        return None
    said = "; ".join(line.strip() for line in err.splitlines() if line.strip())
    said = one_line(said) or "nothing on stderr"
    if rc == psum.describe(binary)["exit_status"]["no_device"]:
        return f"no usable offload device ({said})"
    return f"psum_omp --device gpu failed, exit {rc} ({said})"


def gpu_jobs(args, cpus, python):
    """The gpu sweep: both modes at N, materialize filled on the device and
    copied from the host, without the serial phase (host work, which the
    threads sweep times; skipping it spares a device-filled run the host
    array altogether), all CPUs for a host fill; then, with an interpreter,
    CuPy's two rows at N at most (optional: they say why where CuPy is
    missing or fails)."""
    jobs = [runs.PsumJob("gpu", "materialize", args.n, cpus, args.repeat, serial=False,
                         device="gpu"),
            runs.PsumJob("gpu", "materialize", args.n, cpus, args.repeat, serial=False,
                         device="gpu", from_host=True),
            runs.PsumJob("gpu", "stream", args.n, cpus, args.repeat, serial=False,
                         device="gpu")]
    if python is not None:
        jobs += [runs.PythonJob(row, info.impl, args.n, args.python_repeat,
                                budget=args.python_budget, optional=True)
                 for row, info in tables.GPU_PYTHON_ROWS.items()]
    return jobs


def gpu_contrast(records, skipped, python_records=()):
    """The contrast's psum_omp GPU rows, and a note: why they were skipped,
    or how psum's array sum compares with CuPy's at the same N.  A
    --from-host row is followed by one that adds its copy from the host."""
    rows = []
    for record in records:
        d = record["doc"]
        dev, host = d["device"], record["spec"].get("from_host")
        what = ("sum of values generated on the device" if d["mode"] == "stream" else
                "sum of a device array copied from the host (copy untimed)" if host else
                "sum of an array filled on the device (fill untimed)")
        name = f"psum_omp GPU, {d['mode']}" + (" --from-host" if host else "")
        workers = f"{dev['name']}: {tables.gpu_workers(dev)}"
        rows.append({"name": name, "family": "psum_omp", "timed": what, "n": d["n"],
                     "workers": workers, "median_s": d["parallel"]["median_s"],
                     "min_s": d["parallel"]["min_s"], "note": untimed_note(d["n"], dev)})
        copy = dev.get("copy_s")
        if host and isinstance(copy, (int, float)) and copy >= 0:
            # Beside it, the same sum with the copy it needed: no bar hides
            # the transfer that the row above leaves out.
            rows.append({"name": name + ": copy + sum", "family": "psum_omp",
                         "timed": "the copy from the host (once) + one sum", "n": d["n"],
                         "workers": workers, "median_s": copy + d["parallel"]["median_s"],
                         "min_s": copy + d["parallel"]["min_s"],
                         "note": f"copy {copy:.3g} s, timed once per run, added to each "
                                 "figure of the row above"})
    if skipped:
        return rows, f"\nGPU rows skipped: {skipped}\n"
    return rows, vendor_note(records, python_records)


def untimed_note(n, dev):
    """What a GPU run did outside its timed sums: the fill on the device,
    the copy from the host (with its rate) and the warm-up."""
    def seconds(key):
        value = dev.get(key)
        return value if isinstance(value, (int, float)) and value >= 0 else None
    parts = []
    if seconds("fill_s") is not None:
        parts.append(f"fill {dev['fill_s']:.3g} s")
    if seconds("copy_s") is not None:
        rate = f" ({n * 8 / dev['copy_s'] / 1e9:.3g} GB/s)" if dev["copy_s"] > 0 else ""
        parts.append(f"copy {dev['copy_s']:.3g} s{rate}")
    if seconds("warmup_s") is not None:
        parts.append(f"warm-up {dev['warmup_s']:.3g} s")
    return ", ".join(parts) + ": not in the time" if parts else ""


def vendor_note(records, python_records):
    """One line: psum_omp's sum of an array filled on the device against
    CuPy's sum of one at the same N, by their medians; "" without both."""
    psum = next((r["doc"] for r in records if r["doc"]["mode"] == "materialize"
                 and not r["spec"].get("from_host")), None)
    cupy = next((r["doc"] for r in python_records if r["spec"]["row"] == "cupy_sum"
                 and r["doc"].get("available")), None)
    if psum is None or cupy is None or psum["n"] != cupy["n"]:
        return ""
    ratio = cupy["median_s"] / psum["parallel"]["median_s"]
    return (f"\npsum_omp's GPU sum of an array filled on the device runs at {ratio:.0%} of "
            f"CuPy's `.sum()` speed at N = {psum['n']:,} (medians, same run; CuPy's "
            "reduction is NVIDIA's CUB).\n")


def probe(binary, env):
    """psum_omp's machine object, from a tiny run, with the commit it was built from."""
    rc, out, err = runs.run_child([binary, "-n", "1000", "--repeat", "1", "--format", "json"],
                                  env)
    if rc != 0:
        raise runs.RunFailed(f"{binary} does not run: {err.strip()}")
    doc = runs.json_doc([binary], out, ("machine",))
    machine = doc["machine"]
    if not isinstance(machine, dict) or not isinstance(machine.get("logical_cpus"), int):
        raise runs.RunFailed(f"{binary} printed no machine record")
    return dict(machine, build_commit=doc.get("build_commit"), build_dirty=doc.get("build_dirty"))


def execute(jobs, binary, python, env, outdir, cpus, watch_build=None):
    """Runs every job; raw rows go to the CSVs and whole documents to
    runs.jsonl as they come, each record with its start and end in seconds
    from the start of the set.  With watch_build (the build holding
    psum_limits), a watch point runs before every job and after the last.
    Returns the records by sweep, the watch's under "watch"."""
    done = {s: [] for s in SWEEPS + (watch.SWEEP,)}
    psum_csv = runs.RowWriter(os.path.join(outdir, "samples.csv"), runs.PSUM_COLUMNS)
    python_csv = runs.RowWriter(os.path.join(outdir, "python.csv"), runs.PYTHON_COLUMNS)
    watch_csv = runs.RowWriter(os.path.join(outdir, "watch.csv"), watch.COLUMNS) \
        if watch_build else None
    records = runs.RecordWriter(os.path.join(outdir, "runs.jsonl"))
    progress = runs.Progress(jobs, cpus)
    pysum = os.path.join(HERE, "pysum.py")
    start = time.monotonic()

    def keep(record, started):
        record.update(started_s=round(started - start, 3),
                      ended_s=round(time.monotonic() - start, 3))
        records.write(record)
        done[record["sweep"]].append(record)
        return record

    def look():
        if watch_build:
            started = time.monotonic()
            doc = watch.run(watch_build, env)
            record = keep({"sweep": watch.SWEEP, "kind": watch.KIND,
                           "spec": {"n": watch.N, "repeat": watch.REPEAT}, "doc": doc}, started)
            watch_csv.write(watch.csv_rows(len(done[watch.SWEEP]) - 1, record))

    try:
        for i, job in enumerate(jobs):
            look()
            progress.starting(i, job)
            started = time.monotonic()
            if job.kind == "python":
                doc = job.run(python, pysum, env)
                python_csv.write(runs.python_rows(job.row, doc))
                sweep_name = "python"
            elif job.kind in mpi.KINDS:
                doc = job.run(env)  # runs.jsonl keeps it whole: no CSV rows
                sweep_name = mpi.SWEEP
            else:
                doc = job.run(binary, env)
                psum_csv.write(runs.psum_rows(job.sweep, doc, job.process))
                sweep_name = job.sweep
            keep({"sweep": sweep_name, "kind": job.kind, "spec": job.spec(), "doc": doc},
                 started)
            progress.finished(i)
        look()
    finally:
        psum_csv.close()
        python_csv.close()
        if watch_csv:
            watch_csv.close()
        records.close()
    return done


def write(outdir, name, text):
    """outdir/name holds text whole, or its old content: never a file cut
    short that a reader would take for the whole."""
    write_atomic(os.path.join(outdir, name), text)


class Plotter:
    """Draws through plots.*; without gnuplot each plot still leaves its data
    and .gp script, and one warning says so: the tables never depend on the
    plots."""

    def __init__(self):
        self.warned = False

    def __call__(self, draw, *args):
        try:
            draw(*args)
            return True
        except plots.GnuplotMissing as e:
            if not self.warned:
                print(f"sweep.py: warning: {e}: the plots are skipped; their data and .gp "
                      "scripts are in the set, and `bench/sweep.py --render DIR` draws them",
                      file=sys.stderr)
            self.warned = True
        except RuntimeError as e:
            print(f"sweep.py: warning: {e}: that plot is skipped", file=sys.stderr)
        return False


# What a record that passed runs.check_record can still raise in the tables
# (a field of the wrong shape): turned into one line and exit 1, never a
# traceback.
TABLE_ERRORS = (LookupError, TypeError, ValueError, ArithmeticError)


def report(done, machine, meta, outdir):
    """Tables and plots from the records alone, so a set renders the same
    when it is measured and when it is rendered again; returns the text
    printed at the end and that of summary.md, which the caller writes
    last (sweep() only once run.json says whether the set is complete).
    The psum records are aggregated over their processes first
    (aggregate.py: the figures and verdicts every table and plot reads).
    Raises OSError, or one of TABLE_ERRORS for a record the tables cannot
    read."""
    cpus = machine["logical_cpus"]
    caption = (f"{machine['cpu_model']}, {cpus} logical CPUs, {machine['compiler']}, "
               f"THP {machine['huge_pages']}; {machine['date'][:10]}, commit "
               f"{(machine['git_commit'] or '?')[:10]}")
    smoke = bool(meta.get("quick"))
    banner = SMOKE_BANNER + "\n" if smoke else ""
    frame = plots.Frame(caption, SMOKE_TITLE if smoke else "")
    limits = aggregate.thresholds(meta)
    threshold = limits["unstable_max_over_min"]
    raw = done
    watched = raw.get(watch.SWEEP, [])
    slow = watch.slow_records([r for recs in raw.values() for r in recs],
                              limits["watch_slow_fraction"])
    done = {s: aggregate.aggregate(recs, meta, slow) +
            [r for r in recs if r["kind"] not in aggregate.KINDS and r["kind"] != watch.KIND]
            for s, recs in raw.items()}
    draw = Plotter()
    sections = [f"# psum_omp result set {os.path.basename(outdir)}\n"]
    if smoke:
        sections.append(SMOKE_BANNER)
    sections += ["Machine ([machine.json](machine.json)):\n", machine_record.markdown(machine)]
    if not meta.get("complete"):
        sections.append("**Partial set**: the sweep was interrupted or failed; the tables "
                        "hold the runs it finished.\n")
    printed = [SMOKE_BANNER] if smoke else []
    by_mode = tables.thread_rows(done["threads"], cpus) if done["threads"] else {}
    if by_mode:
        text = tables.speedup_markdown(by_mode, threshold)
        write(outdir, "speedup.md", banner + text)
        sections += ["## Speedup against threads\n", text]
        if draw(plots.speedup, outdir, by_mode, cpus, frame):
            sections.append("![speedup against threads](speedup.png)\n")
        if draw(plots.rates, outdir, by_mode, cpus, frame):
            sections.append("![rate against threads](rates.png)\n")
        printed.append("Speedup against threads\n\n" + text)
    if done["python"] or by_mode:
        rows = tables.contrast_rows(done["threads"], done["python"], cpus)
        rows = tables.mpi_contrast_rows(rows, done.get("mpi", []))
        gpu_rows, gpu_note = gpu_contrast(done["gpu"], meta.get("gpu_skipped"),
                                          done["python"])
        rows += gpu_rows
        text = tables.contrast_markdown(rows) + gpu_note
        write(outdir, "contrast.md", banner + text)
        sections += ["## Python against psum_omp\n", text]
        if draw(plots.contrast, outdir, rows, frame):
            sections.append("![Python against psum_omp](contrast.png)\n")
        printed.append("Python against psum_omp\n\n" + text)
    sizes = tables.size_rows(done["sizes"]) if done["sizes"] else {}
    if sizes:
        text = tables.size_markdown(sizes, threshold)
        write(outdir, "sizes.md", banner + text)
        sections += ["## Time against N\n", text]
        if draw(plots.sizes, outdir, sizes, frame):
            sections.append("![time against N](sizes.png)\n")
    if done["schedules"]:
        text = tables.schedule_markdown(done["schedules"], threshold)
        write(outdir, "schedules.md", banner + text)
        sections += ["## Schedules and chunks\n", text]
    if "mpi" in meta.get("sweeps", []):
        text, shown = mpi.section(done["mpi"], meta.get("mpi_skipped"), outdir, draw, frame,
                                  cpus, done["threads"], banner, threshold)
        sections += ["## Across MPI ranks: psum_mpi\n", text]
        printed.append(shown)
    text = drift_markdown(done, watched, meta, limits)
    sections += ["## Measured against drift\n", text]
    if watched and draw(plots.watch, outdir, watched, limits["watch_slow_fraction"], frame):
        sections.append("![the machine watch over the set](watch.png)\n")
    printed.append("Measured against drift\n\n" + text)
    sections.append("Raw data: [runs.jsonl](runs.jsonl) (every psum_omp and pysum.py JSON "
                    "document, and the watch's), [samples.csv](samples.csv) (psum_omp, every "
                    "repetition), [python.csv](python.csv), [watch.csv](watch.csv).\n")
    return "\n".join(printed), "\n".join(sections)


def drift_markdown(done, watched, meta, limits):
    """The summary's account of the method against drift and what it found:
    processes, order, the unstable and slow configurations, the watch."""
    configs = [r for recs in done.values() for r in recs if r["kind"] in aggregate.KINDS]
    counts = sorted({r["doc"].get("processes", 1) for r in configs})
    lines = []
    if counts == [1] or not configs:
        lines.append("Each configuration ran in one process (a set from before the sweep ran "
                     "several): no verdict between processes.\n")
    else:
        seed = meta.get("order_seed")
        lines.append(f"Each psum configuration ran in {'–'.join(map(str, counts))} processes, "
                     "in rounds of a shuffled order"
                     + (f" (seed {seed}, the order in run.json)" if seed is not None else "")
                     + ": tables give the median of the process medians and their min–max. "
                     f"Unstable (‡): the process medians' max/min above "
                     f"{limits['unstable_max_over_min']:g}.\n")
        unstable = [r for r in configs if aggregate.is_unstable(r["doc"])]
        slow = [r for r in configs if aggregate.is_slow(r["doc"])]
        lines.append(f"{len(unstable)} of {len(configs)} configurations unstable, {len(slow)} "
                     f"measured beside a slow machine watch (¶).\n")
        if unstable:
            lines.append("Unstable:\n\n" + "\n".join(
                f"- {config_label(r)}: process medians "
                + ", ".join(f"{t:.4g}" for t in r["doc"]["parallel"]["process_medians_s"])
                + " s" for r in unstable) + "\n")
    lines.append(tables.watch_markdown(watched, limits["watch_slow_fraction"],
                                       meta.get("watch_skipped")))
    return "\n".join(lines)


def config_label(record):
    """One configuration named as the progress lines name it."""
    d, spec = record["doc"], record["spec"]
    if record["kind"] == "psum_mpi":
        return (f"mpi {spec['study']}: {d['mode']}, N={d['n']:,}, {d['ranks']} ranks x "
                f"{d['threads_per_rank']} threads")
    return (f"{record['sweep']}: {d['mode']}, N={d['n']:,}, {d['threads']} threads, "
            f"{d['schedule']}/{d['chunks']}")


def job_elapsed():
    """Seconds since bench/run.sh started (its PSUM_JOB_STARTED, the epoch
    time before it installed and built anything), so a set records how long
    the whole main job took; None when the sweep was started otherwise."""
    try:
        seconds = time.time() - float(os.environ.get("PSUM_JOB_STARTED", ""))
    except ValueError:
        return None
    return round(seconds, 1) if 0 < seconds < 86400 else None


def warn(text):
    print(f"sweep.py: warning: {text}", file=sys.stderr)


def render(path, root):
    """--render: rebuilds a set's tables, plots and summary from its files,
    and the index of the results root when the set lies under it (a set
    brought back from another machine); damaged records are skipped with a
    warning."""
    try:
        # Checked as read: a set may come from another machine, or be damaged.
        machine = machine_record.checked(read_json(os.path.join(path, "machine.json")), warn)
        meta = results.check_meta(read_json(os.path.join(path, "run.json")), warn)
        records = runs.read_records(os.path.join(path, "runs.jsonl"), warn,
                                    convert=runs.check_record)
        done = {s: [r for r in records if r["sweep"] == s] for s in SWEEPS + (watch.SWEEP,)}
        text, summary = report(done, machine, meta, path)
        write(path, "summary.md", summary)
        inside = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
        if not inside.startswith(os.pardir):
            results.write_index(root)
    except (OSError,) + TABLE_ERRORS as e:
        print(f"sweep.py: cannot render '{path}': {one_line(e)}", file=sys.stderr)
        return 1
    print(text)
    print(f"sweep.py: result set {path} rendered from {len(records)} runs", file=sys.stderr)
    return 0


def main(argv):
    args = parse_args(argv)
    # SIGTERM, SIGHUP and SIGQUIT end a run as Ctrl-C does: the same clean-up.
    runs.exit_on_ending_signals()
    try:
        return render(args.render, args.out) if args.render is not None else sweep(args)
    except KeyboardInterrupt:
        print("sweep.py: interrupted", file=sys.stderr)
        return 130
    except (runs.RunFailed, RuntimeError, OSError) as e:
        print(f"sweep.py: {e}", file=sys.stderr)
        return 1


def sweep(args):
    binary = os.path.join(args.build, "src", "psum_omp")
    if not os.access(binary, os.X_OK):
        print(f"sweep.py: no psum_omp at {binary}: build first (bench/run.sh does)",
              file=sys.stderr)
        return 1
    env = dict(os.environ)
    env.setdefault("OMP_PROC_BIND", "close")
    # The Python rows read their counts with the psum_omp measured here.
    env[psum.ENV] = os.path.abspath(binary)
    python = args.python_exe if {"python", "gpu"} & set(args.sweeps) else None

    psum_machine = probe(binary, env)
    machine = machine_record.record(psum_machine, binary, args.build, REPO, env, python)
    cpus = machine["logical_cpus"]
    gpu_skipped = gpu_unusable(binary, env) if "gpu" in args.sweeps else None
    # 1 and up, as --seed takes them, so a recorded seed can always be given back.
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**32)
    jobs = interleave(plan(args, cpus, python,
                           gpu_usable="gpu" in args.sweeps and gpu_skipped is None),
                      args.processes, seed)
    watch_skipped = watch.unavailable(args.build)
    if watch_skipped:
        warn(f"no machine watch: {watch_skipped}")
    outdir = results.new_run_dir(args.out, args.machine or machine_record.slug(machine),
                                 args.quick)
    meta = {"n": args.n, "repeat": args.repeat, "quick": args.quick, "sweeps": args.sweeps,
            "chunk_counts": args.chunk_counts, "stream_max": args.stream_max,
            "python_repeat": args.python_repeat,
            "python_rows": args.python_rows if python else [],
            "python_budget_s": args.python_budget, "git_commit": machine["git_commit"],
            "gpu_skipped": gpu_skipped, "mpi_skipped": args.mpi_skipped,
            "processes": args.processes, "order_seed": seed,
            "unstable_max_over_min": aggregate.UNSTABLE_MAX_OVER_MIN,
            "watch_slow_fraction": aggregate.WATCH_SLOW_FRACTION,
            "watch": None if watch_skipped else {"n": watch.N, "repeat": watch.REPEAT},
            "watch_skipped": watch_skipped,
            "order": [job.describe() for job in jobs], "complete": False}
    if args.quick:
        print("sweep.py: SMOKE RUN (--quick): its figures are no results", file=sys.stderr)
    print(f"sweep.py: {len(jobs)} runs ({args.processes} processes per psum configuration, "
          f"order seed {seed}), results in {outdir}", file=sys.stderr)
    try:
        write(outdir, "machine.json", json.dumps(machine, indent=2) + "\n")
        write(outdir, "run.json", json.dumps(meta, indent=2) + "\n")
        started = time.monotonic()
        done = execute(jobs, binary, python, env, outdir, cpus,
                       None if watch_skipped else args.build)
        meta["complete"] = True
        meta["elapsed_s"] = round(time.monotonic() - started, 1)
        meta["job_elapsed_s"] = job_elapsed()
        try:
            printed, summary = report(done, machine, meta, outdir)
        except TABLE_ERRORS as e:
            raise runs.RunFailed(f"cannot tabulate the runs ({type(e).__name__}: {e})") \
                from None
        # run.json says complete before summary.md is written without the
        # "Partial set" banner: an interrupt in between leaves no summary,
        # never one that looks whole beside a run.json that says partial.
        write(outdir, "run.json", json.dumps(meta, indent=2) + "\n")
        write(outdir, "summary.md", summary)
        results.write_index(args.out)
    except (KeyboardInterrupt, SystemExit):
        print(f"sweep.py: stopped; {outdir} holds every finished configuration "
              f"(bench/sweep.py --render {outdir} tabulates them)", file=sys.stderr)
        raise
    except runs.RunFailed as e:
        raise runs.RunFailed(f"{e}; {outdir} holds every finished configuration") from None
    except OSError as e:
        raise runs.RunFailed(f"{e}; the result set {outdir} is incomplete") from None
    print(printed)
    print(f"sweep.py: result set written to {outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
