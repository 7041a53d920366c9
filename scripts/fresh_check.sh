#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12 machine: makes a clean
# bookworm root with debootstrap, clones this checkout's current commit into
# it (committed files only), and runs bench/run.sh, then tests/run.sh, in it
# as root.  Prints each command's exit code, time and last lines, and exits 0
# only when every command run exited 0.  Run it as root before closing an
# issue that touches install steps, and quote its last lines.
#
# usage: scripts/fresh_check.sh [OPTION...]
#   --quick          run `bench/run.sh --quick` instead of the full main job
#   --bench-only     run only bench/run.sh
#   --tests-only     run only tests/run.sh (on a root where nothing ran before)
#   --lines N        last lines shown of each command's output (default 25)
#   --variant V      debootstrap variant: minbase (default, the smallest
#                    root, so nothing is there by chance) or default
#   --mirror URL     Debian mirror (default: the one apt uses here, read from
#                    /etc/apt/sources.list and /etc/apt/sources.list.d)
#   --cache DIR      keeps the downloaded .deb files there, for the base
#                    system and for what the commands install, so a rerun
#                    downloads nothing again (default /var/cache/psum-fresh-check)
#   --no-cache       downloads everything anew and keeps nothing
#   --keep           leaves the root (unmounted) in place and prints its path
#   --log-dir DIR    where each command's whole output goes
#                    (default /var/log/psum-fresh-check)
#   -h, --help       this text
# The commands' apt-get reaches the mirror from inside the root, so the
# machine needs network access to it; the root lives under /var/tmp while it
# runs and is removed, every mount undone, on any exit (Ctrl-C included).
set -euo pipefail

me=fresh_check
usage_error() { echo "$me: $1 (see --help)" >&2; exit 2; }
die() { echo "$me: $1" >&2; exit 1; }

