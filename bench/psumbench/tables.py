"""From runs to rows and Markdown tables.  The row builders are shared with
the plots, so a table and its plot always show the same numbers."""
import collections
import math

from . import aggregate, analysis, hosts, watch

ARTICLE = {"serial_s": 20.7, "processes_s": 7.0, "n": 999_999_999}


def rate_value(mode, n, seconds):
    """(value, unit): GB/s read for materialized data, G elements/s for streamed."""
    if mode == "materialize":
        return n * 8 / seconds / 1e9, "GB/s"
    return n / seconds / 1e9, "Gelem/s"


def rate_text(mode, n, seconds):
    """rate_value() as a table cell: "12.34 GB/s"."""
    value, unit = rate_value(mode, n, seconds)
    return f"{value:.2f} {unit}"


NOISY_NOTE = ("† psum_omp's JSON says `noisy` for this run (a phase's coefficient of variation "
              "or max/min, or other processes' load on its CPUs, past the thresholds it "
              "records in `thresholds`): read its figures with care.\n")


def is_noisy(doc):
    """psum_omp's own verdict on a run, read from its JSON, never decided
    again here: every table (the mpi section's too) asks this."""
    return bool(doc["noisy"])


def unstable_note(threshold):
    return (f"‡ unstable: this configuration's processes disagree, their medians' max/min "
            f"above {threshold:g} (the min–max column): its figure depends on when it was "
            "measured, and ratios built on it move with it.\n")


SLOW_NOTE = ("¶ at least half of this configuration's processes ran while the machine "
             "watch's plain reference was slow (summary: the machine's drift).\n")


def mark(text, noisy, unstable=False, slow=False):
    """A table cell's text, with the † of NOISY_NOTE when noisy, the ‡ of
    unstable_note when unstable, the ¶ of SLOW_NOTE when slow: verdicts
    read from the (aggregated) documents, never decided here."""
    marks = "†" * bool(noisy) + "‡" * bool(unstable) + "¶" * bool(slow)
    return f"{text} {marks}" if marks else text


def mark_doc(text, doc):
    """mark() with a document's three verdicts."""
    return mark(text, is_noisy(doc), aggregate.is_unstable(doc), aggregate.is_slow(doc))


def verdict_notes(docs, threshold):
    """The notes for the marks that docs carry, in the order of the marks."""
    notes = []
    if any(is_noisy(d) for d in docs):
        notes.append(NOISY_NOTE)
    if any(aggregate.is_unstable(d) for d in docs):
        notes.append(unstable_note(threshold))
    if any(aggregate.is_slow(d) for d in docs):
        notes.append(SLOW_NOTE)
    return notes


def spread_head(docs):
    """The min–max column's meaning: process medians or repetitions."""
    return "min–max s (process medians)" if any(d.get("processes", 1) > 1 for d in docs) \
        else "min–max s"


def gpu_workers(dev):
    """A GPU run's workers as its record gives them: "132 teams x 8
    threads x 32 lanes", the lanes per thread read from the record's
    lanes (teams x threads x lanes per thread), not assumed."""
    teams, threads, lanes = dev.get("teams"), dev.get("threads"), dev.get("lanes")
    if not all(isinstance(v, int) and v > 0 for v in (teams, threads)):
        return "teams and threads unknown"
    text = f"{teams} teams x {threads} threads"
    if isinstance(lanes, int) and lanes > 0 and lanes % (teams * threads) == 0:
        return f"{text} x {lanes // (teams * threads)} lanes"
    return f"{text}, {lanes} lanes" if isinstance(lanes, int) else text


