"""Results written onto the user's diagram: BPMN colours, draw.io styles, SVG and PNG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

import bpsim
from bpsim.io.drawio import decode_page
from bpsim.report.annotate import BIOC_NS, COLOR_NS, FIGURE_PREFIX, _compress
from bpsim.report.diagram import METRICS, figures, scale_for

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
HEX = re.compile(r"#[0-9a-f]{6}")


def quick_scenario():
    """The bundled scenario, shortened to keep the test cheap."""
    from bpsim.scenario.core import Scenario
    from bpsim.scenario.loader import read_yaml

    path = MODELS / "service_desk.yaml"
    data, lines = read_yaml(path)
    data.update(horizon="9d", warmup="2d", replications=2, seed=7)
    return Scenario.from_dict(data, source=str(path), lines=lines)


@pytest.fixture(scope="module")
def desk(desk_results):
    return desk_results


@pytest.fixture(scope="module")
def desk_drawio():
    return bpsim.simulate(bpsim.read(MODELS / "service_desk.drawio"), quick_scenario())


def same_graph(a, b) -> None:
    """Same nodes (id, type, name, lane), flows and lanes."""
    assert {n: (d["type"], d["name"], d.get("lane")) for n, d in a.graph.nodes(data=True)} == \
        {n: (d["type"], d["name"], d.get("lane")) for n, d in b.graph.nodes(data=True)}
    assert {(f.id, f.source, f.target, f.name) for f in a.flows.values()} == \
        {(f.id, f.source, f.target, f.name) for f in b.flows.values()}
    assert {k: (v.name, tuple(v.nodes)) for k, v in a.lanes.items()} == \
        {k: (v.name, tuple(v.nodes)) for k, v in b.lanes.items()}


def strip_edits(root) -> None:
    """Remove what annotate adds: elements with the figure prefix (and their DI), colours."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if (el.get("id") or "").startswith(FIGURE_PREFIX) or \
                (el.get("bpmnElement") or "").startswith(FIGURE_PREFIX):
            el.getparent().remove(el)
            continue
        for key in list(el.attrib):
            if key.startswith(f"{{{BIOC_NS}}}") or key.startswith(f"{{{COLOR_NS}}}"):
                del el.attrib[key]


def tree(el) -> tuple:
    """An element as comparable data (tag, attributes, text, children), whitespace aside."""
    if not isinstance(el.tag, str):
        return ("#", str(el.tag), (el.text or "").strip())
    return (el.tag, dict(el.attrib), (el.text or "").strip(), [tree(c) for c in el])


@pytest.mark.parametrize("metric", ["utilization", "wait"])
def test_bpmn_copy_changes_only_colours_and_figure_annotations(desk, tmp_path, metric):
    out = desk.annotate(tmp_path / "desk.bpmn", metric=metric)
    original = etree.parse(str(MODELS / "service_desk.bpmn")).getroot()
    annotated = etree.parse(str(out)).getroot()
    assert annotated.nsmap["bioc"] == BIOC_NS and annotated.nsmap["color"] == COLOR_NS
    for prefix, uri in original.nsmap.items():
        assert annotated.nsmap[prefix] == uri  # every declaration kept
    coloured = [s for s in annotated.iter(f"{{{BPMNDI}}}BPMNShape")
                if s.get(f"{{{BIOC_NS}}}fill")]
    elements, _ = figures(desk)
    m = METRICS[metric]
    want = {r["id"] for r in elements.to_dict("records")
            if r[m.column] == r[m.column] and isinstance(r["role"], str)}
    assert {s.get("bpmnElement") for s in coloured} == want
    scale = scale_for(m, elements[m.column])
    for s in coloured:
        fill = s.get(f"{{{BIOC_NS}}}fill")
        assert HEX.fullmatch(fill) and HEX.fullmatch(s.get(f"{{{BIOC_NS}}}stroke"))
        assert s.get(f"{{{COLOR_NS}}}background-color") == fill
        assert s.get(f"{{{COLOR_NS}}}border-color") == s.get(f"{{{BIOC_NS}}}stroke")
        value = elements.set_index("id").loc[s.get("bpmnElement"), m.column]
        assert fill == scale(value)
        label = s.find(f"{{{BPMNDI}}}BPMNLabel")
        assert label.get(f"{{{COLOR_NS}}}color") in ("#111111", "#ffffff")
    notes = [el for el in annotated.iter() if isinstance(el.tag, str)
             and el.tag.endswith("}textAnnotation")
             and el.get("id", "").startswith(FIGURE_PREFIX)]
    assert len(notes) == len(want)  # every coloured activity gets its figure
    strip_edits(annotated)
    assert tree(annotated) == tree(original)


