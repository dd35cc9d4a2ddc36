"""Calendars: when the desk is open, and how working time adds up.

"We take a ticket in charge within 4 working hours" means 4 hours *of the office calendar*:
a ticket that arrives on Friday at 17:00 in an office open Monday to Friday 09:00-18:00 has
used one hour by Friday evening and is due on Monday at 12:00. Staff shifts, SLA clocks and
rate profiles all follow such calendars.

A :class:`WeeklyCalendar` is a weekly pattern of opening hours plus closed dates (holidays),
anchored at the scenario start: simulation time 0.0 is ``start`` (any datetime; its weekday
and time of day matter). It implements the :class:`~bpsim.scenario.spec.Calendar` protocol:

>>> import datetime as dt
>>> office = WeeklyCalendar("office", dt.datetime(2026, 1, 5), days="mon-fri", hours="09:00-18:00")
>>> friday_17 = 4 * 86400 + 17 * 3600
>>> due = office.add_working(friday_17, 4 * 3600)
>>> office.datetime(due)
datetime.datetime(2026, 1, 12, 12, 0)
>>> office.working_time(friday_17, due) / 3600
4.0

Every method is exact and costs O(log n) plus one step per holiday crossed, whatever the
span: ``working_time`` over a year does not walk the year day by day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

from bpsim.errors import ScenarioError
from bpsim.scenario.weekly import (
    DAY,
    StepPattern,
    holiday_windows,
    parse_days,
    parse_hours,
    to_date,
    week_intervals,
    week_origin,
)

__all__ = ["WeeklyCalendar", "always_open"]

HoursSpec = str | Iterable[str] | Mapping[str, str | Iterable[str]]


class WeeklyCalendar:
    """Opening hours that repeat every week, with closed dates.

    Parameters
    ----------
    name : str
        The calendar's name in the scenario (``"office"``).
    start : datetime
        The scenario start: simulation time 0.0. Wall-clock time, no daylight-saving shifts.
    days : str or list of str, optional
        Open days, ``"mon-fri"`` (default), ``"mon,wed,fri"``, ``"daily"``. Leave out when
        ``hours`` is a mapping per day.
    hours : str, list of str or mapping, optional
        ``"09:00-18:00"`` (default), several ranges ``"09:00-12:30, 13:30-18:00"``, overnight
        ``"22:00-06:00"`` (belongs to the day it starts on), ``"24/7"`` / ``"always"``, or per
        day ``{"mon-thu": "09-18", "fri": "09-16"}``.
    holidays : iterable of dates, optional
        Dates (``date`` or ``"2026-01-06"``) on which the calendar is closed all day.
    key : str, optional
        Scenario key path used in error messages (``calendars.office``).

    Raises
    ------
    ScenarioError
        Unreadable days, hours or dates.
    """

    def __init__(
        self,
        name: str,
        start: dt.datetime,
        days: str | Iterable[str] | None = None,
        hours: HoursSpec = "09:00-18:00",
        holidays: Iterable[object] = (),
        *,
        key: str | None = None,
    ) -> None:
        self.name = name
        self.start = start
        self.days, self.hours = days, hours
        k = key or f"calendars.{name}"
        self.holidays = sorted({to_date(h, key=f"{k}.holidays") for h in holidays or ()})
        if isinstance(hours, Mapping):
            if days is not None:
                raise ScenarioError(
                    "give either days with one set of hours, or hours per day, not both.",
                    key=k,
                    hint='drop "days" and write hours: {mon-thu: "09-18", fri: "09-16"}.',
                )
            intervals: list[tuple[float, float]] = []
            seen: set[int] = set()
            for day_text, day_hours in hours.items():
                ds = parse_days(str(day_text), key=f"{k}.hours")
                if seen & set(ds):
                    raise ScenarioError(
                        f"day {day_text!r} is given hours twice.", key=f"{k}.hours",
                        hint="name each weekday in only one key.",
                    )  # fmt: skip
                seen |= set(ds)
                intervals += week_intervals(ds, parse_hours(day_hours, key=f"{k}.hours.{day_text}"))
        else:
            ranges = parse_hours(hours, key=f"{k}.hours")
            if days is None:
                always = ranges == [(0.0, DAY)] and str(hours).strip().lower() in ("24/7", "always")
                days = "daily" if always else "mon-fri"
            intervals = week_intervals(parse_days(days, key=f"{k}.days"), ranges)
        self.intervals = sorted(intervals)  # week time, may overlap: StepPattern needs merged
        merged: list[tuple[float, float]] = []
        for a, b in self.intervals:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        #: Merged open intervals of one week, seconds from Monday 00:00 (holidays aside).
        self.week_intervals = merged
        self._monday, self._offset = week_origin(start)
        self._pattern = StepPattern(
            [(a, b, 1.0) for a, b in merged], holiday_windows(start, self.holidays)
        )

    # -- protocol ---------------------------------------------------------------------------
    def is_open(self, t: float) -> bool:
        """Whether the calendar is open at ``t`` (seconds since start)."""
        return self._pattern.level(t + self._offset) > 0

    def next_open(self, t: float) -> float:
        """``t`` when open, else the next opening instant (``inf``: never again)."""
        if self.is_open(t):
            return t
        return self._pattern.next_positive(t + self._offset) - self._offset

    def next_close(self, t: float) -> float:
        """End of the open interval holding ``t``, else of the next one (``inf``: never)."""
        return self._pattern.next_zero_after_positive(t + self._offset) - self._offset

    def working_time(self, t0: float, t1: float) -> float:
        """Open seconds within ``[t0, t1]`` (0 when ``t1 <= t0``)."""
        if t1 <= t0:
            return 0.0
        if math.isinf(t1):
            return math.inf if self._pattern.per_week > 0 else 0.0
        p = self._pattern
        return max(0.0, p.integral(t1 + self._offset) - p.integral(t0 + self._offset))

    def add_working(self, t: float, seconds: float) -> float:
        """The instant at which ``seconds`` of open time have elapsed after ``t``.

        ``add_working(t, 0) == t``; a target reached exactly at closing time is that closing
        time (not the next morning); ``inf`` when the calendar never opens again.
        """
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        if seconds == 0:
            return t
        return max(t, self._pattern.inverse(seconds, t + self._offset) - self._offset)

    # -- helpers ----------------------------------------------------------------------------
    @property
    def open_per_week(self) -> float:
        """Open seconds in a week without holidays (45 h = 162000 s for 9-18 Mon-Fri)."""
        return self._pattern.per_week

    def datetime(self, t: float) -> dt.datetime:
        """The wall-clock datetime of simulation time ``t``."""
        return self.start.replace(tzinfo=None) + dt.timedelta(seconds=t)

    def seconds(self, when: dt.datetime) -> float:
        """Simulation time of a wall-clock datetime."""
        return (when.replace(tzinfo=None) - self.start.replace(tzinfo=None)).total_seconds()

    def open_intervals(self, t0: float, t1: float) -> list[tuple[float, float]]:
        """The open intervals clipped to ``[t0, t1)``, in order (for plots and staffing)."""
        out: list[tuple[float, float]] = []
        if t1 <= t0:
            return out
        for a, b, level in self._pattern.segments(t0 + self._offset):
            a, b = a - self._offset, b - self._offset
            if a >= t1 or (math.isinf(b) and level <= 0):
                break
            if level > 0:
                if out and out[-1][1] == a:
                    out[-1] = (out[-1][0], min(b, t1))
                else:
                    out.append((a, min(b, t1)))
        return out

    def __repr__(self) -> str:
        days = "" if self.days is None else f", days={self.days!r}"
        hol = f", holidays={[h.isoformat() for h in self.holidays]!r}" if self.holidays else ""
        return f"WeeklyCalendar({self.name!r}, start={self.start.isoformat()!r}{days}, hours={self.hours!r}{hol})"


def always_open(name: str, start: dt.datetime) -> WeeklyCalendar:
    """A calendar open around the clock, every day (``hours: 24/7``)."""
    return WeeklyCalendar(name, start, hours="24/7")


def working_day_seconds(calendar) -> float:
    """The length of one working day of ``calendar`` (the unit of ``"2wd"``): its open
    seconds in a week without holidays divided by the weekdays it opens on (9 h for
    Mon-Fri 09:00-18:00). ``None`` (the wall clock): 24 h."""
    if calendar is None:
        return DAY
    intervals = getattr(calendar, "week_intervals", None)
    per_week = getattr(calendar, "open_per_week", None)
    if intervals is None or not per_week:
        return DAY
    days = {int(a // DAY) for a, b in intervals if b > a}
    days |= {int((b - 1e-9) // DAY) for a, b in intervals if b > a}
    return float(per_week) / max(len(days), 1)
