"""The cross-host sweep: psum_mpi across the hosts of tests/tools/hosts.sh
(network and UTS namespaces on one machine), one rank of one thread per
host, the link unshaped or limited by tc tbf.

Configurations, each (link, hosts, N), run interleaved in a shuffled order,
every configuration once per round, `processes` rounds:

  link    every link setting (unshaped and each RATE) on all K hosts at a
          small N (link_n), where the local sums are short: the reduction
          then measures the messages' path, not the ranks taking turns on
          the CPUs during long sums (see below)
  strong  1..K hosts at N, unshaped
  weak    1..K hosts at N per host, unshaped
  sizes   one host at several N, unshaped: a lone rank's local sum, fitted
          a + b·n on the relative error

A configuration in several studies runs once.  Every run is recorded in
runs.jsonl as {"config": {...}, "process": i, "doc": psum_mpi's JSON}; the
tables, the CSV, the plots and the quoted passage of docs/mpi.md are built
from those records alone, elsewhere: the figures in aggregate.py and
analysis.py, the tables, the CSV and the passage in tables.py, the plots in
plots.py (each name with a hosts_ prefix).  This module keeps the bed and
the runs, as mpi.py keeps the mpi sweep's.

The hosts share this machine's CPUs: with more ranks than CPUs the ranks
take turns, so a local sum on K hosts is slower than on one, and scaling
over hosts shows the network's cost, not more compute.  A rank that waits
for a CPU after the barrier starts its sum late, and psum_mpi counts that
lateness in the reduction (the part of a call beyond the slowest local
sum): on K hosts at large N the reduction grows with N.  Waiting ranks yield
their CPU (mpi_yield_when_idle): a rank spinning in the reduction would
otherwise hold a CPU that a rank still summing needs."""
import contextlib
import os
import random
import re
import shutil
import signal
import subprocess

from . import runs

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOSTS_SH = os.path.join(REPO, "tests", "tools", "hosts.sh")
UNSHAPED = "none"
STUDIES = ("link", "strong", "weak", "sizes")
RUN_TIMEOUT_S = 300  # one mpirun across the hosts; a hang fails the sweep


# ---- the test bed ----

@contextlib.contextmanager
def _signals_held():
    """Ctrl-C, SIGTERM and the like held back until the block ends, and in
    the commands it starts: a probe, a bed's making or its removal cut short
    would leave namespaces or links behind."""
    signal.pthread_sigmask(signal.SIG_BLOCK, runs.ENDING_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, runs.ENDING_SIGNALS)


def _run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def cannot_make_hosts():
    """Why hosts.sh cannot make hosts here (one line), or None."""
    if os.geteuid() != 0:
        return "not root: the hosts are network namespaces, which need root"
    if not os.access(HOSTS_SH, os.X_OK):
        return f"no test bed script at {HOSTS_SH} (it comes with the checkout)"
    for tool in ("ip", "nsenter", "unshare", "tc"):
        if shutil.which(tool) is None:
            return f"{tool} not found (Debian: iproute2, util-linux)"
    probe = f"psum-probe-{os.getpid()}"
    with _signals_held():
        p = _run(["ip", "netns", "add", probe])
        if p.returncode == 0:
            _run(["ip", "netns", "del", probe])
    if p.returncode != 0:
        return f"ip netns add failed: {p.stderr.strip()}"
    for kind, extra in (("bridge", []), ("veth", ["peer", "name", f"ppq{os.getpid() % 100000}"])):
        name = f"ppp{os.getpid() % 100000}"
        with _signals_held():
            p = _run(["ip", "link", "add", name, "type", kind, *extra])
            if p.returncode == 0:
                _run(["ip", "link", "del", name])
        if p.returncode != 0:
            return f"ip link add type {kind} failed: {p.stderr.strip()}"
    return None


def rate_bits(text):
    """RATE in bit/s as hosts.sh reads it (the one home of its grammar);
    ValueError with hosts.sh's reason."""
    p = subprocess.run([HOSTS_SH, "rate", text], capture_output=True, text=True)
    if p.returncode == 0:
        return int(p.stdout)
    raise ValueError(_reason(p) or f"hosts.sh rate exited {p.returncode}")


def _reason(p):
    """hosts.sh's usage line without its name, the value it names and the hint."""
    line = p.stderr.strip().removeprefix("hosts.sh: ").split(" (usage:")[0]
    return re.sub(r"^invalid value '[^']*' for \w+: ", "", line)


class Refused(Exception):
    """hosts.sh refused K (exit 2): str() is its reason."""


