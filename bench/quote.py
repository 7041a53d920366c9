#!/usr/bin/env python3
"""Writes the figures README.md quotes from the result sets they come from.

README.md marks each quoted passage:

    <!-- quote KIND PATH... -->
    (text written by this program)
    <!-- /quote -->

and this program writes the text between the markers from the files of the
set PATH names, never from anything typed by hand:

  duration SET            how long the set's main job took (run.json)
  contrast SET            rows of the set's contrast table (contrast.md) and
                          the speedups they and its thread table (speedup.md)
                          show
  gpu SET LIMITS          the GPU figures of a set run on a GPU machine
                          (contrast.md) and of the limits table LIMITS, each
                          named with the file it comes from
  limits LIMITS           how the plain references and psum_omp scale from
                          one thread to all, in the limits table LIMITS

PATH is relative to the README's folder, as its links are.  `--check` writes nothing and exits 1,
naming each passage that differs from what its set says: the tests run it,
so a quoted figure cannot drift from its file.

usage: bench/quote.py [--check] [FILE...]   (default README.md and docs/design.md)
"""
import json
import os
import re
import sys

from psumbench.args import Parser
from psumbench.files import write_atomic

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- quote (?P<args>[^\n]*?) -->\n)(?P<body>.*?)(<!-- /quote -->)",
                   re.S)
FOOTNOTE = re.compile(r" \[\d+\]$")

# The contrast rows the README shows, by their name in contrast.md.
CONTRAST_ROWS = (
    "Python serial, the article's program: sum() only",
    "Python serial, the article's program: whole",
    "Python ProcessPoolExecutor, the article's",
    "numpy sum of a built array",
    "numba prange over the array",
    "psum_omp parallel, materialize",
    "psum_omp parallel, stream",
)
CONTRAST_COLUMNS = ("implementation", "N", "workers", "median s", "ns per element",
                    "vs serial whole program")


class QuoteError(Exception):
    """A passage names a set or a figure its files do not hold."""


def read(root, setdir, name):
    path = os.path.join(root, setdir, name)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise QuoteError(f"{os.path.join(setdir, name)}: {e.strerror}") from None


def read_json(root, setdir, name):
    try:
        doc = json.loads(read(root, setdir, name))
    except ValueError as e:
        raise QuoteError(f"{os.path.join(setdir, name)}: not JSON ({e})") from None
    if not isinstance(doc, dict):
        raise QuoteError(f"{os.path.join(setdir, name)}: not a JSON object")
    return doc


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def tables(text):
    """Every Markdown table of text, in order, as (label, rows): label is
    the last bold line before the table ("" when none), rows are dicts from
    the header's names to the cells' text."""
    found, label, lines = [], "", text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("**"):
            label = line
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            head, rows = cells(line), []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(dict(zip(head, cells(lines[i]))))
                i += 1
            found.append((label, rows))
            continue
        i += 1
    return found


def first_table(text, where):
    found = tables(text)
    if not found:
        raise QuoteError(f"{where}: no table")
    return found[0][1]


def row_named(rows, name, key, where):
    for row in rows:
        if FOOTNOTE.sub("", row.get(key, "")) == name:
            return row
    raise QuoteError(f"{where}: no row '{name}'")


def cell(row, column, where):
    if column not in row:
        raise QuoteError(f"{where}: no column '{column}'")
    return row[column]


def power_of_ten(text):
    """'1,000,000,000' as 10^9; other counts as they are."""
    digits = text.replace(",", "")
    if re.fullmatch(r"10*", digits) and len(digits) > 4:
        return f"10^{len(digits) - 1}"
    return text


def minutes(seconds):
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60} s" if whole >= 60 else f"{whole} s"


def set_link(setdir):
    name = os.path.relpath(setdir, "results")
    return f"[`{name}`]({setdir}/summary.md)"


