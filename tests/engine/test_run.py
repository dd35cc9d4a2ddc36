"""run(): reproducibility, common random numbers, replication subsets, ends of runs, output shape."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import bpsim
from bpsim.engine import LIFECYCLES, run
from bpsim.errors import SimulationError

from .models import ROOT_MODELS, Exponential, GatewaySpec, Shift, bound, build, line, mmc


def test_same_seed_same_output_bit_for_bit():
    p, b = mmc(60, 100, 2, cases=500, replications=3, seed=7)
    one, two = run(p, b), run(p, b)
    for a, c in [(one.events, two.events), (one.cases, two.cases), (one.staff, two.staff)]:
        pd.testing.assert_frame_equal(a, c, check_exact=True)
    other = run(p, b, seed=8)
    assert not np.array_equal(other.cases.arrival.to_numpy(), one.cases.arrival.to_numpy())


def test_a_replication_alone_equals_the_same_replication_among_others():
    p, b = mmc(60, 100, 2, cases=300, replications=3, seed=5)
    together = run(p, b)
    alone = run(p, b, replication_ids=[2])
    for table in ("events", "cases", "staff"):
        t = getattr(together, table)
        part = t[t.replication == 2].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, getattr(alone, table).reset_index(drop=True),
                                      check_exact=True, check_dtype=False, check_categorical=False)


def test_common_random_numbers_same_arrivals_under_other_staffing():
    p, b2 = mmc(60, 100, 2, horizon=86400.0, replications=2, seed=3)
    _, b3 = mmc(60, 100, 3, horizon=86400.0, replications=2, seed=3)
    o2, o3 = run(p, b2), run(p, b3)
    np.testing.assert_array_equal(o2.cases.arrival.to_numpy(), o3.cases.arrival.to_numpy())
    # different staffing does change the waits
    w2 = o2.events[o2.events.lifecycle == "start"].time.sum()
    w3 = o3.events[o3.events.lifecycle == "start"].time.sum()
    assert w2 != w3


def test_horizon_stops_arrivals_and_clock_unfinished_cases_have_nan_end():
    p, b = mmc(60, 100, 1, horizon=4 * 3600.0, replications=1, seed=2)  # overloaded: rho = 5/3
    out = run(p, b)
    assert out.windows.end.iloc[0] == pytest.approx(4 * 3600.0)
    assert out.cases.arrival.max() < 4 * 3600.0
    assert out.events.time.max() <= 4 * 3600.0
    unfinished = out.cases[~out.cases.completed]
    assert len(unfinished) > 0 and unfinished.end.isna().all()
    assert out.cases[out.cases.completed].end.notna().all()


def test_cases_mode_stops_after_n_arrivals_and_finishes_them():
    p, b = mmc(60, 100, 2, cases=250, replications=2, seed=4)
    out = run(p, b)
    assert (out.cases.groupby("replication").size() == 250).all()
    assert out.cases.completed.all()
    ends = out.cases.groupby("replication").end.max()
    assert np.allclose(out.windows.set_index("replication").end, ends)


def test_output_columns_and_categories():
    p, b = mmc(60, 100, 2, cases=50, replications=2, seed=1)
    out = run(p, b)
    assert list(out.events.columns) == ["replication", "case", "cls", "element", "lifecycle", "time",
                                        "resource", "role"]
    assert list(out.events.lifecycle.cat.categories) == LIFECYCLES
    for c in ("cls", "element", "lifecycle", "resource", "role"):
        assert isinstance(out.events[c].dtype, pd.CategoricalDtype)
    # sorted by replication then time
    for _, ev in out.events.groupby("replication"):
        assert (np.diff(ev.time.to_numpy()) >= 0).all()
    # every case: arrive, enabled, start, complete, end
    per_case = out.events.groupby(["replication", "case"]).size()
    assert (per_case == 5).all()
    starts = out.events[out.events.lifecycle == "start"]
    assert starts.resource.notna().all() and (starts.role == "Server").all()
    assert set(out.staff.resource) == {"Server 1", "Server 2"}
    assert out.seed == 1 and out.replications == 2


def test_record_events_false_keeps_cases_and_staff():
    p, b = mmc(60, 100, 2, cases=200, seed=1)
    full, lean = run(p, b), run(p, b, record_events=False)
    assert lean.events.empty and list(lean.events.columns) == list(full.events.columns)
    pd.testing.assert_frame_equal(full.cases, lean.cases)
    pd.testing.assert_frame_equal(full.staff, lean.staff)


def test_progress_bar_runs(capsys):
    p, b = mmc(60, 100, 2, horizon=86400.0, replications=2, seed=1)
    assert len(run(p, b, progress=True).windows) == 2
    p, b = mmc(60, 100, 2, horizon=86400.0, replications=1, seed=1)
    assert len(run(p, b, progress=True).windows) == 1


def test_staff_numbered_across_shifts_in_order():
    p = line("Serve")
    b = bound({"Serve": (100.0, "Agent")}, {"Agent": [Shift(staff=2, name="early"), Shift(staff=3, name="late")]},
              interarrival=Exponential(mean=60.0), cases=100, seed=1)
    out = run(p, b)
    assert list(out.staff.resource) == [f"Agent {i}" for i in range(1, 6)]
    assert list(out.staff["shift"]) == ["early"] * 2 + ["late"] * 3


def test_priority_class_first_then_fifo():
    # one server busy for a long first task; then P2 arrives before P1: P1 is served first
    p = line("Serve")
    from bpsim.scenario.spec import Arrival

    from .models import Fixed

    b = bound({"Serve": (1.0, "Agent")}, {"Agent": 1}, classes=["P1", "P2"], horizon=1e6,
              arrivals={"Start": Arrival(start="Start", trace=[0.0, 1.0, 2.0, 3.0, 4.0],
                                         classes={"P1": 0.5, "P2": 0.5})})
    b.tasks["Serve"].duration = Fixed(100.0)
    out = run(p, b)
    cases = out.cases.set_index("case")
    starts = out.events[out.events.lifecycle == "start"].sort_values("time")
    order = list(starts.case)
    waiting = order[1:]
    classes = [cases.cls[c] for c in waiting]
    assert classes == sorted(classes, key=["P1", "P2"].index)  # all P1 before all P2
    for k in ("P1", "P2"):  # FIFO inside a class
        same = [c for c in waiting if cases.cls[c] == k]
        assert same == sorted(same, key=lambda c: cases.arrival[c])


def test_splitting_gateway_without_probabilities_is_an_error_naming_it():
    nodes = {"Start": "startEvent", "Decide": {"type": "exclusiveGateway", "name": "Urgent?"},
             "E1": "endEvent", "E2": "endEvent"}
    p = build(nodes, [("Start", "Decide"), ("Decide", "E1"), ("Decide", "E2")])
    b = bound({}, interarrival=Exponential(mean=60.0), cases=10)
    with pytest.raises(SimulationError) as err:
        run(p, b)
    assert err.value.element_id == "Decide" and "Urgent?" in str(err.value)
    b.gateways["Decide"] = GatewaySpec("Decide", {"F2": 0.5, "F3": 0.5})
    assert run(p, b).cases.completed.all()


def test_single_outgoing_flow_needs_no_probabilities():
    nodes = {"Start": "startEvent", "X": "exclusiveGateway", "End": "endEvent"}
    p = build(nodes, [("Start", "X"), ("X", "End")])
    assert run(p, bound({}, interarrival=Exponential(mean=60.0), cases=10)).cases.completed.all()


def test_task_without_duration_is_an_error_naming_it():
    p = line("Serve")
    b = bound({}, interarrival=Exponential(mean=60.0), cases=10)
    with pytest.raises(SimulationError) as err:
        run(p, b)
    assert err.value.element_id == "Serve" and err.value.hint


def test_run_without_end_is_an_error():
    p, b = mmc(60, 100, 2)
    with pytest.raises(SimulationError, match="no end"):
        run(p, b)


def test_service_desk_model_end_to_end():
    process = bpsim.read(ROOT_MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(ROOT_MODELS / "service_desk.yaml")
    bound_ = scenario.bind(process)
    out = run(process, bound_, replications=2, seed=9)
    ev = out.events
    # every started task has a person of the task's role, on shift at the start
    starts = ev[(ev.lifecycle == "start") & ev.resource.notna()]
    assert (starts.role.astype(str) == starts.resource.astype(str).str.rsplit(" ", n=1).str[0]).all()
    # a ticket closed normally went through both closing notices (parallel join)
    closed = ev[ev.element == "End_Closed"].case.count()
    assert ev[(ev.element == "Task_SendClosure") & (ev.lifecycle == "complete")].case.count() >= closed
    # event-based gateway: every await has exactly one winner
    races = ev[ev.element == "Gateway_AwaitReply"].shape[0]
    won = ev[ev.element.isin(["Event_CustomerReplies", "Event_NoReply"]) & (ev.lifecycle == "complete")].shape[0]
    assert won <= races and races - won <= 2 * out.cases[~out.cases.completed].shape[0] + 2
    assert math.isclose(out.windows.end.iloc[0], bound_.horizon)


def test_streams_follow_purposes_not_model_order():
    # the same desk with an extra (automatic) step in front: same arrivals, same service times
    p1, b1 = mmc(60, 100, 2, cases=200, seed=6)
    p2 = line("Log", "Serve")
    _, b2 = mmc(60, 100, 2, cases=200, seed=6)
    from .models import Fixed, TaskSpec

    b2.tasks["Log"] = TaskSpec("Log", Fixed(0.0))
    o1, o2 = run(p1, b1), run(p2, b2)
    np.testing.assert_array_equal(o1.cases.arrival.to_numpy(), o2.cases.arrival.to_numpy())
    np.testing.assert_allclose(o1.cases.end.to_numpy(), o2.cases.end.to_numpy())


def test_simulate_returns_results_from_a_scenario_or_a_bound_scenario():
    process = bpsim.read(ROOT_MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(ROOT_MODELS / "service_desk.yaml")
    results = bpsim.simulate(process, scenario, replications=1, seed=3)
    assert type(results).__name__ == "Results"
    again = bpsim.simulate(process, scenario.bind(process), replications=1, seed=3)
    pd.testing.assert_frame_equal(results.events, again.events)


class SteadyRate:
    """A constant-rate profile without a ``scaled`` method (the engine superposes copies)."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second

    def rate(self, t: float) -> float:
        return self.per_second

    def next_arrival(self, t, rng):
        return t + rng.exponential(1 / self.per_second)


