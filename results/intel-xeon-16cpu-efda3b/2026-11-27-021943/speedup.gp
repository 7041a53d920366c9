# Redraw with: gnuplot speedup.gp (in this folder)
set terminal pngcairo size 960,600 font 'sans,11'
set output 'speedup.png'
set label 99 "Intel(R) Xeon(R) Processor, 16 logical CPUs, gcc 12.2.0, THP madvise; 2026-11-27, commit 0162226257" at screen 0.01, screen 0.015 font 'sans,9'
set bmargin 5
set key top left box opaque
set grid
amdahl0(p) = 1 / (0.028097 + (1 - 0.028097) / p)
amdahl1(p) = 1 / (0.019761 + (1 - 0.019761) / p)
set title "psum\\_omp speedup against threads (dynamic, 100 chunks; bars: fastest and slowest repetition)"
set xlabel "threads (OMP\\_NUM\\_THREADS; * oversubscribed)"
set ylabel "speedup against the 1-thread run (x)"
set logscale x 2
set xtics ('1' 1, '2' 2, '4' 4, '8' 8, '16' 16, '32*' 32)
set xrange [0.7:44.8]
set arrow 1 from 16, graph 0 to 16, graph 1 nohead dt 3 lc rgb 'gray40'
set label 1 "16 CPUs" at 16, graph 0.97 right offset -0.5,0 font 'sans,9'
set yrange [0:35.2]
set samples 200
plot x with lines lc rgb 'gray60' lw 3 title 'ideal (speedup = threads)', \
     'speedup_materialize.dat' using 1:($6 == 0 ? $2 : NaN):3:4 with yerrorlines pt 7 ps 1.3 lw 2 lc rgb '#3b75af' title 'materialize, N = 1e9', 'speedup_materialize.dat' using 1:($6 == 1 ? $2 : NaN):3:4 with yerrorbars pt 6 ps 1.6 lw 2 lc rgb '#3b75af' title 'materialize, oversubscribed', amdahl0(x) with lines dt (6, 4) lw 1.5 lc rgb '#3b75af' title 'materialize: Amdahl fit, f = 0.028', 'speedup_stream.dat' using 1:($6 == 0 ? $2 : NaN):3:4 with yerrorlines pt 7 ps 1.3 lw 2 lc rgb '#519e3e' title 'stream, N = 1e9', 'speedup_stream.dat' using 1:($6 == 1 ? $2 : NaN):3:4 with yerrorbars pt 6 ps 1.6 lw 2 lc rgb '#519e3e' title 'stream, oversubscribed', amdahl1(x) with lines dt (6, 4) lw 1.5 lc rgb '#519e3e' title 'stream: Amdahl fit, f = 0.020'

set terminal svg size 960,600 dynamic font 'sans,11'
set output 'speedup.svg'
replot
unset output
