"""Intervals and control limits for comparing regions fairly.

Funnel plots follow Spiegelhalter (2005), "Funnel plots for comparing institutional performance",
Statistics in Medicine 24:1185–1202: exact binomial limits with interpolation, and an additive
random-effects widening when the spread between regions is larger than chance allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n (nan, nan when n is 0)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def exact_limit(theta: float, n: np.ndarray | float, prob: float) -> np.ndarray:
    """The ``prob`` quantile of a proportion out of n under target theta, interpolated (Spiegelhalter)."""
    n = np.asarray(n, dtype=float)
    r = stats.binom.ppf(prob, n, theta)
    f_r = stats.binom.cdf(r, n, theta)
    f_below = stats.binom.cdf(r - 1, n, theta)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(f_r > f_below, (f_r - prob) / (f_r - f_below), 0.0)
        return np.clip((r - alpha) / n, 0.0, 1.0)


@dataclass(frozen=True)
class Dispersion:
    phi: float  # overdispersion factor: 1 means the spread is what chance alone gives
    tau2: float  # additive between-region variance; 0 when not overdispersed
    overdispersed: bool


def dispersion(k: np.ndarray, n: np.ndarray, theta: float) -> Dispersion:
    """Winsorised (10%) z-scores against theta; overdispersed when I·phi exceeds chi²(0.95, I−1)."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    keep = n > 0
    k, n = k[keep], n[keep]
    count = len(n)
    if count < 3 or theta <= 0 or theta >= 1:
        return Dispersion(1.0, 0.0, False)
    s2 = theta * (1 - theta) / n
    z = (k / n - theta) / np.sqrt(s2)
    lo, hi = np.quantile(z, [0.1, 0.9])
    z = np.clip(z, lo, hi)
    phi = float(np.mean(z * z))
    if count * phi <= stats.chi2.ppf(0.95, count - 1):
        return Dispersion(phi, 0.0, False)
    w = 1 / s2
    tau2 = max(0.0, (count * phi - (count - 1)) / (w.sum() - (w * w).sum() / w.sum()))
    return Dispersion(phi, float(tau2), tau2 > 0)


def funnel_limits(theta: float, n: np.ndarray, disp: Dispersion) -> dict[str, np.ndarray]:
    """Lower/upper 95% and 99.8% limits at each cohort size n."""
    n = np.asarray(n, float)
    out = {}
    for name, two_sided in (("95", 0.95), ("998", 0.998)):
        tail = (1 - two_sided) / 2
        if disp.overdispersed:
            z = stats.norm.ppf(1 - tail)
            half = z * np.sqrt(theta * (1 - theta) / n + disp.tau2)
            out[f"lo{name}"], out[f"hi{name}"] = np.clip(theta - half, 0, 1), np.clip(theta + half, 0, 1)
        else:
            out[f"lo{name}"] = exact_limit(theta, n, tail)
            out[f"hi{name}"] = exact_limit(theta, n, 1 - tail)
    return out


def verdict(lo: float, hi: float, benchmark: float) -> str:
    """'lebih_tinggi' / 'serupa' / 'lebih_rendah': where an interval lies against the benchmark.

    Not the verdict of Perbandingan Wilayah, which reads a region against the funnel's control
    limits (:func:`position`, :func:`verdict_of`) so that its table and charts agree."""
    if math.isnan(lo):
        return "tidak_ada"
    if lo > benchmark:
        return "lebih_tinggi"
    if hi < benchmark:
        return "lebih_rendah"
    return "serupa"


def nearest_rank(values: np.ndarray, q: float) -> float:
    """Percentile by nearest rank (no interpolation), as flow-analytics tools report them."""
    v = np.sort(np.asarray(values, float))
    if v.size == 0:
        return math.nan
    return float(v[max(0, math.ceil(q / 100 * v.size) - 1)])


TAILS = {"95": 0.025, "998": 0.001}  # one tail of the 95% and 99.8% limits


def position(k: np.ndarray, n: np.ndarray, theta: float, disp: Dispersion) -> np.ndarray:
    """Each region against the limits: 'atas_998', 'atas_95', 'dalam', 'bawah_95' or 'bawah_998'.

    Classified by exact binomial tail probabilities (P(X ≥ k) and P(X ≤ k) under theta), not by the
    interpolated curves, which are for drawing: with 3 proposals all implemented and theta = 0.52,
    P(X ≥ 3) = 0.14, so that region is within the limits even though 3/3 lies above the drawn line.
    With overdispersion, a normal score against the widened variance is used instead.
    """
    k, n = np.asarray(k, float), np.asarray(n, float)
    if disp.overdispersed:
        z = (k / n - theta) / np.sqrt(theta * (1 - theta) / n + disp.tau2)
        upper, lower = stats.norm.sf(z), stats.norm.cdf(z)
    else:
        upper = stats.binom.sf(k - 1, n, theta)  # P(X >= k)
        lower = stats.binom.cdf(k, n, theta)  # P(X <= k)
    return np.select(
        [upper < TAILS["998"], upper < TAILS["95"], lower < TAILS["998"], lower < TAILS["95"]],
        ["atas_998", "atas_95", "bawah_998", "bawah_95"],
        default="dalam",
    )


