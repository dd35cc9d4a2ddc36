"""Simulation-parameter rules on the service desk, with scenarios written here as dicts."""

from __future__ import annotations

import copy

import pytest

import bpsim
from tests.conftest import MODELS

DESK = MODELS / "service_desk.bpmn"

#: A complete scenario for the service desk (names as drawn; see the preamble's model).
SCENARIO = {
    "name": "validator test",
    "horizon": "7d",
    "arrivals": {
        # 3.7 tickets an hour: Agents and Specialists below capacity (sim-overloaded-role)
        "E-mail received": {"interarrival": "exponential(mean=30m)"},
        "Phone call received": {"interarrival": "exponential(mean=60m)"},
        "Portal request submitted": {"interarrival": "exponential(mean=90m)"},
    },
    "roles": {"Agent": {"staff": 3}, "Specialist": {"staff": 2}},
    "tasks": {
        "Look up contact": {"duration": "fixed(5s)", "role": None},
        "Answer call": {"duration": "exponential(mean=4m)"},
        "Create contact": {"duration": "fixed(5m)"},
        "Open ticket and assign": {"duration": "fixed(10s)", "role": None},
        "Triage ticket": {"duration": "exponential(mean=8m)"},
        "Reply to customer": {"duration": "fixed(5m)"},
        "Set status waiting for customer reply": {"duration": "fixed(2s)", "role": None},
        "Add reply to ticket": {"duration": "fixed(5s)", "role": None},
        "Review customer reply": {"duration": "fixed(6m)"},
        "Close ticket without reply": {"duration": "fixed(5s)", "role": None},
        "Resolve at first line": {"duration": "exponential(mean=20m)"},
        "Resolve as specialist": {"duration": "exponential(mean=50m)"},
        "Send delay notice": {"duration": "fixed(2s)", "role": None},
        "Send closure notice": {"duration": "fixed(2s)", "role": None},
        "Send satisfaction survey": {"duration": "fixed(2s)", "role": None},
    },
    "gateways": {
        "Contact known?": {"Yes": 0.8, "No": 0.2},
        "Need more information?": {"Yes": 0.25, "No": 0.75},
        "Solvable at first line?": {"Yes": 0.7, "No": 0.3},
    },
    "events": {"Customer replies": {"duration": "exponential(mean=1d)"}},
    "slas": [{"name": "taken in charge", "from": "case.arrive", "to": "Triage ticket.start",
              "target": "4h"}],
}


@pytest.fixture(scope="module")
def desk():
    return bpsim.read(DESK)


def _findings(desk, change=None):
    data = copy.deepcopy(SCENARIO)
    if change:
        change(data)
    scenario = bpsim.Scenario.from_dict(data, source="test.yaml")
    return [f for f in bpsim.validate(desk, scenario) if f.rule.startswith("sim-")]


def test_service_desk_model_alone_has_no_error(desk):
    assert not [f for f in bpsim.validate(desk) if f.severity == "error"]


def test_complete_scenario_is_clean(desk):
    assert _findings(desk) == []


def test_bundled_scenario_is_clean(desk):
    path = MODELS / "service_desk.yaml"
    if not path.exists():
        pytest.skip("models/service_desk.yaml not written yet")
    findings = bpsim.validate(desk, bpsim.load_scenario(path))
    assert not [f for f in findings if f.severity == "error"], findings


def _one(findings, rule):
    hits = [f for f in findings if f.rule == rule]
    assert len(hits) == 1, findings
    return hits[0]


def test_missing_probabilities(desk):
    f = _one(_findings(desk, lambda d: d["gateways"].pop("Solvable at first line?")),
             "sim-missing-probabilities")
    assert f.element_id == "Gateway_Level" and f.severity == "error"


def test_probabilities_that_do_not_sum_to_one(desk):
    f = _one(_findings(desk, lambda d: d["gateways"].update({"Contact known?": {"Yes": 0.5,
                                                                                 "No": 0.2}})),
             "sim-probabilities-sum")
    assert f.element_id == "Gateway_ContactKnown" and "0.7" in f.message


def test_missing_duration(desk):
    f = _one(_findings(desk, lambda d: d["tasks"].pop("Triage ticket")), "sim-missing-duration")
    assert f.element_id == "Task_Triage"


def test_missing_role_when_the_lane_names_no_role(desk):
    def drop(d):
        d["roles"] = {"Specialist": {"staff": 2}}  # Agent lane tasks now have no role
    hits = [f for f in _findings(desk, drop) if f.rule == "sim-missing-role"]
    agent_tasks = {n for n, lane in desk.graph.nodes(data="lane") if lane == "Lane_Agent"
                   and desk.graph.nodes[n]["type"] == "userTask"}
    assert {f.element_id for f in hits} == agent_tasks


def test_role_with_no_staff(desk):
    f = _one(_findings(desk, lambda d: d["roles"]["Specialist"].update(staff=0)), "sim-no-staff")
    assert f.element_id == "Task_ResolveSpecialist" and "Specialist" in f.message


def test_start_event_without_arrivals(desk):
    f = _one(_findings(desk, lambda d: d["arrivals"].pop("Phone call received")),
             "sim-no-arrivals")
    assert f.element_id == "Start_Phone" and f.severity == "warning"


def test_no_arrivals_anywhere_is_an_error(desk):
    hits = [f for f in _findings(desk, lambda d: d.update(arrivals={}))
            if f.rule == "sim-no-arrivals"]
    assert {f.element_id for f in hits} == {"Start_Email", "Start_Phone", "Start_Portal"}
    assert {f.severity for f in hits} == {"error"}


