"""The week as a repeating pattern: opening hours and hourly rates on the simulation clock.

A service desk lives by the week: open Monday to Friday 09:00-18:00, e-mails pouring in on
Monday morning, nobody on the phone at night. Both calendars (open or closed) and arrival
profiles (so many tickets per hour) are *piecewise-constant weekly patterns* with exceptions
(holidays: closed all day). This module holds the shared machinery:

* :func:`parse_days` / :func:`parse_hours` / :func:`parse_window` read ``"mon-fri"``,
  ``"09:00-12:30, 13:30-18:00"``, ``"22:00-06:00"`` (overnight), ``"mon-fri 09-12"``;
* :class:`StepPattern` holds a level per stretch of the week (1/0 for a calendar, tickets per
  second for a profile), and answers in O(log n) "how much level has accumulated by time x"
  (:meth:`StepPattern.integral`) and its inverse (:meth:`StepPattern.inverse`), skipping whole
  weeks arithmetically and holidays one by one.

Week time ``u`` counts seconds from the Monday 00:00 of the week holding the scenario start;
``u = t + offset`` for simulation time ``t``. Times are wall-clock (no daylight-saving shifts).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator

from bpsim.errors import ScenarioError

__all__ = [
    "DAY",
    "WEEK",
    "DAY_NAMES",
    "parse_days",
    "parse_hours",
    "parse_window",
    "week_origin",
    "holiday_windows",
    "StepPattern",
]

DAY = 86400.0
WEEK = 7 * DAY
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORDS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "tues": 1, "thur": 3, "thurs": 3, "weds": 2,
}  # fmt: skip
_DAY_GROUPS = {
    "daily": range(7), "all": range(7), "everyday": range(7), "weekdays": range(5),
    "workdays": range(5), "weekend": (5, 6), "weekends": (5, 6),
}  # fmt: skip
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$")
_ALWAYS = {"24/7", "always", "24h", "all day", "allday"}


def _bad(what: str, text: object, hint: str, key: str | None) -> ScenarioError:
    return ScenarioError(f"cannot read {text!r} as {what}.", key=key, hint=hint)


def _day(word: str, text: object, key: str | None) -> int:
    w = word.strip().lower()
    if w[:3] in DAY_NAMES and (len(w) == 3 or w in _DAY_WORDS):
        return DAY_NAMES.index(w[:3])
    if w in _DAY_WORDS:
        return _DAY_WORDS[w]
    raise _bad("days", text, 'write days as "mon-fri", "mon,wed,fri", "sat-sun" or "daily".', key)


def parse_days(text: str | Iterable[str], *, key: str | None = None) -> list[int]:
    """Weekday numbers (Monday = 0) from ``"mon-fri"``, ``"mon, wed, fri"``, ``"fri-mon"``
    (wraps), ``"weekdays"``, ``"weekend"``, ``"daily"`` or a list of such strings.

    >>> parse_days("mon-fri"), parse_days("sat-mon"), parse_days(["mon", "thu"])
    ([0, 1, 2, 3, 4], [0, 5, 6], [0, 3])
    """
    parts = [text] if isinstance(text, str) else list(text)
    days: set[int] = set()
    for part in parts:
        if not isinstance(part, str):
            raise _bad("days", text, 'write days as text, e.g. "mon-fri".', key)
        for token in re.split(r"[,\s]+", part.strip()):
            if not token:
                continue
            low = token.lower()
            if low in _DAY_GROUPS:
                days.update(_DAY_GROUPS[low])
            elif "-" in low:
                a, _, b = low.partition("-")
                i, j = _day(a, text, key), _day(b, text, key)
                days.update(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
            else:
                days.add(_day(low, text, key))
    if not days:
        raise _bad("days", text, 'name at least one day, e.g. "mon-fri".', key)
    return sorted(days)


def _clock(word: str, text: object, key: str | None) -> float:
    m = _CLOCK.match(word.strip())
    hint = 'write hours as "09:00-18:00", "9-18" or "09:00-12:30, 13:30-18:00".'
    if not m:
        raise _bad("opening hours", text, hint, key)
    h, mi, s = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if mi > 59 or s > 59 or h > 24 or (h == 24 and (mi or s)):
        raise _bad("opening hours", text, hint, key)
    return h * 3600.0 + mi * 60.0 + s


def parse_hours(text: str | Iterable[str], *, key: str | None = None) -> list[tuple[float, float]]:
    """Opening ranges of one day as (start, end) seconds after midnight; ``end`` may pass
    midnight (overnight ranges such as ``"22:00-06:00"`` give ``(79200, 108000)``).

    ``"24/7"``, ``"always"`` or ``"00:00-24:00"`` is the whole day; ``"closed"`` none.

    >>> parse_hours("09:00-12:30, 13:30-18:00")
    [(32400.0, 45000.0), (48600.0, 64800.0)]
    """
    parts = [text] if isinstance(text, str) else list(text)
    ranges: list[tuple[float, float]] = []
    for part in parts:
        if not isinstance(part, str):
            raise _bad("opening hours", text, 'write hours as text, e.g. "09:00-18:00".', key)
        for token in part.split(","):
            token = token.strip().lower()
            if not token or token in ("closed", "none"):
                continue
            if token in _ALWAYS:
                ranges.append((0.0, DAY))
                continue
            a, sep, b = token.partition("-")
            if not sep:
                raise _bad(
                    "opening hours", text, 'give a range "from-to", e.g. "09:00-18:00".', key
                )
            start, end = _clock(a, text, key), _clock(b, text, key)
            if start >= DAY:
                raise _bad("opening hours", text, "a range starts before 24:00.", key)
            if end <= start:  # overnight, or the same time = a full day
                end += DAY
            ranges.append((start, end))
    return ranges


def parse_window(text: str, *, key: str | None = None) -> list[tuple[float, float]]:
    """Week intervals of ``"mon-fri 09-12"``, ``"sat"`` (whole days) or ``"09-12"`` (every
    day), as sorted, merged (start, end) seconds of the week."""
    words = text.strip().split(None, 1)
    if words and re.match(r"^\d", words[0]):
        return week_intervals(range(7), parse_hours(text, key=key))
    days = parse_days(words[0] if words else "", key=key)
    hours = parse_hours(words[1], key=key) if len(words) > 1 else [(0.0, DAY)]
    return week_intervals(days, hours)


def week_intervals(
    days: Iterable[int], hours: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Merged week intervals of ``hours`` on each of ``days`` (wrapping Sunday night)."""
    raw: list[tuple[float, float]] = []
    for d in days:
        for s, e in hours:
            a, b = d * DAY + s, d * DAY + e
            if b > WEEK:
                raw += [(a, WEEK), (0.0, b - WEEK)]
            else:
                raw.append((a, b))
    return _merge(raw)


