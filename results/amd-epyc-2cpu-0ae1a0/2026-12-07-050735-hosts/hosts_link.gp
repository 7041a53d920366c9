# Redraw with: gnuplot hosts_link.gp (in this folder)
if (!exists('png_out')) png_out = 'hosts_link.png'
if (!exists('svg_out')) svg_out = 'hosts_link.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs shared by 4 hosts; 2026-12-07, commit 912f71a695' at screen 0.01, screen 0.015 font 'sans,9'
set title "psum\\_mpi on 4 hosts: the reduction against the link (tc tbf rate)"
set bmargin 5
set key top left box opaque
set grid

set xlabel "link of every host"
set ylabel "reduction per repetition, µs (log)"
set logscale y
set xrange [-0.5:4.5]
plot 'hosts_link.dat' using 0:2:3:4:xtic(1) with yerrorbars pt 7 ps 1.5 lw 2 \
     lc rgb '#3b75af' title 'median over processes, bars min–max'

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
