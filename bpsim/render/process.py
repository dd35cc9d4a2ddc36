"""Draw a process as BPMN: pools, lanes, tasks, events, gateways and flows, with figures.

:func:`draw_process` turns a :class:`~bpsim.model.Process` into a
:class:`~bpsim.render.scene.Drawing`, placing every shape where the user drew it (the BPMN
diagram interchange or the draw.io geometry, in :attr:`Process.diagram`); a process without
a drawing gets bpsim's own layout (:func:`bpsim.modeling.layout`). An :class:`Overlay` colours
shapes, adds a figure badge, a tooltip and ``data-*`` attributes per element, sets each
flow's width (e.g. by how often tickets took it), and adds a colour bar and a legend below.

Each flow node is one group ``<g class="node ..." data-id="ID">``; each sequence flow
``<g class="flow" data-id="ID">``; message flows ``class="message-flow"``; pools and lanes
``class="pool"`` / ``class="lane"``. Nodes hidden inside a collapsed sub-process are not
drawn (as in a modeller).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

from bpsim.model import (
    ACTIVITY_TYPES,
    EVENT_TYPES,
    GATEWAY_TYPES,
    SUBPROCESS_TYPES,
    Bounds,
    Diagram,
    Process,
)
from bpsim.render.colors import ColorScale, colorbar
from bpsim.render.scene import (
    Drawing,
    Ellipse,
    Group,
    Line,
    Polygon,
    Rect,
    Text,
    arrow_head,
    text_width,
)
from bpsim.render.symbols import draw_activity, draw_event, draw_gateway

__all__ = ["Overlay", "draw_process", "diagram_of", "visible_nodes"]

INK = "#222222"
POOL_FILL = "#ffffff"
LANE_FILL = "#fbfbfb"
HEADER_FILL = "#f0f0f0"
FLOW_INK = "#444444"
MESSAGE_INK = "#555555"


@dataclass
class Overlay:
    """What to draw on top of the plain process (every field optional).

    ``fill``/``stroke``: element id -> colour; ``badge``: element id -> a short figure drawn
    beside the shape ("72 %", "2.3 h"); ``title``: element id -> tooltip text (SVG
    ``<title>``); ``data``: element id -> extra ``data-*`` attributes; ``flow_width``: flow id
    -> stroke width in pixels; ``flow_label``: flow id -> text at the flow's middle (e.g. how
    many tickets took it); ``scale``: a :class:`ColorScale` drawn as the colour bar;
    ``legend``: ``(swatch fill, text)`` pairs drawn beside it (fill ``None``: a line swatch);
    ``caption``: one line of text above the colour bar.
    """

    fill: dict[str, str] = field(default_factory=dict)
    stroke: dict[str, str] = field(default_factory=dict)
    badge: dict[str, str] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)
    data: dict[str, dict[str, str]] = field(default_factory=dict)
    flow_width: dict[str, float] = field(default_factory=dict)
    flow_label: dict[str, str] = field(default_factory=dict)
    scale: ColorScale | None = None
    legend: list[tuple[str | None, str]] = field(default_factory=list)
    caption: str | None = None


def diagram_of(process: Process) -> Diagram:
    """The diagram to draw: the file's own when it places every visible node, otherwise
    bpsim's layout (which keeps what the file has and places the rest)."""
    d = process.diagram
    visible = visible_nodes(process, d)
    if d and all(n in d.shapes for n in visible):
        if all(f.id in d.edges for f in process.flows.values()):
            return d
    from bpsim.modeling.layout import layout

    return layout(process)


def visible_nodes(process: Process, diagram: Diagram | None = None) -> list[str]:
    """Flow nodes a modeller shows: all but those inside a collapsed sub-process."""
    d = diagram if diagram is not None else process.diagram
    g = process.graph
    collapsed = {n for n, t in g.nodes(data="type")
                 if t in SUBPROCESS_TYPES and not _expanded(process, d, n)}
    out = []
    for n in g.nodes:
        p, hidden = g.nodes[n].get("parent"), False
        seen = 0
        while p is not None and p in g and seen < 64:
            if p in collapsed:
                hidden = True
                break
            p, seen = g.nodes[p].get("parent"), seen + 1
        if not hidden:
            out.append(n)
    return out


