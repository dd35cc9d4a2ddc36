"""Calendars: opening hours on the simulation clock, exact working-time arithmetic."""

from __future__ import annotations

import datetime as dt
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpsim.errors import ScenarioError
from bpsim.scenario.calendar import WeeklyCalendar, always_open
from bpsim.scenario.spec import Calendar

H = 3600.0
D = 86400.0
MONDAY = dt.datetime(2026, 1, 5)  # a Monday


def at(cal: WeeklyCalendar, *args: int) -> float:
    return cal.seconds(dt.datetime(*args))


@pytest.fixture
def office() -> WeeklyCalendar:
    return WeeklyCalendar("office", MONDAY, days="mon-fri", hours="09:00-18:00")


def test_protocol(office):
    assert isinstance(office, Calendar)
    assert office.open_per_week == 5 * 9 * H


def test_acceptance_friday_17_plus_4_working_hours_is_monday_noon(office):
    friday_17 = at(office, 2026, 1, 9, 17)
    due = office.add_working(friday_17, 4 * H)
    assert office.datetime(due) == dt.datetime(2026, 1, 12, 12, 0)
    assert office.working_time(friday_17, due) == 4 * H


def test_holiday_pushes_the_due_date(office):
    cal = WeeklyCalendar("office", MONDAY, hours="09:00-18:00", holidays=["2026-01-12"])
    friday_17 = at(cal, 2026, 1, 9, 17)
    assert cal.datetime(cal.add_working(friday_17, 4 * H)) == dt.datetime(2026, 1, 13, 12, 0)
    assert not cal.is_open(at(cal, 2026, 1, 12, 10))
    assert cal.next_open(at(cal, 2026, 1, 9, 18)) == at(cal, 2026, 1, 13, 9)
    # the week of the holiday has one working day less
    assert cal.working_time(at(cal, 2026, 1, 12), at(cal, 2026, 1, 19)) == 4 * 9 * H


def test_open_close_and_boundaries(office):
    assert office.is_open(at(office, 2026, 1, 5, 9))  # [open, close)
    assert not office.is_open(at(office, 2026, 1, 5, 18))
    assert not office.is_open(at(office, 2026, 1, 10, 12))  # Saturday
    t = at(office, 2026, 1, 7, 10, 30)
    assert office.next_open(t) == t
    assert office.next_close(t) == at(office, 2026, 1, 7, 18)
    night = at(office, 2026, 1, 7, 20)
    assert office.next_open(night) == at(office, 2026, 1, 8, 9)
    assert office.next_close(night) == at(office, 2026, 1, 8, 18)
    # reaching the target exactly at closing time: that instant, not the next morning
    assert office.add_working(at(office, 2026, 1, 9, 17), H) == at(office, 2026, 1, 9, 18)
    assert office.add_working(night, 0) == night


def test_start_mid_week_and_negative_times():
    thursday_noon = dt.datetime(2026, 1, 8, 12, 0)
    cal = WeeklyCalendar("office", thursday_noon, hours="09:00-18:00")
    assert cal.is_open(0.0)
    assert cal.next_close(0.0) == 6 * H
    assert cal.working_time(-3 * H, 0.0) == 3 * H
    assert cal.datetime(cal.next_open(7 * H)) == dt.datetime(2026, 1, 9, 9, 0)


def test_split_day_per_day_hours_and_overnight():
    cal = WeeklyCalendar("split", MONDAY, hours="09:00-12:30, 13:30-18:00")
    assert cal.working_time(0, 7 * D) == 5 * 8 * H
    assert not cal.is_open(13 * H)
    assert cal.next_close(10 * H) == 12.5 * H
    per_day = WeeklyCalendar("short friday", MONDAY, hours={"mon-thu": "09-18", "fri": "09-16"})
    assert per_day.working_time(0, 7 * D) == 4 * 9 * H + 7 * H
    night = WeeklyCalendar("night", MONDAY, days="daily", hours="22:00-06:00")
    assert night.working_time(0, 7 * D) == 7 * 8 * H  # Sunday night wraps to Monday 00-06
    assert night.is_open(2 * H)  # Monday 02:00 belongs to Sunday's shift
    assert night.next_close(23 * H) == D + 6 * H


def test_always_open_and_never_open():
    cal = always_open("24/7", MONDAY)
    assert cal.is_open(123.0) and cal.next_close(123.0) == math.inf
    assert cal.add_working(5.0, 100.0) == 105.0
    assert cal.working_time(0, 365 * D) == 365 * D
    holiday = WeeklyCalendar("24/7", MONDAY, hours="24/7", holidays=["2026-01-07"])
    assert holiday.next_close(0) == 2 * D
    assert holiday.next_open(2 * D) == 3 * D
    never = WeeklyCalendar("never", MONDAY, hours="closed")
    assert never.next_open(0) == math.inf and never.add_working(0, 1) == math.inf
    assert never.working_time(0, 1e9) == 0.0


