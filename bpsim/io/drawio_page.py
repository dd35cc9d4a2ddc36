"""One draw.io page -> one :class:`~bpsim.model.Process`.

The service-desk drawing, read in the order a person would read it:

1. **Shapes.** Every vertex is classified from its style (:func:`drawio_cells.classify`):
   tasks, events, gateways, swimlanes, data, notes, free text. Small icons drawn *inside* a
   task (``+``, an envelope, a user icon) are markers folded into that task; the bands of a
   choreography task fold into it.
2. **Swimlanes.** A swimlane holding swimlanes (or a ``stackLayout`` pool) is a pool and its
   children are lanes ("Agent", "Specialist" ...). A lone swimlane that holds shapes is a
   lane of an implied pool (people draw lanes without a pool; stacked lanes share one unless
   a drawn pool lies between them); a lone empty swimlane that arrows touch, or that stands
   beside drawn pools, is a black-box pool (often "Customer").
3. **Arrows.** Ends are resolved through the folds; an end drawn loose (only a point) snaps
   to a shape within :data:`SNAP` pixels, else the arrow is dropped. Each is then a sequence
   flow, a message flow (dashed with a circle at the start, or dashed between pools) or an
   association (it touches a note, data or text, or is dashed without an arrow head).
4. **Boxes.** A plain rectangle is a task, unless it holds other shapes: then it is an
   expanded sub-process when arrows touch it, else a frame drawn around a process (read as
   a pool, named by the rotated text in it). A container folded in draw.io
   (``collapsed="1"``) is a collapsed sub-process holding its child cells, wherever their
   geometry lies; hidden shapes are compared by geometry only with each other.
5. **Where each node sits.** Its lane, pool and sub-process come from the parent chain, else
   from geometry; an event drawn on a task's border is a boundary event of that task.

Steps 2 and 5's lane lookups live in :mod:`bpsim.io.drawio_lanes`, step 3 and the routing of
the diagram in :mod:`bpsim.io.drawio_arrows`; the shape vocabulary in
:mod:`bpsim.io.drawio_cells`.
"""

from __future__ import annotations

from typing import Any

from bpsim._names import first_free
from bpsim.io.drawio_arrows import SNAP, Arrows
from bpsim.io.drawio_cells import (
    ARTIFACT_KINDS,
    NODE_KINDS,
    Cell,
    Kind,
    classify,
    event_type,
    gateway_type,
    loop_kind,
    ncname,
    parse_cells,
    task_type,
)
from bpsim.io.drawio_geometry import BoxIndex, border_distance, contains
from bpsim.io.drawio_lanes import Swimlanes
from bpsim.model import ACTIVITY_TYPES, Bounds, Finding, Process

__all__ = ["read_page", "SNAP"]

_TIMER_KEYS = ("timeDuration", "timeDate", "timeCycle")


def read_page(model: Any, *, index: int = 0, name: str | None = None,
              page_id: str | None = None, file: str | None = None,
              with_lines: bool = False) -> Process:
    """Read one decoded ``<mxGraphModel>`` into a process (see the module docstring)."""
    return _Page(model, index, name, page_id, file, with_lines).read()


