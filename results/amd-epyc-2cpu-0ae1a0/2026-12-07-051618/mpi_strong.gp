# Redraw with: gnuplot mpi_strong.gp (in this folder)
if (!exists('png_out')) png_out = 'mpi_strong.png'
if (!exists('svg_out')) svg_out = 'mpi_strong.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-12-07, commit 652f83d955' at screen 0.01, screen 0.015 font 'sans,9'
set title "psum\\_mpi strong scaling: R ranks x T threads = all CPUs, time over psum\\_omp's"
set bmargin 5
set key top left box opaque
set grid

set xlabel "ranks x threads per rank"
set ylabel "median time / psum\\_omp median"
set xrange [-0.5:1.5]
set yrange [0:1.25]
plot 1 with lines lc rgb 'gray60' lw 3 title 'psum\_omp at all CPUs', 'mpi_strong.dat' using 2:xtic(1) with linespoints pt 7 ps 1.3 lw 2 lc rgb '#3b75af' title 'materialize', 'mpi_strong.dat' using 3:xtic(1) with linespoints pt 7 ps 1.3 lw 2 lc rgb '#519e3e' title 'stream', 'mpi_strong.dat' using 0:($4 == 1 ? $2 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' title 'unstable: its processes disagree', 'mpi_strong.dat' using 0:($4 == 1 ? $3 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' notitle

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
