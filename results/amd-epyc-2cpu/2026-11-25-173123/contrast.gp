set label 99 "AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-11-25, commit 51c04eabac" at screen 0.01, screen 0.015 font 'sans,9'
set bmargin 5
set key top left box opaque
set grid

set title "Summing integers: Python against psum\\_omp (log scale; N differs where memory forced it)"
set ylabel "time (s, log scale)"
set logscale y
set yrange [0.00642393:*]
set style fill solid 0.7 border -1
set boxwidth 0.6
set xtics font 'sans,9'
set bmargin 8
set key top right box opaque
plot 'contrast.dat' using 0:2:xtic(1) with boxes lc rgb '#3b75af' \
         title 'time (s): Python rows one verified run each, psum\_omp rows the median', \
     '' using 0:2:(sprintf("%.3g s", $2)) with labels offset 0,0.8 font 'sans,9' notitle