class Bed:
    """K hosts made by hosts.sh up in a fresh folder; down() removes them."""

    def __init__(self, root, k):
        self.dir = os.path.join(root, "bed")
        with _signals_held():  # a second or two: then a whole bed, or none
            p = _run([HOSTS_SH, "up", self.dir, str(k)])
        if p.returncode == 2:
            raise Refused(_reason(p))
        if p.returncode != 0:
            raise runs.RunFailed(f"hosts.sh up failed: {p.stderr.strip()}")
        try:
            with open(os.path.join(self.dir, "hosts")) as f:
                self.addrs = [line.split()[0] for line in f]
            with open(os.path.join(self.dir, "id")) as f:
                self.id = f.read().strip()
            with open(os.path.join(self.dir, "subnet")) as f:
                self.subnet = f.read().strip()
        except BaseException:
            self.down()  # the caller never gets the bed to take down
            raise
        self.root, self.link = root, UNSHAPED

    def shape(self, link):
        """Every host's egress limited to link (a RATE), or unshaped."""
        if link == self.link:
            return
        for addr in self.addrs:
            p = subprocess.run([HOSTS_SH, "shape", self.dir, addr, link], capture_output=True,
                               text=True)
            if p.returncode != 0:
                raise runs.RunFailed(f"hosts.sh shape {link} failed: {p.stderr.strip()}")
        self.link = link

    def qdiscs(self):
        """tc qdisc show of every host's eth0, one line each."""
        out = []
        for addr in self.addrs:
            p = subprocess.run([HOSTS_SH, "run", self.dir, addr, "tc", "qdisc", "show", "dev",
                                "eth0"], capture_output=True, text=True)
            out.append(p.stdout.strip())
        return out

    def hostfile(self, hosts):
        path = os.path.join(self.root, f"hostfile-{hosts}")
        with open(path, "w") as f:
            f.writelines(f"{a} slots=1\n" for a in self.addrs[:hosts])
        return path

    def down(self):
        with _signals_held():
            p = _run([HOSTS_SH, "down", self.dir])
        if p.returncode != 0:
            raise runs.RunFailed(f"hosts.sh down failed: {p.stderr.strip()}")


# ---- the runs ----

def configs(k, links, n, per_host, sizes, link_n):
    """The sweep's configurations, (link, hosts, n) -> the studies they serve,
    in a fixed order."""
    out = {}

    def add(key, study):
        out.setdefault(key, [])
        if study not in out[key]:
            out[key].append(study)
    for link in [UNSHAPED] + list(links):
        add((link, k, link_n), "link")
    for h in range(1, k + 1):
        add((UNSHAPED, h, n), "strong")
    for h in range(1, k + 1):
        add((UNSHAPED, h, per_host * h), "weak")
    for s in sizes:
        add((UNSHAPED, 1, s), "sizes")
    return out


def order(keys, processes, seed):
    """(key, process) pairs: every configuration once per round, each round
    shuffled by seed, so what is compared is interleaved in time."""
    rng = random.Random(seed)
    out = []
    for process in range(processes):
        keys = list(keys)
        rng.shuffle(keys)
        out += [(key, process) for key in keys]
    return out


def command(bed, mpirun, binary, hosts, n, repeat):
    """mpirun on node1, one rank of one thread on each of the first `hosts`
    hosts, over the bed's subnet; the waiting ranks yield their CPU.  No
    binding, by mpirun or OpenMP: each host's daemon and each rank's
    OMP_PROC_BIND would pin its rank to the first CPU, every host's the
    same one, and the ranks would take turns on it."""
    return [HOSTS_SH, "run", bed.dir, "node1", mpirun, "-q",
            "--hostfile", bed.hostfile(hosts),
            "--mca", "plm_rsh_agent", os.path.join(bed.dir, "agent"),
            "--mca", "btl", "self,tcp",
            "--mca", "btl_tcp_if_include", bed.subnet,
            "--mca", "oob_tcp_if_include", bed.subnet,
            "--mca", "mpi_yield_when_idle", "1",
            "-np", str(hosts), "--map-by", "ppr:1:node", "--bind-to", "none",
            "-x", "OMP_NUM_THREADS=1", "-x", "OMP_PROC_BIND=false",
            binary, "--format", "json", "-n", str(n), "--mode", "stream", "--no-serial",
            "--repeat", str(repeat)]


def run_one(bed, mpirun, binary, key, repeat, env):
    """psum_mpi's document for one configuration; RunFailed unless it
    exited 0, placed one rank on each host and summed exactly."""
    link, hosts, n = key
    bed.shape(link)
    cmd = command(bed, mpirun, binary, hosts, n, repeat)
    what = f"{hosts} host(s), link {link}, N={n:,}"
    try:
        rc, out, err = runs.run_child(cmd, env, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise runs.RunFailed(f"{what}: mpirun did not end within {RUN_TIMEOUT_S} s") from None
    if rc in (130, -2):
        raise KeyboardInterrupt
    if rc != 0:
        lines = [line for line in err.splitlines() if line.strip()]
        raise runs.RunFailed(f"{what}: mpirun exited {rc}: {lines[-1] if lines else ''}")
    doc = runs.json_doc(cmd, out, ("n", "sum", "expected", "verified", "parallel", "reduce_s",
                                   "imbalance", "nodes", "ranks_per_node", "machine"))
    if doc["verified"] is not True or doc["n"] != n:
        raise runs.RunFailed(f"{what}: did not verify: sum {doc['sum']}, expected "
                             f"{doc['expected']}")
    runs.check_sum(what, n, doc["sum"])
    if doc["nodes"] != hosts or doc["ranks_per_node"] != 1:
        raise runs.RunFailed(f"{what}: placed on {doc['nodes']} node(s), "
                             f"{doc['ranks_per_node']} per node")
    return doc
