"""The layout of result sets: results/<machine>/<run id>/, and the index
results/README.md that lists them and shows the latest one inline."""
import datetime
import os
import re
import sys

from . import aggregate, tables
from .records import check_record, read_records
from . import machine as machine_record
from .files import one_line, read_json, write_atomic


def new_run_dir(root, machine_slug, quick, kind=""):
    """Creates and returns a new folder <UTC time>[-kind][-quick]; an earlier
    result set is never overwritten (a clash within the same second gets a
    suffix)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d-%H%M%S")
    base = os.path.join(root, machine_slug,
                        stamp + (f"-{kind}" if kind else "") + ("-quick" if quick else ""))
    for i in range(1, 100):
        path = base if i == 1 else f"{base}-{i}"
        try:
            os.makedirs(path)
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a new result folder under {base}")


def check_meta(meta, warn=None):
    """A set's run.json read back, fit for the tables and the index: n a
    count (ValueError otherwise: no set without it), every other field the
    tables read of its type, or dropped (today's default then) and named
    in one warning through warn(text); strings made one line."""
    if not isinstance(meta, dict):
        raise ValueError("not a result set's run.json")
    if type(meta.get("n")) is not int or meta["n"] < 1:
        raise ValueError("not a result set's run.json (no N)")
    out, bad = dict(meta), []
    checks = {"quick": lambda v: isinstance(v, bool), "complete": lambda v: isinstance(v, bool),
              "order_seed": lambda v: type(v) is int,
              "sweeps": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
              "unstable_max_over_min": lambda v: type(v) in (int, float) and 1 <= v < 100,
              "watch_slow_fraction": lambda v: type(v) in (int, float) and 0 < v <= 1,
              "git_commit": lambda v: isinstance(v, str),
              "processes": lambda v: type(v) is int and v >= 1}
    for key in ("gpu_skipped", "mpi_skipped", "watch_skipped"):
        checks[key] = lambda v: isinstance(v, str)
    for key, ok in checks.items():
        if out.get(key) is not None and not ok(out[key]):
            bad.append(key)
            del out[key]
        elif isinstance(out.get(key), str):
            out[key] = one_line(out[key], 400)
    if bad and warn:
        warn(f"run.json: {', '.join(bad)} of the wrong type, left out")
    return out


def _read_meta(path):
    """A set's run.json, or None with a warning when it is damaged: one
    broken set never stops the index of the others."""
    try:
        return check_meta(read_json(path))
    except (OSError, ValueError) as e:
        print(f"sweep.py: warning: {one_line(path)}: skipped, damaged ({one_line(e)})",
              file=sys.stderr)
        return None


def _runs(root):
    found = []
    for machine in sorted(os.listdir(root)):
        mdir = os.path.join(root, machine)
        if not os.path.isdir(mdir):
            continue
        for run in sorted(os.listdir(mdir)):
            path = os.path.join(mdir, run, "run.json")
            meta = _read_meta(path) if os.path.isfile(path) else None
            if meta is not None:
                found.append((machine, run, meta))
    return found


def _machine(path):
    """A set's machine.json, checked (machine.checked); {} with a warning
    when it is damaged."""
    try:
        return machine_record.checked(read_json(path), _warn)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        _warn(f"{one_line(path)}: machine unknown, damaged ({one_line(e)})")
        return {}


def _warn(text):
    print(f"sweep.py: warning: {text}", file=sys.stderr)


def headline(setdir):
    """The figures a reader scans for, from a set's runs.jsonl: psum_omp's
    parallel rate at all CPUs in both modes (the median of its processes'
    medians), and the article's process pool
    against the serial whole program (per element).  Dashes where the set
    lacks them (older sets have no runs.jsonl)."""
    path = os.path.join(setdir, "runs.jsonl")
    if not os.path.isfile(path):
        return ("–", "–", "–")
    damaged = []
    records = read_records(path, damaged.append, convert=check_record)
    if damaged:
        _warn(f"{one_line(setdir)}: {len(damaged)} damaged runs.jsonl line(s) left out of the "
              f"headline figures (the first: {damaged[0]})")
    threads = [r["doc"] for r in aggregate.aggregate([r for r in records
                                                      if r["sweep"] == "threads"])]
    best = tables.at_all_cpus(threads, threads[0]["machine"]["logical_cpus"]) if threads else {}
    cells = []
    for mode, scale, unit in (("materialize", 8e-9, "GB/s"), ("stream", 1e-9, "G elem/s")):
        d = best.get(mode)
        cells.append(f"{d['n'] * scale / d['parallel']['median_s']:.3g} {unit} "
                     f"({d['threads']} threads)" if d else "–")
    python = {r["spec"].get("row"): r["doc"] for r in records if r["sweep"] == "python"}
    pool, serial = python.get("processes"), python.get("list")
    if pool and serial and pool.get("available") and serial.get("available"):
        ratio = (pool["n"] / pool["median_s"]) / (serial["n"] / serial["whole_median_s"])
        cells.append(f"{ratio:.2g}×")
    else:
        cells.append("–")
    return tuple(cells)


def limits_tables(folder):
    """The limits-*.md tables in folder, newest first by the date and time
    in their names: "limits-<date>.md" (no time) after that date's
    "limits-<date>-<HHMM>.md"."""
    # listdir, not glob: a folder name with glob characters ([, *, ?) in
    # --out would match nothing.
    try:
        names = [n for n in os.listdir(folder) if n.startswith("limits-") and n.endswith(".md")]
    except OSError:
        names = []
    return sorted((os.path.join(folder, n) for n in names),
                  key=lambda p: os.path.basename(p)[:-len(".md")], reverse=True)


def hosts_sets(folder):
    """The complete cross-host sets (bench/hosts.py: <time>-hosts, with
    hosts_run.json) in a machine's folder, newest first; smoke runs and
    damaged or unfinished sets left out."""
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        names = []
    for name in names:
        if not name.endswith("-hosts"):
            continue
        try:
            meta = read_json(os.path.join(folder, name, "hosts_run.json"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and meta.get("complete") is True and not meta.get("quick"):
            found.append(name)
    return sorted(found, reverse=True)


def write_index(root):
    """Rewrites root/README.md from the result sets found under root: per
    machine its description and sets, newest first, then the newest full
    set of all inline.  Smoke runs (--quick) are left out: their in-cache
    figures at small N are no results, and a smoke run must leave a
    checkout's index as it was (git ignores their folders)."""
    found = [r for r in _runs(root) if not r[2].get("quick")]
    lines = ["# Published results", "",
             "Every result set was produced by `bench/sweep.py` (the README's main-job command,",
             "`bench/run.sh`) from the commit it names, on the machine it describes.",
             "Folders: `<machine>/<UTC date and time>/`; smoke runs (`--quick`) write",
             "`-quick` folders, which git ignores and this page leaves out.",
             "This page is written by the sweep; do not edit it by hand.", ""]
    machines = sorted({m for m, _, _ in found},
                      key=lambda m: max(r for mm, r, _ in found if mm == m), reverse=True)
    for machine in machines:
        sets = sorted(((r, meta) for m, r, meta in found if m == machine), reverse=True)
        info = _machine(os.path.join(root, machine, sets[0][0], "machine.json"))
        lines += [f"## {machine}", "",
                  f"{info.get('cpu_model', '?')}, {info.get('logical_cpus', '?')} logical CPUs, "
                  f"{(info.get('memory_bytes') or 0) / 2**30:.0f} GiB; "
                  f"{machine_record.topology_text(info)}; {info.get('compiler', '?')}."
                  + ("" if info.get("topology") else " Recorded before the sweep kept the "
                     "machine's topology: these sets may come from different machines that "
                     "share this model name."), "",
                  "| result set | complete | commit | N | materialize, all CPUs | "
                  "stream, all CPUs | article's pool vs serial whole program |",
                  "|---|---|---|---|---|---|---|"]
        for run, meta in sets:
            try:
                mat, stream, pool = headline(os.path.join(root, machine, run))
            except (OSError, ValueError, LookupError, TypeError, ArithmeticError) as e:
                print(f"sweep.py: warning: {machine}/{run}: no headline figures "
                      f"({one_line(e)})", file=sys.stderr)
                mat = stream = pool = "–"
            lines.append(f"| [{run}]({machine}/{run}/summary.md) | "
                         f"{'yes' if meta.get('complete') else 'no (running or interrupted)'} | "
                         f"`{(meta.get('git_commit') or '?')[:10]}` | {meta['n']:,} | "
                         f"{mat} | {stream} | {pool} |")
        limits = limits_tables(os.path.join(root, machine))
        if limits:
            lines += ["", "Fractions of this machine's limits (`bench/limits.py --markdown "
                      "FILE`): " + ", ".join(f"[{os.path.basename(p)}]"
                                             f"({os.path.relpath(p, root)})" for p in limits)]
        across = hosts_sets(os.path.join(root, machine))
        if across:
            lines += ["", "psum_mpi across hosts made of network namespaces (`bench/hosts.py`): "
                      + ", ".join(f"[{name}]({machine}/{name}/hosts.md)" for name in across)]
        lines.append("")
    full = [r for r in found if r[2].get("complete")
            and os.path.isfile(os.path.join(root, r[0], r[1], "summary.md"))]
    if full:
        # The newest by date (folders are named by their UTC start), whatever the machine.
        machine, run, _ = max(full, key=lambda r: r[1])
        rel = f"{machine}/{run}"
        with open(os.path.join(root, rel, "summary.md"), encoding="utf-8",
                  errors="replace") as f:
            summary = f.read()
        # The summary's links are relative to its own folder.
        summary = re.sub(r"\]\((?![a-z]+:|/|#)([^)]+)\)", lambda m: f"]({rel}/{m[1]})", summary)
        lines += [f"## Latest: {rel}", "", summary.partition("\n")[2]]
    # Written aside, then renamed: a reader never sees a half-written index.
    write_atomic(os.path.join(root, "README.md"), "\n".join(lines) + "\n")
