#!/usr/bin/env bash
# The one prepared run for a lent GPU machine, in the order that matters if
# time runs out: the machine's facts; the device checks (bench/gpu_check.sh:
# every offload kernel verified, psum_omp --device gpu in both modes and
# --from-host), after which a failure ends the run at once, with libgomp's
# own account, so that a fixed rerun still fits the session; the limits
# (bench/limits.py: the CPU references at all the machine's cores, the
# plain target loops and CUB's reductions (psum_cub, where packed) beside
# psum's device kernels, and CuPy's sum of the same array); then the sweep (bench/sweep.py: gpu with CuPy's rows,
# threads, the Python contrast, sizes, schedules) until the deadline, which
# stops it with what it finished kept and tabulated as a partial set.  Runs
# the binaries bench/device_pack.sh built here, for the x86-64 level the
# CPU runs (v4 with AVX-512, else v3); they find the packed libgomp and its
# nvptx plugin through their RPATH.
#
# usage: bench/device_run.sh PACK OUT
#   PACK  the folder bench/device_pack.sh made, carried to the machine
#   OUT   where the results go ($OUT on the machine):
#         device_run.log        everything printed
#         device-results.tgz    results/<machine>/: the result set (with
#                               facts.txt and gpu_check.log in it) and
#                               limits-<UTC date>-<HHMM>.md
#   PSUM_DEVICE_N=N            elements (default 1e9)
#   PSUM_DEVICE_BUDGET=SECONDS the whole run (default 330; give the device
#                              tool a timeout about 70 s longer)
#   PSUM_DEVICE_KEEP_GOING=1   go on to the CPU limits and sweep after the
#                              device checks failed (a rerun that cannot fix
#                              the GPU but can still measure the cores)
#   PSUM_DEVICE_SWEEP_ARGS     replaces the sweep's size options (tests:
#                              "--quick")
# Exit status: 0 when every step ran on a GPU and verified (the sweep may
# have stopped at the deadline: its set says "partial"); 1 when a step
# failed, did not verify or found no GPU (the results are written all the
# same, the log says which); 2 for a usage error.
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: bench/device_run.sh PACK OUT" >&2
    exit 2
fi
pack=$(cd "$1" 2>/dev/null && pwd) || { echo "device_run.sh: PACK '$1' is not a folder" >&2; exit 2; }
out=$2
n=${PSUM_DEVICE_N:-1000000000}
budget=${PSUM_DEVICE_BUDGET:-330}
# 1e9 and 1000000000 alike; gpu_check.sh and psum_limits take digits.
if [[ "$n" =~ ^([1-9][0-9]*)(e([0-9]{1,2}))?$ ]]; then
    n=${BASH_REMATCH[1]}$(printf '%*s' "${BASH_REMATCH[3]:-0}" '' | tr ' ' 0)
else
    echo "device_run.sh: invalid PSUM_DEVICE_N '$n': expected a count such as 1e9" >&2
    exit 2
fi
case "$budget" in
    ''|*[!0-9]*|0) echo "device_run.sh: invalid PSUM_DEVICE_BUDGET '$budget': expected whole seconds" >&2; exit 2 ;;
esac
if [ ! -f "$pack/source" ]; then
    echo "device_run.sh: '$1' is no pack: no $1/source (make one with bench/device_pack.sh)" >&2
    exit 2
fi
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/.." || exit 2

exec > >(tee "$out/device_run.log") 2>&1
tee_pid=$!
export PYTHONUNBUFFERED=1
start=$(date +%s)
deadline=$((start + budget))
left() { echo $((deadline - $(date +%s))); }
step() { echo; echo "== $1 (at $(($(date +%s) - start)) s of $budget)"; }
status=0
fail() { echo "device_run.sh: FAILED: $1"; status=1; }
# The sweep's result set, results/<machine>/<set>, once it has made one.
find_set() { find "$work/results" -mindepth 2 -maxdepth 2 -type d 2>/dev/null | head -n 1; }

flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
level=x86-64-v3
if [ -d "$pack/x86-64-v4" ]; then
    level=x86-64-v4
    for f in avx512f avx512bw avx512cd avx512dq avx512vl; do
        grep -qw "$f" <<<"$flags" || level=x86-64-v3
    done
fi
build=$pack/$level
export OMP_PROC_BIND=${OMP_PROC_BIND:-close}
PSUM_GIT_COMMIT=$(awk '$1 == "commit" { print $2 }' "$pack/source")
PSUM_GIT_DIRTY=$(awk '$1 == "dirty" { print $2 }' "$pack/source")
scripts="the scripts are the packed ones"
if [ ! -f "$pack/scripts.sha256" ] || ! sha256sum --quiet -c "$pack/scripts.sha256" >/dev/null 2>&1; then
    scripts="the scripts differ from the packed ones: recorded as dirty"
    PSUM_GIT_DIRTY=true
fi
export PSUM_GIT_COMMIT PSUM_GIT_DIRTY
python=$(command -v python3 || echo /usr/bin/python3)
work=$(mktemp -d)

