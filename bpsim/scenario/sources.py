"""Calendars, rate profiles and arrival traces: the scenario's time-dependent inputs.

Built once per scenario, anchored at its ``start``: the calendars by name (``office``, and
the built-in ``24/7``), the weekly rate profiles of the arrival channels, and recorded arrival
times read from CSV files next to the scenario file. :func:`check_form` runs the checks that
need no process when a scenario is loaded or built.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpsim.errors import ScenarioError
from bpsim.scenario.calendar import WeeklyCalendar
from bpsim.scenario.lookup import ALWAYS, scenario_error
from bpsim.scenario.profile import WeeklyRateProfile

if TYPE_CHECKING:
    # binding needs the scenario's data and its error locations, not the loading API of
    # bpsim.scenario.core (which imports this module): the schema model has both
    from bpsim.scenario.schema import ScenarioModel as Scenario
    from bpsim.scenario.spec import Calendar

__all__ = ["build_calendars", "calendar_named", "read_trace", "build_profile", "check_form"]


def calendar_named(scenario: Scenario, calendars: dict, name: str | None, loc: tuple):
    if name is None:
        return None
    if name in calendars:
        return calendars[name]
    if name.strip().lower() in ALWAYS:
        return WeeklyCalendar(name, scenario.start, hours="24/7")
    close = difflib.get_close_matches(name, list(calendars), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise scenario_error(
        scenario,
        f"no calendar is named {name!r}.",
        loc,
        hint=hint + f"define it under calendars: (known: {', '.join(calendars) or 'none'}; "
        "'24/7' needs no definition).",
    )


#: Column names a trace CSV may have (lower case): arrival time, priority class.
TRACE_TIME_COLUMNS = ("time", "timestamp")
TRACE_CLASS_COLUMNS = ("priority", "class")
#: Identifier columns: a row label, which changes nothing in the run.
TRACE_ID_COLUMNS = ("id", "case", "ticket", "case_id", "ticket_id")


def read_trace(scenario: Scenario, value: Any, loc: tuple) -> list[float]:
    """Arrival times (seconds since the start, sorted) of a ``trace:`` list or CSV file."""
    return read_trace_rows(scenario, value, loc)[0]


def read_trace_rows(scenario: Scenario, value: Any,
                    loc: tuple) -> tuple[list[float], list[str] | None]:
    """``(times, classes)`` of a ``trace:``: times in seconds since the start, sorted;
    ``classes`` the priority class of each arrival (a ``priority`` or ``class`` column) or
    ``None``. Times with a UTC offset (``2026-01-05T09:12:00+01:00``) are converted to the
    scenario's ``timezone:`` (an error without one); any other column is refused by name."""
    start = scenario.start.replace(tzinfo=None)
    zone = getattr(scenario, "timezone", None)

    def when(text: Any, where: str) -> float:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            return float(text)
        s = text if isinstance(text, dt.datetime) else str(text).strip()
        if not isinstance(s, dt.datetime):
            try:
                return float(s)
            except ValueError:
                pass
            try:
                s = dt.datetime.fromisoformat(s)
            except ValueError:
                raise scenario_error(
                    scenario,
                    f"{where}: {s!r} is neither seconds nor an ISO date-time.",
                    loc,
                    hint="write one time per line: seconds since the start, or 2026-01-05T09:12:00.",
                ) from None
        if s.tzinfo is not None:
            if not zone:
                raise scenario_error(
                    scenario, f"{where}: {text!s} carries a UTC offset, but the scenario has no "
                    "timezone: to convert it to the desk's local time.", loc,
                    hint="add timezone: (e.g. timezone: Europe/Rome) to the scenario, or write "
                    "local times without an offset.")  # fmt: skip
            from zoneinfo import ZoneInfo

            s = s.astimezone(ZoneInfo(zone))
        return (s.replace(tzinfo=None) - start).total_seconds()

    classes: list[str] | None = None
    if isinstance(value, list):
        times = [when(v, f"trace item {i + 1}") for i, v in enumerate(value)]
    else:
        base = Path(scenario.source).parent if scenario.source else Path.cwd()
        path = base / value
        text = _read_trace(scenario, path, loc)
        rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
        column, first, cls_column = 0, 0, None
        if rows:
            header = [c.strip().lower() for c in rows[0]]
            named = [i for i, c in enumerate(header) if c in TRACE_TIME_COLUMNS]
            if named:
                column, first = named[0], 1
                by_class = [i for i, c in enumerate(header) if c in TRACE_CLASS_COLUMNS]
                cls_column = by_class[0] if by_class else None
                other = [rows[0][i].strip() for i, c in enumerate(header)
                         if i != column and i != cls_column and c and c not in TRACE_ID_COLUMNS]
                if other:
                    raise scenario_error(
                        scenario, f"trace file {value!r} has column(s) bpsim does not read: "
                        f"{', '.join(map(repr, other))}.", loc,
                        hint="a trace has a time (or timestamp) column, optionally a "
                        "priority (or class) column and an id column; remove the others.")  # fmt: skip
            elif len(header) > 1:
                raise scenario_error(
                    scenario, f"trace file {value!r} has several columns but none named time or timestamp.",
                    loc, hint="name the column of arrival times 'time' or 'timestamp' (and the "
                    "priority class column 'priority').",
                )  # fmt: skip
        body = rows[first:]
        times = [when(r[column], f"{value}:{i + 1 + first}") for i, r in enumerate(body)]
        if cls_column is not None:
            classes = []
            for i, r in enumerate(body):
                c = r[cls_column].strip() if cls_column < len(r) else ""
                if not c:
                    raise scenario_error(
                        scenario, f"{value}:{i + 1 + first}: the priority column is empty.",
                        loc, hint="give every row its class (e.g. P2).")  # fmt: skip
                classes.append(c)
        if not times:
            raise scenario_error(
                scenario, f"trace file {str(path)!r} holds no arrival times"
                + (" (only a header)." if rows else " (it is empty)."), loc,
                hint="write one arrival time per line: seconds since the start, or "
                "2026-01-05T09:12:00.")
    if any(t < 0 for t in times):
        raise scenario_error(
            scenario, "the trace has arrivals before the scenario start.", loc,
            hint="move start earlier or drop those rows.",
        )  # fmt: skip
    order = sorted(range(len(times)), key=times.__getitem__)
    return [times[i] for i in order], (None if classes is None else [classes[i] for i in order])


