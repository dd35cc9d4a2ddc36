"""Write a process as a draw.io (diagrams.net) drawing with BPMN shapes.

The service desk drawn in draw.io: a pool "Service desk" whose lanes (Customer, Agent,
Specialist, Ticketing system) are stacked inside it, tasks from draw.io's BPMN palette with
their markers (a user icon on "Triage ticket", gears on "Open ticket and assign"), events as
circles with their symbol (an envelope on "E-mail received", a clock on "No reply within 5
days"), gateways as diamonds, and labelled arrows ("Yes", "No"). :func:`write_drawio` writes
that as an **uncompressed** ``.drawio`` file that draw.io opens and edits, and that
:func:`bpsim.read_drawio` reads back into the same graph (same ids, types, names, lanes and
flows).

The cells, in draw.io's vocabulary (docs/drawio.md, notes/interop.md section 3):

* pool: ``swimlane;horizontal=0;childLayout=stackLayout;horizontalStack=0`` with the lanes as
  children (``swimlane;horizontal=0``); geometry of a child is relative to its parent cell;
* task: ``shape=mxgraph.bpmn.task;taskMarker=user|service|send|...``; sub-process, call
  activity, transaction: ``bpmnShapeType=subprocess|call|transaction`` (an expanded
  sub-process is a container holding its content; a collapsed one holds it folded away);
* event: ``shape=mxgraph.bpmn.event;outline=standard|catching|throwing|end|boundInt|
  boundNonint;symbol=general|message|timer|...``; a boundary event is a sibling of its task
  drawn on the task's bottom border;
* gateway: ``shape=mxgraph.bpmn.gateway2;gwType=exclusive|parallel|complex``, inclusive and
  event-based by their ``outline``/``symbol``;
* sequence flow: a solid orthogonal arrow (``startArrow=dash`` marks a default flow); message
  flow: dashed with a circle at its start.

What draw.io cannot draw is kept as custom properties (an ``<object>`` wrapper around the cell,
shown by draw.io under Edit Data): timers (``timeDuration``/``timeDate``/``timeCycle``), flow
conditions (``condition``, ``conditionLanguage``), the called process of a call activity
(``calledElement``) and the pool's process (``process``, ``processName``). Vendor extensions
and vendor attributes of BPMN files (``extensionElements``, Camunda/Signavio attributes) are
**not** written: draw.io has no place for them. Text annotations, data objects and data stores
that have a shape are drawn; groups and data associations are not.

Positions come from ``process.diagram`` where it has them and from
:func:`bpsim.modeling.layout` for the rest.

>>> import bpsim
>>> p = bpsim.read("models/service_desk.bpmn")                            # doctest: +SKIP
>>> bpsim.write_drawio(p, "service_desk.drawio")                           # doctest: +SKIP
"""

from __future__ import annotations

import copy
import html
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from bpsim import __version__
from bpsim._atomic import write_text
from bpsim._names import first_free
from bpsim.model import (
    ACTIVITY_TYPES,
    EVENT_TYPES,
    GATEWAY_TYPES,
    SUBPROCESS_TYPES,
    Bounds,
    Diagram,
    Process,
)
from bpsim.modeling.layout import HEADER, layout

__all__ = ["write_drawio", "generate_drawio"]

_TASK_MARKERS = {"task": "abstract", "userTask": "user", "serviceTask": "service",
                 "sendTask": "send", "receiveTask": "receive", "manualTask": "manual",
                 "businessRuleTask": "businessRule", "scriptTask": "script"}
_SYMBOLS = {None: "general", "message": "message", "timer": "timer",
            "escalation": "escalation", "conditional": "conditional", "link": "link",
            "error": "error", "cancel": "cancel", "compensate": "compensation",
            "signal": "signal", "multiple": "multiple", "terminate": "terminate"}
_LOOPS = {"standard": "isLoopStandard", "parallel": "isLoopMultiParallel",
          "sequential": "isLoopMultiSeq"}

_TEXT = "html=1;whiteSpace=wrap;"
_BELOW = "verticalLabelPosition=bottom;verticalAlign=top;align=center;labelBackgroundColor=none;"
_POOL = ("swimlane;html=1;horizontal=0;startSize={h};collapsible=0;childLayout=stackLayout;"
         "resizeParent=1;resizeParentMax=0;horizontalStack=0;")