step "facts"
{
    echo "date: $(date -u +%FT%TZ)"
    echo "pack: $(tr '\n' ' ' <"$pack/source")($scripts), binaries for $level"
    echo "kernel: $(uname -srm)"
    echo "cpus: $(nproc)"
    if [ -x "$build/bench/psum_cub" ]; then
        echo "cub reference: psum_cub packed (CUDA runtime linked in; needs a driver for it)"
    else
        echo "cub reference: not packed (no nvcc where the pack was built)"
    fi
    lscpu 2>/dev/null | grep -E '^(Model name|Socket|Core|Thread|NUMA node\(s\)|L3)' || true
    grep -m1 MemTotal /proc/meminfo || true
    if command -v nvidia-smi >/dev/null 2>&1; then
        nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
            --format=csv || true
    else
        echo "nvidia-smi: not found"
    fi
    "$python" - <<'EOF' || true
import importlib, sys
print("python:", sys.executable, sys.version.split()[0])
for m in ("numpy", "numba", "cupy"):
    try:
        print(f"{m}: {importlib.import_module(m).__version__}")
    except Exception as e:
        print(f"{m}: not importable ({type(e).__name__})")
EOF
} | tee "$work/facts.txt"

step "device checks: bench/gpu_check.sh $level $n"
# Its limits rows are left to limits.py below, which keeps them in the set.
# No PSUM_GPU_LIBS: the binaries find the packed libgomp through their RPATH,
# as in every later step, so this check loads the libraries those steps will.
PSUM_GPU_LIMITS=0 timeout -k 10 -s INT 150 \
    bash bench/gpu_check.sh "$build" "$n" 2>&1 | tee "$work/gpu_check.log"
rc=${PIPESTATUS[0]}
gpu_ok=true
if [ "$rc" -ne 0 ]; then
    fail "gpu_check.sh exited $rc"
    gpu_ok=false
fi

if [ "$gpu_ok" = false ] && [ "${PSUM_DEVICE_KEEP_GOING:-0}" != 1 ]; then
    echo "device_run.sh: stopping after the failed device checks, to leave time for a fixed"
    echo "rerun (PSUM_DEVICE_KEEP_GOING=1 goes on to the CPU limits and the sweep)"
else
    step "limits: bench/limits.py -n $n"
    limit_s=$(( $(left) * 2 / 5 ))
    [ "$limit_s" -le 120 ] || limit_s=120
    if [ "$limit_s" -lt 20 ]; then
        fail "limits skipped: $(left) s left"
    else
        timeout -k 10 -s INT "$limit_s" "$python" bench/limits.py --build "$build" -n "$n" \
            --rounds 2 --repeat 5 --stream-n 1e10 --cupy-python "$python" \
            --markdown "$work/limits.md" \
            || fail "limits.py exited $? (124 or 130: its $limit_s s ran out)"
    fi

    step "sweep: bench/sweep.py, stopped at the deadline"
    sweep_s=$(( $(left) - 20 ))
    sizes=${PSUM_DEVICE_SWEEP_ARGS:---repeat 3 --python-budget 4 --stream-max 1e10 --chunk-counts 1,100,1e4}
    if [ "$sweep_s" -lt 10 ]; then
        fail "sweep skipped: $(left) s left"
    else
        # shellcheck disable=SC2086 # the size options, split on purpose
        timeout -k 10 -s INT "$sweep_s" "$python" bench/sweep.py --build "$build" \
            --out "$work/results" -n "$n" --sweeps gpu,threads,python,sizes,schedules \
            --python "$python" $sizes
        rc=$?
        set_dir=$(find_set)
        if [ "$rc" -ne 0 ] && [ -n "$set_dir" ] && [ -f "$set_dir/runs.jsonl" ]; then
            echo "device_run.sh: the sweep stopped (exit $rc); tabulating what it finished"
            "$python" bench/sweep.py --render "$set_dir" --out "$work/results" >/dev/null \
                || fail "render of $set_dir"
        fi
        case "$rc" in
            0) ;;
            124|130) echo "device_run.sh: the sweep stopped at the deadline: a partial set" ;;
            *) fail "sweep.py exited $rc" ;;
        esac
    fi
fi

step "packing"
set_dir=$(find_set)
if [ -z "$set_dir" ]; then
    # No set: keep the logs and the limits in a folder of their own.
    host=$(hostname -s 2>/dev/null || true)
    set_dir=$work/results/${host:-machine}/no-sweep
    mkdir -p "$set_dir"
fi
cp "$work/facts.txt" "$work/gpu_check.log" "$set_dir/"
if [ -f "$work/limits.md" ]; then
    # Dated to the minute, as the project names its tables: a second table
    # from the same day must not overwrite the first when unpacked here.
    cp "$work/limits.md" "$(dirname "$set_dir")/limits-$(date -u +%F-%H%M).md"
fi
# Not the index results/README.md: the one here is rebuilt from every set.
tar -czf "$out/device-results.tgz" -C "$work" --exclude=results/README.md results || fail "tar"
tar -tzf "$out/device-results.tgz"
rm -rf "$work"
echo
echo "device_run.sh: $(( $(date +%s) - start )) s; $([ $status -eq 0 ] && echo "every step verified on the GPU" || echo "some steps failed: see FAILED above")"
# Let tee write the last lines before the device tool ends what is left.
exec >&- 2>&-
wait "$tee_pid" 2>/dev/null
exit "$status"
