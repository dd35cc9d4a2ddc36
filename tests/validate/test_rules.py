"""Rules on processes built in code: semantics and bpmnlint's exemptions, one at a time."""

from __future__ import annotations

import pytest

from bpsim.model import Flow, Lane, Process, ProcessInfo
from bpsim.validate import RULES, Context, validate
from bpsim.validate.soundness import ScopeNet, explore


def node(p: Process, nid: str, kind: str, name: str | None = None, **attrs) -> None:
    data = {"type": kind, "name": name if name is not None else nid, "lane": None,
            "process": "P", "parent": None, "line": None, "event": None, "events": [],
            "timer": None, "default": None, "attached_to": None, "cancel_activity": None,
            "interrupting": None, "triggered_by_event": None, "called_element": None,
            "loop": None, "extensions": [], "attributes": {}}
    data.update(attrs)
    if data["events"] and data["event"] is None:
        data["event"] = data["events"][0] if len(data["events"]) == 1 else "multiple"
    p.graph.add_node(nid, **data)


def flow(p: Process, fid: str, source: str, target: str, name=None, condition=None,
         default=False) -> None:
    p.flows[fid] = Flow(fid, source, target, name, condition, None, default, "P")
    p.graph.add_edge(source, target, id=fid, name=name, condition=condition, default=default,
                     ids=[fid])


def process(*chain: str, executable: bool | None = None) -> Process:
    """start -> tasks ... -> end, ids as given."""
    p = Process(source=None)
    p.processes["P"] = ProcessInfo("P", "Test", executable=executable)
    for i, nid in enumerate(chain):
        kind = "startEvent" if i == 0 else "endEvent" if i == len(chain) - 1 else "task"
        node(p, nid, kind)
        if i:
            flow(p, f"F{i}", chain[i - 1], nid)
    return p


def rules_of(p: Process, rule: str | None = None, **kw):
    found = validate(p, config={}, **kw)
    return [f for f in found if rule is None or f.rule == rule]


def test_a_clean_chain_has_no_finding():
    assert rules_of(process("S", "T", "E")) == []


def test_connectivity_comes_from_flows_only():
    """No <incoming>/<outgoing> anywhere: nothing is disconnected or implicit."""
    p = process("S", "T1", "T2", "E")
    for rule in ("no-disconnected", "no-implicit-start", "no-implicit-end"):
        assert rules_of(p, rule) == []


def test_conditional_event_needs_a_condition_in_executable_processes():
    p = process("S", "Wait", "E", executable=True)
    p.graph.nodes["Wait"].update(type="intermediateCatchEvent", events=["conditional"],
                                 event="conditional", condition="")
    assert [f.element_id for f in rules_of(p, "conditional-event")] == ["Wait"]
    p.graph.nodes["Wait"]["condition"] = "${stock > 0}"
    assert rules_of(p, "conditional-event") == []
    p.graph.nodes["Wait"]["condition"] = ""
    p.processes["P"].executable = False
    assert rules_of(p, "conditional-event") == []


def test_boundary_events_are_no_implicit_start():
    p = process("S", "T", "E")
    node(p, "B", "boundaryEvent", attached_to="T", events=["timer"], cancel_activity=True)
    node(p, "E2", "endEvent")
    flow(p, "FB", "B", "E2")
    assert rules_of(p, "no-implicit-start") == []
    assert rules_of(p, "unreachable") == []


def test_compensation_is_exempt():
    p = process("S", "T", "E")
    node(p, "Comp", "boundaryEvent", attached_to="T", events=["compensate"])
    node(p, "Undo", "task", for_compensation=True)
    p.artifacts["A1"] = {"type": "association", "sourceRef": "Comp", "targetRef": "Undo"}
    found = {(f.rule, f.element_id) for f in rules_of(p)}
    for rule in ("no-disconnected", "no-implicit-start", "no-implicit-end"):
        assert (rule, "Comp") not in found and (rule, "Undo") not in found
    # a compensation boundary is not an exit of the activity: no deadlock, no improper end
    assert not [f for f in rules_of(p) if f.rule.startswith("soundness")]


def test_compensation_activity_found_by_its_association():
    """Readers that do not keep isForCompensation: the association tells."""
    p = process("S", "T", "E")
    node(p, "Comp", "boundaryEvent", attached_to="T", events=["compensate"])
    node(p, "Undo", "task")
    p.artifacts["A1"] = {"type": "association", "sourceRef": "Comp", "targetRef": "Undo"}
    assert not [f for f in rules_of(p) if f.element_id == "Undo" and f.severity == "error"]


def test_event_sub_process_is_exempt_and_searched_alone():
    p = process("S", "T", "E")
    node(p, "ES", "subProcess", triggered_by_event=True)
    node(p, "ES_S", "startEvent", parent="ES", events=["message"])
    node(p, "ES_T", "task", parent="ES")
    node(p, "ES_E", "endEvent", parent="ES")
    flow(p, "G1", "ES_S", "ES_T")
    flow(p, "G2", "ES_T", "ES_E")
    assert [f for f in rules_of(p) if f.severity != "info"] == []


def test_ad_hoc_activities_need_no_flows():
    p = process("S", "AH", "E")
    p.graph.nodes["AH"]["type"] = "adHocSubProcess"
    node(p, "A", "task", parent="AH")
    node(p, "B", "task", parent="AH")
    assert rules_of(p) == []


