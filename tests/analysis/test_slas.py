"""SLA clocks known by hand: office calendar, pauses, open tickets, per-class targets."""

import pytest

from bpsim.analysis import Results
from bpsim.scenario.calendar import WeeklyCalendar

from .builders import MONDAY, SLA, SLAPoint, make_output, make_scenario, ticket

H = 3600.0
DAY = 86400.0
FRIDAY_17 = 4 * DAY + 17 * H           # scenario starts Monday 2026-01-05 00:00
MONDAY_12 = 7 * DAY + 12 * H
OFFICE = WeeklyCalendar("office", MONDAY, days="mon-fri", hours="09:00-18:00")
A = ("Agent 1", "Agent")


def taken_in_charge(target=4 * H, calendar=OFFICE):
    return SLA("taken in charge", SLAPoint(None, "arrive"), SLAPoint("Task_A", "start"),
               {None: target}, calendar=calendar, attain=0.95)


def run(rows, slas, end, classes=("default",)):
    out = make_output(rows, windows={1: (0.0, end)})
    return Results(out, None, make_scenario(slas=slas, classes=classes))


@pytest.mark.parametrize("start_at, breached", [(MONDAY_12 - 60, False), (MONDAY_12, False),
                                                (MONDAY_12 + 60, True)])
def test_friday_17_plus_4_working_hours_is_monday_12(start_at, breached):
    # Fri 17-18 is 1 h, Mon 09-12 is 3 h: due Monday 12:00 (exactly 4 h meets the target)
    rows = ticket(1, 1, FRIDAY_17, [("Task_A", FRIDAY_17, start_at, start_at + 600, *A)],
                  end=start_at + 600)
    r = run(rows, [taken_in_charge()], end=MONDAY_12 + DAY)
    case = r.sla_cases.iloc[0]
    assert case["elapsed"] == pytest.approx(4 * H + (start_at - MONDAY_12))
    assert bool(case["breached"]) is breached
    row = r.slas.iloc[0]
    assert row["breach_rate"] == (1.0 if breached else 0.0)
    assert r.cases["sla_taken_in_charge_breached"].iloc[0] == breached


def test_add_working_agrees_with_the_clock():
    assert OFFICE.add_working(FRIDAY_17, 4 * H) == pytest.approx(MONDAY_12)


def test_pause_stops_the_clock():
    # resolution on the wall clock, target 100 s; the ticket waits 50 s for the customer
    sla = SLA("resolution", SLAPoint(None, "arrive"), SLAPoint(None, "end"), {None: 100.0},
              pause_at=frozenset({"Event_Reply"}))
    rows = ticket(1, 1, 0, [("Event_Reply", 10, None, 60, None, None),
                            ("Task_A", 60, 60, 120, *A)], end=120)
    r = run(rows, [sla], end=200)
    assert r.sla_cases.iloc[0]["elapsed"] == pytest.approx(70)
    assert r.slas.iloc[0]["breach_rate"] == 0.0
    unpaused = SLA("resolution", sla.start, sla.end, {None: 100.0})
    assert run(rows, [unpaused], end=200).slas.iloc[0]["breach_rate"] == 1.0


def test_open_tickets_breached_when_past_target_else_censored():
    sla = taken_in_charge(target=100.0, calendar=None)
    rows = (ticket(1, 1, 0, [("Task_A", 0, 50, 60, *A)], end=60)          # met (50 s)
            + ticket(1, 2, 10, [("Task_A", 10, None, None, None, None)])  # 190 s > 100: breached
            + ticket(1, 3, 150, [("Task_A", 150, None, None, None, None)]))  # 50 s: unknown
    r = run(rows, [sla], end=200)
    status = dict(zip(r.sla_cases["case"], r.sla_cases["status"]))
    assert status == {1: "met", 2: "open-breached", 3: "censored"}
    row = r.slas.iloc[0]
    assert row["counted"] == 3 and row["excluded"] == 0
    assert row["censored"] == 1 and row["open_breached"] == 1
    assert row["censored_share"] == pytest.approx(1 / 3)
    # Kaplan-Meier: the met ticket's margin (-50) ties the censored one's: both at risk there
    assert row["breach_rate"] == pytest.approx(2 / 3)
    assert (row["breach_rate_low"], row["breach_rate_high"]) == pytest.approx((1 / 3, 2 / 3))


