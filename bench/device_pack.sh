#!/usr/bin/env bash
# Packs what a lent GPU machine needs to run bench/device_run.sh, built here
# because that machine cannot install GCC's nvptx offload compiler: psum_omp,
# psum_limits and psum_gpu_check with offload, and psum_cub (CUB's
# reductions, the GPU limit, with the CUDA runtime linked in) where nvcc is
# on PATH here, for two x86-64 levels (v4 =
# AVX-512, v3 = AVX2: device_run.sh picks the best its CPU runs, since
# -march=native here could use instructions that CPU lacks), Debian's
# libgomp.so.1 and libgomp-plugin-nvptx.so.1 in PACK/lib, which the binaries
# find through their RPATH ($ORIGIN/../../lib) with no LD_LIBRARY_PATH, and
# the commit the binaries were built from.
#
# usage: bench/device_pack.sh [PACK]      (default .device, which git ignores)
#        bench/device_pack.sh --list      the programs a pack carries, by
#                                         their path in a build, one a line
# Then, through the device tool: run bench/device_run.sh PACK "$OUT" with
# PACK carried (bench/README.md, "On a lent GPU machine").
set -euo pipefail
cd "$(dirname "$0")/.."

# The programs packed from each build; the last only where nvcc built it.
programs="src/psum_omp bench/psum_limits bench/psum_gpu_check"
optional="bench/psum_cub"
if [ "${1:-}" = --list ]; then
    # shellcheck disable=SC2086 # the lists, split on purpose
    printf '%s\n' $programs $optional
    exit 0
fi
# shellcheck source=scripts/bootstrap.sh
. scripts/bootstrap.sh

pack=${1:-.device}
case "$pack" in
    /*|..*|*/..*) echo "device_pack.sh: PACK '$pack' must be a folder inside the checkout" >&2; exit 2 ;;
esac
# shellcheck disable=SC2046 # a package list, split on purpose
ensure_packages $(psum_packages build offload) ||
    { echo "device_pack.sh: needs root on Debian, or: $(psum_packages build offload)" >&2; exit 1; }

rm -rf "$pack"
mkdir -p "$pack/lib"
for level in x86-64-v4 x86-64-v3; do
    build=build-pack-$level
    # DT_RPATH (not RUNPATH: --disable-new-dtags) to ../../lib beside the
    # binaries, so they, and libgomp when it dlopens its nvptx plugin, find
    # the packed libraries there without LD_LIBRARY_PATH, which would also
    # hand GCC 12's libgomp to the machine's Python (numba).
    ensure_build "$build" -Dnative=false "-Dc_args=-march=$level" \
        "-Dc_link_args=-Wl,--disable-new-dtags,-rpath,\$ORIGIN/../../lib" -Doffload=enabled \
        -Dtests=disabled -Dmpi=disabled -Dman=disabled
    mkdir -p "$pack/$level/src" "$pack/$level/bench"
    for program in $programs; do
        cp "$build/$program" "$pack/$level/$program"
    done
    for program in $optional; do
        if [ -x "$build/$program" ]; then
            cp "$build/$program" "$pack/$level/$program"
        else
            echo "device_pack.sh: warning: no $program for $level (nvcc is not on PATH here):" \
                "the GPU limit will be the plain target loops" >&2
        fi
    done
    cp "$build/compile_commands.json" "$pack/$level/"
done

# The libgomp these binaries were linked against, and its nvptx plugin.
for lib in libgomp.so.1 libgomp-plugin-nvptx.so.1; do
    path=$(gcc -print-file-name="$lib")
    if [ "$path" = "$lib" ]; then
        path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ { print $NF; exit }')
    fi
    if [ -z "$path" ] || [ ! -e "$path" ]; then
        echo "device_pack.sh: $lib not found (package libgomp1 / libgomp-plugin-nvptx1)" >&2
        exit 1
    fi
    cp -L "$path" "$pack/lib/$lib"
done

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$([ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && echo true || echo false)
if [ "$dirty" = true ]; then
    echo "device_pack.sh: warning: the checkout has uncommitted changes; the result set will say dirty" >&2
fi
printf 'commit %s\ndirty %s\n' "$commit" "$dirty" >"$pack/source"
# The scripts that will drive these binaries there: device_run.sh checks
# that the copy it runs from is the one packed, else it records "dirty".
sha256sum bench/*.sh bench/*.py bench/psumbench/*.py >"$pack/scripts.sha256"
du -sh "$pack" | sed 's/^/device_pack.sh: /'
echo "device_pack.sh: packed $commit (dirty $dirty) into $pack"
