#!/usr/bin/env python3
"""psum_omp's speeds as fractions of this machine's limits, measured in the
same run by bench/psum_limits: a plain OpenMP read loop and psum's kernels
over the same array, a hand-vectorized AVX-512 (else AVX2) generator beside psum's
stream kernel, a plain fill loop beside psum's fill, and, when psum_limits
was built with offload and finds a GPU, plain `target teams distribute
parallel for simd reduction` loops beside psum's device kernels; all
interleaved in one process so a shared machine's drifts hit both sides alike.
The GPU limit is NVIDIA's CUB (`cub::DeviceReduce::Sum` over the same N,
bench/psum_cub, run after psum_limits in each round) where it was built and
finds a device; the plain target loops then stay as peer rows, and without
it they are the limit and the note says why.  Beside the GPU rows, where CuPy is installed, CuPy's `.sum()` of the same
array (bench/pysum.py cupy_sum, NVIDIA's CUB underneath) runs in each round
too: a vendor library, not plain code, so it is a comparison, not a limit.  Each figure
keeps its best (minimum) time over all rounds; each reference is the best
of its plain variants (static and dynamic schedules), and a reference that
psum beats by more than 5 % is reported as no limit rather than as a
fraction.  Peak memory comes from psum_omp itself, through its JSON.

usage: bench/limits.py [--build DIR] [-n N] [--rounds R] [--repeat R]
                       [--stream-n N] [--cupy-python PATH] [--markdown FILE]
"""
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

from psumbench import runs, tables
from psumbench.psum import ENV as PSUM_ENV, binary as psum_binary, describe
from psumbench.files import one_line, write_atomic
from psumbench.args import Parser, count, count_type

MIB = 1 << 20


def psum_limits_bound(name):
    """psum_limits' own bound `name` (psum_limits --describe: n_max,
    repeat_max), for the build given: a value past it is refused here,
    before anything runs, not by psum_limits once the first round starts."""
    return lambda ns: describe(os.path.join(ns.build, "bench", "psum_limits"))[name]


def parse_args(argv):
    p = Parser(prog="bench/limits.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build", help="Meson build folder (default: build)")
    p.add_argument("-n", type=count_type(psum_limits_bound("n_max")), default=1_000_000_000,
                   help="elements, at most psum_limits' bound (psum_limits --describe; default 1e9)")
    p.add_argument("--rounds", type=count, default=3, help="alternating rounds (default 3)")
    p.add_argument("--repeat", type=count_type(psum_limits_bound("repeat_max")), default=5,
                   help="repetitions per run, at most psum_limits' bound (default 5)")
    p.add_argument("--stream-n", type=count, default=10**12,
                   help="N for the stream memory check (default 1e12)")
    p.add_argument("--cupy-python", default=sys.executable, metavar="PATH",
                   help="interpreter for CuPy's row beside the GPU rows (default: this one)")
    p.add_argument("--markdown", metavar="FILE", help="also write the table to this file")
    args = p.parse_args(argv)
    if args.markdown is not None:
        why = unwritable(args.markdown)
        if why:
            p.error(f"invalid value '{args.markdown}' for --markdown: {why}")
    return args


def unwritable(path):
    """Why a file cannot be written at path, checked before minutes of
    measuring rather than after; None when it can."""
    folder = os.path.dirname(os.path.abspath(path))
    if path == "" or path.endswith(os.sep) or os.path.isdir(path):
        return "not a file name"
    if not os.path.isdir(folder):
        return f"no folder {folder}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write in {folder}"
    return None


# What limits.py reads of each program's document: one without it is refused.
LIMITS_KEYS = ("threads", "fill_plain_s", "fill_psum_s")
OMP_KEYS = ("n", "sum", "verified", "peak_rss_bytes", "machine")