def test_bpmn_copy_reimports_with_the_same_graph(desk, tmp_path):
    out = desk.annotate(tmp_path / "desk.bpmn", metric="count")
    again = bpsim.read(out)
    same_graph(desk.process, again)
    assert not [f for f in again.findings if f.severity != "info"]
    texts = [a for a in again.artifacts.values() if a["type"] == "textAnnotation"]
    assert any(a["text"].endswith("tickets") for a in texts)
    assert all(k in again.diagram.shapes for k, a in again.artifacts.items()
               if a["type"] == "textAnnotation")


def test_drawio_copy_keeps_geometry_and_reimports(desk_drawio, tmp_path):
    out = desk_drawio.annotate(tmp_path / "desk.drawio", metric="utilization")
    original = etree.parse(str(MODELS / "service_desk.drawio")).getroot()
    annotated = etree.parse(str(out)).getroot()
    before = {c.get("id"): c for c in original.iter("mxCell")}
    after = {c.get("id"): c for c in annotated.iter("mxCell")}
    added = set(after) - set(before)
    assert added and all(a.startswith(FIGURE_PREFIX) for a in added)
    assert not set(before) - set(after)
    coloured = 0
    for cid, cell in before.items():
        new = after[cid]
        assert tree(cell.find("mxGeometry")) == tree(new.find("mxGeometry")) \
            if cell.find("mxGeometry") is not None else True
        old_style = dict(p.split("=", 1) for p in (cell.get("style") or "").split(";")
                         if "=" in p)
        new_style = dict(p.split("=", 1) for p in (new.get("style") or "").split(";")
                         if "=" in p)
        if new_style.get("fillColor") != old_style.get("fillColor"):
            coloured += 1
            assert HEX.fullmatch(new_style["fillColor"])
            assert HEX.fullmatch(new_style["strokeColor"])
        for key in set(old_style) | set(new_style):
            if key not in ("fillColor", "strokeColor"):
                assert old_style.get(key) == new_style.get(key), (cid, key)
        assert {k: v for k, v in cell.attrib.items() if k != "style"} == \
            {k: v for k, v in new.attrib.items() if k != "style"}
    assert coloured >= 6
    same_graph(desk_drawio.process, bpsim.read(out))


def test_compressed_page_is_written_back_compressed_and_other_pages_untouched(tmp_path):
    plain = etree.parse(str(MODELS / "service_desk.drawio")).getroot()
    page = plain.find("diagram")
    model = page.find("mxGraphModel")
    page.remove(model)
    page.text = _compress(etree.tostring(model, encoding="unicode"))
    other = etree.SubElement(plain, "diagram", name="Notes", id="notes")
    other.text = _compress('<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
                           '<mxCell id="n" value="see the wiki" style="text;html=1;" '
                           'vertex="1" parent="1"><mxGeometry x="10" y="10" width="80" '
                           'height="20" as="geometry"/></mxCell></root></mxGraphModel>')
    src = tmp_path / "packed.drawio"
    src.write_bytes(etree.tostring(plain))
    results = bpsim.simulate(bpsim.read(src), quick_scenario())
    out = results.annotate(tmp_path / "packed-annotated.drawio", metric="wait")
    root = etree.parse(str(out)).getroot()
    pages = root.findall("diagram")
    assert [p.get("name") for p in pages] == ["Ticket handling", "Notes"]
    assert pages[0].find("mxGraphModel") is None and pages[0].text.strip()
    assert pages[1].text == other.text  # the other page, byte for byte
    decoded, was_plain = decode_page(pages[0])
    assert not was_plain
    assert any((c.get("id") or "").startswith(FIGURE_PREFIX) for c in decoded.iter("mxCell"))
    same_graph(results.process, bpsim.read(out))


