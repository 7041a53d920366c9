"""A whole result set: which jobs the chosen sweeps make, in which
interleaved order they run, each one run and its records kept as it ends,
where the set goes, and run.json's account of it; the report is report.py's.
bench/sweep.py parses the command line and calls sweep() here."""
import copy
import json
import os
import random
import shutil
import sys
import time

from . import aggregate, mpi, psum, records, report, results, runs, tables, watch
from . import machine as machine_record
from .files import one_line

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(BENCH)
SWEEPS = runs.SWEEPS


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
    jsonl = records.RecordWriter(os.path.join(outdir, "runs.jsonl"))
    progress = runs.Progress(jobs, cpus)
    pysum = os.path.join(BENCH, "pysum.py")
    start = time.monotonic()

    def keep(record, started):
        record.update(started_s=round(started - start, 3),
                      ended_s=round(time.monotonic() - start, 3))
        jsonl.write(record)
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
        jsonl.close()
    return done


def job_elapsed():
    """Seconds since bench/run.sh started (its PSUM_JOB_STARTED, the epoch
    time before it installed and built anything), so a set records how long
    the whole main job took; None when the sweep was started otherwise."""
    try:
        seconds = time.time() - float(os.environ.get("PSUM_JOB_STARTED", ""))
    except ValueError:
        return None
    return round(seconds, 1) if 0 < seconds < 86400 else None


def sweep(args):
    """The main job: the chosen sweeps run into a new set under args.out
    (args as sweep.py's parse_args leaves them), then its report.  Returns
    the exit status (1 without a built psum_omp); raises runs.RunFailed,
    OSError or KeyboardInterrupt for sweep.py's main to turn into one."""
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
        report.warn(f"no machine watch: {watch_skipped}")
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
        report.write(outdir, "machine.json", json.dumps(machine, indent=2) + "\n")
        report.write(outdir, "run.json", json.dumps(meta, indent=2) + "\n")
        started = time.monotonic()
        done = execute(jobs, binary, python, env, outdir, cpus,
                       None if watch_skipped else args.build)
        meta["complete"] = True
        meta["elapsed_s"] = round(time.monotonic() - started, 1)
        meta["job_elapsed_s"] = job_elapsed()
        try:
            printed, summary = report.report(done, machine, meta, outdir)
        except report.TABLE_ERRORS as e:
            raise runs.RunFailed(f"cannot tabulate the runs ({type(e).__name__}: {e})") \
                from None
        # run.json says complete before summary.md is written without the
        # "Partial set" banner: an interrupt in between leaves no summary,
        # never one that looks whole beside a run.json that says partial.
        report.write(outdir, "run.json", json.dumps(meta, indent=2) + "\n")
        report.write(outdir, "summary.md", summary)
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