def test_link_events_connect_throw_to_catch():
    p = process("S", "T1", "LT")
    p.graph.nodes["LT"].update(type="intermediateThrowEvent", events=["link"], link_name="go")
    node(p, "LC", "intermediateCatchEvent", events=["link"], link_name="go")
    node(p, "T2", "task")
    node(p, "E", "endEvent")
    flow(p, "G1", "LC", "T2")
    flow(p, "G2", "T2", "E")
    assert rules_of(p) == []
    p.graph.nodes["LC"]["link_name"] = "went"  # the pair no longer matches
    rules = {f.rule for f in rules_of(p)}
    assert {"link-event", "unreachable"} <= rules


def test_default_flow_is_not_an_implicit_split():
    p = process("S", "T", "E")
    node(p, "E2", "endEvent")
    flow(p, "F9", "T", "E2", condition="x > 1")
    p.graph.nodes["T"]["default"] = "F2"
    p.flows["F2"].default = True
    assert rules_of(p, "no-implicit-split") == []
    assert rules_of(p, "conditional-flows") == []


def test_or_join_waits_for_upstream_tokens_and_then_fires():
    """Inclusive split and join: sound whatever subset of branches is taken."""
    p = process("S", "Split", "A", "Join", "E")
    p.graph.nodes["Split"]["type"] = "inclusiveGateway"
    p.graph.nodes["Join"]["type"] = "inclusiveGateway"
    node(p, "B", "task")
    flow(p, "FB1", "Split", "B")
    flow(p, "FB2", "B", "Join")
    assert not [f for f in rules_of(p) if f.rule.startswith("soundness")]


def test_non_interrupting_boundary_is_an_optional_extra_branch():
    p = process("S", "T", "E")
    node(p, "B", "boundaryEvent", attached_to="T", events=["timer"], cancel_activity=False)
    node(p, "N", "task")
    node(p, "E2", "endEvent")
    flow(p, "FB", "B", "N")
    flow(p, "FN", "N", "E2")
    ctx = Context(p)
    net = ScopeNet(ctx, "P")
    idx = {f.id: i for i, f in enumerate(net.flows)}
    assert sorted(map(sorted, net.outcomes["T"])) == sorted([[idx["F2"]], [idx["F2"], idx["FB"]]])
    assert not explore(ctx, "P")["dead"]


def test_terminate_end_removes_every_token():
    p = process("S", "Fork", "A", "E")
    p.graph.nodes["Fork"]["type"] = "parallelGateway"
    p.graph.nodes["E"]["events"] = ["terminate"]
    node(p, "Wait", "intermediateCatchEvent", events=["message"])
    node(p, "Loop", "task")
    flow(p, "FW", "Fork", "Wait")
    flow(p, "FL1", "Wait", "Loop")
    flow(p, "FL2", "Loop", "Wait")
    assert not [f for f in rules_of(p) if f.rule.startswith("soundness") or
                f.rule == "no-path-to-end"]
    # here the termination is what ends the waiting loop: it is not superfluous
    assert rules_of(p, "superfluous-termination") == []


def test_rules_filter_and_off_severity():
    p = process("S", "T", "E")
    p.graph.nodes["T"]["name"] = None
    assert [f.rule for f in validate(p, rules=["label-required"])] == ["label-required"]
    assert validate(p, config={"rules": {"label-required": "off"}}) == []
    (f,) = validate(p, config={"rules": {"label-required": "warn"}})
    assert f.severity == "warning"


def test_registry_names_and_default_severities_follow_bpmnlint_recommended():
    recommended_warn = {"fake-join", "global", "no-inclusive-gateway", "no-overlapping-elements",
                        "superfluous-gateway", "superfluous-label", "superfluous-termination"}
    recommended_error = {
        "ad-hoc-sub-process", "conditional-flows", "end-event-required", "event-based-gateway",
        "event-sub-process-typed-start-event", "label-required", "link-event", "no-bpmndi",
        "no-complex-gateway", "no-disconnected", "no-duplicate-sequence-flows",
        "no-gateway-join-fork", "no-implicit-split", "no-implicit-end", "no-implicit-start",
        "single-blank-start-event", "single-event-definition", "start-event-required",
        "sub-process-blank-start-event"}
    for name in recommended_warn:
        assert RULES[name].severity == "warning", name
    for name in recommended_error:
        assert RULES[name].severity == "error", name
    assert RULES["standard-size"].severity == "off"


@pytest.mark.parametrize("kind", ["exclusiveGateway", "eventBasedGateway"])
def test_choice_split_into_parallel_join_deadlocks(kind):
    p = process("S", "Split", "A", "Join", "E")
    p.graph.nodes["Split"]["type"] = kind
    p.graph.nodes["Join"]["type"] = "parallelGateway"
    node(p, "B", "task")
    flow(p, "FB1", "Split", "B")
    flow(p, "FB2", "B", "Join")
    (f,) = rules_of(p, "soundness-deadlock")
    assert f.element_id == "Join" and "Split" in f.message


def test_lane_without_name_needs_a_label():
    p = process("S", "T", "E")
    p.lanes["L1"] = Lane("L1", None, "P", nodes=["T"])
    assert [f.element_id for f in rules_of(p, "label-required")] == ["L1"]
