"""Unit tests of the BPMN importer on small inline documents, and on the bundled service desk."""

from __future__ import annotations

import pytest

from bpsim.errors import BpsimError, ModelError, NotAProcessError
from bpsim.io import read
from bpsim.io.bpmn import read_bpmn
from tests.conftest import MODELS

NS = 'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def doc(body: str, extra: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions {NS} {XSI} {extra} '
            f'id="D" targetNamespace="t">\n{body}\n</definitions>\n').encode()


def proc(body: str, pid: str = "P", extra: str = "") -> bytes:
    return doc(f'<process id="{pid}">\n{body}\n</process>', extra)


# -- flow nodes -------------------------------------------------------------------------------
TASKS = ["task", "userTask", "serviceTask", "sendTask", "receiveTask", "manualTask",
         "scriptTask", "businessRuleTask", "callActivity", "subProcess", "transaction",
         "adHocSubProcess"]
GATEWAYS = ["exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
            "complexGateway"]


@pytest.mark.parametrize("kind", TASKS + GATEWAYS)
def test_every_activity_and_gateway_kind_is_a_node_of_its_type(kind):
    p = read_bpmn(proc(f'<{kind} id="X" name="Do it"/>'))
    node = p.node("X")
    assert node["type"] == kind and node["name"] == "Do it"
    assert node["process"] == "P" and node["parent"] is None and node["lane"] is None
    assert node["line"] == 4


EVENT_DEFS = ["timer", "message", "signal", "error", "escalation", "conditional", "link",
              "terminate", "compensate", "cancel"]


@pytest.mark.parametrize("trigger", EVENT_DEFS)
@pytest.mark.parametrize("kind", ["startEvent", "intermediateCatchEvent",
                                  "intermediateThrowEvent", "endEvent"])
def test_each_event_definition_kind_is_read(kind, trigger):
    p = read_bpmn(proc(f'<{kind} id="E"><{trigger}EventDefinition id="ED"/></{kind}>'))
    node = p.node("E")
    assert node["type"] == kind
    assert node["event"] == trigger and node["events"] == [trigger]


def test_blank_and_multiple_events():
    p = read_bpmn(proc('<startEvent id="S"/><endEvent id="E"><messageEventDefinition/>'
                       '<signalEventDefinition/></endEvent>'))
    assert p.node("S")["event"] is None and p.node("S")["events"] == []
    assert p.node("E")["event"] == "multiple"
    assert p.node("E")["events"] == ["message", "signal"]


@pytest.mark.parametrize("timer_kind,value", [("timeDuration", "PT2H"), ("timeDate",
                         "2026-01-01T09:00:00Z"), ("timeCycle", "R6/P1D")])
def test_timer_values(timer_kind, value):
    p = read_bpmn(proc(f'<intermediateCatchEvent id="T"><timerEventDefinition>'
                       f'<{timer_kind} xsi:type="tFormalExpression"> {value} </{timer_kind}>'
                       f'</timerEventDefinition></intermediateCatchEvent>'))
    assert p.node("T")["timer"] == {"kind": timer_kind, "value": value}


def test_empty_timer_is_kept_with_an_info_finding():
    p = read_bpmn(proc('<startEvent id="T"><timerEventDefinition/></startEvent>'))
    assert p.node("T")["event"] == "timer" and p.node("T")["timer"] is None
    assert [(f.rule, f.severity, f.element_id) for f in p.findings] == [
        ("import-empty-timer", "info", "T")]


def test_event_definition_given_by_xsi_type_and_by_reference():
    p = read_bpmn(doc(
        '<timerEventDefinition id="GlobalTimer"><timeDuration>PT1H</timeDuration>'
        '</timerEventDefinition>'
        '<process id="P"><startEvent id="A"><eventDefinition xsi:type="tMessageEventDefinition"/>'
        '</startEvent><startEvent id="B"><eventDefinitionRef>GlobalTimer</eventDefinitionRef>'
        '</startEvent></process>'))
    assert p.node("A")["event"] == "message"
    assert p.node("B")["event"] == "timer"
    assert p.node("B")["timer"] == {"kind": "timeDuration", "value": "PT1H"}


