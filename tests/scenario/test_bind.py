"""Binding a scenario to a process: names to ids, strict checks, clear errors."""

from __future__ import annotations

import pytest

import bpsim
from bpsim.errors import ScenarioError
from bpsim.scenario import bind, resolve
from bpsim.scenario.distributions import Fixed

from .builders import small_desk


def scenario(**changes) -> bpsim.Scenario:
    data = {
        "horizon": "30d",
        "calendars": {"office": {"hours": "09:00-18:00"}},
        "arrivals": {"Ticket received": {"interarrival": "exponential(mean=6m)",
                                         "classes": {"P1": 0.2, "P3": 0.5, "P2": 0.3}}},
        "roles": {"Agent": {"staff": 2, "calendar": "office"},
                  "Specialist": {"shifts": [{"staff": 1, "calendar": "office", "name": "day"},
                                            {"staff": 1, "calendar": "24/7"}]}},
        "tasks": {"Handle ticket": "exponential(mean=5m)",
                  "Task_Log": {"duration": "5s"},
                  "Resolve": {"duration": "30m", "by_class": {"P1": "10m"}},
                  "Ask customer": {"duration": "2m", "role": None},
                  "Task_Check1": "1m"},
        "gateways": {"Need more info?": {"Yes": 0.25, "Task_Resolve": 0.75}},
        "events": {"Customer replies": {"duration": "1d", "pauses_sla": True}},
        "slas": [{"name": "response", "from": "Ticket received", "to": "Handle ticket.start",
                  "target": {"P1": "1h", "other": "4h"}, "calendar": "office", "attain": 0.9},
                 {"name": "total", "from": "case.arrive", "to": "Done", "target": "2d",
                  "pause_at": ["Wait a day"], "classes": ["P1"]}],
    }  # fmt: skip
    data.update(changes)
    return bpsim.Scenario.from_dict(data, source="desk.yaml")


def test_bind_by_name_and_id():
    b = scenario().bind(small_desk())
    assert set(b.arrivals) == {"Start_1"}
    assert b.classes == ["P1", "P2", "P3"]
    assert b.arrivals["Start_1"].classes == {"P1": 0.2, "P3": 0.5, "P2": 0.3}
    assert set(b.tasks) == {"Task_Handle", "Task_Log", "Task_Resolve", "Task_Ask", "Task_Check1"}
    assert b.tasks["Task_Handle"].role == "Agent"  # lane "Agent", name drawn on two lines
    assert b.tasks["Task_Resolve"].role == "Specialist"
    assert b.tasks["Task_Resolve"].by_class == {"P1": Fixed(600.0)}
    assert b.tasks["Task_Log"].role is None  # lane "Ticketing system": no such role
    assert b.tasks["Task_Ask"].role is None  # explicit null: automatic
    assert b.gateways["Gw_Info"].probabilities == {"F_Yes": 0.25, "F_No": 0.75}
    assert b.roles["Specialist"].staff == 2
    assert b.roles["Specialist"].shifts[1].calendar.is_open(3 * 3600)  # 24/7 built in
    assert b.source == "desk.yaml"


def test_timers_default_to_the_bpmn_values():
    b = scenario().bind(small_desk())
    assert b.events["Event_Wait"].duration == Fixed(86400.0)  # P1D, not in the scenario
    assert b.boundaries["Boundary_Late"].duration == Fixed(8 * 3600.0)  # PT8H
    b2 = scenario(boundaries={"Late": {"duration": "2h"}}).bind(small_desk())
    assert b2.boundaries["Boundary_Late"].duration == Fixed(7200.0)


def test_sla_points_targets_and_pauses():
    response, total = scenario().bind(small_desk()).slas
    assert (response.start.element, response.start.moment) == ("Start_1", "arrive")
    assert (response.end.element, response.end.moment) == ("Task_Handle", "start")
    assert response.target == {"P1": 3600.0, None: 4 * 3600.0}
    assert response.pause_at == {"Event_Reply"}  # default: events with pauses_sla
    assert response.calendar.name == "office"
    assert (total.start.element, total.start.moment) == (None, "arrive")
    assert (total.end.element, total.end.moment) == ("End_1", "arrive")
    assert total.pause_at == {"Event_Wait"} and total.classes == {"P1"}
    assert total.target == {None: 2 * 86400.0} and total.calendar is None and total.attain == 1.0


