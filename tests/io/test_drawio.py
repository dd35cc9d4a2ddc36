"""The draw.io reader on small drawings written here: format, vocabulary, findings, hostility."""

from __future__ import annotations

import base64
import urllib.parse
import zlib

import pytest

import bpsim
from bpsim.errors import NotAProcessError, ReadError, UnsafeInputError
from bpsim.io import drawio
from bpsim.io.drawio import read_drawio

TASK = "shape=mxgraph.bpmn.task;taskMarker={};html=1;"
START = "shape=mxgraph.bpmn.event;outline=standard;symbol=general;"
END = "shape=mxgraph.bpmn.event;outline=end;symbol=terminate2;"
EDGE = "edgeStyle=orthogonalEdgeStyle;"


def vertex(cid, style, value="", x=0, y=0, w=120, h=60, parent="1"):
    return (f'<mxCell id="{cid}" value="{value}" style="{style}" vertex="1" parent="{parent}">'
            f'<mxGeometry x="{x}" y="{y}" width="{w}" height="{h}" as="geometry"/></mxCell>')


def edge(cid, source, target, style=EDGE, value="", parent="1", geometry=""):
    ends = (f' source="{source}"' if source else "") + (f' target="{target}"' if target else "")
    return (f'<mxCell id="{cid}" value="{value}" style="{style}" edge="1" parent="{parent}"{ends}>'
            f'<mxGeometry relative="1" as="geometry">{geometry}</mxGeometry></mxCell>')


def model(*cells):
    return ('<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
            + "".join(cells) + "</root></mxGraphModel>")


def mxfile(*pages, compressed=False):
    out = ['<mxfile host="test">']
    for i, cells in enumerate(pages):
        body = model(*cells)
        if compressed:
            deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = deflate.compress(urllib.parse.quote(body).encode()) + deflate.flush()
            body = base64.b64encode(packed).decode()
        out.append(f'<diagram name="Page {i + 1}" id="p{i}">{body}</diagram>')
    return ("".join(out) + "</mxfile>").encode()


SIMPLE = [
    vertex("s", START, "Ticket in", 0, 20, 36, 36),
    vertex("t", TASK.format("user"), "Triage ticket", 80, 8),
    vertex("e", END, "Done", 260, 20, 36, 36),
    edge("f1", "s", "t"), edge("f2", "t", "e"),
]


def rules(p):
    return sorted(f.rule for f in p.findings)


def test_compressed_and_uncompressed_pages_read_the_same():
    a = read_drawio(mxfile(SIMPLE))
    b = read_drawio(mxfile(SIMPLE, compressed=True))
    assert dict(a.graph.nodes(data="type")) == dict(b.graph.nodes(data="type")) == {
        "s": "startEvent", "t": "userTask", "e": "endEvent"}
    assert list(a.graph.edges) == list(b.graph.edges) == [("s", "t"), ("t", "e")]
    assert a.format == "drawio" and a.findings == []


def test_bare_graph_model_and_dispatch_through_bpsim_read(tmp_path):
    path = tmp_path / "flow.xml"
    path.write_text(model(*SIMPLE))
    p = bpsim.read(path)
    assert p.graph.number_of_nodes() == 3
    assert p.graph.nodes["t"]["line"] is not None  # uncompressed: lines are known
    assert p.graph.nodes["t"]["cell"] == "t" and p.graph.nodes["t"]["page"] is None


