"""The mpi sweep: psum_mpi through mpirun on this machine.

  strong  every split of the logical CPUs into R ranks x T threads (R x T =
          CPUs), at the sweep's N, beside psum_omp at all CPUs
  weak    1, 2, 4, ... ranks of one thread each (and one per CPU), at a
          fixed N per rank (N / CPUs, so the largest run sums N)
  python  bench/pysum_mpi.py, the mpi4py counterpart, with one rank per
          CPU, at the N of the article's Python rows (else the N their
          serial row chooses within --python-budget): a row of the contrast

Each rank is bound to T logical CPUs of its own (mpirun --use-hwthread-cpus
--map-by slot:PE=T --bind-to hwthread), its threads placed by
OMP_PROC_BIND.  Every run goes through runs.run_child, so mpirun and its
ranks form one process group that the sweep ends on every exit path, and is
recorded in runs.jsonl as {"sweep": "mpi", "kind", "spec", "doc"} with kind
"psum_mpi" or "python_mpi" (not in samples.csv).  The strong-scaling
reference, psum_omp at all CPUs, comes from the threads sweep; without it
the mpi sweep runs it (kind "psum", in samples.csv as well).  Tables and
plots are built from the records alone."""
import os
import shutil
import subprocess

from . import aggregate, analysis, cost, plots, runs, tables
from .files import AtomicText, write_atomic

SWEEP = "mpi"
# What the tables read of a psum_mpi document beyond psum_omp's keys.
MPI_KEYS = ("ranks", "threads_per_rank", "nodes", "ranks_per_node", "imbalance", "reduce_s",
            "peak_rss_bytes")
KINDS = ("psum_mpi", "python_mpi")  # the jobs that run through mpirun


def availability(build):
    """((mpirun, psum_mpi), None) when the sweep can run, else (None, why)."""
    binary = os.path.join(build, "src", "psum_mpi")
    if not os.access(binary, os.X_OK):
        return None, (f"skipped: no psum_mpi at {binary} (Meson builds it when it finds MPI; "
                      "Debian: openmpi-bin libopenmpi-dev, which bench/run.sh installs)")
    mpirun = shutil.which("mpirun") or shutil.which("mpiexec")
    if mpirun is None:
        return None, "skipped: mpirun not found (Debian: openmpi-bin)"
    return (mpirun, binary), None


