"""Durations: the human strings a service desk writes ("4h", "1h30m", "2d") as seconds.

A manager writes "the ticket must be taken in charge within 4 working hours", "a customer
answers after 2 days on average", "a call lasts 6 minutes". bpsim keeps every time as a float
number of **seconds**; this module is the one place that turns text into seconds and back.

Accepted forms (all non-negative):

==================  ===========================  ======================================
form                example                      seconds
==================  ===========================  ======================================
plain number        ``90``, ``12.5``, ``"90"``   taken as seconds
number + unit       ``"90s"``, ``"30m"``,        units ``s`` (sec, seconds), ``m`` (min,
                    ``"4h"``, ``"2d"``, ``"1w"``  minutes), ``h`` (hr, hours), ``d`` (days),
                                                 ``w`` (weeks); ``ms`` for milliseconds
compound            ``"1h30m"``, ``"1h 30m"``,   parts add up; decimals allowed
                    ``"1.5h"``, ``"2d 4h"``
ISO 8601            ``"PT2H"``, ``"P5D"``,       as in BPMN timer events; ``P1M`` = 30 days,
                    ``"P1DT2H30M"``, ``"P2W"``   ``P1Y`` = 365 days (by convention)
==================  ===========================  ======================================

``"09:30"`` is a *time of day*, not a duration, and is refused with a hint.

**Working days** (``"2wd"``, ``"1.5wd"``, ``"2wd 4h"``) count the days a *calendar* is open:
they mean something only on a calendar (SLA targets), so only
:func:`parse_calendar_duration` accepts them; it returns a :class:`CalendarDuration` that
remembers the working days and the units written, and the scenario binds it to the SLA's
calendar (``2wd`` on an office open 9 h a day = 18 h of office time).

>>> parse_duration("1h30m")
5400.0
>>> format_duration(7500)
'2h 05m'
"""

from __future__ import annotations

import math
import re
from numbers import Real

from bpsim.errors import ScenarioError

__all__ = ["parse_duration", "parse_calendar_duration", "CalendarDuration", "format_duration",
           "duration_text", "UNITS", "ACCEPTED", "WORKING_DAY_UNITS"]

#: Spellings of the working-day unit (a day the calendar is open).
WORKING_DAY_UNITS = {"wd", "workday", "workdays", "working_day", "working_days"}


class CalendarDuration(float):
    """Seconds of calendar time, remembering how they were written.

    ``float(x)`` is the seconds of the plain units (``h``, ``m``, ``d``...) plus, once bound
    to a calendar, the working days times the calendar's working-day length.
    ``working_days``: the ``wd`` part; ``plain``: the seconds of the other units;
    ``units``: the unit words used (``{"d"}`` for ``"2d"``); ``text``: as written.
    """

    working_days: float
    plain: float
    units: frozenset
    text: str

    def __new__(cls, seconds: float, *, working_days: float = 0.0, plain: float | None = None,
                units=frozenset(), text: str = ""):
        obj = super().__new__(cls, seconds)
        obj.working_days = float(working_days)
        obj.plain = float(seconds if plain is None else plain)
        obj.units = frozenset(units)
        obj.text = text
        return obj

    def __reduce__(self):
        return (_calendar_duration, (float(self), self.working_days, self.plain,
                                     tuple(self.units), self.text))

    def on(self, day_seconds: float) -> CalendarDuration:
        """This duration with each working day ``day_seconds`` long."""
        return CalendarDuration(self.plain + self.working_days * day_seconds,
                                working_days=self.working_days, plain=self.plain,
                                units=self.units, text=self.text)


def _calendar_duration(seconds, working_days, plain, units, text):
    return CalendarDuration(seconds, working_days=working_days, plain=plain, units=units,
                            text=text)

#: Seconds per unit, by every spelling accepted.
UNITS: dict[str, float] = {
    "ms": 0.001,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "w": 604800.0, "wk": 604800.0, "week": 604800.0, "weeks": 604800.0,
}  # fmt: skip

#: One line describing the accepted forms, used in error hints.
ACCEPTED = (
    'a number of seconds (90), a number with a unit ("90s", "30m", "4h", "2d", "1w"), '
    'a compound ("1h30m", "1.5h") or an ISO 8601 duration ("PT2H", "P5D")'
)

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PART = re.compile(rf"\s*({_NUMBER})\s*([a-zA-Z]+)\s*")
_ISO = re.compile(
    rf"^P(?!$)(?:({_NUMBER})Y)?(?:({_NUMBER})M)?(?:({_NUMBER})W)?(?:({_NUMBER})D)?"
    rf"(?:T(?!$)(?:({_NUMBER})H)?(?:({_NUMBER})M)?(?:({_NUMBER})S)?)?$"
)
_ISO_UNITS = (365 * 86400.0, 30 * 86400.0, 604800.0, 86400.0, 3600.0, 60.0, 1.0)
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def _error(text: object, why: str, key: str | None) -> ScenarioError:
    return ScenarioError(f"{text!r} is not a duration: {why}.", key=key, hint=f"write {ACCEPTED}.")


