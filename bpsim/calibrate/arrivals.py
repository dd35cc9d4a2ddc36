"""Arrivals: a weekly rate profile per start event, at the level of the recent weeks.

For the tickets arriving through one start event:

* the **shape** is the share of arrivals in each of the 168 hours of the week over the whole
  window, smoothed within each day by a (1/4, 1/2, 1/4) kernel over neighbouring hours (an
  hour that never saw a ticket stays at zero);
* the **level** is the mean number of tickets per week over the last ``recent_weeks`` whole
  weeks of the window (default 8; 0 uses the whole window): demand drifts, and the recent
  level is the best guess for the next weeks;
* the weekly **trend** is the least-squares slope of the weekly counts over the window,
  reported (tickets per week, per week) and not extrapolated;
* **holidays** are weekdays without any ticket although the same weekday brought at least four
  on average in the four weeks before and after (a chance of under 2 % for a Poisson count);
  the profile has no arrivals on them;
* the **class mix** (``case:priority``) and the **channel mix** (``case:channel``) are the
  shares of tickets per value.

``per_hour`` of hour ``h`` is then ``level * shape[h]``: tickets per hour in that hour of the
week.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bpsim.calibrate.weektime import DAYS, hour_of_week

__all__ = ["ArrivalFit", "fit_arrivals", "find_holidays", "weekly_counts"]


@dataclass
class ArrivalFit:
    start_event: str
    tickets: int
    per_hour: np.ndarray              # 168 rates, tickets per hour
    counts: np.ndarray                # 168 raw counts over the window
    weeks: float                      # length of the window in weeks
    level: float                      # tickets per week used
    level_weeks: int                  # weeks the level was measured on
    mean_per_week: float              # over the whole window
    trend: float                      # tickets/week per week
    holidays: list[str] = field(default_factory=list)
    classes: dict[str, float] = field(default_factory=dict)
    channels: dict[str, float] = field(default_factory=dict)


def weekly_counts(times: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.Series:
    """Tickets per whole week from the Monday at or after ``lo`` to the last Monday <= ``hi``."""
    first = (lo.normalize() + pd.offsets.Week(weekday=0)) if lo.weekday() else lo.normalize()
    edges = pd.date_range(first, hi, freq="7D")
    if len(edges) < 2:
        return pd.Series(dtype=float)
    counts = np.histogram(times.to_numpy("datetime64[ns]").astype(np.int64),
                          bins=edges.to_numpy("datetime64[ns]").astype(np.int64))[0]
    return pd.Series(counts, index=edges[:-1])


def find_holidays(times: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp,
                  open_days: set[int] | None = None) -> list[str]:
    """Dates without tickets where about four or more were expected (see the module text)."""
    days = pd.date_range(lo.normalize(), hi.normalize(), freq="D")
    if len(days) < 15:
        return []
    per_day = times.dt.normalize().value_counts().reindex(days, fill_value=0)
    out = []
    values = per_day.to_numpy()
    for i, day in enumerate(days):
        if values[i] or (open_days is not None and day.weekday() not in open_days):
            continue
        same = [values[j] for j in range(i - 28, i + 29, 7) if j != i and 0 <= j < len(days)]
        if same and np.mean(same) >= 4:
            out.append(day.strftime("%Y-%m-%d"))
    return out


def _smooth(counts: np.ndarray) -> np.ndarray:
    grid = counts.reshape(7, 24).astype(float)
    left = np.pad(grid, ((0, 0), (1, 0)))[:, :-1]
    right = np.pad(grid, ((0, 0), (0, 1)))[:, 1:]
    out = 0.5 * grid + 0.25 * left + 0.25 * right
    # edge hours of the day keep their own weight (no mass leaks across midnight)
    out[:, 0] += 0.25 * grid[:, 0]
    out[:, -1] += 0.25 * grid[:, -1]
    out[grid == 0] = 0.0  # an hour without any ticket stays closed
    return out.reshape(168)


def _mix(values: pd.Series | None) -> dict[str, float]:
    if values is None:
        return {}
    v = values.dropna().astype(str)
    if v.empty:
        return {}
    share = v.value_counts(normalize=True)
    return {str(k): float(p) for k, p in share.items()}


def fit_arrivals(start_event: str, times: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp, *,
                 recent_weeks: int = 8, classes: pd.Series | None = None,
                 channels: pd.Series | None = None) -> ArrivalFit:
    """Fit the weekly profile of the arrivals ``times`` (one per ticket) in ``[lo, hi)``."""
    times = pd.Series(pd.to_datetime(times)).reset_index(drop=True)
    weeks = max((hi - lo) / pd.Timedelta(days=7), 1 / 7)
    holidays = find_holidays(times, lo, hi)
    hol = set(holidays)
    kept = times[~times.dt.strftime("%Y-%m-%d").isin(hol)] if hol else times
    counts = np.bincount(hour_of_week(kept), minlength=168).astype(float)
    shape = _smooth(counts)
    shape = shape / shape.sum() if shape.sum() else shape
    weekly = weekly_counts(times, lo, hi)
    if len(weekly) >= 2:
        x = np.arange(len(weekly), dtype=float)
        trend = float(np.polyfit(x, weekly.to_numpy(float), 1)[0])
    else:
        trend = 0.0
    mean_week = len(times) / weeks
    if recent_weeks and len(weekly) >= 1:
        tail = weekly.iloc[-recent_weeks:]
        level, used = float(tail.mean()), len(tail)
    else:
        level, used = mean_week, int(round(weeks))
    return ArrivalFit(start_event, len(times), level * shape, counts, float(weeks), level, used,
                      float(mean_week), trend, holidays, _mix(classes), _mix(channels))


def window_key(h: int) -> str:
    """``"mon 09-10"`` for hour of the week 9."""
    d, hour = divmod(int(h), 24)
    return f"{DAYS[d]} {hour:02d}-{hour + 1:02d}"
