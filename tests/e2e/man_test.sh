#!/usr/bin/env bash
# The generated man page, end to end: written, and listing every long
# option that --help lists (help2man read the same program).
# usage: man_test.sh PROGRAM PROGRAM.1   (psum_omp or psum_mpi)
set -euo pipefail

bin=$1
page=$2
. "$(dirname "${BASH_SOURCE[0]}")/../tools/tap.sh"

# help2man titles the page with the program's name, upper-cased.
title=$(basename "$bin" | tr '[:lower:]' '[:upper:]')
if [ -s "$page" ] && head -n 5 "$page" | grep -q "^\\.TH $title \"1\""; then
    ok "the man page is written, section 1"
else
    not_ok "no man page at $page"
fi
# The option lines of --help: "  -n, --elements=N  ..." or "      --no-serial  ...".
options=$("$bin" --help | sed -nE 's/^ +(-[A-Za-z], +)?(--[a-z][a-z-]*).*/\2/p')
[ -n "$options" ] || not_ok "--help lists no long option"
for option in $options; do
    # help2man writes each dash as \-.
    if grep -qF -- "${option//-/\\-}" "$page" 2>/dev/null; then
        ok "the man page documents $option"
    else
        not_ok "the man page lacks $option"
    fi
done
# The layout help2man must read right: the environment is a section of its
# own (not a subsection, not an indented block), and each exit code is one
# tagged paragraph: ".TP", the code, then its text with no ".PP"/".TP" cut.
if grep -q '^\.SH ENVIRONMENT$' "$page" &&
   sed -n '/^\.SH ENVIRONMENT$/,/^\.SH/p' "$page" | sed -n 2p | grep -q '^OMP_NUM_THREADS'; then
    ok "the environment is its own section, a plain paragraph"
else
    not_ok "the environment section is missing or laid out wrongly"
fi
codes=$(sed -n '/^\.SS "Exit status/,/^\.SH/p' "$page" | awk '
    prev == ".TP" && /^[0-9]+$/ { n++ } { prev = $0 }
    /^\.(PP|IP|RS)/ { bad = 1 } END { print (bad ? "cut" : n) }')
if [ "$codes" = "$("$bin" --help | sed -n '/^Exit status/,/^$/p' | grep -cE '^  [0-9]+ ')" ]; then
    ok "each exit code is one tagged paragraph ($codes)"
else
    not_ok "the exit status list is cut or lost ($codes)"
fi
plan
