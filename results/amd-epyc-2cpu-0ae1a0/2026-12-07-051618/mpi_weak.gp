# Redraw with: gnuplot mpi_weak.gp (in this folder)
if (!exists('png_out')) png_out = 'mpi_weak.png'
if (!exists('svg_out')) svg_out = 'mpi_weak.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-12-07, commit 652f83d955' at screen 0.01, screen 0.015 font 'sans,9'
set title "psum\\_mpi weak scaling: one thread per rank, fixed N per rank"
set bmargin 5
set key top left box opaque
set grid

set xlabel "ranks"
set ylabel "efficiency (1-rank time / time)"
set xrange [0.5:2.5]
set xtics 1
set yrange [0:1.2]
plot 1 with lines lc rgb 'gray60' lw 3 title 'ideal', 'mpi_weak_materialize.dat' using 1:2 with linespoints pt 7 ps 1.3 lw 2 lc rgb '#3b75af' title 'materialize', 'mpi_weak_materialize.dat' using 1:($3 == 1 ? $2 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' title 'unstable: its processes disagree', 'mpi_weak_stream.dat' using 1:2 with linespoints pt 7 ps 1.3 lw 2 lc rgb '#519e3e' title 'stream', 'mpi_weak_stream.dat' using 1:($3 == 1 ? $2 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' notitle

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
