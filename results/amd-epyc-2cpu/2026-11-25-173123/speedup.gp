set label 99 "AMD EPYC, 2 logical CPUs, gcc 12.2.0, THP madvise; 2026-11-25, commit 51c04eabac" at screen 0.01, screen 0.015 font 'sans,9'
set bmargin 5
set key top left box opaque
set grid
amdahl0(p) = 1 / (0.797404 + (1 - 0.797404) / p)
amdahl1(p) = 1 / (0.000000 + (1 - 0.000000) / p)
set title "psum\\_omp speedup against threads (2 logical CPUs; the last point is oversubscribed)"
set xlabel "threads (OMP\\_NUM\\_THREADS)"
set ylabel "speedup against the 1-thread run (x)"
set xrange [0.8:4.4]
set yrange [0:4.4]
set arrow from 2, graph 0 to 2, graph 1 nohead dt 3 lc rgb 'gray40'
set samples 200
plot x with lines lc rgb 'gray50' lw 1 title 'ideal (speedup = threads)', \
     'speedup_materialize.dat' using 1:2 with linespoints pt 7 ps 1.3 lw 2 title 'materialize (measured)', amdahl0(x) with lines dt 2 lw 2 title 'materialize: Amdahl fit, f = 0.797', 'speedup_stream.dat' using 1:2 with linespoints pt 7 ps 1.3 lw 2 title 'stream (measured)', amdahl1(x) with lines dt 2 lw 2 title 'stream: Amdahl fit, f = 0.000'