def within(theta: float, n: np.ndarray, disp: Dispersion, limit: str = "95") -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest share out of n that :func:`position` keeps within the limits.

    The same test as ``position``, as a range a reader can check a share against: exact binomial
    tails (the counts k with P(X ≤ k) and P(X ≥ k) both at least the tail), or, with
    overdispersion, theta ± z·√(θ(1−θ)/n + τ²).
    """
    n = np.asarray(n, float)
    tail = TAILS[limit]
    if disp.overdispersed:
        half = stats.norm.isf(tail) * np.sqrt(theta * (1 - theta) / n + disp.tau2)
        return np.clip(theta - half, 0.0, 1.0), np.clip(theta + half, 0.0, 1.0)
    lo = stats.binom.ppf(tail, n, theta)  # smallest k with P(X <= k) >= tail
    hi = stats.binom.ppf(1 - tail, n, theta)  # about the largest k with P(X >= k) >= tail
    # Settled with the very expressions position() uses, so that floating point cannot split them.
    for _ in range(2):
        lo = np.where((lo > 0) & (stats.binom.cdf(lo - 1, n, theta) >= tail), lo - 1, lo)
        lo = np.where((lo < n) & (stats.binom.cdf(lo, n, theta) < tail), lo + 1, lo)
        hi = np.where((hi < n) & (stats.binom.sf(hi, n, theta) >= tail), hi + 1, hi)
        hi = np.where((hi > 0) & (stats.binom.sf(hi - 1, n, theta) < tail), hi - 1, hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        return lo / n, hi / n


VERDICTS = ("lebih_tinggi", "serupa", "lebih_rendah", "tidak_ada")


def verdict_of(positions) -> list[str]:
    """The verdict of each region from its :func:`position`: above the 95% limit is 'lebih_tinggi',
    below it 'lebih_rendah', within 'serupa' (the one test behind the table, the funnel and the
    interval chart); a region with no proposals (no position) has 'tidak_ada'."""
    side = {"atas": "lebih_tinggi", "bawah": "lebih_rendah", "dalam": "serupa"}
    return [side.get(p.split("_")[0], "tidak_ada") if isinstance(p, str) else "tidak_ada" for p in positions]


BOOTSTRAP_MAX_N = 5000


def bootstrap_median(values, draws: int = 2000, seed: int = 2017) -> tuple[float, float, float]:
    """Median and its 95% interval: percentile bootstrap (fixed seed) up to 5,000 values; beyond that
    the distribution-free order-statistic interval (binomial ranks), which the bootstrap matches at
    that size and which needs no n × draws resampling (300,000 evaluations would need ~5 GB)."""
    v = np.asarray(values, float)
    v = np.sort(v[~np.isnan(v)])
    if v.size == 0:
        return (math.nan, math.nan, math.nan)
    if v.size > BOOTSTRAP_MAX_N:
        lo_rank = int(stats.binom.ppf(0.025, v.size, 0.5))
        hi_rank = int(stats.binom.ppf(0.975, v.size, 0.5))
        return (float(np.median(v)), float(v[max(0, lo_rank - 1)]), float(v[min(v.size - 1, hi_rank)]))
    rng = np.random.default_rng(seed)
    # Resampled in blocks of draws: 2,000 × 5,000 values at once would hold 80 MB for a moment.
    block = max(1, 250_000 // v.size)
    medians = np.concatenate(
        [
            np.median(rng.choice(v, size=(min(block, draws - i), v.size), replace=True), axis=1)
            for i in range(0, draws, block)
        ]
    )
    lo, hi = np.quantile(medians, [0.025, 0.975])
    return (float(np.median(v)), float(lo), float(hi))


def kaplan_meier(durations, stopped, counts=None) -> tuple[np.ndarray, np.ndarray]:
    """Survival curve: (times, share still running just after each time), starting at (0, 1).

    ``durations`` are days from implementation to stopping (``stopped`` true) or to the last day
    known to be running (censored); ``counts``, when given, says how many innovations each row
    stands for, so the database can send a few thousand (days, stopped, count) rows instead of one
    row per innovation. Vectorised: at-risk counts come from one sort, not a loop.
    """
    d = np.asarray(durations, float)
    e = np.asarray(stopped, bool)
    w = np.ones(d.size) if counts is None else np.asarray(counts, float)
    keep = w > 0
    d, e, w = d[keep], e[keep], w[keep]
    times = np.unique(d[e])
    if times.size == 0:
        return np.array([0.0]), np.array([1.0])
    order = np.argsort(d, kind="stable")
    from_here = np.cumsum(w[order][::-1])[::-1]  # innovations at or beyond each sorted position
    at_risk = from_here[np.searchsorted(d[order], times, side="left")]
    events = np.bincount(np.searchsorted(times, d[e]), weights=w[e], minlength=times.size)
    surv = np.cumprod(1 - events / at_risk)
    return np.concatenate([[0.0], times]), np.concatenate([[1.0], surv])
