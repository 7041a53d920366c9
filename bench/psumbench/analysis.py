"""Pure figures from measured times: speedup laws, the size crossover, and
the cross-host sweep's fit, crossover and model.  No I/O here, so every
function can be checked on synthetic inputs."""
import math

from . import cost, hosts


def karp_flatt(speedup, threads):
    """The experimentally determined serial fraction
    e = (1/S - 1/p) / (1 - 1/p); None for p = 1, where it is undefined."""
    if threads <= 1:
        return None
    return (1 / speedup - 1 / threads) / (1 - 1 / threads)


def amdahl(serial_fraction, threads):
    """Amdahl's speedup S(p) = 1 / (f + (1 - f) / p)."""
    return 1 / (serial_fraction + (1 - serial_fraction) / threads)


def fit_amdahl(points):
    """Least-squares fit of Amdahl's law to [(threads, speedup), ...].

    Returns (f, rmse, r2): the serial fraction in [0, 1], the root mean
    square error of the fitted speedups, and the coefficient of
    determination (None when the speedups do not vary).  The error is
    unimodal in f, so a golden-section search finds the minimum."""
    if not points:
        raise ValueError("no points to fit")

    def sse(f):
        return sum((s - amdahl(f, p)) ** 2 for p, s in points)

    lo, hi = 0.0, 1.0
    ratio = (math.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    for _ in range(200):
        if sse(a) < sse(b):
            hi, b = b, a
            a = hi - ratio * (hi - lo)
        else:
            lo, a = a, b
            b = lo + ratio * (hi - lo)
    f = (lo + hi) / 2
    err = sse(f)
    rmse = math.sqrt(err / len(points))
    mean = sum(s for _, s in points) / len(points)
    total = sum((s - mean) ** 2 for _, s in points)
    r2 = 1 - err / total if total > 0 else None
    return f, rmse, r2


def crossover(sizes):
    """The N from which threads pay, from [(n, serial_s, parallel_s), ...].

    Returns (n_cross, below, above): below is the largest measured N at
    which the parallel time is not shorter, above the next measured N;
    n_cross interpolates log(serial/parallel) = 0 between them on log N.
    (None, None, smallest) if threads pay at every size; (None, largest,
    None) if they pay at none."""
    pts = sorted(sizes)
    losing = [i for i, (_, s, p) in enumerate(pts) if p >= s]
    if not losing:
        return None, None, pts[0][0]
    i = losing[-1]
    if i == len(pts) - 1:
        return None, pts[i][0], None
    (n0, s0, p0), (n1, s1, p1) = pts[i], pts[i + 1]
    r0, r1 = math.log(s0 / p0), math.log(s1 / p1)
    t = r0 / (r0 - r1) if r0 != r1 else 0.0
    n_cross = math.exp(math.log(n0) + t * (math.log(n1) - math.log(n0)))
    return n_cross, n0, n1


# ---- the cross-host sweep (bench/hosts.py) ----
# From aggregate.hosts_figures: each configuration's medians over its
# processes, keyed (link, hosts, n).

def hosts_study(figs, study):
    """The configurations of one study (strong, weak), by hosts."""
    return sorted((f for f in figs.values() if study in f["studies"]),
                  key=lambda f: f["hosts"])


def hosts_share(hosts, cpus):
    """Ranks per CPU on a bed of `hosts` one-rank hosts that share `cpus`
    CPUs: each local sum takes that many times a lone rank's (1 where every
    rank has a CPU, or where cpus is unknown)."""
    return max(1.0, hosts / cpus) if cpus else 1.0


def hosts_local_fit(figs, cpus):
    """A lone rank's local sum, seconds = a + b·(its elements), fitted to the
    sizes study (unshaped) with each time divided by its hosts' share of
    the CPUs, on the relative error: the sizes span decades, and the model
    is judged at each by its relative error; and the fit's points."""
    pts = sorted((f["n"] // f["hosts"], f["local"][0] / hosts_share(f["hosts"], cpus))
                 for f in figs.values() if "sizes" in f["studies"])
    return cost.fit(pts, relative=True), pts


def hosts_links(figs, k):
    """The link study's rows, unshaped first, then by falling rate."""
    rows = [f for f in figs.values() if "link" in f["studies"] and f["hosts"] == k]
    return sorted(rows, key=lambda f: (f["rate_bps"] is not None, -(f["rate_bps"] or 0)))


def hosts_crossover(fit, reduce_s, k, cpus):
    """The N (all ranks together) at which k ranks' local sum of N / k
    elements (their share of the CPUs included) takes as long as the
    reduction; None when the fit's fixed part alone is longer."""
    alone = reduce_s / hosts_share(k, cpus)
    if fit.per_element_s <= 0 or alone <= fit.fixed_s:
        return None
    return round((alone - fit.fixed_s) / fit.per_element_s) * k


def hosts_model_rows(figs, k, fit, cpus):
    """Each configuration's measured parallel time against the model: the
    fitted local sum of N / hosts elements, times the hosts' share of the
    CPUs, plus the reduction its link setting had on all k hosts (none on
    one host: a lone rank sends nothing)."""
    reduction = {f["link"]: f["reduce"][0] for f in hosts_links(figs, k)}
    rows = []
    def order(f):
        return f["link"] != hosts.UNSHAPED, -(f["rate_bps"] or 0), f["hosts"], f["n"]
    for f in sorted(figs.values(), key=order):
        local = fit.predict(f["n"] // f["hosts"]) * hosts_share(f["hosts"], cpus)
        red = reduction.get(f["link"], 0.0) if f["hosts"] > 1 else 0.0
        predicted = local + red
        rows.append(dict(f, local_fit=local, reduction_model=red, predicted=predicted,
                         error=predicted / f["par"][0] - 1))
    return rows


# ---- figures that mean nothing ----
# Each returns why a derived figure means nothing here (the table prints
# "–" and this reason in a note), or None where it stands.  One home for
# these rules: the tables and plots ask, never decide again.

def amdahl_unfit(r2):
    """An Amdahl fit with R² < 0 explains the speedups worse than their
    mean does: its f describes nothing measured."""
    if r2 is not None and r2 < 0:
        return (f"R² = {r2:.2f} < 0: Amdahl's law fits these speedups worse than their mean "
                "does")
    return None


def karp_flatt_unfit(speedup):
    """Karp–Flatt's e assumes threads help: below speedup 1 it exceeds 1,
    a serial fraction above the whole."""
    if speedup < 1:
        return "speedup below 1: a slowdown has no serial fraction (e would exceed 1)"
    return None


def efficiency_unfit(efficiency, spread):
    """Weak-scaling efficiency above 1 by more than its own spread (the
    relative spreads of the two times it divides, added) is no efficiency:
    R ranks doing R times the work in less time than one says the times
    moved, not the code."""
    if efficiency > 1 + spread:
        return (f"above 1 + its spread ({1 + spread:.2f}): R ranks cannot do R times the "
                "work faster than one; the times moved between runs")
    return None
