# Redraw with: gnuplot speedup.gp (in this folder)
if (!exists('png_out')) png_out = 'speedup.png'
if (!exists('svg_out')) svg_out = 'speedup.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-12-07, commit 652f83d955' at screen 0.01, screen 0.015 font 'sans,9'
set title "psum\\_omp speedup (dynamic, 100 chunks; bars: fastest to slowest process median)"
set bmargin 5
set key top left box opaque
set grid
amdahl0(p) = 1 / (0.000000 + (1 - 0.000000) / p)
amdahl1(p) = 1 / (0.048616 + (1 - 0.048616) / p)
set xlabel "threads (OMP\\_NUM\\_THREADS; * oversubscribed)"
set ylabel "speedup against the 1-thread run (x)"
set logscale x 2
set xtics ('1' 1, '2' 2, '4*' 4)
set xrange [0.7:5.6]
set arrow 1 from 2, graph 0 to 2, graph 1 nohead dt 3 lc rgb 'gray40'
set label 1 "2 CPUs" at 2, graph 0.97 right offset -0.5,0 font 'sans,9'
set yrange [0:4.4]
set samples 200
plot x with lines lc rgb 'gray60' lw 3 title 'ideal (speedup = threads)', \
     'speedup_materialize.dat' using 1:($6 == 0 ? $2 : NaN):3:4 with yerrorlines pt 7 ps 1.3 lw 2 lc rgb '#3b75af' title 'materialize, N = 1e9', 'speedup_materialize.dat' using 1:($6 == 1 ? $2 : NaN):3:4 with yerrorbars pt 6 ps 1.6 lw 2 lc rgb '#3b75af' title 'materialize, oversubscribed', 'speedup_materialize.dat' using 1:($7 == 1 ? $2 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' title 'unstable: its processes disagree', amdahl0(x) with lines dt (6, 4) lw 1.5 lc rgb '#3b75af' title 'materialize: Amdahl fit, f = 0.000', 'speedup_stream.dat' using 1:($6 == 0 ? $2 : NaN):3:4 with yerrorlines pt 7 ps 1.3 lw 2 lc rgb '#519e3e' title 'stream, N = 1e9', 'speedup_stream.dat' using 1:($6 == 1 ? $2 : NaN):3:4 with yerrorbars pt 6 ps 1.6 lw 2 lc rgb '#519e3e' title 'stream, oversubscribed', 'speedup_stream.dat' using 1:($7 == 1 ? $2 : NaN) with points pt 2 ps 2.6 lw 2 lc rgb '#d62728' notitle, amdahl1(x) with lines dt (6, 4) lw 1.5 lc rgb '#519e3e' title 'stream: Amdahl fit, f = 0.049'

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
