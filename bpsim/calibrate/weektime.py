"""Hours of the week and working time, vectorised over many timestamps.

An *hour of the week* is ``weekday * 24 + hour`` (Monday 00:00-01:00 is 0, Sunday 23:00-24:00
is 167). A fitted calendar is a set of open hours of the week plus holiday dates; its
*working time* between two instants counts only the open seconds between them. Both are
computed for whole arrays of timestamps at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["hour_of_week", "HourCalendar", "DAYS"]

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_ORIGIN = np.datetime64("1970-01-05T00:00:00", "s")  # a Monday


def seconds(times) -> np.ndarray:
    """Seconds since Monday 1970-01-05 00:00 (float), NaN for NaT."""
    t = pd.to_datetime(pd.Series(times)).to_numpy("datetime64[ns]")
    out = (t - _ORIGIN.astype("datetime64[ns]")).astype("timedelta64[ns]").astype(np.int64) / 1e9
    out = out.astype(float)
    out[np.isnat(t)] = np.nan
    return out


def hour_of_week(times) -> np.ndarray:
    """The hour of the week (0..167) of each timestamp."""
    s = seconds(times)
    return (np.floor(s / 3600.0) % 168).astype(int)


class HourCalendar:
    """Open hours of the week (168 booleans) and closed dates."""

    def __init__(self, open_hours, holidays=()) -> None:
        self.open = np.asarray(open_hours, bool).reshape(168)
        self.holidays = sorted({pd.Timestamp(d).normalize() for d in holidays})
        per_hour = self.open * 3600.0
        self._cum = np.r_[0.0, np.cumsum(per_hour)]        # open seconds before hour h
        self.week = float(self._cum[-1])
        days = (seconds(self.holidays) // 86400).astype(np.int64) if self.holidays else \
            np.array([], np.int64)
        self._hol_days = np.array(days, np.int64)
        day_open = per_hour.reshape(7, 24).sum(axis=1)
        self._hol_cum = np.r_[0.0, np.cumsum(day_open[self._hol_days % 7])] if len(days) \
            else np.array([0.0])

    @property
    def always(self) -> bool:
        return bool(self.open.all()) and not self.holidays

    def _plain(self, s: np.ndarray) -> np.ndarray:
        """Open seconds from the origin to ``s`` ignoring holidays (NaN stays NaN)."""
        s = np.asarray(s, float)
        bad = ~np.isfinite(s)
        if bad.any():
            s = np.where(bad, 0.0, s)
        weeks = np.floor(s / 604800.0)
        within = s - weeks * 604800.0
        h = np.minimum((within // 3600).astype(int), 167)
        frac = within - h * 3600.0
        out = weeks * self.week + self._cum[h] + np.where(self.open[h], frac, 0.0)
        if bad.any():
            out[bad] = np.nan
        return out

    def cumulative(self, s: np.ndarray) -> np.ndarray:
        """Open seconds (holidays closed) from the origin to ``s`` (seconds, see ``seconds``)."""
        s = np.asarray(s, float)
        out = self._plain(s)
        if len(self._hol_days):
            day = np.floor(np.nan_to_num(s) / 86400.0).astype(np.int64)
            k = np.searchsorted(self._hol_days, day, side="left")
            out = out - self._hol_cum[k]
            on = (k < len(self._hol_days)) & (self._hol_days[np.minimum(k, len(self._hol_days) - 1)] == day)
            if on.any():
                out[on] -= self._plain(s[on]) - self._plain(day[on] * 86400.0)
        return out

    def working(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Open seconds between ``start`` and ``end`` (arrays of seconds)."""
        if self.always:
            return np.asarray(end, float) - np.asarray(start, float)
        return self.cumulative(end) - self.cumulative(start)

    def hours_text(self) -> dict[str, str]:
        """Per weekday the open ranges, ``{"mon": "07:00-17:00", ...}`` (closed days left out)."""
        out = {}
        grid = self.open.reshape(7, 24)
        for d in range(7):
            ranges, h = [], 0
            while h < 24:
                if grid[d, h]:
                    a = h
                    while h < 24 and grid[d, h]:
                        h += 1
                    ranges.append(f"{a:02d}:00-{h:02d}:00")
                else:
                    h += 1
            if ranges:
                out[DAYS[d]] = ", ".join(ranges)
        return out
