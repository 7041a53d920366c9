#!/usr/bin/env bash
# Shared by bench/run.sh and tests/run.sh (sourced): checks what a route
# needs, installing what is missing where it can (root on Debian), and
# configures and builds a Meson build folder.  Nothing is installed that is
# already there.  Run, not sourced, it prints what each route needs, by
# function, with package names: scripts/bootstrap.sh [build|bench|test].

# What the scripts need, by function, one line each:
#   route | required or optional | function | check | Debian | Fedora/Rocky | Ubuntu
# route: build (every route), offload, mpi and bench (the main job,
# bench/run.sh), test (tests/run.sh: all the main job's too).  The check is
# a shell command that succeeds when the function is there; the columns
# after it name the packages that bring it.  Every Debian package the
# scripts install is named here and nowhere else: they install with
# --no-install-recommends, so a package that is only Recommended by another
# is named when it is needed (libc6-dev by gcc, libc6-dev-arm64-cross by
# gcc-aarch64-linux-gnu, libclang-rt-14-dev, the sanitizer and libFuzzer
# runtimes, by clang; scripts/fresh_check.sh checks this on a clean Debian
# 12 root).  Package names of other systems are given, not installed.
PSUM_NEEDS='
build|required|a C compiler with OpenMP|have_openmp|gcc libc6-dev|gcc libgomp|gcc libc6-dev
build|required|Meson|have meson|meson|meson|meson
build|required|Ninja|have ninja|ninja-build|ninja-build|ninja-build
build|required|pkg-config|have pkg-config|pkg-config|pkgconf-pkg-config|pkg-config
build|required|Python 3|have python3|python3|python3|python3
offload|optional|GCC offloading to NVIDIA GPUs (--device gpu)|have_offload|gcc-12-offload-nvptx libgomp-plugin-nvptx1|gcc-offload-nvptx libgomp-offload-nvptx|gcc-12-offload-nvptx libgomp-plugin-nvptx1
mpi|optional|Open MPI (psum_mpi)|have mpicc && have mpirun|openmpi-bin libopenmpi-dev|openmpi openmpi-devel|openmpi-bin libopenmpi-dev
mpi|optional|mpi4py (the Python MPI row)|have_module mpi4py|python3-mpi4py|python3-mpi4py-openmpi|python3-mpi4py
bench|optional|gnuplot (the plots)|have gnuplot|gnuplot-nox|gnuplot|gnuplot-nox
bench|optional|numpy (the numpy rows)|have_module numpy|python3-numpy|python3-numpy|python3-numpy
bench|optional|numba (the numba row)|have_module numba|python3-numba|python3-numba|python3-numba
bench|optional|git (the commit each result set records)|have git|git|git|git
test|required|Criterion (the unit tests)|pkg-config --exists criterion|libcriterion-dev|criterion-devel|libcriterion-dev
test|required|valgrind (instruction counts)|have valgrind|valgrind|valgrind|valgrind
test|required|help2man (the man pages)|have help2man|help2man|help2man|help2man
test|required|clang with libomp and its sanitizer runtimes|CC=clang have_openmp -fsanitize=thread|clang libomp-dev libclang-rt-14-dev|clang libomp-devel compiler-rt|clang libomp-dev
test|required|iproute2 (the multi-host test bed: ip, tc)|have ip && have tc|iproute2|iproute iproute-tc|iproute2
test|required|an aarch64 cross compiler and qemu (the Arm check)|CC=aarch64-linux-gnu-gcc have_openmp && have qemu-aarch64|gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user|gcc-aarch64-linux-gnu qemu-user|gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
'

# Routes by name: what each needs.
psum_routes() {
    case "$1" in
        build) echo build ;;
        bench) echo build offload mpi bench ;;
        test) echo build offload mpi bench test ;;
        *) echo "$1" ;;
    esac
}

# psum_needs ROUTE...: the lines of PSUM_NEEDS those routes need.
psum_needs() {
    local routes line
    routes=" $(for r in "$@"; do psum_routes "$r"; done | tr '\n' ' ') "
    while IFS= read -r line; do
        if [ -n "$line" ] && [[ $routes == *" ${line%%|*} "* ]]; then
            printf '%s\n' "$line"
        fi
    done <<<"$PSUM_NEEDS"
}

# psum_packages ROUTE...: their Debian packages, one line.
psum_packages() {
    psum_needs "$@" | cut -d'|' -f5 | tr '\n' ' ' | sed 's/ *$//'
}

have() { command -v "$1" >/dev/null 2>&1; }
# A module of python3 on PATH or of the system's, as the sweep looks for them.
have_module() {
    python3 -c "import $1" >/dev/null 2>&1 || /usr/bin/python3 -c "import $1" >/dev/null 2>&1
}
# have_openmp [FLAG...]: $CC (default cc) builds and links an OpenMP program
# with FLAGs.
have_openmp() {
    local out
    out=$(mktemp) || return 1
    printf '#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n' |
        "${CC:-cc}" -fopenmp "$@" -x c - -o "$out" >/dev/null 2>&1
    local rc=$?
    rm -f "$out"
    return "$rc"
}
have_offload() {
    [ -n "$(find /usr/lib/gcc /usr/libexec/gcc -path '*accel/nvptx-none' 2>/dev/null | head -n 1)" ]
}

# ensure_packages PKG...: installs those of PKG that dpkg does not list as
# installed; runs `apt-get update` once, and only when something is missing.
# Returns 1 when something is missing and this is not root on Debian.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! have apt-get; then
        return 1
    fi
    echo "psum_omp: installing ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
}

# ensure_route ROUTE: what the route needs.  Root on Debian installs the
# missing packages; anyone else gets each function checked by command: a
# missing optional one is one line (its part is skipped, as the programs
# say), a missing required one is one line with the packages that bring it,
# and the route stops (exit status 1).
ensure_route() {
    if [ "$(id -u)" -eq 0 ] && have apt-get && have dpkg-query; then
        # shellcheck disable=SC2046 # a package list, split on purpose
        ensure_packages $(psum_packages "$1")
        return
    fi
    # shellcheck disable=SC2046
    ensure_packages $(psum_packages "$1") 2>/dev/null && return 0
    local route need what check deb fedora ubuntu failed=0
    while IFS='|' read -r route need what check deb fedora ubuntu; do
        eval "$check" </dev/null && continue
        if [ "$need" = required ]; then
            failed=1
            echo "psum_omp: missing $what: Debian $deb; Fedora/Rocky $fedora; Ubuntu $ubuntu" >&2
        else
            echo "psum_omp: optional, not found: $what (Debian $deb; Fedora/Rocky $fedora; Ubuntu $ubuntu)" >&2
        fi
    done < <(psum_needs "$1")
    if [ "$failed" -eq 1 ]; then
        if [ "$(id -u)" -ne 0 ] && have apt-get; then
            echo "psum_omp: install what is missing (sudo apt-get install --no-install-recommends ...), or run this as root, which installs it" >&2
        fi
        return 1
    fi
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

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-bench}" in
        build|bench|test) ;;
        *) echo "bootstrap.sh: unknown route '$1' (expected build, bench or test)" >&2; exit 2 ;;
    esac
    psum_needs "${1:-bench}" | while IFS='|' read -r route need what check deb fedora ubuntu; do
        printf '%s (%s, %s)\n  Debian: %s\n  Fedora/Rocky: %s\n  Ubuntu: %s\n' \
            "$what" "$need" "$route" "$deb" "$fedora" "$ubuntu"
    done
fi
