"""From runs to rows and Markdown tables.  The row builders are shared with
the plots, so a table and its plot always show the same numbers."""
from . import analysis

ARTICLE = {"serial_s": 20.7, "processes_s": 7.0, "n": 999_999_999}


def _rate(mode, n, seconds):
    """GB/s for materialized data, G elements/s for streamed."""
    if mode == "materialize":
        return f"{n * 8 / seconds / 1e9:.2f} GB/s"
    return f"{n / seconds / 1e9:.2f} Gelem/s"


NOISY_NOTE = ("† psum_omp flagged this run as noisy (a phase's coefficient of variation over "
              "5 % or max/min over 1.2, or other processes using over 10 % of the CPUs): "
              "read its figures with care.\n")


def _noisy(doc):
    """psum_omp's own verdict: a noisy phase or a busy machine."""
    phases = [doc[p] for p in ("serial", "parallel") if doc.get(p)]
    return any(p.get("noisy") for p in phases) or (doc.get("background_load") or 0) > 0.10


def _mark(text, noisy):
    return f"{text} †" if noisy else text


def _table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _modes(runs):
    return [m for m in ("materialize", "stream") if any(d["mode"] == m for _, d in runs)]


# ---- threads ----

def thread_rows(runs, cpus):
    """Per mode: rows with the speedup figures, and the Amdahl fit over
    the points with threads <= cpus (an oversubscribed point has no
    processor of its own, which Amdahl's law assumes)."""
    out = {}
    for mode in _modes(runs):
        docs = sorted((d for _, d in runs if d["mode"] == mode), key=lambda d: d["threads"])
        base = next(d for d in docs if d["threads"] == 1)["parallel"]["median_s"]
        rows = []
        for d in docs:
            par, p = d["parallel"], d["threads"]
            s1 = base / par["median_s"]
            rows.append({"threads": p, "median_s": par["median_s"], "min_s": par["min_s"],
                         "max_s": par["max_s"], "speedup": s1,
                         "speedup_serial": d["serial"]["median_s"] / par["median_s"],
                         "efficiency": s1 / p, "karp_flatt": analysis.karp_flatt(s1, p),
                         "rate": _rate(mode, d["n"], par["median_s"]),
                         "oversubscribed": p > cpus, "noisy": _noisy(d)})
        fit = analysis.fit_amdahl([(r["threads"], r["speedup"]) for r in rows
                                   if not r["oversubscribed"]])
        out[mode] = {"rows": rows, "fit": fit, "n": docs[0]["n"]}
    return out


def speedup_markdown(by_mode):
    parts = []
    for mode, data in by_mode.items():
        f, rmse, r2 = data["fit"]
        parts.append(f"**{mode}**, N = {data['n']:,}\n")
        parts.append(_table(
            ("threads", "median s", "min–max s", "speedup vs 1 thread", "speedup vs serial",
             "efficiency", "Karp–Flatt e", "rate"),
            [(f"{r['threads']}{' (oversubscribed)' if r['oversubscribed'] else ''}",
              _mark(f"{r['median_s']:.4g}", r["noisy"]), f"{r['min_s']:.4g}–{r['max_s']:.4g}",
              f"{r['speedup']:.2f}", f"{r['speedup_serial']:.2f}", f"{r['efficiency']:.2f}",
              "–" if r["karp_flatt"] is None else f"{r['karp_flatt']:.3f}", r["rate"])
             for r in data["rows"]]))
        r2_text = "n/a (speedups do not vary)" if r2 is None else f"{r2:.3f}"
        used = sum(1 for r in data["rows"] if not r["oversubscribed"])
        caveat = (" With two points (1 thread, whose speedup is 1 by definition, and one "
                  "more) the fit is exact by construction: f is then the Karp–Flatt "
                  "fraction of the second point." if used <= 2 else "")
        if any(r["noisy"] for r in data["rows"]):
            parts.append("\n" + NOISY_NOTE)
        parts.append(f"\nAmdahl fit over the {used} points with threads ≤ CPUs: serial "
                     f"fraction f = {f:.3f}, RMSE {rmse:.3f}, R² {r2_text}.{caveat}\n")
    return "\n".join(parts)


# ---- schedules ----

def schedule_markdown(runs):
    parts = []
    for mode in _modes(runs):
        times = {(d["schedule"], d["chunks"]): d["parallel"]["median_s"]
                 for _, d in runs if d["mode"] == mode}
        noisy = {(d["schedule"], d["chunks"]) for _, d in runs
                 if d["mode"] == mode and _noisy(d)}
        chunks = sorted({c for _, c in times})
        n = next(d["n"] for _, d in runs if d["mode"] == mode)
        rows = []
        for c in chunks:
            static = times.get(("static", c))
            row = [f"{c:,}"]
            for sched in ("static", "dynamic", "guided"):
                t = times.get((sched, c))
                row.append("–" if t is None else _mark(
                    f"{t:.4g} s ({t / static:.3f})" if static else f"{t:.4g} s",
                    (sched, c) in noisy))
            rows.append(row)
        parts.append(f"**{mode}**, N = {n:,}, median parallel time (relative to static)\n")
        parts.append(_table(("chunks", "static", "dynamic", "guided"), rows))
        if noisy:
            parts.append(NOISY_NOTE)
    return "\n".join(parts)


