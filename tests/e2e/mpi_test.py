#!/usr/bin/env python3
"""End to end: psum_mpi under mpirun with 1, 2 and 3 ranks on this machine.
Exact sums for small N, ranks > N, a slice per rank of N = 10^6 + 7 and a
streamed N = 5e9 whose total passes 2^64, in both modes; the JSON parsed
back, with calls grouped per sample at N = 1000 as psum_omp groups them; an invalid OMP_NUM_THREADS ignored with one warning; a failure forced
on rank 1 ending every rank with exit 1 within seconds and one line; a wrong
slice failing verification; a write error on rank 0 ending every rank with
exit 1; a bad option reported once with exit 2 on every rank; Ctrl-C to
mpirun ending every rank; ranks given different configurations (MPMD, -x
per application context) ending at once with one line; a removed OMP_*
value on other ranks warned about by rank 0; a team that cannot start on
one rank ending every rank; and no psum_mpi left behind by any run.
Writes TAP.

usage: mpi_test.py MPIRUN PSUM_MPI
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from procs import command_of, tagged_processes  # noqa: E402
from tap import plan, report  # noqa: E402

MPIRUN, BIN = sys.argv[1], sys.argv[2]
# One machine, CI: as many ranks as asked whatever the cores, no binding
# (mpirun would bind each rank to one core), -q for mpirun's own banners.
LAUNCH = [MPIRUN, "-q", "--oversubscribe", "--bind-to", "none"]
TIMEOUT = 60  # no run may hang the suite: a hang fails its case
ENV = dict(os.environ)
if os.geteuid() == 0:
    # Open MPI refuses root without both; only these tests need them.
    ENV.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
ENV.pop("OMP_PROC_BIND", None)  # unbound ranks would pin threads onto one CPU
# Under a sanitizer a launch costs 3 s: cases that differ only in the rank
# count or in which value disagrees, not in the code they run, run once.
SANITIZED = os.environ.get("PSUM_SANITIZED") == "1"


# Every run's processes carry this tag; any still alive after its mpirun
# returned is killed and listed here, and the last case fails on it.
TAG = f"mpi-test-{os.getpid()}"
stray = []


def sweep_strays():
    left = tagged_processes(TAG)
    for pid in left:
        stray.append(f"{pid} {command_of(pid)}")
        os.kill(pid, signal.SIGKILL)


def mpirun(ranks, *args, threads=1, env=None):
    """Runs psum_mpi on `ranks` ranks; returns (exit code, stdout, stderr, seconds)."""
    full = dict(ENV, OMP_NUM_THREADS=str(threads), PSUM_TEST_TAG=TAG, **(env or {}))
    t0 = time.monotonic()
    try:
        p = subprocess.run([*LAUNCH, "-np", str(ranks), BIN, *args], capture_output=True,
                           text=True, env=full, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or "", f"timed out after {TIMEOUT} s", TIMEOUT
    finally:
        sweep_strays()
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


# Each rank's own exit code: mpirun then keeps the job going when a rank
# exits non-zero (and itself returns 0), so every rank gets to say.
def each_rank(stdout):
    return ["--mca", "orte_abort_on_non_zero_status", "0", "sh", "-c",
            f'"$0" "$@" >{stdout}; rc=$?; echo "rank $OMPI_COMM_WORLD_RANK exited $rc" >&2; '
            'exit $rc']


def rank_exits(ranks, *args, env=None, stdout="/dev/null"):
    """{rank: exit code} of psum_mpi on every rank, from the wrapper's lines."""
    full = dict(ENV, OMP_NUM_THREADS="1", PSUM_TEST_TAG=TAG, **(env or {}))
    try:
        p = subprocess.run([*LAUNCH, "-np", str(ranks), *each_rank(stdout), BIN, *args],
                           capture_output=True, text=True, env=full, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {}
    finally:
        sweep_strays()
    found = {}
    for line in p.stderr.splitlines():
        words = line.split()
        if len(words) == 4 and words[0] == "rank" and words[2] == "exited":
            found[int(words[1])] = int(words[3])
    return found


def psum_lines(err):
    """psum_mpi's own lines on stderr, warnings apart."""
    return [l for l in err.splitlines()
            if l.startswith("psum_mpi:") and not l.startswith("psum_mpi: warning:")]


def exact(ranks, n, mode, threads=1, extra=()):
    rc, out, err, _ = mpirun(ranks, "-n", str(n), "--mode", mode, "--repeat", "2",
                             "--format", "json", *extra, threads=threads)
    what = f"{ranks} rank(s) x {threads} thread(s), N = {n}, {mode}: exact"
    if rc != 0:
        return report(False, what, f"exit {rc}\n{err}")
    doc = json.loads(out)
    want = n * (n - 1) // 2
    report(doc["verified"] is True and doc["sum"] == str(want) and
           doc["expected"] == str(want) and doc["ranks"] == ranks, what, out)


def sizes():
    # The slices' sums at every size are test_slice's; here the reduction
    # through mpirun, with empty slices (N = 1) and without.
    for ranks in (2,) if SANITIZED else (1, 2, 3):
        threads = 2 if ranks == 1 else 1
        for n in (1, 10**6 + 7):
            for mode in ("materialize", "stream"):
                exact(ranks, n, mode, threads)
    # Past 2^64, one slice per rank; the serial phase would only repeat it.
    exact(2, 5 * 10**9, "stream", extra=("--no-serial",))


def json_keys():
    rc, out, err, _ = mpirun(2, "-n", "1e6", "--repeat", "3", "--format", "json",
                             "--chunks", "7")
    if rc != 0:
        return report(False, "json parsed back", err)
    doc = json.loads(out)
    psum_omp_keys = {"schema_version", "version", "build_commit", "build_dirty", "started_utc",
                     "n", "mode", "threads", "threads_requested", "schedule", "chunks", "repeat", "sum", "expected", "verified",
                     "materialize_s", "huge_pages_advised", "serial", "parallel", "speedup",
                     "efficiency", "peak_rss_bytes", "background_load", "cpus_allowed",
                     "oversubscribed", "busy", "noisy", "thresholds", "machine", "warnings"}
    mpi_keys = {"ranks", "threads_per_rank", "nodes", "ranks_per_node", "imbalance",
                "reduce_s"}
    report(psum_omp_keys | mpi_keys <= set(doc), "json: every psum_omp key and the mpi keys",
           out)
    imb = doc["imbalance"]
    report(doc["ranks"] == 2 and doc["threads_per_rank"] == 1 and doc["nodes"] == 1 and
           doc["ranks_per_node"] == 2 and doc["threads"] == 2 and doc["chunks"] == 7 and
           doc["schema_version"] == 1 and doc["cpus_allowed"] == len(os.sched_getaffinity(0)) and
           0 <= imb["min_s"] <= imb["mean_s"] <= imb["max_s"] and doc["reduce_s"] >= 0,
           "json: ranks, threads, nodes, imbalance and reduce_s hold", out)
    par = doc["parallel"]
    report(len(par["samples_s"]) == 3 and par["max_s"] == max(par["samples_s"]) and
           par["calls_per_sample"] >= 1 and len(doc["serial"]["samples_s"]) == 3,
           "json: one sample per timed repetition, the maximum over ranks", out)
    # A call of a few microseconds is far below the 1 ms minimum sample:
    # both phases group calls, as psum_omp's do (measure.h).
    rc, out, err, _ = mpirun(2, "-n", "1000", "--repeat", "3", "--format", "json")
    doc = json.loads(out) if rc == 0 else {}
    report(rc == 0 and doc["verified"] is True and
           doc["parallel"]["calls_per_sample"] > 1 and doc["serial"]["calls_per_sample"] > 1,
           "json: at N = 1000 a sample times several calls in both phases", f"exit {rc}\n{err}{out}")


def forced_failures():
    for mode in ("materialize", "stream"):
        rc, out, err, seconds = mpirun(3, "-n", "1e6", "--mode", mode,
                                       env={"PSUM_MPI_FAIL_RANK": "1"})
        lines = psum_lines(err)
        report(rc == 1 and out == "" and seconds < 20 and len(lines) == 1 and
               lines[0].startswith("psum_mpi: rank 1 on ") and "PSUM_MPI_FAIL_RANK" in lines[0],
               f"failure forced on rank 1 ({mode}): every rank exits 1, one line, "
               f"{seconds:.1f} s", f"exit {rc}\n{err}{out}")
    exits = rank_exits(3, "-n", "1e6", env={"PSUM_MPI_FAIL_RANK": "1"})
    report(exits == {0: 1, 1: 1, 2: 1}, "failure forced on rank 1: each rank's own exit is 1",
           repr(exits))
    exits = rank_exits(2, "-n", "1e5", "--repeat", "1", stdout="/dev/full")
    report(exits == {0: 1, 1: 1}, "a write error on rank 0: each rank's own exit is 1",
           repr(exits))
    rc, out, err, _ = mpirun(3, "-n", "1e6", env={"PSUM_MPI_FAIL_RANK": "1",
                                                  "PSUM_MPI_FAIL_STAGE": "sum"})
    lines = psum_lines(err)
    report(rc == 1 and "MISMATCH" in out and len(lines) == 2 and
           lines[0].startswith("psum_mpi: rank 1 on ") and "summed to" in lines[0] and
           lines[1].startswith("psum_mpi: verification failed"),
           "a wrong slice on rank 1: the report marks it invalid, every rank exits 1",
           f"exit {rc}\n{err}{out}")


def ctrl_c():
    """SIGINT to mpirun, as Ctrl-C in a terminal sends it: every rank ends."""
    tag = f"mpi-{os.getpid()}"
    env = dict(ENV, OMP_NUM_THREADS="1", PSUM_TEST_TAG=tag)
    p = subprocess.Popen([*LAUNCH, "-np", "2", BIN, "-n", "1e13", "--mode", "stream",
                          "--no-serial"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, start_new_session=True)
    time.sleep(2)
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
    seconds = time.monotonic() - t0
    time.sleep(0.5)
    left = tagged_processes(tag)
    report(p.returncode not in (0, None) and seconds < 10 and not left,
           f"ctrl-c to mpirun: every rank ends, mpirun exits {p.returncode} in {seconds:.1f} s",
           f"left: {left}")
    for pid in left:
        os.kill(pid, signal.SIGKILL)


def usage():
    rc, out, err, _ = mpirun(3, "-n", "1e9x")
    report(rc == 2 and out == "" and err.splitlines() == [
        "psum_mpi: invalid value '1e9x' for --elements: trailing characters "
        "(see psum_mpi --help)"], "a bad option: exit 2, one line from rank 0",
        f"exit {rc}\n{err}")
    rc, out, err, _ = mpirun(2, "--device", "gpu")
    # The same line whether or not psum_omp was built with offload.
    report(rc == 2 and out == "" and err.splitlines() == [
        "psum_mpi: invalid value 'gpu' for --device: psum_mpi sums on the ranks' CPUs only "
        "(see psum_mpi --help)"], "--device gpu: exit 2, one line in psum_mpi's words",
        f"exit {rc}\n{err}")
    rc, out, err, _ = mpirun(2, "--describe")
    report(rc == 2 and out == "" and err.splitlines() == [
        "psum_mpi: --describe is psum_omp's alone; psum_mpi takes the options of a run "
        "(see psum_mpi --help)"], "--describe: exit 2, one line: psum_omp's question",
        f"exit {rc}\n{err}")
    exits = rank_exits(3, "--chunks", "0")
    report(exits == {0: 2, 1: 2, 2: 2}, "a bad option: each rank's own exit is 2", repr(exits))
    rc, out, err, _ = mpirun(2, "--help")
    listed = [l.split()[0] for l in out.splitlines() if l.startswith("      --")]
    report(rc == 0 and out.count("Usage: mpirun -np R psum_mpi") == 1 and "--chunks" in out and
           "--no-serial" in listed and not any(o.startswith(("--device", "--from-host"))
                                               for o in listed),
           "--help: printed once, exit 0, without the options psum_mpi refuses",
           f"exit {rc}\n{err}{out}")


def mpmd(contexts, options=(), wrap=()):
    """Runs one psum_mpi job of several application contexts, each
    (ranks, {VAR: value} exported to it alone with -x, [arguments]), with
    mpirun's `options` and each context's program run through `wrap`.
    Returns (exit code, stdout, stderr, seconds, processes left behind)."""
    tag = f"mpmd-{os.getpid()}-{time.monotonic_ns()}"
    cmd = [*LAUNCH, *options]
    for i, (ranks, env, args) in enumerate(contexts):
        cmd += [":"] * (i > 0) + ["-np", str(ranks)]
        for name, value in env.items():
            cmd += ["-x", f"{name}={value}"]
        cmd += [*wrap, BIN, *args]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                           env=dict(ENV, OMP_NUM_THREADS="1", PSUM_TEST_TAG=tag))
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = None, e.stdout or "", f"timed out after {TIMEOUT} s"
    seconds = time.monotonic() - t0
    left = tagged_processes(tag)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return rc, out if isinstance(out, str) else out.decode(), err, seconds, left


def agreement():
    """Ranks given different configurations end at once, with one line."""
    differ = "psum_mpi: the ranks were given different configurations: "
    cases = [
        ("a usage error on rank 1 only",
         [(1, {}, ["-n", "100"]), (1, {}, ["-n", "bogus"])],
         "rank 1: invalid value 'bogus' for --elements: not a number"),
        ("a usage error on rank 0 only", [(1, {}, ["-n", "bogus"]), (2, {}, ["-n", "100"])],
         "rank 0: invalid value 'bogus' for --elements: not a number"),
        ("different errors", [(1, {}, ["-n", "x"]), (1, {}, ["-n", "y"])],
         "rank 0: invalid value 'x' for --elements: not a number"),
        ("--device gpu on one rank", [(1, {}, []), (1, {}, ["--device", "gpu"])],
         "rank 1: invalid value 'gpu' for --device: psum_mpi sums on the ranks' CPUs only"),
        ("different -n", [(1, {}, ["-n", "100"]), (1, {}, ["-n", "200"])],
         "rank 0 has --elements 100, rank 1 has --elements 200"),
        ("different --mode on the third rank",
         [(2, {}, ["-n", "100"]), (1, {}, ["-n", "100", "--mode", "stream"])],
         "rank 0 has --mode materialize, rank 2 has --mode stream"),
        ("--no-serial on one rank", [(1, {}, ["-n", "9"]), (1, {}, ["-n", "9", "--no-serial"])],
         "rank 0 has no --no-serial, rank 1 has --no-serial"),
        ("--help on rank 1 only", [(1, {}, ["-n", "100"]), (1, {}, ["--help"])],
         "rank 0 has neither --help nor --version, rank 1 has --help"),
        ("--version on rank 0 only", [(1, {}, ["--version"]), (1, {}, ["-n", "100"])],
         "rank 0 has --version, rank 1 has neither --help nor --version"),
        ("-x OMP_PROC_BIND for one context",
         [(1, {"OMP_PROC_BIND": "close"}, ["-n", "100"]), (1, {}, ["-n", "100"])],
         "rank 0 has OMP_PROC_BIND='close', rank 1 has no OMP_PROC_BIND"),
        ("an invalid OMP_PROC_BIND for one context, named as given",
         [(1, {}, ["-n", "9"]), (1, {"OMP_PROC_BIND": "bogus"}, ["-n", "9"])],
         "rank 0 has no OMP_PROC_BIND, rank 1 has OMP_PROC_BIND='bogus'"),
        ("different OMP_DYNAMIC",
         [(1, {"OMP_DYNAMIC": "true"}, ["-n", "9"]), (1, {"OMP_DYNAMIC": "false"}, ["-n", "9"])],
         "rank 0 has OMP_DYNAMIC='true', rank 1 has OMP_DYNAMIC='false'"),
        ("different OMP_WAIT_POLICY",
         [(1, {}, ["-n", "9"]), (1, {"OMP_WAIT_POLICY": "passive"}, ["-n", "9"])],
         "rank 0 has no OMP_WAIT_POLICY, rank 1 has OMP_WAIT_POLICY='passive'"),
        ("PSUM_MPI_FAIL_RANK for one context",
         [(1, {}, ["-n", "9"]), (1, {"PSUM_MPI_FAIL_RANK": "1"}, ["-n", "9"])],
         "rank 0 has no PSUM_MPI_FAIL_RANK, rank 1 has PSUM_MPI_FAIL_RANK='1'"),
    ]
    if SANITIZED:
        once = ("a usage error on rank 1 only", "different -n", "--no-serial on one rank",
                "-x OMP_PROC_BIND for one context")
        cases = [c for c in cases if c[0] in once]
    for what, contexts, want in cases:
        rc, out, err, seconds, left = mpmd(contexts)
        report(rc == 2 and out == "" and err.splitlines() == [
                   f"{differ}{want} (see psum_mpi --help)"] and seconds < 20 and not left,
               f"ranks disagree, {what}: exit 2, one line, {seconds:.1f} s, no rank left",
               f"exit {rc}\nleft {left}\n{err}{out}")
    # Each rank's own status: every one exits 2.
    rc, _, err, _, left = mpmd([(1, {}, ["-n", "100"]), (2, {}, ["-n", "bogus"])],
                               options=each_rank("/dev/null")[:3],
                               wrap=each_rank("/dev/null")[3:])
    exits = sorted(l.split()[1:4:2] for l in err.splitlines() if l.startswith("rank "))
    report(exits == [["0", "2"], ["1", "2"], ["2", "2"]] and not left,
           "ranks disagree: each rank's own exit is 2", f"{exits}\n{err}")

    # What each rank may have of its own: spellings, threads, places.
    last = len(os.sched_getaffinity(0)) - 1
    agreeing = [
        ("the same configuration spelled two ways",
         [(1, {}, ["-n", "100", "-r", "1"]), (1, {}, ["--elements=1e2", "--repeat", "1"])], ""),
        ("different OMP_NUM_THREADS",
         [(1, {"OMP_NUM_THREADS": "1"}, ["-n", "1e4", "-r", "1"]),
          (1, {"OMP_NUM_THREADS": "2"}, ["-n", "1e4", "-r", "1"])],
         "psum_mpi: warning: the ranks run different numbers of threads, 1 to 2"),
        ("different OMP_PLACES",
         [(1, {"OMP_PLACES": "{0}"}, ["-n", "1e4", "-r", "1"]),
          (1, {"OMP_PLACES": f"{{{last}}}"}, ["-n", "1e4", "-r", "1"])], ""),
    ]
    for what, contexts, warning in agreeing:
        rc, out, err, seconds, left = mpmd(contexts)
        report(rc == 0 and "verified" in out and warning in err and not psum_lines(err) and
               not left, f"ranks agree, {what}: exit 0", f"exit {rc}\n{err}{out}")


def environment():
    """An invalid OMP_* value is removed before libgomp reads it (env_early.h)."""
    rc, out, err, _ = mpirun(2, "-n", "1e5", "--repeat", "1", threads=4294967296)
    line = "psum_mpi: warning: ignoring OMP_NUM_THREADS='4294967296'"
    report(rc == 0 and "verified" in out and err.count(line) == 1,
           "OMP_NUM_THREADS=4294967296: ignored, one warning, exit 0", f"exit {rc}\n{err}{out}")


def other_ranks_warnings():
    """A value removed on ranks other than 0 is warned about once, naming them."""
    args = ["-n", "1e4", "-r", "1", "-f", "json"]
    rc, out, err, _, left = mpmd([(1, {}, args), (2, {"OMP_NUM_THREADS": "0"}, args)])
    line = "ranks 1 and 2: ignoring OMP_NUM_THREADS='0': expected whole numbers"
    ok = rc == 0 and err.count(f"psum_mpi: warning: {line}") == 1 and not left
    report(ok and any(w.startswith(line) for w in json.loads(out)["warnings"]),
           "OMP_NUM_THREADS=0 on ranks 1 and 2 only: one warning naming them, in the JSON too",
           f"exit {rc}\n{err}{out}")


def threads_refused():
    """A rank whose team cannot start ends every rank, in psum_mpi's words."""
    args = ["-n", "1e5", "-r", "1"]
    rc, out, err, seconds, left = mpmd([(1, {"OMP_NUM_THREADS": "2"}, args),
                                        (1, {"OMP_NUM_THREADS": "2",
                                             "OMP_STACKSIZE": "1000000G"}, args)])
    lines = err.splitlines()
    report(rc == 1 and out == "" and len(lines) == 1 and "libgomp" not in err and
           lines[0].startswith("psum_mpi: rank 1 on ") and
           "cannot start a team of 2 threads" in lines[0] and seconds < 20 and not left,
           f"OMP_STACKSIZE=1000000G on rank 1: every rank exits 1, one line, {seconds:.1f} s",
           f"exit {rc}\n{err}{out}")


def text_and_csv():
    rc, out, err, _ = mpirun(2, "-n", "1e5", "--repeat", "1")
    report(rc == 0 and "verified" in out and "ranks 2 on 1 node" in out,
           "text: the ranks' lines", f"exit {rc}\n{err}{out}")
    rc, out, err, _ = mpirun(2, "-n", "1e5", "--repeat", "1", "--format", "csv")
    rows = out.splitlines()
    ok = rc == 0 and len(rows) == 2
    if ok:
        head, values = rows[0].split(","), rows[1].split(",")
        ok = head[-16:] == ["ranks", "threads_per_rank", "nodes", "ranks_per_node",
                            "imbalance_min_s", "imbalance_mean_s", "imbalance_max_s",
                            "reduce_s", "stream_lanes", "stream_trial_8_lanes_s",
                            "stream_trial_4_lanes_s", "stream_trial_threads", "version",
                            "build_commit", "build_dirty", "started_utc"] and \
            values[-16:-12] == ["2", "1", "1", "2"]
    report(ok, "csv: one header, one row, the ranks' columns, the stream kernel's, "
           "the provenance last",
           f"exit {rc}\n{err}{out}")
    rc, out, err, _ = mpirun(2, "-m", "stream", "-n", "1e5", "--repeat", "1", "--format", "json")
    kernel = json.loads(out)["stream_kernel"] if rc == 0 else None
    report(kernel is not None and kernel["lanes"] in kernel["widths"] and
           "stream kernel: " in mpirun(2, "-m", "stream", "-n", "1e5", "--repeat", "1")[1],
           "stream mode: rank 0's choice of the stream kernel reported", f"exit {rc}\n{err}{out}")


sizes()
json_keys()
text_and_csv()
environment()
forced_failures()
ctrl_c()
usage()
agreement()
other_ranks_warnings()
threads_refused()
report(not stray, "no psum_mpi process outlived its mpirun in any case", "\n".join(stray))
sys.exit(plan())