def parse_duration(value: object, *, key: str | None = None) -> float:
    """Seconds in a duration given as a number or a human string.

    Parameters
    ----------
    value : float, int or str
        ``90``, ``"90s"``, ``"30m"``, ``"4h"``, ``"2d"``, ``"1w"``, ``"1h30m"``, ``"1.5h"``,
        ``"PT2H"``, ``"P5D"``. Numbers (and numeric strings) are seconds.
    key : str, optional
        Dotted scenario key, put on the error when the value is refused.

    Returns
    -------
    float
        Non-negative seconds.

    Raises
    ------
    ScenarioError
        When the text is not a duration (names the text and the accepted forms).

    Examples
    --------
    >>> parse_duration("90s"), parse_duration("1.5h"), parse_duration("P5D")
    (90.0, 5400.0, 432000.0)
    """
    if isinstance(value, bool):
        raise _error(value, "a yes/no value is not a time", key)
    if isinstance(value, Real):
        seconds = float(value)
        if math.isnan(seconds) or seconds < 0:
            raise _error(value, "durations are non-negative numbers", key)
        return seconds
    if not isinstance(value, str):
        raise _error(value, f"expected text or a number, got {type(value).__name__}", key)
    text = value.strip()
    if not text:
        raise _error(value, "it is empty", key)
    if text.startswith("-"):
        raise _error(value, "durations cannot be negative", key)
    if _CLOCK.match(text):
        raise ScenarioError(
            f"{value!r} is a time of day (HH:MM), not a duration.",
            key=key,
            hint=f'write the length of time instead, e.g. "1h30m" for 01:30; accepted: {ACCEPTED}.',
        )
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isnan(seconds) or math.isinf(seconds):
            raise _error(value, "not a finite number", key)
        return seconds
    if text[:1] in "pP":
        match = _ISO.match(text.upper())
        if not match:
            raise _error(value, "malformed ISO 8601 duration (e.g. PT2H, P5D, P1DT2H30M)", key)
        return sum(float(g) * u for g, u in zip(match.groups(), _ISO_UNITS) if g is not None)
    total, _wd, _units = _parts(value, text, key)
    if _wd:
        raise ScenarioError(
            f"{value!r} counts working days, which only a calendar has.", key=key,
            hint='working days ("2wd") are for SLA targets on a calendar; here write hours '
                 'or days of wall-clock time ("18h", "2d").')
    return total


def _parts(value: object, text: str, key: str | None) -> tuple[float, float, set[str]]:
    """(seconds of the plain units, working days, unit words) of a compound duration."""
    total, wd, units, pos = 0.0, 0.0, set(), 0
    while pos < len(text):
        part = _PART.match(text, pos)
        if not part:
            raise _error(value, f"cannot read {text[pos:]!r}", key)
        number, unit = part.groups()
        word = unit.lower()
        if word in WORKING_DAY_UNITS:
            wd += float(number)
            units.add("wd")
            pos = part.end()
            continue
        factor = UNITS.get(word)
        if factor is None:
            raise _error(value, f"unknown unit {unit!r} (use s, m, h, d, w; wd on a calendar)",
                         key)
        total += float(number) * factor
        units.add({86400.0: "d", 604800.0: "w"}.get(factor, word))
        pos = part.end()
    return total, wd, units


def parse_calendar_duration(value: object, *, key: str | None = None) -> CalendarDuration:
    """A duration on a calendar (an SLA target): as :func:`parse_duration`, plus working days
    (``"2wd"``); the result remembers the working days, the units and the text (see
    :class:`CalendarDuration`). Until bound to a calendar a working day counts 24 h.

    >>> d = parse_calendar_duration("2wd")
    >>> d.working_days, float(d.on(9 * 3600)) / 3600
    (2.0, 18.0)
    """
    text = value.strip() if isinstance(value, str) else None
    if text and text[:1] not in "pP" and not _CLOCK.match(text) and not text.startswith("-"):
        try:
            float(text)
        except ValueError:
            total, wd, units = _parts(value, text, key)
            return CalendarDuration(total + wd * 86400.0, working_days=wd, plain=total,
                                    units=units, text=text)
    seconds = parse_duration(value, key=key)
    return CalendarDuration(seconds, text=str(value))


def format_duration(seconds: float) -> str:
    """A short human rendering for reports: ``"45s"``, ``"5m 30s"``, ``"2h 05m"``, ``"3d 04h"``.

    Rounded to the shown precision; ``inf`` -> ``"never"``, NaN -> ``"n/a"``.

    >>> format_duration(45), format_duration(330), format_duration(7500), format_duration(273600)
    ('45s', '5m 30s', '2h 05m', '3d 04h')
    """
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "n/a"
    seconds = float(seconds)
    if math.isinf(seconds):
        return "never" if seconds > 0 else "-never"
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    if s < 10 and s != int(s):
        return f"{sign}{s:.1f}s"
    if s < 59.5:
        return f"{sign}{round(s)}s"
    if s < 3600 - 0.5:
        m, r = divmod(round(s), 60)
        return f"{sign}{m}m {r:02d}s"
    if s < 86400 - 30:
        h, r = divmod(round(s / 60), 60)
        return f"{sign}{h}h {r:02d}m"
    d, r = divmod(round(s / 3600), 24)
    return f"{sign}{d}d {r:02d}h"


def duration_text(seconds: float) -> str:
    """An exact, parseable rendering: ``5400.0`` -> ``"1h30m"``, ``0.25`` -> ``"0.25s"``.

    ``parse_duration(duration_text(x)) == x`` for every finite non-negative ``x``.

    >>> duration_text(5400.0), duration_text(86400 * 5), duration_text(90.5)
    ('1h30m', '5d', '90.5s')
    """
    seconds = float(seconds)
    if seconds != int(seconds) or seconds < 0:
        return f"{seconds!r}s"
    rest, parts = int(seconds), []
    if rest == 0:
        return "0s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
