"""Draw the service blueprint: SVG, draw.io and a self-contained HTML page.

``bpsim blueprint MODEL [--scenario S.yaml] -o blueprint.svg|.drawio|.html`` calls
:func:`write_blueprint`. The grid comes from :mod:`bpsim.experience.grid`; the SVG is built
from :mod:`bpsim.render`'s primitives; the draw.io file uses the BPMN shapes of
:mod:`bpsim.io.drawio_writer` (same styles, so draw.io shows tasks, events and gateways as
it does for any bpsim export) and real edges between the element cells, so every box and
arrow can be moved and edited in draw.io. With results (a scenario was simulated) two rows
are added under the grid: each phase's **customer time** (mean ± 95 % CI, with how much of it
was the customer's own effort and how much was waiting, visible or hidden) and the
**emotional thermometer** (the phase's satisfaction score on the CSAT scale, a line from
phase to phase, red when low, green when high).
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from bpsim._names import first_free
from bpsim.experience.blueprint import Blueprint
from bpsim.experience.grid import HEADER, LEFT, TOP, Grid, layout_grid
from bpsim.model import ACTIVITY_TYPES, EVENT_TYPES, GATEWAY_TYPES, Bounds
from bpsim.render import Drawing, Ellipse, Group, Line, Polygon, Rect, Text, arrow_head, text_width

__all__ = ["PhaseFigures", "phase_figures", "blueprint_drawing", "blueprint_drawio",
           "blueprint_html", "write_blueprint"]

_LAYER_FILL = {"evidence": "#f7f7f7", "customer": "#eaf3fb", "frontstage": "#eef8ec",
               "backstage": "#fdf5e6", "support": "#f3eefa"}
_LINE_COLOUR = {"line of interaction": "#1f77b4", "line of visibility": "#2ca02c",
                "line of internal interaction": "#9467bd"}
_TOUCH = "#d62728"
FIGURE_ROWS = 190.0


@dataclass
class PhaseFigures:
    """What the drawing says about one phase (from a simulation)."""

    phase: str
    time: float
    time_ci: float
    effort: float
    visible: float
    hidden: float
    touchpoints: float
    updates: float
    score: float
    score_ci: float
    points_lost: float
    reason: str | None


def phase_figures(results) -> tuple[list[PhaseFigures], int, float]:
    """Per phase figures of a :class:`~bpsim.analysis.Results`, the CSAT scale and the
    overall CSAT."""
    from bpsim.experience.satisfaction import DRIVERS

    ex = results.experience
    j = ex.journey.set_index("phase")
    s = ex.satisfaction
    ph = s.loc[s["scope"] == "phase"].set_index("name")
    out = []
    for name in j.index:
        if name == "end to end" and len(j) > 1:
            continue
        r = j.loc[name]
        q = ph.loc[name] if name in ph.index else None
        out.append(PhaseFigures(
            str(name), float(r["customer_time_mean"]), float(r["customer_time_ci95"]),
            float(r["effort_mean"]), float(r["visible_wait_mean"]), float(r["hidden_wait_mean"]),
            float(r["touchpoints_mean"]), float(r["updates_mean"]),
            float(q["phase_score"]) if q is not None else math.nan,
            float(q["phase_score_ci95"]) if q is not None else math.nan,
            float(q["points_lost"]) if q is not None else math.nan,
            DRIVERS.get(q["main_driver"]) if q is not None and isinstance(q["main_driver"], str)
            else None))
    return out, ex.params.scale, ex.csat


def _colour(score: float, scale: int) -> str:
    """Red (1) .. yellow .. green (scale)."""
    if score is None or math.isnan(score):
        return "#bbbbbb"
    t = min(max((score - 1) / max(scale - 1, 1), 0.0), 1.0)
    stops = [(0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80))]
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        if t <= t1:
            k = (t - t0) / (t1 - t0)
            rgb = [round(a + (b - a) * k) for a, b in zip(c0, c1)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#1a9850"


def _fmt_time(seconds: float) -> str:
    from bpsim.report.format import fmt_duration

    return fmt_duration(seconds)


def _wrap(text: str | None, width: float, size: float, max_lines: int = 3) -> list[str]:
    words = " ".join(str(text or "").split()).split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        trial = (cur + " " + w).strip()
        if text_width(trial, size) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".") + "…"
    return lines or [""]


def _clip(b: Bounds, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the segment from ``b``'s centre towards ``toward`` leaves the box."""
    cx, cy = b.center
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = (b.width / 2) / abs(dx) if dx else math.inf
    sy = (b.height / 2) / abs(dy) if dy else math.inf
    s = min(sx, sy, 1.0)
    return cx + dx * s, cy + dy * s