def test_cross_format_and_model_without_di(desk, desk_drawio, tmp_path):
    # BPMN in, draw.io out; draw.io in, BPMN out: written by bpsim's writers, then coloured
    a = bpsim.read(desk.annotate(tmp_path / "from-bpmn.drawio"))
    b = bpsim.read(desk_drawio.annotate(tmp_path / "from-drawio.bpmn"))
    assert set(a.graph.nodes) and len(a.flows) == len(desk.process.flows)
    assert {d["type"] for _, d in b.graph.nodes(data=True)} == \
        {d["type"] for _, d in desk_drawio.process.graph.nodes(data=True)}
    from bpsim.analysis import Results
    from bpsim.engine import run

    from ..analysis.queueing_models import mmc

    process, bound = mmc(60.0, 50.0, 1, horizon=20_000.0, warmup=2_000.0, replications=2)
    assert not process.diagram
    r = Results(run(process, bound), process, bound)
    out = r.annotate(tmp_path / "mm1.bpmn")
    root = etree.parse(str(out)).getroot()
    assert [s for s in root.iter(f"{{{BPMNDI}}}BPMNShape") if s.get(f"{{{BIOC_NS}}}fill")]
    assert r.annotate(tmp_path / "mm1.svg").read_text().startswith("<svg")


@pytest.mark.parametrize("metric", list(METRICS))
def test_svg_has_one_shape_per_element_colour_bar_and_busy_flows(desk, tmp_path, metric):
    svg = desk.annotate(tmp_path / f"desk-{metric}.svg", metric=metric).read_bytes()
    root = etree.fromstring(svg)
    g = "{http://www.w3.org/2000/svg}g"
    nodes = [e for e in root.iter(g) if "node" in (e.get("class") or "").split()]
    assert sorted(e.get("data-id") for e in nodes) == sorted(desk.process.graph.nodes)
    assert [e for e in root.iter(g) if e.get("class") == "colorbar"]
    _, flows = figures(desk)
    widths = {e.get("data-id"): float(e.find("{http://www.w3.org/2000/svg}polyline")
                                      .get("stroke-width"))
              for e in root.iter(g) if e.get("class") == "flow"}
    busiest = flows.loc[flows["count"].idxmax(), "id"]
    rarest = flows.loc[flows["count"].idxmin(), "id"]
    assert widths[busiest] == max(widths.values()) > widths[rarest]


def test_png(desk, tmp_path):
    out = desk.annotate(tmp_path / "desk.png", metric="breach")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_flow_counts_follow_the_branch_probabilities(desk):
    """Each gateway's branches add up to the tickets through it; a parallel split sends
    every ticket down each branch and its join receives them all."""
    elements, flows = figures(desk)
    count = elements.set_index("id")["count"]
    by = flows.set_index("id")
    out_known = by.loc[by["source"] == "Gateway_ContactKnown", "count"].sum()
    assert out_known == pytest.approx(count["Gateway_ContactKnown"], rel=0.02)
    fork = by.loc[by["source"] == "Gateway_CloseFork"]
    assert (fork["count"] == count["Gateway_CloseFork"]).all()
    join = by.loc[by["target"] == "Gateway_CloseJoin"]
    assert len(join) == 2 and (join["count"] > 0.95 * count["Gateway_CloseJoin"]).all()


def test_unknown_metric_and_suffix(desk, tmp_path):
    with pytest.raises(ValueError, match="utilization"):
        desk.annotate(tmp_path / "x.svg", metric="speed")
    from bpsim.errors import BpsimError

    with pytest.raises(BpsimError, match="svg"):
        desk.annotate(tmp_path / "x.pdf")
