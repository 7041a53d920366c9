"""Helpers of bench/sweep.py: running psum_omp and the Python programs,
analysing the samples, and writing tables, plots and result sets."""
