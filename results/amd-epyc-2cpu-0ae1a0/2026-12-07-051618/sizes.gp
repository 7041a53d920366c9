# Redraw with: gnuplot sizes.gp (in this folder)
if (!exists('png_out')) png_out = 'sizes.png'
if (!exists('svg_out')) svg_out = 'sizes.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-12-07, commit 652f83d955' at screen 0.01, screen 0.015 font 'sans,9'
set title "psum\\_omp time against N: where threads start to pay"
set bmargin 5
set key top left box opaque
set grid
set arrow from 542199, graph 0 to 542199, graph 1 nohead dt 2 lc rgb 'gray30'
set label 'materialize crossover'."\nN = 5.4e+05" at 542199, graph 0.95 offset 0.5,0 font 'sans,9'
set arrow from 1.61451e+06, graph 0 to 1.61451e+06, graph 1 nohead dt 2 lc rgb 'gray30'
set label 'stream crossover'."\nN = 1.6e+06" at 1.61451e+06, graph 0.83 offset 0.5,0 font 'sans,9'
set xlabel "N (elements)"
set ylabel "median time (s)"
set key bottom right
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
plot 'sizes_materialize.dat' using 1:2 with linespoints pt 6 lw 2 title 'materialize, serial', 'sizes_materialize.dat' using 1:3 with linespoints pt 7 lw 2 title 'materialize, parallel (2 threads)', 'sizes_materialize.dat' using 1:($4 == 1 ? $3 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' title 'unstable: its processes disagree', 'sizes_stream.dat' using 1:2 with linespoints pt 6 lw 2 title 'stream, serial', 'sizes_stream.dat' using 1:3 with linespoints pt 7 lw 2 title 'stream, parallel (2 threads)', 'sizes_stream.dat' using 1:($4 == 1 ? $3 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' notitle

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