@pytest.mark.parametrize(
    "changes, key, words",
    [
        ({"tasks": {"Check": "1m"}}, "tasks.Check", "ambiguous"),
        ({"tasks": {"Handel ticket": "1m"}}, "tasks.Handel ticket", "did you mean 'Handle ticket'"),
        ({"tasks": {"Need more info?": "1m"}}, "tasks.Need more info?", "exclusiveGateway, not a task"),
        ({"arrivals": {"Handle ticket": {"interarrival": "1m"}}}, "arrivals.Handle ticket", "not a start event"),
        ({"gateways": {"Need more info?": {"Maybe": 0.25, "No": 0.75}}}, "gateways.Need more info?.Maybe", "no outgoing branch"),
        ({"gateways": {"Need more info?": {"Yes": 0.3, "No": 0.6}}}, "gateways.Need more info?", "sum to 0.9"),
        ({"gateways": {"Gw_Split": {"F8": 0.5, "F9": 0.5}}}, "gateways.Gw_Split", "every branch is taken"),
        ({"gateways": {"Need more info?": {"Yes": 0.25, "F_Yes": 0.75}}}, "gateways.Need more info?.F_Yes", "second time"),
        ({"tasks": {"Resolve": {"duration": "1m", "by_class": {"P4": "1m"}}}}, "tasks.Resolve.by_class.P4", "class 'P4'"),
        ({"slas": [{"name": "a", "from": "case.arrive", "to": "Done.start", "target": "1h"}]}, "slas[0].to", "only activities"),
        ({"slas": [{"name": "a", "from": "Nowhere", "to": "Done", "target": "1h"}]}, "slas[0].from", "no element"),
        ({"slas": [{"name": "a", "from": "case.arrive", "to": "Done", "target": {"P9": "1h"}}]}, "slas[0].target.P9", "class 'P9'"),
    ],
)  # fmt: skip
def test_bind_errors_name_key_element_and_candidates(changes, key, words):
    with pytest.raises(ScenarioError) as err:
        scenario(**changes).bind(small_desk())
    assert err.value.key == key
    assert err.value.file == "desk.yaml"
    assert words in str(err.value)
    assert err.value.hint


def test_ambiguity_lists_the_candidates():
    with pytest.raises(ScenarioError) as err:
        scenario(tasks={"Check": "1m"}).bind(small_desk())
    assert "Task_Check1" in err.value.message and "Task_Check2" in err.value.message
    assert "by its id" in err.value.hint


def test_bind_errors_carry_the_yaml_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("horizon: 1d\ngateways:\n  Need more info?:\n    Yes: 0.25\n    Maybe: 0.75\n")
    with pytest.raises(ScenarioError) as err:
        bind(bpsim.load_scenario(path), small_desk())
    assert err.value.line == 5 and err.value.key == "gateways.Need more info?.Maybe"
    assert "F_Yes" in err.value.hint  # the branches are listed


