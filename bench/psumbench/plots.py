"""gnuplot plots (PNG and SVG) of a result set.  Each plot leaves its data
file and its gnuplot script beside the images, so anyone can redraw it."""
import collections
import os
import subprocess
import sys

from . import analysis, tables
from . import watch as watch_points
from .args import short
from .files import AtomicText, write_atomic

TERMINALS = (("png", "pngcairo size 960,600 font 'sans,11'"),
             ("svg", "svg size 960,600 dynamic font 'sans,11'"))


# Characters that gnuplot's enhanced text mode reads as markup: shown as
# themselves behind a backslash.
ENHANCED_MARKUP = "\\_^{}&~"


def _shown(text):
    """text as characters to show, never to run: one line (control
    characters become spaces), valid UTF-8, enhanced-text markup escaped,
    and a backquote (command substitution) or @ (macro substitution) made a
    look-alike, though gnuplot 5.4 substitutes neither inside a quoted
    string: a result set may come from another machine (bench/README.md)."""
    text = str(text).encode("utf-8", "replace").decode("utf-8")
    out = []
    for c in text:
        if c < " " or c == "\x7f":
            c = " "
        elif c == "`":
            c = "\u2018"
        elif c == "@":
            c = "\uff20"
        elif c in ENHANCED_MARKUP:
            c = "\\" + c
        out.append(c)
    return "".join(out)


def gp_text(text):
    """Any text as a gnuplot string literal that shows it: single-quoted
    (no escapes, command or macro substitution inside) and holding no
    quote: gnuplot 5.4 reads a doubled quote wrongly at a string's start
    (three quotes, a, a quote: the empty string), so a quote becomes a
    look-alike.  Every string a result set holds (the machine's CPU model,
    compiler, modes, row names) enters a gnuplot script only through this."""
    return "'" + _shown(text).replace("'", "\u2019") + "'"


def dat_text(text):
    """Any text as a quoted field of a .dat file: one line, no double quote
    (which would end the field; a look-alike instead), backslashes doubled
    (gnuplot reads escapes in a data file's quoted field)."""
    return '"' + _shown(text).replace('"', "\u201d").replace("\\", "\\\\") + '"'


class GnuplotMissing(RuntimeError):
    """gnuplot is not installed: the data and scripts are written, no image."""


class Frame(collections.namedtuple("Frame", "caption banner")):
    """What every plot of a set carries: the caption at its foot (machine,
    date, commit; plain text, which render() quotes) and the banner before
    its title ("" or the smoke run's)."""


# Marks in the .dat files and on the points: where the processes of a
# configuration disagree (aggregate.py's verdict, never decided here).
UNSTABLE_STYLE = "with points pt 2 ps 2.6 lw 2 lc rgb '#d62728'"
UNSTABLE_TITLE = "unstable: its processes disagree"


def render(outdir, name, script, frame, title):
    """Writes NAME.gp, a script that draws NAME.png and NAME.svg by itself
    (`gnuplot NAME.gp` in the set's folder), and runs it; title is gnuplot
    text (escaped by the caller) after the frame's banner.  The images are
    drawn under temporary names and renamed: a full disk or an interrupt
    never leaves a truncated image under the real name.  Returns the image
    paths; raises GnuplotMissing (the script is still written) or
    RuntimeError."""
    body = (f"set label 99 {gp_text(frame.caption)} at screen 0.01, screen 0.015 "
            "font 'sans,9'\n"
            f"set title \"{frame.banner}{title}\"\n"
            "set bmargin 5\nset key top left box opaque\nset grid\n" + script)
    (png, png_term), (svg, svg_term) = TERMINALS
    images = [f"{name}.{ext}" for ext, _ in TERMINALS]
    # Where the images go: their names, unless the caller sets these first.
    text = (f"# Redraw with: gnuplot {name}.gp (in this folder)\n"
            f"if (!exists('{png}_out')) {png}_out = '{images[0]}'\n"
            f"if (!exists('{svg}_out')) {svg}_out = '{images[1]}'\n"
            f"set terminal {png_term}\nset output {png}_out\n{body}\n"
            f"set terminal {svg_term}\nset output {svg}_out\nreplot\nunset output\n")
    write_atomic(os.path.join(outdir, name + ".gp"), text)
    temps = [f".{image}.{os.getpid()}.tmp" for image in images]
    outputs = "; ".join(f"{ext}_out = '{tmp}'" for (ext, _), tmp in zip(TERMINALS, temps))
    try:
        try:
            p = subprocess.run(["gnuplot", "-e", outputs, name + ".gp"], cwd=outdir,
                               capture_output=True, text=True)
        except FileNotFoundError:
            raise GnuplotMissing("gnuplot not found (Debian: gnuplot-nox; bench/run.sh "
                                 "installs it)") from None
        if p.returncode != 0:
            raise RuntimeError(f"gnuplot failed on {name}.gp: {p.stderr.strip()}")
        for tmp, image in zip(temps, images):
            os.replace(os.path.join(outdir, tmp), os.path.join(outdir, image))
    finally:
        for tmp in temps:
            try:
                os.unlink(os.path.join(outdir, tmp))
            except OSError:
                pass
    return [os.path.join(outdir, image) for image in images]