def run_json(cmd, required):
    """The JSON document cmd printed, holding the keys `required`: run as
    the sweep runs its children (bench/psumbench/runs.py: in a session of
    its own, its whole process group ended whatever ends the wait), with
    OMP_PROC_BIND=close unless set.  KeyboardInterrupt when the child got
    the Ctrl-C; runs.RunFailed, with one line, when it failed, printed no
    such document, did not verify or, where it prints one, got a wrong
    sum; OSError when it cannot start."""
    env = dict(os.environ)
    env.setdefault("OMP_PROC_BIND", "close")
    rc, out, err = runs.run_child(cmd, env)
    if rc in (130, -signal.SIGINT):
        raise KeyboardInterrupt
    if rc != 0:
        said = "; ".join(ln.strip() for ln in err.splitlines() if ln.strip())
        raise runs.RunFailed(f"{' '.join(cmd)} exited {rc}: {one_line(said) or 'no message'}")
    doc = runs.json_doc(cmd, out, required)
    if doc.get("verified") is False:
        raise runs.RunFailed(f"{' '.join(cmd)} did not verify")
    if "sum" in doc:
        runs.check_sum(" ".join(cmd), doc["n"], doc["sum"])
    return doc


# Each reference and its plain variants, by the names psum_limits gives
# them.  A limit is the best that plain code reaches, so a reference's time
# is the minimum over its variants.
# The read references also come in the variants a performance engineer
# tries first when one loop does not fill the memory system (four lines in
# flight per thread, software prefetch, two streams per thread); the
# generator's widths and accumulators are psum_limits' trial (its
# "generator_trials_s"), the fastest being the generator every row uses.
READ_VARIANTS = {"static": "read_static", "dynamic": "read_dynamic",
                 "four lines": "read_unroll", "prefetch": "read_prefetch",
                 "two streams": "read_streams", "two streams, dynamic": "read_streams_dynamic"}
REFERENCES = {
    "read_1": {v: k + "_1" for v, k in READ_VARIANTS.items()},
    "read_all": {v: k + "_all" for v, k in READ_VARIANTS.items()},
    "gen_1": {"static": "gen_static_1", "dynamic": "gen_dynamic_1"},
    "gen_all": {"static": "gen_static_all", "dynamic": "gen_dynamic_all"},
}
PSUM_KEYS = ("psum_serial", "psum_dynamic", "psum_static", "psum_stream_serial",
             "psum_stream_dynamic")
KERNEL_KEYS = PSUM_KEYS + tuple(k for v in REFERENCES.values() for k in v.values())

# The GPU figures, present only when psum_limits ran them: (psum's kernel,
# its plain reference).
GPU_KEYS = {"read": ("gpu_read_psum", "gpu_read_ref"), "gen": ("gpu_gen_psum", "gpu_gen_ref")}
GPU_SKIPPED = "no offload device: GPU rows skipped"
CUB_TEXT = "CUB DeviceReduce::Sum"
PLAIN_TEXT = "plain target loop"
CUPY_AIM = 0.90  # the aim for psum's device sum against CuPy's
GENERATOR = {"avx512f": "AVX-512, eight lanes", "avx2": "AVX2, four lanes",
             "generic": "GCC generic vectors of two lanes, not tuned for this CPU: not x86"}
ACCUMULATORS = {"1": "one accumulator", "2": "two accumulators", "4": "four accumulators",
                "8": "eight accumulators"}


def generator_name(isa):
    """"avx512f/8" (psum_limits' name: width, then accumulators) in words;
    "generic" has four."""
    width, _, acc = isa.partition("/")
    return f"{GENERATOR[width]}, {ACCUMULATORS[acc or '4']}"


def generator_text(machine):
    """The generator psum_limits used, and why: the fastest in its trials of
    every width this CPU runs and 1, 2, 4 and 8 accumulators."""
    isa = machine.get("generator_isa", "avx512f/4")
    trials = machine.get("generator_trials_s") or {}
    if len(trials) < 2:
        return generator_name(isa) + (": no AVX-512 here" if isa.startswith("avx2") else "")
    tried = ", ".join(f"{k} {v * 1e3:.2f} ms" for k, v in trials.items())
    return (f"{generator_name(isa)}: the fastest of {len(trials)} tried on one core over "
            f"2^28 values (width/accumulators: {tried})")

# The one-thread kernels of each kind, whose fastest gives the ideal.
SINGLE = {
    "read": tuple(REFERENCES["read_1"].values()) + ("psum_serial",),
    "gen": ("gen_static_1", "gen_dynamic_1", "psum_stream_serial"),
}

# psum faster than its reference by more than this: the reference is no limit.
BEATEN = 1.05
BEATEN_TEXT = "reference beaten: not a limit"