def test_pages_are_listed_and_chosen_by_name_index_or_number():
    empty = [vertex("note", "text;", "Cover page", 0, 0)]
    data = mxfile(empty, SIMPLE, [vertex("x", TASK.format("manual"), "Other", 0, 0)])
    p = read_drawio(data)  # the first page that holds a process
    assert p.meta["page"] == {"index": 1, "name": "Page 2", "id": "p1"}
    assert [(pg["name"], pg["nodes"], pg["flows"]) for pg in p.meta["pages"]] == [
        ("Page 1", 0, 0), ("Page 2", 3, 2), ("Page 3", 1, 0)]
    assert read_drawio(data, page="Page 3").meta["page"]["index"] == 2
    assert read_drawio(data, page=2).meta["page"]["index"] == 2  # int: 0-based
    assert read_drawio(data, page="3").meta["page"]["index"] == 2  # typed: counts from 1
    with pytest.raises(ReadError, match="no page 'Nope'.*'Page 1'"):
        read_drawio(data, page="Nope")


def test_a_file_without_bpmn_shapes_is_not_a_process():
    with pytest.raises(NotAProcessError):
        read_drawio(mxfile([vertex("n", "text;", "just words")]))


def test_html_labels_and_object_wrappers():
    cells = [
        '<object label="Look&lt;br&gt;up&amp;nbsp;&lt;b&gt;contact&lt;/b&gt; &amp;amp; log" '
        'id="T1" owner="desk"><mxCell style="shape=mxgraph.bpmn.task;taskMarker=service;html=1;" '
        'vertex="1" parent="1"><mxGeometry x="0" y="0" width="120" height="60" as="geometry"/>'
        "</mxCell></object>",
        '<UserObject label="Wait 5 days" id="W" timeDuration="P5D"><mxCell '
        'style="shape=mxgraph.bpmn.event;outline=catching;symbol=timer;" vertex="1" parent="1">'
        '<mxGeometry x="200" y="10" width="36" height="36" as="geometry"/></mxCell></UserObject>',
        edge("f", "T1", "W"),
    ]
    p = read_drawio(mxfile(cells))
    t = p.graph.nodes["T1"]
    assert t["name"] == "Look up contact & log" and t["type"] == "serviceTask"
    assert t["attributes"] == {"owner": "desk"}
    w = p.graph.nodes["W"]
    assert w["type"] == "intermediateCatchEvent" and w["event"] == "timer"
    assert w["timer"] == {"kind": "timeDuration", "value": "P5D"}


def test_pool_lanes_membership_and_geometry_are_absolute():
    pool = "swimlane;childLayout=stackLayout;horizontal=0;startSize=20;"
    lane = "swimlane;horizontal=0;startSize=20;"
    cells = [
        vertex("P", pool, "Service desk", 100, 50, 620, 300),
        vertex("LA", lane, "Agent", 20, 0, 600, 150, parent="P"),
        vertex("LS", lane, "System", 20, 150, 600, 150, parent="P"),
        vertex("t1", TASK.format("user"), "Triage", 40, 40, parent="LA"),
        vertex("t2", TASK.format("service"), "Log", 200, 40, parent="LS"),
        # drawn on top of the Agent lane without being its child: geometry decides
        vertex("t3", TASK.format("user"), "Resolve", 400, 100, parent="1"),
        edge("f1", "t1", "t2"), edge("f2", "t2", "t3"),
    ]
    p = read_drawio(mxfile(cells))
    assert {n: d["lane"] for n, d in p.graph.nodes(data=True)} == {
        "t1": "LA", "t2": "LS", "t3": "LA"}
    assert p.lanes["LA"].name == "Agent" and sorted(p.lanes["LA"].nodes) == ["t1", "t3"]
    b = p.diagram.shapes["t1"]
    assert (b.x, b.y) == (100 + 20 + 40, 50 + 0 + 40)  # pool + lane + own offset
    assert p.diagram.shapes["t2"].y == 50 + 150 + 40
    assert p.diagram.horizontal["P"] is True
    (info,) = p.processes.values()
    assert info.participant == "P" and p.participants["P"].process == info.id


