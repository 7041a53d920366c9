#!/usr/bin/env bash
# The whole test suite, in every build configuration: installs what is
# missing, builds each configuration in its own folder, runs `meson test`
# there, and ends with one line "N passed, N failed".
#
# usage: tests/run.sh [CONFIG...]   CONFIG: gcc asan clang tsan fuzz (default: all)
#   gcc    gcc release build (the default build, build/), with the man page:
#          every suite, unit, e2e and bench (the bench/ scripts, run here only)
#   asan   gcc with AddressSanitizer + UndefinedBehaviorSanitizer, halting on
#          the first report, leaks included (build-asan/): unit and e2e
#   clang  clang with LLVM's libomp (build-clang/): unit and e2e but the slow suite
#   tsan   clang + libomp under ThreadSanitizer with the Archer OpenMP tool:
#          the kernels at several thread counts, both modes (build-tsan/)
#   fuzz   the libFuzzer target over the argument and number parsers, for
#          PSUM_FUZZ_SECONDS (default 60) seconds (build-fuzz/)
set -euo pipefail
case "${1:-}" in
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac

cd "$(dirname "$0")/.."
. scripts/bootstrap.sh

configs=("$@")
[ "${#configs[@]}" -gt 0 ] || configs=(gcc asan clang tsan fuzz)
for c in "${configs[@]}"; do
    case "$c" in
        gcc|asan|clang|tsan|fuzz) ;;
        *) echo "tests/run.sh: unknown configuration '$c' (expected gcc, asan, clang, tsan or fuzz)" >&2
           exit 2 ;;
    esac
done

ensure_route test

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
no_recover="-Dc_args=-fno-sanitize-recover=all"
# psum_cub is nvcc's, whatever the configuration: built and tested in gcc's.
no_cub="-Dcub_reference=disabled"

status=0
logs=()
for c in "${configs[@]}"; do
    echo "== $c" >&2
    case "$c" in
        gcc)   dir=build;       CC=gcc ensure_build "$dir" -Dman=enabled ;;
        asan)  dir=build-asan;  CC=gcc ensure_build "$dir" -Db_sanitize=address,undefined "$no_recover" $no_cub ;;
        clang) dir=build-clang; CC=clang ensure_build "$dir" $no_cub ;;
        tsan)  dir=build-tsan;  CC=clang ensure_build "$dir" -Db_sanitize=thread $no_cub ;;
        fuzz)  dir=build-fuzz;  CC=clang ensure_build "$dir" -Dfuzz=true \
                                    -Db_sanitize=address,undefined "$no_recover" $no_cub ;;
    esac
    # The bench suite tests Python scripts, which do not change with the C
    # build: it runs in the gcc configuration only.  clang's build runs the
    # slow suite's launches (mpirun, hosts, faults) on the same code gcc's
    # runs them on; the sanitizers' builds keep theirs, where they can find
    # what gcc's cannot.
    suites=()
    [ "$c" = gcc ] || suites=(--no-suite bench)
    [ "$c" != clang ] || suites+=(--no-suite slow)
    rm -f "$dir/meson-logs/testlog.json"
    meson test -C "$dir" --print-errorlogs "${suites[@]}" || status=1
    logs+=("$dir/meson-logs/testlog.json")
done
python3 tests/tools/summary.py "${logs[@]}" || status=1
exit "$status"
