#!/usr/bin/env bash
# The device checks of psum_omp's GPU offload kernels, for a machine with an
# NVIDIA GPU: what the runtime sees, the warm-up, a sweep of small sums on
# the device, then the kernels at N (default 1e9) on an array filled on the
# device, one filled on the host and copied in, and generated values, every
# sum verified (bench/psum_gpu_check); then psum_omp --device gpu at N in
# both modes and with --from-host; then psum_limits' GPU rows, its plain
# target loops beside psum's kernels.  Needs only the build folder, and
# python3 for the limits rows.
#
# usage: bench/gpu_check.sh BUILD [N]
#   PSUM_GPU_LIBS=DIR  put DIR first on LD_LIBRARY_PATH (a libgomp.so.1 and
#                      libgomp-plugin-nvptx.so.1 carried with the binaries).
#                      Needed by neither a plain build (Debian's libgomp) nor
#                      bench/device_pack.sh's binaries (their DT_RPATH,
#                      $ORIGIN/../../lib, finds the packed libgomp and its
#                      plugin), so device_run.sh sets none: the check then
#                      loads libgomp as limits.py and the sweep will.  Kept
#                      for binaries carried without that RPATH.
#   PSUM_GPU_PSUM=0    leave out the psum_omp --device gpu runs
#   PSUM_GPU_LIMITS=0  leave out the psum_limits rows
# Exit status: 0 when every sum was right, 1 when one was wrong, a program
# failed or there is no device (psum_gpu_check exits with psum_omp's
# "no_device" status: psum_omp --describe), 2 for a usage error.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: bench/gpu_check.sh BUILD [N]" >&2
    exit 2
fi
build=$1
n=${2:-1000000000}
case "$n" in
    ''|*[!0-9]*) echo "gpu_check.sh: invalid N '$n': expected a whole number" >&2; exit 2 ;;
esac
check=$build/bench/psum_gpu_check
limits=$build/bench/psum_limits
omp=$build/src/psum_omp
if [ ! -x "$check" ]; then
    echo "gpu_check.sh: no $check: '$build' was built without offload (meson -Doffload)" >&2
    echo "no offload device: GPU checks skipped"
    exit 1
fi
if [ -n "${PSUM_GPU_LIBS:-}" ]; then
    export LD_LIBRARY_PATH="$PSUM_GPU_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

echo "== machine"
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi -L || true
else
    echo "nvidia-smi: not found"
fi
if [ -r /proc/driver/nvidia/version ]; then
    head -n 1 /proc/driver/nvidia/version
else
    echo "NVIDIA driver: /proc/driver/nvidia/version missing"
fi
ldd "$check" | grep -E 'libgomp' || echo "libgomp: not found by ldd"
# libgomp dlopens its plugin through the same RPATH and LD_LIBRARY_PATH that
# found libgomp itself: look beside that libgomp first.
gomp=$(ldd "$check" 2>/dev/null |
    awk '!found && $1 == "libgomp.so.1" && $3 ~ /^\// { print $3; found = 1 }') || gomp=""
plugin=""
for dir in ${gomp:+"$(dirname "$gomp")"} ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} \
        /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    if [ -e "$dir/libgomp-plugin-nvptx.so.1" ]; then plugin=$dir/libgomp-plugin-nvptx.so.1; break; fi
done
echo "libgomp nvptx plugin: ${plugin:-not found (libgomp then sees no device)}"
ldconfig -p 2>/dev/null | grep -m1 'libcuda.so.1' || echo "libcuda.so.1: not in the ldconfig cache"

# exit_status NAME: psum_omp's exit status NAME (psum_omp --describe), or
# "unknown" without a psum_omp that answers.
exit_status() {
    "$omp" --describe 2>/dev/null | python3 -c \
        'import json, sys; print(json.load(sys.stdin)["exit_status"][sys.argv[1]])' "$1" \
        2>/dev/null || echo unknown
}

# libgomp's own account of a failure: what it tried, from GOMP_DEBUG=1.
why() {
    echo "== why: libgomp's own account (GOMP_DEBUG=1, last lines)"
    local text
    text=$(GOMP_DEBUG=1 timeout -k 5 60 "$check" 1000 2>&1 >/dev/null | tail -n 40) || true
    echo "${text:-(nothing: the nvptx plugin did not load, or it found no libcuda.so.1)}"
}

echo "== psum_gpu_check $n"
status=0
# A copy of its output to look into; removed on every way out, the timeout
# that device_run.sh puts on this script (SIGINT) included.
log=$(mktemp "${TMPDIR:-/tmp}/psum_gpu_check.XXXXXX")
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Line by line as it runs (a run stopped by a timeout keeps what it printed).
"$check" "$n" | tee "$log" || status=$?
if [ "$status" -ne 0 ] && [ "$status" = "$(exit_status no_device)" ]; then
    echo "no offload device: psum_gpu_check exited $status"
    why
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "psum_gpu_check exited $status"
    why
    exit 1
fi

runs=("--mode materialize" "--mode materialize --from-host" "--mode stream")
[ "${PSUM_GPU_PSUM:-1}" != 0 ] || runs=()
for args in "${runs[@]}"; do
    # The device path only: the serial phase is host work, the sweep times it.
    echo "== psum_omp --device gpu -n $n --repeat 3 --no-serial $args"
    # shellcheck disable=SC2086
    "$omp" --device gpu -n "$n" --repeat 3 --no-serial $args || { status=1; why; }
done

if [ "${PSUM_GPU_LIMITS:-1}" != 0 ]; then
    echo "== psum_limits $n 3: GPU rows"
    if [ "$n" -gt 4000000000 ]; then
        echo "skipped: psum_limits takes N up to 4e9"
    elif ! grep -qw avx2 /proc/cpuinfo; then
        echo "skipped: psum_limits needs AVX2 or AVX-512F on the CPU"
    elif json=$("$limits" "$n" 3); then
        PSUM_LIMITS_JSON=$json python3 - "$n" <<'EOF' || status=1
import json, os, sys
n = int(sys.argv[1])
d = json.loads(os.environ["PSUM_LIMITS_JSON"])
if "gpu" not in d:
    sys.exit(f"psum_limits: {d.get('gpu_skipped', 'no GPU rows')}")
print(json.dumps(d["gpu"]))
for kind, per in (("read", lambda t: f"{n * 8 / t / 1e9:.1f} GB/s"),
                  ("gen", lambda t: f"{n / t / 1e9:.1f} G elem/s")):
    ref, mine = d[f"gpu_{kind}_ref"], d[f"gpu_{kind}_psum"]
    print(f"{kind}: plain target loop {ref['min_s']:.6f} s ({per(ref['min_s'])}), "
          f"psum {mine['min_s']:.6f} s ({per(mine['min_s'])}), psum reaches "
          f"{ref['min_s'] / mine['min_s']:.1%} of the plain loop; verified "
          f"{ref['verified'] and mine['verified']}")
    if not (ref["verified"] and mine["verified"]):
        sys.exit(1)
EOF
    else
        echo "psum_limits failed"
        status=1
    fi
fi
exit "$status"