_LANE = "swimlane;html=1;horizontal=0;startSize={h};collapsible=0;swimlaneLine=1;"
_FLOW = "edgeStyle=orthogonalEdgeStyle;rounded=0;html=1;endArrow=blockThin;endFill=1;"
_MESSAGE = ("edgeStyle=orthogonalEdgeStyle;rounded=0;html=1;dashed=1;dashPattern=8 4;"
            "startArrow=oval;startFill=0;endArrow=blockThin;endFill=0;")
_ASSOCIATION = "edgeStyle=none;html=1;dashed=1;dashPattern=1 4;endArrow=none;"


def write_drawio(process: Process, path: str | os.PathLike, *, relayout: bool = False) -> Path:
    """Write ``process`` to ``path`` as an uncompressed ``.drawio`` file (atomically).

    Parameters
    ----------
    process : Process
        A process read from any file or built in Python.
    path : path
        The file to write (replaced whole, or not at all).
    relayout : bool, default False
        Lay everything out afresh instead of keeping the diagram the process has.

    Returns
    -------
    Path
        ``path``.
    """
    from bpsim._checks import require_process

    require_process(process, "bpsim.write_drawio")
    return write_text(path, generate_drawio(process, relayout=relayout))


def generate_drawio(process: Process, *, relayout: bool = False) -> str:
    """The ``.drawio`` file content (an ``<mxfile>`` with one uncompressed page) as text."""
    diagram = layout(process, relayout=relayout)
    if not relayout and _misread(process, diagram):
        fresh = copy.copy(process)  # shallow: only the diagram differs
        fresh.diagram = Diagram()
        diagram = layout(fresh, relayout=True)
    return _Writer(process, diagram).text()


def _misread(process: Process, d: Diagram) -> bool:
    """Would draw.io geometry say something else than the graph? Then lay out afresh.

    draw.io has no drill-down page for a collapsed sub-process, and a reader decides what is
    inside a sub-process, which events sit on a task's border, and (for shapes outside every
    pool) which lane holds a shape from the geometry. So a drawing is redone when a collapsed
    sub-process holds nodes, when a node lies inside an activity's box it does not belong to
    (or outside the one it does), when an event that is not a boundary event touches an
    activity's border, or when a node of a process without pool lies on a pool or lane.
    """
    g = process.graph
    activities = [n for n, t in g.nodes(data="type") if t in ACTIVITY_TYPES and n in d.shapes]
    for sp in activities:
        if process.children(sp) and not d.expanded.get(sp, True):
            return True
    pooled = {part.process for part in process.participants.values() if part.process}
    used = _processes_in_use(process)
    if len(used) >= 2:  # each gets a pool of its own (see _Writer._unpooled)
        pooled |= used
    bands = [d.shapes[k] for k in (*process.lanes, *process.participants) if k in d.shapes]
    for n, data in g.nodes(data=True):
        box = d.shapes.get(n)
        if box is None:
            continue
        host = data.get("attached_to") if data.get("type") == "boundaryEvent" else None
        ancestors = set()
        up = g.nodes[host]["parent"] if host in g else data.get("parent")
        while up in g:
            ancestors.add(up)
            up = g.nodes[up].get("parent")
        for a in activities:
            if a != n and a != host and (a in ancestors) != _inside(box, d.shapes[a]):
                return True
        if data.get("type") in EVENT_TYPES and host is None:
            r = min(box.width, box.height) / 2
            c = box.center
            if any(_border_distance(c, d.shapes[a]) < r for a in activities if a != n):
                return True
        top = data
        while top.get("parent") in g:
            top = g.nodes[top["parent"]]
        if top.get("lane") is None and top.get("process") not in pooled and any(
                _inside(Bounds(*box.center, 0, 0), b) for b in bands):
            return True
    return False


def _processes_in_use(process: Process) -> set[str]:
    """Processes of the file that have top-level nodes."""
    return {data["process"] for _, data in process.graph.nodes(data=True)
            if data.get("parent") is None and data.get("process") in process.processes}


def _inside(inner: Bounds, outer: Bounds, slack: float = 0.5) -> bool:
    return (inner.x >= outer.x - slack and inner.y >= outer.y - slack
            and inner.x + inner.width <= outer.x + outer.width + slack
            and inner.y + inner.height <= outer.y + outer.height + slack)


