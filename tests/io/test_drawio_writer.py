"""The draw.io writer: an uncompressed page of BPMN palette shapes that reads back the same."""

from __future__ import annotations

import pytest
from lxml import etree

import bpsim
from bpsim.io.drawio_cells import parse_style
from bpsim.io.drawio_writer import generate_drawio, write_drawio
from bpsim.modeling import ProcessBuilder
from bpsim.modeling.layout import HEADER, layout
from tests.conftest import MODELS


@pytest.fixture(scope="module")
def desk():
    return bpsim.read(MODELS / "service_desk.bpmn")


@pytest.fixture(scope="module")
def page(desk):
    return etree.fromstring(generate_drawio(desk).encode())


def _cells(page) -> dict[str, tuple[etree._Element, dict[str, str], dict[str, str]]]:
    """cell id -> (mxCell, style, custom properties)."""
    out = {}
    for el in page.iter("mxCell", "object"):
        if el.tag == "object":
            cell, props = el.find("mxCell"), {k: v for k, v in el.attrib.items()
                                             if k not in ("id", "label")}
            out[el.get("id")] = (cell, parse_style(cell.get("style"))[0], props)
        elif el.getparent().tag != "object":
            out[el.get("id")] = (el, parse_style(el.get("style"))[0], {})
    return out


def _geometry(cell) -> tuple[float, float, float, float]:
    g = cell.find("mxGeometry")
    return tuple(float(g.get(k, 0)) for k in ("x", "y", "width", "height"))


def test_an_uncompressed_mxfile(page):
    assert page.tag == "mxfile"
    diagrams = page.findall("diagram")
    assert len(diagrams) == 1
    model = diagrams[0].find("mxGraphModel")
    assert model is not None and not (diagrams[0].text or "").strip()
    root = model.find("root")
    assert [c.get("id") for c in root[:2]] == ["0", "1"] and root[1].get("parent") == "0"
    ids = [c.get("id") for c in root]
    assert len(ids) == len(set(ids))


def test_every_element_is_a_cell_with_its_id(desk, page):
    cells = _cells(page)
    for element in [*desk.graph, *desk.flows, *desk.lanes, *desk.participants]:
        assert element in cells, element


@pytest.mark.parametrize(("node", "expected"), [
    ("Task_Triage", {"shape": "mxgraph.bpmn.task", "taskMarker": "user"}),
    ("Task_OpenTicket", {"shape": "mxgraph.bpmn.task", "taskMarker": "service"}),
    ("Task_AskCustomer", {"shape": "mxgraph.bpmn.task", "taskMarker": "send"}),
    ("Start_Email", {"shape": "mxgraph.bpmn.event", "outline": "standard", "symbol": "message"}),
    ("Event_NoReply", {"shape": "mxgraph.bpmn.event", "outline": "catching", "symbol": "timer"}),
    ("End_Closed", {"shape": "mxgraph.bpmn.event", "outline": "end", "symbol": "general"}),
    ("Boundary_Overdue", {"outline": "boundNonint", "symbol": "timer"}),
    ("Gateway_NeedInfo", {"shape": "mxgraph.bpmn.gateway2", "gwType": "exclusive"}),
    ("Gateway_CloseFork", {"shape": "mxgraph.bpmn.gateway2", "gwType": "parallel"}),
    ("Gateway_AwaitReply", {"shape": "mxgraph.bpmn.gateway2", "outline": "catching",
                            "symbol": "multiple"}),
])
def test_bpmn_palette_vocabulary(page, node, expected):
    style = _cells(page)[node][1]
    assert {k: style.get(k) for k in expected} == expected
    assert "gwType" not in style or style["shape"] == "mxgraph.bpmn.gateway2"


def test_pool_stacks_lanes_and_geometry_is_relative(desk, page):
    cells = _cells(page)
    pool, pool_style, props = cells["Participant_ServiceDesk"]
    assert pool_style["childLayout"] == "stackLayout" and pool_style["horizontal"] == "0"
    assert props == {"process": "Process_ServiceDesk", "processName": "Ticket handling"}
    d = layout(desk)
    px, py, _, _ = _geometry(pool)
    assert (px, py) == (d.shapes["Participant_ServiceDesk"].x,
                        d.shapes["Participant_ServiceDesk"].y)
    for lane in desk.lanes:
        cell, style, _ = cells[lane]
        assert cell.get("parent") == "Participant_ServiceDesk" and "swimlane" in \
            cell.get("style")
        lx, ly, _, _ = _geometry(cell)
        assert (lx + px, ly + py) == pytest.approx((d.shapes[lane].x, d.shapes[lane].y))
        assert lx == pytest.approx(HEADER)
    for n, lane in desk.graph.nodes(data="lane"):
        cell = cells[n][0]
        host = desk.node(n).get("attached_to")
        assert cell.get("parent") == (desk.node(host)["lane"] if host else lane)
        x, y, w, h = _geometry(cell)
        lx, ly, _, _ = _geometry(cells[cell.get("parent")][0])
        assert (x + lx + px, y + ly + py) == pytest.approx((d.shapes[n].x, d.shapes[n].y))