def test_working_time_over_a_year_is_fast_and_exact(office):
    holidays = [dt.date(2026, 1, 6), dt.date(2026, 4, 6), dt.date(2026, 12, 25)]  # Tue, Mon, Fri
    cal = WeeklyCalendar("office", MONDAY, hours="09:00-18:00", holidays=holidays)
    year = 52 * 7 * D
    t0 = time.perf_counter()
    for _ in range(1000):
        total = cal.working_time(0.0, year)
    assert time.perf_counter() - t0 < 0.5
    assert total == (52 * 5 - 3) * 9 * H
    assert cal.working_time(0.0, cal.add_working(0.0, total)) == total


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"days": "mon-fry"}, "calendars.office.days"),
        ({"hours": "9-25"}, "calendars.office.hours"),
        ({"hours": "nine to six"}, "calendars.office.hours"),
        ({"hours": "09:00"}, "calendars.office.hours"),
        ({"holidays": ["06/01/2026"]}, "calendars.office.holidays"),
        ({"days": "mon-fri", "hours": {"mon": "9-18"}}, "calendars.office"),
        ({"days": None, "hours": {"mon-wed": "9-18", "wed": "9-12"}}, "calendars.office.hours"),
    ],
)
def test_bad_specs_raise_scenario_errors_with_key(kwargs, key):
    with pytest.raises(ScenarioError) as err:
        WeeklyCalendar("office", MONDAY, **kwargs)
    assert err.value.key == key
    assert err.value.hint


CALENDARS = [
    WeeklyCalendar("office", MONDAY, hours="09:00-18:00", holidays=["2026-01-06", "2026-01-16"]),
    WeeklyCalendar("split", dt.datetime(2026, 1, 7, 10, 15), hours="08:00-12:00, 13:00-17:30"),
    WeeklyCalendar("night", MONDAY, days="fri-mon", hours="20:00-04:00", holidays=["2026-01-10"]),
    WeeklyCalendar("short fri", MONDAY, hours={"mon-thu": "09-18", "fri": "09-16", "sat": "10-12"}),
]
times = st.floats(-3 * D, 60 * D, allow_nan=False)
spans = st.floats(0, 30 * D, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CALENDARS), times, spans)
def test_working_time_inverts_add_working(cal, t, d):
    end = cal.add_working(t, d)
    assert end >= t
    assert cal.working_time(t, end) == pytest.approx(d, abs=1e-6)
    if d > 0:  # smallest such instant: open just before it
        assert cal.is_open(end - 1e-3) or cal.working_time(t, end - 1e-3) < d


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CALENDARS), times)
def test_next_open_next_close_consistency(cal, t):
    o = cal.next_open(t)
    c = cal.next_close(t)
    assert t <= o < c
    assert cal.is_open(o) and not cal.is_open(c)
    assert cal.working_time(o, c) == pytest.approx(c - o)  # open throughout
    if o > t:
        assert not cal.is_open(t) and cal.working_time(t, o) == 0.0
    else:
        assert cal.is_open(t)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(CALENDARS), times, spans, spans)
def test_working_time_is_additive(cal, t, a, b):
    assert cal.working_time(t, t + a + b) == pytest.approx(
        cal.working_time(t, t + a) + cal.working_time(t + a, t + a + b), abs=1e-6
    )


def test_agrees_with_a_minute_by_minute_reference():
    """Count open minutes from the calendar's definition with datetime arithmetic."""
    start = dt.datetime(2026, 1, 7, 10, 15)  # a Wednesday, mid-morning
    holidays = {dt.date(2026, 1, 9), dt.date(2026, 1, 13)}
    cal = WeeklyCalendar(
        "split", start, days="mon-fri", hours="08:00-12:00, 13:00-17:30", holidays=holidays
    )

    def reference_open(when: dt.datetime) -> bool:
        minutes = when.hour * 60 + when.minute
        return (
            when.weekday() < 5
            and when.date() not in holidays
            and (8 * 60 <= minutes < 12 * 60 or 13 * 60 <= minutes < 17 * 60 + 30)
        )

    total = 0
    for minute in range(14 * 24 * 60):
        t = minute * 60.0
        expected = reference_open(start + dt.timedelta(minutes=minute))
        assert cal.is_open(t) == expected, cal.datetime(t)
        total += expected
    assert cal.working_time(0.0, 14 * D) == total * 60
