#!/usr/bin/env bash
# psum_omp and psum_limits built for 64-bit Arm and run under qemu-user:
# the build has no x86-only code left in it (psum_limits picks its generic
# generator there), and every mode and schedule sums exactly on a CPU
# without AVX.  Checks correctness only: qemu's times mean nothing.
# usage: cross_test.sh SOURCE_ROOT BUILD_DIR
set -euo pipefail

src=$1
dir=$2
sysroot=/usr/aarch64-linux-gnu
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    # tests/run.sh installs both; a build set up by hand may lack them.
    skip "aarch64 cross build: needs gcc-aarch64-linux-gnu and qemu-user"
    plan
    exit 0
fi

if { [ -f "$dir/build.ninja" ] ||
     meson setup "$dir" "$src" --cross-file "$src/tests/tools/aarch64-linux-gnu.ini" \
         -Dtests=disabled -Doffload=disabled -Dman=disabled; } >"$log" 2>&1 &&
   ninja -C "$dir" >>"$log" 2>&1 &&
   readelf -h "$dir/src/psum_omp" 2>>"$log" | grep -q 'Machine: *AArch64'; then
    ok "aarch64 cross build (psum_omp, psum_limits)"
else
    not_ok "aarch64 cross build" "$log"
    plan
    exit 1
fi

arm() { qemu-aarch64 -L "$sysroot" "$@"; }

# check DESC KEY=VALUE... <<<JSON: the document's keys hold those values.
check() {
    local desc=$1; shift
    if python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
bad = [kv for kv in sys.argv[2:] if str(doc.get(kv.split("=")[0])) != kv.split("=", 1)[1]]
sys.exit(1 if bad else 0)' "$(cat)" "$@" 2>>"$log"; then
        ok "$desc"
    else
        not_ok "$desc" "$log"
    fi
}

for mode in materialize stream; do
    for schedule in static dynamic guided; do
        for case in "1 1" "1000003 7" "12345678 100"; do
            set -- $case
            n=$1 chunks=$2
            out=$(arm "$dir/src/psum_omp" -n "$n" -c "$chunks" -m "$mode" -s "$schedule" \
                      -t 3 -r 1 -f json 2>"$log" || true)
            check "$mode $schedule N=$n chunks=$chunks: exact on aarch64" \
                  sum="$((n * (n - 1) / 2))" verified=True <<<"$out"
        done
    done
done

rc=0
arm "$dir/src/psum_omp" -n 0 >/dev/null 2>"$log" || rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$log")" -eq 1 ] &&
   grep -q "invalid value '0' for --elements" "$log"; then
    ok "aarch64 usage error: exit 2, one line"
else
    not_ok "aarch64 usage error (exit $rc)" "$log"
fi

# N = 100003 on 3 threads: no split of it is a whole number of the generic
# generator's 8-value rounds, so every split runs its scalar tail (at
# N = 100000 a wrong tail passed at 1 and 5 threads).
out=$(OMP_NUM_THREADS=3 arm "$dir/bench/psum_limits" 100003 1 2>"$log" || true)
out=$(python3 -c '
import json, sys
doc = json.load(sys.stdin)
runs = {k: v for k, v in doc.items() if isinstance(v, dict) and "min_s" in v}
print(json.dumps({"generator_isa": doc["generator_isa"], "kernels": len(runs),
                  "verified": all(v["verified"] for v in runs.values())}))' \
      <<<"$out" 2>>"$log" || true)
check "psum_limits on aarch64: the generic generator, every kernel verified" \
      generator_isa=generic kernels=21 verified=True <<<"$out"

plan