#: Largest trace CSV bpsim reads (bytes): about 10 million arrival times.
MAX_TRACE_BYTES = 256 * 1024 * 1024


def _read_trace(scenario: Any, path: Path, loc: tuple) -> str:
    """The text of a trace CSV: a regular file of bounded size, in UTF-8 (a BOM is fine)."""
    from bpsim._paths import read_limited

    try:
        data = read_limited(path, MAX_TRACE_BYTES, what="trace file", error=ScenarioError)
    except ScenarioError as exc:
        raise scenario_error(
            scenario, f"cannot read trace file {str(path)!r}: {exc.message}", loc,
            hint="give a CSV path relative to the scenario file.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise scenario_error(
            scenario, f"trace file {str(path)!r} is not UTF-8 text (byte {exc.start:,}, line "
            f"{line}).", loc, hint="save the CSV as UTF-8 (in Excel: CSV UTF-8).") from None


def _suffix(exc: ScenarioError, prefix: str) -> tuple[str, ...]:
    key = exc.key or prefix
    rest = key[len(prefix) :].lstrip(".") if key.startswith(prefix) else ""
    return tuple(rest.split(".", 1)) if rest else ()


def build_calendars(s: Scenario) -> dict[str, Calendar]:
    """Every calendar of the scenario, anchored at its start (errors at their key/line)."""
    calendars: dict[str, Calendar] = {}
    for name, c in s.calendars.items():
        prefix = f"calendars.{name}"
        try:
            calendars[name] = WeeklyCalendar(name, s.start, c.days, c.hours, c.holidays, key=prefix)
        except ScenarioError as exc:
            raise s.error(
                exc.message, ("calendars", name, *_suffix(exc, prefix)), exc.hint
            ) from None
    return calendars


def build_profile(s: Scenario, p: Any, cal: WeeklyCalendar | None, loc: tuple) -> WeeklyRateProfile:
    try:
        return WeeklyRateProfile(s.start, p.per_hour, cal, p.holidays, key="profile")
    except ScenarioError as exc:
        raise s.error(exc.message, (*loc, "profile", *_suffix(exc, "profile")), exc.hint) from None


def check_form(s: Scenario) -> None:
    """The checks that need no process: calendars and profiles build, every calendar, role
    and class a key names exists. Run when a scenario is loaded or built."""
    calendars = build_calendars(s)
    classes = s.class_order()
    mixed = [k for k, a in s.arrivals.items() if a.classes]
    for key, a in s.arrivals.items():
        loc = ("arrivals", key)
        if mixed and not a.classes:
            raise s.error(
                f"this channel has no priority mix while {mixed[0]!r} has one.",
                loc,
                f"add classes: {{...}} here too (classes: {', '.join(classes)}).",
            )
        if a.profile is not None:
            cal = calendar_named(s, calendars, a.profile.calendar, (*loc, "profile", "calendar"))
            build_profile(s, a.profile, cal, loc)
        for c in a.classes or {}:
            if c not in classes:
                raise s.error(f"class {c!r} is not in the classes: list ({', '.join(classes)}).",
                              (*loc, "classes", c), "add it to classes: or fix the name.")  # fmt: skip
    for name, r in s.roles.items():
        calendar_named(s, calendars, r.calendar, ("roles", name, "calendar"))
        for i, sh in enumerate(r.shifts or ()):
            calendar_named(s, calendars, sh.calendar, ("roles", name, "shifts", i, "calendar"))
    for i, sla in enumerate(s.slas):
        calendar_named(s, calendars, sla.calendar, ("slas", i, "calendar"))
    for key, t in s.tasks.items():
        for role in [t.role] if not isinstance(t.role, list) else t.role:
            if role is None or role in s.roles:
                continue
            close = difflib.get_close_matches(role, list(s.roles), n=1)
            raise s.error(f"no role is named {role!r}.", ("tasks", key, "role"),
                          (f"did you mean {close[0]!r}? " if close else "")
                          + f"define it under roles: (known: {', '.join(s.roles) or 'none'}), "
                          "or write role: null for automatic work.")  # fmt: skip
