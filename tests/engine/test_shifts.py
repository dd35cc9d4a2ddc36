"""Shifts: nobody starts a task out of hours; the task in hand is finished after closing."""

from __future__ import annotations

import pytest

from bpsim.engine import run
from bpsim.scenario.calendar import WeeklyCalendar

from .models import MONDAY, Exponential, Shift, bound, line


def desk(*shifts: Shift, horizon=14 * 86400.0, seed=3):
    p = line("Serve")
    b = bound({"Serve": (1800.0, "Agent")}, {"Agent": list(shifts)}, interarrival=Exponential(mean=1800.0),
              horizon=horizon, warmup=86400.0, seed=seed, replications=2)
    return p, b


def test_no_task_starts_out_of_hours_and_the_task_in_hand_is_finished():
    office = WeeklyCalendar("office", MONDAY, days="mon-fri", hours="09:00-17:00")
    p, b = desk(Shift(staff=2, calendar=office, name="office"))
    out = run(p, b)
    ev = out.events
    starts = ev[ev.lifecycle == "start"]
    assert len(starts) > 100
    assert all(office.is_open(t) for t in starts.time)
    # the task in hand is finished after closing time, never abandoned
    completes = ev[ev.lifecycle == "complete"]
    assert any(not office.is_open(t) for t in completes.time)
    assert not ev.lifecycle.isin(["interrupted", "withdrawn"]).any()
    # queued overnight, picked up at opening time: some start exactly at 09:00
    assert any(abs((t % 86400.0) - 9 * 3600.0) < 1e-6 for t in starts.time)
    # on-shift seconds are the calendar's open seconds in the measured window
    for _, row in out.staff.iterrows():
        w = out.windows.set_index("replication").loc[row.replication]
        assert row.on_shift == pytest.approx(office.working_time(w.warmup, w.end))
        assert 0 < row.busy <= row.on_shift + 3 * 86400.0


def test_each_person_works_only_in_their_own_shift():
    early = WeeklyCalendar("early", MONDAY, days="mon-fri", hours="08:00-16:00")
    late = WeeklyCalendar("late", MONDAY, days="mon-fri", hours="14:00-22:00")
    p, b = desk(Shift(staff=1, calendar=early, name="early"), Shift(staff=2, calendar=late, name="late"))
    out = run(p, b)
    starts = out.events[out.events.lifecycle == "start"]
    calendar = {"Agent 1": early, "Agent 2": late, "Agent 3": late}
    for who, t in zip(starts.resource.astype(str), starts.time):
        assert calendar[who].is_open(t), (who, t)
    assert set(starts.resource.astype(str)) == set(calendar)


def test_round_the_clock_shift_is_always_on():
    p, b = desk(Shift(staff=2))
    out = run(p, b)
    w = out.windows.iloc[0]
    assert (out.staff.on_shift == w.end - w.warmup).all()
