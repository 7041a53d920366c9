#!/usr/bin/env bash
# Faults and load, end to end: an address-space limit (below the array,
# below the report), threads that cannot start (a huge stack, ulimit -u),
# more threads than CPUs while other processes keep every CPU busy, a run
# pinned beside a busy CPU.  Scales with nproc.  (Ctrl-C: cancel_test.sh.)
# usage: robustness_test.sh PSUM_OMP     (PSUM_SANITIZED=1 skips ulimit -v)
set -euo pipefail

bin=$1
tmp=$(mktemp -d)
busy_pids=()
stop_busy() {
    [ "${#busy_pids[@]}" -eq 0 ] || kill "${busy_pids[@]}" 2>/dev/null || true
    [ "${#busy_pids[@]}" -eq 0 ] || wait "${busy_pids[@]}" 2>/dev/null || true
    busy_pids=()
}
cleanup() {
    stop_busy
    rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../tools/tap.sh"
cpus=$(nproc)

# 1. Fits MemAvailable but not the address space: a clean exit 1.
if [ "${PSUM_SANITIZED:-0}" = 1 ]; then
    skip "sanitizers need a large address space"
else
    rc=0
    (ulimit -v 1048576; exec "$bin" -n 2e8 --repeat 1) >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] &&
        grep -q '^psum_omp: cannot allocate 1.60 GB for 200000000 elements: Cannot allocate memory$' "$tmp/err"; then
        ok "ulimit -v below the array: exit 1 with a message, nothing on stdout"
    else
        not_ok "ulimit -v (exit $rc)" "$tmp/err" "$tmp/out"
    fi
fi

# 1b. Room for the samples (16 MB) but not for their JSON (about 31 MB): the
# report buffer cannot grow.  glibc's open_memstream kept the part that fit,
# and psum_omp wrote it with exit 0.  One thread, so no thread stack counts.
if [ "${PSUM_SANITIZED:-0}" = 1 ]; then
    skip "sanitizers need a large address space"
else
    rc=0
    (ulimit -v 40000; exec "$bin" -t 1 -n 1e3 -m stream -r 1e6 -f json) >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] &&
        [ "$(grep -vc '^psum_omp: warning: ' "$tmp/err")" -eq 1 ] &&
        grep -q '^psum_omp: cannot format the report: Cannot allocate memory$' "$tmp/err"; then
        ok "ulimit -v below the report: exit 1 with one line, nothing on stdout"
    else
        not_ok "ulimit -v below the report (exit $rc, $(wc -c <"$tmp/out") bytes on stdout)" \
            "$tmp/err" /dev/null
    fi
fi

# 1c. Threads that cannot start (a stack past any address space): psum_omp's
# own line, not libgomp's, exit 1, nothing on stdout.
if [ "${PSUM_SANITIZED:-0}" = 1 ]; then
    skip "sanitizers wrap thread creation and its stacks"
else
    rc=0
    OMP_STACKSIZE=1000000G "$bin" -n 1e5 --threads 2 --repeat 1 >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -q "^psum_omp: cannot start a team of 2 threads: thread 2 was refused: .* (each asks OMP_STACKSIZE='1000000G' of stack)$" "$tmp/err"; then
        ok "OMP_STACKSIZE=1000000G: exit 1 with psum_omp's one line, nothing on stdout"
    else
        not_ok "OMP_STACKSIZE=1000000G (exit $rc)" "$tmp/err" "$tmp/out"
    fi
fi

# 1d. The process limit (ulimit -u 1): no thread of the team may start.  Root
# is exempt from the limit, so as root the run is made as nobody.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "${PSUM_SANITIZED:-0}" = 1 ]; then
    skip "sanitizers wrap thread creation"
elif ! "${as_user[@]}" test -x "$bin" 2>/dev/null; then
    skip "no unprivileged user can run $bin here"
else
    rc=0
    "${as_user[@]}" bash -c 'ulimit -u 1 && exec "$0" -n 1e5 --threads 2 --repeat 1' "$bin" \
        >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -q "^psum_omp: cannot start a team of 2 threads: thread 2 was refused: " "$tmp/err"; then
        ok "ulimit -u 1: exit 1 with psum_omp's one line, nothing on stdout"
    else
        not_ok "ulimit -u 1 (exit $rc)" "$tmp/err" "$tmp/out"
    fi
fi

# 2. Load: one busy process per CPU while psum_omp runs 8 threads per CPU.
for _ in $(seq "$cpus"); do
    timeout 120 sh -c 'while :; do :; done' &
    busy_pids+=("$!")
done
threads=$((8 * cpus))
for mode in materialize stream; do
    rc=0
    "$bin" --mode "$mode" -n 3e7 --threads "$threads" --repeat 3 --format json \
        >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 0 ] && grep -q '"verified": true' "$tmp/out" &&
        grep -q "\"threads\": $threads," "$tmp/out" && grep -q '"oversubscribed": true,' "$tmp/out" &&
        grep -q 'oversubscribed, threads share cores' "$tmp/err"; then
        ok "$mode, $threads threads on $cpus CPUs under load: verified, oversubscription noted"
    else
        not_ok "$mode, $threads threads under load (exit $rc)" "$tmp/err" "$tmp/out"
    fi
done
rc=0
"$bin" --mode stream -n 2e10 --threads "$cpus" --repeat 2 --format json >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 0 ] && grep -q '"verified": true' "$tmp/out" &&
    grep -q 'other processes used [0-9]*% of the [0-9]* allowed CPUs\? during the measurement' "$tmp/out" &&
    grep -q '"busy": true,' "$tmp/out" && grep -q '"noisy": true,' "$tmp/out"; then
    ok "busy CPUs: verified, and the output warns that the times are noisy ($(grep -o '"background_load": [0-9.]*' "$tmp/out"))"
else
    not_ok "the background-load warning (exit $rc)" "$tmp/err" "$tmp/out"
fi
stop_busy

# 3. Pinned to CPU 0 while another process keeps the last CPU busy: the load
# is measured on the allowed CPU only, so that process does not count (a
# whole-machine count over one allowed CPU reported 100 %).
if [ "$cpus" -lt 2 ] || ! command -v taskset >/dev/null; then
    skip "needs taskset and two CPUs"
else
    taskset -c "$((cpus - 1))" timeout 120 sh -c 'while :; do :; done' &
    busy_pids+=("$!")
    rc=0
    taskset -c 0 "$bin" --mode stream -n 1e10 --threads 2 --repeat 2 --no-serial \
        --format json >"$tmp/out" 2>"$tmp/err" || rc=$?
    load=$(grep -o '"background_load": [0-9.]*' "$tmp/out" | grep -o '[0-9.]*$' || true)
    if [ "$rc" -eq 0 ] && grep -q '"cpus_allowed": 1,' "$tmp/out" &&
        grep -q '"oversubscribed": true,' "$tmp/out" && grep -q '2 threads on 1 allowed CPU' "$tmp/err" &&
        [ -n "$load" ] && awk -v l="$load" 'BEGIN { exit !(l < 0.9) }'; then
        ok "pinned to CPU 0 beside a busy CPU $((cpus - 1)): 1 CPU allowed, oversubscribed, background load $load"
    else
        not_ok "pinned run (exit $rc, background_load '${load}')" "$tmp/err" "$tmp/out"
    fi
    stop_busy
fi

plan