def test_boundary_event_sits_on_its_hosts_border(page):
    cells = _cells(page)
    ex, ey, ew, eh = _geometry(cells["Boundary_Overdue"][0])
    hx, hy, hw, hh = _geometry(cells["Task_ResolveSpecialist"][0])
    assert cells["Boundary_Overdue"][0].get("parent") == \
        cells["Task_ResolveSpecialist"][0].get("parent")
    assert ey + eh / 2 == pytest.approx(hy + hh)
    assert hx <= ex + ew / 2 <= hx + hw


def test_flows_are_labelled_edges_and_timers_are_properties(desk, page):
    cells = _cells(page)
    for f in desk.flows.values():
        cell = cells[f.id][0]
        assert cell.get("edge") == "1"
        assert (cell.get("source"), cell.get("target")) == (f.source, f.target)
    yes = cells["Flow_NeedInfoYes"]
    assert yes[0].get("value", yes[0].getparent().get("label")) == "Yes"
    assert cells["Event_NoReply"][2] == {"timeDuration": "P5D"}
    assert cells["Boundary_Overdue"][2] == {"timeDuration": "PT8H"}


def test_default_and_conditional_flows_are_marked_and_read_back():
    b = ProcessBuilder("Routing")
    start, level = b.start("In"), b.decision("Level?")
    first, second, end = b.task("First & <second>"), b.task("Second"), b.end("Out")
    start >> level
    level.branch("Yes", to=first, condition="${level == 1}")
    level.otherwise(second, "No")
    review = b.task("Review")
    [first, second] >> review
    b.flow(review, end, condition="${done}")
    text = generate_drawio(b.process)
    style = _cells(etree.fromstring(text.encode()))
    no = next(f for f in b.process.flows.values() if f.name == "No")
    assert style[no.id][1]["startArrow"] == "dash"
    last = b.process.outgoing(review.id)[0]
    assert style[last.id][1]["startArrow"] == "diamondThin"  # conditional out of a task
    again = bpsim.read_drawio(text.encode())
    assert again.node(first.id)["name"] == "First & <second>"
    assert again.flows[no.id].default and again.node(level.id)["default"] == no.id
    yes = next(f for f in b.process.flows.values() if f.name == "Yes")
    assert again.flows[yes.id].condition == "${level == 1}"
    assert again.flows[last.id].condition == "${done}"


def test_sub_process_content_and_collapsed_sub_processes():
    b = ProcessBuilder("Order")
    start, sub, end = b.start("In"), b.subprocess("Pick and pack"), b.end("Out")
    go, pick, done = sub.start("Go"), sub.task("Pick"), sub.end("Packed")
    start >> sub >> end
    go >> pick >> done
    text = generate_drawio(b.process)
    cells = _cells(etree.fromstring(text.encode()))
    assert cells[pick.id][0].get("parent") == sub.id
    assert cells[sub.id][1]["bpmnShapeType"] == "subprocess"
    assert bpsim.read_drawio(text.encode()).node(pick.id)["parent"] == sub.id
    b.process.diagram = layout(b.process)
    b.process.diagram.expanded[sub.id] = False  # drawn collapsed: redrawn expanded
    again = bpsim.read_drawio(generate_drawio(b.process).encode())
    assert again.node(pick.id)["parent"] == sub.id and again.node(go.id)["type"] == "startEvent"


def test_black_box_pool_with_message_flows():
    b = ProcessBuilder("Ticket handling", pool="Service desk")
    agent = b.lane("Agent")
    ask = agent.send_task("Reply to customer")
    b.start("In") >> ask >> b.end("Out")
    customer = b.participant("Customer")
    b.message(ask, customer, "Question")
    again = bpsim.read_drawio(generate_drawio(b.process).encode())
    black = [p for p in again.participants.values() if p.name == "Customer"]
    assert len(black) == 1 and black[0].process is None
    assert [(m.source, m.name) for m in again.message_flows.values()] == [(ask.id, "Question")]


def test_write_is_atomic_and_equals_generate(tmp_path, desk):
    target = tmp_path / "desk.drawio"
    target.write_text("old")
    assert write_drawio(desk, target) == target
    assert target.read_text() == generate_drawio(desk)
    assert [p.name for p in tmp_path.iterdir()] == ["desk.drawio"]  # no temporary left over


def test_deterministic(desk):
    assert generate_drawio(desk) == generate_drawio(desk.copy())


def test_keeps_the_drawing_of_a_bpmn_file(desk, page):
    """DI from the file is used as is (service_desk.bpmn is drawn by hand)."""
    cells = _cells(page)
    pool_x, pool_y, _, _ = _geometry(cells["Participant_ServiceDesk"][0])
    assert (pool_x, pool_y) == (desk.diagram.shapes["Participant_ServiceDesk"].x,
                                desk.diagram.shapes["Participant_ServiceDesk"].y)
    relaid = _cells(etree.fromstring(generate_drawio(desk, relayout=True).encode()))
    fresh = layout(desk, relayout=True).shapes["Participant_ServiceDesk"]
    assert _geometry(relaid["Participant_ServiceDesk"][0])[:2] == (fresh.x, fresh.y)