def test_edges_sequence_message_association_default_and_labels():
    pool = "swimlane;horizontal=0;startSize=20;"
    cells = [
        vertex("A", pool + "childLayout=stackLayout;", "Desk", 0, 0, 700, 200),
        vertex("AL", pool, "Agent", 20, 0, 680, 200, parent="A"),
        vertex("g", "shape=mxgraph.bpmn.gateway2;gwType=exclusive;", "Known?", 40, 60, 50, 50,
               parent="AL"),
        vertex("y", TASK.format("abstract"), "Yes task", 200, 10, parent="AL"),
        vertex("n", TASK.format("abstract"), "No task", 200, 110, parent="AL"),
        vertex("C", pool, "Customer", 0, 300, 700, 100),
        vertex("c1", TASK.format("send"), "Ask", 100, 20, parent="C"),
        vertex("note", "shape=note;", "Ask twice", 400, 220, 80, 40),
        edge("fy", "g", "y", value="Yes"),
        edge("fn", "g", "n", style=EDGE + "startArrow=dash;"),
        '<mxCell id="lbl" value="No" style="edgeLabel;" vertex="1" parent="fn">'
        '<mxGeometry relative="1" as="geometry"/></mxCell>',
        edge("m", "c1", "y", style="dashed=1;startArrow=oval;endArrow=blockThin;"),
        edge("m2", "n", "c1", style="dashed=1;"),  # dashed with an arrow between pools
        edge("as", "note", "y", style="dashed=1;endArrow=none;"),
    ]
    p = read_drawio(mxfile(cells))
    assert p.flows["fy"].name == "Yes" and p.flows["fn"].name == "No"
    assert p.flows["fn"].default and p.graph.nodes["g"]["default"] == "fn"
    assert set(p.message_flows) == {"m", "m2"}
    assert p.artifacts["as"]["type"] == "association"
    assert p.artifacts["note"]["type"] == "textAnnotation"
    assert p.graph.nodes["c1"]["process"] != p.graph.nodes["y"]["process"]


def test_boundary_events_by_geometry_and_as_children():
    cells = [
        vertex("t", TASK.format("user"), "Resolve", 100, 100, 120, 60),
        # centre on the lower border: a boundary event of t
        vertex("b", "shape=mxgraph.bpmn.event;outline=boundNonint;symbol=timer;", "Overdue",
               160, 142, 36, 36),
        # a boundary shape far from every task: read as a catch event, with a warning
        vertex("far", "shape=mxgraph.bpmn.event;outline=boundInt;symbol=message;", "", 500,
               300, 36, 36),
        # a start-looking event drawn on the border: attached, with an info finding
        vertex("s", START, "", 90, 110, 20, 20),
        vertex("x", TASK.format("send"), "Notice", 300, 200),
        edge("f1", "b", "x"), edge("f2", "far", "x"),
    ]
    p = read_drawio(mxfile(cells))
    g = p.graph
    assert g.nodes["b"]["type"] == "boundaryEvent" and g.nodes["b"]["attached_to"] == "t"
    assert g.nodes["b"]["cancel_activity"] is False and g.nodes["b"]["event"] == "timer"
    assert g.nodes["far"]["type"] == "intermediateCatchEvent"
    assert g.nodes["s"]["attached_to"] == "t" and g.nodes["s"]["cancel_activity"] is True
    assert rules(p) == ["drawio-boundary", "drawio-boundary"]


def test_markers_fold_into_their_task():
    child = ('<mxCell id="{}" style="shape={}" vertex="1" parent="{}"><mxGeometry x="0" y="1" '
             'width="14" height="14" relative="1" as="geometry"/></mxCell>')
    cells = [
        vertex("sp", "rounded=1;", "Handle", 0, 0), child.format("m1", "plus", "sp"),
        vertex("rc", "rounded=1;", "Receive", 200, 0), child.format("m2", "message", "rc"),
        vertex("us", "rounded=1;", "User", 400, 0),
        child.format("m3", "mxgraph.bpmn.user_task", "us"),
        edge("f1", "sp", "rc"), edge("f2", "rc", "us"),
    ]
    g = read_drawio(mxfile(cells)).graph
    assert dict(g.nodes(data="type")) == {"sp": "subProcess", "rc": "receiveTask",
                                          "us": "userTask"}


