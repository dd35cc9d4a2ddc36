"""Event sub-processes: triggers measured from the scope's start, against their formulas."""

from __future__ import annotations

import math

import numpy as np

from bpsim.engine import run
from bpsim.scenario.spec import StartTrigger

from .models import Exponential, Fixed, TaskSpec, bound, build

SPARSE = Exponential(mean=36000.0)
MEAN, T = 600.0, 300.0


def model(interrupting: bool, event: str = "timer", inside_sub: bool = False):
    """Start -> Work -> End, and an event sub-process Esc (EStart -> Notify -> EEnd) watching the
    ticket (or, with ``inside_sub``, watching sub-process Sub that holds Work; then -> After)."""
    scope = "Sub" if inside_sub else None
    timer = {"kind": "timeDuration", "value": "PT5M"} if event == "timer" else None
    nodes = {
        "Start": "startEvent",
        "Work": {"type": "serviceTask", "parent": scope},
        "End": "endEvent",
        "Esc": {"type": "subProcess", "triggered_by_event": True, "parent": scope},
        "EStart": {"type": "startEvent", "parent": "Esc", "event": event, "timer": timer,
                   "interrupting": interrupting},
        "Notify": {"type": "serviceTask", "parent": "Esc"},
        "EEnd": {"type": "endEvent", "parent": "Esc"},
    }
    flows = [("EStart", "Notify"), ("Notify", "EEnd")]
    if inside_sub:
        nodes.update({"Sub": "subProcess", "In": {"type": "startEvent", "parent": "Sub"},
                      "Out": {"type": "endEvent", "parent": "Sub"}, "After": "serviceTask"})
        flows += [("Start", "Sub"), ("Sub", "After"), ("After", "End"), ("In", "Work"), ("Work", "Out")]
    else:
        flows += [("Start", "Work"), ("Work", "End")]
    tasks = {"Work": TaskSpec("Work", Exponential(mean=MEAN)), "Notify": TaskSpec("Notify", Fixed(10.0)),
             "After": TaskSpec("After", Fixed(1.0))}
    return build(nodes, flows), tasks


def flags(out, element, lifecycle) -> np.ndarray:
    ev = out.events
    hit = set(ev[(ev.element == element) & (ev.lifecycle == lifecycle)].case)
    return np.array([c in hit for c in range(len(out.cases))], dtype=float)


def inside_ci(sample: np.ndarray, expected: float) -> bool:
    half = 1.96 * sample.std(ddof=1) / math.sqrt(len(sample))
    return abs(sample.mean() - expected) <= half


def test_interrupting_timer_start_fires_when_the_work_outlasts_the_timer():
    p, tasks = model(interrupting=True)
    out = run(p, bound(tasks, interarrival=SPARSE, cases=20000), seed=1)
    fired = flags(out, "EStart", "pass")
    assert inside_ci(fired, math.exp(-T / MEAN))  # P(Exp service > T)
    assert (flags(out, "Work", "withdrawn") == fired).all()  # the rest of the scope is cancelled
    assert (flags(out, "Work", "complete") == 1 - fired).all()
    assert out.cases.completed.all()
    ends = out.cases.end - out.cases.arrival
    assert np.allclose(ends[fired == 1], T + 10.0)  # the ticket ends with the event sub-process


def test_non_interrupting_timer_start_runs_alongside():
    p, tasks = model(interrupting=False)
    out = run(p, bound(tasks, interarrival=SPARSE, cases=20000), seed=2)
    fired = flags(out, "EStart", "pass")
    assert inside_ci(fired, math.exp(-T / MEAN))
    assert (flags(out, "Work", "complete") == 1).all()
    assert (flags(out, "Esc", "complete") == fired).all()
    ev = out.events
    work_end = ev[(ev.element == "Work") & (ev.lifecycle == "complete")].set_index("case").time
    esc_end = ev[(ev.element == "Esc") & (ev.lifecycle == "complete")].set_index("case").time
    end = out.cases.end
    assert np.allclose(end[work_end.index], np.maximum(work_end, esc_end.reindex(work_end.index).fillna(0)))


def test_message_start_fires_with_its_probability_and_delay():
    p, tasks = model(interrupting=True, event="message")
    prob, delay = 0.5, 600.0
    b = bound(tasks, interarrival=SPARSE, cases=20000,
              triggers={"EStart": StartTrigger("EStart", prob, Exponential(mean=delay))})
    fired = flags(run(p, b, seed=3), "EStart", "pass")
    assert inside_ci(fired, prob * MEAN / (MEAN + delay))  # p * P(Exp(delay) < Exp(service))


def test_message_start_without_a_trigger_never_fires():
    p, tasks = model(interrupting=True, event="message")
    out = run(p, bound(tasks, interarrival=SPARSE, cases=200), seed=3)
    assert flags(out, "EStart", "pass").sum() == 0 and out.cases.completed.all()


def test_interrupting_start_inside_a_sub_process_ends_only_the_sub_process():
    p, tasks = model(interrupting=True, inside_sub=True)
    out = run(p, bound(tasks, interarrival=SPARSE, cases=20000), seed=4)
    fired = flags(out, "EStart", "pass")
    assert inside_ci(fired, math.exp(-T / MEAN))  # measured from the sub-process's start
    assert (flags(out, "After", "complete") == 1).all()  # the ticket goes on after the sub-process
    assert (flags(out, "Sub", "complete") == 1).all()