def test_xsi_type_prefix_is_resolved_in_scope_not_compared_as_text():
    p = read_bpmn(proc(
        '<startEvent id="A"><eventDefinition xmlns:q="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' xsi:type="q:tSignalEventDefinition"/></startEvent>'
        '<startEvent id="B"><eventDefinition xmlns:v="urn:vendor" '
        'xsi:type="v:tTimerEventDefinition"/></startEvent>'))
    assert p.node("A")["event"] == "signal"
    assert p.node("B")["event"] is None  # a vendor type is not a BPMN definition


def test_boundary_events():
    p = read_bpmn(proc(
        '<userTask id="T"/>'
        '<boundaryEvent id="B1" attachedToRef="T" cancelActivity="false">'
        '<timerEventDefinition><timeDuration>PT8H</timeDuration></timerEventDefinition>'
        '</boundaryEvent>'
        '<boundaryEvent id="B2" attachedToRef="T"><errorEventDefinition errorRef="Err"/>'
        '</boundaryEvent>'))
    b1, b2 = p.node("B1"), p.node("B2")
    assert (b1["attached_to"], b1["cancel_activity"], b1["event"]) == ("T", False, "timer")
    assert (b2["attached_to"], b2["cancel_activity"], b2["event"]) == ("T", True, "error")
    assert b2["event_refs"] == {"errorRef": "Err"}
    assert p.node("T")["attached_to"] is None


def test_gateway_default_flow_and_conditions():
    p = read_bpmn(proc(
        '<exclusiveGateway id="G" default="F2" gatewayDirection="Diverging"/>'
        '<task id="A"/><task id="B"/><task id="C"/>'
        '<sequenceFlow id="F1" name="Yes" sourceRef="G" targetRef="A">'
        '<conditionExpression xsi:type="tFormalExpression" language="juel">'
        '<![CDATA[${ok}]]></conditionExpression></sequenceFlow>'
        '<sequenceFlow id="F2" sourceRef="G" targetRef="B"/>'
        '<sequenceFlow id="F3" sourceRef="G" targetRef="C">'
        '<conditionExpression xsi:type="tFormalExpression">  </conditionExpression>'
        '</sequenceFlow>'))
    assert p.node("G")["default"] == "F2"
    assert p.node("G")["gateway_direction"] == "Diverging"
    f1, f2, f3 = p.flows["F1"], p.flows["F2"], p.flows["F3"]
    assert (f1.name, f1.condition, f1.condition_language, f1.default) == (
        "Yes", "${ok}", "juel", False)
    assert f2.default is True and f2.condition is None
    assert f3.condition is None and f3.condition_language is None  # empty = no condition
    edge = p.graph.edges["G", "A"]
    assert (edge["id"], edge["condition"], edge["default"], edge["ids"]) == (
        "F1", "${ok}", False, ["F1"])
    assert p.graph.edges["G", "B"]["default"] is True


def test_default_naming_a_foreign_flow_is_dropped_with_a_finding():
    p = read_bpmn(proc('<task id="A" default="F9"/><task id="B"/>'
                       '<sequenceFlow id="F9" sourceRef="B" targetRef="A"/>'))
    assert p.node("A")["default"] is None
    assert [f.rule for f in p.findings] == ["import-default-flow"]


def test_parallel_flows_between_the_same_nodes_keep_every_id():
    p = read_bpmn(proc('<task id="A"/><task id="B"/>'
                       '<sequenceFlow id="F1" sourceRef="A" targetRef="B"/>'
                       '<sequenceFlow id="F2" sourceRef="A" targetRef="B"/>'))
    assert p.graph.edges["A", "B"]["ids"] == ["F1", "F2"]
    assert list(p.flows) == ["F1", "F2"]


