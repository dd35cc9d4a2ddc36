"""Read BPMN 2.0 XML, from any modelling tool, into a :class:`~bpsim.model.Process`.

A service desk drawn in Camunda Modeler, Signavio, Bizagi, ARIS or bpmn.io is saved as a BPMN
2.0 XML file: a ``<definitions>`` element holding one ``<process>`` per pool (its tasks,
events, gateways and the sequence flows between them, and a ``<laneSet>`` saying which lane,
i.e. which role, does what), an optional ``<collaboration>`` (the pools and the message flows
between them), global ``<message>``/``<signal>``/``<error>``/``<escalation>`` definitions, and
the diagram interchange (``<bpmndi:BPMNDiagram>``: where each shape sits on the canvas). The
format is specified by the OMG (BPMN 2.0.2, https://www.omg.org/spec/BPMN/2.0.2/, chapters 8
to 13 for the semantics, 12 for DI).

What is read
------------
* every flow node, at any depth of sub-process nesting, as a graph node keyed by its id, with
  ``type`` = its BPMN local name and the attributes listed in :mod:`bpsim.model` (event
  definition kind, timer value, default flow, boundary attachment, loop markers, ...);
* every sequence flow as a graph edge, built **only** from ``sourceRef``/``targetRef``; the
  optional ``<incoming>``/``<outgoing>`` tags are compared with the flows and a disagreement is
  reported as a finding (rule ``import-incoming-outgoing``), never trusted;
* participants (pools, black-box ones too), several processes per file, message flows, lane
  sets including nested ``childLaneSet``; every node knows its innermost lane and its process
  (a node no lane lists takes its host's lane: a boundary event that of its activity, a node
  inside a sub-process that of the sub-process);
* global definitions (:attr:`Process.definitions`), the values of ``<category>`` elements that
  groups name (``meta["category_values"]``), text annotations, data objects, data
  stores, groups and (data) associations (:attr:`Process.artifacts`);
* DI shapes, edge waypoints, ``isExpanded`` and ``isHorizontal`` (:attr:`Process.diagram`, read by
  :mod:`bpsim.io.bpmn_di`;
  with several diagrams or planes the first one naming an element wins);
* vendor ``extensionElements`` (kept raw, as XML strings) and vendor attributes (kept in
  Clark notation), so nothing a tool wrote is lost, and nothing a tool wrote breaks the import.

What is ignored, and why
------------------------
Data flow semantics (``ioSpecification``, item definitions, data inputs/outputs), scripts,
forms, execution listeners and choreographies: a simulation of waiting times needs the
control flow, the lanes and the timers, not the payload. Label positions (``BPMNLabel``) and
styles are presentation only.

Matching rules
--------------
Elements are matched by namespace URI, never by prefix (``bpmn:``, ``semantic:``, ``model:``,
the default namespace ... all occur). ``xsi:type`` is resolved as a QName. (:mod:`bpsim.io.bpmn_xml`) Ids are resolved
against BPMN-namespace elements only: vendor extensions reuse ids.

Errors
------
Malformed or hostile XML is refused by :mod:`bpsim.io.safexml`. A document that is not BPMN
raises :class:`~bpsim.errors.NotAProcessError` saying what it is. A sequence flow whose
``sourceRef``/``targetRef`` names no flow node raises :class:`~bpsim.errors.ModelError` (with
``lenient=True`` the flow is skipped and a finding is recorded instead). One exception, found in
real exports (Signavio): a *stray* process, one that holds no flow node and that no pool shows,
is dropped with a warning finding (``import-stray-process``) in both modes, because it is
invisible in every tool and carries nothing a simulation could run.
"""

from __future__ import annotations

import os
from typing import Any

from bpsim.errors import ModelError, NotAProcessError
from bpsim.io import describe_root
from bpsim.io.bpmn_di import BPMNDI_NS, read_diagram
from bpsim.io.bpmn_xml import (
    BPMN_NS,
    children,
    extension_texts,
    foreign_attributes,
    kind_of,
    name_of,
    parse_bool,
    text_of,
)
from bpsim.io.safexml import parse_xml, read_source
from bpsim.model import (
    EVENT_TYPES,
    FLOW_NODE_TYPES,
    SUBPROCESS_TYPES,
    Finding,
    Flow,
    Lane,
    MessageFlow,
    Participant,
    Process,
    ProcessInfo,
)

