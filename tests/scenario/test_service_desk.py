"""The bundled service-desk scenario loads and binds to the bundled model."""

from __future__ import annotations

import pytest

import bpsim
from bpsim.scenario.spec import BoundScenario
from tests.conftest import MODELS

YAML = MODELS / "service_desk.yaml"
BPMN = MODELS / "service_desk.bpmn"


@pytest.fixture(scope="module")
def bound() -> BoundScenario:
    if not BPMN.exists():
        pytest.skip("models/service_desk.bpmn not written yet")
    return bpsim.load_scenario(YAML).bind(bpsim.read(BPMN))


def test_loads_with_the_agreed_settings():
    s = bpsim.load_scenario(YAML)
    assert (s.seed, s.replications, s.horizon, s.warmup) == (42, 10, 28 * 86400, 7 * 86400)
    assert s.start.weekday() == 0


def test_binds_every_named_element(bound):
    assert set(bound.arrivals) == {"Start_Email", "Start_Phone", "Start_Portal"}
    assert bound.classes == ["P1", "P2", "P3"]
    assert bound.roles["Agent"].staff == 6 and bound.roles["Specialist"].staff == 3
    assert (
        bound.roles["Agent"].billing_increment == 1800 and bound.roles["Agent"].cost_per_hour == 65
    )
    assert bound.tasks["Task_Triage"].role == "Agent"  # default: the lane's name
    assert bound.tasks["Task_ResolveSpecialist"].role == "Specialist"
    assert bound.tasks["Task_OpenTicket"].role is None  # automatic
    assert bound.gateways["Gateway_NeedInfo"].probabilities == {
        "Flow_NeedInfoYes": 0.25,
        "Flow_NeedInfoNo": 0.75,
    }
    assert bound.events["Event_NoReply"].duration.mean == 5 * 86400  # BPMN P5D
    assert bound.boundaries["Boundary_Overdue"].duration.mean == 8 * 3600  # BPMN PT8H
    taken, resolution = bound.slas
    assert (taken.end.element, taken.end.moment) == ("Task_Triage", "start")
    assert taken.target == {None: 4 * 3600} and taken.attain == 0.95
    assert resolution.end.element == "End_Closed"
    assert resolution.pause_at == {"Event_CustomerReplies", "Event_NoReply"}


def test_every_task_of_the_model_has_a_duration(bound):
    from bpsim.model import TASK_TYPES

    process = bpsim.read(BPMN)
    assert set(process.nodes(*TASK_TYPES)) == set(bound.tasks)


def test_offered_agent_load_is_realistic(bound):
    """Work offered to agents per week / agent hours on shift: 70-85 %, from the inputs."""
    weekly = sum(a.profile.per_week for a in bound.arrivals.values())
    mix = {"P1": 0.1, "P2": 0.3, "P3": 0.6}
    t = bound.tasks
    resolve_first = sum(p * t["Task_ResolveFirstLine"].by_class.get(c, t["Task_ResolveFirstLine"].duration).mean
                        for c, p in mix.items())  # fmt: skip
    p_reply = 1 - 2.718281828459045**-5  # reply (mean 1 d) before the 5-day timer
    asks = 0.25 / (1 - 0.25 * p_reply)  # expected passes through the Yes branch
    per_ticket = (
        0.2 * t["Task_CreateContact"].duration.mean
        + t["Task_Triage"].duration.mean
        + asks
        * (t["Task_AskCustomer"].duration.mean + p_reply * t["Task_ReviewReply"].duration.mean)
        + 0.7 * resolve_first
    )
    shift_hours = sum(sh.staff * sh.calendar.open_per_week for sh in bound.roles["Agent"].shifts)
    load = weekly * per_ticket / shift_hours
    assert 0.70 <= load <= 0.85


def test_shifts_are_varied_by_name_or_position():
    s = bpsim.load_scenario(YAML)
    v = s.vary({"roles.Agent.shifts.early.staff": 4, "roles.Agent.shifts.1.staff": 2})
    assert [(sh.name, sh.staff) for sh in v.roles["Agent"].shifts] == [("early", 4), ("late", 2)]
    assert [sh.staff for sh in s.roles["Agent"].shifts] == [3, 3]


def test_the_design_contract_example_loads(tmp_path):
    """The scenario shown in DESIGN.md is a valid scenario."""
    from tests.conftest import SHARED

    design = SHARED / "DESIGN.md"
    if not design.exists():
        pytest.skip(f"{design} not beside the clone")
    text = design.read_text(encoding="utf-8")
    block = text.split("## Scenario file (YAML)", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    path = tmp_path / "design.yaml"
    path.write_text(block, encoding="utf-8")
    s = bpsim.load_scenario(path)
    assert s.roles["Agent"].billing_increment == 1800
    assert s.slas[1].target == {"P1": 8 * 3600, "P2": 2 * 86400, "P3": 5 * 86400}
    assert s.class_order() == ["P1", "P2", "P3"]
