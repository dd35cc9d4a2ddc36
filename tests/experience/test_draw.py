"""The blueprint drawing: SVG grid, draw.io document, HTML page, `bpsim blueprint`."""

from __future__ import annotations

import pytest
from lxml import etree

import bpsim
from bpsim.cli import main
from bpsim.experience import blueprint
from bpsim.experience.draw import blueprint_drawing, blueprint_drawio, blueprint_html
from bpsim.experience.grid import layout_grid
from tests.conftest import MODELS

MODEL = MODELS / "support_blueprint.bpmn"
SCENARIO = MODELS / "support_blueprint.yaml"


@pytest.fixture(scope="module")
def run():
    p = bpsim.read(MODEL)
    s = bpsim.load_scenario(SCENARIO).vary({"replications": 1, "horizon": "12d", "warmup": "2d"})
    return p, bpsim.simulate(p, s)


def test_every_element_sits_in_its_layer_and_phase_cell():
    p = bpsim.read(MODEL)
    bp = blueprint(p)
    grid = layout_grid(bp)
    assert [c.name for c in grid.columns] == bp.phases.order
    for n in p.graph:
        layer, phase = grid.cell[n]
        assert layer == bp.node_layer[n] and phase == bp.phases.of_node[n]
        row, col = grid.row(layer), next(c for c in grid.columns if c.name == phase)
        cx, cy = grid.boxes[n].center
        assert col.x <= cx <= col.x + col.width and row.y <= cy <= row.y + row.height
    assert grid.cell["Ref_Data_Report"] == ("evidence", "Resolution")
    lines = [r.key for r in grid.rows if r.line]
    assert lines == ["line of interaction", "line of visibility", "line of internal interaction"]


def test_svg_with_figures(run):
    p, results = run
    svg = blueprint_drawing(blueprint(p, results.scenario), results).to_svg()
    root = etree.fromstring(svg.encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    ids = {g.get("data-id") for g in root.iterfind(".//s:g", ns) if "node" in (g.get("class") or "")}
    assert set(p.graph) <= ids
    dots = [g for g in root.iterfind(".//s:g", ns) if g.get("class") == "thermometer"]
    assert [g.get("data-phase") for g in dots] == blueprint(p).phases.order
    assert "Customer time" in svg and "line of visibility" in svg
    touch = [g for g in root.iterfind(".//s:g", ns) if g.get("class") == "flow touchpoint"]
    assert len(touch) == sum(1 for c in blueprint(p).crossings if c.touchpoint)


def test_drawio_document_is_editable(run):
    p, results = run
    text = blueprint_drawio(blueprint(p, results.scenario), results)
    root = etree.fromstring(text.encode())
    assert root.tag == "mxfile"
    cells = {c.get("id"): c for c in root.iter("mxCell")}
    wrapped = {o.get("bpmnId"): o for o in root.iter("object") if o.get("bpmnId")}
    assert set(p.graph) <= set(wrapped)
    assert wrapped["Task_Investigate"].get("blueprintLayer") == "backstage"
    assert "shape=mxgraph.bpmn.task" in wrapped["Task_Investigate"][0].get("style")
    ids = set(cells) | {o.get("id") for o in root.iter("object")}
    edges = [c for c in cells.values() if c.get("edge") == "1" and c.get("source")]
    assert len(edges) >= len(p.flows)
    assert all(e.get("source") in ids and e.get("target") in ids for e in edges)
    every = [c.get("id") for c in root.iter("mxCell") if c.get("id")] + [
        o.get("id") for o in root.iter("object")]
    assert len(every) == len(set(every))  # ids unique
    bpsim.read_drawio(text.encode())  # bpsim's own draw.io reader takes it


def test_html_and_cli(tmp_path, run, capsys):
    p, results = run
    page = blueprint_html(blueprint(p, results.scenario), results)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Pain points" in page
    out = tmp_path / "bp.svg"
    assert main(["blueprint", str(MODEL), "-o", str(out)]) == 0
    assert out.read_text().startswith("<svg")
    assert "Wrote" in capsys.readouterr().err
    assert main(["blueprint", str(MODEL), "-o", str(tmp_path / "bp.pdf")]) == 2
    assert not (tmp_path / "bp.pdf").exists()
    assert main(["blueprint", str(tmp_path / "missing.bpmn"), "-o", str(out)]) == 2