# ---- sizes ----

def size_rows(runs):
    out = {}
    for mode in _modes(runs):
        docs = sorted((d for _, d in runs if d["mode"] == mode), key=lambda d: d["n"])
        points = [(d["n"], d["serial"]["median_s"], d["parallel"]["median_s"]) for d in docs]
        out[mode] = {"points": points, "crossover": analysis.crossover(points),
                     "threads": docs[0]["threads"], "noisy": [_noisy(d) for d in docs]}
    return out


def crossover_text(cross):
    n, below, above = cross
    if n is not None:
        return (f"threads pay from about N = {n:,.0f} (serial faster at {below:,}, "
                f"parallel faster from {above:,})")
    if below is None:
        return f"threads pay at every measured size (from {above:,})"
    return f"threads do not pay at any measured size (up to {below:,})"


def size_markdown(by_mode):
    parts = []
    for mode, data in by_mode.items():
        rows = [(_mark(f"{n:,}", noisy), f"{s:.4g}", f"{p:.4g}", f"{s / p:.2f}",
                 "parallel" if p < s else "serial")
                for (n, s, p), noisy in zip(data["points"], data["noisy"])]
        parts.append(f"**{mode}**, {data['threads']} threads, dynamic, 100 chunks\n")
        parts.append(_table(("N", "serial median s", "parallel median s", "speedup",
                             "faster"), rows))
        if any(data["noisy"]):
            parts.append(NOISY_NOTE)
        parts.append(f"\nCrossover: {crossover_text(data['crossover'])}.\n")
    return "\n".join(parts)


# ---- the Python contrast ----

def contrast_rows(thread_runs, python_runs, cpus):
    """Rows of the contrast table: Python's rows, then psum_omp's serial and
    parallel phases at all CPUs (not oversubscribed) in both modes."""
    rows = []
    for job, doc in python_runs:
        if doc is None:
            rows.append({"name": f"Python {job.impl}", "n": None, "workers": "–",
                         "seconds": None, "note": "numpy not importable: not run"})
            continue
        workers = {"serial": "1", "numpy": "1"}.get(job.impl, f"{job.workers} ({job.chunks} chunks)")
        note = job.note
        if job.impl == "serial":
            note = (note + "; " if note else "") + \
                f"time of sum() only; building the list took {doc['build_s']:.2f} s, untimed"
        rows.append({"name": f"Python {job.impl}", "n": doc["n"], "workers": workers,
                     "seconds": doc["seconds"], "note": note})
    best = {}
    for _, d in thread_runs:
        if d["threads"] <= cpus and d["threads"] >= best.get(d["mode"], {"threads": 0})["threads"]:
            best[d["mode"]] = d
    for mode, d in best.items():
        rows.append({"name": f"psum_omp serial ({mode})", "n": d["n"], "workers": "1",
                     "seconds": d["serial"]["median_s"], "note": "median"})
        rows.append({"name": f"psum_omp parallel ({mode})", "n": d["n"],
                     "workers": f"{d['threads']} threads", "seconds": d["parallel"]["median_s"],
                     "note": "median, dynamic, 100 chunks"})
    return rows


def contrast_markdown(rows):
    base = next((r for r in rows if r["name"] == "Python serial" and r["seconds"]), None)
    base_rate = base["n"] / base["seconds"] if base else None
    table = []
    for r in rows:
        if r["seconds"] is None:
            table.append((r["name"], "–", r["workers"], "–", "–", "–", r["note"]))
            continue
        rate = r["n"] / r["seconds"]
        table.append((r["name"], f"{r['n']:,}", r["workers"], f"{r['seconds']:.4g}",
                      f"{rate:.3g}", f"{rate / base_rate:,.1f}×" if base_rate else "–",
                      r["note"]))
    a = ARTICLE
    table.append(("*article, author's machine (reference, not measured here)*",
                  f"{a['n']:,}", "1", f"{a['serial_s']}", f"{a['n'] / a['serial_s']:.3g}", "–",
                  "serial: build the list, then sum"))
    table.append(("*article, author's machine (reference, not measured here)*",
                  f"{a['n']:,}", "20 processes (100 chunks)", f"~{a['processes_s']:.0f}",
                  f"{a['n'] / a['processes_s']:.3g}", "\"3x\" against its serial", ""))
    return _table(("implementation", "N", "workers", "time s", "elements/s",
                   "speedup vs Python serial (per element)", "note"), table)