@pytest.mark.parametrize("scale", [0.4, 2.5])
def test_rate_profile_scale_multiplies_the_rate(scale):
    from bpsim.scenario.profile import WeeklyRateProfile
    from bpsim.scenario.spec import Arrival

    from .models import MONDAY

    horizon, per_hour = 20 * 86400.0, 6.0
    expected = scale * per_hour * horizon / 3600  # Poisson count: mean = variance
    profiles = [SteadyRate(per_hour / 3600), WeeklyRateProfile(MONDAY, per_hour)]
    for profile in profiles:
        b = bound({}, horizon=horizon, seed=2,
                  arrivals={"Start": Arrival("Start", profile=profile, scale=scale)})
        got = len(run(line(), b).cases)
        assert abs(got - expected) < 4 * math.sqrt(expected), (type(profile).__name__, got, expected)


def test_arrival_classes_follow_the_mix_draw_by_draw():
    """Each ticket's class is the mix's class at a uniform of the source's own stream
    (``class:<start id>``), ticket after ticket: bisect over the cumulated weights, here
    recomputed from that stream independently of the engine's block draws; and the counts
    fit the mix (a zero weight draws nothing)."""
    from bisect import bisect_right
    from itertools import accumulate

    from bpsim.engine.streams import Streams, root_entropy
    from bpsim.scenario.spec import Arrival

    mix = {"P1": 0.15, "P2": 0.0, "P3": 0.25, "P4": 0.6}
    arrival = Arrival("Start", interarrival=Exponential(mean=60.0), classes=mix)
    b = bound({}, horizon=2000 * 60.0, seed=9, classes=list(mix), arrivals={"Start": arrival})
    cases = run(line(), b).cases.sort_values("case")
    uniform = Streams(root_entropy(9), 0).uniform("class:Start")
    cum, names = list(accumulate(mix.values())), list(mix)
    expected = [names[min(bisect_right(cum, uniform() * cum[-1]), len(names) - 1)]
                for _ in range(len(cases))]
    assert len(cases) > 1500
    assert cases["cls"].astype(str).tolist() == expected
    counts = cases["cls"].astype(str).value_counts()
    assert "P2" not in counts or counts["P2"] == 0
    for c, w in mix.items():
        if w:
            n, p = len(cases), w
            assert abs(counts[c] - n * p) < 4 * math.sqrt(n * p * (1 - p))
