"""The layout of result sets: results/<machine>/<run id>/, and the index
results/README.md that lists them and shows the latest one inline."""
import datetime
import glob
import json
import os
import re
import sys


def new_run_dir(root, machine_slug, quick):
    """Creates and returns a new folder; an earlier result set is never
    overwritten (a clash within the same second gets a suffix)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d-%H%M%S")
    base = os.path.join(root, machine_slug, stamp + ("-quick" if quick else ""))
    for i in range(1, 100):
        path = base if i == 1 else f"{base}-{i}"
        try:
            os.makedirs(path)
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a new result folder under {base}")


def _read_meta(path):
    """A set's run.json, or None with a warning when it is damaged: one
    broken set never stops the index of the others."""
    try:
        with open(path) as f:
            meta = json.load(f)
        if not isinstance(meta, dict) or not isinstance(meta.get("n"), int):
            raise ValueError("not a result set's run.json")
        return meta
    except (OSError, ValueError) as e:
        print(f"sweep.py: warning: {path}: skipped, damaged ({e})", file=sys.stderr)
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


def write_index(root):
    """Rewrites root/README.md from the result sets found under root."""
    runs = _runs(root)
    lines = ["# Published results", "",
             "Every result set was produced by `bench/sweep.py` (the README's main-job command,",
             "`bench/run.sh`) from the commit it names, on the machine it describes.",
             "Folders: `<machine>/<UTC date and time>/`; `-quick` sets are smoke runs at small N.", "",
             "| machine | result set | complete | commit | N | repetitions |", "|---|---|---|---|---|---|"]
    for machine, run, meta in runs:
        lines.append(f"| {machine} | [{run}]({machine}/{run}/summary.md) | "
                     f"{'yes' if meta.get('complete') else 'no (interrupted)'} | "
                     f"`{(meta.get('git_commit') or '?')[:10]}` | {meta['n']:,} | {meta['repeat']} |")
    limits = sorted(glob.glob(os.path.join(root, "*", "limits-*.md")))
    if limits:
        lines += ["", "Fractions of the machine's limits (`bench/limits.py --markdown FILE`):", ""]
        lines += [f"- [{os.path.relpath(p, root)}]({os.path.relpath(p, root)})" for p in limits]
    full = [r for r in runs if r[2].get("complete") and not r[2].get("quick")
            and os.path.isfile(os.path.join(root, r[0], r[1], "summary.md"))]
    if full:
        # The newest by date (folders are named by their UTC start), whatever the machine.
        machine, run, _ = max(full, key=lambda r: r[1])
        rel = f"{machine}/{run}"
        with open(os.path.join(root, rel, "summary.md")) as f:
            summary = f.read()
        # The summary's links are relative to its own folder.
        summary = re.sub(r"\]\((?![a-z]+:|/|#)([^)]+)\)", lambda m: f"]({rel}/{m[1]})", summary)
        lines += ["", f"## Latest: {rel}", "", summary.split("\n", 1)[1]]
    with open(os.path.join(root, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