def test_trace_file_relative_to_the_yaml(tmp_path):
    (tmp_path / "arrivals.csv").write_text(
        "id,timestamp\n1,2026-01-05T09:00:00\n2,2026-01-05T09:30\n3,600\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text("horizon: 1d\narrivals:\n  Ticket received: {trace: arrivals.csv}\n")
    b = bpsim.load_scenario(path).bind(small_desk())
    assert b.arrivals["Start_1"].trace == [600.0, 9 * 3600.0, 9.5 * 3600.0]
    (tmp_path / "bad.csv").write_text("09:00 monday\n")
    path.write_text("horizon: 1d\narrivals:\n  Ticket received: {trace: bad.csv}\n")
    with pytest.raises(ScenarioError) as err:
        bpsim.load_scenario(path).bind(small_desk())
    assert err.value.key == "arrivals.Ticket received.trace" and err.value.line == 3
    assert "bad.csv:1" in err.value.message


def test_resolve_helper_for_the_validator():
    s, p = scenario(), small_desk()
    assert resolve(s, p, "tasks.Handle ticket") == "Task_Handle"
    assert resolve(s, p, "gateways.Need more info?.Yes") == "F_Yes"
    assert resolve(s, p, "tasks")["Task_Log"] == "Task_Log"
    assert resolve(s, p, "arrivals") == {"Start_1": "Ticket received"}
    roles = resolve(s, p, "roles")
    assert (
        roles["Task_Check2"] == "Agent" and roles["Task_Ask"] is None and roles["Task_Log"] is None
    )
    with pytest.raises(ScenarioError):
        resolve(s, p, "tasks.Check")


def test_missing_parameters_are_left_to_the_validator():
    # no arrivals, a task listed without duration: bind does not raise
    b = scenario(arrivals={}, tasks={"Handle ticket": {"role": "Agent"}}, slas=[]).bind(
        small_desk()
    )
    assert b.arrivals == {} and "Task_Handle" not in b.tasks
    assert b.classes == ["default"]


def test_loop_and_instances_bind_to_loop_specs():
    desk = small_desk()
    desk.graph.nodes["Task_Resolve"]["loop"] = "sequential"
    tasks = {"Handle ticket": {"duration": "5m", "loop": {"repeat": 0.3, "maximum": 4}},
             "Resolve": {"duration": "30m", "instances": 3}}
    b = scenario(tasks=tasks).bind(desk)
    assert b.loops["Task_Handle"].kind == "standard"
    assert (b.loops["Task_Handle"].repeat, b.loops["Task_Handle"].maximum) == (0.3, 4)
    assert b.loops["Task_Resolve"].kind == "sequential"
    assert b.loops["Task_Resolve"].instances == Fixed(3.0)
    assert b.tasks["Task_Resolve"].duration == Fixed(1800.0)


def test_instances_need_a_multi_instance_marker():
    with pytest.raises(ScenarioError, match="multi-instance marker"):
        scenario(tasks={"Handle ticket": {"duration": "5m", "instances": 3}}).bind(small_desk())


def test_a_loop_needs_repeat_or_iterations():
    with pytest.raises(ScenarioError, match="repeat"):
        scenario(tasks={"Handle ticket": {"duration": "5m", "loop": {"maximum": 3}}})


def desk_with_event_subprocess():
    desk = small_desk()
    pid = desk.graph.nodes["Task_Handle"].get("process")
    base = {"process": pid, "lane": None, "event": None, "timer": None}
    desk.graph.add_node("Esc", **{**base, "type": "subProcess", "name": "Escalate", "parent": None,
                                  "triggered_by_event": True})
    desk.graph.add_node("EStart", **{**base, "type": "startEvent", "name": "Customer cancels",
                                     "parent": "Esc", "event": "message", "interrupting": True})
    return desk


def test_event_subprocess_start_takes_a_probability_and_a_delay():
    events = {"Customer cancels": {"probability": 0.1, "duration": "exponential(mean=2h)"}}
    b = scenario(events=events).bind(desk_with_event_subprocess())
    trig = b.triggers["EStart"]
    assert trig.probability == 0.1 and trig.duration.mean == 7200.0
    assert "EStart" not in b.events


def test_event_subprocess_trigger_needs_a_delay_and_probability_needs_a_start():
    with pytest.raises(ScenarioError, match="needs a duration"):
        scenario(events={"Customer cancels": {"probability": 0.1}}).bind(desk_with_event_subprocess())
    with pytest.raises(ScenarioError, match="event sub-process"):
        scenario(events={"Customer replies": {"duration": "1d", "probability": 0.5}}).bind(small_desk())


def test_boundary_cycles_only_on_non_interrupting_timers():
    with pytest.raises(ScenarioError, match="non-interrupting"):
        scenario(boundaries={"Late": {"duration": "1h", "cycles": 3}}).bind(small_desk())
    desk = small_desk()
    desk.graph.nodes["Boundary_Late"]["cancel_activity"] = False
    b = scenario(boundaries={"Late": {"duration": "1h", "cycles": 3}}).bind(desk)
    assert b.boundaries["Boundary_Late"].cycles == 3


def test_branches_can_be_named_by_their_condition_text():
    desk = small_desk()
    desk.flows["F_Yes"].condition = "${needInfo}"
    desk.flows["F_No"].condition = "${!needInfo}"
    b = scenario(gateways={"Need more info?": {"${needInfo}": 0.25, "${ !needInfo }": 0.75}}).bind(desk)
    assert b.gateways["Gw_Info"].probabilities == {"F_Yes": 0.25, "F_No": 0.75}
    with pytest.raises(ScenarioError, match=r"\[\$\{needInfo\}\]"):  # the hint lists conditions
        scenario(gateways={"Need more info?": {"${other}": 1.0}}).bind(desk)