def add_best(best, name, seconds, seen=None):
    """Keeps in best[name] the minimum of the times seen for it, and in
    seen[name], when given, every round's time."""
    best[name] = min(seconds, best.get(name, float("inf")))
    if seen is not None:
        seen.setdefault(name, []).append(seconds)


def spread(seen):
    """Each figure's own round-to-round spread, slowest round over fastest
    minus one (0.038 for 3.8 %), from seen: name -> the rounds' times.  A
    figure seen in fewer than two rounds has no spread to tell."""
    return {k: max(v) / min(v) - 1 for k, v in seen.items() if len(v) > 1}


def kernel_time(ref, key, program="psum_limits"):
    """The best time `program` (psum_limits, psum_cub) reports for kernel
    `key`, in seconds; runs.RunFailed when that kernel did not verify or is
    not there."""
    try:
        verified, seconds = ref[key]["verified"], float(ref[key]["min_s"])
    except (KeyError, TypeError, ValueError):
        raise runs.RunFailed(f"{program} printed no usable '{key}'") from None
    if verified is not True:
        raise runs.RunFailed(f"{program}: {key} did not verify")
    return seconds


def stream_kernel_lanes(ref):
    """The width psum's stream kernel ran at in one psum_limits round; None
    from a psum_limits that does not say."""
    kernel = ref.get("psum_stream_kernel")
    return kernel.get("lanes") if isinstance(kernel, dict) else None


def stream_kernel_text(machine):
    """psum's stream kernel width in the rounds, as its trial chose it."""
    lanes = [x for x in machine.get("psum_stream_lanes", []) if x is not None]
    widths = machine.get("psum_stream_widths") or []
    if not lanes:
        return ""
    if len(widths) < 2:
        return f"  psum's stream kernel: {lanes[0]} lanes, this build's only width."
    counts = ", ".join(f"{w} lanes in {lanes.count(w)}" for w in widths)
    return (f"  psum's stream kernel times its widths at start and takes the faster, as "
            f"psum_omp does: {counts} of {len(lanes)} rounds.")


def fill_time(ref, key):
    """psum_limits' fill time `key` in seconds; runs.RunFailed if it is no number."""
    try:
        return float(ref[key])
    except (TypeError, ValueError):
        raise runs.RunFailed(f"psum_limits printed no usable '{key}'") from None


def measure(args):
    """Every round's figures, and psum_omp's own peak memory: (best times,
    their spreads, peak RSS, threads, machine record, GPU record).
    runs.RunFailed, OSError or KeyboardInterrupt as run_json raises them."""
    limits = os.path.join(args.build, "bench", "psum_limits")
    psum = os.path.join(args.build, "src", "psum_omp")
    for binary in (limits, psum):
        if not os.access(binary, os.X_OK):
            raise runs.RunFailed(f"no {binary}: build first (meson compile -C {args.build})")
    best, seen, cupy_skipped, stream_lanes = {}, {}, None, []
    cub, cub_skipped = None, None
    for r in range(args.rounds):
        print(f"limits.py: round {r + 1} of {args.rounds}", file=sys.stderr, flush=True)
        ref = run_json([limits, str(args.n), str(args.repeat)], LIMITS_KEYS)
        gpu_keys = [k for pair in GPU_KEYS.values() for k in pair] if "gpu" in ref else []
        stream_lanes.append(stream_kernel_lanes(ref))
        for key in KERNEL_KEYS + tuple(gpu_keys):
            add_best(best, key, kernel_time(ref, key), seen)
        for name in ("fill_plain", "fill_psum"):
            add_best(best, name, fill_time(ref, name + "_s"), seen)
        if cub_skipped is None:
            # Every round, GPU or not: without one the note says why CUB did not run.
            cub, cub_skipped = cub_sum(args)
            for key, (name, field) in CUB_FIGURES.items():
                if cub is not None:
                    add_best(best, key, float(cub[name][field]), seen)
        if "gpu" in ref and cupy_skipped is None:
            seconds, cupy_skipped = cupy_sum(args)
            if seconds is not None:
                add_best(best, "gpu_read_cupy", seconds)
    print("limits.py: psum_omp's own peak memory", file=sys.stderr, flush=True)
    mat = run_json([psum, "--format", "json", "-n", str(args.n), "--repeat", "1",
                    "--no-serial"], OMP_KEYS)
    big = run_json([psum, "--format", "json", "--mode", "stream", "-n", str(args.stream_n),
                    "--repeat", "1", "--no-serial"], OMP_KEYS)
    rss = {"materialize": mat["peak_rss_bytes"], "stream": big["peak_rss_bytes"]}
    gpu = ref.get("gpu") or {"skipped": ref.get("gpu_skipped", "psum_limits did not say")}
    if "skipped" not in gpu and cupy_skipped is not None:
        gpu = dict(gpu, cupy_skipped=cupy_skipped)
    if cub_skipped is None:
        gpu = dict(gpu, cub=dict(cub["device"], read_event_s=best["gpu_read_cub_event"],
                                 gen_event_s=best["gpu_gen_cub_event"]))
    else:
        gpu = dict(gpu, cub_skipped=cub_skipped)
    machine = dict(mat["machine"], generator_isa=ref.get("generator_isa", "avx512f"),
                   generator_trials_s=ref.get("generator_trials_s") or {},
                   psum_stream_lanes=stream_lanes,
                   psum_stream_widths=(ref.get("psum_stream_kernel") or {}).get("widths", []))
    return best, spread(seen), rss, ref["threads"], machine, gpu


