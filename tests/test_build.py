"""Building and editing processes in Python: the builder's words, and consistency after edits."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bpsim
from bpsim.errors import ModelError
from bpsim.model import Process
from bpsim.modeling import ProcessBuilder, ProcessEditor, iso_duration
from tests.conftest import MODELS, ROOT


def assert_consistent(p: Process) -> None:
    """The invariants every edit must keep."""
    g = p.graph
    by_pair: dict[tuple[str, str], list[str]] = {}
    for f in p.flows.values():
        assert f.source in g and f.target in g, f"dangling flow {f.id}"
        by_pair.setdefault((f.source, f.target), []).append(f.id)
    assert set(g.edges) == set(by_pair)
    for pair, ids in by_pair.items():
        data = g.edges[pair]
        assert sorted(data["ids"]) == sorted(ids)
        first = p.flows[data["id"]]
        assert data["id"] in ids
        assert (data["name"], data["condition"], data["default"]) == \
            (first.name, first.condition, first.default)
    for n, data in g.nodes(data=True):
        lane = data.get("lane")
        if lane is not None:
            assert lane in p.lanes and n in p.lanes[lane].nodes, n
        if data.get("default") is not None:
            assert p.flows[data["default"]].source == n and p.flows[data["default"]].default
        if data.get("type") == "boundaryEvent":
            assert data["attached_to"] in g
        if data.get("parent") is not None:
            assert data["parent"] in g
    for lane in p.lanes.values():
        for n in lane.nodes:
            assert n in g, f"lane {lane.id} lists a removed node {n}"
            own = g.nodes[n].get("lane")
            assert own == lane.id or _below(p, own, lane.id), (lane.id, n)
        for child in lane.children:
            assert p.lanes[child].parent == lane.id
    ids = [*g, *p.flows, *p.lanes, *p.participants, *p.processes]
    assert len(ids) == len(set(ids)), [i for i, c in Counter(ids).items() if c > 1]


def _below(p: Process, lane: str | None, ancestor: str) -> bool:
    while lane is not None and lane in p.lanes:
        lane = p.lanes[lane].parent
        if lane == ancestor:
            return True
    return False


def tiny() -> tuple[ProcessBuilder, dict]:
    desk = ProcessBuilder("Ticket handling", pool="Service desk")
    customer, agent = desk.lane("Customer"), desk.lane("Agent")
    n = {
        "received": customer.start("E-mail received", event="message"),
        "triage": agent.user_task("Triage ticket"),
        "need": agent.decision("Need more information?"),
        "ask": agent.send_task("Reply to customer"),
        "resolve": agent.user_task("Resolve at first line"),
        "closed": agent.end("Ticket closed"),
    }
    n["received"] >> n["triage"] >> n["need"]
    n["need"].branch("Yes", to=n["ask"])
    n["need"].branch("No", to=n["resolve"])
    n["ask"] >> n["triage"]
    n["resolve"] >> n["closed"]
    return desk, n


# -- building ------------------------------------------------------------------------------
def test_the_service_desk_built_in_code_is_the_file():
    run = subprocess.run([sys.executable, str(MODELS / "build_service_desk.py")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "same graph (types, names, lanes, flow names): True; same node ids: True" in \
        run.stdout


def test_builder_words_make_a_process():
    desk, n = tiny()
    p = desk.process
    assert isinstance(p, Process)
    assert p.participants["Participant_ServiceDesk"].name == "Service desk"
    assert p.processes["Process_TicketHandling"].participant == "Participant_ServiceDesk"
    assert n["triage"].id == "Task_TriageTicket" and n["triage"].type == "userTask"
    assert n["need"].id == "Gateway_NeedMoreInformation"
    assert n["received"].type == "startEvent" and p.node(n["received"].id)["event"] == "message"
    assert p.node(n["received"].id)["events"] == ["message"]
    assert p.lane_of(n["triage"].id).name == "Agent"
    assert [f.name for f in p.outgoing(n["need"].id)] == ["Yes", "No"]
    assert p.graph.has_edge(n["ask"].id, n["triage"].id)
    assert p.graph.number_of_edges() == len(p.flows) == 6  # the six arrows drawn above
    assert_consistent(p)


def test_fan_out_and_fan_in_with_lists():
    b = ProcessBuilder("Close")
    fork, join = b.fork(), b.join()
    a, c = b.send_task("Send closure notice"), b.send_task("Send satisfaction survey")
    assert (fork >> [a, c] >> join) is join
    assert sorted(b.process.graph.successors(fork.id)) == sorted([a.id, c.id])
    assert sorted(b.process.graph.predecessors(join.id)) == sorted([a.id, c.id])
    assert fork.id == "Gateway_1" and join.id == "Gateway_2"  # unnamed: numbered


def test_default_branch_and_conditions():
    b = ProcessBuilder("Routing")
    level = b.decision("Solvable at first line?")
    first, second = b.user_task("Resolve at first line"), b.user_task("Resolve as specialist")
    level.branch("Yes", to=first, condition="${simple}")
    level.otherwise(second, "No")
    p = b.process
    no = next(f for f in p.outgoing(level.id) if f.name == "No")
    assert p.node(level.id)["default"] == no.id and no.default
    assert p.graph.edges[level.id, second.id]["default"] is True
    yes = next(f for f in p.outgoing(level.id) if f.name == "Yes")
    assert yes.condition == "${simple}" and p.graph.edges[level.id, first.id]["condition"]
    assert_consistent(p)


def test_timers_and_boundary_events():
    b = ProcessBuilder("Waits")
    wait = b.catch("No reply within 5 days", timer="5d")
    task = b.user_task("Resolve as specialist")
    overdue = task.on_timer("Resolution overdue", after="8h", interrupting=False)
    p = b.process
    assert p.node(wait.id)["timer"] == {"kind": "timeDuration", "value": "P5D"}
    assert p.node(wait.id)["event"] == "timer"
    data = p.node(overdue.id)
    assert (data["type"], data["attached_to"], data["cancel_activity"]) == \
        ("boundaryEvent", task.id, False)
    assert data["timer"]["value"] == "PT8H"


@pytest.mark.parametrize(("text", "iso"), [("1h30m", "PT1H30M"), ("5d", "P5D"), (90, "PT1M30S"),
                                           ("PT8H", "PT8H"), ("2d4h", "P2DT4H"), ("0s", "PT0S")])
def test_iso_durations(text, iso):
    assert iso_duration(text) == iso


def test_sub_process_content():
    b = ProcessBuilder("Order")
    sub = b.subprocess("Pick and pack")
    go, pick = sub.start("Go"), sub.task("Pick")
    go >> pick
    assert b.process.node(pick.id)["parent"] == sub.id
    with pytest.raises(ModelError, match="cross a sub-process"):
        b.start("Outside") >> pick


def test_ids_are_unique_and_never_reused():
    b = ProcessBuilder("Ids")
    first = b.task("Check")
    second = b.task("Check")
    assert (first.id, second.id) == ("Task_Check", "Task_Check_2")
    second.remove()
    third = b.task("Check")
    assert third.id == "Task_Check_3"
    f = b.flow(first, third)
    b.disconnect(f)
    assert b.flow(first, third) != f
    with pytest.raises(ModelError, match="already used"):
        b.task("Other", id="Task_Check_2")
    with pytest.raises(ModelError, match="not a valid XML id"):
        b.task("Other", id="1 bad id")


def test_errors_name_the_element():
    desk, n = tiny()
    with pytest.raises(ModelError) as err:
        desk.connect(n["closed"], n["triage"])
    assert err.value.element_id == n["closed"].id and err.value.element_name == "Ticket closed"
    assert err.value.hint
    with pytest.raises(ModelError, match="cannot have incoming"):
        desk.connect(n["triage"], n["received"])
    with pytest.raises(ModelError, match="no flow node has the id or name 'Nope'"):
        desk.remove("Nope")
    desk.user_task("Triage ticket")
    with pytest.raises(ModelError, match="used by several nodes"):
        desk.rename("Triage ticket", "x")
    with pytest.raises(ModelError, match="not a BPMN flow node type"):
        desk.retype(n["ask"], "bigTask")
    with pytest.raises(ModelError, match="no lane"):
        desk.move_to_lane(n["ask"], "Nobody")


# -- editing ---------------------------------------------------------------------------------
def test_remove_takes_the_flows_away():
    desk, n = tiny()
    desk.remove(n["ask"])
    p = desk.process
    assert n["ask"].id not in p and n["ask"].id not in p.lanes["Lane_Agent"].nodes
    assert not [f for f in p.flows.values() if n["ask"].id in (f.source, f.target)]
    assert_consistent(p)


def test_remove_with_bridge_reconnects_and_keeps_the_incoming_flow():
    desk, n = tiny()
    p = desk.process
    yes = next(f for f in p.outgoing(n["need"].id) if f.name == "Yes")
    desk.remove(n["ask"], bridge=True)
    assert p.flows[yes.id].target == n["triage"].id and p.flows[yes.id].name == "Yes"
    desk.remove(n["triage"], bridge=True)  # two ways in, one way out
    # the start event now leads to the decision; "Yes" would loop onto the decision itself,
    # and no flow from a node to itself is made, so it goes
    assert list(p.graph.predecessors(n["need"].id)) == [n["received"].id]
    assert yes.id not in p.flows and not p.graph.has_edge(n["need"].id, n["need"].id)
    assert_consistent(p)


def test_bridge_many_to_many():
    b = ProcessBuilder("Hub")
    a1, a2, hub, z1, z2 = (b.task(x) for x in ("A1", "A2", "Hub", "Z1", "Z2"))
    [a1, a2] >> hub >> [z1, z2]
    b.remove(hub, bridge=True)
    assert set(b.process.graph.edges) == {(a.id, z.id) for a in (a1, a2) for z in (z1, z2)}
    assert_consistent(b.process)


def test_rename_retype_and_reconnect():
    desk, n = tiny()
    p = desk.process
    n["triage"].rename("Triage and classify")
    assert p.find("Triage and classify") == [n["triage"].id]
    desk.rename("Lane_Agent", "First line")
    assert p.lanes["Lane_Agent"].name == "First line"
    yes = next(f for f in p.outgoing(n["need"].id) if f.name == "Yes")
    desk.rename(yes.id, "Yes, ask")
    assert p.graph.edges[n["need"].id, n["ask"].id]["name"] == "Yes, ask"
    desk.retype(n["need"], "inclusiveGateway")
    assert p.node(n["need"].id)["type"] == "inclusiveGateway"
    desk.retype(n["received"], "startEvent", event="timer")
    assert p.node(n["received"].id)["events"] == ["timer"]
    desk.retype(n["ask"], "userTask")
    assert p.node(n["ask"].id)["event"] is None
    with pytest.raises(ModelError, match="end event cannot have outgoing"):
        desk.retype(n["resolve"], "endEvent")
    desk.reconnect(yes.id, target=n["resolve"])
    assert p.flows[yes.id].target == n["resolve"].id and p.flows[yes.id].name == "Yes, ask"
    assert not p.graph.has_edge(n["need"].id, n["ask"].id)
    with pytest.raises(ModelError):
        desk.reconnect(yes.id, target=n["received"])  # a start event takes no flow
    assert p.flows[yes.id].target == n["resolve"].id  # unchanged after the refused edit
    assert_consistent(p)


def test_duplicate_flows_share_one_edge():
    b = ProcessBuilder("Twice")
    a, c = b.task("A"), b.task("C")
    f1, f2 = b.flow(a, c, "first"), b.flow(a, c, "second")
    g = b.process.graph
    assert g.edges[a.id, c.id]["ids"] == [f1, f2] and g.edges[a.id, c.id]["name"] == "first"
    b.disconnect(f1)
    assert g.edges[a.id, c.id]["ids"] == [f2] and g.edges[a.id, c.id]["name"] == "second"
    assert_consistent(b.process)
    b.disconnect(f2)
    assert not g.has_edge(a.id, c.id)


def test_insert_on_a_flow():
    desk, n = tiny()
    p = desk.process
    no = next(f for f in p.outgoing(n["need"].id) if f.name == "No")
    check = desk.insert(no.id, "businessRuleTask", "Check entitlement")
    assert p.flows[no.id].target == check and p.flows[no.id].name == "No"
    assert p.graph.has_edge(check, n["resolve"].id)
    assert p.node(check)["lane"] == "Lane_Agent"
    assert_consistent(p)


def test_move_split_and_merge_lanes():
    desk, n = tiny()
    p = desk.process
    n["ask"].move_to("Customer")
    assert p.node(n["ask"].id)["lane"] == "Lane_Customer"
    assert n["ask"].id not in p.lanes["Lane_Agent"].nodes
    second = desk.split_lane("Agent", [n["resolve"], n["closed"]], "Second line")
    assert list(p.lanes) == ["Lane_Customer", "Lane_Agent", second]
    assert p.lanes[second].nodes == [n["resolve"].id, n["closed"].id]
    assert_consistent(p)
    desk.merge_lanes("Agent", second)
    assert second not in p.lanes and p.node(n["resolve"].id)["lane"] == "Lane_Agent"
    assert_consistent(p)
    with pytest.raises(ModelError, match="not in lane"):
        desk.split_lane("Agent", [n["received"]], "Oops")


def test_editing_a_read_process():
    p = bpsim.read(MODELS / "service_desk.bpmn")
    desk = ProcessBuilder.edit(p)
    desk["Send satisfaction survey"].remove(bridge=True)
    check = desk.insert("Flow_NeedInfoNo", "userTask", "Check entitlement")
    desk.lane("Specialist").user_task("Second opinion") >> desk["Gateway_ResolvedMerge"]
    assert check.startswith("Task_CheckEntitlement")
    assert "Task_SendSurvey" not in p.graph and "Task_SendSurvey" not in p.diagram.shapes
    assert_consistent(p)
    assert isinstance(desk, ProcessEditor)


def test_built_process_validates_and_a_broken_edit_is_found():
    desk, n = tiny()
    desk.layout()
    assert [f for f in bpsim.validate(desk.process) if f.severity == "error"] == []
    desk.disconnect(desk.process.outgoing(n["resolve"].id)[0])
    errors = [f for f in bpsim.validate(desk.process) if f.severity == "error"]
    assert {f.element_id for f in errors} & {n["resolve"].id, n["closed"].id}


def test_built_process_writes_and_reads_back(tmp_path):
    desk, _ = tiny()
    bpsim.write_drawio(desk.process, tmp_path / "desk.drawio")
    again = bpsim.read(tmp_path / "desk.drawio")
    assert set(again.graph) == set(desk.process.graph)
    assert set(again.flows) == set(desk.process.flows)
    bpsim.write_bpmn(desk.process, tmp_path / "desk.bpmn")
    again = bpsim.read(tmp_path / "desk.bpmn")
    assert set(again.graph.edges) == set(desk.process.graph.edges)


_EDITS = st.lists(st.tuples(st.sampled_from(["remove", "bridge", "insert", "move", "connect",
                                             "disconnect", "reconnect", "retype", "split"]),
                            st.integers(0, 10_000), st.integers(0, 10_000)),
                  min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_EDITS)
def test_any_sequence_of_edits_keeps_the_process_consistent(edits):
    p = bpsim.read(MODELS / "service_desk.bpmn")
    desk = ProcessBuilder.edit(p)
    for op, i, j in edits:
        nodes, flows, lanes = list(p.graph), list(p.flows), list(p.lanes)
        if not nodes:
            break
        node, other = nodes[i % len(nodes)], nodes[j % len(nodes)]
        try:
            if op in ("remove", "bridge"):
                desk.remove(node, bridge=op == "bridge")
            elif op == "insert" and flows:
                desk.insert(flows[i % len(flows)], "task", "Inserted")
            elif op == "move" and lanes:
                desk.move_to_lane(node, lanes[j % len(lanes)])
            elif op == "connect":
                desk.connect(node, other)
            elif op == "disconnect" and flows:
                desk.disconnect(flows[i % len(flows)])
            elif op == "reconnect" and flows:
                desk.reconnect(flows[i % len(flows)], target=other)
            elif op == "retype":
                desk.retype(node, "manualTask")
            elif op == "split" and lanes:
                lane = lanes[i % len(lanes)]
                desk.split_lane(lane, p.lanes[lane].nodes[: j % 3], "Split")
        except ModelError:
            pass  # refused edits must leave the process as it was: checked below
        assert_consistent(p)


# -- the built process feeds validate and simulate directly --------------------------------
def test_built_process_simulates_without_a_file():
    b = ProcessBuilder("Tiny", pool="Desk")
    agent = b.lane("Agent")
    agent.start("Ticket received") >> agent.user_task("Handle ticket") >> agent.end("Done")
    scenario = bpsim.Scenario(
        name="M/D/1", seed=1, horizon="30d",
        arrivals={"Ticket received": {"interarrival": "exponential(mean=10m)"}},
        roles={"Agent": {"staff": 1}}, tasks={"Handle ticket": {"duration": "fixed(1m)"}})
    results = bpsim.simulate(b.process, scenario)
    stage = results.stages.set_index("id").loc["Task_HandleTicket"]
    assert stage["service_mean"] == pytest.approx(60.0)  # fixed(1m)
    assert stage["count"] == len(results.cases)  # every ticket passes the one task once
    rho = 60.0 / 600.0  # offered load: service time / mean interarrival time
    utilization = results.roles.set_index("name").loc["Agent", "utilization"]
    assert utilization == pytest.approx(rho, abs=0.01)  # ~6 standard errors over 30 days


def test_the_modelling_page_example_runs(tmp_path, capsys, monkeypatch):
    import re

    page = (ROOT / "docs" / "modelling.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "docs/modelling.md", "exec"), namespace)  # noqa: S102
    printed = capsys.readouterr().out
    assert "bpsim simulation report" in printed
    assert [f for f in bpsim.validate(namespace["process"]) if f.severity != "info"] == []
    assert_consistent(namespace["process"])


def test_the_built_service_desk_simulates_exactly_like_the_file():
    """Same graph, same ids: with the same seed the engine must see no difference."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_service_desk",
                                                  MODELS / "build_service_desk.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml")
    built = bpsim.simulate(module.build(), scenario, replications=1, seed=3)
    read = bpsim.simulate(bpsim.read(MODELS / "service_desk.bpmn"), scenario, replications=1,
                          seed=3)
    assert len(built.cases) > 0
    assert built.cases.reset_index(drop=True).equals(read.cases.reset_index(drop=True))
    columns = ["id", "count", "wait_mean", "service_mean"]
    assert built.stages[columns].sort_values("id").reset_index(drop=True).equals(
        read.stages[columns].sort_values("id").reset_index(drop=True))


def test_the_modelling_api_keeps_its_first_names():
    """bpsim.build, bpsim.edit and bpsim.layout (the first home) still give the same objects."""
    import bpsim.build
    import bpsim.edit
    import bpsim.layout
    import bpsim.modeling as modeling

    assert bpsim.build.ProcessBuilder is modeling.ProcessBuilder
    assert bpsim.build.iso_duration is modeling.iso_duration
    assert bpsim.edit.ProcessEditor is modeling.ProcessEditor
    assert bpsim.layout.layout is modeling.layout and bpsim.layout.HEADER
    assert issubclass(modeling.ProcessBuilder, modeling.ProcessEditor)
