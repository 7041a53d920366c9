#!/usr/bin/env bash
# End to end: psum_omp's exit codes, stdout and stderr for good and bad input.
# usage: cli_test.sh PSUM_OMP
set -euo pipefail

bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../tools/tap.sh"

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
        not_ok "usage error for $* (rc $rc, want 2 and '$msg')" "$tmp/err" "$tmp/out"
    fi
}

usage_error "invalid value '2.5' for --elements: not a whole number" -n 2.5
# User bytes are escaped: the message stays one line of valid UTF-8.
usage_error "invalid value '1\\n2' for --elements: trailing characters" -n $'1\n2'
usage_error "unknown option '--\\xff\\x1b[2J'" $'--\xff\x1b[2J'

# The bad-input matrix: every option with missing, empty, negative, zero,
# overflowing, non-numeric, trailing-junk and too-large values.
for spec in "--elements:-n:4611686018427387905" "--chunks::1000000001" \
            "--threads:-t:1025" "--repeat:-r:1000001"; do
    IFS=: read -r long short huge <<<"$spec"
    for spelling in "$long" ${short:+"$short"}; do
        usage_error "option '$long' needs a value" "$spelling"
        usage_error "invalid value '' for $long: empty value" "$spelling" ""
        usage_error "invalid value '-7' for $long: must be positive" "$spelling" -7
        usage_error "invalid value '0' for $long: must be at least 1" "$spelling" 0
        usage_error "invalid value '18446744073709551616' for $long: must not exceed" \
            "$spelling" 18446744073709551616
        usage_error "invalid value '1e30' for $long: must not exceed" "$spelling" 1e30
        usage_error "invalid value 'many' for $long: not a number" "$spelling" many
        usage_error "invalid value '12abc' for $long: trailing characters" "$spelling" 12abc
        usage_error "invalid value '$huge' for $long: must not exceed" "$spelling" "$huge"
    done
    usage_error "invalid value '' for $long: empty value" "$long="
done
for spec in "--mode:materialize or stream" "--schedule:static, dynamic or guided" \
            "--format:text, csv or json"; do
    IFS=: read -r long expected <<<"$spec"
    usage_error "option '$long' needs a value" "$long"
    usage_error "invalid value '' for $long: expected $expected" "$long" ""
    usage_error "invalid value 'FAST' for $long: expected $expected" "$long=FAST"
done
usage_error "option '--no-serial' takes no value" --no-serial=yes
usage_error "option '--help' takes no value" --help=1
usage_error "unknown option '---'" ---
usage_error "unknown option '-q'" -q
usage_error "unexpected argument '-'" -
usage_error "unknown option '--Elements'" --Elements 5
usage_error "unexpected argument '-n'" -- -n 5
usage_error "ambiguous option '--no': could be --no-serial or --no-header" --no
# An error before --help wins; --help before an error wins (left to right).
usage_error "unknown option '--bogus'" --bogus --help
if run 0 --help --bogus && grep -q '^Usage:' "$tmp/out"; then
    ok "--help before a bad option prints help"
else
    not_ok "--help before a bad option" "$tmp/err" "$tmp/out"
fi

# getopt_long conventions reach the run: short forms, bundles, prefixes, --.
if run 0 -m stream -s static -c 3 -fjson -n5 -r1 --no-ser --elem=7 -- &&
    grep -q '"n": 7,' "$tmp/out" && grep -q '"mode": "stream"' "$tmp/out" &&
    grep -q '"schedule": "static"' "$tmp/out" && grep -q '"chunks": 3,' "$tmp/out" &&
    grep -q '"serial": null' "$tmp/out"; then
    ok "short forms, prefixes and -- configure the run"
else
    not_ok "short forms, prefixes and -- (rc $rc)" "$tmp/err" "$tmp/out"
fi

# Repeated options: the last one wins.
if run 0 -n 5 -n 7 --mode stream --mode materialize --repeat 1 --format json &&
    grep -q '"n": 7,' "$tmp/out" && grep -q '"mode": "materialize"' "$tmp/out"; then
    ok "repeated options: the last one wins"
else
    not_ok "repeated options" "$tmp/err" "$tmp/out"
fi

# OMP_NUM_THREADS: --threads overrides it; garbage, 0 or past 1024 is
# ignored with a warning and the runtime's default applies (all CPUs);
# 4294967296 crashed libgomp when it reached it.
if OMP_NUM_THREADS=1 run 0 -n 1000 --threads 2 --repeat 1 --format json &&
    grep -q '"threads": 2,' "$tmp/out"; then
    ok "--threads overrides OMP_NUM_THREADS"
else
    not_ok "--threads overrides OMP_NUM_THREADS" "$tmp/err" "$tmp/out"
fi
cpus=$(nproc)
for value in garbage 0 "" -3 1025 4294967296; do
    if OMP_NUM_THREADS=$value run 0 -n 1000 --repeat 1 --format json &&
        grep -q "\"threads\": $cpus," "$tmp/out" &&
        grep -q "ignoring OMP_NUM_THREADS='$value'" "$tmp/err" &&
        grep -q "ignoring OMP_NUM_THREADS='$value'" "$tmp/out"; then
        ok "OMP_NUM_THREADS='$value' is ignored with a warning; $cpus threads run"
    else
        not_ok "OMP_NUM_THREADS='$value' (rc $rc)" "$tmp/err" "$tmp/out"
    fi
done

# The text report does not repeat a warning that went to stderr: a terminal
# shows both streams, and showed each warning twice.
if OMP_NUM_THREADS=garbage run 0 -n 1000 --repeat 1 &&
    [ "$(grep -c "^psum_omp: warning: ignoring OMP_NUM_THREADS='garbage'" "$tmp/err")" -eq 1 ] &&
    ! grep -q "OMP_NUM_THREADS='garbage'" "$tmp/out" &&
    grep -q '^warnings  [1-9][0-9]*, on stderr$' "$tmp/out"; then
    ok "text format: each warning once, on stderr; the report counts them"
