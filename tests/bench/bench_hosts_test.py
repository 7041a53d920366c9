#!/usr/bin/env python3
"""bench/hosts.py, the cross-host sweep: bad options are one line and exit
2 anywhere; then, where namespaces can be made (root), its quick mode end
to end: a complete set (hosts_run.json complete, the CSV, the tables, both
plots, the machine record), one CSV row per run, each an exact sum of its
N, every study in the tables, and nothing of the bed or its processes left.
Skips (77) where namespaces cannot be made, after the usage cases.
Prints TAP lines; its exit status is the verdict (0, 1, or 77).

usage: bench_hosts_test.py BUILD_DIR
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..")
HOSTS_PY = os.path.join(REPO, "bench", "hosts.py")
sys.path.insert(0, os.path.join(REPO, "bench"))
from psumbench import hosts  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from procs import command_of, tagged_processes  # noqa: E402
from tap import plan, report  # noqa: E402

BUILD = sys.argv[1]
QUICK_FILES = ("hosts.csv", "hosts.md", "hosts_link.png", "hosts_scaling.png", "machine.json",
               "machine.md", "runs.jsonl", "hosts_run.json")


def sweep(*args, env=None):
    return subprocess.run([sys.executable, HOSTS_PY, "--build", BUILD, *args],
                          capture_output=True, text=True, env=env, timeout=600)


def usage_errors(out):
    cases = [(["--rates", "10xbit"], "invalid value '10xbit' for --rates"),
             (["--rates", "7kbit"], "invalid value '7kbit' for --rates"),
             (["--hosts", "1"], "invalid value '1' for --hosts"),
             (["--hosts", "1e9x"], "invalid value '1e9x'"),
             (["--sizes", "1e6,1e6"], "for --sizes: the fit needs two different sizes"),
             (["--check"], "--check needs --quote FILE")]
    for args, want in cases:
        p = sweep("--out", out, *args)
        report(p.returncode == 2 and len(p.stderr.splitlines()) == 1 and want in p.stderr
               and not os.listdir(out),
               f"bench/hosts.py {' '.join(args)}: exit 2, one line, nothing written",
               f"exit {p.returncode}\n{p.stderr}")


def quick(out):
    tag = f"hosts-sweep-{uuid.uuid4().hex}"
    p = sweep("--quick", "--out", out, env=dict(os.environ, PSUM_TEST_TAG=tag))
    left = tagged_processes(tag)
    stray = [f"{pid} {command_of(pid)}" for pid in left]
    for pid in left:
        os.kill(pid, 9)
    report(p.returncode == 0 and not stray, "bench/hosts.py --quick: exit 0, no process left",
           f"exit {p.returncode}\n{p.stderr}\nleft {stray}")
    sets = [os.path.join(out, m, s) for m in os.listdir(out)
            for s in os.listdir(os.path.join(out, m))]
    report(len(sets) == 1 and sets[0].endswith("-hosts-quick"),
           "one new set, <machine>/<time>-hosts-quick", f"{sets}")
    if len(sets) != 1:
        return
    setdir = sets[0]
    missing = [f for f in QUICK_FILES if not os.path.isfile(os.path.join(setdir, f))]
    with open(os.path.join(setdir, "hosts_run.json")) as f:
        meta = json.load(f)
    report(not missing and meta["complete"] is True and meta["quick"] is True,
           "the set is complete: its CSV, tables, plots and machine record",
           f"missing {missing}\n{meta}")
    ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    report(f"psum-{meta['bed_id']}-" not in ns, "the sweep's bed is gone", ns)
    plan_ = hosts.configs(meta["hosts"], meta["rates_bps"], meta["n"], meta["per_host"],
                          meta["sizes"], meta["link_n"])
    with open(os.path.join(setdir, "hosts.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    runs = {(r["link"], int(r["hosts"]), int(r["n"])) for r in rows}
    report(len(rows) == len(plan_) * meta["processes"] and runs == set(plan_),
           f"one CSV row per run: {len(plan_)} configurations x {meta['processes']} process(es)",
           f"{len(rows)} rows\n{sorted(runs)}\n{sorted(plan_)}")
    for r in rows:
        n = int(r["n"])
        report(int(r["sum"]) == n * (n - 1) // 2 and r["exact"] == "true" and
               int(r["n_per_host"]) == n // int(r["hosts"]),
               f"{r['hosts']} host(s), link {r['link']}, N={n:,}: exact", f"{r}")
    with open(os.path.join(setdir, "hosts.md")) as f:
        md = f.read()
    heads = ("## The reduction against the link", "## Strong scaling", "## Weak scaling",
             "## The local sum's fit", "## The model", "tbf 10mbit", "SMOKE RUN",
             "share its 2 CPUs" if os.cpu_count() == 2 else "share its")
    report(all(h in md for h in heads), "hosts.md holds every study and the smoke banner",
           "\n".join(h for h in heads if h not in md))


def main():
    out = tempfile.mkdtemp(prefix="psum-hosts-bench.")
    try:
        usage_errors(out)
        why = hosts.cannot_make_hosts()
        if why:
            print(f"# SKIP the quick sweep: {why}")
            return plan() or 77  # a failed usage case still fails
        quick(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return plan()


sys.exit(main())