def machine_words(root, setdir):
    m = read_json(root, setdir, "machine.json")
    try:
        return (f"{m['cpu_model']}, {m['logical_cpus']} logical CPUs, {m['compiler']}, "
                f"{m['date'][:10]}")
    except (KeyError, TypeError) as e:
        raise QuoteError(f"{setdir}/machine.json: no {e}") from None


def seconds_field(meta, key):
    value = meta.get(key)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return value if ok else None


def duration(root, setdir):
    meta = read_json(root, setdir, "run.json")
    elapsed = seconds_field(meta, "elapsed_s")
    if elapsed is None:
        raise QuoteError(f"{setdir}/run.json: no elapsed_s")
    job = seconds_field(meta, "job_elapsed_s")
    whole = (f"`bench/run.sh` took **{minutes(job)}**, its package check and build "
             f"included (the sweep {minutes(elapsed)}),"
             if job is not None else f"The main job's sweep took **{minutes(elapsed)}**")
    return (f"{whole} for the set quoted below ({set_link(setdir)}, its `run.json`).\n")


def thread_speedups(root, setdir):
    """{mode: (threads, speedup vs 1 thread)} at the most threads the
    machine has without oversubscribing, from speedup.md."""
    where = f"{setdir}/speedup.md"
    out = {}
    for label, rows in tables(read(root, setdir, "speedup.md")):
        mode = re.match(r"\*\*(\w+)\*\*", label)
        plain = [r for r in rows if r.get("threads", "").isdigit()]
        if not mode or not plain:
            continue
        top = max(plain, key=lambda r: int(r["threads"]))
        column = next((c for c in top if c.startswith("speedup vs 1 thread")), None)
        value = re.match(r"([0-9.]+)( ‡)?", top.get(column) or "")
        if value is None:
            raise QuoteError(f"{where}: no figure in the column 'speedup vs 1 thread'")
        out[mode.group(1)] = (int(top["threads"]), f"**{value.group(1)}×**"
                              + (" (‡ unstable)" if value.group(2) else ""))
    if not {"materialize", "stream"} <= out.keys():
        raise QuoteError(f"{where}: no materialize and stream tables")
    return out


def contrast(root, setdir):
    where = f"{setdir}/contrast.md"
    if read_json(root, setdir, "run.json").get("quick"):
        raise QuoteError(f"{setdir}: a smoke run (--quick), whose figures are no results")
    text = read(root, setdir, "contrast.md")
    rows = first_table(text, where)
    picked = [row_named(rows, name, "implementation", where) for name in CONTRAST_ROWS]
    lines = ["| " + " | ".join(CONTRAST_COLUMNS) + " |", "|" + "---|" * len(CONTRAST_COLUMNS)]
    for row in picked:
        name = FOOTNOTE.sub("", row["implementation"])
        values = [name + (" ‡" if re.search(rf"^\d+\. {re.escape(name)}: .*unstable", text,
                                            re.M) else "")]
        values += [cell(row, c, where) for c in CONTRAST_COLUMNS[1:]]
        values[1] = power_of_ten(values[1])
        lines.append("| " + " | ".join(values) + " |")
    unstable = [n for n in CONTRAST_ROWS if re.search(
        rf"^\d+\. {re.escape(n)}: .*unstable", text, re.M)]
    if unstable:
        lines.append("")
        lines.append("‡ unstable in the set: its processes disagree beyond the set's "
                     f"threshold ({', '.join(unstable)}).")
    pool = cell(picked[2], "vs serial whole program", where)
    speedups = thread_speedups(root, setdir)
    threads, mat = speedups["materialize"]
    _, gen = speedups["stream"]
    return (f"From the published set {set_link(setdir)} ({machine_words(root, setdir)}), rows of "
            "its contrast table; speedups compare rates per element against the Python "
            "serial program timed whole (list built, then summed):\n\n"
            + "\n".join(lines) + "\n\n"
            f"In this set the article's process pool buys **{pool}** over the serial "
            f"program timed whole, and psum_omp's {threads} threads run {mat} one "
            f"thread's speed on the materialized array and {gen} on generated values "
            "([speedup table](" + setdir + "/speedup.md))." + drift(root, setdir) + "\n")


