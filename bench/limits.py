#!/usr/bin/env python3
"""psum_omp's speeds as fractions of this machine's limits, measured in the
same run by bench/psum_limits (plain OpenMP read loop, plain fill loop,
hand-vectorized AVX-512 generator).

The machine is shared and noisy, so the reference and psum_omp are run
alternately for several rounds and each figure keeps its best (minimum)
time over all rounds: both sides get the same chances.

usage: bench/limits.py [--build DIR] [-n N] [--rounds R] [--repeat R]
                       [--stream-n N] [--markdown FILE]
"""
import argparse
import decimal
import json
import os
import subprocess
import sys

MIB = 1 << 20


def count(text):
    """A positive whole number, also written as 1e9 or 1_000_000_000."""
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise argparse.ArgumentTypeError(f"invalid count '{text}'")
    if value != value.to_integral_value() or value < 1:
        raise argparse.ArgumentTypeError(f"invalid count '{text}': not a positive whole number")
    return int(value)


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


def measure(args):
    limits = os.path.join(args.build, "bench", "psum_limits")
    psum = os.path.join(args.build, "src", "psum_omp")
    n, rep = str(args.n), str(args.repeat)
    best = Best()
    rss = {}
    # The first large first touch after a pause is far slower on a VM whose
    # host has not backed the memory yet; take that hit outside the rounds.
    print("limits.py: warm-up", file=sys.stderr, flush=True)
    run_json([limits, n, "1"])
    for r in range(args.rounds):
        print(f"limits.py: round {r + 1} of {args.rounds}", file=sys.stderr, flush=True)
        ref = run_json([limits, n, rep])
        for key in ("read_1", "read_all", "gen_1", "gen_all"):
            if not ref[key]["verified"]:
                sys.exit(f"limits.py: reference {key} did not verify")
            best.add("ref_" + key, ref[key]["min_s"])
        best.add("ref_fill", ref["fill_all"]["s"])
        threads = ref["read_all"]["threads"]
        base = [psum, "--format", "json", "-n", n, "--repeat", rep]
        mat = run_json(base + ["--mode", "materialize"])
        best.add("mat_serial", mat["serial"]["min_s"])
        best.add("mat_dynamic", mat["parallel"]["min_s"])
        best.add("fill", mat["materialize_s"])
        rss["materialize"] = max(rss.get("materialize", 0), mat["peak_rss_bytes"])
        static = run_json(base + ["--mode", "materialize", "--schedule", "static",
                                  "--no-serial"])
        best.add("mat_static", static["parallel"]["min_s"])
        stream = run_json(base + ["--mode", "stream"])
        best.add("str_serial", stream["serial"]["min_s"])
        best.add("str_dynamic", stream["parallel"]["min_s"])
    big = run_json([psum, "--format", "json", "--mode", "stream", "-n", str(args.stream_n),
                    "--repeat", "1", "--no-serial"])
    rss["stream"] = big["peak_rss_bytes"]
    return best, rss, threads, mat["machine"]


def rows(args, best, rss, threads):
    n = args.n
    gbs = lambda t: n * 8 / t / 1e9
    gel = lambda t: n / t / 1e9
    out = []

    def speed(what, unit, mine, ref, target):
        frac = ref / mine  # a time ratio: reference time over psum_omp time
        out.append((what, f"{unit(mine):.2f}", f"{unit(ref):.2f}", f"{frac:.1%}",
                    f">= {target:.0%}", "ok" if frac >= target else "MISSED"))

    speed("materialized, 1 thread (serial phase), GB/s", gbs, best["mat_serial"],
          best["ref_read_1"], 0.95)
    speed(f"materialized, {threads} threads (dynamic), GB/s", gbs, best["mat_dynamic"],
          best["ref_read_all"], 0.95)
    speed("streamed, 1 thread (serial phase), G elem/s", gel, best["str_serial"],
          best["ref_gen_1"], 0.80)
    speed(f"streamed, {threads} threads (dynamic), G elem/s", gel, best["str_dynamic"],
          best["ref_gen_all"], 0.80)
    ratio = best["mat_dynamic"] / best["mat_static"]
    out.append(("dynamic / static time, 100 chunks", f"{best['mat_dynamic']:.4f} s",
                f"{best['mat_static']:.4f} s", f"{ratio:.3f}", "<= 1.03",
                "ok" if ratio <= 1.03 else "MISSED"))
    ratio = best["fill"] / best["ref_fill"]
    out.append((f"first-touch fill of {n * 8 / 1e9:.1f} GB, {threads} threads",
                f"{best['fill']:.3f} s", f"{best['ref_fill']:.3f} s", f"{ratio:.3f}",
                "<= 1.00 (+noise)", "ok" if ratio <= 1.05 else "MISSED"))
    limit = n * 8 + 64 * MIB
    out.append(("materialize peak RSS", f"{rss['materialize'] / MIB:.0f} MiB",
                f"{limit / MIB:.0f} MiB", f"{rss['materialize'] / limit:.3f}", "<= 1",
                "ok" if rss["materialize"] <= limit else "MISSED"))
    out.append((f"stream peak RSS at N = {args.stream_n:.3g}", f"{rss['stream'] / MIB:.1f} MiB",
                "16 MiB", f"{rss['stream'] / (16 * MIB):.3f}", "<= 1",
                "ok" if rss["stream"] <= 16 * MIB else "MISSED"))
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
