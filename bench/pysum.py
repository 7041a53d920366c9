#!/usr/bin/env python3
"""The Python side of the contrast: sum 0, 1, ..., N-1 the ways Python
programmers do, each sum checked against N(N-1)/2.

  list          the article's serial program: build list(range(N)), then
                sum() it; each repetition times the build and the sum apart
                (the article's timer covers only the sum)
  range         sum(range(N)): no list at all
  threads       ThreadPoolExecutor: CHUNKS tasks on WORKERS threads, each
                building and summing its chunk's list (the GIL serializes them)
  processes     ProcessPoolExecutor, the article's split: CHUNKS tasks on
                WORKERS processes, each building and summing its chunk's list
  numpy_arange  numpy.arange(N).sum()
  numpy_sum     .sum() of an int64 numpy array built beforehand (untimed)
  numba         a numba @njit(parallel=True) prange reduction over that
                array: threads without the GIL (compiled before timing)
  cupy_arange   cupy.arange(N).sum() on the GPU, timed whole (the values
                made on the device, summed, the total copied back)
  cupy_sum      .sum() of an int64 CuPy array built on the GPU beforehand
                (untimed): CuPy's reduction (CUB), the vendor's answer

The CuPy rows run only where CuPy is installed and sees a GPU (it is no
Debian package: bench/README.md says why it is used where it is found);
their timer waits for the device, and the total is copied back as a
Python int, as a user of the sum needs it.

threads, processes and numpy_arange are timed whole (pool start included).
The numpy and numba sums run in blocks whose totals fit in int64, so they
stay exact past 2^63.  numba reads the array, never range(N): it folds a
prange over range(N) into the closed form, which measures nothing.

N is either fixed (--n) or chosen (--budget): the program then times the
row at N = 10^3, 10^4, ... (at least three sizes; each twice, the faster
kept, where the second timing fits the calibration's share) while the
next one, predicted from the fit so far, keeps the calibration within a
quarter of the budget (half while the sizes timed show no growth); fits
time = a + b*N to them (psumbench/cost.py: a is the fixed part, a pool's
start-up), and settles on the largest N of the form 1, 2 or 5 x 10^k whose
repetitions fit what is left of the budget and memory.  The note says when
the fixed part is not under 10 % of a repetition there.  The pools also
time their start-up alone (the same pool, empty tasks) beside each
repetition.  Every reported time is measured at the N it names; the fit
only chooses N.

Prints one JSON object.  Exit 0 verified, 1 not verified, 2 usage error,
3 implementation unavailable (its JSON says why and how to enable it).

usage: pysum.py IMPL (--n N | --budget SECONDS [--max-n N]) [--repeat R]
                [--chunks C] [--workers W] [--calibrate-only]
"""
import concurrent.futures
import json
import math
import multiprocessing
import os
import signal
import statistics
import sys
import time

from psumbench import cost
from psumbench.args import Parser, count_type, seconds
from psumbench.machine import meminfo_bytes

IMPLS = ("list", "range", "threads", "processes", "numpy_arange", "numpy_sum", "numba",
         "cupy_arange", "cupy_sum")
LIST_BYTES_PER_ELEMENT = 40    # an 8-byte pointer and a 28- or 32-byte int object
PROCESS_OVERHEAD = 40 << 20    # one worker interpreter
FIRST_N = 10**3                # where a budgeted calibration starts
CALIBRATION_SHARE = 0.25       # of the budget, at most, for the calibration's sizes
FLAT_SHARE = 0.5               # the same while the sizes timed show no growth (grown)
MEMORY_SHARE = 0.8             # of MemAvailable, at most, for one row
INT64_MAX = 2**63 - 1


class Unavailable(Exception):
    """The implementation cannot run with this interpreter."""


# ---- the implementations: each run_once(n) returns (sum, timed parts) ----

def chunk_sum(lo, hi):
    return sum(list(range(lo, hi)))


