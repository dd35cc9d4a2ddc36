"""The service-blueprint grid: where each element of the model goes in the drawing.

Rows, top to bottom (seed 001's structure): physical / digital **evidence**, **customer
actions**, the *line of interaction*, **frontstage** (visible contact staff), the *line of
visibility*, **backstage** (invisible contact staff), the *line of internal interaction*,
**support processes**. Columns: the journey's phases, left to right. Every flow node is put
in the cell of its layer and phase (in the drawing's left-to-right order within the cell);
data objects, data stores and text annotations are the evidence, in their phase's column.
With simulation results, rows below the grid give each phase's customer time and the
emotional thermometer (the phase's satisfaction score).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from bpsim.experience.blueprint import Blueprint
from bpsim.model import ACTIVITY_TYPES, EVENT_TYPES, GATEWAY_TYPES, Bounds

__all__ = ["Grid", "Row", "Column", "layout_grid", "ROW_TITLES", "NO_PHASE"]

ROW_TITLES = {
    "evidence": "Evidence",
    "customer": "Customer actions",
    "line of interaction": "line of interaction",
    "frontstage": "Frontstage",
    "line of visibility": "line of visibility",
    "backstage": "Backstage",
    "line of internal interaction": "line of internal interaction",
    "support": "Support processes",
}
NO_PHASE = "(no phase)"
LEFT, TOP, HEADER = 180.0, 44.0, 34.0
SLOT = 135.0
_HEIGHT = {"evidence": 86.0, "customer": 112.0, "frontstage": 112.0, "backstage": 112.0,
           "support": 112.0}
_LINE = 26.0


@dataclass
class Row:
    """A band of the grid: ``key`` (a layer or a line name), ``y``, ``height``."""

    key: str
    title: str
    y: float
    height: float
    line: bool = False


@dataclass
class Column:
    """A phase: ``name``, ``x``, ``width``."""

    name: str
    x: float
    width: float


@dataclass
class Grid:
    """The laid-out blueprint: rows, columns, a box per element (flow nodes and evidence
    artifacts), the total size, and the figure rows' top (``figures_y``)."""

    rows: list[Row]
    columns: list[Column]
    boxes: dict[str, Bounds] = field(default_factory=dict)
    cell: dict[str, tuple[str, str]] = field(default_factory=dict)  # element -> (row, column)
    width: float = 0.0
    height: float = 0.0
    figures_y: float = 0.0

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)


def _size(kind: str | None) -> tuple[float, float]:
    if kind in GATEWAY_TYPES:
        return 42.0, 42.0
    if kind in EVENT_TYPES:
        return 36.0, 36.0
    if kind in ACTIVITY_TYPES:
        return 112.0, 56.0
    if kind in ("dataObjectReference", "dataObject", "dataStoreReference", "dataStore"):
        return 34.0, 42.0
    return 112.0, 40.0  # text annotation


def _order(bp: Blueprint) -> dict[str, float]:
    """Left-to-right position: the drawing's x where it has one, else the flow's order."""
    p = bp.process
    shapes = p.diagram.shapes
    pos: dict[str, float] = {}
    try:
        topo = {n: i for i, n in enumerate(nx.topological_sort(nx.condensation(p.graph)))}
        scc = nx.condensation(p.graph).graph["mapping"]
        rank = {n: topo[scc[n]] for n in p.graph}
    except nx.NetworkXException:  # pragma: no cover - condensation is always a DAG
        rank = {n: i for i, n in enumerate(p.graph)}
    for n in p.graph:
        pos[n] = shapes[n].center[0] if n in shapes else rank[n] * 100.0
    for aid in p.artifacts:
        if aid in shapes:
            pos[aid] = shapes[aid].center[0]
    return pos


def layout_grid(bp: Blueprint, *, figure_rows: float = 0.0) -> Grid:
    """Place every element of ``bp`` in its cell; ``figure_rows`` is the height to keep
    below the grid for the figures."""
    p = bp.process
    phases = list(bp.phases.order) or ["journey"]
    of_node = dict(bp.phases.of_node) if bp.phases else {n: "journey" for n in p.graph}
    of_art = dict(bp.phases.of_artifact) if bp.phases else {}
    g = p.graph
    members: dict[tuple[str, str], list[str]] = {}
    hidden = {n for n, d in g.nodes(data=True) if d.get("type") == "boundaryEvent"
              or (d.get("parent") is not None and d.get("parent") in g
                  and not p.diagram.expanded.get(d.get("parent"), False))}
    for n in g:
        if n in hidden:
            continue
        layer = bp.node_layer.get(n) or "backstage"
        if layer == "evidence":
            layer = "customer"
        phase = of_node.get(n, NO_PHASE)
        members.setdefault((layer, phase), []).append(n)
    evidence = [a for a, art in p.artifacts.items() if art.get("type") in (
        "dataObjectReference", "dataStoreReference", "textAnnotation")]
    for a in evidence:
        art_phase = of_art.get(a)
        if art_phase is None and not bp.phases:
            art_phase = "journey"
        if art_phase is not None:
            members.setdefault(("evidence", art_phase), []).append(a)
    if any(ph == NO_PHASE for _, ph in members):
        phases.append(NO_PHASE)
    pos = _order(bp)
    for cell in members:
        members[cell].sort(key=lambda e: pos.get(e, 0.0))
    rows: list[Row] = []
    y = TOP + HEADER
    for key in ("evidence", "customer", "line of interaction", "frontstage",
                "line of visibility", "backstage", "line of internal interaction", "support"):
        h = _LINE if key.startswith("line") else _HEIGHT[key]
        rows.append(Row(key, ROW_TITLES[key], y, h, key.startswith("line")))
        y += h
    columns: list[Column] = []
    x = LEFT
    for ph in phases:
        most = max([len(v) for (layer, phase), v in members.items() if phase == ph] or [1])
        w = max(190.0, most * SLOT + 20.0)
        columns.append(Column(ph, x, w))
        x += w
    grid = Grid(rows, columns, width=x + 20.0, figures_y=y, height=y + figure_rows + 30.0)
    col = {c.name: c for c in columns}
    row = {r.key: r for r in rows}
    for (layer, phase), elems in members.items():
        c, r = col[phase], row[layer]
        n = len(elems)
        for k, e in enumerate(elems):
            kind = g.nodes[e].get("type") if e in g else p.artifacts[e].get("type")
            w, h = _size(kind)
            cx = c.x + (k + 0.5) * c.width / n
            cy = r.y + r.height / 2 - (8.0 if layer == "evidence" else 0.0)
            grid.boxes[e] = Bounds(cx - w / 2, cy - h / 2, w, h)
            grid.cell[e] = (layer, phase)
    return grid