def _border_distance(p: tuple[float, float], b: Bounds) -> float:
    dx = max(b.x - p[0], 0.0, p[0] - (b.x + b.width))
    dy = max(b.y - p[1], 0.0, p[1] - (b.y + b.height))
    if dx or dy:
        return math.hypot(dx, dy)
    return min(p[0] - b.x, b.x + b.width - p[0], p[1] - b.y, b.y + b.height - p[1])


def _num(v: float) -> str:
    return f"{round(v, 2):g}"


def _label(text: str | None) -> str:
    return html.escape(text or "", quote=False).replace("\n", "<br>")


class _Writer:
    def __init__(self, process: Process, diagram: Diagram) -> None:
        self.p = process
        self.d = diagram
        self.cells: list[etree._Element] = []
        self.origin: dict[str, tuple[float, float]] = {"1": (0.0, 0.0)}  # cell -> abs x, y
        self.used: set[str] = {"0", "1"}
        self.cell_id: dict[str, str] = {}

    # -- ids and cells -------------------------------------------------------------------
    def cid(self, element: str) -> str:
        if element not in self.cell_id:
            out = first_free(element, self.used)
            self.used.add(out)
            self.cell_id[element] = out
        return self.cell_id[element]

    def vertex(self, element: str, label: str | None, style: str, parent: str, box: Bounds,
               props: Mapping[str, str | None] | None = None,
               extra: dict[str, str] | None = None,
               collapsed: Bounds | None = None) -> str:
        cid = self.cid(element)
        ox, oy = self.origin[parent]
        cell = self._cell(cid, label, style, parent, props, vertex="1", **(extra or {}))
        geo = etree.SubElement(cell, "mxGeometry", x=_num(box.x - ox), y=_num(box.y - oy),
                               width=_num(box.width), height=_num(box.height))
        geo.set("as", "geometry")
        if collapsed is not None:  # a folded container: expanded size kept for unfolding
            alt = etree.SubElement(geo, "mxRectangle", x=_num(box.x - ox), y=_num(box.y - oy),
                                   width=_num(collapsed.width), height=_num(collapsed.height))
            alt.set("as", "alternateBounds")
        self.origin[cid] = (box.x, box.y)
        return cid

    def _cell(self, cid: str, label: str | None, style: str, parent: str,
              props: Mapping[str, str | None] | None, **attrs: str) -> etree._Element:
        """One cell (wrapped in an ``<object>`` for ``props``; None or empty values left out)."""
        props = {k: v for k, v in (props or {}).items() if v not in (None, "")}
        if props:
            wrapper = etree.Element("object", label=_label(label), id=cid, **props)
            cell = etree.SubElement(wrapper, "mxCell", style=style, parent=parent, **attrs)
            self.cells.append(wrapper)
        else:
            cell = etree.Element("mxCell", id=cid, value=_label(label), style=style,
                                 parent=parent, **attrs)
            self.cells.append(cell)
        return cell

    # -- the page ------------------------------------------------------------------------
    def text(self) -> str:
        p, d = self.p, self.d
        pool_of_process = {part.process: part.id for part in p.participants.values()
                           if part.process}
        for part in p.participants.values():
            box = d.shapes.get(part.id)
            if box is None:
                continue
            horizontal = d.horizontal.get(part.id, True)
            # a pool is a stackLayout swimlane (the reader's sign of a pool, lanes or not); a
            # black-box pool is a lone empty swimlane that message flows touch. (An untouched
            # black-box pool is written as an empty pool: a lone swimlane would read as a lane.)
            touched = any(part.id in (m.source, m.target) for m in p.message_flows.values())
            black_box = part.process is None and touched
            style = (_LANE.replace("swimlaneLine=1;", "") if black_box else _POOL).format(
                h=_num(HEADER))
            if not horizontal:
                style = style.replace("horizontal=0;", "horizontal=1;").replace(
                    "horizontalStack=0;", "horizontalStack=1;")
            info = p.processes.get(part.process) if part.process else None
            props = {"process": part.process, "processName": info.name if info and
                     info.name != part.name else None} if part.process else None
            self.vertex(part.id, part.name, style, "1", box, props)
        self._unpooled(pool_of_process)
        for lane in p.lanes.values():
            self._lane(lane.id, pool_of_process)
        for n in self._node_order():
            self._node(n, pool_of_process)
        for f in p.flows.values():
            self._flow(f)
        for m in p.message_flows.values():
            if m.source in self.cell_id and m.target in self.cell_id:
                cid = self.cid(m.id)
                cell = self._cell(cid, m.name, _MESSAGE, "1", None, edge="1",
                                  source=self.cell_id[m.source], target=self.cell_id[m.target])
                self._edge_geometry(cell, m.id, "1")
        self._artifacts()
        return self._document()

    def _unpooled(self, pools: dict[str, str]) -> None:
        """Several processes, some without a pool: draw those in an unnamed pool each.

        draw.io knows processes only by their pools; without one, every pool-less process
        would be read back as one. The pool carries the process id and name as properties.
        """
        p, d = self.p, self.d
        members: dict[str, list[str]] = {}
        for n, data in p.graph.nodes(data=True):
            if data.get("parent") is None and data.get("process") in p.processes:
                members.setdefault(data["process"], []).append(n)
        if len(members) < 2:
            return
        for pid, nodes in members.items():
            if pid in pools:
                continue
            boxes = [d.shapes[n] for n in nodes if n in d.shapes]
            boxes += [d.shapes[ln.id] for ln in p.lanes.values()
                      if ln.process == pid and ln.id in d.shapes]
            if not boxes:
                continue
            hull = _hull(boxes, boxes[0])
            box = Bounds(hull.x - HEADER, hull.y, hull.width + HEADER, hull.height)
            info = p.processes[pid]
            key = f"{pid}_pool"
            self.vertex(key, None, _POOL.format(h=_num(HEADER)), "1", box,
                        {"process": pid, "processName": info.name})
            pools[pid] = key

    def _lane(self, lane_id: str, pools: dict[str, str]) -> str | None:
        if lane_id in self.cell_id:
            return self.cell_id[lane_id]
        lane = self.p.lanes[lane_id]
        box = self.d.shapes.get(lane_id)
        if box is None:
            return None
        if lane.parent and lane.parent in self.p.lanes:
            parent = self._lane(lane.parent, pools) or "1"
        else:
            parent = self.cell_id.get(pools.get(lane.process or "", ""), "1")
        style = _LANE.format(h=_num(HEADER))
        if not self.d.horizontal.get(lane_id, True):
            style = style.replace("horizontal=0;", "horizontal=1;")
        return self.vertex(lane_id, lane.name, style, parent, box)

    def _node_order(self) -> list[str]:
        """Containers before their content; boundary events after their host."""
        g = self.p.graph
        order: list[str] = []
        seen: set[str] = set()

        def visit(n: str) -> None:
            if n in seen:
                return
            seen.add(n)
            data = g.nodes[n]
            for up in (data.get("parent"), data.get("attached_to")):
                if up in g:
                    visit(up)
            order.append(n)

        for n in g:
            visit(n)
        return order

    def _container(self, n: str, pools: dict[str, str]) -> str:
        g = self.p.graph
        data = g.nodes[n]
        if data.get("type") == "boundaryEvent" and data.get("attached_to") in g:
            data = g.nodes[data["attached_to"]]
        parent = data.get("parent")
        if parent in self.cell_id:
            return self.cell_id[parent]
        lane = data.get("lane")
        if lane in self.cell_id:
            return self.cell_id[lane]
        return self.cell_id.get(pools.get(data.get("process"), ""), "1")

    def _node(self, n: str, pools: dict[str, str]) -> None:
        g, d = self.p.graph, self.d
        data = g.nodes[n]
        box = d.shapes.get(n)
        if box is None:
            return
        t = data.get("type")
        content = self.p.children(n) if t in SUBPROCESS_TYPES else []
        expanded = bool(d.expanded.get(n, bool(content)))
        style, props, extra = _node_style(data, self.p, expanded)
        collapsed = None
        if content and not expanded:
            extra["collapsed"] = "1"
            collapsed = _hull([d.shapes[m] for m in content if m in d.shapes], box)
        extra = {k: v for k, v in extra.items() if v is not None}
        parent = self._container(n, pools)
        cid = self.vertex(n, data.get("name"), style, parent, box, props, extra, collapsed)
        if collapsed is not None:  # content is laid out elsewhere: relative to its hull
            self.origin[cid] = (collapsed.x, collapsed.y)

    def _flow(self, f: Any) -> None:
        g = self.p.graph
        if f.source not in self.cell_id or f.target not in self.cell_id:
            return
        sd = g.nodes[f.source]
        parent = "1"
        owner = sd.get("parent")
        if owner is not None and owner == g.nodes[f.target].get("parent"):
            parent = self.cell_id.get(owner, "1")
        style = _FLOW
        if f.default:
            style += "startArrow=dash;startFill=0;startSize=8;"
        elif f.condition and sd.get("type") not in GATEWAY_TYPES:
            style += "startArrow=diamondThin;startFill=0;startSize=10;"
        style += self._ports(f.id, f.source, f.target)
        props = {"condition": f.condition, "conditionLanguage": f.condition_language
                 if f.condition else None}
        cell = self._cell(self.cid(f.id), f.name, style, parent, props, edge="1",
                          source=self.cell_id[f.source], target=self.cell_id[f.target])
        self._edge_geometry(cell, f.id, parent)

    def _ports(self, fid: str, source: str, target: str) -> str:
        """exitX/exitY and entryX/entryY so draw.io leaves and enters where the route does."""
        pts = self.d.edges.get(fid)
        out = ""
        if not pts or len(pts) < 2:
            return out
        for key, node, pt in (("exit", source, pts[0]), ("entry", target, pts[-1])):
            b = self.d.shapes.get(node)
            if b is None or b.width <= 0 or b.height <= 0:
                continue
            fx = min(max((pt[0] - b.x) / b.width, 0.0), 1.0)
            fy = min(max((pt[1] - b.y) / b.height, 0.0), 1.0)
            on_side = fx in (0.0, 1.0) or fy in (0.0, 1.0)
            if on_side:
                out += f"{key}X={_num(fx)};{key}Y={_num(fy)};{key}Dx=0;{key}Dy=0;"
        return out

    def _edge_geometry(self, cell: etree._Element, fid: str, parent: str) -> None:
        geo = etree.SubElement(cell, "mxGeometry", relative="1")
        geo.set("as", "geometry")
        pts = self.d.edges.get(fid) or []
        if len(pts) > 2:
            ox, oy = self.origin.get(parent, (0.0, 0.0))
            arr = etree.SubElement(geo, "Array")
            arr.set("as", "points")
            for x, y in pts[1:-1]:
                etree.SubElement(arr, "mxPoint", x=_num(x - ox), y=_num(y - oy))

    def _artifacts(self) -> None:
        for aid, a in self.p.artifacts.items():
            box = self.d.shapes.get(aid)
            kind = a.get("type")
            if box is None:
                continue
            if kind == "textAnnotation":
                style = ("html=1;shape=mxgraph.flowchart.annotation_2;align=left;"
                         "labelPosition=right;pointerEvents=1;whiteSpace=wrap;")
                self.vertex(aid, a.get("text") or a.get("name"), style, "1", box)
            elif kind in ("dataObjectReference", "dataObject"):
                self.vertex(aid, a.get("name"), "shape=mxgraph.bpmn.data;html=1;" + _BELOW,
                            "1", box)
            elif kind == "dataStoreReference":
                self.vertex(aid, a.get("name"), "shape=datastore;html=1;" + _BELOW, "1", box)
        for aid, a in self.p.artifacts.items():
            if a.get("type") != "association":
                continue
            s, t = a.get("sourceRef"), a.get("targetRef")
            if s in self.cell_id and t in self.cell_id:
                cell = self._cell(self.cid(aid), None, _ASSOCIATION, "1", None, edge="1",
                                  source=self.cell_id[s], target=self.cell_id[t])
                geo = etree.SubElement(cell, "mxGeometry", relative="1")
                geo.set("as", "geometry")

    def _document(self) -> str:
        right = max((b.x + b.width for b in self.d.shapes.values()), default=800.0)
        bottom = max((b.y + b.height for b in self.d.shapes.values()), default=600.0)
        mxfile = etree.Element("mxfile", host="bpsim", agent=f"bpsim {__version__}",
                               version="24.0.0", type="device")
        name = self.p.name or next((i.name for i in self.p.processes.values() if i.name),
                                   None) or "Process"
        diagram = etree.SubElement(mxfile, "diagram", id="bpsim-page-1", name=name)
        model = etree.SubElement(
            diagram, "mxGraphModel", dx="1000", dy="600", grid="1", gridSize="10", guides="1",
            tooltips="1", connect="1", arrows="1", fold="1", page="1", pageScale="1",
            pageWidth=_num(max(right + 40, 850)), pageHeight=_num(max(bottom + 40, 1100)),
            math="0", shadow="0")
        root = etree.SubElement(model, "root")
        etree.SubElement(root, "mxCell", id="0")
        etree.SubElement(root, "mxCell", id="1", parent="0")
        for cell in self.cells:
            root.append(cell)
        return etree.tostring(mxfile, pretty_print=True, encoding="unicode")