def _expanded(process: Process, d: Diagram, sub: str) -> bool:
    flag = d.expanded.get(sub)
    if flag is not None:
        return flag
    box = d.shapes.get(sub)
    kids = [d.shapes.get(c) for c in process.children(sub)]
    if box is None or not kids or any(k is None for k in kids):
        return False
    return all(_inside(k, box) for k in kids if k is not None)


def _inside(inner: Bounds, outer: Bounds, slack: float = 2.0) -> bool:
    return (inner.x >= outer.x - slack and inner.y >= outer.y - slack
            and inner.x + inner.width <= outer.x + outer.width + slack
            and inner.y + inner.height <= outer.y + outer.height + slack)


def draw_process(process: Process, overlay: Overlay | None = None, *,
                 diagram: Diagram | None = None, title: str | None = None,
                 margin: float = 24.0) -> Drawing:
    """Draw ``process`` (with ``overlay``'s colours and figures) as a :class:`Drawing`.

    Parameters
    ----------
    process : Process
        A process read from BPMN or draw.io, or built in Python.
    overlay : Overlay, optional
        Colours, badges, tooltips and flow widths; none: the plain process.
    diagram : Diagram, optional
        Where shapes go; default :func:`diagram_of` (the file's drawing or bpsim's layout).
    title : str, optional
        Printed above the drawing.
    margin : float
        Empty border around the content, in pixels.
    """
    ov = overlay or Overlay()
    d = diagram if diagram is not None else diagram_of(process)
    g = process.graph
    nodes = [n for n in visible_nodes(process, d) if n in d.shapes]
    boxes = _content_boxes(process, d, nodes)
    if boxes:
        x0 = min(b.x for b in boxes)
        y0 = min(b.y for b in boxes)
        x1 = max(b.x + b.width for b in boxes)
        y1 = max(b.y + b.height for b in boxes)
    else:
        x0 = y0 = 0.0
        x1, y1 = 200.0, 60.0
    for pts in d.edges.values():
        for px, py in pts:
            x0, y0, x1, y1 = min(x0, px), min(y0, py), max(x1, px), max(y1, py)
    top = y0 - margin - (28 if title else 0) - 14  # badges above the top row
    drawing = Drawing(x0 - margin, top, 0, 0, title=title or process.name)
    if title:
        drawing.add(Text(x0, y0 - margin - 14, [title], size=15, anchor="start",
                         weight="bold"))

    # containers first (pools, lanes, expanded sub-processes), then flows, then shapes
    for pid, part in process.participants.items():
        if pid in d.shapes:
            drawing.add(_container(pid, part.name, d.shapes[pid], "pool",
                                   d.horizontal.get(pid, True), ov, POOL_FILL, 30.0))
    for lid, lane in process.lanes.items():
        if lid in d.shapes:
            drawing.add(_container(lid, lane.name, d.shapes[lid], "lane",
                                   d.horizontal.get(lid, True), ov, LANE_FILL, 30.0))
    for aid, art in process.artifacts.items():
        if art.get("type") == "group" and aid in d.shapes:
            b = d.shapes[aid]
            grp = drawing.add(Group(cls="artifact group", data={"id": aid}))
            grp.add(Rect(b.x, b.y, b.width, b.height, rx=10, fill=None, stroke="#777777",
                         stroke_width=1.2, dash="8 3 1 3"))
            if art.get("name"):
                grp.add(Text(b.x + b.width / 2, b.y + 10, [art["name"]], size=10))
    subs = [n for n in nodes if g.nodes[n].get("type") in SUBPROCESS_TYPES
            and _expanded(process, d, n)]
    subs.sort(key=lambda n: _depth(process, n))
    for n in subs:
        drawing.add(_node(process, n, d.shapes[n], ov, expanded=True))

    for f in process.flows.values():
        way = d.edges.get(f.id)
        if way and len(way) >= 2 and f.source in nodes and f.target in nodes:
            drawing.add(_flow(process, f.id, way, ov, default=f.default, name=f.name))
    for aid, art in process.artifacts.items():
        way = d.edges.get(aid)
        if way and len(way) >= 2 and "ssociation" in str(art.get("type")):
            grp = drawing.add(Group(cls="association", data={"id": aid}))
            grp.add(Line(list(way), stroke="#777777", stroke_width=1, dash="2 3"))
    for aid, art in process.artifacts.items():
        if aid in d.shapes and art.get("type") in ("textAnnotation", "dataObjectReference",
                                                   "dataStoreReference", "dataObject"):
            drawing.add(_artifact(aid, art, d.shapes[aid]))

    for n in nodes:
        if n in subs:
            continue
        t = g.nodes[n].get("type")
        if t == "boundaryEvent":
            continue
        drawing.add(_node(process, n, d.shapes[n], ov))
    for n in nodes:  # boundary events on top of their hosts
        if g.nodes[n].get("type") == "boundaryEvent":
            drawing.add(_node(process, n, d.shapes[n], ov))

    for m in process.message_flows.values():
        way = d.edges.get(m.id)
        if way and len(way) >= 2:
            drawing.add(_message_flow(m.id, m.name, way, ov))

    bottom = y1 + margin
    right = x1 + margin
    if ov.scale is not None or ov.legend or ov.caption:
        key, kh, kw = _key(ov, x0, bottom)
        drawing.add(key)
        bottom += kh + margin / 2
        right = max(right, x0 + kw + margin)
    drawing.width = right - drawing.x
    drawing.height = bottom - drawing.y
    return drawing


