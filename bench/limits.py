#!/usr/bin/env python3
"""psum_omp's speeds as fractions of this machine's limits, measured in the
same run by bench/psum_limits: a plain OpenMP read loop and psum's kernels
over the same array, a hand-vectorized AVX-512 generator beside psum's
stream kernel, a plain fill loop beside psum's fill, all interleaved in one
process so a shared machine's drifts hit both sides alike.  Each figure
keeps its best (minimum) time over all rounds.  Peak memory comes from
psum_omp itself, through its JSON.

usage: bench/limits.py [--build DIR] [-n N] [--rounds R] [--repeat R]
                       [--stream-n N] [--markdown FILE]
"""
import argparse
import json
import os
import subprocess
import sys

from psumbench.args import count

MIB = 1 << 20


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build", help="Meson build folder (default: build)")
    p.add_argument("-n", type=count, default=1_000_000_000, help="elements (default 1e9)")
    p.add_argument("--rounds", type=count, default=3, help="alternating rounds (default 3)")
    p.add_argument("--repeat", type=count, default=5, help="repetitions per run (default 5)")
    p.add_argument("--stream-n", type=count, default=10**12,
                   help="N for the stream memory check (default 1e12)")
    p.add_argument("--markdown", help="also write the table to this file")
    return p.parse_args(argv)


def run_json(cmd):
    env = dict(os.environ)
    env.setdefault("OMP_PROC_BIND", "close")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"limits.py: {' '.join(cmd)} failed with exit {p.returncode}: {p.stderr.strip()}")
    doc = json.loads(p.stdout)
    if doc.get("verified") is False:
        sys.exit(f"limits.py: {' '.join(cmd)} did not verify")
    return doc


class Best:
    """The minimum of each named time over all rounds."""

    def __init__(self):
        self.times = {}

    def add(self, name, seconds):
        self.times[name] = min(seconds, self.times.get(name, float("inf")))

    def __getitem__(self, name):
        return self.times[name]


REF_KEYS = ("read_1", "psum_serial", "read_all", "psum_dynamic", "psum_static", "gen_1",
            "psum_stream_serial", "gen_all", "psum_stream_dynamic")


def measure(args):
    limits = os.path.join(args.build, "bench", "psum_limits")
    psum = os.path.join(args.build, "src", "psum_omp")
    best = Best()
    for r in range(args.rounds):
        print(f"limits.py: round {r + 1} of {args.rounds}", file=sys.stderr, flush=True)
        ref = run_json([limits, str(args.n), str(args.repeat)])
        for key in REF_KEYS:
            if not ref[key]["verified"]:
                sys.exit(f"limits.py: {key} did not verify")
            best.add(key, ref[key]["min_s"])
        best.add("fill_plain", ref["fill_plain_s"])
        best.add("fill_psum", ref["fill_psum_s"])
    print("limits.py: psum_omp's own peak memory", file=sys.stderr, flush=True)
    mat = run_json([psum, "--format", "json", "-n", str(args.n), "--repeat", "1"])
    big = run_json([psum, "--format", "json", "--mode", "stream", "-n", str(args.stream_n),
                    "--repeat", "1", "--no-serial"])
    rss = {"materialize": mat["peak_rss_bytes"], "stream": big["peak_rss_bytes"]}
    return best, rss, ref["threads"], mat["machine"]


def rows(args, best, rss, threads):
    n = args.n
    gbs = lambda t: n * 8 / t / 1e9
    gel = lambda t: n / t / 1e9
    out = []

    def speed(what, unit, mine, ref, target):
        frac = best[ref] / best[mine]  # reference time over psum's time
        out.append((what, f"{unit(best[mine]):.2f}", f"{unit(best[ref]):.2f}", f"{frac:.1%}",
                    f">= {target:.0%}", "ok" if frac >= target else "MISSED"))

    def ratio(what, mine, ref, limit, shown):
        r = best[mine] / best[ref]
        out.append((what, f"{best[mine]:.4f} s", f"{best[ref]:.4f} s", f"{r:.3f}", shown,
                    "ok" if r <= limit else "MISSED"))

    speed("materialized, 1 thread (serial kernel), GB/s", gbs, "psum_serial", "read_1", 0.95)
    speed(f"materialized, {threads} threads (dynamic, 100 chunks), GB/s", gbs,
          "psum_dynamic", "read_all", 0.95)
    speed("streamed, 1 thread (serial kernel), G elem/s", gel, "psum_stream_serial", "gen_1",
          0.80)
    speed(f"streamed, {threads} threads (dynamic, 100 chunks), G elem/s", gel,
          "psum_stream_dynamic", "gen_all", 0.80)
    ratio("materialized time, dynamic / static (100 chunks)", "psum_dynamic", "psum_static",
          1.03, "<= 1.03")
    ratio(f"first-touch fill of {n * 8 / 1e9:.1f} GB, {threads} threads", "fill_psum",
          "fill_plain", 1.0, "<= 1.00")
    limit = n * 8 + 64 * MIB
    out.append(("materialize peak RSS (psum_omp)", f"{rss['materialize'] / MIB:.0f} MiB",
                f"{limit / MIB:.0f} MiB", f"{rss['materialize'] / limit:.3f}", "<= 1",
                "ok" if rss["materialize"] <= limit else "MISSED"))
    out.append((f"stream peak RSS at N = {args.stream_n:.3g} (psum_omp)",
                f"{rss['stream'] / MIB:.1f} MiB", "16 MiB", f"{rss['stream'] / (16 * MIB):.3f}",
                "<= 1", "ok" if rss["stream"] <= 16 * MIB else "MISSED"))
    return out


def markdown(table, machine, args):
    head = ("figure", "psum_omp", "reference", "fraction", "target", "")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in table]
    lines.append("")
    lines.append(f"N = {args.n}, best of {args.rounds} rounds x {args.repeat} repetitions; "
                 f"{machine['cpu_model']}, {machine['logical_cpus']} logical CPUs, "
                 f"{machine['compiler']}, THP {machine['huge_pages']}, "
                 f"OMP_PROC_BIND={machine['omp_proc_bind']}.")
    return "\n".join(lines) + "\n"


def main(argv):
    args = parse_args(argv)
    best, rss, threads, machine = measure(args)
    text = markdown(rows(args, best, rss, threads), machine, args)
    print(text, end="")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
