#!/usr/bin/env bash
# A test bed of K hosts on this machine, for psum_mpi across hosts: each
# host is a network namespace with its own address (10.213.0.I/24 on eth0,
# a veth to one bridge) and a UTS namespace with its own host name (nodeI),
# so MPI sees K machines.  Needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN).
#
#   hosts.sh up DIR K [NETEM...]   make K hosts; DIR (new or empty) holds their state:
#                                  DIR/hosts (address name), DIR/subnet (10.213.0.0/24),
#                                  DIR/hostfile (address slots=CPUs), DIR/agent (Open MPI's
#                                  rsh agent);
#                                  NETEM is tc netem's (delay 1ms rate 1gbit loss 1%), on
#                                  every host's egress
#   hosts.sh down DIR              remove every namespace, link, mount and process of DIR's bed
#   hosts.sh with K [NETEM...] -- COMMAND...
#                                  up in a fresh DIR, COMMAND with PSUM_HOSTS_DIR=DIR, down on
#                                  any exit (Ctrl-C, SIGTERM, SIGHUP included); COMMAND's status
#   hosts.sh run DIR HOST COMMAND...    COMMAND on HOST, with this environment and the host's TMPDIR
#   hosts.sh agent DIR HOST WORDS...    as ssh: the words joined, run by sh on HOST in a clean
#                                       environment (PATH, HOME, the host's TMPDIR; PSUM_TEST_TAG
#                                       kept for the tests)
#   hosts.sh netem DIR HOST NETEM...    replace HOST's netem settings (NETEM "none" removes them)
#   hosts.sh shape DIR HOST RATE|none   limit HOST's egress to RATE with tc tbf (a token bucket
#                                       of 1 ms at RATE, at least one 1600-byte frame), replacing
#                                       its netem or earlier rate; "none" removes it
#   hosts.sh rate RATE                  RATE checked and printed in bit/s, nothing made: the one
#                                       grammar of RATE, which scripts ask here
#   hosts.sh link DIR HOST up|down      HOST's cable at the bridge plugged or pulled
#   hosts.sh pids DIR HOST              the processes running on HOST, one a line
#
# RATE is a whole number and a unit, bit, kbit, mbit or gbit (powers of 1000, as tc reads
# them), from 8kbit to 100gbit: 100mbit, 1mbit.  A bad RATE is one line and exit 2.  tbf
# works where sch_netem is missing (CONFIG_NET_SCH_TBF); a link RATE delays a packet only
# when the bucket is empty, so it limits bandwidth, not latency.
#
# HOST is an address or a name from DIR/hosts.  Nothing is written outside
# DIR (each host's TMPDIR is in it), /run/netns and the links: no /etc/hosts
# entry, no address outside 10.213.0.0/24, none on this machine's own side
# of the bridge.
set -Eeuo pipefail

SUBNET=10.213.0
MAX_HOSTS=16
me=hosts.sh

usage() {
    echo "$me: $1 (usage: hosts.sh up|down|with|run|agent|netem|shape|rate|link ...; see its header)" >&2
    exit 2
}

# The bed's id from DIR/id: names of its namespaces (psum-ID-hI), bridge
# (psbID) and cables (psvIDhI, at most 15 bytes).
bed_id() {
    [ -s "$1/id" ] || { echo "$me: no test bed in '$1'" >&2; exit 1; }
    cat "$1/id"
}

# The line "address name namespace cable" of HOST (an address or a name).
host_line() {
    local dir=$1 host=$2 line
    line=$(awk -v h="$host" '$1 == h || $2 == h' "$dir/hosts.all" 2>/dev/null || true)
    [ -n "$line" ] || { echo "$me: unknown host '$host' in '$dir'" >&2; exit 255; }
    echo "$line"
}

