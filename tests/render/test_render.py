"""bpsim.render: the process drawn where the user drew it, as SVG and PNG."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

import bpsim
from bpsim.render import ColorScale, Overlay, diagram_of, draw_process, visible_nodes

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SVG = "{http://www.w3.org/2000/svg}"


def groups(svg: str, cls: str) -> list:
    tree = etree.fromstring(svg.encode())
    return [g for g in tree.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]


def corpus_files() -> list[Path]:
    if not CORPUS.exists():
        return []
    return sorted(p for p in CORPUS.rglob("*")
                  if p.suffix in (".bpmn", ".xml", ".drawio") and p.is_file())


@pytest.fixture(scope="module")
def desk():
    return bpsim.read(ROOT / "models" / "service_desk.bpmn")


def test_one_group_per_element_and_flow(desk):
    svg = draw_process(desk).to_svg()
    ids = [g.get("data-id") for g in groups(svg, "node")]
    assert sorted(ids) == sorted(desk.graph.nodes)
    assert sorted(g.get("data-id") for g in groups(svg, "flow")) == sorted(desk.flows)
    assert sorted(g.get("data-id") for g in groups(svg, "lane")) == sorted(desk.lanes)
    assert [g.get("data-id") for g in groups(svg, "pool")] == list(desk.participants)


def test_shapes_sit_where_the_file_draws_them(desk):
    svg = draw_process(desk).to_svg()
    tree = etree.fromstring(svg.encode())
    b = desk.diagram.shapes["Task_Triage"]
    rects = [r for g in tree.iter(f"{SVG}g") if g.get("data-id") == "Task_Triage"
             for r in g.iter(f"{SVG}rect")]
    assert (float(rects[0].get("x")), float(rects[0].get("y"))) == (b.x, b.y)
    assert (float(rects[0].get("width")), float(rects[0].get("height"))) == (b.width, b.height)


def test_overlay_colours_badges_titles_and_widths(desk):
    scale = ColorScale(0.0, 1.0, label="utilisation")
    flow = next(iter(desk.flows))
    ov = Overlay(fill={"Task_Triage": scale(0.9)}, badge={"Task_Triage": "90 %"},
                 title={"Task_Triage": "Triage: 90 % busy"}, data={"Task_Triage": {"v": "0.9"}},
                 flow_width={flow: 7.5}, scale=scale, legend=[(None, "flow width")])
    svg = draw_process(desk, ov).to_svg()
    g = [g for g in groups(svg, "node") if g.get("data-id") == "Task_Triage"][0]
    assert g.get("data-v") == "0.9"
    assert g.find(f"{SVG}title").text == "Triage: 90 % busy"
    assert scale(0.9) in [r.get("fill") for r in g.iter(f"{SVG}rect")]
    assert "90 %" in "".join(g.itertext())
    f = [g for g in groups(svg, "flow") if g.get("data-id") == flow][0]
    assert f.find(f"{SVG}polyline").get("stroke-width") == "7.5"
    assert groups(svg, "colorbar")


def test_colour_scale_is_monotone_and_text_stays_readable():
    s = ColorScale(0.0, 10.0)
    from bpsim.render.colors import luminance

    lums = [luminance(s(v)) for v in range(11)]
    assert lums == sorted(lums, reverse=True)
    assert s.text_color(s(0)) == "#111111" and s.text_color(s(10)) == "#ffffff"
    assert s(None) == s(float("nan"))
    assert s.ticks()[0] == 0 and s.ticks()[-1] == 10


def test_png_is_a_picture_of_the_right_size(desk):
    pytest.importorskip("matplotlib")
    import numpy as np
    from matplotlib import image

    d = draw_process(desk)
    data = d.to_png()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = image.imread(io.BytesIO(data))
    assert abs(pixels.shape[1] - d.width) <= 2 and abs(pixels.shape[0] - d.height) <= 2
    dark = (pixels[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.01 < dark < 0.5, dark  # lines and text on a white page
    assert len(np.unique(np.round(pixels[::7, ::7, :3].mean(axis=2), 2))) > 10  # not flat


def test_model_without_di_gets_the_layout():
    path = CORPUS / "real-world" / "scylla__samples__p1_boundary.bpmn"
    if not path.exists():
        pytest.skip("the shared corpus is not beside the clone")
    p = bpsim.read(path)
    assert not p.diagram
    d = diagram_of(p)
    assert all(n in d.shapes for n in p.graph)
    svg = draw_process(p).to_svg()
    assert len(groups(svg, "node")) == p.graph.number_of_nodes()
    assert len(groups(svg, "flow")) == len(p.flows)


def test_collaboration_with_pools_and_message_flows():
    path = CORPUS / "real-world" / "bpmn-js-examples__bundling__resources__pizza-collaboration.bpmn"
    if not path.exists():
        pytest.skip("the shared corpus is not beside the clone")
    p = bpsim.read(path)
    svg = draw_process(p).to_svg()
    assert len(groups(svg, "pool")) == len(p.participants) >= 2
    assert len(groups(svg, "message-flow")) == len(p.message_flows) >= 3
    assert len(groups(svg, "node")) == p.graph.number_of_nodes()


def test_drawio_model_renders():
    p = bpsim.read(ROOT / "models" / "service_desk.drawio")
    svg = draw_process(p).to_svg()
    assert len(groups(svg, "node")) == len(visible_nodes(p)) == p.graph.number_of_nodes()
    assert len(groups(svg, "flow")) == len(p.flows)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_every_corpus_file_renders(path):
    from bpsim.errors import BpsimError

    try:
        p = bpsim.read(path)
    except BpsimError:
        pytest.skip("not a single-process file bpsim reads without options")
    svg = draw_process(p).to_svg()
    etree.fromstring(svg.encode())  # well-formed
    shown = {g.get("data-id") for g in groups(svg, "node")}
    assert shown == set(visible_nodes(p, diagram_of(p)))
