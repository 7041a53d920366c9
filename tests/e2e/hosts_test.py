#!/usr/bin/env python3
"""End to end: psum_mpi across hosts, on a test bed of network and UTS
namespaces (tools/hosts.sh), mpirun started on node1 and reaching the other
hosts through the bed's rsh agent, as on a cluster.  Exact sums on 2, 3 and
4 hosts with ranks x threads per host that fit this machine's CPUs, in both
modes, with nodes and ranks_per_node as placed; a host whose cable is pulled
mid-run and a rank killed on a remote host: mpirun exits non-zero within
10 s with one line naming the cause and no rank left; ranks on different
hosts given different arguments refused with one line, every rank exit 2;
a link rate limit (hosts.sh shape, tc tbf) shown by tc in the host, the sum
still exact across shaped hosts, removed by "none" and with the bed, a bad
rate one line and exit 2, netem applied or refused with one line and exit 1;
the bed itself removed after a signal and after a failed start.  Skips (77)
where network namespaces cannot be made.  Writes TAP.

usage: hosts_test.py HOSTS_SH MPIRUN PSUM_MPI
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from procs import command_of, tagged_processes  # noqa: E402
from tap import plan, report  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from psumbench.hosts import Bed as BenchBed, cannot_make_hosts  # noqa: E402

HOSTS_SH, MPIRUN, BIN = sys.argv[1:4]
HOSTS = 4
TIMEOUT = 90  # a run that hangs fails its case
ENDS_WITHIN = 10  # a failure ends every rank within this many seconds
CPUS = len(os.sched_getaffinity(0))


def skip_all(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(77)


def hosts(*args, **kw):
    return subprocess.run([HOSTS_SH, *args], capture_output=True, text=True, **kw)


def bed_names(bed_id=""):
    """The namespaces and links on this machine named by hosts.sh (psum-ID-hI,
    psbID, psvIDhI), of the bed bed_id only if given: other beds may come and
    go meanwhile."""
    ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    names = ({l.split()[0] for l in ns.splitlines() if l.startswith(f"psum-{bed_id}")} |
             {l.split(":")[1].strip().split("@")[0] for l in links.splitlines()
              if l.split(":")[1].strip().startswith((f"psb{bed_id}", f"psv{bed_id}"))})
    return {n for n in names if bed_id in n}


class Bed(BenchBed):
    """The bed of HOSTS hosts every case runs on: the cross-host sweep's,
    with hostfiles of any slots and a cluster user's launch."""

    def __init__(self, root):
        super().__init__(root, HOSTS)

    def hostfile(self, nodes, slots):
        path = os.path.join(self.root, f"hostfile-{nodes}-{slots}")
        with open(path, "w") as f:
            f.writelines(f"{a} slots={slots}\n" for a in self.addrs[:nodes])
        return path

    def launch(self):
        """mpirun on node1 as a cluster user runs it, the bed's agent and subnet named."""
        return [HOSTS_SH, "run", self.dir, "node1", MPIRUN,
                "--mca", "plm_rsh_agent", os.path.join(self.dir, "agent"),
                "--mca", "btl", "self,vader,tcp",
                "--mca", "btl_tcp_if_include", self.subnet,
                "--mca", "oob_tcp_if_include", self.subnet,
                # A lost host is noticed in seconds, not Open MPI's 5 minutes.
                "--mca", "oob_tcp_keepalive_time", "1",
                "--mca", "oob_tcp_keepalive_intvl", "1",
                "--mca", "oob_tcp_keepalive_probes", "3"]

    def pids_on(self, host, name="psum_mpi"):
        out = hosts("pids", self.dir, host).stdout.split()
        return [int(p) for p in out if command_of(int(p)).split(" ")[0].endswith(name)]


def environment(tag):
    env = dict(os.environ, PSUM_TEST_TAG=tag)
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def placement(nodes, per_node, threads):
    """The docs' placement: per_node ranks of `threads` cores on each node."""
    return ["-np", str(nodes * per_node), "--map-by", f"ppr:{per_node}:node:pe={threads}",
            "--bind-to", "core", "-x", f"OMP_NUM_THREADS={threads}",
            "-x", "OMP_PLACES=cores", "-x", "OMP_PROC_BIND=close"]