MODE_COLOURS = {"materialize": "#3b75af", "stream": "#519e3e"}


def _thread_data(outdir, mode, data):
    """speedup_MODE.dat: threads, speedup of the median, of the slowest and
    fastest process medians (of the repetitions in a one-process set),
    rate, 1 for an oversubscribed point, 1 for an unstable one."""
    dat = f"speedup_{mode}.dat"
    base = next(r for r in data["rows"] if r["threads"] == 1)["median_s"]
    with AtomicText(os.path.join(outdir, dat)) as f:
        f.write("# threads speedup speedup_of_max_time speedup_of_min_time rate "
                "oversubscribed unstable\n")
        for r in data["rows"]:
            rate = r["rate_value"]
            f.write(f"{r['threads']} {r['speedup']:.6f} {base / r['max_s']:.6f} "
                    f"{base / r['min_s']:.6f} {rate:.6g} {int(r['oversubscribed'])} "
                    f"{int(r['unstable'])}\n")
    return dat


def _unstable_lines(dat, column, by_mode_rows):
    """The overlay that marks unstable points, when there is one."""
    if not any(r["unstable"] for rows in by_mode_rows for r in rows):
        return []
    return [f"'{dat}' using 1:($7 == 1 ? ${column} : NaN) {UNSTABLE_STYLE} "
            f"title '{UNSTABLE_TITLE}'"]


def _thread_axis(by_mode, cpus):
    threads = sorted({r["threads"] for d in by_mode.values() for r in d["rows"]})
    tics = ", ".join(f"'{t}{'*' if t > cpus else ''}' {t}" for t in threads)
    return threads[-1], f"""set logscale x 2
set xtics ({tics})
set xrange [0.7:{threads[-1] * 1.4}]
set arrow 1 from {cpus}, graph 0 to {cpus}, graph 1 nohead dt 3 lc rgb 'gray40'
set label 1 "{cpus} CPUs" at {cpus}, graph 0.97 right offset -0.5,0 font 'sans,9'
"""


def speedup(outdir, by_mode, cpus, frame):
    """Speedup against threads on a log2 axis: the median with the slowest
    and fastest process medians (repetitions, in a one-process set) as bars,
    the Amdahl fits (none where the fit means nothing), the ideal line; the
    oversubscribed point (threads > CPUs, marked *) drawn hollow, unstable
    points crossed."""
    lines, fits = [], []
    for i, (mode, data) in enumerate(by_mode.items()):
        dat = _thread_data(outdir, mode, data)
        colour = MODE_COLOURS.get(mode, "black")
        lines.append(f"'{dat}' using 1:($6 == 0 ? $2 : NaN):3:4 with yerrorlines pt 7 ps 1.3 "
                     f"lw 2 lc rgb '{colour}' title {gp_text(mode + ', N = ' + short(data['n']))}")
        lines.append(f"'{dat}' using 1:($6 == 1 ? $2 : NaN):3:4 with yerrorbars pt 6 ps 1.6 "
                     f"lw 2 lc rgb '{colour}' title {gp_text(mode + ', oversubscribed')}")
        lines += _unstable_lines(dat, 2, [data["rows"]])
        if data["fit_unfit"] is None:
            f_fit = data["fit"][0]
            fits.append(f"amdahl{i}(p) = 1 / ({f_fit:.6f} + (1 - {f_fit:.6f}) / p)")
            lines.append(f"amdahl{i}(x) with lines dt (6, 4) lw 1.5 lc rgb '{colour}' "
                         f"title {gp_text(f'{mode}: Amdahl fit, f = {f_fit:.3f}')}")
    lines = _title_once(lines)
    top, axis = _thread_axis(by_mode, cpus)
    bars = ("process median" if any(r["processes"] > 1 for d in by_mode.values()
                                     for r in d["rows"]) else "repetition")
    title = f"psum\\\\_omp speedup (dynamic, 100 chunks; bars: fastest to slowest {bars})"
    script = "\n".join(fits) + f"""
set xlabel "threads (OMP\\\\_NUM\\\\_THREADS; * oversubscribed)"
set ylabel "speedup against the 1-thread run (x)"
{axis}set yrange [0:{top * 1.1}]
set samples 200
plot x with lines lc rgb 'gray60' lw 3 title 'ideal (speedup = threads)', \\
     {', '.join(lines)}
"""
    return render(outdir, "speedup", script, frame, title)


