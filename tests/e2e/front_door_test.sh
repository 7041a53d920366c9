#!/usr/bin/env bash
# The front door for anyone on any Linux: scripts/bootstrap.sh checks each
# function by command where it cannot install (not root, or no dpkg): all
# there is silent, a missing optional one is one line with the packages of
# Debian, Fedora/Rocky and Ubuntu and no failure, a missing required one is
# a line and exit 1; it prints what a route needs when run; and the main
# job's smoke run (bench/run.sh --quick, threads only) works as an ordinary
# user in a copy of the checkout.  Needs root to become that user (nobody).
# usage: front_door_test.sh REPO
set -euo pipefail

repo=$1
. "$(dirname "${BASH_SOURCE[0]}")/../tools/tap.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
    skip "not root, or no setpriv: cannot become an ordinary user"
    plan
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
user=65534

# bin_without NAME...: a PATH folder with every command of this PATH but NAMEs
# and dpkg-query (as on a system without dpkg).
bin_without() {
    local dir=$tmp/bin-$RANDOM d f
    mkdir "$dir"
    for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
        for f in "$d"/*; do
            [ -e "$f" ] || continue  # an empty folder: the pattern itself
            [ -e "$dir/${f##*/}" ] || ln -s "$f" "$dir/${f##*/}"
        done
    done
    rm -f "$dir/dpkg-query"
    for f in "$@"; do rm -f "$dir/$f"; done
    echo "$dir"
}

# as_user PATH CMD...: CMD as an ordinary user with that PATH and nothing else.
as_user() {
    local path=$1
    shift
    setpriv --reuid=$user --regid=$user --clear-groups \
        env -i PATH="$path" HOME="$tmp/home" "$@"
}
mkdir -m 777 "$tmp/home"
cp "$repo/scripts/bootstrap.sh" "$tmp/bootstrap.sh"
chmod 644 "$tmp/bootstrap.sh"

route() {  # route PATH ROUTE: ensure_route's status, its stderr in $tmp/err
    as_user "$1" bash -c ". '$tmp/bootstrap.sh'; ensure_route $2" 2>"$tmp/err"
}

# What this machine lacks of the optional parts (the GPU offload compiler,
# say) is a line each; the cases below count lines beyond those.
route "$(bin_without)" bench || true
optional=$(grep -c "optional, not found" "$tmp/err" || true)
if route "$(bin_without)" bench && ! grep -qv "optional, not found" "$tmp/err"; then
    ok "everything required there, no dpkg: exit 0, no line but for absent optional parts"
else
    not_ok "everything required there, no dpkg: exit 0" "$tmp/err"
fi

if route "$(bin_without gnuplot)" bench && [ "$(wc -l <"$tmp/err")" -eq $((optional + 1)) ] &&
    grep -q "optional, not found: gnuplot (the plots) (Debian gnuplot-nox; Fedora/Rocky gnuplot; Ubuntu gnuplot-nox)" "$tmp/err"; then
    ok "no gnuplot: one line naming its packages, exit 0"
else
    not_ok "no gnuplot: one line naming its packages, exit 0" "$tmp/err"
fi

if ! route "$(bin_without meson)" build && grep -q "missing Meson: Debian meson; Fedora/Rocky meson; Ubuntu meson" "$tmp/err"; then
    ok "no meson: a line naming it and exit 1"
else
    not_ok "no meson: a line naming it and exit 1" "$tmp/err"
fi

if route "$(bin_without valgrind)" bench && ! grep -q "missing" "$tmp/err" &&
    ! route "$(bin_without valgrind)" test && grep -q "missing valgrind" "$tmp/err"; then
    ok "a tool of the tests only: the main job does not ask for it"
else
    not_ok "a tool of the tests only: the main job does not ask for it" "$tmp/err"
fi

"$repo/scripts/bootstrap.sh" everything >/dev/null 2>"$tmp/bad" && bad=0 || bad=$?
if "$repo/scripts/bootstrap.sh" test >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
    grep -q "^  Fedora/Rocky: criterion-devel$" "$tmp/out" &&
    [ "$bad" -eq 2 ] && [ "$(wc -l <"$tmp/bad")" -eq 1 ]; then
    ok "run, it lists a route's needs; a bad route is one line, exit 2"
else
    not_ok "run, it lists a route's needs; a bad route is one line, exit 2" "$tmp/out" "$tmp/err" "$tmp/bad"
fi

# The smoke run as an ordinary user, in a copy of the checkout it owns.
mkdir "$tmp/copy"
(cd "$repo" && git ls-files --cached --others --exclude-standard -z 2>/dev/null ||
    find . -path ./build\* -prune -o -type f -print0) |
    (cd "$repo" && xargs -0 cp --parents -t "$tmp/copy")
chown -R "$user:$user" "$tmp/copy"
if as_user /usr/local/bin:/usr/bin:/bin bash -c \
    "cd '$tmp/copy' && bench/run.sh --quick --sweeps threads --processes 1" \
    >"$tmp/out" 2>"$tmp/err" &&
    grep -rqs "SMOKE" "$tmp/copy/results" && [ -z "$(find "$tmp/copy" ! -user $user)" ]; then
    ok "bench/run.sh --quick as an ordinary user: exit 0, a smoke set, nothing owned by another"
else
    tap_diag_lines=40 not_ok "bench/run.sh --quick as an ordinary user" "$tmp/err"
    tail -n 40 "$tmp/err" >&2  # meson shows a failing test's stderr, not its TAP
fi
plan
