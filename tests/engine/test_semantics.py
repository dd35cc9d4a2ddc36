"""Token semantics element by element (counts and times read off the model, no copied numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.engine import run
from bpsim.model import ProcessInfo
from bpsim.scenario.spec import Arrival

from .models import (
    BoundarySpec,
    EventSpec,
    Exponential,
    Fixed,
    GatewaySpec,
    TaskSpec,
    bound,
    build,
)

ARRIVE_EVERY = Exponential(mean=600.0)


def auto(el: str, seconds: float) -> TaskSpec:
    return TaskSpec(el, Fixed(seconds))


def cycle(out) -> np.ndarray:
    return (out.cases.end - out.cases.arrival).to_numpy()


def n(out, element, lifecycle) -> int:
    ev = out.events
    return int(((ev.element == element) & (ev.lifecycle == lifecycle)).sum())


def test_or_join_after_exclusive_split_fires_on_the_single_token():
    nodes = {"Start": "startEvent", "X": "exclusiveGateway", "A": "serviceTask", "B": "serviceTask",
             "J": "inclusiveGateway", "End": "endEvent"}
    p = build(nodes, [("Start", "X"), ("X", "A"), ("X", "B"), ("A", "J"), ("B", "J"), ("J", "End")])
    b = bound({"A": auto("A", 10.0), "B": auto("B", 30.0)}, interarrival=ARRIVE_EVERY, cases=200,
              gateways={"X": GatewaySpec("X", {"F2": 0.5, "F3": 0.5})})
    out = run(p, b)
    assert out.cases.completed.all()
    through_a = out.events[(out.events.element == "A") & (out.events.lifecycle == "complete")].case
    c = out.cases.set_index("case")
    expected = np.where(c.index.isin(through_a), 10.0, 30.0)
    np.testing.assert_allclose((c.end - c.arrival).to_numpy(), expected)


def test_or_join_waits_for_a_token_still_upstream_after_a_parallel_fork():
    nodes = {"Start": "startEvent", "F": "parallelGateway", "A": "serviceTask", "B": "serviceTask",
             "J": "inclusiveGateway", "End": "endEvent"}
    p = build(nodes, [("Start", "F"), ("F", "A"), ("F", "B"), ("A", "J"), ("B", "J"), ("J", "End")])
    b = bound({"A": auto("A", 10.0), "B": auto("B", 30.0)}, interarrival=ARRIVE_EVERY, cases=50)
    out = run(p, b)
    np.testing.assert_allclose(cycle(out), 30.0)
    assert n(out, "End", "end") == 50 and n(out, "J", "pass") == 50


def test_inclusive_split_falls_back_to_the_default_flow_when_no_branch_is_drawn():
    nodes = {"Start": "startEvent", "I": {"type": "inclusiveGateway", "default": "F3"},
             "E1": "endEvent", "E2": "endEvent"}
    p = build(nodes, [("Start", "I"), ("I", "E1"), ("I", "E2")])
    b = bound({}, interarrival=ARRIVE_EVERY, cases=4000, gateways={"I": GatewaySpec("I", {"F2": 0.0, "F3": 0.0})})
    out = run(p, b)
    assert n(out, "E2", "end") == 4000 and n(out, "E1", "end") == 0


def timed_out(timer, seed=4):
    nodes = {"Start": "startEvent", "Serve": "userTask", "End": "endEvent",
             "Late": {"type": "boundaryEvent", "event": "timer", "attached_to": "Serve", "cancel_activity": True},
             "Gone": "endEvent"}
    p = build(nodes, [("Start", "Serve"), ("Serve", "End"), ("Late", "Gone")])
    b = bound({"Serve": (300.0, "Agent")}, {"Agent": 1}, interarrival=Exponential(mean=200.0), cases=1500,
              boundaries={"Late": BoundarySpec("Late", duration=timer)}, seed=seed)
    out = run(p, b)
    ev = out.events
    assert out.cases.completed.all()
    # every ticket ends exactly once, on one of the two ends
    assert n(out, "End", "end") + n(out, "Gone", "end") == len(out.cases)
    serve = ev[ev.element == "Serve"]
    # the one agent never does two things at once
    work = serve[serve.lifecycle.isin(["start", "complete", "interrupted"]) & serve.resource.notna()]
    kinds = work.lifecycle.astype(str).to_numpy()
    assert (kinds[0::2] == "start").all() and (kinds[1::2] != "start").all()
    return out, serve


def test_interrupting_timer_fires_at_its_time_and_frees_the_person():
    out, serve = timed_out(Fixed(400.0))
    cut = serve[serve.lifecycle == "interrupted"]
    assert len(cut) > 100 and cut.resource.notna().all()
    enabled = serve[serve.lifecycle == "enabled"].set_index("case").time
    np.testing.assert_allclose(cut.time.to_numpy() - enabled.loc[cut.case].to_numpy(), 400.0)


def test_interrupting_timer_abandons_queued_tasks_too():
    # (with a fixed timer and FIFO a queued ticket always starts before its timer: use a random one)
    out, serve = timed_out(Exponential(mean=400.0))
    started = set(serve[serve.lifecycle == "start"].case)
    cut = serve[serve.lifecycle == "interrupted"]
    queued = cut[~cut.case.isin(started)]
    assert len(queued) > 10 and queued.resource.isna().all()
    assert cut[cut.case.isin(started)].resource.notna().all()


def test_timer_catch_event_takes_its_delay_from_the_bpmn_timer():
    nodes = {"Start": "startEvent",
             "Wait": {"type": "intermediateCatchEvent", "event": "timer",
                      "timer": {"kind": "timeDuration", "value": "PT1H30M"}},
             "Shout": {"type": "intermediateThrowEvent", "event": "message"}, "End": "endEvent"}
    p = build(nodes, [("Start", "Wait"), ("Wait", "Shout"), ("Shout", "End")])
    out = run(p, bound({}, interarrival=ARRIVE_EVERY, cases=20))
    np.testing.assert_allclose(cycle(out), 5400.0)
    assert n(out, "Shout", "pass") == 20


def test_message_catch_event_without_duration_is_an_error():
    from bpsim.errors import SimulationError

    nodes = {"Start": "startEvent", "Wait": {"type": "intermediateCatchEvent", "event": "message"},
             "End": "endEvent"}
    p = build(nodes, [("Start", "Wait"), ("Wait", "End")])
    with pytest.raises(SimulationError) as err:
        run(p, bound({}, interarrival=ARRIVE_EVERY, cases=20))
    assert err.value.element_id == "Wait"


def test_event_gateway_timer_from_the_drawing_beats_a_slow_message():
    nodes = {"Start": "startEvent", "G": "eventBasedGateway",
             "Reply": {"type": "intermediateCatchEvent", "event": "message"},
             "Timeout": {"type": "intermediateCatchEvent", "event": "timer",
                         "timer": {"kind": "timeDuration", "value": "PT10M"}},
             "E1": "endEvent", "E2": "endEvent"}
    p = build(nodes, [("Start", "G"), ("G", "Reply"), ("G", "Timeout"), ("Reply", "E1"), ("Timeout", "E2")])
    b = bound({}, interarrival=ARRIVE_EVERY, cases=300, events={"Reply": EventSpec("Reply", Fixed(900.0))})
    out = run(p, b)
    assert n(out, "E2", "end") == 300 and n(out, "Reply", "withdrawn") == 300
    np.testing.assert_allclose(cycle(out), 600.0)


def test_link_events_jump_to_the_catch_of_the_same_name():
    nodes = {"Start": "startEvent", "Go": {"type": "intermediateThrowEvent", "event": "link", "name": "L"},
             "Land": {"type": "intermediateCatchEvent", "event": "link", "name": "L"}, "End": "endEvent"}
    p = build(nodes, [("Start", "Go"), ("Land", "End")])
    out = run(p, bound({}, interarrival=ARRIVE_EVERY, cases=10))
    assert n(out, "End", "end") == 10 and out.cases.completed.all()


def sub_model(boundary: bool, terminate: bool):
    nodes = {"Start": "startEvent", "Sub": "subProcess", "After": "serviceTask", "End": "endEvent",
             "S0": {"type": "startEvent", "parent": "Sub"}, "Fork": {"type": "parallelGateway", "parent": "Sub"},
             "Long": {"type": "serviceTask", "parent": "Sub"}, "Short": {"type": "serviceTask", "parent": "Sub"},
             "E_long": {"type": "endEvent", "parent": "Sub"},
             "E_short": {"type": "endEvent", "parent": "Sub", "event": "terminate" if terminate else None}}
    flows = [("Start", "Sub"), ("Sub", "After"), ("After", "End"), ("S0", "Fork"), ("Fork", "Long"),
             ("Fork", "Short"), ("Long", "E_long"), ("Short", "E_short")]
    tasks = {"Long": auto("Long", 1000.0), "Short": auto("Short", 100.0), "After": auto("After", 1.0)}
    extra = {}
    if boundary:
        nodes["Cut"] = {"type": "boundaryEvent", "event": "timer", "attached_to": "Sub", "cancel_activity": True}
        nodes["E_cut"] = "endEvent"
        flows.append(("Cut", "E_cut"))
        extra["boundaries"] = {"Cut": BoundarySpec("Cut", duration=Fixed(500.0))}
    return build(nodes, flows), bound(tasks, interarrival=ARRIVE_EVERY, cases=30, **extra)


def test_sub_process_completes_when_all_inner_tokens_are_done():
    out = run(*sub_model(boundary=False, terminate=False))
    np.testing.assert_allclose(cycle(out), 1001.0)
    assert n(out, "Sub", "complete") == 30


def test_terminate_inside_a_sub_process_ends_only_the_sub_process():
    out = run(*sub_model(boundary=False, terminate=True))
    np.testing.assert_allclose(cycle(out), 101.0)
    assert n(out, "Long", "withdrawn") == 30 and n(out, "After", "complete") == 30


def test_interrupting_timer_on_a_sub_process_withdraws_its_inner_work():
    out = run(*sub_model(boundary=True, terminate=False))
    np.testing.assert_allclose(cycle(out), 500.0)
    assert n(out, "Sub", "interrupted") == 30 and n(out, "Long", "withdrawn") == 30
    assert n(out, "E_cut", "end") == 30 and n(out, "After", "complete") == 0


def test_call_activity_with_a_duration_is_one_step():
    nodes = {"Start": "startEvent", "Call": {"type": "callActivity", "called_element": "Q"}, "End": "endEvent",
             "QS": {"type": "startEvent", "process": "Q"}, "QT": {"type": "serviceTask", "process": "Q"},
             "QE": {"type": "endEvent", "process": "Q"}}
    p = build(nodes, [("Start", "Call"), ("Call", "End"), ("QS", "QT"), ("QT", "QE")])
    p.processes["Q"] = ProcessInfo(id="Q", name="Q")
    out = run(p, bound({"Call": auto("Call", 42.0)}, interarrival=ARRIVE_EVERY, cases=10))
    np.testing.assert_allclose(cycle(out), 42.0)
    assert n(out, "QT", "start") == 0


def test_receive_task_without_role_is_a_delay():
    nodes = {"Start": "startEvent", "Hear": "receiveTask", "End": "endEvent"}
    p = build(nodes, [("Start", "Hear"), ("Hear", "End")])
    out = run(p, bound({}, interarrival=ARRIVE_EVERY, cases=10, events={"Hear": EventSpec("Hear", Fixed(77.0))}))
    np.testing.assert_allclose(cycle(out), 77.0)


def test_several_start_events_each_with_its_arrivals():
    nodes = {"Mail": "startEvent", "Phone": "startEvent", "M": "exclusiveGateway", "End": "endEvent"}
    p = build(nodes, [("Mail", "M"), ("Phone", "M"), ("M", "End")])
    b = bound({}, horizon=1e9, arrivals={"Mail": Arrival("Mail", trace=[1.0, 2.0, 3.0]),
                                         "Phone": Arrival("Phone", interarrival=Fixed(10.0), limit=4)})
    out = run(p, b)
    counts = out.cases.start.value_counts()
    assert counts[counts > 0].to_dict() == {"Phone": 4, "Mail": 3}
    assert out.cases.completed.all()


def test_non_interrupting_timer_starts_a_side_path_and_the_task_goes_on():
    nodes = {"Start": "startEvent", "Work": "serviceTask", "End": "endEvent",
             "Remind": {"type": "boundaryEvent", "event": "timer", "attached_to": "Work",
                        "cancel_activity": False, "timer": {"kind": "timeDuration", "value": "PT1M"}},
             "Note": "serviceTask", "End2": "endEvent"}
    p = build(nodes, [("Start", "Work"), ("Work", "End"), ("Remind", "Note"), ("Note", "End2")])
    out = run(p, bound({"Work": auto("Work", 120.0), "Note": auto("Note", 300.0)}, interarrival=ARRIVE_EVERY,
                       cases=10))
    # the case ends when both paths are done: the side path ends at 60 + 300 s
    np.testing.assert_allclose(cycle(out), 360.0)
    assert n(out, "Work", "complete") == 10 and n(out, "Note", "complete") == 10


def test_timer_cycle_waits_one_period_and_timer_date_waits_until_that_instant():
    nodes = {"Start": "startEvent",
             "Cycle": {"type": "intermediateCatchEvent", "event": "timer",
                       "timer": {"kind": "timeCycle", "value": "R3/PT10M"}},
             "Date": {"type": "intermediateCatchEvent", "event": "timer",
                      "timer": {"kind": "timeDate", "value": "2026-01-06T00:00:00"}},
             "End": "endEvent"}
    p = build(nodes, [("Start", "Cycle"), ("Cycle", "Date"), ("Date", "End")])
    b = bound({}, horizon=3 * 86400.0, arrivals={"Start": Arrival("Start", trace=[0.0, 3600.0, 90000.0])})
    out = run(p, b)
    ev = out.events
    cycle_done = ev[(ev.element == "Cycle") & (ev.lifecycle == "complete")].time.to_numpy()
    np.testing.assert_allclose(cycle_done, [600.0, 4200.0, 90600.0])
    # the scenario starts on Monday 5 January 00:00: the date is 86400 s later (or now, if past)
    np.testing.assert_allclose(out.cases.end.to_numpy(), [86400.0, 86400.0, 90600.0])


def test_gateway_without_probabilities_says_which_yaml_to_write():
    from bpsim.errors import SimulationError

    nodes = {"Start": "startEvent", "G": {"type": "exclusiveGateway", "name": "Approved?"},
             "A": "serviceTask", "B": "serviceTask", "End": "endEvent"}
    p = build(nodes, [("Start", "G"), ("G", "A"), ("G", "B"), ("A", "End"), ("B", "End")])
    p.flows["F2"].condition = "${approved}"
    p.flows["F3"].name = "No"
    b = bound({"A": auto("A", 1.0), "B": auto("B", 1.0)}, interarrival=ARRIVE_EVERY, cases=5)
    with pytest.raises(SimulationError) as err:
        run(p, b)
    hint = err.value.hint
    assert 'gateways:\n  "Approved?":' in hint
    assert '"${approved}": 0.5   # flow F2 -> A' in hint and '"No": 0.5   # flow F3 -> B' in hint
