"""A result set's report: which tables and plots it holds, its mpi.md and
summary.md, built from its records alone, so a set renders the same when it
is measured (orchestrate.sweep) and when it is rendered again (render, for
sweep.py --render).  The tables are tables.py's, the plots plots.py's."""
import os
import sys

from . import aggregate, plots, records, results, runs, tables, watch
from . import machine as machine_record
from .files import one_line, read_json, write_atomic

SMOKE_BANNER = ("**SMOKE RUN** (`--quick`): small N, few repetitions and processes; these "
                "figures check the wiring and are no results.\n")
SMOKE_TITLE = "SMOKE RUN, no results: "


def write(outdir, name, text):
    """outdir/name holds text whole, or its old content: never a file cut
    short that a reader would take for the whole."""
    write_atomic(os.path.join(outdir, name), text)


# What a record that passed records.check_record can still raise in the tables
# (a field of the wrong shape): turned into one line and exit 1, never a
# traceback.
TABLE_ERRORS = (LookupError, TypeError, ValueError, ArithmeticError)


def report(done, machine, meta, outdir):
    """Tables and plots from the records alone, so a set renders the same
    when it is measured and when it is rendered again; returns the text
    printed at the end and that of summary.md, which the caller writes
    last (orchestrate.sweep() only once run.json says whether the set is complete).
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
    draw = plots.Plotter()
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
        gpu_rows, gpu_note = tables.gpu_contrast(done["gpu"], meta.get("gpu_skipped"),
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
        text, shown = mpi_section(done["mpi"], meta.get("mpi_skipped"), outdir, draw, frame,
                                  cpus, done["threads"], banner, threshold)
        sections += ["## Across MPI ranks: psum_mpi\n", text]
        printed.append(shown)
    text = tables.drift_markdown(done, watched, meta, limits)
    sections += ["## Measured against drift\n", text]
    if watched and draw(plots.watch, outdir, watched, limits["watch_slow_fraction"], frame):
        sections.append("![the machine watch over the set](watch.png)\n")
    printed.append("Measured against drift\n\n" + text)
    sections.append("Raw data: [runs.jsonl](runs.jsonl) (every psum_omp and pysum.py JSON "
                    "document, and the watch's), [samples.csv](samples.csv) (psum_omp, every "
                    "repetition), [python.csv](python.csv), [watch.csv](watch.csv).\n")
    return "\n".join(printed), "\n".join(sections)


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
        found = records.read_records(os.path.join(path, "runs.jsonl"), warn,
                                     convert=records.check_record)
        done = {s: [r for r in found if r["sweep"] == s] for s in runs.SWEEPS + (watch.SWEEP,)}
        text, summary = report(done, machine, meta, path)
        write(path, "summary.md", summary)
        inside = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
        if not inside.startswith(os.pardir):
            results.write_index(root)
    except (OSError,) + TABLE_ERRORS as e:
        print(f"sweep.py: cannot render '{path}': {one_line(e)}", file=sys.stderr)
        return 1
    print(text)
    print(f"sweep.py: result set {path} rendered from {len(found)} runs", file=sys.stderr)
    return 0


def mpi_section(records, skipped, outdir, draw, frame, cpus, others=(), banner="",
                threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    """The result set's MPI section (also written to mpi.md, after banner);
    records and others (the threads sweep's, the reference) are aggregated
    (aggregate.aggregate); draw is report()'s plots.Plotter.  Returns (markdown,
    text to print)."""
    if skipped:
        text = f"{skipped}\n"
        write(outdir, "mpi.md", banner + text)
        return text, "psum_mpi: " + text
    strong, weak = tables.mpi_strong_rows(records, others), tables.mpi_weak_rows(records)
    parts = []
    if strong:
        parts += ["### Strong scaling: every split of the CPUs\n",
                  tables.mpi_strong_markdown(strong, cpus, threshold)]
        if draw(plots.mpi_strong, outdir, strong, frame):
            parts.append("![psum_mpi strong scaling](mpi_strong.png)\n")
    if weak:
        parts += ["### Weak scaling: a fixed N per rank\n",
                  tables.mpi_weak_markdown(weak, threshold)]
        if draw(plots.mpi_weak, outdir, weak, frame):
            parts.append("![psum_mpi weak scaling](mpi_weak.png)\n")
    python = [r for r in records if r["kind"] == "python_mpi"]
    if python and python[-1]["doc"].get("available"):
        d = python[-1]["doc"]
        parts.append(f"Python mpi4py (bench/pysum_mpi.py), {d['ranks']} ranks, N = {d['n']:,}: "
                     f"median {d['median_s']:.3g} s, "
                     f"{d['median_s'] / d['n'] * 1e9:.3g} ns per element (in the contrast "
                     "table).\n")
    text = "\n".join(parts) or "no psum_mpi run finished\n"
    write(outdir, "mpi.md", banner + text)
    return text, "Across MPI ranks\n\n" + text
