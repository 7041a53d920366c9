#!/usr/bin/env bash
# The main job: installs what is missing, builds psum_omp, and runs the sweep
# (threads, schedules, sizes, the Python contrast) into results/.  Extra
# arguments go to bench/sweep.py (e.g. bench/run.sh --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh

# shellcheck disable=SC2086 # a package list, split on purpose
ensure_packages $PSUM_BENCH_PACKAGES
ensure_build build

exec python3 bench/sweep.py "$@"