def _flows(bp: Blueprint, grid: Grid
           ) -> list[tuple[str, str, str, str | None, bool, bool | Literal["association"]]]:
    """``(id, source, target, name, touchpoint, message)`` for flows between drawn elements.

    ``message`` is True for a message flow, False for a sequence flow and ``"association"``
    for an association of evidence with a task.
    """
    touch = {c.flow for c in bp.crossings if c.touchpoint}
    out: list[tuple[str, str, str, str | None, bool, bool | Literal["association"]]] = []
    for f in bp.process.flows.values():
        if f.source in grid.boxes and f.target in grid.boxes:
            out.append((f.id, f.source, f.target, f.name, f.id in touch, False))
    for m in bp.process.message_flows.values():
        if m.source in grid.boxes and m.target in grid.boxes:
            out.append((m.id, m.source, m.target, m.name, m.id in touch, True))
    for aid, art in bp.process.artifacts.items():  # evidence produced by / used in a task
        if art.get("type") in ("dataInputAssociation", "dataOutputAssociation", "association"):
            ends = [e for e in (art.get("sourceRef"), art.get("targetRef"), art.get("activity"))
                    if e in grid.boxes]
            if len(ends) == 2 and ends[0] != ends[1]:
                out.append((aid, ends[0], ends[1], None, False, "association"))
    return out


# -- SVG -------------------------------------------------------------------------------------
def blueprint_drawing(bp: Blueprint, results=None, *, title: str | None = None) -> Drawing:
    """The blueprint as a :class:`bpsim.render.Drawing` (SVG / PNG)."""
    figures = phase_figures(results) if results is not None else None
    grid = layout_grid(bp, figure_rows=FIGURE_ROWS if figures else 0.0)
    p = bp.process
    name = title or f"Service blueprint: {p.name or p.source or 'process'}"
    d = Drawing(0.0, 0.0, grid.width, grid.height, title=name)
    d.add(Text(12, 22, [name], size=15, anchor="start", weight="bold"))
    head = Group(cls="phases")
    for c in grid.columns:
        head.add(Rect(c.x, TOP, c.width, HEADER, fill="#33475b", stroke="#ffffff"))
        head.add(Text(c.x + c.width / 2, TOP + HEADER / 2, _wrap(c.name, c.width - 10, 12, 1),
                      size=12, weight="bold", fill="#ffffff"))
    d.add(head)
    right = grid.columns[-1].x + grid.columns[-1].width
    for r in grid.rows:
        band = Group(cls="row line" if r.line else "row", data={"row": r.key})
        if r.line:
            y = r.y + r.height / 2
            band.add(Line([(LEFT - 8, y), (right, y)], stroke=_LINE_COLOUR[r.key],
                          stroke_width=1.5, dash="8 5"))
            band.add(Text(LEFT - 12, y, [r.title], size=10, anchor="end",
                          fill=_LINE_COLOUR[r.key]))
        else:
            band.add(Rect(LEFT, r.y, right - LEFT, r.height, fill=_LAYER_FILL[r.key],
                          stroke="#d0d0d0"))
            band.add(Text(LEFT - 12, r.y + r.height / 2, _wrap(r.title, 150, 12, 2), size=12,
                          anchor="end", weight="bold"))
            for c in grid.columns[1:]:
                band.add(Line([(c.x, r.y), (c.x, r.y + r.height)], stroke="#d0d0d0"))
        d.add(band)
    flows = Group(cls="flows")
    for fid, s, t, _name, touch, message in _flows(bp, grid):
        bs, bt = grid.boxes[s], grid.boxes[t]
        a = _clip(bs, bt.center)
        b = _clip(bt, bs.center)
        colour = _TOUCH if touch else "#8a8a8a"
        g = Group(cls="flow touchpoint" if touch else "flow", data={"id": fid})
        dash = "2 4" if message == "association" else ("7 4" if message else None)
        g.add(Line([a, b], stroke=colour, stroke_width=2.0 if touch else 1.1, dash=dash))
        if message != "association":
            g.add(Polygon(arrow_head(b, a, 9, 6), fill=colour, stroke=colour))
        flows.add(g)
    d.add(flows)
    nodes = Group(cls="nodes")
    for e, box in grid.boxes.items():
        nodes.add(_shape(bp, e, box))
    d.add(nodes)
    if figures:
        _figure_rows(d, grid, figures[0], figures[1], figures[2])
    return d


