#!/usr/bin/env bash
# The main job: installs what is missing, builds psum_omp, and runs the sweep
# (threads, schedules, sizes, the Python contrast) into results/.  Extra
# arguments go to bench/sweep.py (e.g. bench/run.sh --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh

ensure_packages $PSUM_BUILD_PACKAGES $PSUM_OFFLOAD_PACKAGES gnuplot-nox python3-numpy python3-numba \
    openmpi-bin libopenmpi-dev python3-mpi4py
ensure_build build

exec python3 bench/sweep.py "$@"
