"""Arrival profiles: how many tickets arrive per hour, hour by hour through the week.

E-mails do not arrive evenly: a burst on Monday morning, a steady trickle in the afternoon,
nothing at night (or rather: they arrive at night, but a portal closed at night gets none).
A :class:`WeeklyRateProfile` gives a rate in **tickets per hour** for stretches of the week::

    profile:
      calendar: office                      # optional: zero whenever the office is closed
      per_hour: {mon-fri 09-12: 20, mon-fri 12-18: 12, sat 10-13: 4}

Every stretch not listed has rate 0; holidays (the calendar's, plus any listed) have rate 0.
``per_hour: 15`` with a calendar means 15 per hour whenever the calendar is open.

Arrivals form a non-homogeneous Poisson process. :meth:`WeeklyRateProfile.next_arrival`
draws the next one *exactly* by inversion: draw E ~ Exp(1) and find the instant at which the
integrated rate since ``t`` reaches E. Nights and weekends are skipped arithmetically, with no
thinning grid and no rejected draws.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from itertools import chain, count
from numbers import Real

import numpy as np

from bpsim.errors import ScenarioError
from bpsim.scenario.calendar import WeeklyCalendar
from bpsim.scenario.weekly import StepPattern, holiday_windows, parse_window, to_date, week_origin

__all__ = ["WeeklyRateProfile"]

#: Unit-exponential draws per numpy call in :meth:`WeeklyRateProfile.sampler`.
_BLOCK = 256


def _rate(value: object, key: str) -> float:
    if isinstance(value, Real) and not isinstance(value, bool):
        rate = float(value)
        if math.isfinite(rate) and rate >= 0:
            return rate
    raise ScenarioError(
        f"{value!r} is not an hourly rate.",
        key=key,
        hint="give a non-negative number of tickets per hour, e.g. 12.",
    )


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]):
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


class WeeklyRateProfile:
    """A weekly, piecewise-constant arrival rate (implements
    :class:`~bpsim.scenario.spec.RateProfile`).

    Parameters
    ----------
    start : datetime
        The scenario start (simulation time 0.0).
    per_hour : float or mapping
        Tickets per hour: one number (all week, or whenever ``calendar`` is open), or a
        mapping from week windows to rates: ``{"mon-fri 09-12": 20, "mon-fri 12-18": 12}``.
        Windows are ``"<days> <hours>"``, ``"<days>"`` (whole days) or ``"<hours>"`` (every
        day); they must not overlap.
    calendar : WeeklyCalendar, optional
        The rate is 0 whenever this calendar is closed (its holidays included).
    holidays : iterable of dates, optional
        More dates with no arrivals.
    key : str, optional
        Scenario key path for error messages (``arrivals.E-mail received.profile``).

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> p = WeeklyRateProfile(dt.datetime(2026, 1, 5), {"mon-fri 09-12": 20, "mon-fri 12-18": 12})
    >>> p.rate(10 * 3600) * 3600, p.rate(20 * 3600) * 3600
    (20.0, 0.0)
    >>> p.expected(0, 7 * 86400)        # 5 days x (3 h x 20 + 6 h x 12)
    660.0
    """

    def __init__(
        self,
        start: dt.datetime,
        per_hour: float | Mapping[str, float],
        calendar: WeeklyCalendar | None = None,
        holidays: Iterable[object] = (),
        *,
        key: str | None = None,
    ) -> None:
        k = key or "profile"
        self.start, self.per_hour, self.calendar = start, per_hour, calendar
        self.holidays = sorted(
            {to_date(h, key=f"{k}.holidays") for h in holidays or ()}
            | set(calendar.holidays if calendar else ())
        )
        pieces: list[tuple[float, float, float]] = []
        if isinstance(per_hour, Mapping):
            taken: list[tuple[float, float, str]] = []
            for window, value in per_hour.items():
                rate = _rate(value, f"{k}.per_hour.{window}")
                for a, b in parse_window(str(window), key=f"{k}.per_hour.{window}"):
                    for a2, b2, other in taken:
                        if a < b2 and a2 < b:
                            raise ScenarioError(
                                f"windows {other!r} and {window!r} overlap.",
                                key=f"{k}.per_hour.{window}",
                                hint="give each hour of the week at most one rate.",
                            )
                    taken.append((a, b, str(window)))
                    pieces.append((a, b, rate / 3600.0))
        else:
            pieces.append((0.0, 7 * 86400.0, _rate(per_hour, f"{k}.per_hour") / 3600.0))
        if calendar is not None:
            open_ = calendar.week_intervals
            pieces = [
                (lo, hi, level) for a, b, level in pieces for lo, hi in _intersect([(a, b)], open_)
            ]
        self._offset = week_origin(start)[1]
        self._pattern = StepPattern(pieces, holiday_windows(start, self.holidays))
        self._scale = 1.0

    def next_arrival(self, t: float, rng: np.random.Generator) -> float:
        """The next arrival after ``t``: exact inversion of the integrated rate."""
        need = rng.exponential()
        if self._scale <= 0:
            return math.inf
        x = self._pattern.inverse(need / self._scale, t + self._offset)
        return max(t, x - self._offset)

    def sampler(self, rng: np.random.Generator) -> Callable[[float], float]:
        """``next_arrival`` bound to ``rng``: ``sampler(rng)(t)`` is the next arrival after
        ``t``, the same number as ``next_arrival(t, rng)`` for the same draws, at a fraction
        of the cost (the draws come in blocks, the inverse from
        :meth:`~bpsim.scenario.weekly.StepPattern.inverter`). It draws ahead from ``rng``:
        give it a generator of its own."""
        if self._scale <= 0:
            return lambda t: math.inf
        invert, offset, scale = self._pattern.inverter(), self._offset, self._scale
        draws = chain.from_iterable(
            map(lambda _: rng.exponential(size=_BLOCK).tolist(), count())
        ).__next__

        def next_arrival(t: float) -> float:
            x = invert(draws() / scale, t + offset) - offset
            return x if x > t else t  # max(t, x)

        return next_arrival

    def rate(self, t: float) -> float:
        """Arrivals per **second** at ``t``."""
        return self._pattern.level(t + self._offset) * self._scale

    def expected(self, t0: float, t1: float) -> float:
        """Expected number of arrivals in ``[t0, t1)``: the integrated rate."""
        if t1 <= t0:
            return 0.0
        p = self._pattern
        return (p.integral(t1 + self._offset) - p.integral(t0 + self._offset)) * self._scale

    @property
    def per_week(self) -> float:
        """Expected arrivals in a week without holidays."""
        return self._pattern.per_week * self._scale

    def scaled(self, factor: float) -> WeeklyRateProfile:
        """A copy whose rates are multiplied by ``factor`` (1.3 = 30 % more tickets)."""
        if not (factor >= 0 and math.isfinite(factor)):
            raise ValueError(f"factor must be finite and >= 0, got {factor}")
        copy = object.__new__(WeeklyRateProfile)
        copy.__dict__.update(self.__dict__)
        copy._scale = self._scale * factor
        return copy

    def __repr__(self) -> str:
        cal = f", calendar={self.calendar.name!r}" if self.calendar else ""
        scale = f", scale={self._scale!r}" if self._scale != 1.0 else ""
        return f"WeeklyRateProfile(per_hour={self.per_hour!r}{cal}{scale})"