def _hull(boxes: list[Bounds], fallback: Bounds) -> Bounds:
    if not boxes:
        return fallback
    x1 = min(b.x for b in boxes) - 20
    y1 = min(b.y for b in boxes) - 20
    x2 = max(b.x + b.width for b in boxes) + 20
    y2 = max(b.y + b.height for b in boxes) + 20
    return Bounds(x1, y1, x2 - x1, y2 - y1)


def _node_style(data: dict[str, Any], process: Process,
                expanded: bool) -> tuple[str, dict, dict]:
    """``(style, custom properties, extra mxCell attributes)`` of one flow node."""
    t = data.get("type")
    props: dict[str, str | None] = {}
    extra: dict[str, str | None] = {}
    if t in EVENT_TYPES:
        outline = {"startEvent": "standard", "intermediateCatchEvent": "catching",
                   "intermediateThrowEvent": "throwing", "endEvent": "end"}.get(t, "standard")
        parent = data.get("parent")
        if t == "startEvent" and parent in process.graph and \
                process.graph.nodes[parent].get("triggered_by_event"):
            outline = "eventInt" if data.get("interrupting", True) is not False else \
                "eventNonint"
        if t == "boundaryEvent":
            outline = "boundInt" if data.get("cancel_activity", True) is not False else \
                "boundNonint"
        symbol = _SYMBOLS.get(data.get("event"), "general")
        if data.get("event") == "multiple" and data.get("parallel_multiple"):
            symbol = "parallelMultiple"
        timer = data.get("timer")
        if timer and timer.get("kind") in ("timeDuration", "timeDate", "timeCycle"):
            props[timer["kind"]] = timer.get("value")
        style = (f"shape=mxgraph.bpmn.event;outline={outline};symbol={symbol};html=1;"
                 "perimeter=ellipsePerimeter;outlineConnect=0;aspect=fixed;" + _BELOW)
        if outline in ("boundNonint", "eventNonint"):
            style += "dashed=1;"
        return style, props, extra
    if t in GATEWAY_TYPES:
        kind = {"exclusiveGateway": "gwType=exclusive;outline=none;symbol=none;",
                "parallelGateway": "gwType=parallel;outline=none;symbol=none;",
                "complexGateway": "gwType=complex;outline=none;symbol=none;",
                "inclusiveGateway": "outline=end;symbol=general;"}.get(t)
        if t == "eventBasedGateway":
            outline = "standard" if data.get("instantiate") else "catching"
            symbol = "parallelMultiple" if data.get("event_gateway_type") == "Parallel" \
                else "multiple"
            kind = f"outline={outline};symbol={symbol};"
        style = ("shape=mxgraph.bpmn.gateway2;html=1;perimeter=rhombusPerimeter;"
                 "outlineConnect=0;" + (kind or "") + _BELOW)
        return style, props, extra
    style = "shape=mxgraph.bpmn.task;rectStyle=rounded;size=10;" + _TEXT
    if t in _TASK_MARKERS:
        style += f"taskMarker={_TASK_MARKERS[t]};"
    elif t == "callActivity":
        style += "taskMarker=abstract;bpmnShapeType=call;"
        props["calledElement"] = data.get("called_element")
    else:  # sub-processes
        shape_type = "transaction" if t == "transaction" else "subprocess"
        style += f"taskMarker=abstract;bpmnShapeType={shape_type};"
        if t == "adHocSubProcess":
            style += "isAdHoc=1;"
        if data.get("triggered_by_event"):
            style += "outline=eventInt;"
        style += "container=1;collapsible=1;verticalAlign=top;"
        if not expanded:
            style += "isLoopSub=1;"  # the "+" marker of a collapsed sub-process
    if data.get("loop") in _LOOPS:
        style += f"{_LOOPS[data['loop']]}=1;"
    return style, props, extra