def splits(cpus):
    """Every (ranks, threads) with ranks x threads = cpus, fewest ranks first."""
    return [(r, cpus // r) for r in range(1, cpus + 1) if cpus % r == 0]


def weak_ranks(cpus):
    ranks, r = [], 1
    while r <= cpus:
        ranks.append(r)
        r *= 2
    return ranks if ranks[-1] == cpus else ranks + [cpus]


def launch(mpirun, ranks, threads):
    """mpirun's command line for `ranks` ranks of `threads` logical CPUs each."""
    return [mpirun, "-q", "--use-hwthread-cpus", "--map-by", f"slot:PE={threads}",
            "--bind-to", "hwthread", "-np", str(ranks)]


def launch_env(env, threads):
    env = dict(env, OMP_NUM_THREADS=str(threads))
    if os.geteuid() == 0:
        # Open MPI refuses to run as root without both.
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


class MpiJob:
    """One psum_mpi run through mpirun; process: which of the configuration's
    processes it is (None: the only one)."""
    kind = "psum_mpi"
    sweep = SWEEP
    process = None

    def __init__(self, study, mode, n, ranks, threads, repeat, mpirun, binary):
        self.study, self.mode, self.n, self.ranks, self.threads = study, mode, n, ranks, threads
        self.repeat, self.mpirun, self.binary = repeat, mpirun, binary

    def describe(self):
        return (f"mpi {self.study}: {self.mode}, N={self.n:.0e}, {self.ranks} ranks x "
                f"{self.threads} threads" + runs.process_text(self.process))

    def spec(self):
        spec = {"study": self.study, "mode": self.mode, "n": self.n, "ranks": self.ranks,
                "threads": self.threads, "repeat": self.repeat, "schedule": "dynamic",
                "chunks": 100, "serial": False}
        if self.process is not None:
            spec["process"] = self.process
        return spec

    def estimate(self, cpus):
        like = runs.PsumJob(SWEEP, self.mode, self.n, self.ranks * self.threads, self.repeat,
                            serial=False)
        return like.estimate(cpus) + 0.7  # mpirun's start

    def command(self):
        return launch(self.mpirun, self.ranks, self.threads) + [
            self.binary, "--format", "json", "-n", str(self.n), "--mode", self.mode,
            "--repeat", str(self.repeat), "--no-serial"]

    def run(self, env):
        cmd = self.command()
        rc, out, err = runs.run_child(cmd, launch_env(env, self.threads))
        if rc in (130, -2):
            raise KeyboardInterrupt
        if rc != 0:
            raise runs.RunFailed(f"{' '.join(cmd)} exited {rc}: {err.strip()}")
        doc = runs.json_doc(cmd, out, runs.PSUM_KEYS + MPI_KEYS)
        if not doc["verified"]:
            raise runs.RunFailed(f"{self.describe()} did not verify: sum {doc['sum']}, "
                                 f"expected {doc['expected']}")
        runs.check_sum(self.describe(), self.n, doc["sum"])
        return doc


def _imports_mpi4py(python):
    try:
        p = subprocess.run([python, "-c", "import mpi4py"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0


class PythonMpiJob:
    """bench/pysum_mpi.py through mpirun, one rank per CPU, at the N of the
    article's rows once the python sweep has settled it; else at the N that
    the article's serial row chooses within its budget (pysum.py list
    --calibrate-only), up to max_n."""
    kind = "python_mpi"
    sweep = SWEEP

    def __init__(self, ranks, max_n, repeat, budget, mpirun, scripts, pythons, group=None):
        self.ranks, self.max_n, self.repeat, self.budget = ranks, max_n, repeat, budget
        self.mpirun, self.pythons, self.group = mpirun, pythons, group
        self.script, self.pysum = scripts
        self.n = None

    def describe(self):
        return f"mpi python: mpi4py, {self.ranks} ranks"

    def spec(self):
        return {"row": "mpi4py", "ranks": self.ranks, "n": self.n, "max_n": self.max_n,
                "repeat": self.repeat, "budget_s": self.budget}

    def estimate(self, cpus):
        return self.budget * 1.5 + 1.0

    def python(self):
        """The first candidate interpreter that imports mpi4py, else the first."""
        found = [p for p in self.pythons if p]
        return next((p for p in found if _imports_mpi4py(p)), found[0])

    def choose_n(self, python, env):
        """(N, a note that says how it was chosen)."""
        if self.group is not None and self.group.n is not None:
            return self.group.n, f"N = {self.group.n:,}, the article's rows' shared N"
        serial = runs.PythonJob("list", "list", self.max_n, self.repeat, budget=self.budget)
        doc = serial.call(python, self.pysum, env, ["--calibrate-only"])
        if not doc.get("available"):
            n = min(self.max_n, 10**6)
            return n, f"N = {n:,}: the serial row, which would choose it, cannot run"
        model = cost.Fit(doc["fixed_s"], doc["per_element_s"])
        return doc["n"], (f"N = {doc['n']:,}, the N the article's serial row chooses by its "
                          f"{cost.describe_fit(model, doc['calibration'])} within its "
                          f"{self.budget:g} s budget")

    def run(self, env):
        python = self.python()
        self.n, note = self.choose_n(python, env)
        cmd = launch(self.mpirun, self.ranks, 1) + [
            python, self.script, "--n", str(self.n), "--repeat", str(self.repeat)]
        rc, out, err = runs.run_child(cmd, launch_env(env, 1))
        if rc in (130, -2):
            raise KeyboardInterrupt
        if rc not in (0, 3):
            raise runs.RunFailed(f"{' '.join(cmd)} exited {rc}: {err.strip()}")
        doc = runs.json_doc(cmd, out, ("impl", "available"))
        if doc["available"]:
            runs.check_sum(self.describe(), doc["n"], doc["sum"])
            doc["n_note"] = note
        return doc


def plan(args, cpus, build, group, pythons, reference):
    """The sweep's jobs, or ([], why) when psum_mpi or mpirun is missing.
    With reference, psum_omp at all CPUs runs too (as a psum job of this
    sweep): the threads sweep, when it runs, measures that already."""
    found, why = availability(build)
    if found is None:
        return [], why
    mpirun, binary = found
    jobs = []
    for mode in ("materialize", "stream"):
        if reference:
            jobs.append(runs.PsumJob(SWEEP, mode, args.n, cpus, args.repeat, serial=False))
        jobs += [MpiJob("strong", mode, args.n, r, t, args.repeat, mpirun, binary)
                 for r, t in splits(cpus)]
        per_rank = max(args.n // cpus, 1)
        jobs += [MpiJob("weak", mode, per_rank * r, r, 1, args.repeat, mpirun, binary)
                 for r in weak_ranks(cpus)]
    bench = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scripts = (os.path.join(bench, "pysum_mpi.py"), os.path.join(bench, "pysum.py"))
    jobs.append(PythonMpiJob(cpus, args.python_n, args.python_repeat, args.python_budget,
                             mpirun, scripts, pythons, group))
    return jobs, None


# ---- tables ----

def _by_kind(records, kind, study=None):
    return [r for r in records if r["kind"] == kind and
            (study is None or r["spec"].get("study") == study)]


def _ratio(doc):
    imb = doc.get("imbalance") or {}
    return imb["max_s"] / imb["mean_s"] if imb.get("mean_s") else None


def _spread(doc):
    """A time's relative spread, max/min - 1: of the process medians, or of
    the repetitions in a one-process set."""
    par = doc["parallel"]
    return par["max_s"] / par["min_s"] - 1 if par["min_s"] > 0 else 0.0


def _fmt(x, spec, none="–"):
    return none if x is None else format(x, spec)


def strong_rows(records, others=()):
    """Per mode: the psum_omp reference and every split, each with its time
    relative to psum_omp at all CPUs: the reference is the psum_omp run at
    the splits' N with as many threads as CPUs, from this sweep's records or
    `others` (the threads sweep's)."""
    out = {}
    for mode in ("materialize", "stream"):
        docs = sorted((r["doc"] for r in _by_kind(records, "psum_mpi", "strong")
                       if r["doc"]["mode"] == mode), key=lambda d: d["ranks"])
        if not docs:
            continue
        cpus = docs[0]["ranks"] * docs[0]["threads_per_rank"]
        ref = next((r["doc"] for r in _by_kind(list(records) + list(others), "psum")
                    if r["doc"]["mode"] == mode and r["doc"]["n"] == docs[0]["n"] and
                    r["doc"]["threads"] == cpus), None)
        base = ref["parallel"]["median_s"] if ref else None
        rows = [{"label": f"{d['ranks']} × {d['threads_per_rank']}", "ranks": d["ranks"],
                 "threads": d["threads_per_rank"], "n": d["n"],
                 "median_s": d["parallel"]["median_s"], "min_s": d["parallel"]["min_s"],
                 "max_s": d["parallel"]["max_s"],
                 "vs_omp": d["parallel"]["median_s"] / base if base else None,
                 "imbalance": _ratio(d), "reduce_s": d.get("reduce_s"),
                 "peak_rss": d["peak_rss_bytes"], "noisy": tables.is_noisy(d),
                 "unstable": aggregate.is_unstable(d) or bool(ref and aggregate.is_unstable(ref)),
                 "doc": d} for d in docs]
        out[mode] = {"rows": rows, "ref": ref, "n": docs[0]["n"]}
    return out


def weak_rows(records):
    """Per mode: 1, 2, ... ranks at a fixed N per rank, each with its
    efficiency, the 1-rank time over its own."""
    out = {}
    for mode in ("materialize", "stream"):
        docs = sorted((r["doc"] for r in _by_kind(records, "psum_mpi", "weak")
                       if r["doc"]["mode"] == mode), key=lambda d: d["ranks"])
        one = next((d for d in docs if d["ranks"] == 1), None)
        if not docs:
            continue
        rows = []
        for d in docs:
            eff = one["parallel"]["median_s"] / d["parallel"]["median_s"] if one else None
            # The efficiency's spread: the relative spreads of the two times it divides.
            spread = (_spread(one) + _spread(d)) if one else None
            rows.append({"ranks": d["ranks"], "n": d["n"], "per_rank": d["n"] // d["ranks"],
                         "median_s": d["parallel"]["median_s"], "min_s": d["parallel"]["min_s"],
                         "max_s": d["parallel"]["max_s"], "efficiency": eff,
                         "spread": spread,
                         "efficiency_unfit": analysis.efficiency_unfit(eff, spread)
                         if eff is not None and d is not one else None,
                         "imbalance": _ratio(d), "reduce_s": d.get("reduce_s"),
                         "noisy": tables.is_noisy(d),
                         "unstable": aggregate.is_unstable(d) or
                         bool(one and aggregate.is_unstable(one)), "doc": d})
        out[mode] = {"rows": rows}
    return out


def strong_markdown(strong, cpus, threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    parts = []
    for mode, data in strong.items():
        ref = data["ref"]
        rows = []
        if ref:
            par = ref["parallel"]
            rows.append((f"psum_omp, {ref['threads']} threads",
                         tables.mark_doc(f"{par['median_s']:.4g}", ref),
                         f"{par['min_s']:.4g}–{par['max_s']:.4g}",
                         tables.rate_text(mode, ref["n"], par["median_s"]), "1 (reference)",
                         "–", "–", f"{ref['peak_rss_bytes'] / 2**20:.0f}"))
        for r in data["rows"]:
            rows.append((r["label"], tables.mark_doc(f"{r['median_s']:.4g}", r["doc"]),
                         f"{r['min_s']:.4g}–{r['max_s']:.4g}",
                         tables.rate_text(mode, r["n"], r["median_s"]),
                         tables.mark(_fmt(r["vs_omp"], ".3f"), False, r["unstable"]),
                         _fmt(r["imbalance"], ".3f"),
                         _fmt(None if r["reduce_s"] is None else r["reduce_s"] * 1e6, ".1f"),
                         f"{r['peak_rss'] / 2**20:.0f}"))
        parts.append(f"**{mode}**, N = {data['n']:,}, dynamic, 100 chunks per rank, "
                     f"R ranks × T threads = {cpus} CPUs\n")
        docs = [r["doc"] for r in data["rows"]] + ([ref] if ref else [])
        parts.append(tables.markdown_table(("ranks × threads", "median s",
                                            tables.spread_head(docs), "rate",
                                            "time / psum_omp's", "local sum max / mean",
                                            "reduction µs", "peak RSS MiB (largest rank)"),
                                           rows))
        parts += tables.verdict_notes(docs, threshold)
    parts.append("Time / psum_omp's: the median repetition of psum_mpi (barrier, local sums, "
                 "reduction: the slowest rank's time) over psum_omp's median at all CPUs, "
                 "above 1 slower. Local sum max / mean: the slowest rank's median local sum "
                 "over the mean of the ranks' (1 = balanced). Reduction: the median part of a "
                 "repetition beyond its slowest local sum.\n")
    return "\n".join(parts)


def weak_markdown(weak, threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    parts, unfit = [], []
    for mode, data in weak.items():
        rows = []
        for r in data["rows"]:
            if r["efficiency_unfit"]:
                unfit.append(r["efficiency_unfit"])
            eff = "– (above 1)" if r["efficiency_unfit"] else _fmt(r["efficiency"], ".3f")
            rows.append((r["ranks"], f"{r['n']:,}", f"{r['per_rank']:,}",
                         tables.mark_doc(f"{r['median_s']:.4g}", r["doc"]),
                         f"{r['min_s']:.4g}–{r['max_s']:.4g}",
                         tables.mark(eff, False, r["unstable"]),
                         _fmt(r["imbalance"], ".3f"),
                         _fmt(None if r["reduce_s"] is None else r["reduce_s"] * 1e6, ".1f")))
        docs = [r["doc"] for r in data["rows"]]
        parts.append(f"**{mode}**, one thread per rank, N per rank fixed\n")
        parts.append(tables.markdown_table(("ranks", "N", "N per rank", "median s",
                                            tables.spread_head(docs), "efficiency",
                                            "local sum max / mean", "reduction µs"), rows))
        parts += tables.verdict_notes(docs, threshold)
    parts.append("Efficiency: the 1-rank median over this median (1 = perfect weak "
                 "scaling).\n")
    if unfit:
        parts.append(f"Efficiency –: {unfit[0]}.\n")
    return "\n".join(parts)


# ---- the Python contrast ----

def contrast_rows(rows, records):
    """The contrast's rows with the mpi4py row after the other Python rows."""
    found = _by_kind(records, "python_mpi")
    if not found:
        return rows
    doc = found[-1]["doc"]
    name = f"Python mpi4py, {found[-1]['spec']['ranks']} ranks"
    if doc.get("available"):
        row = tables.contrast_row(name, "Python", doc["timed"], doc["n"],
                                  f"{doc['ranks']} ranks", doc["median_s"], doc["min_s"],
                                  "; ".join(filter(None, [
                                      doc.get("n_note"), "bench/pysum_mpi.py under mpirun; "
                                      "timed as psum_mpi: barrier, local build and sum, "
                                      "reduce, the slowest rank"])))
    else:
        row = tables.contrast_row(name, "Python", "–", None, "–", None, None,
                                  f"not run: {doc.get('why', '?')}; "
                                  f"{doc.get('how', '')}".rstrip("; "))
    at = next((i for i, r in enumerate(rows) if r["family"] != "Python"), len(rows))
    return rows[:at] + [row] + rows[at:]


# ---- plots ----

def plot_strong(outdir, strong, frame):
    """Each split's median time over psum_omp's at all CPUs, per mode."""
    labels = [r["label"] for r in next(iter(strong.values()))["rows"]]
    with AtomicText(os.path.join(outdir, "mpi_strong.dat")) as f:
        f.write("# split " + " ".join(strong) + "\n")
        for i, label in enumerate(labels):
            cells = []
            for data in strong.values():
                r = next((x for x in data["rows"] if x["label"] == label), None)
                cells.append("NaN" if r is None or r["vs_omp"] is None else
                             f"{r['vs_omp']:.6f}")
            unstable = any(x["unstable"] for d in strong.values() for x in d["rows"]
                           if x["label"] == label)
            f.write(f"{plots.dat_text(label.replace('×', 'x'))} {' '.join(cells)} "
                    f"{int(unstable)}\n")
    ratios = [r["vs_omp"] for d in strong.values() for r in d["rows"] if r["vs_omp"]]
    top = max([1.25] + [x * 1.1 for x in ratios])
    lines = [f"'mpi_strong.dat' using {i + 2}:xtic(1) with linespoints pt 7 ps 1.3 lw 2 "
             f"lc rgb '{plots.MODE_COLOURS.get(mode, 'black')}' "
             f"title {plots.gp_text(mode)}"
             for i, mode in enumerate(strong)]
    flag = len(strong) + 2
    lines += [f"'mpi_strong.dat' using 0:(${flag} == 1 ? ${i + 2} : NaN) {plots.UNSTABLE_STYLE} "
              + (f"title '{plots.UNSTABLE_TITLE}'" if i == 0 else "notitle")
              for i, _ in enumerate(strong)
              if any(r["unstable"] for d in strong.values() for r in d["rows"])]
    title = ("psum\\\\_mpi strong scaling: R ranks x T threads = all CPUs, time over "
             "psum\\\\_omp's")
    script = f"""
set xlabel "ranks x threads per rank"
set ylabel "median time / psum\\\\_omp median"
set xrange [-0.5:{len(labels) - 0.5}]
set yrange [0:{top:.3g}]
plot 1 with lines lc rgb 'gray60' lw 3 title 'psum\\_omp at all CPUs', {', '.join(lines)}
"""
    return plots.render(outdir, "mpi_strong", script, frame, title)


def plot_weak(outdir, weak, frame):
    """Weak-scaling efficiency against ranks, per mode."""
    lines = []
    top = 1
    for mode, data in weak.items():
        dat = f"mpi_weak_{mode}.dat"
        with AtomicText(os.path.join(outdir, dat)) as f:
            f.write("# ranks efficiency unstable (NaN: no efficiency, or one that means "
                    "nothing)\n")
            for r in data["rows"]:
                shown = r["efficiency"] is not None and not r["efficiency_unfit"]
                f.write(f"{r['ranks']} {r['efficiency'] if shown else 'NaN'} "
                        f"{int(r['unstable'])}\n")
                top = max(top, r["ranks"])
        lines.append(f"'{dat}' using 1:2 with linespoints pt 7 ps 1.3 lw 2 "
                     f"lc rgb '{plots.MODE_COLOURS.get(mode, 'black')}' "
                     f"title {plots.gp_text(mode)}")
        if any(r["unstable"] for r in data["rows"]):
            lines.append(f"'{dat}' using 1:($3 == 1 ? $2 : NaN) {plots.UNSTABLE_STYLE} "
                         f"title '{plots.UNSTABLE_TITLE}'")
    lines = plots._title_once(lines)
    title = "psum\\\\_mpi weak scaling: one thread per rank, fixed N per rank"
    script = f"""
set xlabel "ranks"
set ylabel "efficiency (1-rank time / time)"
set xrange [0.5:{top + 0.5}]
set xtics 1
set yrange [0:1.2]
plot 1 with lines lc rgb 'gray60' lw 3 title 'ideal', {', '.join(lines)}
"""
    return plots.render(outdir, "mpi_weak", script, frame, title)


def section(records, skipped, outdir, draw, frame, cpus, others=(), banner="",
            threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    """The result set's MPI section (also written to mpi.md, after banner);
    records and others (the threads sweep's, the reference) are aggregated
    (aggregate.aggregate); draw is the sweep's Plotter.  Returns (markdown,
    text to print)."""
    if skipped:
        text = f"{skipped}\n"
        _write(outdir, "mpi.md", banner + text)
        return text, "psum_mpi: " + text
    strong, weak = strong_rows(records, others), weak_rows(records)
    parts = []
    if strong:
        parts += ["### Strong scaling: every split of the CPUs\n",
                  strong_markdown(strong, cpus, threshold)]
        if draw(plot_strong, outdir, strong, frame):
            parts.append("![psum_mpi strong scaling](mpi_strong.png)\n")
    if weak:
        parts += ["### Weak scaling: a fixed N per rank\n", weak_markdown(weak, threshold)]
        if draw(plot_weak, outdir, weak, frame):
            parts.append("![psum_mpi weak scaling](mpi_weak.png)\n")
    python = _by_kind(records, "python_mpi")
    if python and python[-1]["doc"].get("available"):
        d = python[-1]["doc"]
        parts.append(f"Python mpi4py (bench/pysum_mpi.py), {d['ranks']} ranks, N = {d['n']:,}: "
                     f"median {d['median_s']:.3g} s, "
                     f"{d['median_s'] / d['n'] * 1e9:.3g} ns per element (in the contrast "
                     "table).\n")
    text = "\n".join(parts) or "no psum_mpi run finished\n"
    _write(outdir, "mpi.md", banner + text)
    return text, "Across MPI ranks\n\n" + text


def _write(outdir, name, text):
    """outdir/name holds text whole or its old content (see files.write_atomic)."""
    write_atomic(os.path.join(outdir, name), text)