def rates(outdir, by_mode, cpus, frame):
    """Rate against threads: GB/s read (materialize, left axis) and
    G elements/s (stream, right axis)."""
    lines = []
    for mode, data in by_mode.items():
        dat = _thread_data(outdir, mode, data)
        axis = "x1y1" if mode == "materialize" else "x1y2"
        unit = "GB/s, left axis" if mode == "materialize" else "G elements/s, right axis"
        lines.append(f"'{dat}' using 1:5 axes {axis} with linespoints pt 7 ps 1.3 lw 2 "
                     f"lc rgb '{MODE_COLOURS.get(mode, 'black')}' "
                     f"title {gp_text(mode + ', N = ' + short(data['n']) + f' ({unit})')}")
        lines += [line.replace(" with points", f" axes {axis} with points")
                  for line in _unstable_lines(dat, 5, [data["rows"]])]
    lines = _title_once(lines)
    _, axis = _thread_axis(by_mode, cpus)
    title = "psum\\\\_omp rate against threads (median)"
    script = f"""
set xlabel "threads (OMP\\\\_NUM\\\\_THREADS; * oversubscribed)"
set ylabel "materialize: GB/s read"
set y2label "stream: G elements/s"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
{axis}plot {', '.join(lines)}
"""
    return render(outdir, "rates", script, frame, title)


def _title_once(lines):
    """Lines with the unstable mark's key entry kept only on the first."""
    out, seen = [], False
    for line in lines:
        if f"title '{UNSTABLE_TITLE}'" in line:
            if seen:
                line = line.replace(f"title '{UNSTABLE_TITLE}'", "notitle")
            seen = True
        out.append(line)
    return out


def sizes(outdir, by_mode, frame):
    lines, arrows = [], []
    for i, (mode, data) in enumerate(by_mode.items()):
        dat = f"sizes_{mode}.dat"
        with AtomicText(os.path.join(outdir, dat)) as f:
            f.write("# n serial_median_s parallel_median_s unstable\n")
            for (n, s, p), unstable in zip(data["points"], data["unstable"]):
                f.write(f"{n} {s:.9g} {p:.9g} {int(unstable)}\n")
        lines.append(f"'{dat}' using 1:2 with linespoints pt 6 lw 2 "
                     f"title {gp_text(mode + ', serial')}")
        lines.append(f"'{dat}' using 1:3 with linespoints pt 7 lw 2 title "
                     f"{gp_text(mode + ', parallel (%s threads)' % data['threads'])}")
        if any(data["unstable"]):
            lines.append(f"'{dat}' using 1:($4 == 1 ? $3 : NaN) {UNSTABLE_STYLE} "
                         f"title '{UNSTABLE_TITLE}'")
        n_cross = data["crossover"][0]
        if n_cross is not None:
            arrows.append(f"set arrow from {n_cross:.6g}, graph 0 to {n_cross:.6g}, graph 1 "
                          f"nohead dt 2 lc rgb 'gray30'\n"
                          f"set label {gp_text(mode + ' crossover')}.\"\\nN = {n_cross:.2g}\" at "
                          f"{n_cross:.6g}, graph {0.95 - 0.12 * i:.2f} offset 0.5,0 font 'sans,9'")
    lines = _title_once(lines)
    title = "psum\\\\_omp time against N: where threads start to pay"
    script = "\n".join(arrows) + f"""
set xlabel "N (elements)"
set ylabel "median time (s)"
set key bottom right
set logscale xy
set format x "10^{{%L}}"
set format y "10^{{%L}}"
plot {', '.join(lines)}
"""
    return render(outdir, "sizes", script, frame, title)


COLOURS = {"Python": "#3b75af", "Python with native code": "#ef8636",
           "psum_omp": "#519e3e", "article (reference)": "#9a9a9a"}


