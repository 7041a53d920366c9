#!/usr/bin/env bash
# Ctrl-C at the extremes, end to end: every phase, both modes, every
# schedule, 10^9 tiny chunks, a million repetitions.  Each must exit 130
# with one line on stderr and nothing on stdout, soon after SIGINT.
#
# The bound is on how fast Ctrl-C is honoured, never on a kernel's speed:
# psum_omp's handler exits at once, and the bound, far above that, only
# tells "stopped" from "ran on".
# usage: cancel_test.sh PSUM_OMP     (PSUM_SANITIZED=1: slower start, looser bound)
set -euo pipefail

bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../tools/tap.sh"
if [ "${PSUM_SANITIZED:-0}" = 1 ]; then
    settle=1.5 bound_ms=3000
else
    settle=0.5 bound_ms=1000
fi

# interrupt DESCRIPTION ARGS...: starts psum_omp, lets it reach the phase,
# sends SIGINT and times the exit.
interrupt() {
    local desc=$1; shift
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err" &
    local pid=$! rc=0 t0 ms
    sleep "$settle"
    t0=$(date +%s%N)
    if ! kill -INT "$pid" 2>/dev/null; then
        wait "$pid" || true
        not_ok "Ctrl-C during $desc: psum_omp had already ended" "$tmp/err" "$tmp/out"
        return
    fi
    wait "$pid" || rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    if [ "$rc" -eq 130 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -qx 'psum_omp: interrupted, no result' "$tmp/err" && [ "$ms" -lt "$bound_ms" ]; then
        ok "Ctrl-C during $desc: exit 130 after $ms ms"
    else
        not_ok "Ctrl-C during $desc: exit $rc after $ms ms (want 130 within $bound_ms ms)" \
            "$tmp/err" "$tmp/out"
    fi
}

interrupt "the serial phase, 10^6 repetitions" --mode stream -n 1e4 --repeat 1e6
interrupt "the parallel phase, 10^6 repetitions" --mode stream -n 1e4 --repeat 1e6 --no-serial
interrupt "samples of many calls each (N = 10^3)" --mode stream -n 1e3 --repeat 1e6
interrupt "the serial phase at N = 10^9, 10^6 repetitions" --mode stream -n 1e9 --repeat 1e6
interrupt "10^9 one-element chunks after the serial phase" --mode stream -n 1e9 --chunks 1e9
for schedule in dynamic static guided; do
    interrupt "10^9 one-element chunks, $schedule" --mode stream -n 1e9 --chunks 1e9 \
        --no-serial --schedule "$schedule"
done
interrupt "one call over 10^13 elements" --mode stream -n 1e13 --repeat 3
interrupt "a materialized run (fill, then serial phase)" -n 5e7 --repeat 1e6
interrupt "a materialized parallel phase, one-element chunks" -n 5e7 --chunks 5e7 \
    --no-serial --repeat 1e6

# Once the report is being written, one Ctrl-C lets it finish and a second
# kills: a report blocked on a full pipe (a reader that does not read) must
# not make psum_omp unstoppable.
mkfifo "$tmp/fifo"
"$bin" --mode stream -n 1e3 --repeat 3e5 --format json >"$tmp/fifo" 2>/dev/null &
pid=$!
exec 3<"$tmp/fifo"  # opened, never read: the pipe fills after 64 KiB
# The report goes out in one write(2), which blocks once the pipe is full.
blocked=no
for _ in $(seq 600); do  # at most 60 s
    case $(cat "/proc/$pid/wchan" 2>/dev/null) in *pipe*) blocked=yes; break ;; esac
    sleep 0.1
done
kill -INT "$pid" 2>/dev/null; sleep "$settle"
alive_after_one=no; kill -0 "$pid" 2>/dev/null && alive_after_one=yes
kill -INT "$pid" 2>/dev/null
sleep "$settle"
kill -KILL "$pid" 2>/dev/null && echo "# the second Ctrl-C left it running: killed" >&2
rc=0; wait "$pid" || rc=$?
exec 3<&-
if [ "$blocked" = yes ] && [ "$alive_after_one" = yes ] && [ "$rc" -eq 130 ]; then
    ok "Ctrl-C while the report fills a pipe: the first lets it go on, the second kills (130)"
else
    not_ok "Ctrl-C while the report fills a pipe: blocked in the write: $blocked, alive after one: $alive_after_one, exit $rc (want yes, yes, 130)"
fi

plan
