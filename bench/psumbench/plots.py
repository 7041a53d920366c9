"""gnuplot plots (PNG and SVG) of a result set.  Each plot leaves its data
file and its gnuplot script beside the images, so anyone can redraw it."""
import os
import subprocess

TERMINALS = (("png", "pngcairo size 960,600 font 'sans,11'"),
             ("svg", "svg size 960,600 dynamic font 'sans,11'"))


def short(n):
    """1000000 -> 1e6."""
    return f"{n:.0e}".replace("e+0", "e").replace("e+", "e")


def _render(outdir, name, script, caption):
    """Writes NAME.gp and runs it once per terminal; returns the image paths."""
    body = (f"set label 99 \"{caption}\" at screen 0.01, screen 0.015 font 'sans,9'\n"
            "set bmargin 5\nset key top left box opaque\nset grid\n" + script)
    path = os.path.join(outdir, name + ".gp")
    with open(path, "w") as f:
        f.write(body)
    images = []
    for ext, term in TERMINALS:
        image = os.path.join(outdir, f"{name}.{ext}")
        cmd = f"set terminal {term}; set output '{os.path.basename(image)}'; load '{name}.gp'"
        try:
            p = subprocess.run(["gnuplot", "-e", cmd], cwd=outdir, capture_output=True,
                               text=True)
        except FileNotFoundError:
            raise RuntimeError("gnuplot not found (Debian: gnuplot-nox; bench/run.sh "
                               "installs it)") from None
        if p.returncode != 0:
            raise RuntimeError(f"gnuplot failed on {name}.gp: {p.stderr.strip()}")
        images.append(image)
    return images


def speedup(outdir, by_mode, cpus, caption):
    lines, fits = [], []
    for i, (mode, data) in enumerate(by_mode.items()):
        dat = f"speedup_{mode}.dat"
        with open(os.path.join(outdir, dat), "w") as f:
            f.write("# threads speedup_vs_1_thread\n")
            for r in data["rows"]:
                f.write(f"{r['threads']} {r['speedup']:.6f}\n")
        f_fit = data["fit"][0]
        fits.append(f"amdahl{i}(p) = 1 / ({f_fit:.6f} + (1 - {f_fit:.6f}) / p)")
        lines.append(f"'{dat}' using 1:2 with linespoints pt 7 ps 1.3 lw 2 title '{mode} (measured)'")
        lines.append(f"amdahl{i}(x) with lines dt 2 lw 2 title '{mode}: Amdahl fit, f = {f_fit:.3f}'")
    top = max(r["threads"] for d in by_mode.values() for r in d["rows"])
    script = "\n".join(fits) + f"""
set title "psum\\\\_omp speedup against threads ({cpus} logical CPUs; the last point is oversubscribed)"
set xlabel "threads (OMP\\\\_NUM\\\\_THREADS)"
set ylabel "speedup against the 1-thread run (x)"
set xrange [0.8:{top * 1.1}]
set yrange [0:{top * 1.1}]
set arrow from {cpus}, graph 0 to {cpus}, graph 1 nohead dt 3 lc rgb 'gray40'
set samples 200
plot x with lines lc rgb 'gray50' lw 1 title 'ideal (speedup = threads)', \\
     {', '.join(lines)}
"""
    return _render(outdir, "speedup", script, caption)


def sizes(outdir, by_mode, caption):
    lines, arrows = [], []
    for i, (mode, data) in enumerate(by_mode.items()):
        dat = f"sizes_{mode}.dat"
        with open(os.path.join(outdir, dat), "w") as f:
            f.write("# n serial_median_s parallel_median_s\n")
            for n, s, p in data["points"]:
                f.write(f"{n} {s:.9g} {p:.9g}\n")
        lines.append(f"'{dat}' using 1:2 with linespoints pt 6 lw 2 title '{mode}, serial'")
        lines.append(f"'{dat}' using 1:3 with linespoints pt 7 lw 2 title "
                     f"'{mode}, parallel ({data['threads']} threads)'")
        n_cross = data["crossover"][0]
        if n_cross is not None:
            arrows.append(f"set arrow from {n_cross:.6g}, graph 0 to {n_cross:.6g}, graph 1 "
                          f"nohead dt 2 lc rgb 'gray30'\n"
                          f"set label \"{mode} crossover\\nN = {n_cross:.2g}\" at "
                          f"{n_cross:.6g}, graph {0.95 - 0.12 * i:.2f} offset 0.5,0 font 'sans,9'")
    script = "\n".join(arrows) + f"""
set title "psum\\\\_omp time against N: where threads start to pay"
set xlabel "N (elements)"
set ylabel "median time (s)"
set key bottom right
set logscale xy
set format x "10^{{%L}}"
set format y "10^{{%L}}"
plot {', '.join(lines)}
"""
    return _render(outdir, "sizes", script, caption)


def contrast(outdir, rows, caption):
    dat = "contrast.dat"
    measured = [r for r in rows if r["seconds"]]
    with open(os.path.join(outdir, dat), "w") as f:
        f.write("# label seconds\n")
        for r in measured:
            label = r["name"].replace("psum_omp", "psum\\\\_omp").replace(" (", "\\n(")
            f.write(f"\"{label}\\nN = {short(r['n'])}\" {r['seconds']:.9g}\n")
    low = min(r["seconds"] for r in measured)
    script = f"""
set title "Summing integers: Python against psum\\\\_omp (log scale; N differs where memory forced it)"
set ylabel "time (s, log scale)"
set logscale y
set yrange [{low / 3:.6g}:*]
set style fill solid 0.7 border -1
set boxwidth 0.6
set xtics font 'sans,9'
set bmargin 8
set key top right box opaque
plot '{dat}' using 0:2:xtic(1) with boxes lc rgb '#3b75af' \\
         title 'time (s): Python rows one verified run each, psum\\_omp rows the median', \\
     '' using 0:2:(sprintf("%.3g s", $2)) with labels offset 0,0.8 font 'sans,9' notitle
"""
    return _render(outdir, "contrast", script, caption)