def bounds(n, chunks):
    """The chunks' [lo, hi): at most n of them, so none is empty."""
    chunks = min(chunks, n)
    return [(k * n // chunks, (k + 1) * n // chunks) for k in range(chunks)]


def exact_block_length(n):
    """Elements in a block whose sum provably fits in int64: every value is
    below n, so a block of INT64_MAX // n elements cannot overflow."""
    return max(1, INT64_MAX // max(n, 1))


def exact_blocks(n):
    """[lo, hi) blocks of 0..n-1 whose sums fit in int64, in order."""
    step = exact_block_length(n)
    for lo in range(0, n, step):
        yield lo, min(n, lo + step)


class ListSum:
    """The article's serial program."""
    timed = "sum() of a built list (the build timed apart)"

    def __init__(self, args):
        pass

    def bytes(self, n):
        return n * LIST_BYTES_PER_ELEMENT

    def run_once(self, n):
        t0 = time.perf_counter()
        data = list(range(n))
        t1 = time.perf_counter()
        total = sum(data)
        t2 = time.perf_counter()
        del data
        return total, {"seconds": t2 - t1, "build_s": t1 - t0}


class RangeSum:
    timed = "sum(range(N)), no list"

    def __init__(self, args):
        pass

    def bytes(self, n):
        return 0

    def run_once(self, n):
        t0 = time.perf_counter()
        total = sum(range(n))
        return total, {"seconds": time.perf_counter() - t0}


class PoolSum:
    """ThreadPoolExecutor or ProcessPoolExecutor, the article's split."""
    timed = "whole: pool start, every chunk's list built and summed"

    def __init__(self, args, executor_class, per_worker_bytes):
        self.executor_class, self.per_worker_bytes = executor_class, per_worker_bytes
        self.chunks, self.workers = args.chunks, args.workers

    def bytes(self, n):
        chunks = min(self.chunks, n)
        alive = min(self.workers, chunks) * -(-n // chunks)
        return alive * LIST_BYTES_PER_ELEMENT + min(self.workers, chunks) * self.per_worker_bytes

    def run_once(self, n):
        t0 = time.perf_counter()
        # More workers than chunks would only start idle interpreters.
        with self.executor_class(max_workers=min(self.workers, self.chunks, n)) as pool:
            parts = [pool.submit(chunk_sum, lo, hi) for lo, hi in bounds(n, self.chunks)]
            total = sum(p.result() for p in parts)
        return total, {"seconds": time.perf_counter() - t0}

    def startup_once(self, n):
        """The fixed part measured apart: the pool run_once(n) starts, one
        empty task per worker, shut down."""
        workers = min(self.workers, self.chunks, n)
        t0 = time.perf_counter()
        with self.executor_class(max_workers=workers) as pool:
            for task in [pool.submit(chunk_sum, 0, 0) for _ in range(workers)]:
                task.result()
        return time.perf_counter() - t0


def import_numpy():
    try:
        import numpy
    except ImportError as e:
        raise Unavailable(f"numpy is not importable by {sys.executable} ({e})") from None
    return numpy


class ArrayRow:
    """A row over an array module, `xp`: numpy here, CuPy on the GPU (same
    calls), so both are measured by one procedure."""

    def settle(self):
        """Waits, before a timer starts, for work still running behind the
        host's back: none with numpy."""


class NumpyArange(ArrayRow):
    timed = "whole: numpy.arange(N) built and summed"

    def __init__(self, args):
        self.xp = import_numpy()

    def bytes(self, n):
        return 8 * min(n, exact_block_length(n))

    def run_once(self, n):
        xp = self.xp
        self.settle()
        t0 = time.perf_counter()
        total = 0
        for lo, hi in exact_blocks(n):
            total += int(xp.arange(lo, hi, dtype=xp.int64).sum())
        return total, {"seconds": time.perf_counter() - t0}


class ArraySum(ArrayRow):
    """A kernel over an int64 array built beforehand, untimed."""

    def __init__(self, args):
        self.xp = import_numpy()
        self.array = None

    def bytes(self, n):
        return 8 * n

    def kernel(self, array, lo, hi):
        raise NotImplementedError

    def drop_array(self):
        self.array = None

    def run_once(self, n):
        if self.array is None or len(self.array) != n:
            self.drop_array()
            self.array = self.xp.arange(n, dtype=self.xp.int64)
        self.settle()
        t0 = time.perf_counter()
        total = 0
        for lo, hi in exact_blocks(n):
            total += int(self.kernel(self.array, lo, hi))
        return total, {"seconds": time.perf_counter() - t0}


class NumpySum(ArraySum):
    timed = ".sum() of a built int64 array (build untimed)"

    def kernel(self, array, lo, hi):
        return array[lo:hi].sum()


class NumbaSum(ArraySum):
    timed = "numba prange reduction over a built int64 array (build and compile untimed)"

    def __init__(self, args):
        super().__init__(args)
        try:
            import numba
        except ImportError as e:
            raise Unavailable(f"numba is not importable by {sys.executable} ({e})") from None
        self.numba = numba

        # Over a whole array (a slice view per block): numba vectorizes a
        # prange(a.shape[0]) loop, and ran a prange(lo, hi) one 4-5x slower.
        @numba.njit(parallel=True)
        def prange_sum(a):
            s = 0
            for i in numba.prange(a.shape[0]):
                s += a[i]
            return s

        t0 = time.perf_counter()
        probe = self.xp.arange(1000, dtype=self.xp.int64)
        probe[7] = 0
        # A kernel that did not read the array (folded into a formula) would
        # miss the hole at 7.
        if prange_sum(probe) != 499500 - 7:
            raise RuntimeError("the numba kernel did not read the array")
        self.compile_s = time.perf_counter() - t0
        self.prange_sum = prange_sum

    def kernel(self, array, lo, hi):
        return self.prange_sum(array[lo:hi])

    def extra(self):
        return {"numba": self.numba.__version__, "compile_s": self.compile_s,
                "threads": self.numba.get_num_threads(),
                "threading_layer": self.numba.threading_layer()}


def import_cupy():
    """CuPy, once it has shown that it sees a GPU; Unavailable otherwise."""
    try:
        import cupy
    except ImportError as e:
        raise Unavailable(f"CuPy is not importable by {sys.executable} ({e})") from None
    try:
        devices = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # CuPy raises its own CUDARuntimeError without a driver
        raise Unavailable(f"CuPy finds no GPU ({type(e).__name__}: {e})") from None
    if devices < 1:
        raise Unavailable("CuPy finds no GPU (0 devices)")
    return cupy


class CupyRow:
    """What the GPU rows change in the numpy rows they reuse (blocks as
    numpy's, so they stay exact past 2^63): the array module is CuPy, the
    timer starts once the device is idle, and each block's sum, turned into
    a Python int, waits for the device."""

    def __init__(self, args):
        self.xp = import_cupy()
        self.array = None
        t0 = time.perf_counter()
        try:
            probe = self.xp.arange(1000, dtype=self.xp.int64)
            probe[7] = 0
            total = int(probe.sum())
        except Exception as e:  # CuPy's CompileException is no RuntimeError
            raise RuntimeError(f"CuPy's first kernels failed: {type(e).__name__}: {e}") from None
        # The first call loads CuPy's kernels: a warm-up, never timed.  A
        # reduction that did not read the array would miss the hole at 7.
        if total != 499500 - 7:
            raise RuntimeError("CuPy's sum did not read the array")
        self.warmup_s = time.perf_counter() - t0

    def bytes(self, n):
        return 0  # host memory: the arrays live on the device

    def device_bytes(self, n):
        raise NotImplementedError

    def device_fits(self, n):
        free, _ = self.xp.cuda.runtime.memGetInfo()
        return self.device_bytes(n) <= free * MEMORY_SHARE

    def settle(self):
        self.xp.cuda.Device().synchronize()

    def drop_array(self):
        self.array = None
        self.xp.get_default_memory_pool().free_all_blocks()

    def extra(self):
        props = self.xp.cuda.runtime.getDeviceProperties(self.xp.cuda.Device().id)
        name = props["name"]
        return {"cupy": self.xp.__version__, "warmup_s": self.warmup_s,
                "device": name.decode() if isinstance(name, bytes) else str(name)}


def device_errors(run_once):
    """run_once, with CuPy's own errors (out of memory, a CUDA or NVRTC
    failure) turned into RuntimeError: one line and exit 1, not a
    traceback."""
    def guarded(self, n):
        try:
            return run_once(self, n)
        except Exception as e:  # run_once raises nothing of pysum's own
            raise RuntimeError(f"at N = {n:,}: {type(e).__name__}: {e}") from None
    return guarded


class CupyArange(CupyRow, NumpyArange):
    timed = "whole: cupy.arange(N) made on the GPU and summed"
    run_once = device_errors(NumpyArange.run_once)

    def device_bytes(self, n):
        return 8 * min(n, exact_block_length(n))


class CupySum(CupyRow, NumpySum):
    timed = ".sum() of an int64 CuPy array on the GPU (made untimed)"
    run_once = device_errors(ArraySum.run_once)

    def device_bytes(self, n):
        return 8 * n


def make(impl, args):
    if impl == "list":
        return ListSum(args)
    if impl == "range":
        return RangeSum(args)
    if impl == "threads":
        return PoolSum(args, concurrent.futures.ThreadPoolExecutor, 0)
    if impl == "processes":
        return PoolSum(args, concurrent.futures.ProcessPoolExecutor, PROCESS_OVERHEAD)
    if impl == "numpy_arange":
        return NumpyArange(args)
    if impl == "numpy_sum":
        return NumpySum(args)
    if impl == "cupy_arange":
        return CupyArange(args)
    if impl == "cupy_sum":
        return CupySum(args)
    return NumbaSum(args)


# ---- choosing N and repeating ----

def nice_sizes(lo, hi):
    """1, 2 and 5 x 10^k in [lo, hi], ascending."""
    out = []
    for k in range(int(math.log10(max(lo, 1))), int(math.log10(max(hi, 1))) + 1):
        out += [m * 10**k for m in (1, 2, 5) if lo <= m * 10**k <= hi]
    return out


def run_checked(impl, n):
    """One run; its timed parts, with the verified sum under "sum"."""
    total, parts = impl.run_once(n)
    expected = n * (n - 1) // 2
    if total != expected:
        raise Mismatch(n, total, expected)
    return dict(parts, sum=total)


class TooBig(Exception):
    """The row does not fit in memory at this N."""

    def __init__(self, n):
        super().__init__(n)
        self.n = n


class Mismatch(Exception):
    def __init__(self, n, total, expected):
        super().__init__(f"N = {n}: sum {total}, expected {expected}")
        self.n, self.total, self.expected = n, total, expected


def whole(parts):
    return parts["seconds"] + parts.get("build_s", 0.0)


def calibration_sizes(max_n):
    """FIRST_N, 10 FIRST_N, ... up to max_n, and max_n; from max_n / 100 when
    max_n is small, so that there are cost.MIN_POINTS sizes when max_n >= 100."""
    n, sizes = max(1, min(FIRST_N, max_n // 100)), []
    while n <= max_n:
        sizes.append(n)
        n *= 10
    return sizes if sizes[-1] == max_n else sizes + [max_n]


def grown(points, model):
    """Whether the sizes timed show the elements: the fit has b > 0 and the
    largest size took at least twice the median time of them all.  On the
    loaded VM a 20-worker pool's start-up alone varied 0.14-0.43 s, which a
    fit over small sizes read as 1.35 µs per element."""
    median = statistics.median(p["seconds"] for p in points)
    return model.per_element_s > 0 and points[-1]["seconds"] >= 2 * median


def calibrate(impl, budget, max_n, fits):
    """Times the row at calibration_sizes(max_n), in order, while the next
    fits in memory and (past cost.MIN_POINTS sizes) its predicted time keeps
    the calibration within CALIBRATION_SHARE of the budget.  Returns
    (points, the cost.Fit of their times, seconds spent).  TooBig when the
    first size does not fit in memory."""
    points, model, spent = [], None, 0.0
    for n in calibration_sizes(max_n):
        if not fits(n):
            if not points:
                raise TooBig(n)
            break
        # Sizes that show no growth yet (a pool's start-up, or noise, hides
        # the elements) earn the calibration more of the budget: a b guessed
        # from them would choose N by the old per-element collapse.
        share = CALIBRATION_SHARE if model is None or grown(points, model) else FLAT_SHARE
        if len(points) >= cost.MIN_POINTS and spent + model.predict(n) > share * budget:
            break
        # Every size twice, within the hard cap: one slow timing (a pool's
        # workers forked while the machine was busy) kept alone would
        # stop the calibration and choose N from its fit.
        samples = [whole(run_checked(impl, n))]
        if spent + 2 * samples[0] <= FLAT_SHARE * budget:
            samples.append(whole(run_checked(impl, n)))
        spent += sum(samples)
        points.append({"n": n, "seconds": min(samples), "samples_s": samples})
        model = cost.fit([(p["n"], p["seconds"]) for p in points])
    return points, model, spent


def choose_n(impl, budget, max_n, repeat, fits):
    """Calibrates as the module says; returns (n, note, fields for the JSON).
    Raises TooBig when even the first size does not fit in memory."""
    points, model, spent = calibrate(impl, budget, max_n, fits)
    flat = model.per_element_s <= 0
    if flat:  # as if the largest size's time were all per element: errs to less N
        model = cost.Fit(model.fixed_s, points[-1]["seconds"] / points[-1]["n"])
    smallest = points[0]["n"]
    candidates = [m for m in sorted(set(nice_sizes(smallest, max_n) + [max_n])) if fits(m)]
    # A pool's start-up, timed apart beside each repetition, costs a again.
    overhead = model.fixed_s if hasattr(impl, "startup_once") else 0.0
    # A size that ran far past its prediction (the VM's first touch of
    # 8 GB) cannot leave the repetitions nothing: they keep half the budget.
    left = max(budget - spent, (1 - FLAT_SHARE) * budget)
    choice = cost.choose(model, candidates or [smallest], repeat, left, overhead)
    n = choice.n
    how = cost.describe_fit(model, points)
    if spent > FLAT_SHARE * budget:
        how += (f"; the calibration took {spent:.2g} s, past its share of the {budget:g} s "
                f"budget, so the repetitions were given {left:.2g} s")
    if not choice.fits_budget:
        note = (f"N = {n:,}, the smallest size: its {repeat} repetitions take longer than "
                f"the {left:.2g} s they were given of the {budget:g} s budget ({how})")
    elif n == max_n:
        note = "" if choice.share_ok else f"N = {n:,} as asked ({how})"
    else:
        note = (f"N = {n:,}, not the {max_n:,} asked: the largest whose {repeat} repetitions "
                f"fit the {left:.2g} s they were given of the {budget:g} s budget, and memory "
                f"({how})")
    if flat:
        note += ("; the time did not grow over the sizes timed: N chosen as if the largest "
                 "size's time were all per element")
    if not choice.share_ok:
        note += "; " + cost.share_text(model, n, repeat, budget, max_n)
    fields = {"calibration": points, "calibration_s": spent, "fixed_s": model.fixed_s,
              "per_element_s": model.per_element_s, "chosen_n": n,
              "fit_fixed_share": choice.fixed_share, "fixed_share_ok": choice.share_ok,
              "fit_flat": flat, "fits_budget": choice.fits_budget}
    return n, note, fields


def measure(impl, n, repeat):
    """The repetitions at n; a pool's start-up alone is timed before each."""
    startup = getattr(impl, "startup_once", None)
    samples, starts = [], []
    for _ in range(repeat):
        if startup:
            starts.append(startup(n))
        samples.append(run_checked(impl, n))
    doc = {"samples_s": [s["seconds"] for s in samples], "sum": str(samples[-1]["sum"])}
    if starts:
        doc["startup_samples_s"] = starts
    if "build_s" in samples[0]:
        doc["build_samples_s"] = [s["build_s"] for s in samples]
        doc["whole_samples_s"] = [whole(s) for s in samples]
    for key in ("samples_s", "build_samples_s", "whole_samples_s", "startup_samples_s"):
        if key in doc:
            prefix = key[:-len("samples_s")]
            doc[prefix + "median_s"] = statistics.median(doc[key])
            doc[prefix + "min_s"] = min(doc[key])
    return doc


def parse_args(argv):
    p = Parser(prog="bench/pysum.py", description="Sum 0..N-1 in Python, one way.")
    p.add_argument("impl", choices=IMPLS)
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--n", type=count_type("elements_max"), help="N, fixed")
    size.add_argument("--budget", type=seconds,
                      help="seconds for all repetitions: N is chosen to fit")
    p.add_argument("--max-n", type=count_type("elements_max"), default=10**9,
                   help="largest N with --budget (default 1e9)")
    p.add_argument("--repeat", type=count_type(1000), default=3,
                   help="timed repetitions (default 3)")
    p.add_argument("--chunks", type=count_type("chunks_max"), default=100)
    p.add_argument("--workers", type=count_type(4096), default=20)
    p.add_argument("--calibrate-only", action="store_true",
                   help="with --budget: print the N that would be chosen, run nothing more")
    args = p.parse_args(argv)
    if args.calibrate_only and args.budget is None:
        p.error("--calibrate-only needs --budget")
    return args


def end_on_signals():
    """SIGTERM, SIGHUP (the terminal closed) and SIGQUIT end pysum.py with
    its pool's workers (exit 128 + the signal): left alone they would run on
    with parent 1, for their parent's end closes nothing they wait on.
    Under the sweep, run_child ends the whole process group anyway."""
    def end(number, _):
        for child in multiprocessing.active_children():
            child.kill()
        # A worker forked but not yet among active_children (a signal
        # between the fork and its bookkeeping): every child the kernel
        # knows of, whichever thread forked it.
        try:
            tasks = os.listdir("/proc/self/task")
        except OSError:
            tasks = []
        for task in tasks:
            try:
                with open(f"/proc/self/task/{task}/children") as f:
                    pids = [int(pid) for pid in f.read().split()]
            except OSError:
                continue
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        os._exit(128 + number)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, end)


def main(argv):
    args = parse_args(argv)
    end_on_signals()
    doc = {"impl": args.impl, "python": sys.version.split()[0], "executable": sys.executable,
           "chunks": args.chunks, "workers": args.workers, "repeat": args.repeat}
    try:
        impl = make(args.impl, args)
    except RuntimeError as e:
        print(f"pysum.py: {args.impl}: {e}", file=sys.stderr)
        return 1
    except Unavailable as e:
        how = ("CuPy is no Debian package: these rows run where it is installed beside a "
               "GPU, or pass --python with an interpreter that has it"
               if args.impl.startswith("cupy") else
               "install python3-numpy and python3-numba (bench/run.sh does), or pass "
               "--python with an interpreter that has them")
        doc.update(available=False, why=str(e), how=how)
        print(json.dumps(doc))
        return 3
    doc["available"] = True
    doc["timed"] = impl.timed
    if "numpy" in sys.modules:
        doc["numpy"] = sys.modules["numpy"].__version__
    budget_mem = (meminfo_bytes("MemAvailable") or 0) * MEMORY_SHARE
    on_device = getattr(impl, "device_fits", lambda n: True)
    fits = (lambda n: impl.bytes(n) <= budget_mem and on_device(n)) if budget_mem else on_device
    try:
        if args.n is not None:
            if not fits(args.n):
                raise TooBig(args.n)
            n, note, fields = args.n, "", {"calibration": []}
        else:
            n, note, fields = choose_n(impl, args.budget, args.max_n, args.repeat, fits)
        doc.update(n=n, n_note=note, **fields)
        if not args.calibrate_only:
            doc.update(measure(impl, n, args.repeat))
    except TooBig as e:
        if hasattr(impl, "device_fits") and not impl.device_fits(e.n):
            print(f"pysum.py: {args.impl} at N = {e.n:,} needs about "
                  f"{impl.device_bytes(e.n) / 1e9:.3g} GB of GPU memory, more than "
                  f"{MEMORY_SHARE:.0%} of what is free there", file=sys.stderr)
        else:
            print(f"pysum.py: {args.impl} at N = {e.n:,} needs about "
                  f"{impl.bytes(e.n) / 1e9:.3g} GB, more than {MEMORY_SHARE:.0%} of the "
                  f"{budget_mem / MEMORY_SHARE / 1e9:.3g} GB available", file=sys.stderr)
        return 1
    except RuntimeError as e:
        print(f"pysum.py: {args.impl}: {e}", file=sys.stderr)
        return 1
    except Mismatch as e:
        doc.update(n=e.n, sum=str(e.total), expected=str(e.expected), verified=False)
        print(json.dumps(doc))
        print(f"pysum.py: {args.impl} did not verify: {e}", file=sys.stderr)
        return 1
    doc.update(expected=str(n * (n - 1) // 2), verified=True)
    if hasattr(impl, "extra"):
        doc.update(impl.extra())
    if args.impl == "processes":
        doc["cpus"] = len(os.sched_getaffinity(0))
    print(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
