"""draw.io cells and what their styles mean in BPMN.

A draw.io page is a flat list of ``<mxCell>`` elements: every box, circle, diamond, swimlane
and arrow of the service-desk drawing is one cell with a ``style`` string
(``shape=mxgraph.bpmn.task;taskMarker=user;...``), a label (``value``, often HTML) and a
``parent``. This module turns one page into :class:`Cell` records with absolute geometry and
answers "what is this shape in BPMN?" (:func:`classify`), following the style vocabulary of
draw.io's BPMN palettes (the 2.0 shapes ``mxgraph.bpmn.task/event/gateway2`` and the legacy
``mxgraph.bpmn.shape``). :mod:`bpsim.io.drawio` assembles the cells into a process.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bpsim.errors import ReadError
from bpsim.model import Bounds

__all__ = ["Cell", "Kind", "parse_cells", "parse_style", "plain_label", "classify", "ncname",
           "NODE_KINDS", "ARTIFACT_KINDS"]

WRAPPERS = ("object", "UserObject")

TASK_MARKERS = {
    "abstract": "task", "user": "userTask", "service": "serviceTask", "send": "sendTask",
    "receive": "receiveTask", "manual": "manualTask", "businessRule": "businessRuleTask",
    "script": "scriptTask",
}
#: Stand-alone task stencils (``shape=mxgraph.bpmn.user_task``) and the type they draw.
TASK_STENCILS = {
    "mxgraph.bpmn.user_task": "userTask", "mxgraph.bpmn.service_task": "serviceTask",
    "mxgraph.bpmn.manual_task": "manualTask", "mxgraph.bpmn.script_task": "scriptTask",
    "mxgraph.bpmn.send_task": "sendTask", "mxgraph.bpmn.receive_task": "receiveTask",
    "mxgraph.bpmn.business_rule_task": "businessRuleTask",
}
#: ``symbol=`` values and the BPMN event definition they draw (``None``: a blank event).
EVENT_SYMBOLS = {
    "general": None, "none": None, "message": "message", "timer": "timer",
    "escalation": "escalation", "conditional": "conditional", "link": "link", "error": "error",
    "cancel": "cancel", "compensation": "compensate", "signal": "signal",
    "multiple": "multiple", "parallelMultiple": "multiple", "star": None,
    "terminate": "terminate", "terminate2": None,
}
#: ``outline=`` values and the event type they draw.
EVENT_OUTLINES = {
    "standard": "startEvent", "eventInt": "startEvent", "eventNonint": "startEvent",
    "catching": "intermediateCatchEvent", "throwing": "intermediateThrowEvent",
    "end": "endEvent", "boundInt": "boundaryEvent", "boundNonint": "boundaryEvent",
}
_FLOWCHART_DECISION = {"rhombus", "mxgraph.flowchart.decision"}
_FLOWCHART_EVENT = {"ellipse", "mxgraph.flowchart.start_1", "mxgraph.flowchart.start_2",
                    "mxgraph.flowchart.terminator", "doubleEllipse"}
_DATA_OBJECTS = {"mxgraph.bpmn.data", "mxgraph.bpmn.data2", "mxgraph.flowchart.document",
                 "note2"}
_DATA_STORES = {"datastore", "mxgraph.bpmn.data_store", "cylinder", "cylinder3",
                "mxgraph.flowchart.database"}
_ANNOTATIONS = {"note", "mxgraph.flowchart.annotation_1", "mxgraph.flowchart.annotation_2",
                "mxgraph.bpmn.annotation"}
_SWIMLANES = {"swimlane", "mxgraph.bpmn.swimlane", "pool", "lane", "table"}
_RECTANGLES = {"ext", "rect", "rectangle", "label", "process", "mxgraph.flowchart.process",
               "mxgraph.basic.rect"}


@dataclass
class Cell:
    """One ``<mxCell>`` (with its ``<object>``/``<UserObject>`` wrapper folded in)."""

    id: str
    parent: str | None
    vertex: bool
    edge: bool
    style: dict[str, str]
    base: set[str]
    label: str | None
    source: str | None = None
    target: str | None = None
    geo: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    line: int | None = None
    bounds: Bounds | None = None
    children: list[str] = field(default_factory=list)
    collapsed: bool = False  # a folded container: its child cells are hidden, not gone

    @property
    def shape(self) -> str | None:
        """The shape name: ``style['shape']``, else a base token such as ``ellipse``."""
        if self.style.get("shape"):
            return self.style["shape"]
        for token in ("swimlane", "ellipse", "rhombus", "text", "edgeLabel", "group",
                      "triangle", "line", "image", "label", "doubleEllipse", "hexagon",
                      "cloud", "cylinder", "rectangle"):
            if token in self.base:
                return token
        return None

    def flag(self, key: str) -> bool:
        return self.style.get(key, "0") not in ("0", "", "false")

    @property
    def dashed(self) -> bool:
        return self.flag("dashed")


def parse_style(style: str | None) -> tuple[dict[str, str], set[str]]:
    """Split ``a;k=v;k=w`` into ``({'k': 'w'}, {'a'})``: keys repeat and the last one wins."""
    pairs: dict[str, str] = {}
    base: set[str] = set()
    for token in (style or "").split(";"):
        token = token.strip()
        if not token:
            continue
        if "=" in token:
            key, _, value = token.partition("=")
            pairs[key.strip()] = value.strip()
        else:
            base.add(token)
    return pairs, base


_BREAKS = re.compile(r"<\s*(br|/?div|/?p|/?li|/?tr|hr)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")


def plain_label(value: str | None, is_html: bool) -> str | None:
    """The label as plain text on one line (``None`` when blank).

    HTML labels (``html=1``) lose their tags, ``<br>``/``<div>`` become spaces, entities such
    as ``&nbsp;`` and ``&amp;`` are decoded; runs of white space fold into one space.
    """
    if value is None:
        return None
    text = value
    if is_html or "<" in text and ">" in text and _TAGS.search(text):
        text = _BREAKS.sub(" ", text)
        text = _TAGS.sub("", text)
        text = html.unescape(text)
    text = " ".join(text.replace("\xa0", " ").split())
    return text or None


def _number(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def _geometry(cell_el: Any) -> dict[str, Any]:
    geo: dict[str, Any] = {"points": []}
    g = cell_el.find("mxGeometry")
    if g is None:
        return geo
    geo.update(x=_number(g.get("x")), y=_number(g.get("y")),
               width=_number(g.get("width")), height=_number(g.get("height")),
               relative=g.get("relative") == "1")
    for child in g:
        if child.tag == "mxPoint" and child.get("as") in ("sourcePoint", "targetPoint"):
            geo[child.get("as")] = (_number(child.get("x")), _number(child.get("y")))
        elif child.tag == "mxPoint" and child.get("as") == "offset":
            geo["offset"] = (_number(child.get("x")), _number(child.get("y")))
        elif child.tag == "Array" and child.get("as") == "points":
            geo["points"] = [(_number(p.get("x")), _number(p.get("y")))
                             for p in child if p.tag == "mxPoint"]
    return geo


def parse_cells(model: Any, with_lines: bool) -> dict[str, Cell]:
    """Every cell of an ``<mxGraphModel>``, by id, with absolute bounds for vertices."""
    root = model.find("root") if model.tag == "mxGraphModel" else model
    cells: dict[str, Cell] = {}
    if root is None:
        return cells
    for el in root:
        if not isinstance(el.tag, str):
            continue
        wrapper = None
        if el.tag in WRAPPERS:
            wrapper, inner = el, el.find("mxCell")
            if inner is None:
                continue
        elif el.tag == "mxCell":
            inner = el
        else:
            continue
        cid = (wrapper.get("id") if wrapper is not None else None) or inner.get("id")
        if not cid or cid in cells:
            continue
        style, base = parse_style(inner.get("style"))
        raw = wrapper.get("label") if wrapper is not None else inner.get("value")
        attributes = {}
        if wrapper is not None:
            attributes = {k: v for k, v in wrapper.attrib.items()
                          if k not in ("id", "label", "placeholders") and not k.startswith("{")}
        cells[cid] = Cell(
            id=cid, parent=inner.get("parent"), vertex=inner.get("vertex") == "1",
            edge=inner.get("edge") == "1", style=style, base=base,
            label=plain_label(raw, style.get("html") == "1"),
            source=inner.get("source") or None, target=inner.get("target") or None,
            geo=_geometry(inner), attributes=attributes,
            line=(inner.sourceline if with_lines else None),
            collapsed=inner.get("collapsed") == "1",
        )
    for cell in cells.values():
        if cell.parent in cells:
            cells[cell.parent].children.append(cell.id)
    _check_depth(cells)
    for cell in cells.values():
        if cell.vertex:
            _absolute(cell, cells, set())
    return cells


#: Deepest nesting of shapes (a task in a lane in a lane in a pool is 3 deep) bpsim reads.
#: Real drawings nest a handful of levels; thousands of nested swimlanes are a hostile file.
MAX_DEPTH = 100


def _check_depth(cells: dict[str, Cell]) -> None:
    """Refuse shapes nested more than :data:`MAX_DEPTH` deep (no recursion: memoised walk)."""
    depth: dict[str, int] = {}
    for start in cells:
        chain: list[str] = []
        on_chain: set[str] = set()
        cid: str | None = start
        while cid in cells and cid not in depth and cid not in on_chain:
            chain.append(cid)
            on_chain.add(cid)
            cid = cells[cid].parent
        # top level (no parent, or a parent cycle): 0
        base = depth.get(cid, 0) if cid is not None and cid not in on_chain else 0
        for n, c in enumerate(reversed(chain), start=1):
            depth[c] = base + n
            if base + n > MAX_DEPTH:
                cell = cells[c]
                raise ReadError(
                    f"this shape is nested more than {MAX_DEPTH} levels deep (shapes inside "
                    f"shapes); bpsim reads drawings nested at most {MAX_DEPTH} deep.",
                    line=cell.line, element_id=c, element_name=cell.label,
                    hint="flatten the drawing: pools hold lanes, lanes hold shapes.")


def _absolute(cell: Cell, cells: dict[str, Cell], seen: set[str]) -> Bounds | None:
    """Absolute bounds: geometry is relative to the parent cell, so offsets are summed."""
    if cell.bounds is not None or not cell.vertex or not cell.geo or "x" not in cell.geo:
        return cell.bounds
    if cell.id in seen:  # a parent cycle: treat as top level
        return None
    seen.add(cell.id)
    g = cell.geo
    parent = cells.get(cell.parent) if cell.parent else None
    ox = oy = 0.0
    pb = _absolute(parent, cells, seen) if parent is not None and parent.vertex else None
    if parent is not None and parent.edge:
        return None  # an edge label: no shape of its own
    if pb is not None:
        ox, oy = pb.x, pb.y
    x, y = g["x"], g["y"]
    if g.get("relative") and pb is not None:  # a marker placed by fractions of the parent
        off = g.get("offset", (0.0, 0.0))
        x, y = x * pb.width + off[0], y * pb.height + off[1]
    cell.bounds = Bounds(ox + x, oy + y, g["width"], g["height"])
    return cell.bounds


class Kind:
    """What a vertex is, in BPMN terms (strings, so they print well in findings)."""

    TASK = "task"
    EVENT = "event"
    GATEWAY = "gateway"
    SWIMLANE = "swimlane"
    RECTANGLE = "rectangle"  # a plain box: a task, a sub-process or a frame (decided later)
    DATA_OBJECT = "dataObjectReference"
    DATA_STORE = "dataStoreReference"
    ANNOTATION = "textAnnotation"
    TEXT = "text"
    GROUP = "group"
    MESSAGE = "message"
    MARKER = "marker"
    LABEL = "label"
    GUESS_GATEWAY = "guess-gateway"
    GUESS_EVENT = "guess-event"
    UNKNOWN = "unknown"


def classify(cell: Cell, parent: Cell | None) -> str:
    """The :class:`Kind` of a vertex, from its style alone (containment is judged later)."""
    shape = cell.shape or ""
    if parent is not None and parent.edge:
        return Kind.LABEL
    if shape in ("plus", "mxgraph.bpmn.loop", "mxgraph.bpmn.ad_hoc",
                 "mxgraph.bpmn.compensation") or (
            parent is not None and parent.vertex and cell.geo.get("relative")
            and shape in ("message", *TASK_STENCILS)):
        return Kind.MARKER
    if "edgeLabel" in cell.base:
        return Kind.LABEL
    if shape in ("mxgraph.bpmn.task", "mxgraph.bpmn.task2") or shape in TASK_STENCILS:
        return Kind.TASK
    if shape == "mxgraph.bpmn.event" or shape == "mxgraph.bpmn.timer_start" or (
            shape == "mxgraph.bpmn.shape" and cell.style.get("background") != "gateway"):
        return Kind.EVENT
    if shape in ("mxgraph.bpmn.gateway2", "mxgraph.bpmn.gateway") or (
            shape == "mxgraph.bpmn.shape" and cell.style.get("background") == "gateway"):
        return Kind.GATEWAY
    if shape in _SWIMLANES:
        return Kind.SWIMLANE
    if shape == "message":
        return Kind.MESSAGE
    if shape in _DATA_OBJECTS:
        return Kind.DATA_OBJECT
    if shape in _DATA_STORES:
        return Kind.DATA_STORE
    if shape in _ANNOTATIONS:
        return Kind.ANNOTATION
    if shape == "text" or "text" in cell.base:
        return Kind.TEXT
    if shape == "group" or "group" in cell.base:
        return Kind.GROUP
    if shape in _FLOWCHART_DECISION:
        return Kind.GUESS_GATEWAY
    if shape in _FLOWCHART_EVENT:
        return Kind.GUESS_EVENT
    if not shape or shape in _RECTANGLES:
        return Kind.RECTANGLE
    return Kind.UNKNOWN


def gateway_type(cell: Cell) -> tuple[str, bool, bool]:
    """``(type, instantiate, odd)`` of a gateway cell; ``odd`` when the style is contradictory.

    ``gateway2``: an explicit ``gwType`` of exclusive/parallel/complex/inclusive wins; otherwise
    the renderer draws an event gateway (its default ``gwType``) only when ``outline`` is set:
    ``outline=end;symbol=general`` is inclusive, ``catching``/``standard`` with a multiple
    symbol is event-based, ``outline=none`` (or nothing) is a plain exclusive diamond. Legacy
    ``mxgraph.bpmn.shape;background=gateway`` uses ``symbol=exclusiveGw/parallelGw/complexGw``.
    """
    s = cell.style
    shape = cell.shape
    if shape == "mxgraph.bpmn.gateway":
        return "exclusiveGateway", False, False
    gw = s.get("gwType")
    explicit = {"exclusive": "exclusiveGateway", "parallel": "parallelGateway",
                "complex": "complexGateway", "inclusive": "inclusiveGateway"}
    if gw in explicit:
        return explicit[gw], False, False
    symbol, outline = s.get("symbol", "none"), s.get("outline", "none")
    legacy = {"exclusiveGw": "exclusiveGateway", "parallelGw": "parallelGateway",
              "complexGw": "complexGateway"}
    if symbol in legacy:
        return legacy[symbol], False, False
    if outline == "none" and symbol in ("none", "general"):
        return "exclusiveGateway", False, False
    if outline == "end" and symbol == "general":
        return "inclusiveGateway", False, False
    if outline in ("catching", "standard") and symbol in ("multiple", "parallelMultiple"):
        return "eventBasedGateway", outline == "standard", False
    return "exclusiveGateway", False, True


def event_type(cell: Cell) -> tuple[str, str | None]:
    """``(BPMN event type, event definition kind)`` from ``outline``/``symbol``."""
    if cell.shape == "mxgraph.bpmn.timer_start":
        return "startEvent", "timer"
    outline = cell.style.get("outline", "standard")
    kind = EVENT_SYMBOLS.get(cell.style.get("symbol", "general"))
    return EVENT_OUTLINES.get(outline, "startEvent"), kind


def task_type(cell: Cell) -> str:
    """The activity type a task-like cell draws (markers on child cells are applied later)."""
    s = cell.style
    shape = cell.shape
    if shape in TASK_STENCILS:
        return TASK_STENCILS[shape]
    kind = s.get("bpmnShapeType", "task")
    if kind == "subprocess" or cell.flag("isLoopSub"):
        return "adHocSubProcess" if cell.flag("isAdHoc") else "subProcess"
    if kind == "call":
        return "callActivity"
    if kind == "transaction":
        return "transaction"
    return TASK_MARKERS.get(s.get("taskMarker", "abstract"), "task")


def loop_kind(cell: Cell) -> str | None:
    """``standard``, ``parallel``, ``sequential`` (multi-instance) or ``None``."""
    if cell.flag("isLoopStandard"):
        return "standard"
    if cell.flag("isLoopMultiParallel"):
        return "parallel"
    if cell.flag("isLoopMultiSeq"):
        return "sequential"
    return None


#: Kinds that become flow nodes, and kinds kept as artifacts (arrows to them are associations).
NODE_KINDS = frozenset({Kind.TASK, Kind.EVENT, Kind.GATEWAY, Kind.RECTANGLE, Kind.GUESS_GATEWAY,
                        Kind.GUESS_EVENT, Kind.UNKNOWN})
ARTIFACT_KINDS = frozenset({Kind.DATA_OBJECT, Kind.DATA_STORE, Kind.ANNOTATION, Kind.TEXT,
                            Kind.MESSAGE})
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def ncname(text: str) -> str:
    """``text`` made a valid XML id (NCName): BPMN ids must not start with a digit."""
    if _NCNAME.match(text):
        return text
    out = re.sub(r"[^\w.\-]", "_", text)
    return out if re.match(r"[A-Za-z_]", out) else "_" + out
