# Redraw with: gnuplot rates.gp (in this folder)
set terminal pngcairo size 960,600 font 'sans,11'
set output 'rates.png'
set label 99 "Intel(R) Xeon(R) Processor, 16 logical CPUs, gcc 12.2.0, THP madvise; 2026-11-27, commit 0162226257" at screen 0.01, screen 0.015 font 'sans,9'
set bmargin 5
set key top left box opaque
set grid

set title "psum\\_omp rate against threads (median repetition)"
set xlabel "threads (OMP\\_NUM\\_THREADS; * oversubscribed)"
set ylabel "materialize: GB/s read"
set y2label "stream: G elements/s"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set logscale x 2
set xtics ('1' 1, '2' 2, '4' 4, '8' 8, '16' 16, '32*' 32)
set xrange [0.7:44.8]
set arrow 1 from 16, graph 0 to 16, graph 1 nohead dt 3 lc rgb 'gray40'
set label 1 "16 CPUs" at 16, graph 0.97 right offset -0.5,0 font 'sans,9'
plot 'speedup_materialize.dat' using 1:5 axes x1y1 with linespoints pt 7 ps 1.3 lw 2 lc rgb '#3b75af' title 'materialize, N = 1e9 (GB/s, left axis)', 'speedup_stream.dat' using 1:5 axes x1y2 with linespoints pt 7 ps 1.3 lw 2 lc rgb '#519e3e' title 'stream, N = 1e9 (G elements/s, right axis)'

set terminal svg size 960,600 dynamic font 'sans,11'
set output 'rates.svg'
replot
unset output
