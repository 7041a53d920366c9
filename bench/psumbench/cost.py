"""The cost model of a Python row, time = a + b·N, and the choice of N from it.

A row that starts something before it sums (a process pool's workers, a
thread pool) pays a fixed part a that no per-element cost describes: a
per-element cost measured at small N, where a is nearly all of the time, and
scaled to large N, overstates large N's time many times over (issue 18: the
article's pool ran at N = 50,000, its 0.55 s start-up nearly all of it).  So
the row is timed at several sizes, a and b are fitted to them, and N is the
largest size whose repetitions fit the budget; the fit also says how much of
that N's time is the fixed part, which should stay under FIXED_SHARE_LIMIT.
The fit only chooses N: every reported time is measured at that N."""
import collections
import math

FIXED_SHARE_LIMIT = 0.10   # of a repetition's time, at most, for the fixed part
MIN_POINTS = 3             # calibration sizes, at least, whatever they cost


class Fit(collections.namedtuple("Fit", "fixed_s per_element_s")):
    """time = fixed_s + per_element_s · N seconds, for one repetition."""

    def predict(self, n):
        return self.fixed_s + self.per_element_s * n

    def fixed_share(self, n):
        t = self.predict(n)
        return self.fixed_s / t if t > 0 else 0.0

    def share_reached_at(self, limit=FIXED_SHARE_LIMIT):
        """The smallest N where the fixed part is below limit of the time:
        b·N > a·(1 − limit) / limit."""
        if self.fixed_s <= 0:
            return 0
        if self.per_element_s <= 0:
            return math.inf
        return math.floor(self.fixed_s * (1 - limit) / limit / self.per_element_s) + 1


def fit(points, relative=False):
    """The Fit of [(n, seconds)] by ordinary least squares, or with
    `relative` by least squares of the relative error (each point weighted
    1 / seconds²), for a kernel whose cost per element does not change with
    N and a model judged by its relative error at every N.  Not relative for
    a Python row: a list's small sizes stay in the caches and cost a
    fraction per element of what large ones do (6 against 46 ns on the
    2-vCPU VM), and equal weight for them made b many times too small; the
    largest sizes, the ones the choice extrapolates from, decide b here, the
    many small ones a.  a ≥ 0 and b ≥ 0: a negative a is refitted through
    the origin; where the time does not grow over the sizes timed (a pool's
    start-up hides the elements, or noise does) b is 0 and a the fastest
    time: the caller decides what to assume (pysum.py times larger sizes,
    and chooses N as if the largest size's time were all per element).
    ValueError without a point."""
    pts = [(float(n), float(t)) for n, t in points if n > 0 and t > 0]
    if not pts:
        raise ValueError("no calibration point")
    w = [1.0 / (t * t) if relative else 1.0 for _, t in pts]
    s = sum(w)
    sx = sum(wi * n for wi, (n, _) in zip(w, pts))
    sy = sum(wi * t for wi, (_, t) in zip(w, pts))
    sxx = sum(wi * n * n for wi, (n, _) in zip(w, pts))
    sxy = sum(wi * n * t for wi, (n, t) in zip(w, pts))
    det = s * sxx - sx * sx
    if len({n for n, _ in pts}) < 2 or det <= 0:
        a, b = 0.0, sxy / sxx
    else:
        b = (s * sxy - sx * sy) / det
        a = (sy - b * sx) / s
        if a < 0:
            a, b = 0.0, sxy / sxx
    if b <= 0:
        a, b = min(t for _, t in pts), 0.0
    return Fit(a, b)


class Choice(collections.namedtuple("Choice", "n fits_budget fixed_share share_ok")):
    """The chosen N; whether its repetitions fit the budget; the fit's fixed
    share of its time and whether that is under FIXED_SHARE_LIMIT."""


def choose(model, candidates, repeat, budget, overhead_s=0.0):
    """The largest of candidates (sizes that fit in memory) whose `repeat`
    repetitions, each predicted to take model.predict(n) + overhead_s (work
    timed beside each repetition), fit budget; the smallest when none does.
    ValueError without a candidate."""
    if not candidates:
        raise ValueError("no size fits in memory")
    fitting = [m for m in candidates if repeat * (model.predict(m) + overhead_s) <= budget]
    n = max(fitting) if fitting else min(candidates)
    share = model.fixed_share(n)
    return Choice(n, bool(fitting), share, share < FIXED_SHARE_LIMIT)


def describe_fit(model, points):
    """"fit over 4 sizes (1,000–10,000,000): 0.21 s + 31.2 ns × N"."""
    sizes = sorted(p["n"] for p in points)
    return (f"fit over {len(sizes)} sizes ({sizes[0]:,}–{sizes[-1]:,}): "
            f"{model.fixed_s:.3g} s + {model.per_element_s * 1e9:.3g} ns × N")


def share_text(model, n, repeat, budget, max_n):
    """Why the fixed part is not under the limit at n: what N would bring it
    there, and why that N was not chosen."""
    need = model.share_reached_at()
    if need == math.inf:
        return (f"the fixed part ({model.fixed_s:.3g} s) is all the sizes timed show: "
                "no N is known to bring it under " f"{FIXED_SHARE_LIMIT:.0%}")
    text = (f"the fixed part ({model.fixed_s:.3g} s) is {model.fixed_share(n):.0%} of a "
            f"repetition at this N, not under {FIXED_SHARE_LIMIT:.0%}")
    if need > max_n:
        return text + f": that needs N ≥ {need:,}, beyond the {max_n:,} allowed"
    return (text + f": that needs N ≥ {need:,}, about {repeat * model.predict(need):.3g} s "
            f"for {repeat} repetitions against the {budget:g} s budget")
