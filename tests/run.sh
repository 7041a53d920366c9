#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs `meson test`
# and ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/bootstrap.sh

ensure_packages $PSUM_BUILD_PACKAGES libcriterion-dev valgrind gnuplot-nox
ensure_build build

status=0
meson test -C build --print-errorlogs || status=$?
python3 tests/summary.py build/meson-logs/testlog.json
exit "$status"