def _merge(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def week_origin(start: dt.datetime) -> tuple[dt.datetime, float]:
    """The Monday 00:00 of ``start``'s week and the seconds from it to ``start``."""
    naive = start.replace(tzinfo=None)
    monday = dt.datetime.combine(naive.date() - dt.timedelta(days=naive.weekday()), dt.time())
    return monday, (naive - monday).total_seconds()


def to_date(value: object, *, key: str | None = None) -> dt.date:
    """A date from ``date``, ``datetime`` or ``"2026-01-06"``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _bad("a date", value, "write dates as YYYY-MM-DD, e.g. 2026-01-06.", key) from None


def holiday_windows(start: dt.datetime, holidays: Iterable[object], *, key: str | None = None):
    """Merged (start, end) week-time windows of whole holiday dates."""
    monday, _ = week_origin(start)
    windows = []
    for h in holidays or ():
        days = (to_date(h, key=key) - monday.date()).days
        windows.append((days * DAY, days * DAY + DAY))
    return _merge(windows)


class StepPattern:
    """A non-negative level, constant on stretches of the week, repeating every week, and 0
    inside holiday windows. ``levels[i]`` holds on ``[edges[i], edges[i+1])``."""

    def __init__(
        self,
        pieces: Iterable[tuple[float, float, float]],
        holidays: Iterable[tuple[float, float]] = (),
    ) -> None:
        edges: list[float] = [0.0]
        levels: list[float] = []
        for a, b, level in sorted(pieces):
            if level < 0 or not math.isfinite(level):
                raise ValueError(f"level must be finite and >= 0, got {level}")
            a, b = max(a, 0.0), min(b, WEEK)
            if b <= a:
                continue
            if a < edges[-1]:
                raise ValueError("pieces overlap")
            if a > edges[-1]:
                levels.append(0.0)
                edges.append(a)
            levels.append(float(level))
            edges.append(b)
        if edges[-1] < WEEK:
            levels.append(0.0)
            edges.append(WEEK)
        # merge equal neighbours
        self.edges: list[float] = [edges[0]]
        self.levels: list[float] = []
        for i, level in enumerate(levels):
            if self.levels and self.levels[-1] == level:
                self.edges[-1] = edges[i + 1]
            else:
                self.levels.append(level)
                self.edges.append(edges[i + 1])
        self.cum = [0.0]
        for i, level in enumerate(self.levels):
            self.cum.append(self.cum[-1] + level * (self.edges[i + 1] - self.edges[i]))
        self.per_week = self.cum[-1]
        self.always = all(level > 0 for level in self.levels)
        self.hol_starts = [a for a, _ in holidays]
        self.hol_ends = [b for _, b in holidays]
        self.hol_cum = [0.0]
        #: ``_raw`` at each holiday's start and end (what :meth:`integral` subtracts).
        self._hol_raw: list[tuple[float, float]] = []
        for a, b in holidays:
            self._hol_raw.append((self._raw(a), self._raw(b)))
            self.hol_cum.append(self.hol_cum[-1] + self._raw(b) - self._raw(a))

    # -- integrals -------------------------------------------------------------------------
    def _segment(self, r: float) -> int:
        return min(bisect_right(self.edges, r) - 1, len(self.levels) - 1)

    @staticmethod
    def _split(u: float) -> tuple[int, float]:
        """Week number and offset in the week (``0 <= r < WEEK`` even when rounding bites)."""
        k = math.floor(u / WEEK)
        r = u - k * WEEK
        if r < 0:
            k, r = k - 1, r + WEEK
        if r >= WEEK:
            k, r = k + 1, r - WEEK
        return k, max(r, 0.0)

    def _raw(self, u: float) -> float:
        """Integral of the weekly pattern over [0, u), ignoring holidays."""
        # _split and _segment written out (the same operations: a hot path of the shifts)
        k = math.floor(u / WEEK)
        r = u - k * WEEK
        if r < 0:
            k, r = k - 1, r + WEEK
        if r >= WEEK:
            k, r = k + 1, r - WEEK
        if r < 0.0:  # max(r, 0.0)
            r = 0.0
        edges, levels = self.edges, self.levels
        i = bisect_right(edges, r) - 1
        if i >= len(levels):
            i = len(levels) - 1
        return k * self.per_week + self.cum[i] + levels[i] * (r - edges[i])

    def _raw_inverse(self, g: float) -> float:
        """Smallest u with _raw(u) >= g (per_week > 0)."""
        k = math.ceil(g / self.per_week) - 1
        r = g - k * self.per_week
        j = max(1, min(bisect_left(self.cum, r), len(self.cum) - 1))
        i = j - 1
        while self.levels[i] == 0:  # guards rounding at a boundary
            i += 1
        return k * WEEK + self.edges[i] + max(0.0, r - self.cum[i]) / self.levels[i]

    def _holiday_at(self, u: float) -> int:
        """Index of the holiday window holding ``u``, or -1."""
        j = bisect_right(self.hol_starts, u) - 1
        return j if j >= 0 and u < self.hol_ends[j] else -1

    def integral(self, u: float) -> float:
        """Level accumulated over [0, u) with holidays counting zero (negative for u < 0)."""
        total = self._raw(u)
        j = bisect_right(self.hol_starts, u) - 1
        if j >= 0:  # less the holidays before u: _raw(min(u, end)) - _raw(start) for the last
            start, end = self._hol_raw[j]
            total -= self.hol_cum[j] + (end if self.hol_ends[j] < u else total) - start
        return total

    def inverse(self, amount: float, u: float) -> float:
        """Smallest ``x >= u`` with ``integral(x) - integral(u) >= amount`` (``inf`` if never)."""
        if amount <= 0:
            return u
        pos, need = u, amount
        while True:
            if self.per_week <= 0:
                return math.inf
            j = self._holiday_at(pos)
            if j >= 0:
                pos = self.hol_ends[j]
                continue
            x = self._raw_inverse(self._raw(pos) + need)
            j = bisect_right(self.hol_starts, pos)
            if j < len(self.hol_starts) and self.hol_starts[j] < x:
                need -= self._raw(self.hol_starts[j]) - self._raw(pos)
                pos = self.hol_ends[j]
                continue
            return max(x, pos)

    def inverter(self) -> Callable[[float, float], float]:
        """A function equal to :meth:`inverse`, bit for bit, and cheaper per call.

        The arrival processes call the inverse once per ticket: this one holds the tables in
        local variables and does the week arithmetic of :meth:`_raw` and :meth:`_raw_inverse`
        in one frame (the same operations in the same order, so the same floats). When a
        holiday holds ``u`` or starts before the answer, it hands over to :meth:`inverse`."""
        edges, levels, cum, per_week = self.edges, self.levels, self.cum, self.per_week
        hol_starts, hol_ends, inverse = self.hol_starts, self.hol_ends, self.inverse
        last, top, n_hol = len(levels) - 1, len(cum) - 1, len(hol_starts)
        floor, ceil, week = math.floor, math.ceil, WEEK
        if per_week <= 0:
            return inverse

        def invert(amount: float, u: float) -> float:
            # max/min spelled as comparisons: max(a, b) is a unless b > a, the same floats
            if amount <= 0:
                return u
            j = bisect_right(hol_starts, u)
            if j and u < hol_ends[j - 1]:  # inside a holiday
                return inverse(amount, u)
            k = floor(u / week)  # _raw(u), as _split and _segment do it
            r = u - k * week
            if r < 0:
                k, r = k - 1, r + week
            if r >= week:
                k, r = k + 1, r - week
            if r < 0.0:
                r = 0.0
            i = bisect_right(edges, r) - 1
            if i > last:
                i = last
            g = k * per_week + cum[i] + levels[i] * (r - edges[i]) + amount
            k = ceil(g / per_week) - 1  # _raw_inverse(g)
            r = g - k * per_week
            i = bisect_left(cum, r)
            if i > top:
                i = top
            i = i - 1 if i > 1 else 0
            while levels[i] == 0:
                i += 1
            d = r - cum[i]
            if not d > 0.0:
                d = 0.0
            x = k * week + edges[i] + d / levels[i]
            if j < n_hol and hol_starts[j] < x:  # a holiday on the way
                return inverse(amount, u)
            return u if u > x else x

        return invert

    # -- walking ----------------------------------------------------------------------------
    def level(self, u: float) -> float:
        """The level at week time ``u`` (0 inside a holiday)."""
        if self._holiday_at(u) >= 0:
            return 0.0
        return self.levels[self._segment(self._split(u)[1])]

    def segments(self, u: float) -> Iterator[tuple[float, float, float]]:
        """Consecutive ``(a, b, level)`` stretches from ``u`` on (holidays at level 0)."""
        pos = u
        while True:
            j = self._holiday_at(pos)
            if j >= 0:
                yield pos, self.hol_ends[j], 0.0
                pos = self.hol_ends[j]
                continue
            k, r = self._split(pos)
            i = self._segment(r)
            end = k * WEEK + self.edges[i + 1]
            if end <= pos:  # rounding at a boundary
                i = (i + 1) % len(self.levels)
                k += 1 if i == 0 else 0
                end = k * WEEK + self.edges[i + 1]
            nxt = bisect_right(self.hol_starts, pos)
            if nxt < len(self.hol_starts):
                end = min(end, self.hol_starts[nxt])
            yield pos, end, self.levels[i]
            pos = end

    def next_positive(self, u: float) -> float:
        """``u`` when the level is positive at ``u``, else the next instant it becomes so."""
        if self.per_week <= 0:
            return math.inf
        for a, _b, level in self.segments(u):
            if level > 0:
                return a
        raise AssertionError("unreachable")

    def next_zero_after_positive(self, u: float) -> float:
        """The end of the positive stretch holding or following ``u``."""
        start = self.next_positive(u)
        if math.isinf(start):
            return math.inf
        if self.always:
            nxt = bisect_right(self.hol_starts, start)
            return self.hol_starts[nxt] if nxt < len(self.hol_starts) else math.inf
        end = start
        for a, b, level in self.segments(start):
            if level <= 0 or a > end:
                break
            end = b
        return end
