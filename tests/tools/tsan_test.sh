#!/usr/bin/env bash
# psum_omp under ThreadSanitizer with the Archer OpenMP tool: the kernels at
# several thread counts, both modes, every schedule, must produce zero race
# reports; a deliberately racy canary must produce one.
# usage: tsan_test.sh PSUM_OMP TSAN_CANARY
set -euo pipefail

bin=$1
canary=$2
archer=${PSUM_ARCHER:-$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$archer" ] || [ ! -f "$archer" ]; then
    echo "Bail out! libarcher.so not found (Debian: libomp-dev); set PSUM_ARCHER"
    exit 1
fi
export OMP_TOOL_LIBRARIES=$archer
# ignore_noninstrumented_modules: libomp itself is not instrumented; Archer
# tells TSan what its barriers and reductions order.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
tap_diag_lines=40 # a race report is long

check() {
    local want=$1 desc=$2; shift 2
    local rc=0
    "$@" >/dev/null 2>"$err" || rc=$?
    if [ "$want" = clean ] && [ "$rc" -eq 0 ] && ! grep -q 'ThreadSanitizer' "$err"; then
        ok "$desc: no race report"
    elif [ "$want" = race ] && [ "$rc" -eq 66 ] && grep -q 'WARNING: ThreadSanitizer: data race' "$err"; then
        ok "$desc: race reported, as it must be"
    else
        not_ok "$desc (exit $rc)" "$err"
    fi
}

check race "canary with a deliberate race" "$canary"
for mode in materialize stream; do
    for threads in 1 2 3 8; do
        for schedule in static dynamic guided; do
            check clean "$mode, $threads threads, $schedule" \
                "$bin" -n 100003 --mode "$mode" --threads "$threads" --schedule "$schedule" \
                --chunks 37 --repeat 2 --format json
        done
    done
done
plan