else
    not_ok "text format warnings (rc $rc)" "$tmp/err" "$tmp/out"
fi

if run 0 --help && grep -q '^Usage: psum_omp' "$tmp/out" && [ ! -s "$tmp/err" ]; then
    ok "--help prints usage on stdout and exits 0"
else
    not_ok "--help" "$tmp/err" "$tmp/out"
fi
if run 0 --version && [ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -Eq \
    '^psum_omp [0-9]+\.[0-9]+\.[0-9]+ \(commit (unknown|[0-9a-f]{7,64}(, (dirty|clean))?)\)$' "$tmp/out"; then
    ok "--version"
else
    not_ok "--version" "$tmp/err" "$tmp/out"
fi

if run 0 -n 1e6 --repeat 2 && grep -q 'verified' "$tmp/out" &&
    grep -q '^expected  499999500000 ' "$tmp/out"; then
    ok "a small run verifies and exits 0"
else
    not_ok "a small run" "$tmp/err" "$tmp/out"
fi

# 2^62 elements need 32 EiB: refused before any allocation, with both figures.
if run 1 -n 4e18 && [ ! -s "$tmp/out" ] &&
    grep -Eq 'needs [0-9.]+ GB but only [0-9.]+ GB is available .*--mode stream' "$tmp/err"; then
    ok "materializing more than MemAvailable is refused up front"
else
    not_ok "memory refusal (rc $rc)" "$tmp/err" "$tmp/out"
fi

# --device gpu: exit 2 in a build without offload (PSUM_OFFLOAD=0, from
# meson); in an offload build without a usable device (CI has none), exit 3
# with one line and nothing run in its place.  PSUM_E2E_GPU=1 (a machine
# with a GPU) expects the run to verify instead.
usage_error "--from-host needs --device gpu" --from-host -n 1000
if [ "${PSUM_OFFLOAD:-0}" = 0 ]; then
    usage_error "invalid value 'gpu' for --device: this psum_omp was built without offload" \
        --device gpu -n 1000
elif [ "${PSUM_E2E_GPU:-0}" = 1 ]; then
    for args in "" "--mode stream" "--from-host"; do
        # shellcheck disable=SC2086
        if run 0 --device gpu -n 1000 -r 1 $args && grep -q verified "$tmp/out"; then
            ok "--device gpu $args verifies on the device"
        else
            not_ok "--device gpu $args (rc $rc)" "$tmp/err" "$tmp/out"
        fi
    done
else
    usage_error "--from-host needs --mode materialize" --device gpu --from-host -m stream
    usage_error "--chunks does not apply to --device gpu" --device gpu -c 10
    for args in "" "--mode stream" "--from-host"; do
        # shellcheck disable=SC2086
        if run 3 --device gpu -n 1000 -r 1 $args && [ ! -s "$tmp/out" ] &&
            [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
            grep -q '^psum_omp: --device gpu: no usable offload device .*nothing was run on the host in its place$' "$tmp/err"; then
            ok "--device gpu $args without a device exits 3 with one line"
        else
            not_ok "--device gpu $args without a device (rc $rc, want 3)" "$tmp/err" "$tmp/out"
        fi
    done
fi

# The questions for scripts: answered without running anything.
if run 0 --describe && [ ! -s "$tmp/err" ] &&
    python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(d["limits"]["threads_max"] != 1024)' <"$tmp/out"; then
    ok "--describe prints one JSON object"
else
    not_ok "--describe (rc $rc)" "$tmp/err" "$tmp/out"
fi
# -n 1e15 would need 8 PB materialized: --check refuses it as the run
# would, and runs nothing in stream mode.
for spec in "0:-n 1e3" "0:-n 1e15 --mode stream" "1:-n 1e15"; do
    want=${spec%%:*}
    # shellcheck disable=SC2086
    if run "$want" --check ${spec#*:} && [ ! -s "$tmp/out" ] &&
        [ "$(wc -l <"$tmp/err")" -eq "$want" ]; then
        ok "--check ${spec#*:} exits $want"
    else
        not_ok "--check ${spec#*:} (rc $rc, want $want)" "$tmp/err" "$tmp/out"
    fi
done
usage_error "invalid value '1e3x' for --elements: trailing characters" --check -n 1e3x
if run 0 --parse-count 2.5e9 && [ "$(cat "$tmp/out")" = '{"value": 2500000000}' ] &&
    [ ! -s "$tmp/err" ]; then
    ok "--parse-count prints the value"
else
    not_ok "--parse-count 2.5e9 (rc $rc)" "$tmp/err" "$tmp/out"
fi
if run 2 --parse-count 65 --count-max 64 &&
    [ "$(cat "$tmp/out")" = '{"error": "must not exceed 64"}' ] &&
    [ "$(cat "$tmp/err")" = "psum_omp: invalid value '65' for --parse-count: must not exceed 64 (see psum_omp --help)" ]; then
    ok "--parse-count over --count-max: the reason as JSON and one line"
else
    not_ok "--parse-count 65 --count-max 64 (rc $rc)" "$tmp/err" "$tmp/out"
fi

set +e
"$bin" -n 1e5 --repeat 1 >/dev/full 2>"$tmp/err"
rc=$?
set -e
if [ "$rc" -eq 1 ] && grep -q 'write error' "$tmp/err"; then
    ok "a write error on stdout exits 1"
else
    not_ok "write error (rc $rc)" "$tmp/err" "$tmp/out"
fi

plan
