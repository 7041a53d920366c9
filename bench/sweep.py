#!/usr/bin/env python3
"""The main job: psum_omp's speedup tables, the Python-vs-C contrast, plots,
and a result set under results/<machine>/<run id>/.

Sweeps (all verified, every repetition kept as a CSV row):
  threads    both modes at OMP_NUM_THREADS = 1, 2, 4, ... up to the logical
             CPUs, plus one oversubscribed point at twice the CPUs
  schedules  static, dynamic, guided x chunk counts, at all CPUs
  sizes      N = 10^3 ... N (materialize) and ... 10^11 (stream), serial
             against parallel, and the crossover N
  python     serial, threads, processes (the article's split), numpy

usage: bench/sweep.py [options]     (bench/sweep.py --help lists them)
"""
import argparse
import json
import os
import signal
import subprocess
import sys

from psumbench import machine as machine_record
from psumbench import plots, results, runs, tables
from psumbench.args import count, count_list

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LIST_BYTES_PER_ELEMENT = 36   # 8-byte pointer + 28-byte int object
PROCESS_OVERHEAD = 40 << 20   # a worker interpreter
SWEEPS = ("threads", "schedules", "sizes", "python")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/sweep.py",
        description="Sweep psum_omp over threads, schedules and sizes, run the Python "
                    "programs beside it, and write tables, plots and a result set.")
    p.add_argument("-n", type=count, default=10**9, help="elements (default 1e9)")
    p.add_argument("--repeat", type=count, default=5,
                   help="timed repetitions per psum_omp run (default 5)")
    p.add_argument("--quick", action="store_true",
                   help="a reduced sweep at small N (well under a minute), for smoke tests")
    p.add_argument("--sweeps", default=",".join(SWEEPS),
                   help=f"which sweeps to run (default {','.join(SWEEPS)})")
    p.add_argument("--chunk-counts", type=count_list, default=None,
                   help="chunk counts of the schedule sweep (default 1,2,10,100,1000,1e4,1e5)")
    p.add_argument("--stream-max", type=count, default=None,
                   help="largest N of the stream size sweep (default 1e11)")
    p.add_argument("--python-n", type=count, default=None,
                   help="N of the Python rows (default: -n, reduced to fit memory)")
    p.add_argument("--workers", type=count, default=20,
                   help="ProcessPoolExecutor / ThreadPoolExecutor workers (default 20)")
    p.add_argument("--python-chunks", type=count, default=100,
                   help="chunks of the Python pools (default 100)")
    p.add_argument("--build", default=os.path.join(REPO, "build"),
                   help="Meson build folder holding src/psum_omp (default build)")
    p.add_argument("--out", default=os.path.join(REPO, "results"),
                   help="results root (default results/)")
    p.add_argument("--machine", help="folder name for this machine (default from the CPU)")
    args = p.parse_args(argv)
    args.sweeps = [s.strip() for s in args.sweeps.split(",") if s.strip()]
    unknown = [s for s in args.sweeps if s not in SWEEPS]
    if unknown or not args.sweeps:
        p.error(f"invalid value '{','.join(unknown)}' for --sweeps: expected some of "
                f"{', '.join(SWEEPS)}")
    if args.quick:
        args.n = min(args.n, 10**6)
        args.repeat = min(args.repeat, 2)
        args.workers = min(args.workers, 4)
    args.chunk_counts = args.chunk_counts or (
        [1, 10, 100, 1000] if args.quick else [1, 2, 10, 100, 1000, 10**4, 10**5])
    args.stream_max = args.stream_max or (10**7 if args.quick else 10**11)
    args.python_n = args.python_n or (10**5 if args.quick else args.n)
    if args.n > 2**62 or args.stream_max > 2**62:
        p.error("invalid value for -n or --stream-max: must not exceed 2^62")
    return args


