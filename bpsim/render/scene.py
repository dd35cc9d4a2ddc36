"""A drawing as plain data: rectangles, ellipses, polygons, lines and text in groups.

Everything bpsim draws (a process with its figures, a colour bar, a service blueprint) is first
built as a :class:`Drawing`: a tree of :class:`Group` objects holding primitive shapes in
diagram coordinates (pixels, y grows downwards, as in BPMN DI and draw.io). A drawing then
writes itself as SVG text (:meth:`Drawing.to_svg`) or as a PNG through matplotlib
(:meth:`Drawing.to_png`, in :mod:`bpsim.render.raster`), so both outputs show the same picture.

>>> from bpsim.render.scene import Drawing, Group, Rect, Text
>>> d = Drawing(0, 0, 200, 100)
>>> g = d.add(Group(cls="node", data={"id": "Task_1"}, title="Triage ticket"))
>>> g.add(Rect(10, 10, 100, 80, rx=10, fill="#fde0c5"))          # doctest: +ELLIPSIS
Rect(...)
>>> g.add(Text(60, 50, ["Triage", "ticket"]))                      # doctest: +ELLIPSIS
Text(...)
>>> d.to_svg().startswith("<svg")
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "Drawing", "Group", "Rect", "Ellipse", "Polygon", "Line", "Text", "Item",
    "LineStyle", "ShapeStyle", "arrow_head", "text_width",
]

Point = tuple[float, float]


@dataclass(kw_only=True)
class LineStyle:
    """How a line is stroked: colour (``None``: no stroke), width, SVG dash pattern
    (``"4 3"``), opacity and SVG ``class``. Every shape takes these as keyword arguments."""

    stroke: str | None = "#222222"
    stroke_width: float = 1.0
    dash: str | None = None
    opacity: float = 1.0
    cls: str | None = None


@dataclass(kw_only=True)
class ShapeStyle(LineStyle):
    """A closed shape's style: its outline (:class:`LineStyle`) and its ``fill`` colour
    (``None``: transparent)."""

    fill: str | None = "#ffffff"


@dataclass
class Rect(ShapeStyle):
    """A box; ``rx`` rounds its corners."""

    x: float
    y: float
    width: float
    height: float
    rx: float = 0.0


@dataclass
class Ellipse(ShapeStyle):
    """A circle or an ellipse centred on ``(cx, cy)``."""

    cx: float
    cy: float
    rx: float
    ry: float


@dataclass
class Polygon(ShapeStyle):
    """A closed polygon (gateway diamonds, arrow heads, markers)."""

    points: list[Point]


@dataclass
class Line(LineStyle):
    """An open polyline (flows, marker strokes)."""

    points: list[Point]


@dataclass
class Text:
    """One or more lines of text; ``(x, y)`` is the anchor of the block's middle line.

    ``anchor`` is ``"start"``, ``"middle"`` or ``"end"``; ``rotate`` turns the block by
    that many degrees around ``(x, y)`` (-90: reads upwards, for pool and lane titles).
    """

    x: float
    y: float
    lines: list[str]
    size: float = 11.0
    anchor: str = "middle"
    weight: str = "normal"
    fill: str = "#222222"
    rotate: float = 0.0
    cls: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.lines, str):
            self.lines = self.lines.split("\n")


@dataclass
class Group:
    """A group of items: one diagram element, a lane, the colour bar ...

    ``cls`` becomes the SVG ``class``; ``data`` becomes ``data-*`` attributes (e.g.
    ``data-id``, the element id, which the HTML report's tooltips read); ``title`` becomes
    the SVG ``<title>`` (a browser shows it on hover).
    """

    cls: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    items: list[Item] = field(default_factory=list)

    def add(self, item: _I) -> _I:
        """Append ``item`` and return it."""
        self.items.append(item)
        return item

    def walk(self):
        """Every primitive inside, nested groups included, in drawing order."""
        for item in self.items:
            if isinstance(item, Group):
                yield from item.walk()
            else:
                yield item


Item = Rect | Ellipse | Polygon | Line | Text | Group
_I = TypeVar("_I", Rect, Ellipse, Polygon, Line, Text, Group)


@dataclass
class Drawing:
    """A picture: the visible area ``(x, y, width, height)`` and its groups.

    ``background`` fills the whole area (``None``: transparent). ``font`` is the CSS font
    family of every text.
    """

    x: float
    y: float
    width: float
    height: float
    items: list[Item] = field(default_factory=list)
    background: str | None = "#ffffff"
    font: str = "Helvetica, Arial, sans-serif"
    title: str | None = None

    def add(self, item: _I) -> _I:
        """Append ``item`` and return it."""
        self.items.append(item)
        return item

    def groups(self, cls: str | None = None) -> list[Group]:
        """Every group (nested ones too), optionally only those whose class includes
        ``cls``."""
        out: list[Group] = []

        def visit(items) -> None:
            for it in items:
                if isinstance(it, Group):
                    if cls is None or (it.cls and cls in it.cls.split()):
                        out.append(it)
                    visit(it.items)

        visit(self.items)
        return out

    # -- output ----------------------------------------------------------------------------
    def to_svg(self, *, width: float | None = None, css: str | None = None,
               svg_id: str | None = None) -> str:
        """The drawing as a standalone SVG document (text).

        ``width`` sets the displayed width (the height follows); by default the SVG is shown
        at its natural size. ``css`` goes into a ``<style>`` element; ``svg_id`` becomes the
        root's ``id``.
        """
        w = width if width is not None else self.width
        h = self.height * (w / self.width) if self.width else self.height
        attrs = {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"{_n(self.x)} {_n(self.y)} {_n(self.width)} {_n(self.height)}",
            "width": _n(w), "height": _n(h),
            "font-family": self.font,
            "role": "img",
        }
        if svg_id:
            attrs["id"] = svg_id
        out = ["<svg " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + ">"]
        if self.title:
            out.append(f"<title>{escape(self.title)}</title>")
        if css:
            out.append(f"<style>{escape(css)}</style>")
        if self.background:
            out.append(f'<rect x="{_n(self.x)}" y="{_n(self.y)}" width="{_n(self.width)}" '
                       f'height="{_n(self.height)}" fill={quoteattr(self.background)}/>')
        for item in self.items:
            _svg_item(item, out)
        out.append("</svg>")
        return "\n".join(out) + "\n"

    def to_png(self, path=None, *, scale: float = 1.0) -> bytes:
        """The drawing as PNG bytes, drawn with matplotlib; written to ``path`` when given
        (atomically). ``scale`` 2 doubles the resolution."""
        from bpsim.render.raster import to_png

        return to_png(self, path, scale=scale)

    def save(self, path) -> None:
        """Write ``.svg`` or ``.png`` by the file's suffix (atomically)."""
        from pathlib import Path

        from bpsim._atomic import write_text

        suffix = Path(path).suffix.lower()
        if suffix == ".svg":
            write_text(path, self.to_svg())
        elif suffix == ".png":
            self.to_png(path)
        else:
            raise ValueError(f"a drawing is saved as .svg or .png, not {suffix or path!r}")


# -- helpers -----------------------------------------------------------------------------------
def text_width(text: str, size: float) -> float:
    """Rough width of ``text`` in pixels at font ``size`` (Helvetica-like average)."""
    wide = sum(1 for c in text if c in "MWmw@%")
    narrow = sum(1 for c in text if c in "il.,:;'|!()[]ftjrI ")
    return size * (0.56 * len(text) + 0.3 * wide - 0.26 * narrow)


def arrow_head(tip: Point, before: Point, length: float = 10.0, width: float = 7.0
               ) -> list[Point]:
    """The triangle of an arrow head pointing at ``tip`` from the direction of ``before``."""
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    px, py = -uy * width / 2, ux * width / 2
    return [tip, (bx + px, by + py), (bx - px, by - py)]


def _n(v: float) -> str:
    """A coordinate for SVG: at most two decimals, no trailing zeros."""
    text = f"{float(v):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _paint(item: LineStyle) -> str:
    fill = item.fill if isinstance(item, ShapeStyle) else None
    parts = [f"fill={quoteattr(fill or 'none')}"]
    parts.append(f"stroke={quoteattr(item.stroke or 'none')}")
    if item.stroke:
        parts.append(f'stroke-width="{_n(item.stroke_width)}"')
    if item.dash:
        parts.append(f"stroke-dasharray={quoteattr(item.dash)}")
    if item.opacity != 1.0:
        parts.append(f'opacity="{_n(item.opacity)}"')
    if item.cls:
        parts.append(f"class={quoteattr(item.cls)}")
    return " ".join(parts)


def _points(points: list[Point]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _svg_item(item: Item, out: list[str]) -> None:
    if isinstance(item, Group):
        attrs = []
        if item.cls:
            attrs.append(f"class={quoteattr(item.cls)}")
        for k, v in item.data.items():
            attrs.append(f"data-{k}={quoteattr(str(v))}")
        out.append("<g" + ("" if not attrs else " " + " ".join(attrs)) + ">")
        if item.title:
            out.append(f"<title>{escape(item.title)}</title>")
        for child in item.items:
            _svg_item(child, out)
        out.append("</g>")
    elif isinstance(item, Rect):
        rx = f' rx="{_n(item.rx)}"' if item.rx else ""
        out.append(f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.width)}" '
                   f'height="{_n(item.height)}"{rx} {_paint(item)}/>')
    elif isinstance(item, Ellipse):
        if item.rx == item.ry:
            out.append(f'<circle cx="{_n(item.cx)}" cy="{_n(item.cy)}" r="{_n(item.rx)}" '
                       f'{_paint(item)}/>')
        else:
            out.append(f'<ellipse cx="{_n(item.cx)}" cy="{_n(item.cy)}" rx="{_n(item.rx)}" '
                       f'ry="{_n(item.ry)}" {_paint(item)}/>')
    elif isinstance(item, Polygon):
        out.append(f'<polygon points="{_points(item.points)}" {_paint(item)}/>')
    elif isinstance(item, Line):
        out.append(f'<polyline points="{_points(item.points)}" {_paint(item)} '
                   'stroke-linejoin="round" stroke-linecap="round"/>')
    elif isinstance(item, Text):
        out.append(_svg_text(item))


def _svg_text(t: Text) -> str:
    n = len(t.lines)
    lead = t.size * 1.2
    first = t.y - (n - 1) * lead / 2
    attrs = [f'x="{_n(t.x)}"', f'y="{_n(first)}"', f'font-size="{_n(t.size)}"',
             f'text-anchor="{t.anchor}"', 'dominant-baseline="central"',
             f"fill={quoteattr(t.fill)}"]
    if t.weight != "normal":
        attrs.append(f'font-weight="{t.weight}"')
    if t.rotate:
        attrs.append(f'transform="rotate({_n(t.rotate)} {_n(t.x)} {_n(t.y)})"')
    if t.cls:
        attrs.append(f"class={quoteattr(t.cls)}")
    if n == 1:
        return f"<text {' '.join(attrs)}>{escape(t.lines[0])}</text>"
    spans = "".join(
        f'<tspan x="{_n(t.x)}" dy="{_n(0 if i == 0 else lead)}">{escape(line)}</tspan>'
        for i, line in enumerate(t.lines))
    return f"<text {' '.join(attrs)}>{spans}</text>"