# Every process still inside the bed's namespaces, killed; its mounts and
# namespaces removed; the bridge deleted.  Each step tolerates what a
# failed up never made, so down works on any partial bed.
down() {
    local dir=$1 id ns name
    [ -d "$dir" ] || return 0
    # Only a folder up made: a mistyped DIR is never removed.
    [ -f "$dir/id" ] || { echo "$me: '$dir' holds no bed (no id file): nothing removed" >&2; return 1; }
    id=$(cat "$dir/id" 2>/dev/null || true)
    if [ -n "$id" ]; then
        for ns in $(ip netns list 2>/dev/null | awk -v p="psum-$id-" 'index($1, p) == 1 {print $1}'); do
            # shellcheck disable=SC2046
            kill -KILL $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null || true
            ip netns del "$ns" 2>/dev/null || true
        done
        ip link del "psb$id" 2>/dev/null || true
    fi
    for name in "$dir"/uts/*; do
        [ -e "$name" ] || continue
        umount "$name" 2>/dev/null || true
    done
    rm -rf "$dir"
}

# One host: its namespace, cable and address, name, and optional netem.
make_host() {
    local dir=$1 id=$2 i=$3
    shift 3
    local ns="psum-$id-h$i" cable="psv${id}h$i" name="node$i" addr="$SUBNET.$i"
    ip netns add "$ns"
    echo "$addr $name $ns $cable" >>"$dir/hosts.all"
    ip link add "$cable" type veth peer name eth0 netns "$ns"
    ip link set "$cable" master "psb$id" up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    # A UTS namespace kept by a bind mount on DIR/uts/NAME: no process holds it.
    : >"$dir/uts/$name"
    mkdir -p "$dir/tmp/$name"
    unshare --uts="$dir/uts/$name" hostname "$name"
    if [ "$#" -gt 0 ]; then
        ip netns exec "$ns" tc qdisc add dev eth0 root netem "$@" 2>/dev/null ||
            { echo "$me: tc refused netem '$*' (sch_netem missing from this kernel?)" >&2; return 1; }
    fi
}

# RATE in bit/s on stdout; a bad RATE is usage's line and exit 2.
rate_bits() {
    local text=$1 digits unit scale
    [[ $text =~ ^([0-9]{1,12})(bit|kbit|mbit|gbit)$ ]] ||
        usage "invalid value '$text' for RATE: expected a whole number and bit, kbit, mbit or gbit"
    digits=$((10#${BASH_REMATCH[1]}))
    unit=${BASH_REMATCH[2]}
    case $unit in bit) scale=1 ;; kbit) scale=1000 ;; mbit) scale=1000000 ;; gbit) scale=1000000000 ;; esac
    # Compared before the product, which could overflow.
    [ "$digits" -le $((100000000000 / scale)) ] && [ $((digits * scale)) -ge 8000 ] ||
        usage "invalid value '$text' for RATE: expected 8kbit to 100gbit"
    echo $((digits * scale))
}

# HOST's egress limited to RATE (tbf), or left unshaped with "none".
shape() {
    local dir=$1 host=$2 rate=$3 ns bits burst
    if [ "$rate" != none ]; then
        bits=$(rate_bits "$rate") || exit 2
    fi
    ns=$(host_line "$dir" "$host" | awk '{print $3}')
    ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
    [ "$rate" != none ] || return 0
    burst=$((bits / 8000))
    [ "$burst" -ge 1600 ] || burst=1600
    ip netns exec "$ns" tc qdisc add dev eth0 root tbf rate "$bits"bit burst "$burst" \
        latency 400ms 2>/dev/null ||
        { echo "$me: tc refused tbf rate '$rate' (sch_tbf missing from this kernel?)" >&2; exit 1; }
}

up() {
    local dir=$1 k=$2 id i
    shift 2
    case $k in
        '' | *[!0-9]* | 0*) usage "invalid value '$k' for K: expected 1 to $MAX_HOSTS" ;;
    esac
    [ "$k" -le "$MAX_HOSTS" ] || usage "invalid value '$k' for K: expected 1 to $MAX_HOSTS"
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || { echo "$me: '$dir' is not empty" >&2; exit 1; }
    id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    echo "$id" >"$dir/id"
    mkdir "$dir/uts"
    : >"$dir/hosts.all"
    # Any failure or signal from here removes what was made.
    trap 'down "$dir"; exit 1' ERR
    trap 'down "$dir"; exit 130' INT
    trap 'down "$dir"; exit 143' TERM
    trap 'down "$dir"; exit 129' HUP
    ip link add "psb$id" type bridge
    ip link set "psb$id" up
    for i in $(seq 1 "$k"); do
        make_host "$dir" "$id" "$i" "$@"
    done
    trap - ERR INT TERM HUP
    awk '{print $1, $2}' "$dir/hosts.all" >"$dir/hosts"
    echo "$SUBNET.0/24" >"$dir/subnet"
    awk -v cpus="$(nproc)" '{print $1, "slots=" cpus}' "$dir/hosts.all" >"$dir/hostfile"
    printf '#!/usr/bin/env bash\nexec %q agent %q "$@"\n' "$(realpath "$0")" "$(realpath "$dir")" \
        >"$dir/agent"
    chmod +x "$dir/agent"
}

# Enters HOST's network and UTS namespaces, then runs the rest.
# TMPDIR is the host's own folder in DIR, so what a program leaves there
# (Open MPI's session directories, after a kill) goes with the bed.
enter() {
    local dir=$1 host=$2 line ns name
    shift 2
    line=$(host_line "$dir" "$host")
    ns=$(echo "$line" | awk '{print $3}')
    name=$(echo "$line" | awk '{print $2}')
    export TMPDIR="$dir/tmp/$name"
    exec nsenter --net="/run/netns/$ns" --uts="$dir/uts/$name" -- "$@"
}

# Open MPI calls its agent as ssh: AGENT HOST WORDS...; ssh joins the words
# and hands them to the remote user's shell, with a login's environment.
agent() {
    local dir=$1 host=$2 name
    shift 2
    name=$(host_line "$dir" "$host" | awk '{print $2}')
    local keep=(PATH="$PATH" HOME="${HOME:-/}" TMPDIR="$dir/tmp/$name")
    [ -z "${PSUM_TEST_TAG:-}" ] || keep+=(PSUM_TEST_TAG="$PSUM_TEST_TAG")
    enter "$dir" "$host" env -i "${keep[@]}" sh -c "$*"
}

# with's bed and command, global: its EXIT trap runs after with returns.
with_dir=
with_child=

# COMMAND first (it may be outside the bed), then everything in the bed.
with_end() {
    if [ -n "$with_child" ]; then
        kill -TERM "$with_child" 2>/dev/null || true
        wait "$with_child" 2>/dev/null || true
    fi
    [ -z "$with_dir" ] || down "$with_dir"
}

with() {
    local k=$1 rc=0
    shift
    local netem=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
        netem+=("$1")
        shift
    done
    [ "$#" -gt 1 ] || usage "with: expected -- COMMAND"
    shift
    trap with_end EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    with_dir=$(mktemp -d /tmp/psum-hosts.XXXXXX)
    up "$with_dir" "$k" "${netem[@]}"
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    PSUM_HOSTS_DIR=$with_dir "$@" &
    with_child=$!
    # A signal ends the wait at once; with_end then ends the command.
    wait "$with_child" || rc=$?
    with_child=
    return "$rc"
}

[ "$#" -ge 1 ] || usage "expected a command"
cmd=$1
shift
case $cmd in
    up) [ "$#" -ge 2 ] || usage "up: expected DIR K"; up "$@" ;;
    down) [ "$#" -eq 1 ] || usage "down: expected DIR"; down "$1" || exit 1 ;;
    with) [ "$#" -ge 3 ] || usage "with: expected K -- COMMAND"; with "$@" ;;
    run) [ "$#" -ge 3 ] || usage "run: expected DIR HOST COMMAND"; bed_id "$1" >/dev/null; enter "$@" ;;
    agent) [ "$#" -ge 3 ] || usage "agent: expected DIR HOST COMMAND"; agent "$@" ;;
    netem)
        [ "$#" -ge 3 ] || usage "netem: expected DIR HOST NETEM..."
        dir=$1 host=$2
        shift 2
        ns=$(host_line "$dir" "$host" | awk '{print $3}')
        ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
        [ "$*" = none ] || ip netns exec "$ns" tc qdisc add dev eth0 root netem "$@" 2>/dev/null ||
            { echo "$me: tc refused netem '$*' (sch_netem missing from this kernel?)" >&2; exit 1; }
        ;;
    shape)
        [ "$#" -eq 3 ] || usage "shape: expected DIR HOST RATE|none"
        bed_id "$1" >/dev/null
        shape "$@"
        ;;
    rate) [ "$#" -eq 1 ] || usage "rate: expected RATE"; rate_bits "$1" ;;
    link)
        [ "$#" -eq 3 ] || usage "link: expected DIR HOST up|down"
        case $3 in up | down) ;; *) usage "invalid value '$3' for link: expected up or down" ;; esac
        cable=$(host_line "$1" "$2" | awk '{print $4}')
        ip link set "$cable" "$3"
        ;;
    pids)
        [ "$#" -eq 2 ] || usage "pids: expected DIR HOST"
        ns=$(host_line "$1" "$2" | awk '{print $3}')
        ip netns pids "$ns"
        ;;
    *) usage "unknown command '$cmd'" ;;
esac