__all__ = ["read_bpmn", "from_xml", "BPMN_NS", "BPMNDI_NS"]

_DEFINITIONS = {"message", "signal", "error", "escalation"}
_ARTIFACTS = {"textAnnotation", "association", "group", "dataObject", "dataObjectReference",
              "dataStoreReference", "dataStore", "dataInputAssociation", "dataOutputAssociation"}
_TIMER_KINDS = ("timeDuration", "timeDate", "timeCycle")


# -- public API ----------------------------------------------------------------------------
def read_bpmn(path_or_bytes: str | os.PathLike | bytes, *, lenient: bool = False) -> Process:
    """Read a BPMN 2.0 XML file (``.bpmn``, ``.bpmn20.xml``, any name) into a Process.

    Parameters
    ----------
    path_or_bytes : str, os.PathLike or bytes
        A path, or the document itself.
    lenient : bool, default False
        Skip sequence flows that name no element (and other broken references) and record a
        :class:`~bpsim.model.Finding` for each, instead of raising :class:`ModelError`.

    Returns
    -------
    Process

    Raises
    ------
    ReadError
        Missing file, malformed XML (with ``file:line:column`` and the parser's reason).
    UnsafeInputError
        DTD, entity declarations, oversize input.
    NotAProcessError
        Well-formed XML that is not a BPMN 2.0 ``<definitions>`` document.
    ModelError
        A sequence flow or another required reference names no element (strict mode).

    Examples
    --------
    >>> from bpsim.io.bpmn import read_bpmn
    >>> desk = read_bpmn("models/service_desk.bpmn")                # doctest: +SKIP
    >>> desk.graph.nodes["Task_Triage"]["lane"]                     # doctest: +SKIP
    'Lane_Agent'
    """
    data, name = read_source(path_or_bytes)
    root = parse_xml(data, file=name)
    return from_xml(root, file=name, lenient=lenient)