# psum_cub's exit status when the CUDA runtime finds no usable device (bench/cub.c).
CUB_NO_DEVICE = 3
CUB_KEYS = ("n", "device", "cub_read", "cub_gen")
# limits.py's names for CUB's figures: its two reductions by wall clock, and by CUDA events.
CUB_FIGURES = {"gpu_read_cub": ("cub_read", "min_s"), "gpu_gen_cub": ("cub_gen", "min_s"),
               "gpu_read_cub_event": ("cub_read", "event_min_s"),
               "gpu_gen_cub_event": ("cub_gen", "event_min_s")}


def cub_sum(args):
    """(psum_cub's document, None), or (None, why) where psum_cub was not
    built or finds no CUDA device (its exit 3 and one line).  Run as
    run_json runs psum_limits; runs.RunFailed when it fails otherwise or a
    sum is wrong, KeyboardInterrupt when it got the Ctrl-C."""
    binary = os.path.join(args.build, "bench", "psum_cub")
    if not os.access(binary, os.X_OK):
        return None, (f"not built (no {binary}: Meson's cub_reference feature builds it "
                      "where nvcc is found)")
    cmd = [binary, str(args.n), str(args.repeat)]
    rc, out, err = runs.run_child(cmd, dict(os.environ))
    if rc in (130, -signal.SIGINT):
        raise KeyboardInterrupt
    lines = [ln.strip() for ln in err.splitlines() if ln.strip()]
    if rc == CUB_NO_DEVICE:
        return None, (lines[-1].removeprefix("psum_cub: ") if lines else "no CUDA device")
    if rc != 0:
        raise runs.RunFailed(f"{' '.join(cmd)} exited {rc}: "
                             f"{lines[-1] if lines else 'no message'}")
    doc = runs.json_doc(cmd, out, CUB_KEYS)
    for name in ("cub_read", "cub_gen"):
        kernel_time(doc, name, "psum_cub")
        runs.check_sum(f"{' '.join(cmd)}: {name}", doc["n"], doc[name].get("sum", -1))
    return doc, None


def cupy_sum(args):
    """(best time, None) of CuPy's `.sum()` of a device array of N int64,
    or (None, why) where CuPy is missing (pysum.py exit 3) or fails; a
    wrong sum raises runs.RunFailed.  Run as the sweep runs its optional rows."""
    job = runs.PythonJob("cupy_sum", "cupy_sum", args.n, args.repeat, optional=True)
    try:
        doc = job.call(args.cupy_python, os.path.join(HERE, "pysum.py"),
                       dict(os.environ, **{PSUM_ENV: os.path.abspath(psum_binary(args.build))}),
                       timeout=300)
    except OSError as e:
        return None, f"{args.cupy_python}: {e.strerror}"
    except subprocess.TimeoutExpired:
        return None, "CuPy's row took over 300 s"
    except runs.RunFailed as e:
        raise runs.RunFailed(f"CuPy's sum: {e}") from None
    if not doc["available"]:
        why = doc["why"]
        return None, f"CuPy's row {why}" if why.startswith("failed") else why
    return doc["min_s"], None


