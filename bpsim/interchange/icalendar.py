"""BPSim calendars: iCalendar (RFC 5545) text to bpsim weekly calendars, and back.

A BPSim ``Calendar`` element holds iCalendar text: one ``VEVENT`` per open period, repeated
by an ``RRULE`` (``FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`` or ``FREQ=DAILY``), with ``EXDATE``
for the days it does not happen. bpsim's calendars are weekly opening hours with closed
dates, so :func:`read_calendar` keeps exactly that: the recurring periods become hours per
weekday, the excluded dates become holidays, and anything else (one-off events, ``COUNT``,
``UNTIL``, ``INTERVAL`` > 1) is reported in the returned notes rather than ignored.
:func:`calendar_text` writes a :class:`~bpsim.scenario.calendar.WeeklyCalendar` back, one
event per open period of each weekday (periods cut at midnight).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

__all__ = ["read_calendar", "calendar_text"]

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY = 86400.0


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw.strip())
    return lines


def _when(value: str) -> dt.datetime | dt.date:
    value = value.strip().rstrip("Z")
    if re.fullmatch(r"\d{8}", value):
        return dt.datetime.strptime(value, "%Y%m%d").date()
    return dt.datetime.strptime(value[:15], "%Y%m%dT%H%M%S")


def _duration(value: str) -> float:
    m = re.fullmatch(r"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?",
                     value.strip())
    if not m:
        raise ValueError(value)
    w, d, h, mi, s = (int(x or 0) for x in m.groups()[1:])
    return float(((w * 7 + d) * 24 + h) * 3600 + mi * 60 + s)


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}" + (
        f":{seconds % 60:02d}" if seconds % 60 else "")


def read_calendar(text: str) -> tuple[dict[str, Any], list[str]]:
    """``({"hours": {...}, "holidays": [...]}, notes)`` from iCalendar text.

    ``hours`` maps weekdays (grouped when they share hours, ``"mon,tue,wed"``) to opening
    hours (``"09:00-12:30, 13:30-18:00"``); an empty calendar has no ``hours`` at all. Notes
    name what bpsim could not keep.
    """
    notes: list[str] = []
    events: list[dict[str, tuple[str, str]]] = []
    current: dict[str, tuple[str, str]] | None = None
    for line in _unfold(text):
        name_params, _, value = line.partition(":")
        name, _, params = name_params.partition(";")
        name = name.upper()
        if name == "BEGIN" and value.upper() == "VEVENT":
            current = {}
        elif name == "END" and value.upper() == "VEVENT":
            if current is not None:
                events.append(current)
            current = None
        elif current is not None:
            if name == "EXDATE" and "EXDATE" in current:
                current["EXDATE"] = (params, current["EXDATE"][1] + "," + value)
            else:
                current[name] = (params, value)
    per_day: dict[int, list[tuple[float, float]]] = defaultdict(list)
    holidays: set[dt.date] = set()
    for i, event in enumerate(events, 1):
        if "X-BPSIM-CLOSED" in event:  # bpsim's own: closed dates on days without hours
            for token in event["X-BPSIM-CLOSED"][1].split(","):
                try:
                    holidays.add(dt.datetime.strptime(token.strip(), "%Y%m%d").date())
                except ValueError:
                    notes.append(f"event {i}: unreadable closed date {token!r}")
            continue
        try:
            start = _when(event["DTSTART"][1])
        except (KeyError, ValueError):
            notes.append(f"event {i}: no readable DTSTART; left out")
            continue
        if not isinstance(start, dt.datetime):  # an all-day event
            start = dt.datetime.combine(start, dt.time())
            length = DAY
        elif "DTEND" in event:
            try:
                end = _when(event["DTEND"][1])
            except ValueError:
                notes.append(f"event {i}: unreadable DTEND; left out")
                continue
            end = end if isinstance(end, dt.datetime) else dt.datetime.combine(end, dt.time())
            length = (end - start).total_seconds()
        elif "DURATION" in event:
            try:
                length = _duration(event["DURATION"][1])
            except ValueError:
                notes.append(f"event {i}: unreadable DURATION; left out")
                continue
        else:
            length = 0.0
        if length <= 0:
            notes.append(f"event {i}: no duration; left out")
            continue
        rule = dict(
            part.split("=", 1) for part in event.get("RRULE", ("", ""))[1].upper().split(";")
            if "=" in part
        )
        freq = rule.get("FREQ")
        if freq not in ("WEEKLY", "DAILY"):
            notes.append(f"event {i} ({start:%Y-%m-%d %H:%M}) does not repeat weekly or daily; "
                         "bpsim calendars repeat every week, so it is left out")
            continue
        for unused in ("COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYSETPOS"):
            if unused in rule:
                notes.append(f"event {i}: RRULE {unused}={rule[unused]} not used (bpsim repeats "
                             "the week for the whole run)")
        if rule.get("INTERVAL", "1") != "1":
            notes.append(f"event {i}: RRULE INTERVAL={rule['INTERVAL']} not used (read as every "
                         "week/day)")
        if freq == "DAILY":
            days = list(range(7))
        elif "BYDAY" in rule:
            days = []
            for token in rule["BYDAY"].split(","):
                code = re.sub(r"^[+-]?\d+", "", token.strip())
                if code in _ICAL_DAYS:
                    days.append(_ICAL_DAYS.index(code))
        else:
            days = [start.weekday()]
        clock = start.hour * 3600 + start.minute * 60 + start.second
        for day in days:
            per_day[day].append((clock, clock + length))
        if "EXDATE" in event:
            for token in event["EXDATE"][1].split(","):
                try:
                    when = _when(token)
                except ValueError:
                    notes.append(f"event {i}: unreadable EXDATE {token!r}")
                    continue
                holidays.add(when if isinstance(when, dt.date) and not isinstance(
                    when, dt.datetime) else when.date())
    # cut at midnight into per-weekday hours
    hours: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for day, spans in per_day.items():
        for a, b in spans:
            offset = day * DAY + a
            finish = day * DAY + b
            while offset < finish:
                weekday = int(offset // DAY) % 7
                base = (offset // DAY) * DAY
                stop = min(finish, base + DAY)
                hours[weekday].append((offset - base, stop - base))
                offset = stop
    texts: dict[int, str] = {}
    for weekday, spans in hours.items():
        spans.sort()
        merged: list[list[float]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        texts[weekday] = ", ".join(f"{_clock(a)}-{_clock(b)}" for a, b in merged)
    grouped: dict[str, list[int]] = defaultdict(list)
    for weekday in sorted(texts):
        grouped[texts[weekday]].append(weekday)
    data: dict[str, Any] = {}
    if len(grouped) == 1:
        ((text, ds),) = grouped.items()
        data["days"], data["hours"] = _day_text(ds), text
    elif grouped:
        data["hours"] = {_day_text(ds): text for text, ds in grouped.items()}
    if holidays:
        data["holidays"] = sorted(holidays)
    return data, notes


def _day_text(days: list[int]) -> str:
    """``[0, 1, 2, 3, 4]`` -> ``"mon-fri"``; ``[0, 2, 4]`` -> ``"mon,wed,fri"``."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = [_DAYS[r[0]] if len(r) == 1 else
             (f"{_DAYS[r[0]]},{_DAYS[r[1]]}" if len(r) == 2 else f"{_DAYS[r[0]]}-{_DAYS[r[-1]]}")
             for r in runs]
    return ",".join(parts)