def test_gateway_vocabulary():
    gw2 = "shape=mxgraph.bpmn.gateway2;"
    legacy = "shape=mxgraph.bpmn.shape;background=gateway;"
    styles = {
        "a": gw2 + "outline=none;symbol=none;",
        "b": gw2 + "gwType=parallel;",
        "c": gw2 + "outline=end;symbol=general;",
        "d": gw2 + "outline=catching;symbol=multiple;",
        "e": gw2 + "gwType=complex;outline=catching;symbol=multiple;",  # gwType wins
        "f": legacy + "outline=none;symbol=parallelGw;",
        "g": legacy + "outline=catching;symbol=multiple;",
        "h": "shape=mxgraph.bpmn.gateway;",
    }
    cells = [vertex(k, v, "", 100 * i, 0, 50, 50) for i, (k, v) in enumerate(styles.items())]
    g = read_drawio(mxfile(cells)).graph
    assert dict(g.nodes(data="type")) == {
        "a": "exclusiveGateway", "b": "parallelGateway", "c": "inclusiveGateway",
        "d": "eventBasedGateway", "e": "complexGateway", "f": "parallelGateway",
        "g": "eventBasedGateway", "h": "exclusiveGateway"}


def test_event_vocabulary_and_terminate2_is_a_plain_end():
    ev = "shape=mxgraph.bpmn.event;outline={};symbol={};"
    styles = {"a": ev.format("end", "terminate2"), "b": ev.format("end", "terminate"),
              "c": ev.format("throwing", "escalation"), "d": ev.format("catching", "message"),
              "e": ev.format("standard", "timer"), "f": "shape=mxgraph.bpmn.timer_start;"}
    cells = [vertex(k, v, "", 100 * i, 0, 36, 36) for i, (k, v) in enumerate(styles.items())]
    g = read_drawio(mxfile(cells)).graph
    assert {n: (d["type"], d["event"]) for n, d in g.nodes(data=True)} == {
        "a": ("endEvent", None), "b": ("endEvent", "terminate"),
        "c": ("intermediateThrowEvent", "escalation"),
        "d": ("intermediateCatchEvent", "message"), "e": ("startEvent", "timer"),
        "f": ("startEvent", "timer")}


def test_unreadable_things_become_findings_not_silence():
    cells = [
        vertex("d", "rhombus;", "Decide?", 0, 0, 60, 60),
        vertex("o", "ellipse;", "Begin", -100, 10, 40, 40),
        vertex("t", TASK.format("user"), "Work", 100, 0),
        vertex("cloud", "ellipse;shape=cloud;", "The internet", 400, 300),
        vertex("aws", "shape=mxgraph.aws4.lambda;", "Bot", 700, 0, 40, 40),
        vertex("txt", "text;", "Drawn by the desk lead", 0, 400, 200, 20),
        edge("f0", "o", "d"), edge("f1", "d", "t"),
        edge("loose", "t", None, geometry='<mxPoint x="900" y="900" as="targetPoint"/>'),
        edge("snap", "t", None, geometry='<mxPoint x="403" y="330" as="targetPoint"/>'),
    ]
    p = read_drawio(mxfile(cells))
    g = p.graph
    assert g.nodes["d"]["type"] == "exclusiveGateway" and g.nodes["o"]["type"] == "startEvent"
    assert "aws" not in g and "txt" not in g
    assert g.nodes["cloud"]["type"] == "task"  # unknown, but an arrow reaches it
    by_rule = {}
    for f in p.findings:
        by_rule.setdefault(f.rule, []).append(f.element_id)
    severity = {f.element_id: f.severity for f in p.findings if f.rule == "drawio-loose-edge"}
    assert sorted(by_rule["drawio-guessed-shape"]) == ["d", "o"]
    assert by_rule["drawio-text"] == ["txt"]
    assert severity == {"loose": "warning", "snap": "info"}  # dropped / snapped
    assert "loose" not in p.flows
    # the other loose end lies on the cloud's border: snapped (an info finding), so the
    # cloud has an arrow and is read as a task; the AWS icon has none and is not read
    assert sorted(by_rule["drawio-unknown-shape"]) == ["aws", "cloud"]
    assert p.flows["snap"].target == "cloud"
    assert all(f.page == "Page 1" for f in p.findings)
    assert p.findings[0].element_name is not None or p.findings[0].element_id


