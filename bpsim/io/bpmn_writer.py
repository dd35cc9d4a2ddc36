"""Write a process as BPMN 2.0 XML that bpmn.io and Camunda Modeler open laid out.

A service desk that drew its ticket flow in draw.io can hand the same model to a BPMN tool:
``bpsim convert service_desk.drawio -o service_desk.bpmn`` writes the pool "Service desk", its
lanes (Customer, Agent, Specialist, Ticketing system), every task, event and gateway, the
Yes/No flows, the boundary timer on "Resolve as specialist", and the diagram interchange (DI)
so the drawing opens where the user put it.

What is written
---------------
* ``bpmn:`` prefixed elements in the BPMN 2.0 model namespace, with ``bpmndi``/``dc``/``di``
  for the drawing (the layout Camunda Modeler uses).
* A ``collaboration`` with one ``participant`` per pool whenever there are pools, lanes or
  message flows; a process with lanes but no pool gets a pool named after it (modellers draw
  lanes inside a pool); other pool-less processes stay pool-less, as in the source (bpmn.io
  draws them too). ``messageFlow`` elements between pools.
* Each ``process`` with its ``laneSet`` (nested lanes as ``childLaneSet``), flow nodes with
  ``incoming``/``outgoing``, event definitions (timer values as ``tFormalExpression``, link
  names, conditional-event conditions, and the ``messageRef``/``signalRef``/``errorRef``/
  ``escalationRef``/``activityRef`` the reader kept, written as they were), the global
  ``message``/``signal``/``error``/``escalation`` definitions they point to,
  ``gatewayDirection``, gateway and activity ``default`` flows, sub-processes with their children, boundary events
  (``attachedToRef``, ``cancelActivity``), call activities (``calledElement``), loop markers,
  sequence flows with names and ``conditionExpression``; text annotations, data object and
  data store references, and associations between elements that were written.
* DI: every pool, lane, node and kept artifact gets a ``BPMNShape`` (``isHorizontal`` for
  pools and lanes, ``isExpanded`` for sub-processes); every flow a ``BPMNEdge`` with the
  drawing's waypoints, or right-angled ones routed between the shapes' borders. A collapsed
  sub-process that has children gets a plane of its own (bpmn.io's drill-down).
  Shapes the process has no position for are placed by :func:`bpsim.modeling.layout`.

Vendor extensions: a node's ``extensions`` (raw ``extensionElements`` children kept by the
BPMN reader) are re-emitted when they parse as safe XML; vendor attributes in a namespace
(``camunda:asyncBefore``, ``bioc:stroke`` ...) are kept. Plain draw.io custom properties (no
namespace) and data input/output associations are not written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lxml import etree

from bpsim import __version__
from bpsim._atomic import write_bytes
from bpsim._names import first_free
from bpsim.errors import BpsimError
from bpsim.io.drawio_geometry import orthogonal_route, union
from bpsim.io.safexml import parse_xml
from bpsim.model import (
    ACTIVITY_TYPES,
    EVENT_TYPES,
    FLOW_NODE_TYPES,
    SUBPROCESS_TYPES,
    Bounds,
    Diagram,
    Participant,
    Process,
)

__all__ = ["write_bpmn", "generate_bpmn"]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI}
_SKIP_ATTR_NS = (BPMN, XSI)
_DEFINITION_KINDS = ("message", "signal", "error", "escalation")
#: Which event definition carries which reference attribute.
_REF_KIND = {"messageRef": "message", "operationRef": "message", "signalRef": "signal",
             "errorRef": "error", "escalationRef": "escalation", "activityRef": "compensate"}
_KEEP_ARTIFACTS = ("textAnnotation", "dataObject", "dataObjectReference", "dataStoreReference",
                   "group")


def _q(tag: str, ns: str = BPMN) -> str:
    return f"{{{ns}}}{tag}"


def write_bpmn(process: Process, path: str | os.PathLike) -> Path:
    """Write ``process`` to ``path`` as BPMN 2.0 XML with DI, atomically.

    Parameters
    ----------
    process : Process
        Any process: read from BPMN or draw.io, or built in code.
    path : path
        The ``.bpmn`` file to write (replaced whole, or left untouched on error).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import bpsim
    >>> p = bpsim.read("models/service_desk.drawio")                 # doctest: +SKIP
    >>> bpsim.write_bpmn(p, "service_desk.bpmn")                      # doctest: +SKIP
    """
    from bpsim._checks import require_process

    require_process(process, "bpsim.write_bpmn")
    return write_bytes(path, generate_bpmn(process))


def generate_bpmn(process: Process) -> bytes:
    """The BPMN 2.0 XML document for ``process`` (UTF-8 bytes; see :func:`write_bpmn`)."""
    return _Writer(process).write()


def _grid_layout(process: Process) -> Diagram:
    """A plain grid (used only when :mod:`bpsim.modeling.layout` is unavailable)."""
    d = Diagram(shapes=dict(process.diagram.shapes), edges=dict(process.diagram.edges),
                expanded=dict(process.diagram.expanded),
                horizontal=dict(process.diagram.horizontal))
    bottom = max((b.y + b.height for b in d.shapes.values()), default=0.0) + 60
    for i, (n, t) in enumerate(process.graph.nodes(data="type")):
        if n not in d.shapes:
            w, h = (100.0, 80.0) if t in ACTIVITY_TYPES else (36.0, 36.0)
            d.shapes[n] = Bounds(100 + 150 * (i % 10), bottom + 130 * (i // 10), w, h)
    return d


class _Writer:
    def __init__(self, process: Process) -> None:
        self.p = process
        self.g = process.graph
        self.written: set[str] = set()
        self.diagram = self.complete_diagram()
        self.pool_of_process: dict[str, str] = {}
        self.home = self.artifact_homes()
        p = process
        self.taken = set(self.g) | set(p.flows) | set(p.lanes) | set(p.participants) \
            | set(p.processes) | set(p.message_flows) | set(p.artifacts) | set(p.definitions)
        self.incoming: dict[str, list[str]] = {}
        self.outgoing: dict[str, list[str]] = {}
        for f in p.flows.values():
            if f.source in self.g and f.target in self.g:
                self.incoming.setdefault(f.target, []).append(f.id)
                self.outgoing.setdefault(f.source, []).append(f.id)

    # -- diagram ---------------------------------------------------------------------------
    def complete_diagram(self) -> Diagram:
        p, d = self.p, self.p.diagram
        wanted = list(p.graph) + list(p.lanes) + list(p.participants)
        if all(k in d.shapes for k in wanted) and all(f in d.edges for f in p.flows):
            return d
        try:
            from bpsim.modeling.layout import layout
        except ImportError:
            return _grid_layout(p)
        return layout(p)

    def artifact_homes(self) -> dict[str, str | None]:
        """The process each artifact is written in: its own, else that of a node it annotates,
        else the first process."""
        p, g = self.p, self.g
        first = next(iter(p.processes), None) or next(
            (d.get("process") for _, d in g.nodes(data=True) if d.get("process")), None)
        home: dict[str, str | None] = {}
        for aid, a in p.artifacts.items():
            home[aid] = a.get("process")
        for _aid, a in p.artifacts.items():
            if a.get("type") != "association":
                continue
            s, t = a.get("sourceRef"), a.get("targetRef")
            for mine, other in ((s, t), (t, s)):
                if mine in home and home[mine] is None and other in g:
                    home[mine] = g.nodes[other].get("process")
        for aid in home:
            if home[aid] is None and p.artifacts[aid].get("type") != "association":
                home[aid] = first
        return home

    def bounds(self, key: str) -> Bounds | None:
        return self.diagram.shapes.get(key)

    # -- document --------------------------------------------------------------------------
    def write(self) -> bytes:
        p = self.p
        root = etree.Element(_q("definitions"), nsmap=NSMAP)
        root.set("id", "Definitions_bpsim")
        root.set("targetNamespace", "http://bpmn.io/schema/bpmn")
        root.set("exporter", "bpsim")
        root.set("exporterVersion", __version__)
        for did, entry in p.definitions.items():
            kind = entry.get("type")
            if kind in _DEFINITION_KINDS and did:
                el = etree.SubElement(root, _q(kind), id=did)
                if entry.get("name"):
                    el.set("name", entry["name"])
                for key in ("errorCode", "escalationCode", "structureRef", "itemRef"):
                    if entry.get(key):
                        el.set(key, entry[key])
                self.written.add(did)
        processes = [pid for pid in p.processes]
        for pid in {d.get("process") for _, d in self.g.nodes(data=True)} - set(processes):
            if pid:
                processes.append(pid)
        participants = dict(p.participants)
        shown = {pt.process for pt in participants.values() if pt.process}
        laned = {lane.process for lane in p.lanes.values()} - shown
        collab = None
        if participants or p.message_flows or laned:
            collab = etree.SubElement(root, _q("collaboration"), id=self.fresh("Collaboration_1"))
            for pid in processes:  # lanes are drawn inside a pool: give them one
                if pid in laned:
                    info = p.processes.get(pid)
                    name = info.name if info else None
                    part_id = self.fresh(f"Participant_{pid}")
                    participants[part_id] = Participant(part_id, name, pid)
            for pt in participants.values():
                el = etree.SubElement(collab, _q("participant"), id=pt.id)
                if pt.name:
                    el.set("name", pt.name)
                if pt.process:
                    el.set("processRef", pt.process)
                    self.pool_of_process.setdefault(pt.process, pt.id)
                self.written.add(pt.id)
        self.participants = participants
        for pid in processes:
            self.process(root, pid)
        if collab is not None:
            for m in p.message_flows.values():
                if m.source in self.written and m.target in self.written:
                    el = etree.SubElement(collab, _q("messageFlow"), id=m.id, sourceRef=m.source,
                                          targetRef=m.target)
                    if m.name:
                        el.set("name", m.name)
                    if m.message:
                        el.set("messageRef", m.message)
                    self.written.add(m.id)
        first = root.find(_q("process"))
        self.loose_artifacts(collab if collab is not None else first if first is not None
                             else root)
        plane_owner = collab.get("id") if collab is not None else (processes[0] if processes
                                                                   else "Process_1")
        self.di(root, plane_owner)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def fresh(self, wanted: str) -> str:
        """An id not used by the process nor by anything written so far."""
        out = first_free(wanted, self.taken, self.written)
        self.taken.add(out)
        return out

    def nodes_of(self, pid: str, parent: str | None = None) -> list[str]:
        return [n for n, d in self.g.nodes(data=True)
                if d.get("process") == pid and d.get("parent") == parent]

    # -- processes -------------------------------------------------------------------------
    def process(self, root: Any, pid: str) -> None:
        info = self.p.processes.get(pid)
        el = etree.SubElement(root, _q("process"), id=pid)
        if info is not None and info.name:
            el.set("name", info.name)
        executable = info.executable if info is not None else None
        el.set("isExecutable", "true" if executable else "false")
        self.written.add(pid)
        top = [lane for lane in self.p.lanes.values() if lane.process == pid and not lane.parent]
        if top:
            self.lane_set(el, top, "LaneSet_" + pid)
        self.scope(el, pid, None)

    def lane_set(self, parent: Any, lanes: list, set_id: str, child: bool = False) -> None:
        ls = etree.SubElement(parent, _q("childLaneSet" if child else "laneSet"),
                              id=self.fresh(set_id))
        if child:
            ls.set(_q("type", XSI), "bpmn:tLaneSet")
        for lane in lanes:
            el = etree.SubElement(ls, _q("lane"), id=lane.id)
            if lane.name:
                el.set("name", lane.name)
            self.written.add(lane.id)
            seen = set()
            for n in lane.nodes:
                if n in self.g and n not in seen:
                    seen.add(n)
                    etree.SubElement(el, _q("flowNodeRef")).text = n
            kids = [self.p.lanes[c] for c in lane.children if c in self.p.lanes]
            if kids:
                self.lane_set(el, kids, "LaneSet_" + lane.id, child=True)

    def scope(self, container: Any, pid: str, parent: str | None) -> None:
        """Flow nodes, sequence flows and artifacts of a process or sub-process."""
        members = self.nodes_of(pid, parent)
        for n in members:
            self.node(container, n, pid)
        member_set = set(members)
        for f in self.p.flows.values():
            if f.source in member_set and f.target in self.g:
                el = etree.SubElement(container, _q("sequenceFlow"), id=f.id, sourceRef=f.source,
                                      targetRef=f.target)
                if f.name:
                    el.set("name", f.name)
                if f.condition or f.conditional:
                    cond = etree.SubElement(el, _q("conditionExpression"))
                    cond.set(_q("type", XSI), "bpmn:tFormalExpression")
                    if f.condition_language:
                        cond.set("language", f.condition_language)
                    cond.text = f.condition or None
                self.written.add(f.id)
        for aid, a in self.p.artifacts.items():
            if a.get("type") in _KEEP_ARTIFACTS and self.home.get(aid) == pid and \
                    a.get("parent") == parent:
                self.artifact(container, aid, a)

    def node(self, container: Any, n: str, pid: str) -> None:
        d = self.g.nodes[n]
        kind = d.get("type") if d.get("type") in FLOW_NODE_TYPES else "task"
        el = etree.SubElement(container, _q(kind), id=n)
        self.written.add(n)
        if d.get("name"):
            el.set("name", d["name"])
        for key, value in (d.get("attributes") or {}).items():
            if key.startswith("{") and not key[1:].startswith(_SKIP_ATTR_NS) and value is not None:
                try:
                    el.set(key, str(value))
                except (ValueError, TypeError):
                    pass
        self.extensions(el, d.get("extensions") or [])
        default = self.default_of(n)
        if kind in EVENT_TYPES:
            if kind == "boundaryEvent":
                if d.get("attached_to"):
                    el.set("attachedToRef", d["attached_to"])
                if d.get("cancel_activity") is False:
                    el.set("cancelActivity", "false")
            if kind == "startEvent" and d.get("interrupting") is False:
                el.set("isInterrupting", "false")
            if d.get("parallel_multiple"):
                el.set("parallelMultiple", "true")
        elif kind.endswith("Gateway"):
            if d.get("gateway_direction"):
                el.set("gatewayDirection", str(d["gateway_direction"]))
            if default:
                el.set("default", default)
            if kind == "eventBasedGateway" and d.get("instantiate"):
                el.set("instantiate", "true")
        else:
            if default:
                el.set("default", default)
            if kind in SUBPROCESS_TYPES and d.get("triggered_by_event"):
                el.set("triggeredByEvent", "true")
            if kind == "callActivity" and d.get("called_element"):
                el.set("calledElement", d["called_element"])
            if kind == "receiveTask" and d.get("instantiate"):
                el.set("instantiate", "true")
            if kind in ("sendTask", "receiveTask") and d.get("message_ref"):
                el.set("messageRef", d["message_ref"])
        for fid in self.incoming.get(n, []):
            etree.SubElement(el, _q("incoming")).text = fid
        for fid in self.outgoing.get(n, []):
            etree.SubElement(el, _q("outgoing")).text = fid
        if kind in EVENT_TYPES:
            self.event_definitions(el, d)
        if kind in ACTIVITY_TYPES:
            self.loop(el, d)
        if kind in SUBPROCESS_TYPES:
            self.scope(el, pid, n)

    def default_of(self, n: str) -> str | None:
        default = self.g.nodes[n].get("default")
        if default in self.p.flows and self.p.flows[default].source == n:
            return default
        return next((f for f in self.outgoing.get(n, []) if self.p.flows[f].default), None)

    def extensions(self, el: Any, raw: list[str]) -> None:
        parsed: list[Any] = []  # lxml elements
        for text in raw:
            try:
                ext = parse_xml(text.encode("utf-8") if isinstance(text, str) else text)
            except BpsimError:
                continue  # not safe or not well-formed on its own: dropped (documented)
            if etree.QName(ext).localname == "extensionElements":
                parsed.extend(c for c in ext if isinstance(c.tag, str))
            else:
                parsed.append(ext)
        if parsed:
            holder = etree.SubElement(el, _q("extensionElements"))
            for ext in parsed:
                holder.append(ext)

    def event_definitions(self, el: Any, d: dict[str, Any]) -> None:
        """One ``<...EventDefinition>`` per kind, with the references the reader kept
        (``event_refs``: ``messageRef``, ``signalRef``, ``errorRef``, ``escalationRef``,
        ``activityRef`` ...) written as they were, and the link name."""
        kinds = list(d.get("events") or [])
        if not kinds and d.get("event") and d["event"] != "multiple":
            kinds = [d["event"]]
        refs = dict(d.get("event_refs") or {})
        written = []
        for kind in kinds:
            tag = "compensateEventDefinition" if kind == "compensate" else f"{kind}EventDefinition"
            de = etree.SubElement(el, _q(tag),
                                  id=self.fresh(f"{kind.capitalize()}Def_{el.get('id')}"))
            written.append((kind, de))
            self.written.add(de.get("id"))
            for key in [k for k, owner in _REF_KIND.items() if owner == kind and k in refs]:
                de.set(key, str(refs.pop(key)))
            if kind == "timer" and d.get("timer"):
                t = etree.SubElement(de, _q(d["timer"].get("kind") or "timeDuration"))
                t.set(_q("type", XSI), "bpmn:tFormalExpression")
                t.text = d["timer"].get("value") or None
            elif kind == "conditional" and d.get("condition", "") is not None:
                # condition=None: the BPMN source had no <condition> element: none written
                c = etree.SubElement(de, _q("condition"))
                c.set(_q("type", XSI), "bpmn:tFormalExpression")
                if d.get("condition"):
                    c.text = d["condition"]
            elif kind == "link":
                # the BPMN reader says link_name=None for an unnamed link: keep it unnamed;
                # draw.io has no link name, its label plays the part (as the validator reads it)
                name = d["link_name"] if "link_name" in d else d.get("name")
                if name:
                    de.set("name", name)
        for key, value in refs.items():  # a reference of no known kind: on the first one
            if written and key not in _REF_KIND and value:
                written[0][1].set(key, str(value))

    def loop(self, el: Any, d: dict[str, Any]) -> None:
        loop = d.get("loop")
        if loop == "standard":
            etree.SubElement(el, _q("standardLoopCharacteristics"))
        elif loop in ("parallel", "sequential"):
            mi = etree.SubElement(el, _q("multiInstanceLoopCharacteristics"))
            if loop == "sequential":
                mi.set("isSequential", "true")
            if d.get("loop_cardinality"):
                lc = etree.SubElement(mi, _q("loopCardinality"))
                lc.set(_q("type", XSI), "bpmn:tFormalExpression")
                lc.text = d["loop_cardinality"]

    def artifact(self, container: Any, aid: str, a: dict[str, Any]) -> None:
        kind = a["type"]
        el = etree.SubElement(container, _q(kind), id=aid)
        self.written.add(aid)
        if kind == "textAnnotation":
            etree.SubElement(el, _q("text")).text = a.get("text") or a.get("name") or ""
            return
        if a.get("name"):
            el.set("name", a["name"])
        if kind == "dataObjectReference":
            ref = a.get("dataObjectRef")
            if not ref or ref not in self.p.artifacts:
                ref = self.fresh(f"DataObject_{aid}")
                container.insert(container.index(el), etree.Element(_q("dataObject"), id=ref))
                self.written.add(ref)
            el.set("dataObjectRef", ref)

    def loose_artifacts(self, holder: Any) -> None:
        """Artifacts outside every process, and associations between written elements."""
        for aid, a in self.p.artifacts.items():
            if aid in self.written or a.get("type") not in ("textAnnotation", "association"):
                continue
            if a["type"] == "textAnnotation":
                self.artifact(holder, aid, a)
        for aid, a in self.p.artifacts.items():
            if a.get("type") != "association" or aid in self.written:
                continue
            s, t = a.get("sourceRef"), a.get("targetRef")
            if s in self.written and t in self.written:
                el = etree.SubElement(holder, _q("association"), id=aid, sourceRef=s, targetRef=t)
                if a.get("associationDirection"):
                    el.set("associationDirection", a["associationDirection"])
                self.written.add(aid)

    # -- DI --------------------------------------------------------------------------------------
    def di(self, root: Any, owner: str) -> None:
        d, g = self.diagram, self.g
        collapsed = {n for n in g if g.nodes[n].get("type") in SUBPROCESS_TYPES
                     and d.expanded.get(n) is False and self.nodes_of_parent(n)}
        planes: dict[str, list[str]] = {owner: []}

        def plane_of(n: str) -> str:
            parent = g.nodes[n].get("parent")
            while parent is not None:
                if parent in collapsed:
                    return parent
                parent = g.nodes[parent].get("parent") if parent in g else None
            return owner

        for n in g:
            planes.setdefault(plane_of(n), []).append(n)
        main = self.plane(root, owner, "BPMNDiagram_1")
        for pt in self.participants.values():
            self.shape(main, pt.id, self.pool_bounds(pt), horizontal=True)
        for lane in self.p.lanes.values():
            if lane.id in self.written:
                self.shape(main, lane.id, self.lane_bounds(lane.id), horizontal=True)
        for key, members in planes.items():
            plane = main if key == owner else self.plane(root, key, f"BPMNDiagram_{key}")
            for n in members:
                b = self.bounds(n)
                if b is None:
                    continue
                expanded = None
                if g.nodes[n].get("type") in SUBPROCESS_TYPES:
                    expanded = bool(d.expanded.get(n, bool(self.nodes_of_parent(n))))
                self.shape(plane, n, b, expanded=expanded)
            for f in self.p.flows.values():
                if f.source in members and f.id in self.written:
                    self.edge(plane, f.id, f.source, f.target)
        for aid in self.p.artifacts:
            if aid in self.written and self.p.artifacts[aid]["type"] != "association" and \
                    self.bounds(aid) is not None and self.p.artifacts[aid]["type"] != "dataObject":
                self.shape(main, aid, self.bounds(aid))
        for m in self.p.message_flows.values():
            if m.id in self.written:
                self.edge(main, m.id, m.source, m.target)
        for aid, a in self.p.artifacts.items():
            if a.get("type") == "association" and aid in self.written:
                self.edge(main, aid, a["sourceRef"], a["targetRef"])

    def nodes_of_parent(self, n: str) -> list[str]:
        return [m for m, p in self.g.nodes(data="parent") if p == n]

    def plane(self, root: Any, element: str, diagram_id: str) -> Any:
        dg = etree.SubElement(root, _q("BPMNDiagram", BPMNDI), id=self.fresh(diagram_id))
        self.written.add(dg.get("id"))
        pl = etree.SubElement(dg, _q("BPMNPlane", BPMNDI), id=self.fresh(f"{diagram_id}_plane"),
                              bpmnElement=element)
        self.written.add(pl.get("id"))
        return pl

    def shape(self, plane: Any, ref: str, b: Bounds | None, *, horizontal: bool | None = None,
              expanded: bool | None = None) -> None:
        if b is None:
            return
        el = etree.SubElement(plane, _q("BPMNShape", BPMNDI), id=f"{ref}_di", bpmnElement=ref)
        if horizontal is not None:
            el.set("isHorizontal", "true" if self.diagram.horizontal.get(ref, True) else "false")
        if expanded is not None:
            el.set("isExpanded", "true" if expanded else "false")
        etree.SubElement(el, _q("Bounds", DC), x=_num(b.x), y=_num(b.y), width=_num(b.width),
                         height=_num(b.height))

    def edge(self, plane: Any, ref: str, source: str, target: str) -> None:
        points = self.diagram.edges.get(ref)
        if not points:
            sb, tb = self.end_bounds(source), self.end_bounds(target)
            if sb is None or tb is None:
                return
            points = orthogonal_route(sb, tb)
        el = etree.SubElement(plane, _q("BPMNEdge", BPMNDI), id=f"{ref}_di", bpmnElement=ref)
        for x, y in points:
            etree.SubElement(el, _q("waypoint", DI), x=_num(x), y=_num(y))

    def end_bounds(self, ref: str) -> Bounds | None:
        if ref in self.participants:
            return self.pool_bounds(self.participants[ref])
        return self.bounds(ref)

    def lane_bounds(self, lane_id: str) -> Bounds | None:
        b = self.bounds(lane_id)
        if b is not None:
            return b
        lane = self.p.lanes[lane_id]
        return union([x for x in (self.bounds(n) for n in lane.nodes) if x is not None], 30)

    def pool_bounds(self, pt: Any) -> Bounds | None:
        b = self.bounds(pt.id)
        if b is not None:
            return b
        lanes = [self.lane_bounds(lane.id) for lane in self.p.lanes.values()
                 if lane.process == pt.process and not lane.parent]
        boxes = [x for x in lanes if x is not None]
        if boxes:
            box = union(boxes)
            assert box is not None  # the union of one box or more
            return Bounds(box.x - 30, box.y, box.width + 30, box.height)
        nodes = [self.bounds(n) for n in self.nodes_of(pt.process or "")] if pt.process else []
        box = union([x for x in nodes if x is not None], 30)
        if box is None:
            return None
        return Bounds(box.x - 30, box.y, box.width + 30, box.height)


def _num(value: float) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"