def calendar_text(calendar: Any, name: str) -> str:
    """iCalendar text for a weekly calendar (``week_intervals`` and ``holidays``)."""
    monday = dt.datetime(2026, 1, 5)  # any Monday: the events repeat weekly from it
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bpsim//BPSim calendar//EN"]
    holidays = sorted(getattr(calendar, "holidays", []) or [])
    n = 0
    for a, b in calendar.week_intervals:
        offset = a
        while offset < b:
            day_start = (offset // DAY) * DAY
            stop = min(b, day_start + DAY)
            start = monday + dt.timedelta(seconds=offset)
            end = monday + dt.timedelta(seconds=stop)
            weekday = int(offset // DAY) % 7
            n += 1
            lines += ["BEGIN:VEVENT", f"UID:{name}-{n}@bpsim",
                      f"SUMMARY:{name} open", f"DTSTART:{start:%Y%m%dT%H%M%S}",
                      f"DTEND:{end:%Y%m%dT%H%M%S}",
                      f"RRULE:FREQ=WEEKLY;BYDAY={_ICAL_DAYS[weekday]}"]
            mine = [h for h in holidays if h.weekday() == weekday]
            if mine:
                lines.append("EXDATE:" + ",".join(
                    f"{dt.datetime.combine(h, start.time()):%Y%m%dT%H%M%S}" for h in mine))
            lines.append("END:VEVENT")
            offset = stop
    # a holiday on a weekday without opening hours changes nothing, but keep it stated (other
    # tools ignore the X- property; bpsim reads it back)
    unused = [h for h in holidays
              if not any(int(a // DAY) % 7 == h.weekday() for a, _ in calendar.week_intervals)]
    if unused:
        lines += ["BEGIN:VEVENT", f"UID:{name}-closed@bpsim", f"SUMMARY:{name} closed",
                  f"DTSTART;VALUE=DATE:{unused[0]:%Y%m%d}",
                  "X-BPSIM-CLOSED:" + ",".join(f"{h:%Y%m%d}" for h in unused), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
