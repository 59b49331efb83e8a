"""Monte Carlo forecasts of the pipeline from its own history, the way ActionableAgile forecasts work.

No model of why proposals move: the view's own finishes per week (arrivals at penerapan) are drawn
at random, with replacement, week after week, in ``TRIALS`` trials with a fixed seed, and the answer
is read off the spread of the trials:

- **how many** of today's open proposals reach penerapan by 31 December: each trial adds up one drawn
  week per week left (the last, shorter part of a week counts each of its drawn finishes with the
  share of the week that is left), capped by the open count. The answer at 85% is the number reached
  in at least 85% of the trials (so 95% is the smallest and 50% the largest of the three);
- **by when** all of them reach penerapan: each trial draws weeks until its finishes add up to the
  open count. The answer at 85% is the week by which at least 85% of the trials were done.

Weekly, not monthly: a year of history holds 52 weeks to draw from instead of 12, which a region
with a handful of finishes needs, and the answers fall on a week rather than on a month. Weeks are
counted back from the forecast's day (the day after the data's latest date), so every week of the
history is a whole one and none is a part-week still being reported.

Pure numpy, no Streamlit: the queries (``dasbor/queries/alur.py``) give the weekly counts, already
aggregated in the database, and the open count.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

TRIALS = 10_000
SEED = 2017
LEVELS = (50, 85, 95)
WEEK = 7  # days
HISTORY_WEEKS = 52  # the year before the forecast's day: one full budget year, today's pace
# The one place that says when a history is too short to forecast from: it must cover at least
# MIN_SPAN_WEEKS weeks (half a year) and hold at least MIN_ACTIVE_WEEKS weeks with a finish.
MIN_SPAN_WEEKS = 26
MIN_ACTIVE_WEEKS = 8
MAX_WEEKS = 520  # "by when" stops looking after ten years: later is reported as "more than ten years"
_CHUNK = 104  # weeks drawn at a time for "by when" (a trial that is done stops drawing)


@dataclass(frozen=True)
class History:
    weekly: np.ndarray  # finishes per week, oldest first, whole weeks ending the day before the cut
    active: int  # weeks with at least one finish
    enough: bool
    # why not, when not enough: "span" (covers fewer than MIN_SPAN_WEEKS weeks) or "active"
    reason: str | None = None


def history(weekly) -> History:
    """The weekly finishes to draw from, and whether they are enough (``MIN_SPAN_WEEKS``,
    ``MIN_ACTIVE_WEEKS``)."""
    weekly = np.asarray(weekly, dtype=np.int64)
    if weekly.ndim != 1 or (weekly < 0).any():
        raise ValueError("weekly finishes must be a list of counts")
    active = int((weekly > 0).sum())
    if len(weekly) < MIN_SPAN_WEEKS:
        return History(weekly, active, False, "span")
    if active < MIN_ACTIVE_WEEKS:
        return History(weekly, active, False, "active")
    return History(weekly, active, True)


def horizon(cut: dt.date) -> tuple[dt.date, int, int]:
    """31 December of the year of the data's latest date (the day before ``cut``), and the whole
    weeks and the days of a last part-week from ``cut`` up to and including that day."""
    end = dt.date((cut - dt.timedelta(days=1)).year, 12, 31)
    days = max(0, (end - cut).days + 1)
    return end, days // WEEK, days % WEEK


def how_many(weekly, weeks: int, cap: int, rest_days: int = 0, trials: int = TRIALS, seed: int = SEED) -> np.ndarray:
    """Per trial, how many finish in ``weeks`` whole weeks and ``rest_days`` more days, at most ``cap``."""
    weekly = np.asarray(weekly, dtype=np.int64)
    rng = np.random.default_rng(seed)
    totals = weekly[rng.integers(0, len(weekly), size=(trials, weeks))].sum(axis=1)
    if rest_days:
        # Each finish of a drawn week falls in its first rest_days days with that share of the week.
        part = weekly[rng.integers(0, len(weekly), size=trials)]
        totals = totals + rng.binomial(part, rest_days / WEEK)
    return np.minimum(totals, cap)


def at_least(totals: np.ndarray, level: int) -> int:
    """The largest number reached in at least ``level`` percent of the trials."""
    ordered = np.sort(np.asarray(totals))
    return int(ordered[len(ordered) - math.ceil(level / 100 * len(ordered))])


def weeks_needed(weekly, n: int, trials: int = TRIALS, seed: int = SEED, max_weeks: int = MAX_WEEKS) -> np.ndarray:
    """Per trial, the weeks until the drawn finishes add up to ``n`` (inf beyond ``max_weeks``)."""
    weekly = np.asarray(weekly, dtype=np.int64)
    need = np.full(trials, np.inf)
    if n <= 0:
        return np.zeros(trials)
    if not (weekly > 0).any():
        return need
    rng = np.random.default_rng(seed)
    total = np.zeros(trials, dtype=np.int64)
    left = np.arange(trials)
    drawn = 0
    while left.size and drawn < max_weeks:
        chunk = min(_CHUNK, max_weeks - drawn)
        cum = total[left, None] + weekly[rng.integers(0, len(weekly), size=(left.size, chunk))].cumsum(axis=1)
        hit = cum >= n
        done = hit[:, -1]  # cumulative: reached by the chunk's last week if at all
        need[left[done]] = drawn + hit[done].argmax(axis=1) + 1
        total[left] = cum[:, -1]
        left = left[~done]
        drawn += chunk
    return need


def within(needed: np.ndarray, level: int) -> float:
    """The fewest weeks by which at least ``level`` percent of the trials were done (inf: not
    within ``MAX_WEEKS``)."""
    ordered = np.sort(np.asarray(needed, dtype=float))
    return float(ordered[math.ceil(level / 100 * len(ordered)) - 1])


def week_end(cut: dt.date, weeks: float) -> dt.date | None:
    """The last day of week ``weeks`` counted from ``cut`` (None for inf)."""
    if not math.isfinite(weeks):
        return None
    return cut + dt.timedelta(days=int(weeks) * WEEK - 1) if weeks > 0 else cut - dt.timedelta(days=1)


@dataclass(frozen=True)
class Forecast:
    cut: dt.date  # made on this day, from the rows dated before it
    end: dt.date  # 31 December asked about
    weeks: int  # whole weeks from cut to end
    rest_days: int  # and the days of a last part-week
    open: int  # open proposals on the cut day
    history: History
    totals: np.ndarray | None = None  # per trial, how many reach penerapan by end
    how_many: dict[int, int] = field(default_factory=dict)  # level -> number reached in >= level% of trials
    when: dict[int, dt.date | None] = field(default_factory=dict)  # level -> week end (None: > MAX_WEEKS)

    @property
    def ready(self) -> bool:
        return self.history.enough and self.open > 0


def forecast(weekly, open_count: int, cut: dt.date, trials: int = TRIALS, seed: int = SEED) -> Forecast:
    """Both answers at every level of ``LEVELS`` (none when the history is too short or nothing is open)."""
    hist = history(weekly)
    end, weeks, rest = horizon(cut)
    base = Forecast(cut, end, weeks, rest, int(open_count), hist)
    if not hist.enough or open_count <= 0:
        return base
    totals = how_many(hist.weekly, weeks, open_count, rest, trials, seed)
    needed = weeks_needed(hist.weekly, open_count, trials, seed)
    return Forecast(
        cut,
        end,
        weeks,
        rest,
        int(open_count),
        hist,
        totals,
        {p: at_least(totals, p) for p in LEVELS},
        {p: week_end(cut, within(needed, p)) for p in LEVELS},
    )


def distribution(totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The numbers reached and the share of trials ending at each (for drawing)."""
    values, counts = np.unique(np.asarray(totals), return_counts=True)
    return values, counts / counts.sum()