def contrast(outdir, rows, frame):
    """Nanoseconds per element of every measured row as horizontal bars,
    coloured by family, the article's two figures as grey reference bars;
    log scale, in the contrast table's order from the top, the key below
    the plot where no bar can run into it."""
    dat = "contrast.dat"
    measured = [r for r in rows if r["median_s"]]
    families = list(COLOURS)
    low = min(r["median_s"] / r["n"] * 1e9 for r in measured) / 3
    high = max(r["median_s"] / r["n"] * 1e9 for r in measured) * 5  # room for the values
    with AtomicText(os.path.join(outdir, dat)) as f:
        f.write("# label ns_per_element family_index\n")
        for r in reversed(measured):
            label = dat_text(f"{r['name']} (N = {short(r['n'])})")
            f.write(f"{label} {r['median_s'] / r['n'] * 1e9:.6g} "
                    f"{families.index(r['family']) + 1}\n")
    styles = "\n".join(f"set linetype {i + 1} lc rgb '{c}'" for i, c in enumerate(COLOURS.values()))
    keys = ", \\\n     ".join(f"NaN with boxes lt {i + 1} title '{fam}'"
                              for i, fam in enumerate(families)).replace("_", "\\_")
    title = "Summing 0..N-1: time per element (log scale; shorter is faster)"
    script = f"""{styles}
set xlabel "nanoseconds per element (median)"
set logscale x
set xrange [{low:.6g}:{high:.6g}]
set yrange [-0.7:{len(measured) - 0.3}]
set style fill solid 0.8 border -1
set ytics font 'sans,9'
set lmargin 44
set bmargin 8
set key at screen 0.5, screen 0.05 center bottom horizontal maxrows 1 width -1 box
plot '{dat}' using 2:0:({low:.6g}):2:($0 - 0.35):($0 + 0.35):3:ytic(1) with boxxyerror \\
         lc variable notitle, \\
     '' using 2:0:(sprintf(" %.3g", $2)) with labels left font 'sans,8' notitle, \\
     {keys}
"""
    return render(outdir, "contrast", script, frame, title)


def mpi_strong(outdir, strong, frame):
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
            f.write(f"{dat_text(label.replace('×', 'x'))} {' '.join(cells)} "
                    f"{int(unstable)}\n")
    ratios = [r["vs_omp"] for d in strong.values() for r in d["rows"] if r["vs_omp"]]
    top = max([1.25] + [x * 1.1 for x in ratios])
    lines = [f"'mpi_strong.dat' using {i + 2}:xtic(1) with linespoints pt 7 ps 1.3 lw 2 "
             f"lc rgb '{MODE_COLOURS.get(mode, 'black')}' "
             f"title {gp_text(mode)}"
             for i, mode in enumerate(strong)]
    flag = len(strong) + 2
    lines += [f"'mpi_strong.dat' using 0:(${flag} == 1 ? ${i + 2} : NaN) {UNSTABLE_STYLE} "
              + (f"title '{UNSTABLE_TITLE}'" if i == 0 else "notitle")
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
    return render(outdir, "mpi_strong", script, frame, title)


def mpi_weak(outdir, weak, frame):
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
                     f"lc rgb '{MODE_COLOURS.get(mode, 'black')}' "
                     f"title {gp_text(mode)}")
        if any(r["unstable"] for r in data["rows"]):
            lines.append(f"'{dat}' using 1:($3 == 1 ? $2 : NaN) {UNSTABLE_STYLE} "
                         f"title '{UNSTABLE_TITLE}'")
    lines = _title_once(lines)
    title = "psum\\\\_mpi weak scaling: one thread per rank, fixed N per rank"
    script = f"""
set xlabel "ranks"
set ylabel "efficiency (1-rank time / time)"
set xrange [0.5:{top + 0.5}]
set xtics 1
set yrange [0:1.2]
plot 1 with lines lc rgb 'gray60' lw 3 title 'ideal', {', '.join(lines)}
"""
    return render(outdir, "mpi_weak", script, frame, title)