class _Page(Swimlanes, Arrows):
    def __init__(self, model: Any, index: int, name: str | None, page_id: str | None,
                 file: str | None, with_lines: bool) -> None:
        self.cells = parse_cells(model, with_lines)
        self.index, self.page, self.file = index, name, file
        self.token = ncname(page_id) if page_id else f"page{index + 1}"
        self.p = Process(source=file)
        self.p.format = "drawio"
        self.kind: dict[str, str] = {}
        self.fold: dict[str, str] = {}  # marker / band / label cell -> the cell it belongs to
        self.ids: dict[str, str] = {}  # cell id -> XML-safe element id
        self.used: set[str] = set()
        self.labels: dict[str, list[str]] = {}  # edge cell -> label texts of its child cells
        self.markers: dict[str, list[Cell]] = {}
        self.node_type: dict[str, str] = {}
        self.pools: dict[str, dict[str, Any]] = {}  # pool cell -> {name, lanes, process, ...}
        self.lane_pool: dict[str, str] = {}
        self.lane_parent: dict[str, str | None] = {}
        self.implied: str | None = None
        self.frames: set[str] = set()
        self.consumed: set[str] = set()
        self.edges: list[tuple[Cell, str, str]] = []
        self._anc: dict[str, tuple[str, ...]] = {}
        self._folded: dict[str, str | None] = {}
        self._desc: dict[str, list[str]] | None = None
        self._containers: dict[str, list[str]] | None = None
        self._indexes: dict[str, BoxIndex] = {}

    def finding(self, rule: str, severity: str, cell: Cell | None, message: str) -> None:
        self.p.findings.append(Finding(
            rule, severity, cell.id if cell else None, cell.label if cell else None, message,
            line=cell.line if cell else None, file=self.file, page=self.page))

    def eid(self, cell_id: str) -> str:
        """An XML-safe id (an NCName) for a cell, unique on the page."""
        if cell_id not in self.ids:
            out = first_free(ncname(cell_id), self.used)
            self.used.add(out)
            self.ids[cell_id] = out
        return self.ids[cell_id]

    def ancestor_ids(self, cell: Cell) -> tuple[str, ...]:
        """Ids of the cell's parent, grandparent ... (cached; a parent cycle stops the walk)."""
        ids = self._anc.get(cell.id)
        if ids is None:
            seen, out = {cell.id}, []
            parent = self.cells.get(cell.parent) if cell.parent else None
            while parent is not None and parent.id not in seen:
                seen.add(parent.id)
                out.append(parent.id)
                parent = self.cells.get(parent.parent) if parent.parent else None
            ids = self._anc[cell.id] = tuple(out)
        return ids

    def ancestors(self, cell: Cell) -> list[Cell]:
        return [self.cells[i] for i in self.ancestor_ids(cell)]

    def descendants(self, cell_id: str) -> list[str]:
        """Ids of the candidate nodes whose parent chain passes through ``cell_id``."""
        if self._desc is None:
            self._desc = {}
            for n in self.candidates():
                for a in self.ancestor_ids(n):
                    self._desc.setdefault(a, []).append(n.id)
        return self._desc.get(cell_id, [])

    def describe(self, cell_id: str) -> str:
        cell = self.cells[cell_id]
        return f"{cell_id} ({cell.label!r})" if cell.label else cell_id

    def read(self) -> Process:
        self.classify()
        self.swimlanes()
        self.resolve_edges()
        self.boxes()
        self.pools_and_processes()
        self.nodes()
        self.flows()
        self.fix_event_kinds()
        self.lanes()
        self.artifacts()
        self.diagram()
        names = [i.name for i in self.p.processes.values() if i.name]
        self.p.name = names[0] if names else self.page
        return self.p

    def classify(self) -> None:
        cells = self.cells
        for cell in cells.values():
            if not cell.vertex:
                continue
            parent = cells.get(cell.parent) if cell.parent else None
            kind = classify(cell, parent)
            self.kind[cell.id] = kind
            if kind == Kind.LABEL and parent is not None and parent.edge:
                self.fold[cell.id] = parent.id
                if cell.label:
                    self.labels.setdefault(parent.id, []).append(cell.label)
            elif kind == Kind.MARKER and parent is not None:
                self.fold[cell.id] = parent.id
                self.markers.setdefault(parent.id, []).append(cell)
        for cell in cells.values():  # choreography task: a box of bands around a task
            if self.kind.get(cell.id) != Kind.RECTANGLE or cell.style.get("childLayout") != \
                    "stackLayout":
                continue
            kids = [cells[c] for c in cell.children if cells[c].vertex]
            tasks = [k for k in kids if self.kind.get(k.id) == Kind.TASK]
            bands = [k for k in kids if k.style.get("shape") == "mxgraph.basic.rect"]
            if len(tasks) == 1 and bands:
                self.kind[cell.id] = Kind.TASK
                cell.label = tasks[0].label
                cell.style = {**tasks[0].style, "choreography": "1"}
                cell.attributes = {**tasks[0].attributes, **cell.attributes,
                                   "participants": ", ".join(b.label or "" for b in bands)}
                for k in kids:
                    self.fold[k.id] = cell.id
                    self.kind[k.id] = Kind.MARKER
                self.finding("drawio-choreography", "info", cell,
                             "a choreography task: read as one task (bpsim simulates "
                             "orchestrations, not choreographies).")

    def candidates(self) -> list[Cell]:
        return [c for c in self.cells.values()
                if self.kind.get(c.id) in NODE_KINDS and c.id not in self.fold]

    def boxes(self) -> None:
        """Decide what rectangles and unknown shapes are; find what each box holds."""
        nodes = self.candidates()
        flowing: set[str] = set()
        for _e, src, tgt in self.edges:
            if self.kind.get(src) not in ARTIFACT_KINDS and \
                    self.kind.get(tgt) not in ARTIFACT_KINDS:
                flowing.update((src, tgt))
        self.holds: dict[str, list[str]] = {}
        index = BoxIndex((n.id, n.bounds) for n in nodes)
        for c in nodes:
            kind = self.kind[c.id]
            if kind not in (Kind.RECTANGLE, Kind.TASK) or c.bounds is None:
                continue
            if c.collapsed:  # folded: what it holds is its child cells, wherever they lie
                inside = list(self.descendants(c.id))
            else:
                fold = self.folded_in(c)  # geometry only compares shapes shown together
                hits = []
                for b, keys in index.query_groups(c.bounds, 0.5):
                    # a shape drawn exactly over another is on top of it, not inside it
                    if b == c.bounds or not contains(c.bounds, b):
                        continue
                    for seq, nid in keys:
                        n = self.cells[nid]
                        if self.folded_in(n) == fold and (
                                c.id in self.ancestor_ids(n)
                                or not any(self.kind.get(a) in NODE_KINDS
                                           for a in self.ancestor_ids(n))):
                            hits.append((seq, nid))
                inside = [nid for _, nid in sorted(hits)]
            if inside:
                self.holds[c.id] = inside
        for c in nodes:
            kind = self.kind[c.id]
            if kind == Kind.RECTANGLE:
                if c.id in self.holds and c.id not in flowing and not c.collapsed:
                    in_lane = any(self.kind.get(a.id) == Kind.SWIMLANE for a in self.ancestors(c))
                    if not in_lane:
                        self.frames.add(c.id)
                        continue
                if c.id in self.holds:
                    self.node_type[c.id] = "subProcess"
                elif c.label or c.id in flowing or c.id in self.markers:
                    self.node_type[c.id] = "task"
                else:
                    self.finding("drawio-unknown-shape", "warning", c,
                                 "an empty box with no arrows; not read.")
            elif kind == Kind.UNKNOWN:
                if c.id in flowing:
                    self.node_type[c.id] = "task"
                    self.finding("drawio-unknown-shape", "warning", c,
                                 f"shape {c.shape!r} is not a BPMN shape; read as a task "
                                 "because arrows connect it.")
                else:
                    self.finding("drawio-unknown-shape", "warning", c,
                                 f"shape {c.shape!r} is not a BPMN shape and no arrow connects "
                                 "it; not read.")
            elif kind == Kind.TASK:
                self.node_type[c.id] = task_type(c)
                if c.id in self.holds and self.node_type[c.id] == "task":
                    self.node_type[c.id] = "subProcess"
            elif kind == Kind.GATEWAY:
                gtype, _, odd = gateway_type(c)
                self.node_type[c.id] = gtype
                if odd:
                    self.finding("drawio-odd-gateway", "warning", c,
                                 f"gateway style outline={c.style.get('outline')!r} "
                                 f"symbol={c.style.get('symbol')!r} draws no BPMN gateway "
                                 "marker; read as an exclusive gateway.")
            elif kind == Kind.GUESS_GATEWAY:
                self.node_type[c.id] = "exclusiveGateway"
                self.finding("drawio-guessed-shape", "info", c,
                             f"a flowchart {c.shape!r} shape; read as an exclusive gateway.")
            elif kind == Kind.EVENT:
                self.node_type[c.id] = event_type(c)[0]
            elif kind == Kind.GUESS_EVENT:
                self.node_type[c.id] = "event?"
        for c in nodes:  # markers drawn inside a task decide its type
            t = self.node_type.get(c.id)
            if t is None or t not in ACTIVITY_TYPES:
                continue
            shapes = {m.shape for m in self.markers.get(c.id, [])}
            if "plus" in shapes and t not in ("subProcess", "adHocSubProcess", "transaction",
                                              "callActivity"):
                self.node_type[c.id] = "subProcess"
            elif t == "task" and "message" in shapes:
                m = next(m for m in self.markers[c.id] if m.shape == "message")
                fill = m.style.get("fillColor", "").lower()
                self.node_type[c.id] = "sendTask" if fill in ("#000000", "#000", "black") \
                    else "receiveTask"
            elif t == "task" and shapes & {"mxgraph.bpmn.user_task"}:
                self.node_type[c.id] = "userTask"
        for f in self.frames:
            self.finding("drawio-guessed-shape", "info", self.cells[f],
                         "a box drawn around other shapes with no arrows of its own; read as a "
                         "pool. Draw pools with draw.io's Pool/Lane shapes to say so.")

    def nodes(self) -> None:
        g = self.p.graph
        self.attached: dict[str, str] = {}
        activities = [c for c, t in self.node_type.items() if t in ACTIVITY_TYPES]
        act_index = BoxIndex((a, self.cells[a].bounds) for a in activities)
        for cid, t in self.node_type.items():  # boundary events
            cell = self.cells[cid]
            if self.kind[cid] != Kind.EVENT or cell.bounds is None:
                continue
            parent = self.cells.get(cell.parent) if cell.parent else None
            host = None
            if parent is not None and self.node_type.get(parent.id) in ACTIVITY_TYPES and \
                    parent.id not in self.holds:
                host = parent.id
            else:
                r = min(cell.bounds.width, cell.bounds.height) / 2
                best = None
                fold = self.folded_in(cell)
                center = cell.bounds.center
                for ab, keys in act_index.query_groups(Bounds(*center, 0, 0), r):
                    d = border_distance(center, ab)
                    if not d < r:
                        continue
                    for seq, a in keys:  # the first of a pile of identical shapes
                        if a != cid and self.folded_in(self.cells[a]) == fold:
                            if best is None or (d, seq) < best[:2]:
                                best = (d, seq, a)
                            break
                host = best[2] if best else None
            outline = cell.style.get("outline")
            if host is not None:
                self.attached[cid] = host
                if t != "boundaryEvent" and cell.shape != "mxgraph.bpmn.timer_start":
                    self.finding("drawio-boundary", "info", cell,
                                 f"an event drawn as outline={outline or 'standard'!r} sits on "
                                 f"the border of {self.describe(host)}; read as a boundary "
                                 "event of that activity.")
                self.node_type[cid] = "boundaryEvent"
            elif t == "boundaryEvent":
                self.node_type[cid] = "intermediateCatchEvent"
                self.finding("drawio-boundary", "warning", cell,
                             "a boundary-event shape that touches no task's border; read as an "
                             "intermediate catch event. Drag it onto the task's border to "
                             "attach it.")
        self.parent_of: dict[str, str | None] = {}
        for cid in self.node_type:
            cell = self.cells[cid]
            host = self.attached.get(cid)
            self.parent_of[cid] = self.subprocess_of(self.cells[host] if host else cell)
        for cid, t in self.node_type.items():
            cell = self.cells[cid]
            ref = self.attached.get(cid, cid)
            pool = self.pool_of(self.cells[ref])
            process = self.pool_process.get(pool) if pool is not None else None
            if process is None:
                process = self.default_process()
            attrs: dict[str, Any] = {
                "type": t, "name": cell.label, "lane": None, "process": process,
                "parent": None, "line": cell.line, "event": None, "events": [],
                "timer": None, "default": None, "attached_to": None, "cancel_activity": None,
                "interrupting": None, "triggered_by_event": None, "called_element": None,
                "loop": loop_kind(cell), "extensions": [],
                "attributes": dict(cell.attributes), "cell": cid, "page": self.page,
            }
            lane = self.lane_of(self.cells[ref])
            attrs["lane"] = self.eid(lane) if lane else None
            if self.kind[cid] in (Kind.EVENT, Kind.GUESS_EVENT):
                self.event_attrs(cell, attrs)
            if t in ("subProcess", "adHocSubProcess", "transaction"):
                outline = cell.style.get("outline")
                attrs["triggered_by_event"] = outline in ("eventInt", "eventNonint")
            if t == "callActivity":
                attrs["called_element"] = cell.attributes.get("calledElement")
            if t.endswith("Gateway"):
                attrs["gateway_direction"] = None
                if t == "eventBasedGateway":
                    attrs["instantiate"] = gateway_type(cell)[1]
            if cell.style.get("choreography"):
                attrs["choreography"] = True
            g.add_node(self.eid(cid), **attrs)
        for cid, parent_id in self.parent_of.items():
            g.nodes[self.eid(cid)]["parent"] = self.eid(parent_id) if parent_id else None

    def folded_in(self, cell: Cell) -> str | None:
        """The outermost collapsed container holding ``cell`` (its child cells keep their
        geometry relative to the folded box, so they are compared only with each other), or
        ``None`` for a shape on show."""
        if cell.id not in self._folded:
            out = None
            for a in self.ancestor_ids(cell):
                if self.cells[a].collapsed:
                    out = a
            self._folded[cell.id] = out
        return self._folded[cell.id]

    def subprocess_of(self, cell: Cell) -> str | None:
        for a in self.ancestors(cell):
            if a.id in self.holds and self.node_type.get(a.id) in ACTIVITY_TYPES:
                return a.id
        if self._containers is None:  # node -> the sub-processes holding it, in order
            self._containers = {}
            for sp, inside in self.holds.items():
                if self.node_type.get(sp) in ACTIVITY_TYPES:
                    for n in inside:
                        self._containers.setdefault(n, []).append(sp)
        best = None
        for sp in self._containers.get(cell.id, ()):
            b = self.cells[sp].bounds
            if b is None:  # a folded container drawn without geometry: no size to compare
                continue
            if best is None or b.width * b.height < best[0]:
                best = (b.width * b.height, sp)
        return best[1] if best else None

    def event_attrs(self, cell: Cell, attrs: dict[str, Any]) -> None:
        kind = event_type(cell)[1] if self.kind[cell.id] == Kind.EVENT else None
        attrs["event"] = kind
        attrs["events"] = [] if kind in (None, "multiple") else [kind]
        for key in _TIMER_KEYS:
            if cell.attributes.get(key):
                attrs["timer"] = {"kind": key, "value": cell.attributes[key]}
                break
        t = attrs["type"]
        outline = cell.style.get("outline")
        if t == "startEvent":
            attrs["interrupting"] = outline != "eventNonint"
        if t == "boundaryEvent":
            attrs["attached_to"] = self.eid(self.attached[cell.id])
            attrs["cancel_activity"] = not (outline == "boundNonint" or cell.dashed)
        if cell.style.get("symbol") == "parallelMultiple":
            attrs["parallel_multiple"] = True

    def fix_event_kinds(self) -> None:
        """Where an event's arrows contradict its outline, the arrows win (with a finding)."""
        g = self.p.graph
        for cid, t in list(self.node_type.items()):
            nid = self.eid(cid)
            node = g.nodes[nid]
            ins, outs = g.in_degree(nid), g.out_degree(nid)
            cell = self.cells[cid]
            new = None
            if t == "event?":
                new = ("startEvent" if ins == 0 else "endEvent" if outs == 0
                       else "intermediateThrowEvent")
                self.finding("drawio-guessed-shape", "info", cell,
                             f"a flowchart {cell.shape!r} shape; read as {_a(new)}.")
            elif t == "startEvent" and ins:
                new = "intermediateCatchEvent"
            elif t == "endEvent" and outs:
                new = "intermediateThrowEvent"
            if new is not None:
                if t != "event?":
                    self.finding("drawio-event-kind", "info", cell,
                                 f"drawn as {_a(t)} but arrows {'enter' if ins else 'leave'} it; "
                                 f"read as {_a(new)}.")
                node["type"] = new
                node["interrupting"] = True if new == "startEvent" else None
            if node.get("triggered_by_event") and (ins or outs):
                node["triggered_by_event"] = False
                self.finding("drawio-event-subprocess", "warning", cell,
                             "drawn as an event sub-process, but sequence flows connect it; "
                             "read as a plain sub-process.")

    def artifacts(self) -> None:
        art = self.p.artifacts
        for c in self.cells.values():
            kind = self.kind.get(c.id)
            if kind not in ARTIFACT_KINDS or c.id in self.fold or c.id in self.consumed:
                continue
            if kind == Kind.TEXT:
                if not c.label:
                    continue
                self.finding("drawio-text", "info", c,
                             "free text on the drawing, tied to no shape; kept as a text "
                             "annotation.")
            pool = self.pool_of(c)
            entry = {"type": Kind.ANNOTATION if kind == Kind.TEXT else kind, "name": c.label,
                     "process": self.pool_process.get(pool) if pool else None,
                     "parent": None, "line": c.line, "cell": c.id, "page": self.page}
            if entry["type"] == Kind.ANNOTATION:
                entry["text"] = c.label
            art[self.eid(c.id)] = entry
        for e, s, t in self.associations:
            def ref(x: str) -> str:
                return self.eid(self.pool_end(x))
            art[self.eid(e.id)] = {"type": "association", "name": e.label, "sourceRef": ref(s),
                                   "targetRef": ref(t), "process": None, "parent": None,
                                   "line": e.line, "cell": e.id, "page": self.page}


def _a(word: str) -> str:
    """``word`` with its indefinite article: "an endEvent", "a startEvent"."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word