def from_xml(root: Any, *, file: str | None = None, lenient: bool = False) -> Process:
    """Build a Process from a parsed ``<definitions>`` root element (see :func:`read_bpmn`)."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag != f"{{{BPMN_NS}}}definitions":
        raise NotAProcessError(
            f"this is not BPMN 2.0 XML: it is {describe_root(root)}; expected a <definitions> "
            f"element in namespace {BPMN_NS}.",
            file=file,
            line=getattr(root, "sourceline", None),
            hint="export the diagram as BPMN 2.0 XML"
            + (", or read draw.io files with bpsim.read / read_drawio." if "draw.io" in
               describe_root(root) else "."),
        )
    return _Reader(root, file, lenient).read()


# -- the reader ----------------------------------------------------------------------------
class _Reader:
    """One pass over a ``<definitions>`` tree; the state of a single import."""

    def __init__(self, root: Any, file: str | None, lenient: bool) -> None:
        self.root = root
        self.file = file
        self.lenient = lenient
        self.p = Process(source=file)
        self.p.format = "bpmn"
        self.ids: dict[str, Any] = {}  # every BPMN-namespace element with an id
        self.raw_flows: list[tuple[Any, str]] = []  # (sequenceFlow element, process id)
        self.io_tags: dict[str, tuple[set[str], set[str], bool]] = {}

    # findings and errors ------------------------------------------------------------------
    def finding(self, rule: str, severity: str, el: Any, message: str, element_id=None) -> None:
        eid = element_id if element_id is not None else (el.get("id") if el is not None else None)
        self.p.findings.append(Finding(
            rule=rule, severity=severity, element_id=eid,
            element_name=name_of(el) if el is not None else None, message=message,
            line=el.sourceline if el is not None else None, file=self.file))

    def broken(self, rule: str, el: Any, message: str, hint: str) -> None:
        """A broken reference: ModelError in strict mode, an error finding when lenient."""
        if not self.lenient:
            raise ModelError(message, file=self.file, line=el.sourceline,
                             element_id=el.get("id"), element_name=name_of(el), hint=hint)
        self.finding(rule, "error", el, message + " Skipped (lenient).")

    # the passes -------------------------------------------------------------------------
    def read(self) -> Process:
        p = self._read()
        from bpsim.io.vendor_sim import RULE, simulation_extensions

        for el, message in simulation_extensions(self.root):
            self.finding(RULE, "info", el, message, element_id=el.get("id") or None)
        return p

    def _read(self) -> Process:
        root, p = self.root, self.p
        for el in root.iter():
            if kind_of(el) is not None:
                eid = el.get("id")
                if eid and eid not in self.ids:
                    self.ids[eid] = el
        p.meta.update({k: root.get(k) for k in ("exporter", "exporterVersion", "targetNamespace",
                                                "expressionLanguage") if root.get(k)})
        collaborations, processes = [], []
        for kind, el in children(root):
            if kind == "collaboration":
                collaborations.append(el)
            elif kind == "process":
                processes.append(el)
            elif kind in _DEFINITIONS and el.get("id"):
                self.definition(kind, el)
            elif kind == "category":
                self.category(el)
        for collab in collaborations:
            self.collaboration(collab)
        shown = {pt.process for pt in p.participants.values() if pt.process}
        for el in processes:
            self.process(el, shown)
        self.inherit_lanes()
        self.sequence_flows()
        self.check_io_tags()
        self.check_defaults()
        for collab in collaborations:
            self.message_flows(collab)
        read_diagram(self.root, self.p, self.finding)
        p.name = self.title(collaborations)
        return p

    def inherit_lanes(self) -> None:
        """A node no lane lists takes its host's lane: a boundary event that of the activity
        it is attached to, a node inside a sub-process that of the sub-process (as the
        draw.io reader does, where such shapes sit inside their host's lane)."""
        g = self.p.graph
        listed = {n for n, lane in g.nodes(data="lane") if lane is not None}
        for n in list(g):
            seen, up = {n}, n
            while g.nodes[n]["lane"] is None:
                data = g.nodes[up]
                up = data["attached_to"] or data["parent"]
                if up is None or up not in g or up in seen:
                    break
                seen.add(up)
                if up in listed or g.nodes[up]["lane"] is not None:
                    g.nodes[n]["lane"] = g.nodes[up]["lane"]

    def definition(self, kind: str, el: Any) -> None:
        entry = {"type": kind, "name": name_of(el), "line": el.sourceline}
        for key in ("errorCode", "escalationCode", "structureRef", "itemRef"):
            if el.get(key) is not None:
                entry[key] = el.get(key)
        self.p.definitions[el.get("id")] = entry

    def category(self, el: Any) -> None:
        """A ``<category>``: each ``<categoryValue value="Diagnosis">`` becomes an entry of
        ``process.meta["category_values"]``: id -> ``{"value", "category", "name", "line"}``
        (groups name them in ``categoryValueRef``; :mod:`bpsim.experience` reads them as the
        journey's phases)."""
        values = self.p.meta.setdefault("category_values", {})
        for kind, value in children(el):
            if kind == "categoryValue" and value.get("id"):
                values[value.get("id")] = {
                    "value": (value.get("value") or "").strip() or None,
                    "category": el.get("id"), "name": name_of(el), "line": value.sourceline}

    def collaboration(self, collab: Any) -> None:
        for kind, el in children(collab):
            if kind == "participant" and el.get("id"):
                ref = (el.get("processRef") or "").strip() or None
                self.p.participants[el.get("id")] = Participant(
                    el.get("id"), name_of(el), ref, el.sourceline)
            elif kind in _ARTIFACTS:
                self.artifact(kind, el, None, None)

    def process(self, el: Any, shown: set[str]) -> None:
        pid = el.get("id")
        if not pid:
            self.broken("import-missing-id", el, "a <process> has no id.",
                        "give the process an id attribute.")
            return
        has_nodes = any(k in FLOW_NODE_TYPES for k, _ in children(el))
        if not has_nodes and pid not in shown:
            flows = sum(1 for k, _ in children(el) if k == "sequenceFlow")
            self.finding("import-stray-process", "warning", el,
                         f"process {pid} holds no flow node and no pool shows it; it was "
                         f"dropped with its {flows} sequence flow(s).")
            return
        info = ProcessInfo(pid, name_of(el), executable=parse_bool(el.get("isExecutable"), None),
                           line=el.sourceline)
        for pt in self.p.participants.values():
            if pt.process == pid:
                info.participant, info.participant_name = pt.id, pt.name
                break
        self.p.processes[pid] = info
        self.container(el, pid, None)
        self.lanes(el, pid)

    def container(self, el: Any, pid: str, parent: str | None) -> None:
        """Read the flow elements of a process or sub-process, depth first."""
        for kind, child in children(el):
            if kind in FLOW_NODE_TYPES:
                nid = self.node(kind, child, pid, parent)
                if nid is not None and kind in SUBPROCESS_TYPES:
                    self.container(child, pid, nid)
                    self.lanes(child, pid)
            elif kind == "sequenceFlow":
                self.raw_flows.append((child, pid))
            elif kind in _ARTIFACTS:
                self.artifact(kind, child, pid, parent)

    def node(self, kind: str, el: Any, pid: str, parent: str | None) -> str | None:
        nid = el.get("id")
        g = self.p.graph
        if not nid or nid in g:
            what = "has no id" if not nid else f"reuses the id {nid} of another flow node"
            self.broken("import-missing-id", el, f"a <{kind}> at line {el.sourceline} {what}.",
                        "give every flow node a unique id.")
            return None
        attrs: dict[str, Any] = {
            "type": kind, "name": name_of(el), "lane": None, "process": pid, "parent": parent,
            "line": el.sourceline, "event": None, "events": [], "timer": None,
            "default": el.get("default") or None, "attached_to": None,
            "cancel_activity": None, "interrupting": None, "triggered_by_event": None,
            "called_element": None, "loop": None, "extensions": extension_texts(el),
            "attributes": foreign_attributes(el),
        }
        incoming, outgoing, declared = set(), set(), False
        for ckind, child in children(el):
            if ckind == "incoming":
                incoming.add(text_of(child))
                declared = True
            elif ckind == "outgoing":
                outgoing.add(text_of(child))
                declared = True
            elif ckind == "standardLoopCharacteristics":
                attrs["loop"] = "standard"
            elif ckind == "multiInstanceLoopCharacteristics":
                seq = parse_bool(child.get("isSequential"), False)
                attrs["loop"] = "sequential" if seq else "parallel"
                for sub_kind, sub in children(child):
                    if sub_kind == "loopCardinality":
                        attrs["loop_cardinality"] = text_of(sub) or None
            elif ckind in ("dataInputAssociation", "dataOutputAssociation"):
                self.artifact(ckind, child, pid, parent)  # a task's data in/out (kept as is)
                if child.get("id") in self.p.artifacts:
                    self.p.artifacts[child.get("id")]["activity"] = nid
        self.io_tags[nid] = (incoming, outgoing, declared)
        if kind in EVENT_TYPES:
            self.event(el, attrs)
        if kind == "boundaryEvent":
            attrs["attached_to"] = (el.get("attachedToRef") or "").strip() or None
            attrs["cancel_activity"] = parse_bool(el.get("cancelActivity"), True)
        if kind == "startEvent":
            attrs["interrupting"] = parse_bool(el.get("isInterrupting"), True)
        if kind in SUBPROCESS_TYPES:
            attrs["triggered_by_event"] = parse_bool(el.get("triggeredByEvent"), False)
        if kind == "callActivity":
            attrs["called_element"] = (el.get("calledElement") or "").strip() or None
        if kind.endswith("Gateway"):
            attrs["gateway_direction"] = el.get("gatewayDirection")
        if kind in ("sendTask", "receiveTask") and (el.get("messageRef") or "").strip():
            attrs["message_ref"] = el.get("messageRef").strip()
        if kind in ("eventBasedGateway", "receiveTask"):
            attrs["instantiate"] = parse_bool(el.get("instantiate"), False)
        if kind == "eventBasedGateway":
            attrs["event_gateway_type"] = el.get("eventGatewayType") or "Exclusive"
        g.add_node(nid, **attrs)
        return nid

    def event(self, el: Any, attrs: dict[str, Any]) -> None:
        kinds: list[str] = []
        refs: dict[str, str] = {}
        definitions = [c for k, c in children(el) if k.endswith("EventDefinition")]
        for k, ref_el in children(el):  # <eventDefinitionRef>: a shared global definition
            if k == "eventDefinitionRef":
                target = self.ids.get(text_of(ref_el))
                if target is not None and (kind_of(target) or "").endswith("EventDefinition"):
                    definitions.append(target)
        for d in definitions:
            kind = (kind_of(d) or "")[: -len("EventDefinition")]
            kinds.append(kind)
            for key, value in d.attrib.items():
                if key.endswith("Ref") and not key.startswith("{") and value:
                    refs[key] = value
            if kind == "timer" and attrs["timer"] is None:
                for tk, t in children(d):
                    if tk in _TIMER_KINDS:
                        attrs["timer"] = {"kind": tk, "value": text_of(t)}
                        break
                if attrs["timer"] is None or not attrs["timer"]["value"]:
                    self.finding("import-empty-timer", "info", el,
                                 "the timer has no value (timeDuration, timeDate or timeCycle).")
            if kind == "link":
                attrs["link_name"] = name_of(d)
            if kind == "conditional" and attrs.get("condition") is None:
                for ck, cond in children(d):
                    if ck == "condition":
                        attrs["condition"] = text_of(cond)
                        break
                else:
                    attrs.setdefault("condition", None)
        attrs["events"] = kinds
        attrs["event"] = kinds[0] if len(kinds) == 1 else ("multiple" if kinds else None)
        if refs:
            attrs["event_refs"] = refs
        if el.get("parallelMultiple") is not None:
            attrs["parallel_multiple"] = parse_bool(el.get("parallelMultiple"), False)

    def lanes(self, el: Any, pid: str) -> None:
        for kind, lane_set in children(el):
            if kind == "laneSet":
                self.lane_set(lane_set, pid, None)

    def lane_set(self, lane_set: Any, pid: str, parent: str | None) -> None:
        g = self.p.graph
        for kind, el in children(lane_set):
            if kind != "lane" or not el.get("id"):
                continue
            lane = Lane(el.get("id"), name_of(el), pid, parent, line=el.sourceline)
            self.p.lanes[lane.id] = lane
            if parent is not None:
                self.p.lanes[parent].children.append(lane.id)
            for rkind, ref in children(el):
                if rkind != "flowNodeRef":
                    continue
                nid = text_of(ref)
                if nid in g:
                    lane.nodes.append(nid)
                    g.nodes[nid]["lane"] = lane.id  # nested lanes are read later: innermost wins
                else:
                    self.finding("import-lane-ref", "warning", el,
                                 f"lane {lane.id} lists flowNodeRef {nid!r}, which names no flow "
                                 "node; ignored.")
            for ckind, child_set in children(el):
                if ckind == "childLaneSet":
                    self.lane_set(child_set, pid, lane.id)

    def artifact(self, kind: str, el: Any, pid: str | None, parent: str | None) -> None:
        aid = el.get("id")
        if not aid:
            return
        entry: dict[str, Any] = {"type": kind, "name": name_of(el), "process": pid,
                                 "parent": parent, "line": el.sourceline}
        for key in ("sourceRef", "targetRef", "dataObjectRef", "dataStoreRef",
                    "associationDirection", "categoryValueRef"):
            if el.get(key) is not None:
                entry[key] = el.get(key)
        for ckind, child in children(el):
            if ckind == "text":
                entry["text"] = text_of(child)
            elif ckind in ("sourceRef", "targetRef"):
                entry.setdefault(ckind, text_of(child))
        self.p.artifacts[aid] = entry

    def sequence_flows(self) -> None:
        g, p = self.p.graph, self.p
        for el, pid in self.raw_flows:
            fid = el.get("id")
            if not fid:
                self.broken("import-missing-id", el,
                            f"a <sequenceFlow> at line {el.sourceline} has no id.",
                            "give every sequence flow an id.")
                continue
            if fid in p.flows:
                self.broken("import-duplicate-id", el, f"sequence flow id {fid} is used twice.",
                            "give every sequence flow a unique id.")
                continue
            ends = {}
            for key in ("sourceRef", "targetRef"):
                ref = (el.get(key) or "").strip()
                ends[key] = ref
                if ref in g:
                    continue
                other = self.ids.get(ref)
                what = (f"names <{kind_of(other)}> {ref!r}, which is not a flow node" if other is
                        not None else f"names no element: {ref!r}" if ref else "is missing")
                self.broken("import-dangling-flow", el,
                            f"the sequence flow's {key} {what}.",
                            f"point {key} at the id of an existing task, event or gateway, or "
                            "delete the flow.")
                break
            else:
                self.add_flow(el, fid, ends["sourceRef"], ends["targetRef"], pid)

    def add_flow(self, el: Any, fid: str, source: str, target: str, pid: str) -> None:
        g = self.p.graph
        condition = language = None
        conditional = False
        for kind, child in children(el):
            if kind == "conditionExpression":
                conditional = True  # even when empty: bpmnlint and the tools draw a diamond
                condition = "".join(child.itertext()).strip() or None
                language = child.get("language") if condition else None
        is_default = g.nodes[source].get("default") == fid
        flow = Flow(fid, source, target, name_of(el), condition, language, is_default, pid,
                    el.sourceline, conditional=conditional)
        self.p.flows[fid] = flow
        if g.has_edge(source, target):
            g.edges[source, target]["ids"].append(fid)
        else:
            g.add_edge(source, target, id=fid, name=flow.name, condition=condition,
                       condition_language=language, default=is_default, line=el.sourceline,
                       ids=[fid], process=pid)

    def check_io_tags(self) -> None:
        """Compare the optional incoming/outgoing tags with the flows actually drawn."""
        actual_in: dict[str, set[str]] = {n: set() for n in self.p.graph}
        actual_out: dict[str, set[str]] = {n: set() for n in self.p.graph}
        for f in self.p.flows.values():
            actual_in[f.target].add(f.id)
            actual_out[f.source].add(f.id)
        for nid, (incoming, outgoing, declared) in self.io_tags.items():
            if not declared or nid not in self.p.graph:
                continue
            problems = []
            for word, said, real in (("incoming", incoming, actual_in[nid]),
                                     ("outgoing", outgoing, actual_out[nid])):
                if said - real:
                    problems.append(f"lists {word} {', '.join(sorted(said - real))} but no such "
                                    f"flow {'ends' if word == 'incoming' else 'starts'} here")
                if real - said:
                    problems.append(f"does not list {word} flow(s) "
                                    f"{', '.join(sorted(real - said))}")
            if problems:
                el = self.ids.get(nid)
                self.finding("import-incoming-outgoing", "warning", el,
                             "; ".join(problems) + ". The flows' sourceRef/targetRef are used; "
                             "the <incoming>/<outgoing> tags are ignored.")

    def check_defaults(self) -> None:
        g = self.p.graph
        for nid, default in g.nodes(data="default"):
            if default is None:
                continue
            flow = self.p.flows.get(default)
            if flow is None or flow.source != nid:
                self.finding("import-default-flow", "warning", self.ids.get(nid),
                             f"default={default!r} names no sequence flow leaving this element; "
                             "ignored.")
                g.nodes[nid]["default"] = None

    def message_flows(self, collab: Any) -> None:
        for kind, el in children(collab):
            if kind != "messageFlow" or not el.get("id"):
                continue
            source = (el.get("sourceRef") or "").strip()
            target = (el.get("targetRef") or "").strip()
            missing = [r for r in (source, target) if r not in self.ids]
            if missing:
                self.broken("import-dangling-flow", el,
                            "the message flow's sourceRef/targetRef names no element: "
                            f"{missing[0]!r}.",
                            "point sourceRef/targetRef at a pool, task or event, or delete the "
                            "message flow.")
                continue
            self.p.message_flows[el.get("id")] = MessageFlow(
                el.get("id"), source, target, name_of(el), el.sourceline,
                message=(el.get("messageRef") or "").strip() or None)

    def title(self, collaborations: list[Any]) -> str | None:
        for el in collaborations:
            if name_of(el):
                return name_of(el)
        for info in self.p.processes.values():
            if info.name:
                return info.name
        for pt in self.p.participants.values():
            if pt.name:
                return pt.name
        return None