def test_kaplan_meier_breach_rate_by_hand():
    # target 100 s, run ends at 1000 s. Margins (elapsed - target):
    #   1 met at 20 s (-80), 2 open at 40 s (censored, -60), 3 met at 70 s (-30),
    #   4 breached at 150 s (+50), 5 open at 130 s (open-breached, +30).
    # KM: at -80, 5 at risk, 1 met -> S = 4/5; at -30, 3 at risk (3, 4, 5), 1 met
    # -> S = 4/5 * 2/3 = 8/15 = P(elapsed > target). Bounds: 2/5 (2 met) .. 3/5.
    sla = taken_in_charge(target=100.0, calendar=None)
    end = 1000.0
    rows = (ticket(1, 1, 0, [("Task_A", 0, 20, 30, *A)], end=30)
            + ticket(1, 2, end - 40, [("Task_A", end - 40, None, None, None, None)])
            + ticket(1, 3, 100, [("Task_A", 100, 170, 180, *A)], end=180)
            + ticket(1, 4, 200, [("Task_A", 200, 350, 360, *A)], end=360)
            + ticket(1, 5, end - 130, [("Task_A", end - 130, None, None, None, None)]))
    r = run(rows, [sla], end=end)
    status = dict(zip(r.sla_cases["case"], r.sla_cases["status"]))
    assert status == {1: "met", 2: "censored", 3: "met", 4: "breached", 5: "open-breached"}
    row = r.slas.iloc[0]
    assert row["breach_rate"] == pytest.approx(8 / 15)
    assert row["breach_rate_low"] == pytest.approx(2 / 5)
    assert row["breach_rate_high"] == pytest.approx(3 / 5)
    assert row["counted"] == 5 and row["censored"] == 1 and row["open_breached"] == 1
    d = r.to_dict()["slas"][0]
    assert d["censored"] == 1 and d["open_breached"] == 1
    assert d["breach_rate"] == pytest.approx(8 / 15)


def test_open_backlog_by_stage_state_and_age():
    sla = taken_in_charge(target=100.0, calendar=None)
    end = 1000.0
    rows = (ticket(1, 1, 0, [("Task_A", 0, 20, 30, *A)], end=30)
            + ticket(1, 2, 600, [("Task_A", 600, None, None, None, None)], cls="P1")
            + ticket(1, 3, 800, [("Task_A", 800, 900, None, *A)], cls="P2")
            + ticket(1, 4, 700, [("Task_A", 700, 710, 720, *A),
                                 ("Event_Reply", 720, None, None, None, None)], cls="P2"))
    r = run(rows, [sla], end=end, classes=("default", "P1", "P2"))
    s = r.open_summary
    assert s["total"] == 3 and s["measured"] == 3
    assert s["age_mean"] == pytest.approx((400 + 200 + 300) / 3)
    assert s["by_state"] == {"waiting": 1, "in service": 1, "on hold": 1}
    op = r.open.set_index(["id", "cls", "state"])
    assert op.loc[("Task_A", "all", "all"), "count"] == 2
    assert op.loc[("Task_A", "all", "waiting"), "count"] == 1
    assert op.loc[("Task_A", "all", "in service"), "count"] == 1
    assert op.loc[("Task_A", "P1", "all"), "age_mean"] == pytest.approx(400)
    assert r.cycle_time["cases"] == 1 and r.cycle_time["open"] == 3
    d = r.to_dict()
    assert d["open"]["total"] == 3
    assert {e["id"] for e in d["open"]["by_stage"]} >= {"Task_A"}
    assert "Open at the horizon" in r.summary()


def test_ticket_leaving_by_another_end_is_excluded():
    sla = SLA("closed", SLAPoint(None, "arrive"), SLAPoint("End", "arrive"), {None: 100.0})
    rows = ticket(1, 1, 0, [("Task_A", 0, 0, 10, *A)], end=None)
    rows.append((1, 1, "default", "End_Other", "end", 10.0, None, None))
    r = run(rows, [sla], end=200)
    assert r.sla_cases.iloc[0]["status"] == "never"
    assert r.slas.iloc[0]["counted"] == 0