def best_variant(best, ref):
    """The fastest variant of reference `ref`: (variant name, seconds)."""
    return min(((v, best[k]) for v, k in REFERENCES[ref].items()), key=lambda vt: vt[1])


def verdict(frac, target):
    """How a speed row reads psum's fraction of its plain reference (the
    reference's time over psum's): (fraction shown, status).  More than
    BEATEN: the reference is no limit, and no fraction is shown."""
    if frac > BEATEN:
        return BEATEN_TEXT, "reference beaten"
    return f"{frac:.1%}", "ok" if frac >= target else "MISSED"


def rows(best, n, threads, stream_n, rss, noise=None):
    """
    The table's rows from the best time of every kernel (best: name ->
    seconds, as psum_limits names them, plus fill_plain and fill_psum),
    the thread count of the all-CPU runs, psum_omp's peak RSS in bytes and,
    optionally, each figure's round-to-round spread (spread()'s dict).
    Pure: no measuring, no printing.  Each row is (figure, psum_omp,
    reference, ideal, fraction, target, status).  A ratio row that misses
    its target by less than its reference's own spread reads "within
    noise (x %)" instead of "MISSED": the two sides are alike, and the
    rounds cannot tell them apart.  That verdict is made here and nowhere
    else, and is the limits table's own: not psum_omp's per-run `noisy`
    flag, which limits.py does not read.
    """
    noise = noise or {}
    gbs = lambda t: n * 8 / t / 1e9
    gel = lambda t: n / t / 1e9
    out = []

    def speed(what, unit, kind, mine, ref, team, target):
        variant, ref_s = best_variant(best, ref)
        single = max(unit(best[k]) for k in SINGLE[kind])
        shown, status = verdict(ref_s / best[mine], target)
        out.append((what, f"{unit(best[mine]):.2f}", f"{unit(ref_s):.2f} ({variant})",
                    f"{team * single:.2f} ({team} x {single:.2f})", shown, f">= {target:.0%}",
                    status))

    def ratio(what, mine, ref, limit, shown):
        r = best[mine] / best[ref]
        if r <= limit:
            status = "ok"
        elif r <= limit * (1 + noise.get(ref, 0)):
            status = f"within noise ({noise[ref]:.1%})"
        else:
            status = "MISSED"
        out.append((what, f"{best[mine]:.4f} s", f"{best[ref]:.4f} s", "", f"{r:.3f}", shown,
                    status))

    speed("materialized, 1 thread (serial kernel), GB/s", gbs, "read", "psum_serial",
          "read_1", 1, 0.95)
    speed(f"materialized, {threads} threads (dynamic, 100 chunks), GB/s", gbs, "read",
          "psum_dynamic", "read_all", threads, 0.95)
    speed("streamed, 1 thread (serial kernel), G elem/s", gel, "gen", "psum_stream_serial",
          "gen_1", 1, 0.95)
    speed(f"streamed, {threads} threads (dynamic, 100 chunks), G elem/s", gel, "gen",
          "psum_stream_dynamic", "gen_all", threads, 0.95)
    ratio("materialized time, dynamic / static (100 chunks)", "psum_dynamic", "psum_static",
          1.03, "<= 1.03")
    ratio(f"first-touch fill of {n * 8 / 1e9:.1f} GB, {threads} threads", "fill_psum",
          "fill_plain", 1.0, "<= 1.00")
    limit = n * 8 + 64 * MIB
    out.append(("materialize peak RSS (psum_omp)", f"{rss['materialize'] / MIB:.0f} MiB",
                f"{limit / MIB:.0f} MiB", "", f"{rss['materialize'] / limit:.3f}", "<= 1",
                "ok" if rss["materialize"] <= limit else "MISSED"))
    out.append((f"stream peak RSS at N = {stream_n:.3g} (psum_omp)",
                f"{rss['stream'] / MIB:.1f} MiB", "16 MiB", "", f"{rss['stream'] / (16 * MIB):.3f}",
                "<= 1", "ok" if rss["stream"] <= 16 * MIB else "MISSED"))
    out += gpu_rows(best, n)
    return out


