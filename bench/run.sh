#!/usr/bin/env bash
# The main job: installs what is missing, builds psum_omp and runs it on all
# CPUs.  Extra arguments go to psum_omp (e.g. bench/run.sh --mode stream).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/bootstrap.sh

ensure_packages $PSUM_BUILD_PACKAGES
ensure_build build

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"
export OMP_PROC_BIND="${OMP_PROC_BIND:-close}"
exec build/src/psum_omp "$@"