def timer_cycle_model(value: str):
    nodes = {"Start": "startEvent", "Work": "serviceTask", "End": "endEvent",
             "Remind": {"type": "boundaryEvent", "attached_to": "Work", "cancel_activity": False,
                        "event": "timer", "timer": {"kind": "timeCycle", "value": value}},
             "Ping": "serviceTask", "PEnd": "endEvent"}
    p = build(nodes, [("Start", "Work"), ("Work", "End"), ("Remind", "Ping"), ("Ping", "PEnd")])
    tasks = {"Work": TaskSpec("Work", Exponential(mean=MEAN)), "Ping": TaskSpec("Ping", Fixed(1.0))}
    return p, tasks


def firings(out) -> np.ndarray:
    ev = out.events
    hit = ev[(ev.element == "Remind") & (ev.lifecycle == "pass")].groupby("case").size()
    return hit.reindex(range(len(out.cases)), fill_value=0).to_numpy()


def test_repeating_timer_boundary_fires_each_period_while_the_activity_runs():
    p, tasks = timer_cycle_model("R3/PT5M")
    out = run(p, bound(tasks, interarrival=SPARSE, cases=20000), seed=5)
    k = firings(out)
    assert k.max() == 3
    assert inside_ci(k.astype(float), sum(math.exp(-j * T / MEAN) for j in range(1, 4)))
    assert (flags(out, "Work", "complete") == 1).all()  # non-interrupting: the work goes on


def test_unbounded_timer_cycle_fires_until_the_activity_ends():
    p, tasks = timer_cycle_model("R/PT5M")
    k = firings(run(p, bound(tasks, interarrival=SPARSE, cases=20000), seed=6)).astype(float)
    q = math.exp(-T / MEAN)
    assert inside_ci(k, q / (1 - q))  # sum over all k >= 1 of exp(-k T / mean)


def test_event_subprocess_of_a_called_process_watches_each_call():
    from bpsim.model import ProcessInfo

    timer = {"kind": "timeDuration", "value": "PT5M"}
    q = {"process": "Q"}
    nodes = {"Start": "startEvent", "Call": {"type": "callActivity", "called_element": "Q"}, "End": "endEvent",
             "QStart": {"type": "startEvent", **q}, "Work": {"type": "serviceTask", **q},
             "QEnd": {"type": "endEvent", **q},
             "Esc": {"type": "subProcess", "triggered_by_event": True, **q},
             "EStart": {"type": "startEvent", "parent": "Esc", "event": "timer", "timer": timer,
                        "interrupting": True, **q},
             "EEnd": {"type": "endEvent", "parent": "Esc", **q}}
    p = build(nodes, [("Start", "Call"), ("Call", "End"), ("QStart", "Work"), ("Work", "QEnd"),
                      ("EStart", "EEnd")])
    p.processes["Q"] = ProcessInfo(id="Q", name="Q")
    out = run(p, bound({"Work": TaskSpec("Work", Exponential(mean=MEAN))}, interarrival=SPARSE, cases=20000),
              seed=7)
    fired = flags(out, "EStart", "pass")
    assert inside_ci(fired, math.exp(-T / MEAN))
    assert (flags(out, "Call", "complete") == 1).all() and (flags(out, "End", "end") == 1).all()


def test_error_event_subprocess_of_a_vendor_file_fires_by_the_scenario():
    """bpmn-js-token-simulation's booking: the "Booking Error" event sub-process inside "Booking"
    (flight and hotel booked in parallel), triggered from the scenario file."""
    import bpsim
    from tests.conftest import ROOT

    path = ROOT.parent / "shared" / "corpus" / "real-world" / "bpmn-js-token-simulation__test__spec__booking.bpmn"
    if not path.exists():
        import pytest

        pytest.skip("corpus not found beside the clone")
    p = bpsim.read(path)
    law = "exponential(mean=30m)"
    scenario = bpsim.Scenario.from_dict({
        "cases": 4000, "arrivals": {"Start": {"interarrival": "exponential(mean=10h)"}},
        "tasks": {t: {"duration": law, "role": None} for t in [
            "Book Flight", "Book Hotel", "Get Credit Card Information", "Charge Credit Card",
            "Notify Customer Failed Booking", "Notify Customer Invalid Credit Card"]},
        "events": {"Booking Error": {"probability": 0.5, "duration": "30m"}},
        "gateways": {"Gateway_1": {"Gateway_3": 0.5, "Notify Customer Invalid Credit Card": 0.5},
                     "Gateway_4": {"Gateway_2": 0.0, "Notify Customer Failed Booking": 1.0}},
    })
    out = run(p, scenario.bind(p), seed=8)
    entries = flags(out, "Booking_Sub", "start")
    fired = flags(out, "Booking_Error_Start", "pass")
    assert entries.all() and out.cases.completed.all()
    # the trigger happens in half the bookings, and fires if the booking (max of two
    # exponentials of mean 30 min) still runs 30 min after it began
    assert inside_ci(fired, 0.5 * (1 - (1 - math.exp(-1)) ** 2))
    withdrawn = np.maximum(flags(out, "Book_Flight", "withdrawn"), flags(out, "Book_Hotel", "withdrawn"))
    assert (withdrawn == fired).all()  # interrupting: the booking still running is cancelled, only then
