# Redraw with: gnuplot sizes.gp (in this folder)
set terminal pngcairo size 960,600 font 'sans,11'
set output 'sizes.png'
set label 99 "Intel(R) Xeon(R) Processor, 16 logical CPUs, gcc 12.2.0, THP madvise; 2026-11-27, commit d01bd520ad" at screen 0.01, screen 0.015 font 'sans,9'
set bmargin 5
set key top left box opaque
set grid
set arrow from 231747, graph 0 to 231747, graph 1 nohead dt 2 lc rgb 'gray30'
set label "materialize crossover\nN = 2.3e+05" at 231747, graph 0.95 offset 0.5,0 font 'sans,9'
set arrow from 457252, graph 0 to 457252, graph 1 nohead dt 2 lc rgb 'gray30'
set label "stream crossover\nN = 4.6e+05" at 457252, graph 0.83 offset 0.5,0 font 'sans,9'
set title "psum\\_omp time against N: where threads start to pay"
set xlabel "N (elements)"
set ylabel "median time (s)"
set key bottom right
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
plot 'sizes_materialize.dat' using 1:2 with linespoints pt 6 lw 2 title 'materialize, serial', 'sizes_materialize.dat' using 1:3 with linespoints pt 7 lw 2 title 'materialize, parallel (16 threads)', 'sizes_stream.dat' using 1:2 with linespoints pt 6 lw 2 title 'stream, serial', 'sizes_stream.dat' using 1:3 with linespoints pt 7 lw 2 title 'stream, parallel (16 threads)'

set terminal svg size 960,600 dynamic font 'sans,11'
set output 'sizes.svg'
replot
unset output