def test_deflate_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(drawio, "MAX_PAGE_BYTES", 1_000_000)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflate.compress(b"%20" * 2_000_000) + deflate.flush()
    assert len(packed) < 20_000
    data = (f'<mxfile><diagram name="Bomb">{base64.b64encode(packed).decode()}</diagram>'
            "</mxfile>").encode()
    with pytest.raises(UnsafeInputError, match="Bomb"):
        read_drawio(data)


@pytest.mark.parametrize("body,match", [
    ("@@not base64@@", "not valid base64"),
    (base64.b64encode(b"\xff\xfe definitely not deflate").decode(), "cannot be inflated"),
])
def test_damaged_pages_name_the_page(body, match):
    data = f'<mxfile><diagram name="Broken">{body}</diagram></mxfile>'.encode()
    with pytest.raises(ReadError, match=f"Broken.*{match}"):
        read_drawio(data)


def test_a_damaged_page_nobody_asked_for_is_skipped_when_lenient():
    good = mxfile(SIMPLE).decode().replace("</mxfile>", "")
    data = (good + '<diagram name="Broken">@@@</diagram></mxfile>').encode()
    p = read_drawio(data)
    assert p.graph.number_of_nodes() == 3
    assert [f.rule for f in p.findings] == ["drawio-bad-page"]
    assert p.meta["pages"][1]["nodes"] is None
    with pytest.raises(ReadError):
        read_drawio(data, lenient=False)
    with pytest.raises(ReadError, match="Broken"):
        read_drawio(data, page="Broken")


def test_a_dtd_hidden_in_a_compressed_page_is_refused():
    body = '<!DOCTYPE x [<!ENTITY a "aaaa">]>' + model(*SIMPLE)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflate.compress(urllib.parse.quote(body).encode()) + deflate.flush()
    data = (f'<mxfile><diagram name="Evil">{base64.b64encode(packed).decode()}</diagram>'
            "</mxfile>").encode()
    with pytest.raises(UnsafeInputError, match="Evil"):
        read_drawio(data)


def test_ids_become_valid_xml_ids_and_keep_the_cell():
    cells = [vertex("1a", START, "", 0, 0, 36, 36), vertex("2 b", TASK.format("user"), "W", 80, 0),
             edge("3", "1a", "2 b")]
    p = read_drawio(mxfile(cells))
    assert sorted(p.graph) == ["_1a", "_2_b"]
    assert p.graph.nodes["_2_b"]["cell"] == "2 b" and list(p.flows) == ["_3"]


def test_activity_vocabulary_task2_call_transaction_loops():
    styles = {
        "a": "shape=mxgraph.bpmn.task2;taskMarker=script;isLoopStandard=1;",
        "b": "shape=mxgraph.bpmn.task;bpmnShapeType=call;",
        "c": "shape=mxgraph.bpmn.task;bpmnShapeType=transaction;isLoopMultiParallel=1;",
        "d": "shape=mxgraph.bpmn.task;taskMarker=businessRule;isLoopMultiSeq=1;",
    }
    cells = [vertex(k, v, k.upper(), 200 * i, 0) for i, (k, v) in enumerate(styles.items())]
    g = read_drawio(mxfile(cells)).graph
    assert {n: (d["type"], d["loop"]) for n, d in g.nodes(data=True)} == {
        "a": ("scriptTask", "standard"), "b": ("callActivity", None),
        "c": ("transaction", "parallel"), "d": ("businessRuleTask", "sequential")}