# -- pieces ------------------------------------------------------------------------------------
def _depth(process: Process, n: str) -> int:
    depth, p = 0, process.graph.nodes[n].get("parent")
    while p is not None and p in process.graph and depth < 64:
        depth, p = depth + 1, process.graph.nodes[p].get("parent")
    return depth


def _content_boxes(process: Process, d: Diagram, nodes: Iterable[str]) -> list[Bounds]:
    boxes = [d.shapes[n] for n in nodes]
    boxes += [d.shapes[k] for k in list(process.participants) + list(process.lanes)
              if k in d.shapes]
    boxes += [d.shapes[k] for k in process.artifacts if k in d.shapes]
    return boxes


def _wrap(text: str | None, width: float, size: float, max_lines: int = 4) -> list[str]:
    if not text:
        return []
    chars = max(4, int(width / (size * 0.56)))
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        lines += textwrap.wrap(para, chars, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, chars - 1)].rstrip() + "…"
    return lines


def _container(cid: str, name: str | None, b: Bounds, kind: str, horizontal: bool,
               ov: Overlay, fill: str, header: float) -> Group:
    grp = Group(cls=kind, data={"id": cid, **ov.data.get(cid, {})}, title=ov.title.get(cid))
    grp.add(Rect(b.x, b.y, b.width, b.height, fill=ov.fill.get(cid, fill),
                 stroke=ov.stroke.get(cid, INK), stroke_width=1.2 if kind == "pool" else 0.8))
    label = name or ""
    if horizontal:
        hw = min(header, b.width)
        grp.add(Rect(b.x, b.y, hw, b.height, fill=HEADER_FILL if kind == "pool" else "#f6f6f6",
                     stroke=INK, stroke_width=0.8))
        lines = _wrap(label, max(b.height - 10, 20), 11, 2)
        if lines:
            grp.add(Text(b.x + hw / 2, b.y + b.height / 2, lines, size=11, rotate=-90,
                         weight="bold" if kind == "pool" else "normal"))
    else:
        hh = min(header, b.height)
        grp.add(Rect(b.x, b.y, b.width, hh, fill=HEADER_FILL, stroke=INK, stroke_width=0.8))
        lines = _wrap(label, max(b.width - 10, 20), 11, 2)
        if lines:
            grp.add(Text(b.x + b.width / 2, b.y + hh / 2, lines, size=11,
                         weight="bold" if kind == "pool" else "normal"))
    return grp


def _node(process: Process, n: str, b: Bounds, ov: Overlay, expanded: bool = False) -> Group:
    attrs = process.graph.nodes[n]
    t = attrs.get("type") or "task"
    kind = ("event" if t in EVENT_TYPES else "gateway" if t in GATEWAY_TYPES
            else "activity" if t in ACTIVITY_TYPES else "other")
    grp = Group(cls=f"node {kind} {t}", data={"id": n, "type": t, **ov.data.get(n, {})},
                title=ov.title.get(n) or attrs.get("name") or n)
    fill = ov.fill.get(n, "#ffffff")
    stroke = ov.stroke.get(n, INK)
    name = attrs.get("name")
    text_ink = ColorScale.text_color(fill) if n in ov.fill else INK
    if kind == "event":
        draw_event(grp, attrs, b, fill, stroke)
        _below_label(grp, name, b)
    elif kind == "gateway":
        draw_gateway(grp, t, attrs, b, fill, stroke)
        _below_label(grp, name, b)
    else:
        draw_activity(grp, t, attrs, b, fill, stroke, expanded)
        if expanded:
            lines = _wrap(name, b.width - 16, 11, 2)
            if lines:
                grp.add(Text(b.x + 8, b.y + 10 + 6 * (len(lines) - 1), lines, size=11,
                             anchor="start", fill=INK))
        else:
            lines = _wrap(name, b.width - 10, 11, max(1, int((b.height - 14) / 13)))
            if lines:
                grp.add(Text(b.x + b.width / 2, b.y + b.height / 2, lines, size=11,
                             fill=text_ink))
    badge = ov.badge.get(n)
    if badge:
        _badge(grp, badge, b, kind, fill if n in ov.fill else None)
    return grp