def _shape(bp: Blueprint, e: str, b: Bounds) -> Group:
    p = bp.process
    data = p.graph.nodes[e] if e in p.graph else p.artifacts[e]
    kind = data.get("type")
    label = data.get("name") or data.get("text") or ""
    g = Group(cls=f"node {kind}", data={"id": e}, title=f"{label or e} ({kind})")
    cx, cy = b.center
    if kind in ACTIVITY_TYPES:
        g.add(Rect(b.x, b.y, b.width, b.height, rx=8, fill="#ffffff", stroke="#333333",
                   stroke_width=1.3))
        g.add(Text(cx, cy, _wrap(label, b.width - 10, 10.5), size=10.5))
    elif kind in EVENT_TYPES:
        end = kind == "endEvent"
        g.add(Ellipse(cx, cy, b.width / 2, b.height / 2, fill="#ffffff", stroke="#333333",
                      stroke_width=3.0 if end else 1.3))
        if kind == "intermediateCatchEvent" or kind == "intermediateThrowEvent":
            g.add(Ellipse(cx, cy, b.width / 2 - 3, b.height / 2 - 3, fill=None,
                          stroke="#333333"))
        g.add(Text(cx, b.y + b.height + 10, _wrap(label, 120, 9.5, 2), size=9.5))
    elif kind in GATEWAY_TYPES:
        g.add(Polygon([(cx, b.y), (b.x + b.width, cy), (cx, b.y + b.height), (b.x, cy)],
                      fill="#ffffff", stroke="#333333", stroke_width=1.3))
        mark = {"exclusiveGateway": "×", "parallelGateway": "+", "inclusiveGateway": "○",
                "eventBasedGateway": "◎", "complexGateway": "*"}.get(kind, "")
        g.add(Text(cx, cy, [mark], size=14, weight="bold"))
        if label:
            g.add(Text(cx, b.y + b.height + 10, _wrap(label, 120, 9.5, 2), size=9.5))
    elif kind in ("dataObjectReference", "dataStoreReference"):
        fold = 9.0
        g.add(Polygon([(b.x, b.y), (b.x + b.width - fold, b.y), (b.x + b.width, b.y + fold),
                       (b.x + b.width, b.y + b.height), (b.x, b.y + b.height)],
                      fill="#ffffff", stroke="#555555"))
        g.add(Text(cx, b.y + b.height + 10, _wrap(label, 125, 9.5, 2), size=9.5))
    else:  # text annotation
        g.add(Line([(b.x + 10, b.y), (b.x, b.y), (b.x, b.y + b.height), (b.x + 10,
                                                                         b.y + b.height)],
                   stroke="#555555"))
        g.add(Text(b.x + 6, cy, _wrap(label, b.width - 8, 9.5), size=9.5, anchor="start"))
    return g