def watch(outdir, records, fraction, frame):
    """watch.png: both references' rates against minutes into the set, each
    with its slow line (fraction of its best)."""
    pts = watch_points.points(records)
    if not pts:
        return None
    with AtomicText(os.path.join(outdir, "watch.dat")) as f:
        f.write("# minutes read_gb_s gen_gelem_s\n")
        for t, read, gen, _ in pts:
            f.write(f"{t / 60:.4f} {read:.6g} {gen:.6g}\n")
    best_read = watch_points.best([p[1] for p in pts])
    best_gen = watch_points.best([p[2] for p in pts])
    top_read, top_gen = max(p[1] for p in pts), max(p[2] for p in pts)
    script = f"""
set xlabel "minutes into the set"
set ylabel "read loop: GB/s"
set y2label "generator: G elements/s"
set ytics nomirror
set y2tics
set yrange [0:{top_read * 1.15:.6g}]
set y2range [0:{top_gen * 1.15:.6g}]
plot 'watch.dat' using 1:2 axes x1y1 with linespoints pt 7 ps 0.8 lw 1.5 lc rgb '#3b75af' \\
         title 'read loop, 64 MiB (GB/s, left)', \\
     'watch.dat' using 1:3 axes x1y2 with linespoints pt 5 ps 0.8 lw 1.5 lc rgb '#519e3e' \\
         title 'generator (G elements/s, right)', \\
     {fraction * best_read:.6g} axes x1y1 with lines dt 2 lc rgb '#3b75af' \\
         title 'read: {fraction:.0%} of best (slow below)', \\
     {fraction * best_gen:.6g} axes x1y2 with lines dt 2 lc rgb '#519e3e' \\
         title 'generator: {fraction:.0%} of best (slow below)'
"""
    return render(outdir, "watch", script, frame,
                  "The machine during the set: a plain reference between configurations")


def hosts_links(outdir, figs, k, frame):
    """The cross-host sweep's reduction per link setting, median and the
    processes' min–max, from aggregate.hosts_figures."""
    rows = analysis.hosts_links(figs, k)
    with AtomicText(os.path.join(outdir, "hosts_link.dat")) as f:
        f.write("# link reduction_us min_us max_us\n")
        for r in rows:
            f.write(f"{dat_text(tables.hosts_link_text(r))} {r['reduce'][0] * 1e6:.6g} "
                    f"{r['reduce'][1] * 1e6:.6g} {r['reduce'][2] * 1e6:.6g}\n")
    script = f"""
set xlabel "link of every host"
set ylabel "reduction per repetition, µs (log)"
set logscale y
set xrange [-0.5:{len(rows) - 0.5}]
plot 'hosts_link.dat' using 0:2:3:4:xtic(1) with yerrorbars pt 7 ps 1.5 lw 2 \\
     lc rgb '#3b75af' title 'median over processes, bars min–max'
"""
    title = f"psum\\\\_mpi on {k} hosts: the reduction against the link (tc tbf rate)"
    return render(outdir, "hosts_link", script, frame, title)


def hosts_scaling(outdir, figs, frame):
    """The cross-host sweep's strong and weak scaling: the parallel median
    against hosts, from aggregate.hosts_figures."""
    lines = []
    for study, colour in (("strong", "#3b75af"), ("weak", "#519e3e")):
        dat = f"hosts_{study}.dat"
        with AtomicText(os.path.join(outdir, dat)) as f:
            f.write("# hosts parallel_s min_s max_s\n")
            for r in analysis.hosts_study(figs, study):
                f.write(f"{r['hosts']} {r['par'][0]:.6g} {r['par'][1]:.6g} {r['par'][2]:.6g}\n")
        lines.append(f"'{dat}' using 1:2:3:4 with yerrorlines pt 7 lw 2 lc rgb '{colour}' "
                     f"title {gp_text(study)}")
    script = f"""
set xlabel "hosts (one rank of one thread each; they share the CPUs)"
set ylabel "parallel time per repetition, s"
set xtics 1
set yrange [0:*]
plot {', '.join(lines)}
"""
    title = "psum\\\\_mpi across hosts: strong (fixed N) and weak (fixed N per host) scaling"
    return render(outdir, "hosts_scaling", script, frame, title)



class Plotter:
    """Draws through this module's plots; without gnuplot each plot still
    leaves its data and .gp script, and one warning says so: the tables never
    depend on the plots."""

    def __init__(self):
        self.warned = False

    def __call__(self, draw, *args):
        try:
            draw(*args)
            return True
        except GnuplotMissing as e:
            if not self.warned:
                print(f"sweep.py: warning: {e}: the plots are skipped; their data and .gp "
                      "scripts are in the set, and `bench/sweep.py --render DIR` draws them",
                      file=sys.stderr)
            self.warned = True
        except RuntimeError as e:
            print(f"sweep.py: warning: {e}: that plot is skipped", file=sys.stderr)
        return False