def test_sub_process_children_call_activity_and_loop_markers():
    p = read_bpmn(proc(
        '<subProcess id="S" triggeredByEvent="false">'
        '  <startEvent id="S_start"/>'
        '  <subProcess id="Inner" triggeredByEvent="true">'
        '    <startEvent id="Inner_start" isInterrupting="false"><messageEventDefinition/>'
        '    </startEvent></subProcess>'
        '  <task id="S_task"><standardLoopCharacteristics/></task>'
        '  <sequenceFlow id="SF" sourceRef="S_start" targetRef="S_task"/>'
        '</subProcess>'
        '<callActivity id="C" calledElement="Other">'
        '<multiInstanceLoopCharacteristics isSequential="true">'
        '<loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></callActivity>'
        '<userTask id="U"><multiInstanceLoopCharacteristics/></userTask>'
        '<callActivity id="Blank" calledElement=""/>'))
    assert p.node("S_start")["parent"] == "S" and p.node("S_task")["parent"] == "S"
    assert p.node("Inner")["parent"] == "S" and p.node("Inner_start")["parent"] == "Inner"
    assert p.node("Inner")["triggered_by_event"] is True
    assert p.node("S")["triggered_by_event"] is False
    assert p.node("Inner_start")["interrupting"] is False
    assert p.node("S_task")["loop"] == "standard"
    assert p.node("C")["called_element"] == "Other"
    assert (p.node("C")["loop"], p.node("C")["loop_cardinality"]) == ("sequential", "3")
    assert p.node("U")["loop"] == "parallel"
    assert p.node("Blank")["called_element"] is None
    assert p.flows["SF"].process == "P"
    assert sorted(p.children("S")) == ["Inner", "S_start", "S_task"]


def test_nested_lanes_innermost_wins_and_sub_process_children_inherit():
    p = read_bpmn(proc(
        '<laneSet id="LS"><lane id="L1" name="Desk">'
        '  <flowNodeRef>A</flowNodeRef><flowNodeRef>S</flowNodeRef><flowNodeRef>B</flowNodeRef>'
        '  <childLaneSet id="CLS"><lane id="L1a" name="Agent"><flowNodeRef> A </flowNodeRef>'
        '  </lane><lane id="L1b" name="Specialist"><flowNodeRef>S</flowNodeRef>'
        '  <flowNodeRef>Listed</flowNodeRef></lane></childLaneSet>'
        '</lane><lane id="L2" name="System"><flowNodeRef>Nowhere</flowNodeRef></lane></laneSet>'
        '<task id="A"/><task id="B"/>'
        '<subProcess id="S"><task id="Inside"/><task id="Listed"/></subProcess>'))
    assert p.node("A")["lane"] == "L1a"
    assert p.node("B")["lane"] == "L1"
    assert p.node("S")["lane"] == "L1b"
    assert p.node("Inside")["lane"] == "L1b"  # not listed: inherits the sub-process's lane
    assert p.node("Listed")["lane"] == "L1b"
    assert p.lanes["L1a"].parent == "L1" and p.lanes["L1"].children == ["L1a", "L1b"]
    assert p.lanes["L1a"].nodes == ["A"] and p.lanes["L1"].process == "P"
    assert p.lanes["L2"].nodes == []
    assert [(f.rule, f.element_id) for f in p.findings] == [("import-lane-ref", "L2")]


def test_collaboration_black_box_pool_message_flows_definitions_and_artifacts():
    p = read_bpmn(doc(
        '<collaboration id="C" name="Desk and customer">'
        '  <participant id="Pool_Desk" name="Desk" processRef="P1"/>'
        '  <participant id="Pool_Customer" name="Customer"/>'
        '  <messageFlow id="M1" name="ticket" sourceRef="Pool_Customer" targetRef="Start"/>'
        '  <textAnnotation id="Note"><text>hello</text></textAnnotation>'
        '</collaboration>'
        '<message id="Msg" name="Ticket"/><signal id="Sig" name="Alarm"/>'
        '<error id="Err" name="Failed" errorCode="E1"/><escalation id="Esc" escalationCode="X"/>'
        '<process id="P1" name="Handling" isExecutable="true"><startEvent id="Start">'
        '<messageEventDefinition messageRef="Msg"/></startEvent>'
        '<dataObject id="DO" name="Ticket data"/>'
        '<association id="As" sourceRef="Start" targetRef="Note"/></process>'
        '<process id="P2" name="Archive"><task id="T2"/></process>'))
    assert p.participants["Pool_Customer"].process is None
    assert p.participants["Pool_Desk"].process == "P1"
    assert p.processes["P1"].participant == "Pool_Desk"
    assert p.processes["P1"].participant_name == "Desk" and p.processes["P1"].executable is True
    assert p.processes["P2"].participant is None
    assert p.node("T2")["process"] == "P2"
    m = p.message_flows["M1"]
    assert (m.source, m.target, m.name) == ("Pool_Customer", "Start", "ticket")
    assert p.graph.number_of_edges() == 0  # message flows are not graph edges
    assert p.definitions["Msg"]["type"] == "message" and p.definitions["Msg"]["name"] == "Ticket"
    assert p.definitions["Err"]["errorCode"] == "E1"
    assert set(p.definitions) == {"Msg", "Sig", "Err", "Esc"}
    assert all(isinstance(d["line"], int) for d in p.definitions.values())
    assert p.node("Start")["event_refs"] == {"messageRef": "Msg"}
    assert p.artifacts["Note"]["text"] == "hello"
    assert p.artifacts["DO"]["type"] == "dataObject"
    assert p.artifacts["As"]["sourceRef"] == "Start" and p.artifacts["As"]["process"] == "P1"
    assert p.name == "Desk and customer"