def _badge(grp: Group, text: str, b: Bounds, kind: str, fill: str | None) -> None:
    size = 10.0
    w = text_width(text, size) + 10
    h = 15.0
    if kind == "activity":
        x, y = b.x + b.width - w + 6, b.y - h + 4
    else:
        x, y = b.x + b.width / 2 - w / 2, b.y - h - 2
    grp.add(Rect(x, y, w, h, rx=7, fill="#ffffff", stroke=fill and _darker(fill) or "#666666",
                 stroke_width=1.0, cls="badge"))
    grp.add(Text(x + w / 2, y + h / 2, [text], size=size, weight="bold", cls="badge-text"))


def _darker(fill: str) -> str:
    h = fill.lstrip("#")
    try:
        r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#666666"
    return f"#{int(r * 0.6):02x}{int(g * 0.6):02x}{int(b * 0.6):02x}"


def _below_label(grp: Group, name: str | None, b: Bounds) -> None:
    lines = _wrap(name, max(90.0, b.width * 2), 10, 3)
    if lines:
        cy = b.y + b.height + 6 + len(lines) * 6
        grp.add(Text(b.x + b.width / 2, cy, lines, size=10))


def _flow(process: Process, fid: str, pts, ov: Overlay, default: bool, name: str | None
          ) -> Group:
    width = float(ov.flow_width.get(fid, 1.3))
    ink = ov.stroke.get(fid, FLOW_INK)
    grp = Group(cls="flow", data={"id": fid, **ov.data.get(fid, {})},
                title=ov.title.get(fid) or name)
    pts = [(float(x), float(y)) for x, y in pts]
    head = 8.0 + width * 1.6
    tip, before = pts[-1], pts[-2]
    seg = math.hypot(tip[0] - before[0], tip[1] - before[1]) or 1.0
    cut = min(head * 0.8, seg)
    end = (tip[0] - (tip[0] - before[0]) * cut / seg, tip[1] - (tip[1] - before[1]) * cut / seg)
    grp.add(Line(pts[:-1] + [end], stroke=ink, stroke_width=width))
    grp.add(Polygon(arrow_head(tip, before, head, head * 0.75), fill=ink, stroke=None))
    if default:
        (ax, ay), (bx, by) = pts[0], pts[1]
        seg0 = math.hypot(bx - ax, by - ay) or 1.0
        ux, uy = (bx - ax) / seg0, (by - ay) / seg0
        mx, my = ax + ux * 10, ay + uy * 10
        grp.add(Line([(mx - 5 * ux + 5 * uy, my - 5 * uy - 5 * ux),
                      (mx + 5 * ux - 5 * uy, my + 5 * uy + 5 * ux)], stroke=ink,
                     stroke_width=1.3))
    label = ov.flow_label.get(fid)
    texts = [t for t in (name, label) if t]
    if texts:
        mx, my = _midpoint(pts)
        lines = []
        for t in texts:
            lines += _wrap(t, 110, 9.5, 2)
        w = max(text_width(s, 9.5) for s in lines) + 6
        grp.add(Rect(mx - w / 2, my - 6.5 * len(lines) - 1, w, 13 * len(lines) + 2, rx=3,
                     fill="#ffffff", stroke=None, opacity=0.85))
        grp.add(Text(mx, my, lines, size=9.5, fill="#333333"))
    return grp