def _figure_rows(d: Drawing, grid: Grid, figs: list[PhaseFigures], scale: int,
                 csat: float) -> None:
    y0 = grid.figures_y + 12
    by = {f.phase: f for f in figs}
    g = Group(cls="figures")
    g.add(Text(LEFT - 12, y0 + 30, ["Customer time", "(mean ± 95 % CI)"], size=11,
               anchor="end", weight="bold"))
    most = max([f.time for f in figs if not math.isnan(f.time)] or [1.0]) or 1.0
    for c in grid.columns:
        f = by.get(c.name)
        if f is None:
            continue
        from bpsim.report.format import fmt_pm

        g.add(Text(c.x + c.width / 2, y0 + 10, [fmt_pm(f.time, f.time_ci)], size=11,
                   weight="bold"))
        w = (c.width - 30) * (f.time / most if most else 0)
        x = c.x + 15
        for part, colour in ((f.effort, "#1f77b4"), (f.visible, "#2ca02c"),
                             (f.hidden, "#ff7f0e")):
            pw = w * (part / f.time) if f.time else 0.0
            if pw > 0:
                g.add(Rect(x, y0 + 22, pw, 12, fill=colour, stroke=None))
            x += pw
        g.add(Text(c.x + c.width / 2, y0 + 48, [
            f"own effort {_fmt_time(f.effort)} · waiting {_fmt_time(f.visible + f.hidden)}",
            f"touchpoints {f.touchpoints:.2f} · updates {f.updates:.2f}"], size=9.5,
            fill="#444444"))
    ty = y0 + 80
    th = 80.0
    g.add(Text(LEFT - 12, ty + th / 2, ["Emotional", "thermometer", f"(CSAT 1-{scale})"],
               size=11, anchor="end", weight="bold"))
    g.add(Rect(LEFT, ty, grid.columns[-1].x + grid.columns[-1].width - LEFT, th,
               fill="#fbfbfb", stroke="#d0d0d0"))

    def yy(score: float) -> float:
        return ty + th - 8 - (score - 1) / max(scale - 1, 1) * (th - 16)

    pts = []
    for c in grid.columns:
        f = by.get(c.name)
        if f is None or math.isnan(f.score):
            continue
        pts.append((c.x + c.width / 2, yy(f.score), f))
    if len(pts) > 1:
        g.add(Line([(x, y) for x, y, _ in pts], stroke="#666666", stroke_width=1.5))
    for x, y, f in pts:
        dot = Group(cls="thermometer", data={"phase": f.phase, "score": f"{f.score:.2f}"},
                    title=f"{f.phase}: score {f.score:.2f}; {f.points_lost:.2f} points lost"
                          + (f", mostly {f.reason}" if f.reason else ""))
        dot.add(Ellipse(x, y, 9, 9, fill=_colour(f.score, scale), stroke="#333333"))
        dot.add(Text(x + 14, y, [f"{f.score:.2f}"], size=10.5, anchor="start", weight="bold"))
        if f.reason and f.points_lost > 0.005:
            dot.add(Text(x, ty + th + 11, [f"-{f.points_lost:.2f}: {f.reason}"], size=9,
                         fill="#7a1f1f"))
        g.add(dot)
    if not math.isnan(csat):
        g.add(Text(12, ty + th + 11, [f"overall CSAT {csat:.2f}"], size=10, anchor="start",
                   weight="bold"))
    d.add(g)