def test_any_prefix_extensions_and_foreign_attributes_are_kept():
    body = (
        '<b:definitions xmlns:b="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:v="urn:vendor" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D">'
        '<b:process id="P"><b:userTask id="T" camunda:assignee="ann" v:colour="red">'
        '<b:extensionElements><v:meta key="k" value="1"/><v:task id="P"/></b:extensionElements>'
        '</b:userTask><Grid/><b:attribute name="w4 junk"/></b:process></b:definitions>')
    p = read_bpmn(body.encode())
    node = p.node("T")
    assert node["attributes"] == {"{http://camunda.org/schema/1.0/bpmn}assignee": "ann",
                                  "{urn:vendor}colour": "red"}
    assert len(node["extensions"]) == 2 and 'key="k"' in node["extensions"][0]
    assert list(p.graph.nodes) == ["T"]  # the vendor <v:task id="P"> is not a flow node


def test_incoming_outgoing_disagreement_is_a_finding_not_the_truth():
    p = read_bpmn(proc(
        '<task id="A"><outgoing>F1</outgoing><outgoing>Ghost</outgoing></task>'
        '<task id="B"><incoming>F1</incoming></task><task id="C"/>'
        '<sequenceFlow id="F1" sourceRef="A" targetRef="B"/>'
        '<sequenceFlow id="F2" sourceRef="B" targetRef="C"/>'))
    assert set(p.graph.edges) == {("A", "B"), ("B", "C")}
    found = {f.element_id: f for f in p.findings}
    assert set(found) == {"A", "B"}  # C declares no tags at all: nothing to compare
    assert found["A"].rule == "import-incoming-outgoing" and found["A"].severity == "warning"
    assert "Ghost" in found["A"].message and "F2" in found["B"].message
    assert found["A"].line == 4


def test_dangling_flow_is_a_model_error_naming_flow_line_and_ref():
    data = proc('<task id="A"/>\n<sequenceFlow id="F1" sourceRef="A" targetRef="Task_9"/>')
    with pytest.raises(ModelError) as info:
        read_bpmn(data)
    err = info.value
    assert err.element_id == "F1" and err.line == 5
    assert "Task_9" in str(err) and "F1" in str(err) and err.hint


def test_dangling_flow_lenient_is_skipped_with_a_finding():
    data = proc('<task id="A"/><sequenceFlow id="F1" sourceRef="A" targetRef="Task_9"/>'
                '<sequenceFlow id="F2" sourceRef="Nope" targetRef="A"/>')
    p = read_bpmn(data, lenient=True)
    assert p.flows == {} and p.graph.number_of_edges() == 0
    assert [(f.rule, f.element_id, f.severity) for f in p.findings] == [
        ("import-dangling-flow", "F1", "error"), ("import-dangling-flow", "F2", "error")]
    assert read(data, lenient=True).findings == p.findings


def test_flow_to_a_non_flow_node_says_what_it_names():
    with pytest.raises(ModelError, match="dataObject"):
        read_bpmn(proc('<task id="A"/><dataObject id="Data"/>'
                       '<sequenceFlow id="F" sourceRef="A" targetRef="Data"/>'))


def test_duplicate_node_id_is_a_model_error():
    with pytest.raises(ModelError, match="reuses the id"):
        read_bpmn(proc('<task id="A"/><userTask id="A"/>'))


@pytest.mark.parametrize("data,what", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    (b'<mxfile><diagram name="p"/></mxfile>', "draw.io"),
    (b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"/>', "DMN"),
    (b'<process xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="P"/>', "<process>"),
    (b"   \n", "empty"),
])
def test_not_bpmn_says_what_it_is(data, what):
    with pytest.raises(NotAProcessError) as info:
        read_bpmn(data)
    assert what in str(info.value)


