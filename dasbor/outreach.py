"""Did an outreach event work? Proposals per month around an event, against before and against the
regions that held none: a difference-in-differences estimate with its 95% interval. Pure statistics,
no Streamlit and no SQL (``dasbor/queries/kegiatan.py`` reads the counts).

The method, as the pages state it:

- Windows: the 12 calendar months before the event's month and the 12 after it. The event's own month
  is left out: it is partly before and partly after the event.
- Region: proposals (``tanggal_usulan``) of the event's region in each of those months, every
  proposal whatever its kind (the event was aimed at all of them).
- Comparison group: the other regions of the event region's peer cluster (``domain.CLUSTERS``: all
  kabupaten, all kota, or all provinsi) that report to the data (have any proposal at all) and held
  no event of any kind from the first month of the window to the last; their mean proposals per
  region, month by month.
- Estimate: with d_m = region_m − comparison_m for each month m, DiD = mean(d after) − mean(d before),
  in proposals per month. Equivalently: (after − before in the region) − (after − before in the
  comparison group's mean).
- Interval: a two-sample t interval over the monthly differences, DiD ± t(0.975, n_b + n_a − 2) × SE
  with SE = √(s²_after/n_a + s²_before/n_b) (with two windows of 12 months this is the pooled-variance
  t interval, and the same as an ordinary least-squares regression of d_m on an 'after' indicator).
  It treats the months as independent: counts of neighbouring months are often correlated, which
  makes this interval too narrow, and Newey–West's correction is unstable on 24 points, so the
  pages say that this is an association, not proof.
- Too few to say: below ``MIN_PROPOSALS`` proposals in the region over the 24 months, or fewer than
  ``MIN_COMPARISON`` comparison regions, or a window the data does not cover, no estimate is given.

Across events of one kind, the mean of their estimates with a t interval over the events
(mean ± t(0.975, k − 1) × sd / √k), from ``MIN_EVENTS`` computable events on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

MONTHS = 12  # months in each window, before and after the event's month
MIN_PROPOSALS = 10  # the region's proposals over both windows below which nothing is estimated
MIN_COMPARISON = 5  # comparison regions below which nothing is estimated (nor shown, as an aggregate)
MIN_EVENTS = 3  # computable events of one kind below which no mean is given for the kind

# Why an event has no estimate (or "dihitung": it has one).
COMPUTED = "dihitung"
TOO_FEW = "terlalu_sedikit"
NOT_YET = "belum_lengkap"  # the 12 months after have not passed in the data yet
BEFORE_DATA = "sebelum_data"  # the 12 months before start before the data does
NO_COMPARISON = "tanpa_pembanding"
STATUSES = (COMPUTED, TOO_FEW, NOT_YET, BEFORE_DATA, NO_COMPARISON)


@dataclass(frozen=True)
class Estimate:
    status: str
    n_before: int  # the region's proposals in the 12 months before
    n_after: int  # and after
    region_before: float  # per month
    region_after: float
    comparison_before: float  # the comparison group's mean per region and month
    comparison_after: float
    n_comparison: int  # regions in the comparison group
    did: float  # (region after − before) − (comparison after − before), proposals per month
    lo: float
    hi: float
    se: float

    @property
    def computed(self) -> bool:
        return self.status == COMPUTED


def difference_in_differences(
    region_before, region_after, comparison_before, comparison_after, n_comparison: int | None = None
) -> Estimate:
    """The estimate from the region's monthly counts and the comparison group's monthly means, each
    over its window (any equal or unequal number of months, at least two each); ``n_comparison`` is
    the size of the comparison group (only reported, and checked against ``MIN_COMPARISON``)."""
    yb, ya = np.asarray(region_before, float), np.asarray(region_after, float)
    cb, ca = np.asarray(comparison_before, float), np.asarray(comparison_after, float)
    if yb.shape != cb.shape or ya.shape != ca.shape or yb.size < 2 or ya.size < 2:
        raise ValueError("each window needs at least two months, the region's and the comparison's alike")
    db, da = yb - cb, ya - ca
    did = float(da.mean() - db.mean())
    se = math.sqrt(da.var(ddof=1) / da.size + db.var(ddof=1) / db.size)
    half = float(stats.t.ppf(0.975, da.size + db.size - 2)) * se
    n_b, n_a = int(round(yb.sum())), int(round(ya.sum()))
    status = COMPUTED
    if n_b + n_a < MIN_PROPOSALS:
        status = TOO_FEW
    elif n_comparison is not None and n_comparison < MIN_COMPARISON:
        status = NO_COMPARISON
    return Estimate(
        status,
        n_b,
        n_a,
        float(yb.mean()),
        float(ya.mean()),
        float(cb.mean()),
        float(ca.mean()),
        -1 if n_comparison is None else int(n_comparison),
        did if status == COMPUTED else math.nan,
        did - half if status == COMPUTED else math.nan,
        did + half if status == COMPUTED else math.nan,
        se if status == COMPUTED else math.nan,
    )


def not_estimated(status: str, n_before: int = 0, n_after: int = 0, n_comparison: int = 0) -> Estimate:
    """An event with no estimate (a window the data does not cover), with what is known."""
    nan = math.nan
    return Estimate(status, n_before, n_after, nan, nan, nan, nan, n_comparison, nan, nan, nan, nan)


def trend(counts) -> tuple[float, float]:
    """(intercept, slope per month) of the least-squares line through monthly ``counts``, month 0
    first: the region's own trend before an event, drawn on into the months after it."""
    y = np.asarray(counts, float)
    x = np.arange(y.size, dtype=float)
    slope = float(((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum())
    return float(y.mean() - slope * x.mean()), slope


def trend_after(counts_before, months_after: int = MONTHS) -> float:
    """The region's own trend before an event drawn on: the mean per month it predicts for the
    ``months_after`` months after the event's month (which lies between the windows and is skipped)."""
    intercept, slope = trend(counts_before)
    n = len(counts_before)
    first = n + 1  # month index of the first month after the event's
    return intercept + slope * (first + (months_after - 1) / 2)


@dataclass(frozen=True)
class Pooled:
    n: int  # computable events
    mean: float  # their mean estimate, proposals per month
    lo: float
    hi: float


def pooled(estimates) -> Pooled:
    """The mean of several events' estimates with a t interval over the events (nan below
    ``MIN_EVENTS`` events): how much more proposals followed events of one kind, on average."""
    v = np.asarray([e for e in estimates if not math.isnan(e)], float)
    if v.size < MIN_EVENTS:
        return Pooled(int(v.size), math.nan, math.nan, math.nan)
    half = float(stats.t.ppf(0.975, v.size - 1)) * float(v.std(ddof=1)) / math.sqrt(v.size)
    return Pooled(int(v.size), float(v.mean()), float(v.mean()) - half, float(v.mean()) + half)