def test_per_class_targets():
    sla = SLA("resolution", SLAPoint(None, "arrive"), SLAPoint(None, "end"),
              {"P1": 50.0, "P2": 500.0})
    rows = (ticket(1, 1, 0, [("Task_A", 0, 0, 100, *A)], end=100, cls="P1")     # breached
            + ticket(1, 2, 0, [("Task_A", 0, 100, 200, *A)], end=200, cls="P2"))  # met
    r = run(rows, [sla], end=300, classes=("P1", "P2"))
    t = r.slas.set_index("cls")
    assert t.loc["all", "breach_rate"] == pytest.approx(0.5)
    assert t.loc["P1", "breach_rate"] == 1.0 and t.loc["P1", "target"] == 50.0
    assert t.loc["P2", "breach_rate"] == 0.0 and t.loc["P2", "target"] == 500.0
    d = r.to_dict()["slas"][0]
    assert d["target"] == {"P1": 50.0, "P2": 500.0}
    assert {c["cls"] for c in d["classes"]} == {"P1", "P2"}


def test_breach_rate_ci_across_replications():
    sla = taken_in_charge(target=10.0, calendar=None)
    rows = []
    # replication 1: 1 of 2 breached; replication 2: 0 of 2; replication 3: 2 of 2
    for rep, waits in ((1, (5, 20)), (2, (1, 2)), (3, (30, 40))):
        for case, w in enumerate(waits, 1):
            rows += ticket(rep, case, 0, [("Task_A", 0, w, w + 1, *A)], end=w + 1)
    out = make_output(rows, windows={r: (0.0, 100.0) for r in (1, 2, 3)})
    row = Results(out, None, make_scenario(slas=[sla])).slas.iloc[0]
    assert row["breach_rate"] == pytest.approx(0.5)
    # per-replication rates 0.5, 0, 1: s = 0.5, t(0.975, 2) = 4.302652730
    assert row["breach_rate_ci95"] == pytest.approx(4.30265273 * 0.5 / 3 ** 0.5)


def test_work_clock_agrees_with_calendar_working_time():
    import numpy as np

    from bpsim.analysis.slas import WorkClock

    cal = WeeklyCalendar("office", MONDAY, days="mon-fri", hours="09:00-12:30, 13:30-18:00",
                         holidays=["2026-01-06"])
    rng = np.random.default_rng(5)
    t0 = rng.uniform(0, 20 * DAY, 300)
    t1 = t0 + rng.exponential(2 * DAY, 300)
    clock = WorkClock(cal, 0.0, float(t1.max()))
    expected = [cal.working_time(a, b) for a, b in zip(t0, t1)]
    assert np.allclose(clock(t1) - clock(t0), expected)
    wall = WorkClock(None, 0.0, 1.0)
    assert wall(5.0) - wall(2.0) == 3.0


def test_overlapping_pauses_count_once():
    # two pause elements waited on at once (an event-based gateway race): 10-60 and 10-200;
    # the clock stops from 10 to 200 once, not twice
    sla = SLA("resolution", SLAPoint(None, "arrive"), SLAPoint(None, "end"), {None: 100.0},
              pause_at=frozenset({"Event_Reply", "Event_Timeout"}))
    rows = ticket(1, 1, 0, [("Event_Reply", 10, None, 60, None, None),
                            ("Event_Timeout", 10, None, 200, None, None),
                            ("Task_A", 200, 200, 250, *A)], end=250)
    r = run(rows, [sla], end=300)
    assert r.sla_cases.iloc[0]["elapsed"] == pytest.approx(250 - 190)


def test_sla_limited_to_some_classes():
    sla = SLA("P1 resolution", SLAPoint(None, "arrive"), SLAPoint(None, "end"), {None: 50.0},
              classes=frozenset({"P1"}))
    rows = (ticket(1, 1, 0, [("Task_A", 0, 0, 100, *A)], end=100, cls="P1")
            + ticket(1, 2, 0, [("Task_A", 0, 100, 200, *A)], end=200, cls="P2"))
    r = run(rows, [sla], end=300, classes=("P1", "P2"))
    assert list(r.sla_cases["case"]) == [1]
    assert set(r.slas["cls"]) == {"all"}             # P2 gets no row of its own
    assert r.slas.iloc[0]["breach_rate"] == 1.0