def test_read_sniffs_bpmn_whatever_the_name(tmp_path):
    path = tmp_path / "desk.bpmn20.xml"
    path.write_bytes(proc('<task id="A"/>'))
    p = read(path)
    assert p.format == "bpmn" and p.source == str(path) and list(p.graph) == ["A"]


def test_diagram_shapes_edges_first_plane_wins():
    body = (
        '<process id="P"><subProcess id="S"/><task id="A"/>'
        '<sequenceFlow id="F" sourceRef="S" targetRef="A"/></process>'
        '<bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane bpmnElement="P">'
        '<bpmndi:BPMNShape bpmnElement="S" isExpanded="true"><dc:Bounds x="1" y="2" '
        'width="30" height="40"/></bpmndi:BPMNShape>'
        '<bpmndi:BPMNEdge bpmnElement="F"><di:waypoint x="31" y="22"/><di:waypoint x="50" '
        'y="22"/></bpmndi:BPMNEdge></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>'
        '<bpmndi:BPMNDiagram id="D2"><bpmndi:BPMNPlane bpmnElement="S">'
        '<bpmndi:BPMNShape bpmnElement="S"><dc:Bounds x="9" y="9" width="9" height="9"/>'
        '</bpmndi:BPMNShape><bpmndi:BPMNShape bpmnElement="A"><dc:Bounds x="50" y="2" '
        'width="100" height="x"/></bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>')
    extra = ('xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
             'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
             'xmlns:di="http://www.omg.org/spec/DD/20100524/DI"')
    p = read_bpmn(doc(body, extra))
    s = p.diagram.shapes["S"]
    assert (s.x, s.y, s.width, s.height) == (1, 2, 30, 40)
    assert p.diagram.expanded == {"S": True}
    assert p.diagram.edges["F"] == [(31, 22), (50, 22)]
    assert "A" not in p.diagram.shapes  # unreadable height: skipped with a finding
    assert [f.rule for f in p.findings] == ["import-diagram"]
    assert p.meta["diagrams"] == 2


def test_errors_are_bpsim_errors_with_no_traceback_material():
    with pytest.raises(BpsimError):
        read_bpmn(b"<definitions")


# -- the bundled service desk -------------------------------------------------------------------
DESK = MODELS / "service_desk.bpmn"
LANE_OF = {
    "Lane_Customer": ["Start_Email", "Start_Phone", "Start_Portal", "Gateway_AwaitReply",
                      "Event_CustomerReplies", "Event_NoReply"],
    "Lane_Agent": ["Task_AnswerCall", "Task_CreateContact", "Task_Triage", "Gateway_InfoMerge", "Gateway_NeedInfo",
                   "Task_AskCustomer", "Task_ReviewReply", "Gateway_Level",
                   "Task_ResolveFirstLine"],
    "Lane_Specialist": ["Task_ResolveSpecialist", "Boundary_Overdue"],
    "Lane_System": ["Gateway_Channels", "Task_LookUpContact", "Gateway_ContactKnown",
                    "Gateway_ContactMerge", "Task_OpenTicket", "Task_SetWaiting",
                    "Task_AddReply", "Task_CloseNoReply", "End_NoReply", "Task_DelayNotice",
                    "End_DelayNotice", "Gateway_ResolvedMerge", "Gateway_CloseFork",
                    "Task_SendClosure", "Task_SendSurvey", "Gateway_CloseJoin", "End_Closed"],
}