def markdown_table(head, rows):
    """A Markdown table of the column names head and rows of cells."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _docs(records):
    return [r["doc"] for r in records]


def _modes(docs):
    """The modes the docs ran, alphabetically: the tables follow the
    records, never a list of modes of their own."""
    return sorted({d["mode"] for d in docs})


def chunk_ceiling(chunks, threads):
    """The best efficiency `chunks` equal chunks allow on `threads` threads:
    the last round leaves threads idle unless threads divides chunks
    (100 chunks on 16 threads: 7 rounds, 100 / (16 * 7) = 0.89)."""
    return chunks / (threads * -(-chunks // threads))


# ---- threads ----

def thread_rows(records, cpus):
    """Per mode: rows with the speedup figures, and the Amdahl fit over
    the points with threads <= cpus (an oversubscribed point has no
    processor of its own, which Amdahl's law assumes).  A mode without its
    1-thread run (an interrupted set) has no base and is left out.  records
    are aggregated (aggregate.aggregate): the speedup against 1 thread
    divides the medians of process medians; the speedup against serial is
    the median of each process's own serial / parallel."""
    out = {}
    all_docs = _docs(records)
    for mode in _modes(all_docs):
        docs = sorted((d for d in all_docs if d["mode"] == mode), key=lambda d: d["threads"])
        one = [d for d in docs if d["threads"] == 1]
        if not one:
            continue
        base = one[0]["parallel"]["median_s"]
        rows = []
        for d in docs:
            par, p = d["parallel"], d["threads"]
            s1 = base / par["median_s"]
            serial = d.get("speedup_serial") or d["serial"]["median_s"] / par["median_s"]
            rows.append({"threads": p, "median_s": par["median_s"], "min_s": par["min_s"],
                         "max_s": par["max_s"], "speedup": s1,
                         "speedup_serial": serial,
                         "efficiency": s1 / p, "karp_flatt": analysis.karp_flatt(s1, p),
                         "karp_flatt_unfit": analysis.karp_flatt_unfit(s1) if p > 1 else None,
                         "ceiling": chunk_ceiling(d["chunks"], min(p, cpus)),
                         "rate": rate_text(mode, d["n"], par["median_s"]),
                         "rate_value": rate_value(mode, d["n"], par["median_s"])[0],
                         "oversubscribed": p > cpus, "noisy": is_noisy(d),
                         "unstable": aggregate.is_unstable(d) or aggregate.is_unstable(one[0]),
                         "slow": aggregate.is_slow(d), "processes": d.get("processes", 1),
                         "doc": d})
        fit = analysis.fit_amdahl([(r["threads"], r["speedup"]) for r in rows
                                   if not r["oversubscribed"]])
        out[mode] = {"rows": rows, "fit": fit, "fit_unfit": analysis.amdahl_unfit(fit[2]),
                     "n": docs[0]["n"], "chunks": docs[0]["chunks"]}
    return out


def speedup_markdown(by_mode, threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    parts = []
    for mode, data in by_mode.items():
        f, rmse, r2 = data["fit"]
        docs = [r["doc"] for r in data["rows"]]
        parts.append(f"**{mode}**, N = {data['n']:,}, dynamic, {data['chunks']} chunks\n")
        parts.append(markdown_table(
            ("threads", "median s", spread_head(docs), "speedup vs 1 thread",
             "speedup vs serial", "efficiency", "chunk ceiling", "Karp–Flatt e", "rate"),
            [(f"{r['threads']}{' (oversubscribed)' if r['oversubscribed'] else ''}",
              mark_doc(f"{r['median_s']:.4g}", r["doc"]), f"{r['min_s']:.4g}–{r['max_s']:.4g}",
              mark(f"{r['speedup']:.2f}", False, r["unstable"]), f"{r['speedup_serial']:.2f}",
              f"{r['efficiency']:.2f}", f"{r['ceiling']:.2f}",
              "–" if r["karp_flatt"] is None else "– (slowdown)" if r["karp_flatt_unfit"]
              else f"{r['karp_flatt']:.3f}", r["rate"])
             for r in data["rows"]]))
        r2_text = "n/a (speedups do not vary)" if r2 is None else f"{r2:.3f}"
        used = sum(1 for r in data["rows"] if not r["oversubscribed"])
        caveat = (" With two points (1 thread, whose speedup is 1 by definition, and one "
                  "more) the fit is exact by construction: f is then the Karp–Flatt "
                  "fraction of the second point." if used <= 2 else "")
        notes = verdict_notes(docs, threshold)
        if notes:
            parts.append("\n" + "\n".join(notes))
        if any(r["processes"] > 1 for r in data["rows"]):
            parts.append("\nEach configuration ran in several processes: median s is the "
                         "median of their medians, min–max their range; speedup vs 1 thread "
                         "divides those medians (‡ where either is unstable), speedup vs "
                         "serial is the median of each process's own serial / parallel, "
                         "which a drift between processes cannot move.\n")
        unfit = [r for r in data["rows"] if r["karp_flatt_unfit"]]
        if unfit:
            parts.append(f"\nKarp–Flatt e: – at {', '.join(str(r['threads']) for r in unfit)} "
                         f"threads: {unfit[0]['karp_flatt_unfit']}.\n")
        parts.append(f"\nChunk ceiling: the efficiency {data['chunks']} equal chunks allow on p "
                     f"threads, {data['chunks']} / (p · ⌈{data['chunks']} / p⌉): the last round "
                     "of chunks leaves threads idle unless p divides the chunk count.\n")
        if data["fit_unfit"]:
            parts.append(f"\nAmdahl fit over the {used} points with threads ≤ CPUs: –, "
                         f"{data['fit_unfit']}.\n")
        else:
            parts.append(f"\nAmdahl fit over the {used} points with threads ≤ CPUs: serial "
                         f"fraction f = {f:.3f}, RMSE {rmse:.3f}, R² {r2_text}.{caveat}\n")
    return "\n".join(parts)


# ---- schedules ----

def schedule_markdown(records, threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    parts = []
    runs = _docs(records)
    for mode in _modes(runs):
        docs = {(d["schedule"], d["chunks"]): d for d in runs if d["mode"] == mode}
        chunks = sorted({c for _, c in docs})
        # The schedules that ran, static (the baseline) first, the others by
        # name: a schedule psum_omp gains shows up here without an edit.
        scheds = sorted({s for s, _ in docs}, key=lambda s: (s != "static", s))
        n = next(d["n"] for d in runs if d["mode"] == mode)
        rows = []
        for c in chunks:
            static = docs.get(("static", c))
            row = [f"{c:,}"]
            for sched in scheds:
                d = docs.get((sched, c))
                if d is None:
                    row.append("–")
                    continue
                t = d["parallel"]["median_s"]
                ts = static["parallel"]["median_s"] if static else None
                row.append(mark_doc(f"{t:.4g} s ({t / ts:.3f})" if ts else f"{t:.4g} s", d))
            rows.append(row)
        parts.append(f"**{mode}**, N = {n:,}, median parallel time (relative to static)\n")
        parts.append(markdown_table(("chunks", *scheds), rows))
        parts += verdict_notes(list(docs.values()), threshold)
    return "\n".join(parts)


# ---- sizes ----

def size_rows(records):
    """Per mode: the points (N, serial median, parallel median), each
    point's speedup (the median of each process's own serial / parallel)
    and the crossover found from those speedups."""
    out = {}
    all_docs = [d for d in _docs(records) if d["serial"] and d["parallel"]]
    for mode in _modes(all_docs):
        docs = sorted((d for d in all_docs if d["mode"] == mode), key=lambda d: d["n"])
        points = [(d["n"], d["serial"]["median_s"], d["parallel"]["median_s"]) for d in docs]
        speedups = [d.get("speedup_serial") or s / p for d, (_, s, p) in zip(docs, points)]
        calls = [(d["serial"].get("calls_per_sample", 1), d["parallel"].get("calls_per_sample", 1))
                 for d in docs]
        # crossover() reads only serial / parallel: the speedups as (N, speedup, 1).
        cross = analysis.crossover([(n, sp, 1.0) for (n, _, _), sp in zip(points, speedups)])
        out[mode] = {"points": points, "speedups": speedups, "crossover": cross,
                     "threads": docs[0]["threads"], "noisy": [is_noisy(d) for d in docs],
                     "unstable": [aggregate.is_unstable(d) for d in docs], "docs": docs,
                     "calls": calls}
    return out


def crossover_text(cross):
    n, below, above = cross
    if n is not None:
        return (f"threads pay from about N = {n:,.0f} (serial faster at {below:,}, "
                f"parallel faster from {above:,})")
    if below is None:
        return f"threads pay at every measured size (from {above:,})"
    return f"threads do not pay at any measured size (up to {below:,})"


def size_markdown(by_mode, threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    parts = []
    for mode, data in by_mode.items():
        rows = [(mark_doc(f"{n:,}", d), f"{s:.4g}", f"{p:.4g}", f"{sp:.2f}",
                 "parallel" if sp > 1 else "serial", f"{cs:,} / {cp:,}")
                for (n, s, p), sp, d, (cs, cp) in zip(data["points"], data["speedups"],
                                                      data["docs"], data["calls"])]
        parts.append(f"**{mode}**, {data['threads']} threads, dynamic, 100 chunks\n")
        parts.append(markdown_table(("N", "serial median s", "parallel median s", "speedup",
                                     "faster", "kernel calls per sample (serial / parallel)"),
                                    rows))
        parts += verdict_notes(data["docs"], threshold)
        parts.append(f"\nCrossover: {crossover_text(data['crossover'])}.\n")
    parts.append("A sample shorter than psum_omp's minimum sample time times several kernel "
                 "calls and divides (last column), so small N is measured, not the clock's "
                 "resolution. The speedup is serial / parallel within each process, the median "
                 "over processes.\n")
    return "\n".join(parts)


# ---- the Python contrast ----

FAMILIES = ("Python", "Python with native code", "psum_omp", "article (reference)")

class PythonRow(collections.namedtuple("PythonRow", "name family impl article")):
    """A row of the contrast run by bench/pysum.py: its table name, its
    family, pysum.py's implementation, and whether it is one of the
    article's rows (which share one N)."""


PYTHON_ROWS = {
    "list": PythonRow("Python serial, the article's program", "Python", "list", True),
    "processes": PythonRow("Python ProcessPoolExecutor, the article's", "Python",
                           "processes", True),
    "processes_cpus": PythonRow("Python ProcessPoolExecutor, workers = CPUs", "Python",
                                "processes", True),
    "range": PythonRow("Python sum(range(N))", "Python", "range", False),
    "threads": PythonRow("Python ThreadPoolExecutor", "Python", "threads", False),
    "numpy_arange": PythonRow("numpy arange + sum", "Python with native code",
                              "numpy_arange", False),
    "numpy_sum": PythonRow("numpy sum of a built array", "Python with native code",
                           "numpy_sum", False),
    "numba": PythonRow("numba prange over the array", "Python with native code", "numba",
                       False),
}

# The Python rows of the gpu sweep, run when psum_omp finds a device.
GPU_PYTHON_ROWS = {
    "cupy_arange": PythonRow("CuPy arange + sum on the GPU", "Python with native code",
                             "cupy_arange", False),
    "cupy_sum": PythonRow("CuPy sum of an array on the GPU", "Python with native code",
                          "cupy_sum", False),
}


def python_row(row):
    """The PythonRow of a row name, a CPU or a GPU one; KeyError if unknown."""
    return PYTHON_ROWS[row] if row in PYTHON_ROWS else GPU_PYTHON_ROWS[row]


def sig2(x):
    """x with two significant digits, no exponent: 3.2, 0.19, 230, 1,200,
    and 10 (not 10.0) for 9.96."""
    if x <= 0 or math.isinf(x) or math.isnan(x):
        return "–"
    decimals = 1 - math.floor(math.log10(x))
    value = round(x, decimals)
    decimals = 1 - math.floor(math.log10(value))  # 9.96 rounds up a decade
    return f"{round(value, decimals):,.{max(decimals, 0)}f}"


def contrast_row(name, family, timed, n, workers, median_s, min_s, note=""):
    """One row of the contrast table (contrast_markdown), as a dict."""
    return {"name": name, "family": family, "timed": timed, "n": n, "workers": workers,
            "median_s": median_s, "min_s": min_s, "note": note}


def _python_rows(record):
    spec, doc = record["spec"], record["doc"]
    name, family = python_row(spec["row"])[:2]
    pool = spec["row"] in ("threads", "processes", "processes_cpus")
    workers = f"{doc['workers']} ({doc['chunks']} chunks)" if pool else \
        f"{doc['threads']} threads" if "threads" in doc else \
        f"GPU: {doc['device']}" if "device" in doc else "1"
    if not doc.get("available"):
        return [contrast_row(name, family, "–", None, workers, None, None,
                             f"not run: {doc.get('why', '?')}; {doc.get('how', '')}".rstrip("; "))]
    note = doc.get("n_note", "")
    if spec["row"] == "numba":
        note = "; ".join(filter(None, [note, f"compiled in {doc['compile_s']:.2g} s, untimed; "
                                       f"numba {doc['numba']}, {doc['threading_layer']} "
                                       "threading layer"]))
    if "startup_median_s" in doc:
        note = "; ".join(filter(None, [note, (
            f"the pool's start-up alone (its {doc['workers']} workers started, an empty task "
            f"each, shut down), timed beside each repetition: median "
            f"{doc['startup_median_s']:.3g} s, {doc['startup_median_s'] / doc['median_s']:.0%} "
            "of this row's median")]))
    if spec["row"] in GPU_PYTHON_ROWS:
        note = "; ".join(filter(None, [note, f"CuPy {doc['cupy']}, warm-up "
                                       f"{doc['warmup_s']:.2g} s untimed"]))
    if spec["row"] != "list":
        return [contrast_row(name, family, doc["timed"], doc["n"], workers, doc["median_s"],
                             doc["min_s"], note)]
    built = f"building the list took a median {doc['build_median_s']:.3g} s, not in this row"
    return [contrast_row(name + ": sum() only", family,
                         "sum() of a built list: the article's timer", doc["n"], workers,
                         doc["median_s"], doc["min_s"], "; ".join(filter(None, [note, built]))),
            contrast_row(name + ": whole", family, "list built + sum(): the baseline", doc["n"],
                         workers, doc["whole_median_s"], doc["whole_min_s"])]


def at_all_cpus(docs, cpus):
    """Per mode, the run with the most threads that are not oversubscribed."""
    best = {}
    for d in docs:
        if d["threads"] <= cpus and d["threads"] >= best.get(d["mode"], {"threads": 0})["threads"]:
            best[d["mode"]] = d
    return best


def _psum_note(doc):
    """A psum_omp contrast row's note: its processes and their verdict."""
    k = doc.get("processes", 1)
    if k <= 1:
        return ""
    return (f"median of {k} processes' medians, min the fastest of them"
            + ("; unstable: its processes disagree" if aggregate.is_unstable(doc) else ""))


def contrast_rows(thread_records, python_records, cpus):
    """Rows of the contrast: Python's, then psum_omp's serial and parallel
    phases at all CPUs (not oversubscribed) in both modes, then the
    article's own two figures as references."""
    rows = []
    for record in python_records:
        rows += _python_rows(record)
    best = at_all_cpus(_docs(thread_records), cpus)
    for mode in sorted(best):
        d = best.get(mode)
        if d is None:
            continue
        what = "sum of the filled array" if mode == "materialize" else "sum of generated values"
        note = _psum_note(d)
        rows.append(contrast_row(f"psum_omp serial, {mode}", "psum_omp", what, d["n"], "1",
                                 d["serial"]["median_s"], d["serial"]["min_s"], note))
        rows.append(contrast_row(f"psum_omp parallel, {mode}", "psum_omp", what, d["n"],
                                 f"{d['threads']} threads (dynamic, {d['chunks']} chunks)",
                                 d["parallel"]["median_s"], d["parallel"]["min_s"], note))
    a = ARTICLE
    rows.append(contrast_row("article: serial, sum() only", "article (reference)",
                             "sum() of a built list", a["n"], "1", a["serial_s"], None,
                             "the author's machine, not measured here"))
    rows.append(contrast_row("article: ProcessPoolExecutor", "article (reference)",
                             "whole: pool, lists built and summed", a["n"], "20 (100 chunks)",
                             a["processes_s"], None,
                             "the author's machine, not measured here: \"3x\""))
    return rows


def _per_second(row):
    return row["n"] / row["median_s"] if row["median_s"] else None


def contrast_markdown(rows):
    whole = next((r for r in rows if r["name"].endswith(": whole") and r["median_s"]), None)
    sum_only = next((r for r in rows if r["name"].endswith(": sum() only") and r["median_s"]),
                    None)
    article_sum = next(r for r in rows if r["name"] == "article: serial, sum() only")
    table, notes = [], []
    for r in rows:
        rate = _per_second(r)
        if rate is None:
            cells = ("–",) * 6
        else:
            is_article = r["family"] == "article (reference)"
            vs_whole = "–" if is_article or not whole else f"{sig2(rate / _per_second(whole))}×"
            base_sum = article_sum if is_article else sum_only
            vs_sum = f"{sig2(rate / _per_second(base_sum))}×" if base_sum else "–"
            cells = (f"{r['n']:,}", f"{r['median_s']:.3g}",
                     "–" if r["min_s"] is None else f"{r['min_s']:.3g}",
                     f"{r['median_s'] / r['n'] * 1e9:.3g}", vs_whole, vs_sum)
        name = r["name"]
        if r["note"]:
            notes.append(f"{len(notes) + 1}. {r['name']}: {r['note']}.")
            name += f" [{len(notes)}]"
        table.append((name, r["timed"], cells[0], r["workers"], *cells[1:]))
    text = markdown_table(("implementation", "what is timed", "N", "workers", "median s",
                           "min s", "ns per element", "vs serial whole program",
                           "vs serial sum() only"), table)
    text += ("\nSpeedups compare per-element rates (N differs where a row's time budget or "
             "memory chose it), with two significant digits. \"vs serial whole program\" "
             "divides by the Python serial program timed whole (list built and summed), the "
             "fair baseline for rows timed whole; \"vs serial sum() only\" divides by the "
             "article's serial timer, which starts after the list is built: the article's "
             "\"3x\" is the process pool on that scale (its own rows divide by its own "
             "20.7 s). Python rows: median and min of their repetitions; psum_omp rows: median "
             "and min of its timed repetitions.\n")
    if notes:
        text += "\n" + "\n".join(notes) + "\n"
    return text


def _mpi_by_kind(records, kind, study=None):
    return [r for r in records if r["kind"] == kind and
            (study is None or r["spec"].get("study") == study)]


def _imbalance(doc):
    imb = doc.get("imbalance") or {}
    return imb["max_s"] / imb["mean_s"] if imb.get("mean_s") else None


def _relative_spread(doc):
    """A time's relative spread, max/min - 1: of the process medians, or of
    the repetitions in a one-process set."""
    par = doc["parallel"]
    return par["max_s"] / par["min_s"] - 1 if par["min_s"] > 0 else 0.0


def _fmt(x, spec, none="–"):
    return none if x is None else format(x, spec)


def mpi_strong_rows(records, others=()):
    """Per mode: the psum_omp reference and every split, each with its time
    relative to psum_omp at all CPUs: the reference is the psum_omp run at
    the splits' N with as many threads as CPUs, from this sweep's records or
    `others` (the threads sweep's)."""
    out = {}
    for mode in _modes(r["doc"] for r in _mpi_by_kind(records, "psum_mpi", "strong")):
        docs = sorted((r["doc"] for r in _mpi_by_kind(records, "psum_mpi", "strong")
                       if r["doc"]["mode"] == mode), key=lambda d: d["ranks"])
        if not docs:
            continue
        cpus = docs[0]["ranks"] * docs[0]["threads_per_rank"]
        ref = next((r["doc"] for r in _mpi_by_kind(list(records) + list(others), "psum")
                    if r["doc"]["mode"] == mode and r["doc"]["n"] == docs[0]["n"] and
                    r["doc"]["threads"] == cpus), None)
        base = ref["parallel"]["median_s"] if ref else None
        rows = [{"label": f"{d['ranks']} × {d['threads_per_rank']}", "ranks": d["ranks"],
                 "threads": d["threads_per_rank"], "n": d["n"],
                 "median_s": d["parallel"]["median_s"], "min_s": d["parallel"]["min_s"],
                 "max_s": d["parallel"]["max_s"],
                 "vs_omp": d["parallel"]["median_s"] / base if base else None,
                 "imbalance": _imbalance(d), "reduce_s": d.get("reduce_s"),
                 "peak_rss": d["peak_rss_bytes"], "noisy": is_noisy(d),
                 "unstable": aggregate.is_unstable(d) or bool(ref and aggregate.is_unstable(ref)),
                 "doc": d} for d in docs]
        out[mode] = {"rows": rows, "ref": ref, "n": docs[0]["n"]}
    return out


def mpi_weak_rows(records):
    """Per mode: 1, 2, ... ranks at a fixed N per rank, each with its
    efficiency, the 1-rank time over its own."""
    out = {}
    for mode in _modes(r["doc"] for r in _mpi_by_kind(records, "psum_mpi", "weak")):
        docs = sorted((r["doc"] for r in _mpi_by_kind(records, "psum_mpi", "weak")
                       if r["doc"]["mode"] == mode), key=lambda d: d["ranks"])
        one = next((d for d in docs if d["ranks"] == 1), None)
        if not docs:
            continue
        rows = []
        for d in docs:
            eff = one["parallel"]["median_s"] / d["parallel"]["median_s"] if one else None
            # The efficiency's spread: the relative spreads of the two times it divides.
            spread = (_relative_spread(one) + _relative_spread(d)) if one else None
            rows.append({"ranks": d["ranks"], "n": d["n"], "per_rank": d["n"] // d["ranks"],
                         "median_s": d["parallel"]["median_s"], "min_s": d["parallel"]["min_s"],
                         "max_s": d["parallel"]["max_s"], "efficiency": eff,
                         "spread": spread,
                         "efficiency_unfit": analysis.efficiency_unfit(eff, spread)
                         if eff is not None and d is not one else None,
                         "imbalance": _imbalance(d), "reduce_s": d.get("reduce_s"),
                         "noisy": is_noisy(d),
                         "unstable": aggregate.is_unstable(d) or
                         bool(one and aggregate.is_unstable(one)), "doc": d})
        out[mode] = {"rows": rows}
    return out


def mpi_strong_markdown(strong, cpus, threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    parts = []
    for mode, data in strong.items():
        ref = data["ref"]
        rows = []
        if ref:
            par = ref["parallel"]
            rows.append((f"psum_omp, {ref['threads']} threads",
                         mark_doc(f"{par['median_s']:.4g}", ref),
                         f"{par['min_s']:.4g}–{par['max_s']:.4g}",
                         rate_text(mode, ref["n"], par["median_s"]), "1 (reference)",
                         "–", "–", f"{ref['peak_rss_bytes'] / 2**20:.0f}"))
        for r in data["rows"]:
            rows.append((r["label"], mark_doc(f"{r['median_s']:.4g}", r["doc"]),
                         f"{r['min_s']:.4g}–{r['max_s']:.4g}",
                         rate_text(mode, r["n"], r["median_s"]),
                         mark(_fmt(r["vs_omp"], ".3f"), False, r["unstable"]),
                         _fmt(r["imbalance"], ".3f"),
                         _fmt(None if r["reduce_s"] is None else r["reduce_s"] * 1e6, ".1f"),
                         f"{r['peak_rss'] / 2**20:.0f}"))
        parts.append(f"**{mode}**, N = {data['n']:,}, dynamic, 100 chunks per rank, "
                     f"R ranks × T threads = {cpus} CPUs\n")
        docs = [r["doc"] for r in data["rows"]] + ([ref] if ref else [])
        parts.append(markdown_table(("ranks × threads", "median s", spread_head(docs),
                                     "rate", "time / psum_omp's", "local sum max / mean",
                                     "reduction µs", "peak RSS MiB (largest rank)"), rows))
        parts += verdict_notes(docs, threshold)
    parts.append("Time / psum_omp's: the median repetition of psum_mpi (barrier, local sums, "
                 "reduction: the slowest rank's time) over psum_omp's median at all CPUs, "
                 "above 1 slower. Local sum max / mean: the slowest rank's median local sum "
                 "over the mean of the ranks' (1 = balanced). Reduction: the median part of a "
                 "repetition beyond its slowest local sum.\n")
    return "\n".join(parts)


def mpi_weak_markdown(weak, threshold=aggregate.UNSTABLE_MAX_OVER_MIN):
    parts, unfit = [], []
    for mode, data in weak.items():
        rows = []
        for r in data["rows"]:
            if r["efficiency_unfit"]:
                unfit.append(r["efficiency_unfit"])
            eff = "– (above 1)" if r["efficiency_unfit"] else _fmt(r["efficiency"], ".3f")
            rows.append((r["ranks"], f"{r['n']:,}", f"{r['per_rank']:,}",
                         mark_doc(f"{r['median_s']:.4g}", r["doc"]),
                         f"{r['min_s']:.4g}–{r['max_s']:.4g}",
                         mark(eff, False, r["unstable"]),
                         _fmt(r["imbalance"], ".3f"),
                         _fmt(None if r["reduce_s"] is None else r["reduce_s"] * 1e6, ".1f")))
        docs = [r["doc"] for r in data["rows"]]
        parts.append(f"**{mode}**, one thread per rank, N per rank fixed\n")
        parts.append(markdown_table(("ranks", "N", "N per rank", "median s",
                                     spread_head(docs), "efficiency",
                                     "local sum max / mean", "reduction µs"), rows))
        parts += verdict_notes(docs, threshold)
    parts.append("Efficiency: the 1-rank median over this median (1 = perfect weak "
                 "scaling).\n")
    if unfit:
        parts.append(f"Efficiency –: {unfit[0]}.\n")
    return "\n".join(parts)


def mpi_contrast_rows(rows, records):
    """The contrast's rows with the mpi4py row after the other Python rows."""
    found = _mpi_by_kind(records, "python_mpi")
    if not found:
        return rows
    doc = found[-1]["doc"]
    name = f"Python mpi4py, {found[-1]['spec']['ranks']} ranks"
    if doc.get("available"):
        row = contrast_row(name, "Python", doc["timed"], doc["n"],
                           f"{doc['ranks']} ranks", doc["median_s"], doc["min_s"],
                           "; ".join(filter(None, [
                               doc.get("n_note"), "bench/pysum_mpi.py under mpirun; "
                               "timed as psum_mpi: barrier, local build and sum, "
                               "reduce, the slowest rank"])))
    else:
        row = contrast_row(name, "Python", "–", None, "–", None, None,
                           f"not run: {doc.get('why', '?')}; "
                           f"{doc.get('how', '')}".rstrip("; "))
    at = next((i for i, r in enumerate(rows) if r["family"] != "Python"), len(rows))
    return rows[:at] + [row] + rows[at:]


def watch_markdown(records, fraction, skipped=None):
    """The summary's section on the machine's drift during the set."""
    if skipped:
        return f"No machine watch in this set: {skipped}.\n"
    d = watch.drift(records, fraction)
    if d is None:
        return "No machine watch in this set (it predates the watch).\n"
    lines = [f"{d['points']} watch points over {d['span_s'] / 60:.1f} minutes "
             "(`psum_limits --watch` between configurations: the limits' dynamic read loop "
             f"over {watch.N * 8 >> 20} MiB and their generator, all threads, median of "
             f"{watch.REPEAT} rounds; [watch.csv](watch.csv)):\n"]
    rows = []
    for name, unit, what in (("read", "GB/s", "read loop"), ("gen", "G elem/s", "generator")):
        r = d[name]
        rows.append((what, f"{r['min']:.3g}", f"{r['median']:.3g}", f"{r['best']:.3g} {unit}",
                     f"{r['lowest']:.0%}", f"{r['slow']} of {d['points']}"))
    lines.append(markdown_table(("reference", "lowest", "median", "best (90th percentile)",
                         "lowest / best", f"points below {fraction:.0%} of best"), rows))
    worst = min(d["read"]["lowest"], d["gen"]["lowest"])
    lines.append(f"\nThe machine drifted by up to {1 - worst:.0%} below its best during the "
                 "set. A configuration at least half of whose processes ran beside a point "
                 f"below {fraction:.0%} of its reference's best (the read loop for "
                 "materialized runs, the generator for streamed ones) is marked ¶ in the "
                 "tables.\n")
    return "\n".join(lines)


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
        workers = f"{dev['name']}: {gpu_workers(dev)}"
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
    lines.append(watch_markdown(watched, limits["watch_slow_fraction"],
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

# ---- the cross-host sweep (bench/hosts.py): hosts.md, hosts.csv and the passage
# docs/mpi.md quotes, which shares these cells' formats ----

HOSTS_CSV_COLUMNS = ("studies", "link", "rate_bps", "hosts", "n", "n_per_host", "process",
                     "repeat", "parallel_median_s", "parallel_min_s", "parallel_max_s", "reduce_s",
                     "local_max_s", "local_mean_s", "sum", "expected", "exact")
HOSTS_MODEL_LIMIT = 0.10  # a relative error above this is called a miss in the table and the docs


def hosts_link_text(f):
    """A link setting as the tables, the plot and the passage name it."""
    return "unshaped" if f["link"] == hosts.UNSHAPED else f"tbf {f['link']}"


def _hosts_us(x):
    return f"{x * 1e6:,.0f}" if x >= 1e-4 else f"{x * 1e6:.3g}"


def _hosts_spread(triple, scale=_hosts_us):
    return f"{scale(triple[1])}–{scale(triple[2])}"


def _hosts_s(x):
    return f"{x:.4g}"


def _hosts_link_markdown(figs, k, fit, cpus):
    rows = []
    for f in analysis.hosts_links(figs, k):
        cross = analysis.hosts_crossover(fit, f["reduce"][0], k, cpus)
        rows.append((hosts_link_text(f), f"{f['n']:,}", _hosts_us(f["reduce"][0]),
                     _hosts_spread(f["reduce"]), _hosts_s(f["par"][0]),
                     f"{cross:,}" if cross is not None else "–"))
    return [f"## The reduction against the link ({k} hosts)\n",
            markdown_table(("link", "N", "reduction µs", "min–max µs", "parallel s",
                            "crossover N"), rows),
            "Reduction: psum_mpi's `reduce_s`, the median part of a call (a local sum and "
            "its reduction) beyond the slowest local sum. Crossover N: the N below which "
            "the reduction costs more than the local sums, where the fit below of a lone "
            "rank's local sum of N / hosts elements, times the ranks per CPU, equals the "
            "reduction (– : the fit's fixed part alone is longer).\n"]


def _hosts_scaling_markdown(figs, study, title):
    """Strong or weak scaling: each host count against the 1-host median."""
    data = analysis.hosts_study(figs, study)
    one = next((f for f in data if f["hosts"] == 1), None)
    rows = []
    for f in data:
        ratio = one["par"][0] / f["par"][0] if one else None
        rows.append((f["hosts"], f"{f['n']:,}", f"{f['n'] // f['hosts']:,}",
                     _hosts_s(f["par"][0]), _hosts_spread(f["par"], _hosts_s),
                     "–" if ratio is None else f"{ratio:.3f}",
                     _hosts_s(f["local"][0]), _hosts_us(f["reduce"][0])))
    head = "speedup" if study == "strong" else "efficiency"
    return [f"## {title} (unshaped)\n",
            markdown_table(("hosts", "N", "N per host", "parallel s", "min–max s", head,
                            "slowest local sum s", "reduction µs"), rows)]


def _hosts_model_markdown(figs, k, fit, meta):
    rows = []
    cpus = meta["logical_cpus"]
    for r in analysis.hosts_model_rows(figs, k, fit, cpus):
        miss = abs(r["error"]) > HOSTS_MODEL_LIMIT
        rows.append(("+".join(r["studies"]), hosts_link_text(r), r["hosts"], f"{r['n']:,}",
                     _hosts_s(r["local_fit"]), _hosts_s(r["reduction_model"]),
                     _hosts_s(r["predicted"]),
                     _hosts_s(r["par"][0]) + (" ‡" if r["unstable"] else ""),
                     f"{r['error'] * 100:+.1f} %" + (" **miss**" if miss else "")))
    return ["## The model: parallel time = local sum + reduction\n",
            markdown_table(("studies", "link", "hosts", "N", "local sum (fit) s",
                            "reduction s", "predicted s", "measured s", "error"), rows),
            f"Local sum: the fit above at N / hosts elements, times the ranks per CPU "
            f"(hosts / {cpus} where the hosts outnumber the {cpus} CPUs they share, else 1). "
            f"Reduction: the link setting's on all {k} hosts at N = {meta['link_n']:,} (the "
            f"first table); none on one host. Error: predicted over measured − 1; **miss** "
            f"beyond ±{HOSTS_MODEL_LIMIT * 100:.0f} %. ‡ unstable: the configuration's "
            f"processes disagree (their medians' max/min above "
            f"{aggregate.UNSTABLE_MAX_OVER_MIN}), so its measured time depends on when it "
            f"ran.\n"]


def hosts_markdown(records, meta, banner=""):
    """The set's hosts.md: the link, scaling, crossover and model tables."""
    k, figs = meta["hosts"], aggregate.hosts_figures(records)
    cpus = meta["logical_cpus"]
    fit, pts = analysis.hosts_local_fit(figs, cpus)
    parts = [banner + f"# psum_mpi across {k} hosts\n",
             f"One rank of one thread on each host, stream mode, {meta['repeat']} repetitions "
             f"per process, {meta['processes']} process(es) per configuration, interleaved "
             f"(seed {meta['seed']}). Each figure is the median over the processes of each "
             "process's median, with the processes' min–max. **The hosts are namespaces of "
             f"one machine and share its {cpus} CPUs**: with more ranks than CPUs the ranks "
             "take turns, so scaling over hosts here shows the network's cost, not more "
             "compute. The link is a veth pair through a bridge, shaped by tc tbf (a rate "
             "limit; this kernel has no netem, so no delay or loss).\n"]
    parts += _hosts_link_markdown(figs, k, fit, cpus)
    parts += _hosts_scaling_markdown(figs, "strong", "Strong scaling: fixed N")
    parts += _hosts_scaling_markdown(figs, "weak", "Weak scaling: fixed N per host")
    parts += [f"Speedup and efficiency: the 1-host median over this one. Beyond {cpus} hosts "
              "the ranks share the CPUs, so neither can grow there.\n",
              "## The local sum's fit\n",
              "A lone rank's local sum (the sizes study, on one host: no CPU shared), "
              "unshaped, at " + ", ".join(f"{n:,}" for n, _ in pts) + " elements: "
              f"a = {fit.fixed_s * 1e6:.3g} µs, b = {fit.per_element_s * 1e9:.4g} ns per "
              "element (least squares of the relative error, psumbench.cost).\n"]
    parts += _hosts_model_markdown(figs, k, fit, meta)
    return "\n".join(parts)


def hosts_csv_text(records):
    """The set's hosts.csv: one row per run, HOSTS_CSV_COLUMNS."""
    lines = [",".join(HOSTS_CSV_COLUMNS)]
    for r in records:
        c, d = r["config"], r["doc"]
        n = c["n"]
        row = ("+".join(c["studies"]), c["link"], c["rate_bps"] or "", c["hosts"], n,
               n // c["hosts"], r["process"], c["repeat"], d["parallel"]["median_s"],
               d["parallel"]["min_s"], d["parallel"]["max_s"], d["reduce_s"],
               d["imbalance"]["max_s"], d["imbalance"]["mean_s"], d["sum"], d["expected"],
               str(int(d["sum"]) == n * (n - 1) // 2).lower())
        lines.append(",".join(str(x) for x in row))
    return "\n".join(lines) + "\n"


def hosts_passage(records, meta, setdir):
    """The figures docs/mpi.md quotes from a set, as one paragraph."""
    k, figs = meta["hosts"], aggregate.hosts_figures(records)
    cpus = meta["logical_cpus"]
    fit, _ = analysis.hosts_local_fit(figs, cpus)
    rows = analysis.hosts_links(figs, k)
    base = next((f["reduce"][0] for f in rows if f["link"] == hosts.UNSHAPED), None)
    parts, paced = [], []
    for f in rows:
        cross = analysis.hosts_crossover(fit, f["reduce"][0], k, cpus)
        parts.append(f"{hosts_link_text(f)} {_hosts_us(f['reduce'][0])} µs "
                     f"({_hosts_spread(f['reduce'])}), "
                     f"crossover N " + (f"{cross:,}" if cross is not None else "–"))
        if base and f["rate_bps"] and f["reduce"][0] > 2 * base:
            extra = (f["reduce"][0] - base) * f["rate_bps"] / 8
            paced.append(f"{extra:.0f} bytes at {f['link']}")
    text = (f"In [the set]({setdir}/hosts.md) ({k} hosts, {meta['processes']} processes "
            f"per configuration, {meta['repeat']} repetitions each), the reduction per "
            f"call at N = {meta['link_n']:,} was, by link (median, min–max over the "
            f"processes): " + "; ".join(parts) + ". ")
    if paced:
        text += ("The time a rate added, times that rate: " + ", ".join(paced) + ". ")
    text += (f"A lone rank's local sum: a = {fit.fixed_s * 1e6:.3g} µs, "
             f"b = {fit.per_element_s * 1e9:.4g} ns per element. ")
    model = analysis.hosts_model_rows(figs, k, fit, cpus)
    groups = [(f"on {k} hosts at N = {meta['link_n']:,}",
               [r for r in model if r["hosts"] == k and r["n"] == meta["link_n"]]),
              (f"on {k} hosts at larger N",
               [r for r in model if r["hosts"] == k and r["n"] > meta["link_n"]]),
              ("on fewer hosts", [r for r in model if r["hosts"] < k])]
    said = []
    for name, group in groups:
        if not group:
            continue
        errors = sorted(r["error"] * 100 for r in group)
        misses = sum(abs(r["error"]) > HOSTS_MODEL_LIMIT for r in group)
        said.append(f"{name} {errors[0]:+.1f} to {errors[-1]:+.1f} % ({misses} of "
                    f"{len(group)} rows beyond ±{HOSTS_MODEL_LIMIT * 100:.0f} %)")
    return text + "The model's error (predicted over measured − 1): " + "; ".join(said) + ".\n"