def test_nested_lanes_and_a_dashed_boundary_event():
    lane = "swimlane;horizontal=0;startSize=20;"
    cells = [
        vertex("P", lane + "childLayout=stackLayout;", "Desk", 0, 0, 820, 400),
        vertex("A", lane, "Support", 20, 0, 800, 400, parent="P"),
        vertex("A1", lane, "First line", 20, 0, 780, 200, parent="A"),
        vertex("A2", lane, "Second line", 20, 200, 780, 200, parent="A"),
        vertex("t1", TASK.format("user"), "Triage", 40, 40, parent="A1"),
        vertex("t2", TASK.format("user"), "Fix", 40, 40, parent="A2"),
        vertex("b", "shape=mxgraph.bpmn.event;outline=boundInt;symbol=timer;dashed=1;", "",
               100, 82, 36, 36, parent="A2"),
        edge("f", "t1", "t2"),
    ]
    p = read_drawio(mxfile(cells))
    assert p.lanes["A"].children == ["A1", "A2"] and p.lanes["A1"].parent == "A"
    assert p.graph.nodes["t2"]["lane"] == "A2" and "t2" in p.lanes["A"].nodes
    assert p.graph.nodes["b"]["attached_to"] == "t2"
    assert p.graph.nodes["b"]["cancel_activity"] is False  # dashed outline
    from bpsim.io.bpmn import read_bpmn
    from bpsim.io.bpmn_writer import generate_bpmn

    copy = read_bpmn(generate_bpmn(p))
    assert copy.lanes["A"].children == ["A1", "A2"] and copy.lanes["A2"].parent == "A"
    assert copy.graph.nodes["t2"]["lane"] == "A2"


def test_lanes_without_a_pool_share_one_unless_a_pool_lies_between():
    lane = "swimlane;horizontal=0;startSize=20;"
    pool = lane + "childLayout=stackLayout;"
    cells = [
        vertex("A", lane, "Agent", 0, 0, 600, 100),
        vertex("B", lane, "Back office", 0, 100, 600, 100),
        vertex("P", pool, "Partner", 0, 250, 600, 100),
        vertex("PL", lane, "Partner desk", 20, 0, 580, 100, parent="P"),
        vertex("D", lane, "Development", 0, 400, 600, 100),
        vertex("a", TASK.format("user"), "Answer", 40, 20, parent="A"),
        vertex("b", TASK.format("user"), "File", 40, 20, parent="B"),
        vertex("p", TASK.format("user"), "Check", 40, 20, parent="PL"),
        vertex("d", TASK.format("user"), "Fix", 40, 20, parent="D"),
        edge("f", "a", "b"),
    ]
    p = read_drawio(mxfile(cells))
    pool_of = {lane_id: p.lanes[lane_id].process for lane_id in p.lanes}
    assert pool_of["A"] == pool_of["B"]  # stacked lanes: one implied pool
    assert len({pool_of["A"], pool_of["PL"], pool_of["D"]}) == 3  # the drawn pool separates
    assert len(p.participants) == 3 and p.flows["f"].source == "a"
    box = p.diagram.shapes[p.processes[pool_of["A"]].participant]
    assert box.y + box.height <= 250  # the implied pool does not cover the drawn one


POOL = "swimlane;childLayout=stackLayout;horizontal=0;startSize=20;"
LANE = "swimlane;horizontal=0;startSize=20;"