def test_service_desk_matches_the_agreed_model():
    p = read_bpmn(DESK)
    assert p.findings == []
    assert list(p.participants) == ["Participant_ServiceDesk"]
    assert p.processes["Process_ServiceDesk"].name == "Ticket handling"
    assert p.participants["Participant_ServiceDesk"].name == "Service desk"
    assert {k: v.name for k, v in p.lanes.items()} == {
        "Lane_Customer": "Customer", "Lane_Agent": "Agent", "Lane_Specialist": "Specialist",
        "Lane_System": "Ticketing system"}
    for lane, nodes in LANE_OF.items():
        assert sorted(p.lanes[lane].nodes) == sorted(nodes)
        assert all(p.node(n)["lane"] == lane for n in nodes)
    assert p.graph.number_of_nodes() == sum(map(len, LANE_OF.values()))
    named = {"Flow_ContactYes": ("Gateway_ContactKnown", "Gateway_ContactMerge", "Yes"),
             "Flow_ContactNo": ("Gateway_ContactKnown", "Task_CreateContact", "No"),
             "Flow_NeedInfoYes": ("Gateway_NeedInfo", "Task_AskCustomer", "Yes"),
             "Flow_NeedInfoNo": ("Gateway_NeedInfo", "Gateway_Level", "No"),
             "Flow_LevelYes": ("Gateway_Level", "Task_ResolveFirstLine", "Yes"),
             "Flow_LevelNo": ("Gateway_Level", "Task_ResolveSpecialist", "No")}
    for fid, (s, t, name) in named.items():
        f = p.flows[fid]
        assert (f.source, f.target, f.name) == (s, t, name)
    others = [f for f in p.flows.values() if f.id not in named]
    assert all(f.id.startswith("Flow_") and f.id[5:].isdigit() and f.name is None
               for f in others)
    assert p.node("Event_NoReply")["timer"] == {"kind": "timeDuration", "value": "P5D"}
    b = p.node("Boundary_Overdue")
    assert (b["attached_to"], b["cancel_activity"], b["timer"]["value"]) == (
        "Task_ResolveSpecialist", False, "PT8H")
    assert p.graph.has_edge("Task_ReviewReply", "Gateway_InfoMerge")
    assert [p.node(s)["event"] for s in ("Start_Email", "Start_Phone", "Start_Portal")] == [
        "message"] * 3
    types = {n: d["type"] for n, d in p.graph.nodes(data=True)}
    assert types["Gateway_AwaitReply"] == "eventBasedGateway"
    assert types["Gateway_CloseFork"] == types["Gateway_CloseJoin"] == "parallelGateway"
    assert [n for n, t in types.items() if t == "endEvent"] == [
        "End_NoReply", "End_DelayNotice", "End_Closed"]


def test_service_desk_diagram_is_laid_out():
    """Every node, lane, pool and flow has DI; shapes sit in their lane and never overlap
    (a boundary event sits on its host's border); flows are orthogonal and touch both ends."""
    p = read_bpmn(DESK)
    d = p.diagram
    assert set(d.shapes) == set(p.graph) | set(p.lanes) | set(p.participants)
    assert set(d.edges) == set(p.flows)
    assert d.horizontal["Participant_ServiceDesk"] is True
    assert all(d.horizontal[lane] is True for lane in p.lanes)
    pool = d.shapes["Participant_ServiceDesk"]
    lanes = sorted((d.shapes[lane] for lane in p.lanes), key=lambda b: b.y)
    for upper, lower in zip(lanes, lanes[1:]):
        assert upper.y + upper.height == lower.y  # bands, top to bottom, no gap
    for n, attrs in p.graph.nodes(data=True):
        s, lane = d.shapes[n], d.shapes[attrs["lane"]]
        cx, cy = s.center
        assert lane.x <= cx <= lane.x + lane.width and lane.y <= cy <= lane.y + lane.height, n
        assert pool.x < s.x and s.x + s.width < pool.x + pool.width
    nodes = list(p.graph)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            sa, sb = d.shapes[a], d.shapes[b]
            overlap = (sa.x < sb.x + sb.width and sb.x < sa.x + sa.width
                       and sa.y < sb.y + sb.height and sb.y < sa.y + sa.height)
            host = {p.node(a)["attached_to"], p.node(b)["attached_to"]}
            assert not overlap or host & {a, b}, (a, b)

    def on_border(point, box, slack=1.0):
        x, y = point
        inside = (box.x - slack <= x <= box.x + box.width + slack
                  and box.y - slack <= y <= box.y + box.height + slack)
        return inside

    for fid, points in d.edges.items():
        assert len(points) >= 2
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            assert x1 == x2 or y1 == y2, fid
        f = p.flows[fid]
        assert on_border(points[0], d.shapes[f.source]), fid
        assert on_border(points[-1], d.shapes[f.target]), fid
    # left to right: every flow except the review loop moves right or stays in its column
    backwards = [fid for fid, pts in d.edges.items() if pts[-1][0] < pts[0][0]]
    assert backwards == ["Flow_18"] and p.flows["Flow_18"].target == "Gateway_InfoMerge"
