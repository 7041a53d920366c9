#!/usr/bin/env bash
# Faults and load, end to end: an address-space limit, more threads than
# CPUs while other processes keep the CPUs busy.  (Ctrl-C: cancel_test.sh.)
# usage: robustness_test.sh PSUM_OMP     (PSUM_SANITIZED=1 skips ulimit -v)
set -euo pipefail

bin=$1
tmp=$(mktemp -d)
busy_pids=()
cleanup() {
    [ "${#busy_pids[@]}" -eq 0 ] || kill "${busy_pids[@]}" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
count=0
failed=0
ok() { count=$((count + 1)); echo "ok $count - $1"; }
not_ok() {
    count=$((count + 1)); failed=$((failed + 1)); echo "not ok $count - $1"
    sed 's/^/# /' "$tmp/err" "$tmp/out" 2>/dev/null | head -20
}

# 1. Fits MemAvailable but not the address space: a clean exit 1.
if [ "${PSUM_SANITIZED:-0}" = 1 ]; then
    echo "ok $((count += 1)) - # SKIP sanitizers need a large address space"
else
    rc=0
    (ulimit -v 1048576; exec "$bin" -n 2e8 --repeat 1) >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] &&
        grep -q '^psum_omp: cannot allocate 1.60 GB for 200000000 elements: Cannot allocate memory$' "$tmp/err"; then
        ok "ulimit -v below the array: exit 1 with a message, nothing on stdout"
    else
        not_ok "ulimit -v (exit $rc)"
    fi
fi

# 2. Load: two busy processes on the CPUs while psum_omp runs.
for i in 1 2; do
    timeout 120 sh -c 'while :; do :; done' &
    busy_pids+=("$!")
done
for mode in materialize stream; do
    rc=0
    "$bin" --mode "$mode" -n 3e7 --threads 16 --repeat 3 --format json >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 0 ] && grep -q '"verified": true' "$tmp/out" &&
        grep -q '"threads": 16,' "$tmp/out" && grep -q 'oversubscribed' "$tmp/out"; then
        ok "$mode, 16 threads on $(nproc) CPUs under load: verified, oversubscription noted"
    else
        not_ok "$mode, 16 threads under load (exit $rc)"
    fi
done
rc=0
"$bin" --mode stream -n 2e10 --threads "$(nproc)" --repeat 2 --format json >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 0 ] && grep -q '"verified": true' "$tmp/out" &&
    grep -q 'other processes used [0-9]*% of the CPUs during the measurement' "$tmp/out"; then
    ok "busy CPUs: verified, and the output warns that the times are noisy ($(grep -o '"background_load": [0-9.]*' "$tmp/out"))"
else
    not_ok "the background-load warning (exit $rc)"
fi

echo "1..$count"
[ "$failed" -eq 0 ]