def gpu_rows(best, n):
    """
    The GPU rows, when best holds the GPU figures (psum_limits found a
    device); none otherwise.  The limit is CUB's reduction where best holds
    its figures (psum_cub ran), the plain target loop otherwise; with CUB,
    the plain loops follow as peer rows.  Same thresholds as the CPU rows;
    no ideal, since a GPU has no one-thread rate to multiply.
    """
    if GPU_KEYS["read"][0] not in best:
        return []
    out = []
    kinds = (("GPU, array filled on the device", "GB/s", "read", lambda t: n * 8 / t / 1e9,
              0.95),
             ("GPU, generated on the device", "G elem/s", "gen", lambda t: n / t / 1e9, 0.95))
    cub = all(f"gpu_{kind}_cub" in best for _, _, kind, _, _ in kinds)
    refs = [("", "_cub", CUB_TEXT)] if cub else [("", None, PLAIN_TEXT)]
    if cub:
        refs.append((", against the plain target loop", None, PLAIN_TEXT))
    for against, suffix, text in refs:
        for what, units, kind, unit, target in kinds:
            mine, plain = (best[k] for k in GPU_KEYS[kind])
            ref = best[f"gpu_{kind}{suffix}"] if suffix else plain
            shown, status = verdict(ref / mine, target)
            out.append((f"{what}{against}, {units}", f"{unit(mine):.2f}",
                        f"{unit(ref):.2f} ({text})", "", shown, f">= {target:.0%}", status))
    if "gpu_read_cupy" in best:
        # A vendor's library, not plain code: psum may beat it, and that is
        # no verdict on a limit.
        mine, cupy = best[GPU_KEYS["read"][0]], best["gpu_read_cupy"]
        frac = cupy / mine
        out.append(("GPU, array on the device, against CuPy's sum, GB/s",
                    f"{n * 8 / mine / 1e9:.2f}", f"{n * 8 / cupy / 1e9:.2f} (CuPy .sum())", "",
                    f"{frac:.1%}", f">= {CUPY_AIM:.0%}", "ok" if frac >= CUPY_AIM else "MISSED"))
    return out


def cub_note(gpu, rows=True):
    """What the GPU limit is: CUB's reduction (its versions and its times by
    CUDA events), or the plain target loop and why CUB did not run.  rows:
    whether there are GPU rows for CUB to be the limit of."""
    if gpu.get("cub_skipped"):
        return f"  CUB's reference did not run: {gpu['cub_skipped']}."
    cub = gpu.get("cub")
    if not cub:
        return ""
    if not rows:
        return (f"  CUB's reference ran ({cub['read_event_s'] * 1e3:.3f} ms over the array by "
                "CUDA events), but psum has no GPU rows to set beside it.")
    version = lambda v: f"{v // 1000}.{v % 1000 // 10}"
    cub_version = cub["cub_version"]
    return (f"  The GPU limit is NVIDIA's CUB {cub_version // 100000}.{cub_version // 100 % 1000}"
            f".{cub_version % 100} (`cub::DeviceReduce::Sum` over the same N: the array "
            f"filled on the device, and i ^ k through a counting iterator; CUDA runtime "
            f"{version(cub['runtime_version'])} linked statically, driver for CUDA "
            f"{version(cub['driver_version'])}, {cub['name']}), timed as psum's sums are, "
            f"from the launch to the sum on the host; by CUDA events around the reduction "
            f"alone its best was {cub['read_event_s'] * 1e3:.3f} ms over the array and "
            f"{cub['gen_event_s'] * 1e3:.3f} ms generated.")


def gpu_note(gpu):
    """One line on the GPU rows: the device and its warm-up, the limit (CUB
    or the plain loop, and why), or why there are no GPU rows."""
    if gpu is None or "skipped" in gpu:
        why = (gpu or {}).get("skipped", "")
        reason = why.split(": ", 1)[1] if why.startswith("no offload device: ") else why
        return (GPU_SKIPPED + (f" ({reason})." if reason else ".")
                + cub_note(gpu or {}, rows=False))
    return (f"GPU: {gpu['name']} (device {gpu['device']} of {gpu['devices']}); warm-up "
            f"{gpu['warmup_s']:.2f} s (program load and PTX compilation, counted in no row); "
            f"psum's kernels ran {tables.gpu_workers(gpu['read'])}.  References: `target teams distribute parallel for simd "
            f"reduction(+:s)` over the device array, and generating i ^ k with k a runtime "
            f"zero, as psum does, so that no compiler folds the loop."
            + cub_note(gpu)
            + (f"  CuPy's row skipped: {gpu['cupy_skipped']}." if gpu.get("cupy_skipped")
               else ""))