quick=false bench=true tests=true lines=25 variant=minbase mirror=
cache=/var/cache/psum-fresh-check keep=false log_dir=/var/log/psum-fresh-check
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --quick) quick=true ;;
        --bench-only) tests=false ;;
        --tests-only) bench=false ;;
        --keep) keep=true ;;
        --no-cache) cache= ;;
        --lines|--variant|--mirror|--cache|--log-dir)
            [ $# -ge 2 ] || usage_error "option '$1' needs a value"
            case "$1" in
                --lines) [[ "$2" =~ ^[1-9][0-9]{0,4}$ ]] ||
                             usage_error "invalid value '$2' for --lines: expected a positive integer"
                         lines=$2 ;;
                --variant) case "$2" in minbase|default) ;;
                               *) usage_error "invalid value '$2' for --variant: expected minbase or default" ;;
                           esac
                           variant=$2 ;;
                --mirror) [[ "$2" =~ ^https?://[^[:space:]]+$ ]] ||
                              usage_error "invalid value '$2' for --mirror: expected an http(s) URL"
                          mirror=${2%/} ;;
                --cache) [[ "$2" = /* ]] || usage_error "invalid value '$2' for --cache: expected an absolute path"
                         cache=${2%/} ;;
                --log-dir) [[ "$2" = /* ]] || usage_error "invalid value '$2' for --log-dir: expected an absolute path"
                           log_dir=${2%/} ;;
            esac
            shift ;;
        *) usage_error "unknown option '$1'" ;;
    esac
    shift
done
$bench || $tests || usage_error "--bench-only and --tests-only leave nothing to run"
! $quick || $bench || usage_error "--quick is for bench/run.sh, which --tests-only leaves out"

# Any command that fails unexpectedly, in a function too: one line naming
# it, exit 1.
set -E
trap 'echo "$me: failed at line $LINENO: $BASH_COMMAND" >&2; exit 1' ERR
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, mount and chroot need it)"
command -v git >/dev/null || die "git is missing: the root gets a clone of this checkout"
commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null) || die "$repo is not a git checkout"

# apt_uri SUITE: the first URI that apt's sources here list for SUITE.
apt_uri() {
    local suite=$1 f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v s="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while (i <= NF && $(i-1) !~ /\]$/) i++
                                         if ($(i+1) == s) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v s="$suite" 'BEGIN { RS = "" }
            { uri = ""; ok = 0; deb = 0; on = 1
              n = split($0, l, "\n")
              for (j = 1; j <= n; j++) {
                  if (l[j] ~ /^Types:/ && l[j] ~ /[ \t]deb([ \t]|$)/) deb = 1
                  if (l[j] ~ /^URIs:/) { split(l[j], u, /[ \t]+/); uri = u[2] }
                  if (l[j] ~ /^Suites:/) { m = split(l[j], w, /[ \t]+/)
                                           for (k = 2; k <= m; k++) if (w[k] == s) ok = 1 }
                  if (l[j] ~ /^Enabled:[ \t]*no/) on = 0
              }
              if (deb && ok && on && uri != "") { print uri; exit } }' "$f"
    done | head -n 1
}
[ -n "$mirror" ] || mirror=$(apt_uri bookworm)
[ -n "$mirror" ] || die "no bookworm mirror in apt's sources here; name one with --mirror"
mirror=${mirror%/}
security=$(apt_uri bookworm-security)
security=${security%/}

if ! command -v debootstrap >/dev/null; then
    # debian-archive-keyring, only recommended by debootstrap, is what it
    # checks the mirror's signatures with.
    echo "$me: installing debootstrap debian-archive-keyring" >&2
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 ||
        die "apt-get update failed while installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends debootstrap debian-archive-keyring >&2 ||
        die "could not install debootstrap"
fi

mkdir -p "$log_dir"
[ -z "$cache" ] || mkdir -p "$cache/debs" "$cache/apt/partial"
root=$(mktemp -d /var/tmp/psum-fresh-check.XXXXXX)
mounts=()
child=

# The processes whose root is the chroot (a test's busy loop, an mpirun
# left by an interrupted run): ended before the mounts are undone.
end_chroot_processes() {
    local p sig
    for sig in TERM KILL; do
        for p in /proc/[0-9]*; do
            if [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ]; then
                kill -s "$sig" "${p#/proc/}" 2>/dev/null || true
            fi
        done
        [ "$sig" = KILL ] || sleep 2
    done
    return 0
}

cleanup() {
    local rc=$? i
    # Undo everything, whatever fails on the way.
    set +e
    trap - EXIT INT TERM ERR
    [ -z "$child" ] || kill -s TERM "$child" 2>/dev/null || true
    end_chroot_processes
    # Ours in reverse order, then whatever else is mounted under the root
    # (debootstrap's own, should it have been stopped), deepest first.
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null ||
            echo "$me: could not unmount ${mounts[i]}" >&2
    done
    awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        echo "$me: something is still mounted under $root: left in place" >&2
        rc=1
    elif $keep; then
        echo "$me: the root is kept at $root" >&2
    else
        rm -rf --one-file-system "$root"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mount_in() { # mount_in TARGET MOUNT-ARGS...: mounts, and remembers to undo it
    local target=$root$1; shift
    mkdir -p "$target"
    mount "$@" "$target" || die "could not mount $target"
    mounts+=("$target")
}

started=$(date +%s)
echo "$me: commit $commit, bookworm ($variant) from $mirror into $root" >&2
git -C "$repo" diff --quiet HEAD 2>/dev/null ||
    echo "$me: uncommitted changes in $repo are not in the check" >&2
debootstrap_args=(--variant="$variant")
[ -z "$cache" ] || debootstrap_args+=(--cache-dir="$cache/debs")
debootstrap "${debootstrap_args[@]}" bookworm "$root" "$mirror" >"$log_dir/debootstrap.log" 2>&1 ||
    die "debootstrap failed; its log: $log_dir/debootstrap.log"

# apt's sources as a Debian 12 install writes them: the release, its
# updates and its security updates.
{
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [ -z "$security" ] || echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q --no-hardlinks "$repo" "$root/root/psum_omp" 2>"$log_dir/clone.log" ||
    die "git clone failed; its log: $log_dir/clone.log"
git -C "$root/root/psum_omp" checkout -q --detach "$commit"

mount_in /proc -t proc proc
mount_in /sys -t sysfs sysfs
mount_in /dev --bind /dev
mount_in /dev/pts --bind /dev/pts
mount_in /dev/shm -t tmpfs -o mode=1777 shm
[ -z "$cache" ] || mount_in /var/cache/apt/archives --bind "$cache/apt"
echo "$me: base system ready in $(( $(date +%s) - started )) s" >&2

# run_leg NAME COMMAND: runs COMMAND in the clone inside the root, as root,
# with a login's plain environment; its whole output goes to the log.  It
# runs in the background, so that an INT or TERM ends it at once through
# cleanup; env gives it back the SIGINT that bash ignores in background
# commands (the tests send SIGINT and expect it to be heard).
results=()
run_leg() {
    local cmd=$2 log="$log_dir/$1.log" t0 rc=0
    echo "$me: running $cmd (output: $log)" >&2
    t0=$(date +%s)
    chroot "$root" /usr/bin/env -i --default-signal=INT,QUIT HOME=/root TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/bash -c "cd /root/psum_omp && $cmd" >"$log" 2>&1 </dev/null &
    child=$!
    wait "$child" || rc=$?
    child=
    local took=$(( $(date +%s) - t0 ))
    echo
    echo "== $cmd: exit $rc after $((took / 60)) min $((took % 60)) s; its last $lines lines:"
    tail -n "$lines" "$log"
    results+=("$cmd exit $rc")
    [ "$rc" -eq 0 ]
}

status=0
if $bench; then
    if $quick; then run_leg bench "bench/run.sh --quick" || status=1
    else run_leg bench "bench/run.sh" || status=1; fi
fi
if $tests; then
    run_leg tests "tests/run.sh" || status=1
fi
echo
total=$(( $(date +%s) - started ))
echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'), commit ${commit:0:12}, Debian bookworm ($variant), $((total / 60)) min $((total % 60)) s:"
printf '  %s\n' "${results[@]}"
exit "$status"