# -- draw.io --------------------------------------------------------------------------------
def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def blueprint_drawio(bp: Blueprint, results=None) -> str:
    """The blueprint as an uncompressed draw.io document: bands and lines as plain shapes,
    the elements with draw.io's BPMN shapes (as :func:`bpsim.write_drawio` styles them) and
    the flows as edges between them, the figures as text cells."""
    from bpsim import __version__
    from bpsim.io.drawio_writer import _node_style

    figures = phase_figures(results) if results is not None else None
    grid = layout_grid(bp, figure_rows=FIGURE_ROWS if figures else 0.0)
    p = bp.process
    cells: list[Any] = []
    used: set[str] = {"0", "1"}

    def cid(base: str) -> str:
        out = first_free(base, used)
        used.add(out)
        return out

    def vertex(base: str, label: str, style: str, x: float, y: float, w: float, h: float,
               props: dict | None = None) -> str:
        i = cid(base)
        if props:
            wrap = etree.Element("object", label=label, id=i, **props)
            cell = etree.SubElement(wrap, "mxCell", style=style, vertex="1", parent="1")
            cells.append(wrap)
        else:
            cell = etree.Element("mxCell", id=i, value=label, style=style, vertex="1",
                                 parent="1")
            cells.append(cell)
        geo = etree.SubElement(cell, "mxGeometry", x=_n(x), y=_n(y), width=_n(w), height=_n(h))
        geo.set("as", "geometry")
        return i

    title = f"Service blueprint: {p.name or p.source or 'process'}"
    vertex("bp_title", html.escape(title), "text;html=1;fontSize=16;fontStyle=1;align=left;"
           "verticalAlign=middle;", 10, 8, 600, 28)
    right = grid.columns[-1].x + grid.columns[-1].width
    for c in grid.columns:
        vertex(f"phase_{c.name}", html.escape(c.name),
               "rounded=0;whiteSpace=wrap;html=1;fillColor=#33475b;fontColor=#ffffff;"
               "fontStyle=1;strokeColor=#ffffff;", c.x, TOP, c.width, HEADER,
               {"blueprintPhase": c.name})
    for r in grid.rows:
        if r.line:
            y = r.y + r.height / 2
            colour = _LINE_COLOUR[r.key]
            i = cid(f"row_{r.key.replace(' ', '_')}")
            cell = etree.Element("mxCell", id=i, value=html.escape(r.title),
                                 style=f"endArrow=none;html=1;dashed=1;strokeColor={colour};"
                                       f"fontColor={colour};fontSize=10;labelPosition=left;"
                                       "align=right;", edge="1", parent="1")
            geo = etree.SubElement(cell, "mxGeometry", relative="1")
            geo.set("as", "geometry")
            a = etree.SubElement(geo, "mxPoint", x=_n(LEFT - 8), y=_n(y))
            a.set("as", "sourcePoint")
            b = etree.SubElement(geo, "mxPoint", x=_n(right), y=_n(y))
            b.set("as", "targetPoint")
            cells.append(cell)
            vertex(f"label_{r.key.replace(' ', '_')}", html.escape(r.title),
                   f"text;html=1;align=right;fontSize=10;fontColor={colour};", 10, y - 10,
                   LEFT - 24, 20)
        else:
            vertex(f"row_{r.key}", "", f"rounded=0;html=1;fillColor={_LAYER_FILL[r.key]};"
                   "strokeColor=#d0d0d0;", LEFT, r.y, right - LEFT, r.height,
                   {"blueprintRow": r.key})
            vertex(f"label_{r.key}", html.escape(r.title),
                   "text;html=1;align=right;fontStyle=1;whiteSpace=wrap;", 10, r.y,
                   LEFT - 24, r.height)
    ids: dict[str, str] = {}
    for e, b in grid.boxes.items():
        if e in p.graph:
            data = p.graph.nodes[e]
            style, props, _ = _node_style(data, p, False)
            label = html.escape(data.get("name") or "")
        else:
            art = p.artifacts[e]
            if art.get("type") == "textAnnotation":
                style = "shape=note;html=1;whiteSpace=wrap;size=8;"
                label = html.escape(art.get("text") or art.get("name") or "")
            else:
                style = ("shape=note;html=1;size=9;verticalLabelPosition=bottom;"
                         "verticalAlign=top;align=center;whiteSpace=wrap;")
                label = html.escape(art.get("name") or "")
            props = {}
        layer, phase = grid.cell[e]
        props = {**{k: v for k, v in props.items() if v}, "bpmnId": e, "blueprintLayer": layer,
                 "blueprintPhase": phase}
        ids[e] = vertex(e, label, style, b.x, b.y, b.width, b.height, props)
    for fid, s, t, name, touch, message in _flows(bp, grid):
        if message == "association":
            style = "edgeStyle=none;html=1;dashed=1;dashPattern=1 4;endArrow=none;"
        elif message:
            style = ("edgeStyle=orthogonalEdgeStyle;html=1;dashed=1;startArrow=oval;"
                     "startFill=0;endArrow=blockThin;endFill=0;")
        else:
            style = "edgeStyle=orthogonalEdgeStyle;rounded=1;html=1;endArrow=blockThin;endFill=1;"
        if touch:
            style += f"strokeColor={_TOUCH};strokeWidth=2;"
        i = cid(fid)
        cell = etree.Element("mxCell", id=i, value=html.escape(name or ""), style=style,
                             edge="1", parent="1", source=ids[s], target=ids[t])
        geo = etree.SubElement(cell, "mxGeometry", relative="1")
        geo.set("as", "geometry")
        cells.append(cell)
    if figures:
        figs, scale, csat = figures
        y0 = grid.figures_y + 12
        vertex("fig_time_label", "Customer time<br>(mean ± 95 % CI)",
               "text;html=1;align=right;fontStyle=1;", 10, y0, LEFT - 24, 50)
        vertex("fig_mood_label", f"Emotional thermometer<br>(CSAT 1-{scale})",
               "text;html=1;align=right;fontStyle=1;", 10, y0 + 90, LEFT - 24, 50)
        from bpsim.report.format import fmt_pm

        by = {f.phase: f for f in figs}
        for c in grid.columns:
            f = by.get(c.name)
            if f is None:
                continue
            text = (f"<b>{html.escape(fmt_pm(f.time, f.time_ci))}</b><br>own effort "
                    f"{_fmt_time(f.effort)} · waiting {_fmt_time(f.visible + f.hidden)}<br>"
                    f"touchpoints {f.touchpoints:.2f} · updates {f.updates:.2f}")
            vertex(f"fig_time_{c.name}", text, "text;html=1;align=center;whiteSpace=wrap;"
                   "fontSize=11;", c.x + 5, y0, c.width - 10, 60)
            if not math.isnan(f.score):
                mood = (f"<b>{f.score:.2f}</b>" + (f"<br>-{f.points_lost:.2f}: "
                                                   f"{html.escape(f.reason)}" if f.reason
                                                   and f.points_lost > 0.005 else ""))
                vertex(f"fig_mood_{c.name}", mood,
                       f"ellipse;html=1;whiteSpace=wrap;fillColor={_colour(f.score, scale)};"
                       "fontSize=10;", c.x + c.width / 2 - 55, y0 + 80, 110, 70,
                       {"phaseScore": f"{f.score:.3f}"})
        if not math.isnan(csat):
            vertex("fig_csat", f"overall CSAT <b>{csat:.2f}</b>", "text;html=1;align=left;",
                   10, y0 + 160, LEFT, 24)
    mxfile = etree.Element("mxfile", host="bpsim", agent=f"bpsim {__version__}",
                           version="24.0.0", type="device")
    diagram = etree.SubElement(mxfile, "diagram", id="bpsim-blueprint", name="Service blueprint")
    model = etree.SubElement(diagram, "mxGraphModel", dx="1000", dy="600", grid="1",
                             gridSize="10", guides="1", tooltips="1", connect="1", arrows="1",
                             fold="1", page="1", pageScale="1",
                             pageWidth=_n(max(grid.width + 40, 850)),
                             pageHeight=_n(max(grid.height + 40, 1100)), math="0", shadow="0")
    root = etree.SubElement(model, "root")
    etree.SubElement(root, "mxCell", id="0")
    etree.SubElement(root, "mxCell", id="1", parent="0")
    for cell in cells:
        root.append(cell)
    return etree.tostring(mxfile, pretty_print=True, encoding="unicode")


