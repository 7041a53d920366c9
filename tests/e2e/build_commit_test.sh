#!/usr/bin/env bash
# scripts/build_commit.sh, the header that names the commit a build comes
# from: a checkout's HEAD and whether tracked files changed; unknown without
# .git (a tarball) or inside another repository; PSUM_GIT_COMMIT and
# PSUM_GIT_DIRTY in place of a stale .git, a bad value ignored with one
# warning; the header rewritten only when it changes.
# usage: build_commit_test.sh BUILD_COMMIT_SH
set -euo pipefail

script=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../tools/tap.sh"
unset PSUM_GIT_COMMIT PSUM_GIT_DIRTY
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp

# check NAME DIR COMMIT DIRTY [ENV...]: the header written for DIR says COMMIT, DIRTY.
check() {
    local name=$1 dir=$2 commit=$3 dirty=$4
    shift 4
    rm -f "$tmp/h"
    if env "$@" sh "$script" "$dir" "$tmp/h" 2>"$tmp/err" &&
        grep -qx "#define PSUM_BUILD_COMMIT \"$commit\"" "$tmp/h" &&
        grep -qx "#define PSUM_BUILD_DIRTY $dirty" "$tmp/h" && [ ! -s "$tmp/err" ]; then
        ok "$name"
    else
        not_ok "$name" "$tmp/h" "$tmp/err"
    fi
}

mkdir "$tmp/tarball"
check "no .git (a tarball): unknown" "$tmp/tarball" "" -1

repo=$tmp/repo
git init -q "$repo"
echo a >"$repo/file"
git -C "$repo" add file
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm one
head=$(git -C "$repo" rev-parse HEAD)
echo stray >"$repo/untracked"
check "a clean checkout (untracked files do not count): its HEAD, clean" "$repo" "$head" 0
echo b >>"$repo/file"
check "a changed tracked file: dirty" "$repo" "$head" 1
mkdir "$repo/copy"
check "a folder inside another repository: unknown, not that one's commit" "$repo/copy" "" -1

check "PSUM_GIT_COMMIT and PSUM_GIT_DIRTY win over a stale .git" "$repo" abc1234 0 \
    PSUM_GIT_COMMIT=abc1234 PSUM_GIT_DIRTY=false
check "PSUM_GIT_COMMIT without PSUM_GIT_DIRTY: the state unknown" "$tmp/tarball" abc1234 -1 \
    PSUM_GIT_COMMIT=abc1234

rm -f "$tmp/h"
if PSUM_GIT_COMMIT='x"; int evil;' sh "$script" "$repo" "$tmp/h" 2>"$tmp/err" &&
    grep -qx "#define PSUM_BUILD_COMMIT \"$head\"" "$tmp/h" && ! grep -q evil "$tmp/h" &&
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^build_commit.sh: warning: ' "$tmp/err"; then
    ok "a PSUM_GIT_COMMIT that is no commit: one warning, git's commit instead"
else
    not_ok "a bad PSUM_GIT_COMMIT" "$tmp/h" "$tmp/err"
fi

sh "$script" "$repo" "$tmp/h"
touch -d '2001-01-01' "$tmp/h"
sh "$script" "$repo" "$tmp/h"
if [ "$(stat -c %Y "$tmp/h")" = "$(date -d 2001-01-01 +%s)" ]; then
    ok "an unchanged header is not rewritten (nothing recompiles)"
else
    not_ok "an unchanged header was rewritten"
fi
git -C "$repo" checkout -q file
sh "$script" "$repo" "$tmp/h"
if grep -qx "#define PSUM_BUILD_DIRTY 0" "$tmp/h"; then
    ok "a changed state is written"
else
    not_ok "a changed state" "$tmp/h"
fi

plan
