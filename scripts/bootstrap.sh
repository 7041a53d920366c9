# Shared by bench/run.sh and tests/run.sh (sourced, not run): installs the
# Debian packages that are missing, and configures and builds a Meson build
# folder.  Nothing is installed that is already there.

# Every Debian package the scripts install is named in the lists below, and
# nowhere else: the scripts install with --no-install-recommends, so a
# package that is only Recommended by another is named here when it is
# needed (scripts/fresh_check.sh checks the lists on a clean Debian 12 root).

# Packages every route needs: compiler with libgomp, Meson, Ninja, pkg-config.
# libc6-dev is only recommended by gcc.
PSUM_BUILD_PACKAGES="gcc libc6-dev meson ninja-build pkg-config python3"

# GCC's OpenMP offloading to NVIDIA GPUs, for the offload kernels (meson
# -Doffload, auto: built when these are installed).
PSUM_OFFLOAD_PACKAGES="gcc-12-offload-nvptx libgomp-plugin-nvptx1"

# Open MPI and mpi4py: psum_mpi and the Python MPI row.
PSUM_MPI_PACKAGES="openmpi-bin libopenmpi-dev python3-mpi4py"

# The main job (bench/run.sh): the build, offload, MPI, gnuplot for the
# plots, numpy and numba for the Python rows, git for the commit each result
# set records (the tests' device-run case also makes a repository with it).
PSUM_BENCH_PACKAGES="$PSUM_BUILD_PACKAGES $PSUM_OFFLOAD_PACKAGES $PSUM_MPI_PACKAGES
    gnuplot-nox python3-numpy python3-numba git"

# The test suite (tests/run.sh): all of the main job's, and Criterion,
# valgrind (callgrind counts), help2man (the man pages), clang with libomp
# (the clang build, Archer) and the sanitizer and libFuzzer runtimes that
# clang's libclang-common-14-dev only recommends (libclang-rt-14-dev: without
# it the tsan and fuzz builds do not link), and the aarch64 cross check:
# gcc-aarch64-linux-gnu, the arm64 C library it only recommends
# (libc6-dev-arm64-cross: headers, crt files, and the loader qemu-user runs
# the programs with from /usr/aarch64-linux-gnu), qemu-user.
PSUM_TEST_PACKAGES="$PSUM_BENCH_PACKAGES libcriterion-dev valgrind help2man
    clang libomp-dev libclang-rt-14-dev
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user"

# ensure_packages PKG...: installs those of PKG that dpkg does not list as
# installed; runs `apt-get update` once, and only when something is missing.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "psum_omp: missing packages: ${missing[*]}; install them with:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        return 1
    fi
    echo "psum_omp: installing ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
}

# ensure_build DIR [MESON_SETUP_ARGS...]: configures DIR once (a folder that
# was configured with other arguments is configured anew) and builds it.
ensure_build() {
    local dir=$1; shift
    local stamp="$dir/.psum-setup-args" want="CC=${CC:-} $*"
    local log
    log=$(mktemp)
    if [ ! -f "$dir/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        rm -rf "$dir"
        if ! meson setup "$dir" "$@" >"$log" 2>&1; then
            cat "$log" >&2; rm -f "$log"; return 1
        fi
        printf '%s' "$want" >"$stamp"
    fi
    # Quiet when all is well; the whole log when the build fails.
    if ! meson compile -C "$dir" >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; return 1
    fi
    rm -f "$log"
}