def drift(root, setdir):
    """The summary's own words on how the machine drifted during the set,
    for a set measured against drift ("" for one made before)."""
    summary = read(root, setdir, "summary.md")
    found = [re.search(pattern, summary, re.M) for pattern in (
        r"^(\d+ of \d+ configurations unstable[^\n]*?)\.?$",
        r"^(The machine drifted by up to \d+% below its best during the set)\.")]
    if not all(found):
        return ""
    return (f" The set's summary: {found[0].group(1)}; {found[1].group(1)[0].lower()}"
            f"{found[1].group(1)[1:]} (its machine watch).")


def gpu(root, setdir, limits):
    where = f"{setdir}/contrast.md"
    text = read(root, setdir, "contrast.md")
    rows = first_table(text, where)
    mat = row_named(rows, "psum_omp GPU, materialize", "implementation", where)
    gen = row_named(rows, "psum_omp GPU, stream", "implementation", where)
    cupy = row_named(rows, "CuPy sum of an array on the GPU", "implementation", where)
    host = row_named(rows, "psum_omp parallel, stream", "implementation", where)
    copy = re.search(r"copy ([0-9.]+ s) \(([0-9.]+ GB/s)\)", text)
    if copy is None:
        raise QuoteError(f"{where}: no --from-host copy time")
    lwhere = limits
    lrows = first_table(read(root, os.path.dirname(limits), os.path.basename(limits)), limits)

    def limit(name):
        return row_named(lrows, name, "figure", lwhere)
    arr = limit("GPU, array filled on the device, GB/s")
    gen_l = limit("GPU, generated on the device, G elem/s")
    vs_cupy = limit("GPU, array on the device, against CuPy's sum, GB/s")
    n = power_of_ten(cell(mat, "N", where))
    share = re.search(r"runs at (\d+%) of CuPy's", text)
    if share is None:
        raise QuoteError(f"{where}: no comparison with CuPy")
    t_mat, t_gen, t_cupy = (float(cell(r, "median s", where)) for r in (mat, gen, cupy))
    return (f"On an NVIDIA H200 (set {set_link(setdir)}, N = {n}, every sum exact, medians "
            f"of its sweep): psum_omp summed an array filled on the device in "
            f"**{t_mat * 1e3:.3g} ms**, CuPy's `.sum()` (NVIDIA's CUB) the same array in "
            f"{t_cupy * 1e3:.3g} ms (psum at {share.group(1)} of CuPy's speed), and "
            f"psum_omp generated and summed the values on the device in **{t_gen * 1e3:.3g} "
            f"ms**, against {float(cell(host, 'median s', where)) * 1e3:.3g} ms on the "
            f"host's {cell(host, 'workers', where).split()[0]} cores. Copying the 8 GB array "
            f"in took {copy.group(1)} ({copy.group(2)}): data in RAM pays that first. In "
            f"the limits run of that machine ([limits table]({limits}), best of its rounds) "
            f"psum's array sum read {cell(arr, 'psum_omp', lwhere)} GB/s, faster than a "
            f"plain `target teams distribute parallel for simd reduction` loop "
            f"({cell(arr, 'best reference (variant)', lwhere).split()[0]} GB/s) but "
            f"{cell(vs_cupy, 'fraction', lwhere)} of CuPy's "
            f"({cell(vs_cupy, 'best reference (variant)', lwhere).split()[0]} GB/s); "
            f"generated values ran at {cell(gen_l, 'psum_omp', lwhere)} G elem/s, "
            f"{cell(gen_l, 'fraction', lwhere)} of the plain loop.\n")


