# Redraw with: gnuplot watch.gp (in this folder)
if (!exists('png_out')) png_out = 'watch.png'
if (!exists('svg_out')) svg_out = 'watch.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-12-07, commit 652f83d955' at screen 0.01, screen 0.015 font 'sans,9'
set title "The machine during the set: a plain reference between configurations"
set bmargin 5
set key top left box opaque
set grid

set xlabel "minutes into the set"
set ylabel "read loop: GB/s"
set y2label "generator: G elements/s"
set ytics nomirror
set y2tics
set yrange [0:87.0853]
set y2range [0:65.1466]
plot 'watch.dat' using 1:2 axes x1y1 with linespoints pt 7 ps 0.8 lw 1.5 lc rgb '#3b75af' \
         title 'read loop, 64 MiB (GB/s, left)', \
     'watch.dat' using 1:3 axes x1y2 with linespoints pt 5 ps 0.8 lw 1.5 lc rgb '#519e3e' \
         title 'generator (G elements/s, right)', \
     52.8772 axes x1y1 with lines dt 2 lc rgb '#3b75af' \
         title 'read: 80% of best (slow below)', \
     42.5488 axes x1y2 with lines dt 2 lc rgb '#519e3e' \
         title 'generator: 80% of best (slow below)'

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
