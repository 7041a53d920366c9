# Redraw with: gnuplot contrast.gp (in this folder)
set terminal pngcairo size 960,600 font 'sans,11'
set output 'contrast.png'
set label 99 "Intel(R) Xeon(R) Processor, 16 logical CPUs, gcc 12.2.0, THP madvise; 2026-11-27, commit d01bd520ad" at screen 0.01, screen 0.015 font 'sans,9'
set bmargin 5
set key top left box opaque
set grid
set linetype 1 lc rgb '#3b75af'
set linetype 2 lc rgb '#ef8636'
set linetype 3 lc rgb '#519e3e'
set linetype 4 lc rgb '#9a9a9a'
set title "Summing 0..N-1: time per element (log scale; shorter is faster)"
set xlabel "nanoseconds per element (median)"
set logscale x
set xrange [0.000437527:214.247]
set yrange [-0.7:19.7]
set style fill solid 0.8 border -1
set ytics font 'sans,9'
set lmargin 44
set bmargin 8
set key at screen 0.5, screen 0.05 center bottom horizontal maxrows 1 width -1 box
plot 'contrast.dat' using 2:0:(0.000437527):2:($0 - 0.35):($0 + 0.35):3:ytic(1) with boxxyerror \
         lc variable notitle, \
     '' using 2:0:(sprintf(" %.3g", $2)) with labels left font 'sans,8' notitle, \
     NaN with boxes lt 1 title 'Python', \
     NaN with boxes lt 2 title 'Python with native code', \
     NaN with boxes lt 3 title 'psum\_omp', \
     NaN with boxes lt 4 title 'article (reference)'

set terminal svg size 960,600 dynamic font 'sans,11'
set output 'contrast.svg'
replot
unset output