def _midpoint(pts) -> tuple[float, float]:
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(pts, pts[1:])]
    half = sum(lengths) / 2
    for (a, b), seg in zip(zip(pts, pts[1:]), lengths):
        if half <= seg and seg > 0:
            f = half / seg
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        half -= seg
    return pts[len(pts) // 2]


def _message_flow(mid: str, name: str | None, pts, ov: Overlay) -> Group:
    grp = Group(cls="message-flow", data={"id": mid}, title=ov.title.get(mid) or name)
    pts = [(float(x), float(y)) for x, y in pts]
    grp.add(Line(pts[:-1] + [pts[-1]], stroke=MESSAGE_INK, stroke_width=1.2, dash="7 4"))
    grp.add(Ellipse(pts[0][0], pts[0][1], 3.5, 3.5, fill="#ffffff", stroke=MESSAGE_INK,
                    stroke_width=1))
    grp.add(Polygon(arrow_head(pts[-1], pts[-2], 10, 8), fill="#ffffff", stroke=MESSAGE_INK,
                    stroke_width=1))
    if name:
        mx, my = _midpoint(pts)
        grp.add(Text(mx + 4, my, _wrap(name, 100, 9.5, 2), size=9.5, anchor="start",
                     fill="#333333"))
    return grp


def _artifact(aid: str, art: dict, b: Bounds) -> Group:
    t = art.get("type")
    grp = Group(cls=f"artifact {t}", data={"id": aid})
    if t == "textAnnotation":
        grp.add(Rect(b.x, b.y, b.width, b.height, fill="#ffffff", stroke=None, opacity=0.7))
        grp.add(Line([(b.x + 12, b.y), (b.x, b.y), (b.x, b.y + b.height),
                      (b.x + 12, b.y + b.height)], stroke="#666666", stroke_width=1.2))
        lines = _wrap(art.get("text") or art.get("name"), b.width - 8, 10,
                      max(1, int(b.height / 12)))
        if lines:
            grp.add(Text(b.x + 5, b.y + b.height / 2, lines, size=10, anchor="start"))
    elif t == "dataStoreReference":
        grp.add(Rect(b.x, b.y + 5, b.width, b.height - 10, fill="#ffffff", stroke=INK))
        grp.add(Ellipse(b.x + b.width / 2, b.y + 5, b.width / 2, 5, fill="#ffffff", stroke=INK))
        grp.add(Ellipse(b.x + b.width / 2, b.y + b.height - 5, b.width / 2, 5, fill="#ffffff",
                        stroke=INK))
        grp.add(Rect(b.x + 0.8, b.y + b.height - 12, b.width - 1.6, 7, fill="#ffffff",
                     stroke=None))
        _below_label(grp, art.get("name"), b)
    else:
        fold = min(10.0, b.width / 3)
        grp.add(Polygon([(b.x, b.y), (b.x + b.width - fold, b.y), (b.x + b.width, b.y + fold),
                         (b.x + b.width, b.y + b.height), (b.x, b.y + b.height)],
                        fill="#ffffff", stroke=INK))
        grp.add(Line([(b.x + b.width - fold, b.y), (b.x + b.width - fold, b.y + fold),
                      (b.x + b.width, b.y + fold)], stroke=INK))
        _below_label(grp, art.get("name"), b)
    return grp


def _key(ov: Overlay, x: float, y: float) -> tuple[Group, float, float]:
    """Colour bar, legend and caption below the drawing: (group, height, width)."""
    g = Group(cls="key")
    h = 0.0
    w = 0.0
    if ov.caption:
        g.add(Text(x, y + 8, [ov.caption], size=11, anchor="start", fill="#333333"))
        h += 22
        w = max(w, text_width(ov.caption, 11))
    cx = x
    if ov.scale is not None:
        g.add(colorbar(ov.scale, x, y + h + 18))
        cx = x + 300
        w = max(w, 280)
    ly = y + h + 10
    for fill, text in ov.legend:
        if fill is None:
            g.add(Line([(cx, ly), (cx + 24, ly)], stroke=FLOW_INK, stroke_width=1.3))
            g.add(Line([(cx + 30, ly), (cx + 54, ly)], stroke=FLOW_INK, stroke_width=6))
            tx = cx + 62
        else:
            g.add(Rect(cx, ly - 6, 18, 12, rx=3, fill=fill, stroke="#888888"))
            tx = cx + 26
        g.add(Text(tx, ly, [text], size=10.5, anchor="start"))
        w = max(w, tx - x + text_width(text, 10.5))
        ly += 18
    h += max(52.0 if ov.scale is not None else 0.0, ly - (y + h) + 4)
    return g, h, w