def test_catch_event_without_delay_but_timer_with_duration_is_fine(desk):
    f = _one(_findings(desk, lambda d: d["events"].pop("Customer replies")), "sim-missing-delay")
    assert f.element_id == "Event_CustomerReplies"  # Event_NoReply has its BPMN P5D


def test_unknown_names_are_findings_not_crashes(desk):
    def break_names(d):
        d["tasks"]["Triage tiket"] = {"duration": "fixed(1m)"}
        d["slas"][0]["to"] = "No such task.start"
        d["gateways"]["Need more information?"] = {"Yes": 0.25, "Maybe": 0.75}
    hits = [f for f in _findings(desk, break_names) if f.rule == "sim-unknown-element"]
    text = " ".join(f.message for f in hits)
    assert len(hits) == 3
    for word in ("Triage tiket", "No such task", "Maybe"):
        assert word in text
    assert all(f.file == "test.yaml" and f.severity == "error" for f in hits)


def test_scenario_rules_do_not_run_without_a_scenario(desk):
    assert not [f for f in bpsim.validate(desk) if f.rule.startswith("sim-")]


def test_bound_scenario_is_refused_with_a_finding(desk):
    bound = bpsim.Scenario.from_dict(SCENARIO).bind(desk)
    findings = [f for f in bpsim.validate(desk, bound) if f.rule.startswith("sim-")]
    assert [f.rule for f in findings] == ["sim-unknown-element"]
    assert "bound scenario" in findings[0].message


def test_drawio_service_desk_has_no_error():
    path = MODELS / "service_desk.drawio"
    if not path.exists():
        pytest.skip("models/service_desk.drawio not written yet")
    process = bpsim.read(path)
    findings = bpsim.validate(process)
    assert not [f for f in findings if f.severity == "error"], findings
    assert all(f.page is not None for f in findings)


def test_scenario_may_be_given_as_a_path(desk, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: arrivals only\nhorizon: 1d\narrivals:\n  E-mail received:\n"
                    "    interarrival: exponential(mean=10m)\n")
    findings = bpsim.validate(desk, str(path))
    rules = {f.rule for f in findings}
    assert {"sim-missing-duration", "sim-no-arrivals"} <= rules
    assert "Start_Email" not in {f.element_id for f in findings if f.rule == "sim-no-arrivals"}


PIZZA = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <collaboration id="C">
    <participant id="P_Customer" name="Customer" processRef="Customer"/>
    <participant id="P_Pizzeria" name="Pizzeria" processRef="Pizzeria"/>
    <messageFlow id="M1" sourceRef="Order" targetRef="OrderReceived"/>
    <messageFlow id="M2" sourceRef="Deliver" targetRef="PizzaReceived"/>
  </collaboration>
  <process id="Customer">
    <startEvent id="Hungry" name="Hungry"/>
    <sendTask id="Order" name="Order pizza"/>
    <intermediateCatchEvent id="PizzaReceived" name="Pizza received">
      <messageEventDefinition/></intermediateCatchEvent>
    <endEvent id="Fed" name="Fed"/>
    <sequenceFlow id="c1" sourceRef="Hungry" targetRef="Order"/>
    <sequenceFlow id="c2" sourceRef="Order" targetRef="PizzaReceived"/>
    <sequenceFlow id="c3" sourceRef="PizzaReceived" targetRef="Fed"/>
  </process>
  <process id="Pizzeria">
    <startEvent id="OrderReceived" name="Order received"><messageEventDefinition/></startEvent>
    <task id="Bake" name="Bake pizza"/>
    <sendTask id="Deliver" name="Deliver pizza"/>
    <endEvent id="Delivered" name="Delivered"/>
    <sequenceFlow id="p1" sourceRef="OrderReceived" targetRef="Bake"/>
    <sequenceFlow id="p2" sourceRef="Bake" targetRef="Deliver"/>
    <sequenceFlow id="p3" sourceRef="Deliver" targetRef="Delivered"/>
  </process>
</definitions>"""


def test_message_flows_start_and_wake_elements_without_arrivals_or_delays():
    """A start event a message starts needs no arrivals; a catch event a message wakes needs
    no delay (the engine delivers the message); without the message flows both are reported."""
    scenario = bpsim.Scenario.from_dict({
        "name": "pizza", "horizon": "1d",
        "arrivals": {"Hungry": {"interarrival": "exponential(mean=1h)"}},
        "roles": {"Pizzeria": {"staff": 1}},
        "tasks": {"Order pizza": {"duration": "fixed(1m)", "role": None},
                  "Bake pizza": {"duration": "fixed(15m)", "role": "Pizzeria"},
                  "Deliver pizza": {"duration": "fixed(20m)", "role": None}},
    })
    process = bpsim.read_bpmn(PIZZA)
    rules = {(f.rule, f.element_id) for f in bpsim.validate(process, scenario)}
    assert ("sim-no-arrivals", "OrderReceived") not in rules
    assert ("sim-missing-delay", "PizzaReceived") not in rules
    unlinked = bpsim.read_bpmn(PIZZA.replace(b'<messageFlow id="M1" sourceRef="Order" '
                                             b'targetRef="OrderReceived"/>', b"")
                               .replace(b'<messageFlow id="M2" sourceRef="Deliver" '
                                        b'targetRef="PizzaReceived"/>', b""))
    rules = {(f.rule, f.element_id) for f in bpsim.validate(unlinked, scenario)}
    assert ("sim-no-arrivals", "OrderReceived") in rules
    assert ("sim-missing-delay", "PizzaReceived") in rules
    results = bpsim.simulate(process, scenario, replications=1, seed=1)
    assert results.output.events["element"].astype(str).eq("Delivered").any()
