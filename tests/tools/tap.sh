# TAP for the shell tests (sourced, not run): each test line is one
# printable line whatever bytes a case's arguments hold, and the plan comes
# last.  Meson reads it with protocol: 'tap'.
#   ok DESCRIPTION               a passed test
#   not_ok DESCRIPTION [FILE...] a failed test, the first lines of each FILE as diagnostics
#                                (tap_diag_lines of them, default 20)
#   skip DESCRIPTION             a test that cannot run here
#   plan                         prints "1..N"; returns 1 if any test failed (call it last)

tap_count=0
tap_failed=0

# Newlines become \n and every byte outside printable ASCII is dropped.
tap_describe() {
    printf '%s' "$1" | sed -e ':a;N;$!ba;s/\n/\\n/g' | LC_ALL=C tr -cd '\040-\176'
}

ok() {
    tap_count=$((tap_count + 1))
    echo "ok $tap_count - $(tap_describe "$1")"
}

not_ok() {
    local desc=$1
    shift
    tap_count=$((tap_count + 1))
    tap_failed=$((tap_failed + 1))
    echo "not ok $tap_count - $(tap_describe "$desc")"
    if [ "$#" -gt 0 ]; then
        sed 's/^/# /' "$@" 2>/dev/null | head -n "${tap_diag_lines:-20}" || true
    fi
}

skip() {
    tap_count=$((tap_count + 1))
    echo "ok $tap_count - # SKIP $(tap_describe "$1")"
}

plan() {
    echo "1..$tap_count"
    [ "$tap_failed" -eq 0 ]
}