def test_an_empty_swimlane_beside_pools_is_a_black_box_pool():
    """A "Customer" pool drawn empty, with no message flow, next to the service desk's pool:
    a participant without process, not a lane of an implied pool."""
    cells = [
        vertex("P", POOL, "Service desk", 0, 0, 620, 300),
        vertex("LA", LANE, "Agent", 20, 0, 600, 300, parent="P"),
        vertex("t1", TASK.format("user"), "Triage", 40, 40, parent="LA"),
        vertex("C", "swimlane;horizontal=0;startSize=20;", "Customer", 0, 400, 620, 120),
    ]
    p = read_drawio(mxfile(cells))
    assert set(p.lanes) == {"LA"}
    assert p.participants["C"].process is None and p.participants["C"].name == "Customer"
    assert p.graph.nodes["t1"]["lane"] == "LA"


def test_lone_empty_lanes_without_pools_stay_lanes():
    """Without a drawn pool beside it, an empty swimlane is still a lane (of an implied pool)."""
    cells = [
        vertex("LA", LANE, "Agent", 0, 0, 600, 150),
        vertex("LB", LANE, "Specialist", 0, 150, 600, 150),
        vertex("t1", TASK.format("user"), "Triage", 60, 40, parent="LA"),
    ]
    p = read_drawio(mxfile(cells))
    assert set(p.lanes) == {"LA", "LB"}
    assert all(pt.process for pt in p.participants.values())


def _collapsed(cid, value, x, y, children, parent="1"):
    style = "shape=ext;rounded=1;html=1;whiteSpace=wrap;container=1;collapsible=1;isLoopSub=1;"
    return ([f'<mxCell id="{cid}" value="{value}" style="{style}" vertex="1" collapsed="1" '
             f'parent="{parent}"><mxGeometry x="{x}" y="{y}" width="120" height="80" '
             f'as="geometry"><mxRectangle x="{x}" y="{y}" width="400" height="200" '
             'as="alternateBounds"/></mxGeometry></mxCell>'] + children)


def test_children_of_a_collapsed_container_are_the_sub_process_content():
    """The folded sub-process "Resolve" holds start -> Diagnose -> end as child cells whose
    geometry lies outside the folded box (and over its border): they are its content, not
    boundary events nor top-level nodes."""
    inner = [
        vertex("IS", START, "", 0, 20, 40, 40, parent="SP"),
        vertex("A", TASK.format("user"), "Diagnose", 100, 10, parent="SP"),
        vertex("IE", END, "", 300, 20, 40, 40, parent="SP"),
        edge("f1", "IS", "A", parent="SP"), edge("f2", "A", "IE", parent="SP"),
    ]
    cells = [
        vertex("P", POOL, "Service desk", 0, 0, 700, 300),
        vertex("LA", LANE, "Agent", 20, 0, 680, 300, parent="P"),
        vertex("S", START, "Ticket in", 40, 120, 36, 36, parent="LA"),
        *_collapsed("SP", "Resolve", 120, 100, inner, parent="LA"),
        vertex("E", END, "Done", 400, 120, 36, 36, parent="LA"),
        edge("f0", "S", "SP"), edge("f3", "SP", "E"),
    ]
    p = read_drawio(mxfile(cells))
    g = p.graph
    assert g.nodes["SP"]["type"] == "subProcess" and p.diagram.expanded["SP"] is False
    assert {n: g.nodes[n]["parent"] for n in ("IS", "A", "IE")} == dict.fromkeys(
        ("IS", "A", "IE"), "SP")
    assert (g.nodes["IS"]["type"], g.nodes["IE"]["type"]) == ("startEvent", "endEvent")
    assert not [n for n, t in g.nodes(data="type") if t == "boundaryEvent"]
    assert {g.nodes[n]["lane"] for n in g} == {"LA"}
    assert {n: g.nodes[n]["process"] for n in g} == dict.fromkeys(g, g.nodes["S"]["process"])
    assert set(g.edges) == {("S", "SP"), ("SP", "E"), ("IS", "A"), ("A", "IE")}
    assert not [f for f in p.findings if f.rule == "drawio-boundary"]