# -- HTML -----------------------------------------------------------------------------------
def blueprint_html(bp: Blueprint, results=None) -> str:
    """A self-contained HTML page: the SVG blueprint and, with results, the journey and
    satisfaction tables and the pain points."""
    svg = blueprint_drawing(bp, results).to_svg()
    p = bp.process
    title = f"Service blueprint: {p.name or p.source or 'process'}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;"
        "padding:3px 8px;text-align:right}th{background:#f0f0f0}td:first-child,"
        "th:first-child{text-align:left}.svg{overflow-x:auto}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>", f'<div class="svg">{svg}</div>']
    if results is not None:
        from bpsim.report.format import fmt_duration, fmt_num, fmt_pct, fmt_pm

        j = results.journey
        parts.append("<h2>Customer journey</h2><table><tr><th>phase</th><th>customer time</th>"
                     "<th>effort</th><th>visible wait</th><th>hidden wait</th>"
                     "<th>touchpoints</th><th>updates</th><th>SLA breaches</th>"
                     "<th>re-opens</th></tr>")
        for r in j.itertuples(index=False):
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in [
                r.phase, fmt_pm(r.customer_time_mean, r.customer_time_ci95),
                fmt_duration(r.effort_mean), fmt_duration(r.visible_wait_mean),
                fmt_duration(r.hidden_wait_mean), fmt_num(r.touchpoints_mean),
                fmt_num(r.updates_mean), fmt_num(r.breaches_mean), fmt_num(r.reopens_mean)])
                + "</tr>")
        parts.append("</table>")
        s = results.satisfaction
        parts.append("<h2>Satisfaction</h2><table><tr><th>by</th><th>name</th><th>tickets</th>"
                     "<th>CSAT</th><th>satisfied</th><th>survey</th></tr>")
        for r in s.loc[s["scope"] != "phase"].itertuples(index=False):
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in [
                r.scope, r.name, fmt_num(r.tickets), fmt_pm(r.csat_mean, r.csat_ci95, "num"),
                fmt_pct(r.share_satisfied), fmt_num(r.survey_csat_mean)]) + "</tr>")
        parts.append("</table><h2>Pain points</h2><ol>")
        for pp in results.experience.pain_points:
            why = "; ".join(f"{x['why']} ({x['points']:.2f})" for x in pp["reasons"][:3])
            parts.append(f"<li><b>{html.escape(pp['phase'])}</b>: {pp['points_lost']:.2f} "
                         f"points lost per ticket: {html.escape(why)}</li>")
        parts.append("</ol>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_blueprint(process, path: str | os.PathLike, results=None, scenario=None) -> Path:
    """Write the blueprint of ``process`` to ``path`` (``.svg``, ``.png``, ``.drawio``,
    ``.html``), atomically; with ``results`` the figure rows are drawn."""
    from bpsim._atomic import write_text
    from bpsim.experience.blueprint import blueprint

    bp = blueprint(process, results.scenario if results is not None else scenario)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        write_text(path, blueprint_drawing(bp, results).to_svg())
    elif suffix == ".png":
        blueprint_drawing(bp, results).to_png(path)
    elif suffix in (".drawio", ".xml"):
        write_text(path, blueprint_drawio(bp, results))
    elif suffix in (".html", ".htm"):
        write_text(path, blueprint_html(bp, results))
    else:
        raise ValueError(f"a blueprint is written as .svg, .png, .drawio or .html, not "
                         f"{suffix or str(path)!r}")
    return path
