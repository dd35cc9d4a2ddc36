"""The drawing primitives: one style (stroke, dash, opacity, class; fill for closed shapes)
shared by every shape, written as the same SVG paint attributes whatever the shape."""

from __future__ import annotations

import pytest
from lxml import etree

from bpsim.render.scene import (
    Drawing,
    Ellipse,
    Line,
    LineStyle,
    Polygon,
    Rect,
    ShapeStyle,
    Text,
)

SVG = "{http://www.w3.org/2000/svg}"
STYLE = {"stroke": "#0000ff", "stroke_width": 2.5, "dash": "4 3", "opacity": 0.5, "cls": "hot"}


def _shapes(**style) -> list:
    return [Rect(1, 2, 30, 20, rx=4, **style), Ellipse(50, 50, 10, 10, **style),
            Ellipse(50, 50, 10, 6, **style), Polygon([(0, 0), (10, 0), (5, 8)], **style)]


def _elements(*items) -> list:
    d = Drawing(0, 0, 100, 100, background=None)
    for item in items:
        d.add(item)
    return list(etree.fromstring(d.to_svg().encode()))


@pytest.mark.parametrize("shape", range(4))
def test_every_closed_shape_writes_its_style_the_same_way(shape):
    item = _shapes(fill="#ff0000", **STYLE)[shape]
    assert isinstance(item, ShapeStyle)
    (el,) = _elements(item)
    assert el.tag[len(SVG):] in ("rect", "circle", "ellipse", "polygon")
    assert {k: el.get(k) for k in ("fill", "stroke", "stroke-width", "stroke-dasharray",
                                   "opacity", "class")} == {
        "fill": "#ff0000", "stroke": "#0000ff", "stroke-width": "2.5",
        "stroke-dasharray": "4 3", "opacity": "0.5", "class": "hot"}


def test_a_line_has_the_outline_style_and_never_a_fill():
    line = Line([(0, 0), (10, 10), (20, 0)], **STYLE)
    assert isinstance(line, LineStyle) and not isinstance(line, ShapeStyle)
    (el,) = _elements(line)
    assert el.tag == SVG + "polyline"
    assert (el.get("fill"), el.get("stroke"), el.get("stroke-dasharray"), el.get("class")) == (
        "none", "#0000ff", "4 3", "hot")
    with pytest.raises(TypeError):
        Line([(0, 0), (1, 1)], fill="#ff0000")  # type: ignore[call-arg]


def test_defaults_and_no_stroke():
    rect = Rect(0, 0, 10, 10)
    assert (rect.fill, rect.stroke, rect.stroke_width, rect.dash, rect.opacity, rect.cls) == (
        "#ffffff", "#222222", 1.0, None, 1.0, None)
    plain, bare = _elements(rect, Rect(0, 0, 10, 10, fill=None, stroke=None))
    assert (plain.get("fill"), plain.get("stroke"), plain.get("stroke-width")) == (
        "#ffffff", "#222222", "1")
    assert plain.get("opacity") is None and plain.get("stroke-dasharray") is None
    assert (bare.get("fill"), bare.get("stroke"), bare.get("stroke-width")) == (
        "none", "none", None)


def test_geometry_stays_positional_and_style_is_keyword_only():
    assert (Rect(1, 2, 3, 4, 5).rx, Ellipse(1, 2, 3, 4).ry) == (5, 4)
    with pytest.raises(TypeError):
        Rect(1, 2, 3, 4, 5, "#ff0000")  # type: ignore[misc]


def test_styled_shapes_draw_as_png_too():
    d = Drawing(0, 0, 100, 100)
    for item in _shapes(fill="#ff0000", **STYLE):
        d.add(item)
    d.add(Line([(0, 0), (100, 100)], **STYLE))
    d.add(Text(50, 50, "styled"))
    assert d.to_png().startswith(b"\x89PNG")