stray = []


def run(bed, args, tag=None):
    """mpirun with args; returns (exit code, stdout, stderr, processes left)."""
    tag = tag or f"hosts-{os.getpid()}-{time.monotonic_ns()}"
    try:
        p = subprocess.run([*bed.launch(), *args], capture_output=True, text=True,
                           env=environment(tag), timeout=TIMEOUT)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = None, "", f"timed out after {TIMEOUT} s"
    left = tagged_processes(tag)
    for pid in left:
        stray.append(f"{pid} {command_of(pid)}")
        os.kill(pid, signal.SIGKILL)
    return rc, out, err, left


def exact(bed):
    """Ranks x threads per host that fit the CPUs: one rank of them all, one per CPU."""
    shapes = sorted({(1, CPUS), (CPUS, 1)})
    n = 10**6 + 7
    for nodes in range(2, HOSTS + 1):
        for per_node, threads in shapes:
            for mode in ("materialize", "stream"):
                rc, out, err, left = run(bed, [
                    "--hostfile", bed.hostfile(nodes, per_node),
                    *placement(nodes, per_node, threads),
                    BIN, "-n", str(n), "--mode", mode, "--repeat", "2", "--format", "json"])
                what = (f"{nodes} hosts x {per_node} rank(s) x {threads} thread(s), {mode}: "
                        "exact, nodes and ranks_per_node as placed")
                if rc != 0:
                    report(False, what, f"exit {rc}\n{err}")
                    continue
                doc = json.loads(out)
                want = str(n * (n - 1) // 2)
                report(doc["verified"] is True and doc["sum"] == want and
                       doc["expected"] == want and doc["ranks"] == nodes * per_node and
                       doc["nodes"] == nodes and doc["ranks_per_node"] == per_node and
                       doc["threads_per_rank"] == threads and
                       doc["threads"] == nodes * per_node * threads and not left,
                       what, f"{err}" + json.dumps({k: doc.get(k) for k in (
                           "sum", "expected", "verified", "ranks", "nodes", "ranks_per_node",
                           "threads_per_rank", "threads")}) + f"\nleft {left}")


def ended(proc, bed, tag, cut):
    """Waits for mpirun; returns (exit code, stderr, seconds from the cut
    until mpirun and every rank had ended)."""
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    while tagged_processes(tag) and time.monotonic() - cut < TIMEOUT:
        time.sleep(0.1)
    return proc.returncode, err, time.monotonic() - cut


def mid_run(bed, what, act, cause):
    """A long stream run on 2 hosts, `act` done once every rank runs."""
    tag = f"hosts-{os.getpid()}-{time.monotonic_ns()}"
    proc = subprocess.Popen([*bed.launch(), "--hostfile", bed.hostfile(2, 1),
                             *placement(2, 1, 1), BIN, "-n", "1e13", "--mode", "stream",
                             "--no-serial"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=environment(tag))
    deadline = time.monotonic() + TIMEOUT
    while len(bed.pids_on("node2")) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # into the sum
    cut = time.monotonic()
    act()
    rc, err, seconds = ended(proc, bed, tag, cut)
    left = tagged_processes(tag)
    for pid in left:
        stray.append(f"{pid} {command_of(pid)}")
        os.kill(pid, signal.SIGKILL)
    named = [l for l in err.splitlines() if cause in l]
    report(rc not in (0, None) and seconds < ENDS_WITHIN and len(named) == 1 and not left,
           f"{what}: mpirun exits {rc}, every rank gone in {seconds:.1f} s, one line names it",
           f"left {left}\n{err}")


def failures(bed):
    def pull():
        hosts("link", bed.dir, "node2", "down")
    mid_run(bed, "node2's cable pulled mid-run", pull,
            "ORTE has lost communication with a remote daemon")
    hosts("link", bed.dir, "node2", "up")

    def kill():
        for pid in bed.pids_on("node2"):
            os.kill(pid, signal.SIGKILL)
    mid_run(bed, "the rank on node2 killed", kill,
            f"on node {bed.addrs[1]} exited on signal 9 (Killed)")


def each_rank_wrapper():
    """Each rank's own exit on stderr: mpirun keeps the job going when a rank
    exits non-zero (tests/e2e/mpi_test.py does the same on one host)."""
    return ["sh", "-c", '"$0" "$@" >/dev/null; rc=$?; '
            'echo "rank $OMPI_COMM_WORLD_RANK exited $rc" >&2; exit $rc']


def mismatched(bed):
    differ = "psum_mpi: the ranks were given different configurations: "
    a1, a2 = bed.addrs[0], bed.addrs[1]
    cases = [
        ("-n 100 on node1, -n 200 on node2", [], ["-n", "100"], ["-n", "200"],
         "rank 0 has --elements 100, rank 1 has --elements 200"),
        ("a bad value on node2 only", [], ["-n", "100"], ["-n", "bogus"],
         "rank 1: invalid value 'bogus' for --elements: not a number"),
        ("-x OMP_PROC_BIND=close for node2 only", ["-x", "OMP_PROC_BIND=close"],
         ["-n", "100"], ["-n", "100"],
         "rank 0 has no OMP_PROC_BIND, rank 1 has OMP_PROC_BIND='close'"),
    ]
    for what, second_env, first, second, want in cases:
        common = ["--hostfile", bed.hostfile(2, 1), "--bind-to", "none",
                  "--mca", "orte_abort_on_non_zero_status", "0"]
        rc, _, err, left = run(bed, [
            *common, "-np", "1", "--host", a1, *each_rank_wrapper(), BIN, *first, ":",
            "-np", "1", "--host", a2, *second_env, *each_rank_wrapper(), BIN, *second])
        lines = [l for l in err.splitlines() if l.startswith("psum_mpi:")]
        exits = sorted(l.split()[1:4:2] for l in err.splitlines() if l.startswith("rank "))
        report(lines == [f"{differ}{want} (see psum_mpi --help)"] and
               exits == [["0", "2"], ["1", "2"]] and not left,
               f"ranks on two hosts disagree, {what}: one line, every rank exits 2",
               f"exit {rc}\nexits {exits}\n{err}")


def qdisc(bed, host):
    return hosts("run", bed.dir, host, "tc", "qdisc", "show", "dev", "eth0").stdout


def shaped(bed):
    """tbf on node1 and node2, psum_mpi exact across them; node1 left shaped
    for the bed's teardown to remove."""
    made = [hosts("shape", bed.dir, h, "10mbit") for h in ("node1", "node2")]
    shown = [qdisc(bed, h) for h in ("node1", "node2")]
    report(all(p.returncode == 0 for p in made) and
           all("tbf" in q and "rate 10Mbit" in q for q in shown),
           "hosts.sh shape node1, node2 10mbit: tc in each host shows tbf rate 10Mbit",
           "\n".join(p.stderr for p in made) + "\n".join(shown))
    n = 10**7 + 3
    rc, out, err, left = run(bed, ["--hostfile", bed.hostfile(2, 1), *placement(2, 1, 1),
                                   BIN, "-n", str(n), "--mode", "stream", "--repeat", "3",
                                   "--format", "json"])
    doc = json.loads(out) if rc == 0 else {}
    report(rc == 0 and doc.get("sum") == str(n * (n - 1) // 2) and doc.get("verified") is True
           and doc.get("nodes") == 2 and not left,
           "psum_mpi across 2 hosts shaped to 10mbit: exact", f"exit {rc}\n{err}")
    p = hosts("shape", bed.dir, "node2", "none")
    report(p.returncode == 0 and "tbf" not in qdisc(bed, "node2") and "tbf" in qdisc(bed, "node1"),
           "hosts.sh shape node2 none: its tbf removed, node1's kept", p.stderr)
    for rate in ("10xbit", "1.5mbit", "7kbit", "101gbit", ""):
        p = hosts("shape", bed.dir, "node2", rate)
        report(p.returncode == 2 and len(p.stderr.splitlines()) == 1 and
               f"invalid value '{rate}' for RATE" in p.stderr and "tbf" not in qdisc(bed, "node2"),
               f"hosts.sh shape node2 '{rate}': exit 2, one line naming it, nothing applied",
               f"exit {p.returncode}\n{p.stderr}")
    p = hosts("rate", "100mbit")
    report(p.returncode == 0 and p.stdout == "100000000\n", "hosts.sh rate 100mbit: 100000000",
           f"exit {p.returncode}\n{p.stdout}{p.stderr}")
    # netem where the kernel has sch_netem; else refused with one line and exit 1.
    p = hosts("netem", bed.dir, "node2", "delay", "1ms")
    q = qdisc(bed, "node2")
    if p.returncode == 0:
        ok, what = "netem" in q, "applied: tc shows netem"
    else:
        ok = (p.returncode == 1 and len(p.stderr.splitlines()) == 1 and "sch_netem" in p.stderr
              and "netem" not in q)
        what = "refused (no sch_netem here): exit 1, one line"
    report(ok, f"hosts.sh netem node2 delay 1ms {what}", f"exit {p.returncode}\n{p.stderr}{q}")
    hosts("shape", bed.dir, "node2", "none")


def teardown():
    """The bed leaves nothing after a signal or a failed start."""
    tag = f"hosts-with-{os.getpid()}"
    for sig in (signal.SIGTERM, signal.SIGINT):
        # The command names its bed's id, then waits to be ended.
        p = subprocess.Popen([HOSTS_SH, "with", "2", "--", "sh", "-c",
                              'cat "$PSUM_HOSTS_DIR/id"; exec sleep 60'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True, env=dict(os.environ, PSUM_TEST_TAG=tag))
        bed_id = p.stdout.readline().strip()
        made = bed_names(bed_id) if bed_id else set()
        os.killpg(p.pid, sig)  # as a terminal's Ctrl-C reaches its process group
        try:
            p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
        left = bed_names(bed_id) if bed_id else {"(no bed id)"}
        procs = tagged_processes(tag)
        for pid in procs:
            os.kill(pid, signal.SIGKILL)
        report(len(made) == 5 and not left and not procs and p.returncode != 0,
               f"hosts.sh with 2, {signal.Signals(sig).name}: exit {p.returncode}, "
               "its 2 namespaces, bridge, 2 cables and command removed",
               f"made {made}\nleft {left}\nprocesses {procs}")
    with tempfile.TemporaryDirectory() as root:
        d = os.path.join(root, "bed")
        before = bed_names()
        p = hosts("up", d, "3", "bogus-netem-option")
        left = bed_names() - before  # its id went with its directory
        report(p.returncode == 1 and len(p.stderr.splitlines()) == 1 and not left and
               not os.path.exists(d),
               "hosts.sh up refused by tc after its first host: exit 1, one line, nothing left",
               f"exit {p.returncode}\nleft {left}\n{p.stderr}")


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)  # the finally clauses take the bed down


def main():
    reason = cannot_make_hosts()
    if reason:
        skip_all(reason)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)
    root = tempfile.mkdtemp(prefix="psum-hosts-test.")
    bed = None
    try:
        bed = Bed(root)
        exact(bed)
        failures(bed)
        mismatched(bed)
        shaped(bed)
    finally:
        if bed is not None:
            p = hosts("down", bed.dir)
            report(p.returncode == 0 and not bed_names(bed.id) and
                   not os.path.exists(bed.dir),
                   "the bed's namespaces (node1's rate limit with them), links and files "
                   "removed", p.stderr)
        shutil.rmtree(root, ignore_errors=True)
    teardown()
    report(not stray, "no process outlived its mpirun in any case", "\n".join(stray))
    return plan()


sys.exit(main())
