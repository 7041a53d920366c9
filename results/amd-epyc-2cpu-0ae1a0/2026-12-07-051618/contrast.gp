# Redraw with: gnuplot contrast.gp (in this folder)
if (!exists('png_out')) png_out = 'contrast.png'
if (!exists('svg_out')) svg_out = 'contrast.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-12-07, commit 652f83d955' at screen 0.01, screen 0.015 font 'sans,9'
set title "Summing 0..N-1: time per element (log scale; shorter is faster)"
set bmargin 5
set key top left box opaque
set grid
set linetype 1 lc rgb '#3b75af'
set linetype 2 lc rgb '#ef8636'
set linetype 3 lc rgb '#519e3e'
set linetype 4 lc rgb '#9a9a9a'
set xlabel "nanoseconds per element (median)"
set logscale x
set xrange [0.00329854:562.754]
set yrange [-0.7:15.7]
set style fill solid 0.8 border -1
set ytics font 'sans,9'
set lmargin 44
set bmargin 8
set key at screen 0.5, screen 0.05 center bottom horizontal maxrows 1 width -1 box
plot 'contrast.dat' using 2:0:(0.00329854):2:($0 - 0.35):($0 + 0.35):3:ytic(1) with boxxyerror \
         lc variable notitle, \
     '' using 2:0:(sprintf(" %.3g", $2)) with labels left font 'sans,8' notitle, \
     NaN with boxes lt 1 title 'Python', \
     NaN with boxes lt 2 title 'Python with native code', \
     NaN with boxes lt 3 title 'psum\_omp', \
     NaN with boxes lt 4 title 'article (reference)'

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