def markdown(table, machine, n, rounds, repeat, gpu=None):
    head = ("figure", "psum_omp", "best reference (variant)", "ideal", "fraction", "target", "")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in table]
    lines.append("")
    lines.append(f"N = {n}, best of {rounds} rounds x {repeat} repetitions; "
                 f"{machine['cpu_model']}, {machine['logical_cpus']} logical CPUs, "
                 f"{machine['compiler']}, THP {machine['huge_pages']}, "
                 f"OMP_PROC_BIND={machine['omp_proc_bind']}.")
    lines.append("")
    lines.append("Each reference is the fastest of its plain variants, named beside it: "
                 "read, static = `parallel for schedule(static) reduction(+)` over the "
                 "elements, dynamic = the same loop with `schedule(dynamic, 262144)` "
                 "(2 MiB blocks), four lines = a static split read one cache line per "
                 "accumulator, four at a time, prefetch = the static loop with "
                 "`__builtin_prefetch` 16 KiB ahead, two streams = each thread's part "
                 "read as two halves side by side, two streams, dynamic = the same over "
                 "the 2 MiB blocks handed out by `schedule(dynamic)`; "
                 f"generator ({generator_text(machine)}), "
                 "static = one range per thread, dynamic = 2^20-element ranges handed out "
                 "by `schedule(dynamic)`.  Ideal = threads x the best one-thread rate of "
                 "any kernel of that kind.  psum_omp more than "
                 f"{BEATEN - 1:.0%} above its best reference prints "
                 f"\"{BEATEN_TEXT}\": that reference is no limit.  A ratio "
                 "that misses its target by less than its reference's own spread "
                 "between rounds (slowest round over fastest) reads \"within noise "
                 "(spread)\": those rounds cannot tell psum from the reference."
                 + stream_kernel_text(machine))
    lines.append("")
    lines.append(gpu_note(gpu))
    return "\n".join(lines) + "\n"


def main(argv):
    args = parse_args(argv)
    # SIGTERM, SIGHUP and SIGQUIT end a run as Ctrl-C does: through
    # run_child's clean-up.
    runs.exit_on_ending_signals()
    try:
        return run(args)
    except KeyboardInterrupt:
        print("limits.py: interrupted", file=sys.stderr)
        return 130
    except SystemExit as e:
        if e.code not in runs.SIGNAL_EXITS:
            raise
        print(f"limits.py: stopped by {runs.SIGNAL_EXITS[e.code]}", file=sys.stderr)
        return e.code


def run(args):
    """Measures, prints the table and writes --markdown; returns the exit
    code.  Ctrl-C and SIGTERM leave it as KeyboardInterrupt and
    SystemExit(143), for main to name; --markdown then holds its old
    content or none (write_atomic)."""
    try:
        best, noise, rss, threads, machine, gpu = measure(args)
    except runs.RunFailed as e:
        print(f"limits.py: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"limits.py: cannot run {e.filename or 'a child'}: {e.strerror or e}",
              file=sys.stderr)
        return 1
    try:
        text = markdown(rows(best, args.n, threads, args.stream_n, rss, noise), machine,
                        args.n, args.rounds, args.repeat, gpu)
    except (KeyError, TypeError, ValueError) as e:
        # A document that passed run_json's checks yet lacks a field the
        # table reads (psum_omp's machine record names the CPU, compiler...).
        print(f"limits.py: the measurements cannot be tabulated ({type(e).__name__}: {e})",
              file=sys.stderr)
        return 1
    print(text, end="", flush=True)
    if args.markdown:
        try:
            write_atomic(args.markdown, text)
        except OSError as e:
            print(f"limits.py: cannot write '{args.markdown}': {e.strerror or e}",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