def python_bytes(impl, n, workers, chunks):
    """Peak memory of one Python row, roughly."""
    if impl == "numpy":
        return n * 8
    if impl == "serial":
        return n * LIST_BYTES_PER_ELEMENT
    alive = min(workers, chunks) * -(-n // chunks) * LIST_BYTES_PER_ELEMENT
    return alive + (workers * PROCESS_OVERHEAD if impl == "processes" else 0)


def fitting_n(impl, n, workers, chunks, available):
    """The requested n, or the largest power of ten below it that fits in
    80% of the memory available (0: unknown, n stands); with a note when it
    was reduced."""
    budget = available * 0.8
    if not available or python_bytes(impl, n, workers, chunks) <= budget:
        return n, ""
    m = 10 ** (len(str(n)) - 1)
    while m > 1 and python_bytes(impl, m, workers, chunks) > budget:
        m //= 10
    need = python_bytes(impl, n, workers, chunks) / 1e9
    return m, (f"run at N = {m:,} instead of {n:,}: that needs ~{need:.0f} GB, "
               f"{available / 1e9:.1f} GB available")


def thread_points(cpus):
    points, t = [], 1
    while t <= cpus:
        points.append(t)
        t *= 2
    if points[-1] != cpus:
        points.append(cpus)
    return points + [2 * cpus]


def powers_of_ten(lo, hi):
    out, n = [], lo
    while n <= hi:
        out.append(n)
        n *= 10
    return out


def plan(args, cpus):
    jobs = []
    modes = ("materialize", "stream")
    if "threads" in args.sweeps:
        jobs += [runs.PsumJob("threads", mode, args.n, t, args.repeat)
                 for mode in modes for t in thread_points(cpus)]
    if "schedules" in args.sweeps:
        jobs += [runs.PsumJob("schedules", mode, args.n, cpus, args.repeat, sched, c,
                              serial=False)
                 for mode in modes for c in args.chunk_counts
                 for sched in ("static", "dynamic", "guided")]
    if "sizes" in args.sweeps:
        jobs += [runs.PsumJob("sizes", "materialize", n, cpus, args.repeat)
                 for n in powers_of_ten(1000, args.n)]
        # The largest stream sizes take seconds per repetition: three suffice.
        jobs += [runs.PsumJob("sizes", "stream", n, cpus,
                              args.repeat if n < 10**10 else min(args.repeat, 3))
                 for n in powers_of_ten(1000, args.stream_max)]
    if "python" in args.sweeps:
        available = machine_record.meminfo_bytes("MemAvailable") or 0
        for impl in ("serial", "threads", "processes", "numpy"):
            n, note = fitting_n(impl, args.python_n, args.workers, args.python_chunks,
                                available)
            jobs.append(runs.PythonJob(impl, n, args.python_n, args.workers,
                                       args.python_chunks, note))
    return jobs


def probe(binary, env):
    """psum_omp's machine object, from a tiny run."""
    p = subprocess.run([binary, "-n", "1000", "--repeat", "1", "--format", "json"],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise runs.RunFailed(f"{binary} does not run: {p.stderr.strip()}")
    return json.loads(p.stdout)["machine"]


def execute(jobs, binary, env, outdir, cpus):
    """Runs every job; raw rows go to CSV as they come.  Returns the
    (job, document) pairs of each sweep."""
    done = {s: [] for s in SWEEPS}
    psum_csv = runs.RowWriter(os.path.join(outdir, "samples.csv"), runs.PSUM_COLUMNS)
    python_csv = runs.RowWriter(os.path.join(outdir, "python.csv"), runs.PYTHON_COLUMNS)
    progress = runs.Progress(jobs, cpus)
    pysum = os.path.join(HERE, "pysum.py")
    try:
        for i, job in enumerate(jobs):
            progress.starting(i, job)
            if isinstance(job, runs.PythonJob):
                doc = job.run(pysum, env)
                python_csv.write(job.rows(doc))
                done["python"].append((job, doc))
            else:
                doc = job.run(binary, env)
                psum_csv.write(job.rows(doc))
                done[job.sweep].append((job, doc))
            progress.finished(i)
    finally:
        psum_csv.close()
        python_csv.close()
    return done


def write(outdir, name, text):
    with open(os.path.join(outdir, name), "w") as f:
        f.write(text)


def report(done, machine, args, outdir):
    """Tables, plots and summary.md; returns the text printed at the end."""
    cpus = machine["logical_cpus"]
    caption = (f"{machine['cpu_model']}, {cpus} logical CPUs, {machine['compiler']}, "
               f"THP {machine['huge_pages']}; {machine['date'][:10]}, commit "
               f"{(machine['git_commit'] or '?')[:10]}").replace("_", "\\\\_")
    sections = [f"# psum_omp result set {os.path.basename(outdir)}\n",
                "Machine ([machine.json](machine.json)):\n", machine_record.markdown(machine)]
    printed = []
    if done["threads"]:
        by_mode = tables.thread_rows(done["threads"], cpus)
        text = tables.speedup_markdown(by_mode)
        write(outdir, "speedup.md", text)
        plots.speedup(outdir, by_mode, cpus, caption)
        sections += ["## Speedup against threads\n", text,
                     "![speedup against threads](speedup.png)\n"]
        printed.append("Speedup against threads\n\n" + text)
    if done["python"] or done["threads"]:
        rows = tables.contrast_rows(done["threads"], done["python"], cpus)
        text = tables.contrast_markdown(rows)
        write(outdir, "contrast.md", text)
        if any(r["seconds"] for r in rows):
            plots.contrast(outdir, rows, caption)
        sections += ["## Python against psum_omp\n", text,
                     "![Python against psum_omp](contrast.png)\n"]
        printed.append("Python against psum_omp\n\n" + text)
    if done["sizes"]:
        by_mode = tables.size_rows(done["sizes"])
        text = tables.size_markdown(by_mode)
        write(outdir, "sizes.md", text)
        plots.sizes(outdir, by_mode, caption)
        sections += ["## Time against N\n", text, "![time against N](sizes.png)\n"]
    if done["schedules"]:
        text = tables.schedule_markdown(done["schedules"])
        write(outdir, "schedules.md", text)
        sections += ["## Schedules and chunks\n", text]
    sections.append("Raw samples: [samples.csv](samples.csv) (psum_omp, every repetition), "
                    "[python.csv](python.csv).\n")
    write(outdir, "summary.md", "\n".join(sections))
    return "\n".join(printed)


def main(argv):
    args = parse_args(argv)
    try:
        return sweep(args)
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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    psum_machine = probe(binary, env)
    machine = machine_record.record(psum_machine, binary, args.build, REPO, env)
    cpus = machine["logical_cpus"]
    jobs = plan(args, cpus)
    outdir = results.new_run_dir(args.out, args.machine or machine_record.slug(machine),
                                 args.quick)
    meta = {"n": args.n, "repeat": args.repeat, "quick": args.quick, "sweeps": args.sweeps,
            "git_commit": machine["git_commit"], "complete": False}
    write(outdir, "machine.json", json.dumps(machine, indent=2) + "\n")
    write(outdir, "run.json", json.dumps(meta, indent=2) + "\n")
    print(f"sweep.py: {len(jobs)} configurations, results in {outdir}", file=sys.stderr)
    try:
        done = execute(jobs, binary, env, outdir, cpus)
    except KeyboardInterrupt:
        print(f"sweep.py: interrupted; the CSVs in {outdir} hold every finished "
              "configuration", file=sys.stderr)
        return 130
    except runs.RunFailed as e:
        raise runs.RunFailed(f"{e}; the CSVs in {outdir} hold every finished "
                             "configuration") from None
    printed = report(done, machine, args, outdir)
    meta["complete"] = True
    write(outdir, "run.json", json.dumps(meta, indent=2) + "\n")
    results.write_index(args.out)
    print(printed)
    print(f"sweep.py: result set written to {outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
