# Redraw with: gnuplot rates.gp (in this folder)
if (!exists('png_out')) png_out = 'rates.png'
if (!exists('svg_out')) svg_out = 'rates.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-12-07, commit 652f83d955' at screen 0.01, screen 0.015 font 'sans,9'
set title "psum\\_omp rate against threads (median)"
set bmargin 5
set key top left box opaque
set grid

set xlabel "threads (OMP\\_NUM\\_THREADS; * oversubscribed)"
set ylabel "materialize: GB/s read"
set y2label "stream: G elements/s"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set logscale x 2
set xtics ('1' 1, '2' 2, '4*' 4)
set xrange [0.7:5.6]
set arrow 1 from 2, graph 0 to 2, graph 1 nohead dt 3 lc rgb 'gray40'
set label 1 "2 CPUs" at 2, graph 0.97 right offset -0.5,0 font 'sans,9'
plot 'speedup_materialize.dat' using 1:5 axes x1y1 with linespoints pt 7 ps 1.3 lw 2 lc rgb '#3b75af' title 'materialize, N = 1e9 (GB/s, left axis)', 'speedup_materialize.dat' using 1:($7 == 1 ? $5 : NaN) axes x1y1 with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' title 'unstable: its processes disagree', 'speedup_stream.dat' using 1:5 axes x1y2 with linespoints pt 7 ps 1.3 lw 2 lc rgb '#519e3e' title 'stream, N = 1e9 (G elements/s, right axis)', 'speedup_stream.dat' using 1:($7 == 1 ? $5 : NaN) axes x1y2 with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' notitle

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