def limits(root, table):
    """How the plain references and psum scale from one thread to all of
    them, in a limits table (rounds that alternate psum and the references,
    each in processes of its own)."""
    rows = first_table(read(root, os.path.dirname(table), os.path.basename(table)), table)

    def pair(kind):
        found = [r for r in rows if r.get("figure", "").startswith(kind + ", ")]
        one = next((r for r in found if r["figure"].startswith(kind + ", 1 thread ")), None)
        many = [r for r in found if re.match(rf"{kind}, (\d+) threads ", r["figure"])]
        if one is None or not many:
            raise QuoteError(f"{table}: no {kind} rows at 1 and at all threads")
        top = many[0]
        threads = int(re.match(rf"{kind}, (\d+) threads ", top["figure"]).group(1))
        ref = [float(cell(r, "best reference (variant)", table).split()[0]) for r in (one, top)]
        own = [float(cell(r, "psum_omp", table)) for r in (one, top)]
        return threads, ref, own
    threads, read_ref, read_psum = pair("materialized")
    _, gen_ref, gen_psum = pair("streamed")
    return (f"In the limits table [`{os.path.basename(table)}`]({table}) (the best of rounds "
            "that alternate psum_omp and the plain reference loops, each in processes of its "
            f"own) the plain read loop ran {read_ref[0]:g} GB/s on one thread and "
            f"{read_ref[1]:g} GB/s on {threads} (**{read_ref[1] / read_ref[0]:.2f}×**), "
            f"psum_omp's materialized sum {read_psum[0]:g} and {read_psum[1]:g} GB/s "
            f"(**{read_psum[1] / read_psum[0]:.2f}×**); the plain generator "
            f"{gen_ref[0]:g} and {gen_ref[1]:g} G elem/s (**{gen_ref[1] / gen_ref[0]:.2f}×**), "
            f"psum_omp's stream kernel {gen_psum[0]:g} and {gen_psum[1]:g} G elem/s "
            f"(**{gen_psum[1] / gen_psum[0]:.2f}×**).\n")


KINDS = {"duration": (duration, 1), "contrast": (contrast, 1), "gpu": (gpu, 2),
         "limits": (limits, 1)}


def passage(args, root):
    words = args.split()
    if not words or words[0] not in KINDS:
        raise QuoteError(f"unknown quote '{args}' (expected one of {', '.join(KINDS)})")
    write, count = KINDS[words[0]]
    if len(words) - 1 != count:
        raise QuoteError(f"quote '{args}': {words[0]} takes {count} path(s)")
    return write(root, *words[1:])


def rewrite(text, root):
    """text with every passage written anew from the sets under root; the
    names of those that changed.  Raises QuoteError."""
    changed = []

    def one(m):
        body = passage(m.group("args"), root)
        if body != m.group("body"):
            changed.append(m.group("args"))
        return m.group(1) + body + m.group(4)
    return BLOCK.sub(one, text), changed


def main(argv):
    p = Parser(prog="bench/quote.py",
               description="Write README.md's quoted figures from their result sets.")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when a passage differs from its set")
    p.add_argument("files", nargs="*", metavar="FILE",
                   default=[os.path.join(REPO, "README.md"),
                            os.path.join(REPO, "docs", "design.md")])
    args = p.parse_args(argv)
    differ = 0
    for path in args.files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            new, changed = rewrite(text, os.path.dirname(os.path.abspath(path)))
            if args.check:
                for name in changed:
                    print(f"quote.py: {path}: the passage '{name}' differs from its set "
                          "(bench/quote.py rewrites it)", file=sys.stderr)
                differ += len(changed)
            elif changed:
                write_atomic(path, new)
                print(f"quote.py: {path}: {len(changed)} passage(s) rewritten", file=sys.stderr)
        except QuoteError as e:
            print(f"quote.py: {path}: {e}", file=sys.stderr)
            return 1
        except OSError as e:
            print(f"quote.py: {path}: {e.strerror}", file=sys.stderr)
            return 1
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
