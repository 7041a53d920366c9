#!/usr/bin/env bash
# The main job: installs what is missing, builds psum_omp, and runs the sweep
# (threads, schedules, sizes, the Python contrast) into results/.  Extra
# arguments go to bench/sweep.py (e.g. bench/run.sh --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
# The sweep records the whole job's time, packages and build included.
PSUM_JOB_STARTED=$(date +%s.%N)
export PSUM_JOB_STARTED
. scripts/bootstrap.sh

ensure_route bench
ensure_build build

exec python3 bench/sweep.py "$@"
