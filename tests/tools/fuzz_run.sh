#!/usr/bin/env bash
# Runs the libFuzzer target for a bounded time (PSUM_FUZZ_SECONDS, default
# 60) from the committed seeds; any crash fails.  New inputs go to a
# temporary folder, crashes to build-fuzz/fuzz-artifacts/.
# usage: fuzz_run.sh FUZZ_CLI SEED_DIR ARTIFACT_DIR
set -euo pipefail

target=$1
seeds=$2
artifacts=$3
seconds=${PSUM_FUZZ_SECONDS:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

rc=0
"$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" "$work" "$seeds" 2>"$work/log" || rc=$?
tail -n 3 "$work/log" | sed 's/^/# /'
if [ "$rc" -eq 0 ]; then
    ok "$seconds s of fuzzing from $(ls "$seeds" | wc -l) seeds found no crash"
else
    not_ok "the fuzzer failed (exit $rc); crash inputs are in $artifacts:"
    ls "$artifacts" | sed 's/^/#   /'
    echo "# copy each into tests/tools/fuzz/regressions/ so every build replays it, then fix"
    grep -E 'ERROR|SUMMARY|==' "$work/log" | head -20 | sed 's/^/# /'
fi
plan
