#!/usr/bin/env bash
# End to end: psum_omp's exit codes, stdout and stderr for good and bad input.
# usage: cli_test.sh PSUM_OMP
set -euo pipefail

bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count=0
failed=0

ok() { count=$((count + 1)); echo "ok $count - $1"; }
not_ok() { count=$((count + 1)); failed=$((failed + 1)); echo "not ok $count - $1"; sed 's/^/# /' "$tmp/err" "$tmp/out" | head -20; }

# run EXPECTED_RC ARGS...: runs psum_omp, captures stdout and stderr.
run() {
    local want=$1; shift
    set +e
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    [ "$rc" -eq "$want" ]
}

# usage_error MESSAGE ARGS...: exit 2, one line on stderr containing MESSAGE
# and the hint, nothing on stdout.
usage_error() {
    local msg=$1; shift
    if run 2 "$@" && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -qF -- "psum_omp: $msg" "$tmp/err" && grep -qF -- "--help" "$tmp/err"; then
        ok "usage error for $*"
    else
        not_ok "usage error for $* (rc $rc, want 2 and '$msg')"
    fi
}

usage_error "invalid value '1e9x' for --elements: trailing characters" -n 1e9x
usage_error "invalid value '0' for --elements: must be at least 1" --elements 0
usage_error "invalid value '-3' for --elements: must be positive" -n -3
usage_error "invalid value '2.5' for --elements: not a whole number" -n 2.5
usage_error "invalid value '' for --elements: empty value" --elements=
usage_error "invalid value '4611686018427387905' for --elements: must not exceed" -n 4611686018427387905
usage_error "invalid value '0' for --chunks: must be at least 1" --chunks 0
usage_error "invalid value '0' for --threads: must be at least 1" --threads 0
usage_error "invalid value '100000' for --threads: must not exceed 1024" -t 100000
usage_error "invalid value 'x' for --repeat: not a number" --repeat x
usage_error "invalid value 'turbo' for --mode: expected materialize or stream" --mode turbo
usage_error "invalid value 'auto' for --schedule" --schedule auto
usage_error "invalid value 'yaml' for --format" --format yaml
usage_error "unknown option '--bogus'" --bogus
usage_error "option '--repeat' needs a value" --repeat
usage_error "unexpected argument 'stray'" stray

if run 0 --help && grep -q '^usage: psum_omp' "$tmp/out" && [ ! -s "$tmp/err" ]; then
    ok "--help prints usage on stdout and exits 0"
else
    not_ok "--help"
fi
if run 0 --version && grep -Eq '^psum_omp [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out"; then
    ok "--version"
else
    not_ok "--version"
fi

if run 0 -n 1e6 --repeat 2 && grep -q 'verified' "$tmp/out" &&
    grep -q '^expected  499999500000 ' "$tmp/out"; then
    ok "a small run verifies and exits 0"
else
    not_ok "a small run"
fi

# 2^62 elements need 32 EiB: refused before any allocation, with both figures.
if run 1 -n 4e18 && [ ! -s "$tmp/out" ] &&
    grep -Eq 'needs [0-9.]+ GB but only [0-9.]+ GB is available .*--mode stream' "$tmp/err"; then
    ok "materializing more than MemAvailable is refused up front"
else
    not_ok "memory refusal (rc $rc)"
fi

set +e
"$bin" -n 1e5 --repeat 1 >/dev/full 2>"$tmp/err"
rc=$?
set -e
if [ "$rc" -eq 1 ] && grep -q 'write error' "$tmp/err"; then
    ok "a write error on stdout exits 1"
else
    not_ok "write error (rc $rc)"
fi

echo "1..$count"
[ "$failed" -eq 0 ]
