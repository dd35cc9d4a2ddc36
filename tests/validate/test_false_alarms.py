"""Findings that fired on correct models (issue 14), and the models where they still must."""

from __future__ import annotations

from bpsim.model import Process, ProcessInfo
from bpsim.scenario import Scenario
from bpsim.validate import validate
from tests.validate.test_rules import flow, node


def reminder_loop(rejoin: bool = False, shared_end: bool = False) -> Process:
    """Ask the customer, wait for the reply (a reminder timer every 3 days, non-interrupting),
    loop while more information is needed. With ``rejoin`` the reminder branch flows back
    into the wait: then tokens really multiply."""
    p = Process(source=None)
    p.processes["P"] = ProcessInfo("P", "Desk")
    node(p, "S", "startEvent", "Ticket received")
    node(p, "Ask", "task", "Ask customer")
    node(p, "M", "exclusiveGateway", "merge")
    node(p, "Wait", "receiveTask", "Wait for reply")
    node(p, "Rem", "boundaryEvent", "Reminder due", attached_to="Wait", cancel_activity=False,
         events=["timer"], timer={"kind": "timeDuration", "value": "P3D"})
    node(p, "Send", "task", "Send reminder")
    node(p, "More", "exclusiveGateway", "More info needed?")
    node(p, "Solve", "task", "Solve")
    node(p, "E", "endEvent", "Closed")
    node(p, "E2", "endEvent", "Reminder sent")
    flow(p, "f1", "S", "M")
    flow(p, "f2", "M", "Ask")
    flow(p, "f3", "Ask", "Wait")
    flow(p, "f4", "Wait", "More")
    flow(p, "f5", "More", "M", name="yes")
    flow(p, "f6", "More", "Solve", name="no")
    flow(p, "f7", "Solve", "E")
    flow(p, "f8", "Rem", "Send")
    if rejoin:
        flow(p, "f9", "Send", "M")
    elif shared_end:
        flow(p, "f9", "Send", "E")
    else:
        flow(p, "f9", "Send", "E2")
    return p


def findings(p: Process, rule: str, scenario=None):
    return [f for f in validate(p, scenario, config={}) if f.rule == rule]


def test_reminder_timer_in_a_reply_loop_is_not_lack_of_synchronisation():
    assert findings(reminder_loop(), "soundness-lack-of-synchronisation") == []
    assert findings(reminder_loop(shared_end=True), "soundness-lack-of-synchronisation") == []


def test_reminder_branch_flowing_back_into_the_loop_still_warns():
    found = findings(reminder_loop(rejoin=True), "soundness-lack-of-synchronisation")
    assert found, "tokens multiply when the reminder branch re-enters the loop"


def test_parallel_split_closed_by_exclusive_merge_still_warns():
    p = Process(source=None)
    p.processes["P"] = ProcessInfo("P", "Twice")
    for nid, kind in [("S", "startEvent"), ("A", "parallelGateway"), ("T1", "task"),
                      ("T2", "task"), ("X", "exclusiveGateway"), ("T3", "task"),
                      ("E", "endEvent")]:
        node(p, nid, kind)
    for fid, s, t in [("a", "S", "A"), ("b", "A", "T1"), ("c", "A", "T2"), ("d", "T1", "X"),
                      ("e", "T2", "X"), ("f", "X", "T3"), ("g", "T3", "E")]:
        flow(p, fid, s, t)
    assert findings(p, "soundness-lack-of-synchronisation")


SCENARIO = {
    "horizon": "5d",
    "arrivals": {"Ticket received": {"interarrival": "exponential(mean=1h)"}},
    "roles": {"Agent": {"staff": 2}},
    "tasks": {"Ask customer": {"duration": "fixed(5m)", "role": "Agent"},
              "Solve": {"duration": "fixed(30m)", "role": "Agent"},
              "Send reminder": {"duration": "fixed(1m)", "role": "Agent"}},
    "gateways": {"More info needed?": {"yes": 0.3, "no": 0.7}},
    "events": {"Wait for reply": {"duration": "exponential(mean=1d)"}},
}


def test_receive_task_configured_under_events_needs_no_role():
    p = reminder_loop()
    scenario = Scenario.from_dict(SCENARIO)
    assert findings(p, "sim-missing-role", scenario) == []
    # a receive task that nobody configured as a wait still needs a role or a delay
    del SCENARIO["events"]["Wait for reply"]
    try:
        scenario = Scenario.from_dict(SCENARIO)
        assert [f.element_id for f in findings(p, "sim-missing-role", scenario)] == ["Wait"]
    finally:
        SCENARIO["events"]["Wait for reply"] = {"duration": "exponential(mean=1d)"}
