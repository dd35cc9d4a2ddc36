"""Automatic layout: every element placed, lanes as bands, left to right, orthogonal arrows."""

from __future__ import annotations

import importlib.util
import itertools

import networkx as nx
import pytest

import bpsim
from bpsim.model import EVENT_TYPES, GATEWAY_TYPES, TASK_TYPES, Bounds
from bpsim.modeling import ProcessBuilder
from bpsim.modeling.layout import EVENT_SIZE, GATEWAY_SIZE, TASK_SIZE, layout
from tests.conftest import MODELS, corpus_files, require_corpus


def _service_desk():
    spec = importlib.util.spec_from_file_location("build_service_desk",
                                                  MODELS / "build_service_desk.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build()


@pytest.fixture(scope="module")
def desk():
    return _service_desk()


@pytest.fixture(scope="module")
def diagram(desk):
    return layout(desk)


def _inside(inner: Bounds, outer: Bounds, tol: float = 0.01) -> bool:
    return (inner.x >= outer.x - tol and inner.y >= outer.y - tol
            and inner.x + inner.width <= outer.x + outer.width + tol
            and inner.y + inner.height <= outer.y + outer.height + tol)


def _overlap(a: Bounds, b: Bounds) -> bool:
    return (a.x < b.x + b.width and b.x < a.x + a.width
            and a.y < b.y + b.height and b.y < a.y + a.height)


def _on_border(point, b: Bounds, tol: float = 0.01) -> bool:
    x, y = point
    on_x = b.x - tol <= x <= b.x + b.width + tol
    on_y = b.y - tol <= y <= b.y + b.height + tol
    return on_x and on_y and (abs(x - b.x) < tol or abs(x - b.x - b.width) < tol
                              or abs(y - b.y) < tol or abs(y - b.y - b.height) < tol)


def test_every_element_gets_a_place(desk, diagram):
    for element in [*desk.graph, *desk.lanes, *desk.participants]:
        assert element in diagram.shapes, element
    assert set(diagram.edges) == set(desk.flows)


def test_standard_sizes(desk, diagram):
    expected = {**{t: TASK_SIZE for t in TASK_TYPES}, **{t: EVENT_SIZE for t in EVENT_TYPES},
                **{t: GATEWAY_SIZE for t in GATEWAY_TYPES}}
    for n, t in desk.graph.nodes(data="type"):
        b = diagram.shapes[n]
        assert (b.width, b.height) == expected[t], n


def test_lanes_are_bands_inside_the_pool_holding_their_nodes(desk, diagram):
    pool = diagram.shapes["Participant_ServiceDesk"]
    lanes = sorted((diagram.shapes[lane] for lane in desk.lanes), key=lambda b: b.y)
    for above, below in itertools.pairwise(lanes):
        assert above.y + above.height == pytest.approx(below.y)  # stacked, no gap
    assert lanes[0].y == pytest.approx(pool.y)
    assert lanes[-1].y + lanes[-1].height == pytest.approx(pool.y + pool.height)
    for lane in lanes:
        assert _inside(lane, pool)
        assert lane.x + lane.width == pytest.approx(pool.x + pool.width)
    order = [diagram.shapes[lane].y for lane in desk.lanes]
    assert order == sorted(order)  # lanes keep their order from top to bottom
    for n, lane in desk.graph.nodes(data="lane"):
        if desk.graph.nodes[n]["type"] != "boundaryEvent":
            assert _inside(diagram.shapes[n], diagram.shapes[lane]), n


def test_shapes_do_not_overlap(desk, diagram):
    nodes = [n for n in desk.graph if desk.graph.nodes[n]["type"] != "boundaryEvent"]
    for a, b in itertools.combinations(nodes, 2):
        assert not _overlap(diagram.shapes[a], diagram.shapes[b]), (a, b)


def test_left_to_right_except_loops(desk, diagram):
    g = desk.graph
    for u, v in g.edges:
        if nx.has_path(g, v, u):  # a loop's back edge may go right to left
            continue
        if g.nodes[u]["type"] == "boundaryEvent":
            u = g.nodes[u]["attached_to"]
        assert diagram.shapes[u].x + diagram.shapes[u].width < diagram.shapes[v].x, (u, v)


def test_flows_are_orthogonal_and_touch_their_shapes(desk, diagram):
    for f in desk.flows.values():
        points = diagram.edges[f.id]
        assert len(points) >= 2
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            assert ax == pytest.approx(bx) or ay == pytest.approx(by), f.id
        assert _on_border(points[0], diagram.shapes[f.source]), f.id
        assert _on_border(points[-1], diagram.shapes[f.target]), f.id


def test_boundary_event_sits_on_the_bottom_border_of_its_host(desk, diagram):
    event = diagram.shapes["Boundary_Overdue"]
    host = diagram.shapes["Task_ResolveSpecialist"]
    cx, cy = event.center
    assert cy == pytest.approx(host.y + host.height)
    assert host.x <= cx <= host.x + host.width


def test_deterministic(desk, diagram):
    assert layout(desk) == diagram
    assert layout(_service_desk()) == diagram


def test_existing_diagram_is_kept_and_only_gaps_are_filled(desk, diagram):
    p = desk.copy()
    p.diagram = layout(p)
    moved = Bounds(5000.0, 7.0, 100.0, 80.0)
    p.diagram.shapes["Task_Triage"] = moved
    del p.diagram.shapes["Task_AddReply"]
    del p.diagram.edges["Flow_ContactYes"]
    kept = layout(p)
    assert kept.shapes["Task_Triage"] == moved
    assert "Task_AddReply" in kept.shapes and "Flow_ContactYes" in kept.edges
    for key, b in p.diagram.shapes.items():
        assert kept.shapes[key] == b
    fresh = layout(p, relayout=True)
    assert fresh.shapes["Task_Triage"] != moved
    assert fresh == diagram


def test_sub_process_is_sized_to_its_content_and_holds_it():
    b = ProcessBuilder("Order")
    start = b.start("Order received")
    sub = b.subprocess("Pick and pack")
    inner = [sub.start("Go"), sub.task("Pick"), sub.task("Pack"), sub.end("Packed")]
    end = b.end("Done")
    start >> sub >> end
    inner[0] >> inner[1] >> inner[2] >> inner[3]
    d = layout(b.process)
    box = d.shapes[sub.id]
    assert d.expanded[sub.id] is True
    assert box.width > 3 * TASK_SIZE[0]
    for n in inner:
        assert _inside(d.shapes[n.id], box)
    assert d.shapes[start.id].x + EVENT_SIZE[0] < box.x < box.x + box.width < d.shapes[end.id].x


def test_process_without_pool_or_lanes():
    b = ProcessBuilder("Tiny")
    b.start("In") >> b.task("Work") >> b.end("Out")
    d = layout(b.process)
    assert set(d.shapes) == set(b.process.graph)
    assert set(d.edges) == set(b.process.flows)
    xs = [d.shapes[n].x for n in b.process.graph]
    assert xs == sorted(xs) and len(set(xs)) == 3


CORPUS_FILES = corpus_files("bpmn-miwg", "real-world")


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_process_is_laid_out(path):
    p = bpsim.read(path)
    fresh = layout(p, relayout=True)
    for element in [*p.graph, *p.lanes, *p.participants]:
        assert element in fresh.shapes, element
    for f in p.flows.values():
        points = fresh.edges[f.id]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            assert ax == pytest.approx(bx) or ay == pytest.approx(by), f.id
    kept = layout(p)  # the file's own drawing stays where it is
    for key, box in p.diagram.shapes.items():
        assert kept.shapes[key] == box
    assert set(kept.edges) >= set(p.flows)


def test_the_corpus_is_there_for_layout():
    require_corpus()
    assert len(CORPUS_FILES) >= 70


def test_no_corpus_model_laid_out_afresh_has_overlapping_shapes():
    """The validator's own no-overlapping-elements rule stays quiet on bpsim's layout of every
    corpus model (hosts with several boundary events are widened to hold them side by side)."""
    from bpsim.validate import validate

    require_corpus()
    overlapping = {}
    for path in CORPUS_FILES:
        p = bpsim.read(path)
        p.diagram = layout(p, relayout=True)
        p.format = "bpmn"
        found = [f.element_id for f in validate(p, config={})
                 if f.rule == "no-overlapping-elements"]
        if found:
            overlapping[path.name] = found
    assert overlapping == {}


def test_many_boundary_events_sit_side_by_side_on_their_host():
    b = ProcessBuilder("Reminders")
    work = b.task("Wait for reply")
    b.start("In") >> work >> b.end("Out")
    for i in range(5):
        work.boundary(f"Reminder {i}", timer="P1D", interrupting=False) >> b.end(f"R{i}")
    d = layout(b.process)
    events = [n for n in b.process.graph
              if b.process.graph.nodes[n].get("type") == "boundaryEvent"]
    boxes = [d.shapes[e] for e in events]
    assert not any(_overlap(a, c) for a, c in itertools.combinations(boxes, 2))
    host = d.shapes[b.process.graph.nodes[events[0]]["attached_to"]]
    assert all(_on_border(box.center, host) for box in boxes)
