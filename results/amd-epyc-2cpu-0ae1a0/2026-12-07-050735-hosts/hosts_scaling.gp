# Redraw with: gnuplot hosts_scaling.gp (in this folder)
if (!exists('png_out')) png_out = 'hosts_scaling.png'
if (!exists('svg_out')) svg_out = 'hosts_scaling.svg'
set terminal pngcairo size 960,600 font 'sans,11'
set output png_out
set label 99 'AMD EPYC, 2 logical CPUs shared by 4 hosts; 2026-12-07, commit 912f71a695' at screen 0.01, screen 0.015 font 'sans,9'
set title "psum\\_mpi across hosts: strong (fixed N) and weak (fixed N per host) scaling"
set bmargin 5
set key top left box opaque
set grid

set xlabel "hosts (one rank of one thread each; they share the CPUs)"
set ylabel "parallel time per repetition, s"
set xtics 1
set yrange [0:*]
plot 'hosts_strong.dat' using 1:2:3:4 with yerrorlines pt 7 lw 2 lc rgb '#3b75af' title 'strong', 'hosts_weak.dat' using 1:2:3:4 with yerrorlines pt 7 lw 2 lc rgb '#519e3e' title 'weak'

set terminal svg size 960,600 dynamic font 'sans,11'
set output svg_out
replot
unset output
