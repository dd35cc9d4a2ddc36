"""Editing a process: the changes a service-desk lead makes on the whiteboard, kept consistent.

"Add a check before triage", "the specialist now also creates contacts", "split the Agent lane
into first and second line", "drop the survey and send the closure notice directly": each is
one call on a :class:`ProcessEditor`, and after each call the :class:`~bpsim.model.Process` is
whole again:

* no sequence flow points at a node that is gone (removing a node removes its flows, or with
  ``bridge=True`` reconnects its predecessors to its successors);
* ``process.flows`` and the graph edges agree, duplicates included (an edge's ``ids`` lists
  every flow between the same two nodes);
* each node's ``lane`` and the lanes' ``nodes`` lists agree;
* ids are unique and stable; generated ids read like the element (``Task_TriageTicket``,
  ``Gateway_3``) and are never handed out twice, not even after the element is removed.

Mistakes raise :class:`~bpsim.errors.ModelError` naming the element and the fix. The editor
works on any process, read from a file or built with :mod:`bpsim.build` (whose
:class:`~bpsim.build.ProcessBuilder` is an editor too)::

    >>> from bpsim.edit import ProcessEditor
    >>> desk = ProcessEditor(bpsim.read("models/service_desk.bpmn"))      # doctest: +SKIP
    >>> desk.remove("Send satisfaction survey", bridge=True)               # doctest: +SKIP
    >>> desk.insert("Flow_NeedInfoNo", "userTask", "Check entitlement")    # doctest: +SKIP

Shapes and waypoints of removed elements are dropped from ``process.diagram``; new elements
have none until :func:`bpsim.layout.layout` places them (the writers do that by themselves).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bpsim.errors import ModelError
from bpsim.model import (
    ACTIVITY_TYPES,
    EVENT_TYPES,
    FLOW_NODE_TYPES,
    GATEWAY_TYPES,
    SUBPROCESS_TYPES,
    Flow,
    Lane,
    Process,
)

__all__ = ["ProcessEditor", "id_prefix"]

_PREFIX = {"startEvent": "Start", "endEvent": "End", "boundaryEvent": "Boundary",
           "intermediateCatchEvent": "Event", "intermediateThrowEvent": "Event",
           "subProcess": "SubProcess", "transaction": "Transaction",
           "adHocSubProcess": "SubProcess", "callActivity": "CallActivity"}


def id_prefix(node_type: str) -> str:
    """The id prefix bpsim gives new elements of a type (``Task``, ``Gateway``, ``Start`` ...)."""
    if node_type in _PREFIX:
        return _PREFIX[node_type]
    if node_type in GATEWAY_TYPES:
        return "Gateway"
    if node_type in EVENT_TYPES:
        return "Event"
    return "Task"


def _slug(name: str | None) -> str:
    """``"Triage ticket"`` -> ``"TriageTicket"`` (ASCII letters and digits only)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", text)
    slug = "".join(w[:1].upper() + w[1:] for w in words)[:40]
    return slug if slug[:1].isalpha() else ("N" + slug if slug else "")


def _blank_node(node_type: str, name: str | None, process: str | None, lane: str | None,
                parent: str | None) -> dict[str, Any]:
    return {"type": node_type, "name": name, "lane": lane, "process": process,
            "parent": parent, "line": None, "event": None, "events": [], "timer": None,
            "default": None, "attached_to": None, "cancel_activity": None,
            "interrupting": True if node_type == "startEvent" else None,
            "triggered_by_event": False if node_type in SUBPROCESS_TYPES else None,
            "called_element": None, "loop": None, "extensions": [], "attributes": {}}


class ProcessEditor:
    """Consistent edits of one :class:`~bpsim.model.Process` (changed in place).

    Elements are named by id or by name (a name must then be unique), or by the handles
    :mod:`bpsim.build` returns.

    Parameters
    ----------
    process : Process
        The process to edit; ``editor.process`` is the same object.
    """

    def __init__(self, process: Process) -> None:
        self.process = process

    # -- ids -----------------------------------------------------------------------------
    def _retired(self) -> list[str]:
        return self.process.meta.setdefault("retired_ids", [])

    def _taken(self, element_id: str) -> bool:
        p = self.process
        return any(element_id in table for table in (
            p.graph, p.flows, p.lanes, p.processes, p.participants, p.message_flows,
            p.artifacts, p.definitions)) or element_id in self._retired()

    def new_id(self, prefix: str, name: str | None = None) -> str:
        """A fresh id: ``<prefix>_<Name>`` (``_2``, ``_3`` ... when taken) or ``<prefix>_<n>``.

        Ids of removed elements are remembered (in ``process.meta["retired_ids"]``) and never
        handed out again.
        """
        slug = _slug(name)
        if slug:
            candidate, n = f"{prefix}_{slug}", 1
            while self._taken(candidate):
                n += 1
                candidate = f"{prefix}_{slug}_{n}"
            return candidate
        n = 1
        while self._taken(f"{prefix}_{n}"):
            n += 1
        return f"{prefix}_{n}"

    def _claim(self, element_id: str | None, prefix: str, name: str | None) -> str:
        if element_id is None:
            return self.new_id(prefix, name)
        if self._taken(element_id):
            raise ModelError(f"the id {element_id!r} is already used (or was used before).",
                             element_id=element_id, element_name=name,
                             hint="leave id= out to get a fresh id, or choose another one.")
        if not re.fullmatch(r"[A-Za-z_][\w.\-]*", element_id):
            raise ModelError(f"{element_id!r} is not a valid XML id.", element_id=element_id,
                             element_name=name, hint="start with a letter or _; then letters, "
                             "digits, _, - or . only.")
        return element_id

    # -- finding things ------------------------------------------------------------------
    def node_id(self, node: Any) -> str:
        """The id of a node given as id, name or handle; ModelError when none or ambiguous."""
        key = getattr(node, "id", node)
        hits = self.process.find(str(key))
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise ModelError(f"no flow node has the id or name {key!r}.", element_id=str(key),
                             hint="check the spelling; bpsim inspect FILE lists the nodes.")
        raise ModelError(f"the name {key!r} is used by several nodes: {', '.join(hits)}.",
                         element_name=str(key), hint="name the node by its id instead.")

    def lane_id(self, lane: Any) -> str:
        """The id of a lane given as id, name or handle."""
        key = getattr(lane, "id", lane)
        if key in self.process.lanes:
            return key
        hits = [ln.id for ln in self.process.lanes.values() if ln.name == key]
        if len(hits) == 1:
            return hits[0]
        raise ModelError(
            f"no lane has the id or name {key!r}." if not hits else
            f"the lane name {key!r} is used by several lanes: {', '.join(hits)}.",
            element_id=str(key), hint="name an existing lane (by id when names repeat).")

    def flow_id(self, flow: Any) -> str:
        """The id of a sequence flow given as id, name or :class:`~bpsim.model.Flow`."""
        key = getattr(flow, "id", flow)
        if key in self.process.flows:
            return key
        hits = [f.id for f in self.process.flows.values() if f.name == key]
        if len(hits) == 1:
            return hits[0]
        raise ModelError(
            f"no sequence flow has the id or name {key!r}." if not hits else
            f"the flow name {key!r} is used by several flows: {', '.join(hits)}.",
            element_id=str(key), hint="name the flow by its id.")

    def _error(self, node: str, message: str, hint: str) -> ModelError:
        return ModelError(message, element_id=node, element_name=self.process.name_of(node),
                          hint=hint, file=self.process.source)

    # -- nodes ---------------------------------------------------------------------------
    def add_node(self, node_type: str, name: str | None = None, *, lane: Any = None,
                 parent: Any = None, id: str | None = None, process: str | None = None,
                 **attributes: Any) -> str:
        """Add a flow node and return its id.

        Parameters
        ----------
        node_type : str
            A BPMN local name (``userTask``, ``exclusiveGateway``, ``startEvent`` ...).
        name : str, optional
            The label.
        lane : lane id, name or handle, optional
            Who does it; not allowed inside a sub-process (``parent``).
        parent : sub-process id, name or handle, optional
            The enclosing sub-process.
        id : str, optional
            The element id; by default a fresh one (``Task_<Name>``).
        process : str, optional
            The ``<process>`` id; by default the lane's, the parent's, or the only one.
        **attributes
            Further node attributes (``event``, ``timer``, ``attached_to``, ``loop`` ...).
        """
        p = self.process
        if node_type not in FLOW_NODE_TYPES:
            raise ModelError(f"{node_type!r} is not a BPMN flow node type.", element_name=name,
                             hint="use one of: " + ", ".join(sorted(FLOW_NODE_TYPES)) + ".")
        lane_id = self.lane_id(lane) if lane is not None else None
        parent_id = self.node_id(parent) if parent is not None else None
        if parent_id is not None and p.graph.nodes[parent_id]["type"] not in SUBPROCESS_TYPES:
            raise self._error(parent_id, "only a sub-process can hold other nodes.",
                              "add the node at the top level or inside a sub-process.")
        if parent_id is not None and lane_id is not None:
            raise self._error(parent_id, "a node inside a sub-process takes no lane of its own.",
                              "give either lane= or parent=, not both.")
        pid = process or (p.lanes[lane_id].process if lane_id else None) or (
            p.graph.nodes[parent_id]["process"] if parent_id else None)
        if pid is None and len(p.processes) == 1:
            pid = next(iter(p.processes))
        nid = self._claim(id, id_prefix(node_type), name)
        data = _blank_node(node_type, name, pid, lane_id, parent_id)
        if "event" in attributes and "events" not in attributes:
            ev = attributes["event"]
            attributes["events"] = [] if ev is None else [ev]
        data.update(attributes)
        if node_type == "boundaryEvent":
            host = data.get("attached_to")
            host = self.node_id(host) if host is not None else None
            if host is None or p.graph.nodes[host]["type"] not in ACTIVITY_TYPES:
                raise ModelError("a boundary event must be attached to a task or sub-process.",
                                 element_id=nid, element_name=name,
                                 hint="pass attached_to=<activity id> (or use task.on_timer()).")
            data["attached_to"] = host
            data["cancel_activity"] = bool(True if data["cancel_activity"] is None
                                           else data["cancel_activity"])
            data["parent"] = p.graph.nodes[host]["parent"]
            if lane_id is None and data["parent"] is None:
                data["lane"] = lane_id = p.graph.nodes[host]["lane"]
        p.graph.add_node(nid, **data)
        if lane_id is not None:
            self._enter_lane(nid, lane_id)
        return nid

    def remove(self, node: Any, *, bridge: bool = False) -> None:
        """Remove a node with its flows (and its boundary events and content).

        With ``bridge=True`` the gap is closed: a node with one way out hands its incoming
        flows on to its successor (flow ids, names and conditions kept); a node with one way in
        hands its outgoing flows to its predecessor; otherwise every predecessor is connected
        to every successor. No flow from a node to itself is made.
        """
        p, g = self.process, self.process.graph
        nid = self.node_id(node)
        incoming, outgoing = p.incoming(nid), p.outgoing(nid)
        if bridge and incoming and outgoing:
            if len({f.target for f in outgoing}) == 1:
                target = outgoing[0].target
                for f in incoming:
                    if f.source != target:
                        self.reconnect(f.id, target=target)
            elif len({f.source for f in incoming}) == 1:
                source = incoming[0].source
                for f in outgoing:
                    if f.target != source:
                        self.reconnect(f.id, source=source)
            else:
                for fi in incoming:
                    for fo in outgoing:
                        if fi.source != fo.target:
                            self.connect(fi.source, fo.target, name=fi.name,
                                         condition=fi.condition)
        doomed = [nid]
        i = 0
        while i < len(doomed):  # content of sub-processes and boundary events go too
            cur = doomed[i]
            doomed += [m for m, d in g.nodes(data=True) if m not in doomed and (
                d.get("parent") == cur or d.get("attached_to") == cur)]
            i += 1
        for m in doomed:
            for f in p.incoming(m) + p.outgoing(m):
                self.disconnect(f.id)
            for mf in [mf for mf in p.message_flows.values() if m in (mf.source, mf.target)]:
                del p.message_flows[mf.id]
                p.diagram.edges.pop(mf.id, None)
        for m in doomed:
            for lane in p.lanes.values():
                if m in lane.nodes:
                    lane.nodes.remove(m)
            g.remove_node(m)
            p.diagram.shapes.pop(m, None)
            p.diagram.expanded.pop(m, None)
            self._retired().append(m)

    def rename(self, element: Any, name: str | None) -> None:
        """Rename a node, lane, flow, pool or process (given by id, name or handle)."""
        p = self.process
        key = getattr(element, "id", element)
        if key in p.flows:
            p.flows[key].name = name
            f = p.flows[key]
            if p.graph.edges[f.source, f.target]["id"] == key:
                p.graph.edges[f.source, f.target]["name"] = name
            return
        for table in (p.lanes, p.participants, p.processes, p.message_flows):
            if key in table:
                table[key].name = name
                if table is p.processes and len(p.processes) == 1:
                    p.name = name
                return
        p.graph.nodes[self.node_id(element)]["name"] = name

    def retype(self, node: Any, node_type: str, **attributes: Any) -> None:
        """Change a node's type (a task into a user task, a gateway into a parallel one ...).

        Attributes that make no sense for the new type are cleared (an event definition on a
        task, a default flow on an event); ``attributes`` set new ones (``event="timer"``).
        """
        g = self.process.graph
        nid = self.node_id(node)
        data = g.nodes[nid]
        if node_type not in FLOW_NODE_TYPES:
            raise self._error(nid, f"{node_type!r} is not a BPMN flow node type.",
                              "use a BPMN local name such as userTask or parallelGateway.")
        if data["type"] in SUBPROCESS_TYPES and node_type not in SUBPROCESS_TYPES and \
                self.process.children(nid):
            raise self._error(nid, "this sub-process holds nodes; it cannot become a "
                              f"{node_type}.", "remove or move its content first.")
        hosts = [m for m, d in g.nodes(data=True) if d.get("attached_to") == nid]
        if hosts and node_type not in ACTIVITY_TYPES:
            raise self._error(nid, f"boundary events ({', '.join(hosts)}) are attached here; "
                              f"a {node_type} cannot hold them.", "remove them first.")
        if (node_type == "boundaryEvent") != (data["type"] == "boundaryEvent"):
            raise self._error(nid, "a node cannot become or stop being a boundary event.",
                              "remove it and add a boundary event with task.boundary(...).")
        if node_type == "startEvent" and self.process.incoming(nid):
            raise self._error(nid, "a start event cannot have incoming flows.",
                              "disconnect them first.")
        if node_type == "endEvent" and self.process.outgoing(nid):
            raise self._error(nid, "an end event cannot have outgoing flows.",
                              "disconnect them first.")
        data["type"] = node_type
        if node_type not in EVENT_TYPES:
            data.update(event=None, events=[], timer=None)
        if node_type in EVENT_TYPES and data.get("default"):
            self.set_default(nid, None)
        data["interrupting"] = data.get("interrupting", True) if node_type == "startEvent" \
            else None
        data["triggered_by_event"] = bool(data.get("triggered_by_event")) \
            if node_type in SUBPROCESS_TYPES else None
        if "event" in attributes and "events" not in attributes:
            attributes["events"] = [] if attributes["event"] is None else [attributes["event"]]
        data.update(attributes)

    def move_to_lane(self, node: Any, lane: Any) -> None:
        """Give a node (and its boundary events) to another lane of the same process."""
        p, g = self.process, self.process.graph
        nid, lane_id = self.node_id(node), self.lane_id(lane)
        if g.nodes[nid].get("parent") is not None:
            raise self._error(nid, "a node inside a sub-process sits in the sub-process's lane.",
                              "move the sub-process instead.")
        if p.lanes[lane_id].process != g.nodes[nid].get("process"):
            raise self._error(nid, f"lane {lane_id} belongs to another process (pool).",
                              "sequence flows cannot cross pools; pick a lane of this pool.")
        attached = [m for m, d in g.nodes(data=True) if d.get("attached_to") == nid]
        for m in [nid, *attached]:
            for ln in p.lanes.values():
                if m in ln.nodes:
                    ln.nodes.remove(m)
            self._enter_lane(m, lane_id)

    def _enter_lane(self, nid: str, lane_id: str) -> None:
        """List ``nid`` in the lane and its parent lanes (as BPMN files do); set ``lane``."""
        p = self.process
        p.graph.nodes[nid]["lane"] = lane_id
        lane: Lane | None = p.lanes[lane_id]
        while lane is not None:
            if nid not in lane.nodes:
                lane.nodes.append(nid)
            lane = p.lanes.get(lane.parent) if lane.parent else None

    # -- flows ---------------------------------------------------------------------------
    def connect(self, source: Any, target: Any, *, name: str | None = None,
                condition: str | None = None, default: bool = False, id: str | None = None,
                condition_language: str | None = None) -> str:
        """Draw a sequence flow from ``source`` to ``target``; return the flow id."""
        p, g = self.process, self.process.graph
        s, t = self.node_id(source), self.node_id(target)
        sd, td = g.nodes[s], g.nodes[t]
        if sd["type"] == "endEvent":
            raise self._error(s, "an end event has no outgoing flows.",
                              "connect from the node before it, or change it with retype().")
        if td["type"] in ("startEvent", "boundaryEvent"):
            raise self._error(t, f"a {td['type']} cannot have incoming flows.",
                              "connect to the node after it.")
        if sd.get("parent") != td.get("parent") or sd.get("process") != td.get("process"):
            raise self._error(t, f"a sequence flow from {s} to {t} would cross a sub-process "
                              "or pool border.", "connect nodes of the same level and pool.")
        fid = self._claim(id, "Flow", None)
        flow = Flow(fid, s, t, name, condition or None, condition_language if condition
                    else None, False, sd.get("process"), conditional=bool(condition))
        p.flows[fid] = flow
        if g.has_edge(s, t):
            g.edges[s, t]["ids"].append(fid)
        else:
            g.add_edge(s, t, id=fid, name=name, condition=flow.condition,
                       condition_language=flow.condition_language, default=False, line=None,
                       ids=[fid], process=flow.process)
        if default:
            self.set_default(s, fid)
        return fid

    def disconnect(self, flow: Any) -> None:
        """Remove a sequence flow (the nodes stay)."""
        p, g = self.process, self.process.graph
        fid = self.flow_id(flow)
        f = p.flows.pop(fid)
        self._unlink_edge(f)
        if g.nodes[f.source].get("default") == fid:
            g.nodes[f.source]["default"] = None
        p.diagram.edges.pop(fid, None)
        self._retired().append(fid)

    def _unlink_edge(self, f: Flow) -> None:
        g = self.process.graph
        data = g.edges[f.source, f.target]
        data["ids"].remove(f.id)
        if not data["ids"]:
            g.remove_edge(f.source, f.target)
        elif data["id"] == f.id:
            self._edge_from(self.process.flows[data["ids"][0]], data)

    @staticmethod
    def _edge_from(f: Flow, data: dict[str, Any]) -> None:
        data.update(id=f.id, name=f.name, condition=f.condition,
                    condition_language=f.condition_language, default=f.default, line=f.line)

    def reconnect(self, flow: Any, *, source: Any = None, target: Any = None) -> None:
        """Move one or both ends of a sequence flow; id, name and condition are kept."""
        p, g = self.process, self.process.graph
        fid = self.flow_id(flow)
        f = p.flows[fid]
        s = self.node_id(source) if source is not None else f.source
        t = self.node_id(target) if target is not None else f.target
        if (s, t) == (f.source, f.target):
            return
        keep = (f.name, f.condition, f.condition_language, f.default, f.line)
        was_default = g.nodes[f.source].get("default") == fid
        del p.flows[fid]
        self._unlink_edge(f)
        if was_default and s != f.source:
            g.nodes[f.source]["default"] = None
        try:
            self.connect(s, t, name=keep[0], condition=keep[1], condition_language=keep[2],
                         id=fid)
        except ModelError:
            p.flows[fid] = f  # put it back as it was
            if g.has_edge(f.source, f.target):
                g.edges[f.source, f.target]["ids"].append(fid)
            else:
                g.add_edge(f.source, f.target, ids=[fid], process=f.process)
                self._edge_from(f, g.edges[f.source, f.target])
            raise
        new = p.flows[fid]
        new.line = keep[4]
        if keep[3] and s == f.source:
            self.set_default(s, fid)
        p.diagram.edges.pop(fid, None)

    def set_default(self, node: Any, flow: Any) -> None:
        """Make ``flow`` the default flow of a gateway or activity (``None``: no default)."""
        p, g = self.process, self.process.graph
        nid = self.node_id(node)
        fid = self.flow_id(flow) if flow is not None else None
        if fid is not None and p.flows[fid].source != nid:
            raise self._error(nid, f"flow {fid} does not leave this node.",
                              "pick one of its outgoing flows.")
        for f in p.outgoing(nid):
            f.default = f.id == fid
            data = g.edges[f.source, f.target]
            if data["id"] == f.id:
                data["default"] = f.default
        g.nodes[nid]["default"] = fid

    def insert(self, flow: Any, node_type: str, name: str | None = None, *, lane: Any = None,
               id: str | None = None, **attributes: Any) -> str:
        """Put a new node on a flow: ``a -> b`` becomes ``a -> new -> b``; return its id.

        The flow keeps its id, name and condition and now ends at the new node; a new plain
        flow leads on to ``b``. The new node goes to ``lane``, by default the lane of ``a``.
        """
        p = self.process
        fid = self.flow_id(flow)
        f = p.flows[fid]
        src = p.graph.nodes[f.source]
        lane_arg = lane if lane is not None else (src.get("lane") if src.get("parent") is None
                                                  else None)
        nid = self.add_node(node_type, name, lane=lane_arg, parent=src.get("parent"), id=id,
                            process=src.get("process"), **attributes)
        old_target = f.target
        self.reconnect(fid, target=nid)
        self.connect(nid, old_target)
        return nid

    # -- lanes ---------------------------------------------------------------------------
    def add_lane(self, name: str | None, *, id: str | None = None, parent: Any = None,
                 process: str | None = None) -> str:
        """Add a lane (at the bottom of the pool, or of ``parent``'s child lanes)."""
        p = self.process
        parent_id = self.lane_id(parent) if parent is not None else None
        pid = process or (p.lanes[parent_id].process if parent_id else None)
        if pid is None and len(p.processes) == 1:
            pid = next(iter(p.processes))
        lid = self._claim(id, "Lane", name)
        p.lanes[lid] = Lane(lid, name, pid, parent_id)
        if parent_id is not None:
            p.lanes[parent_id].children.append(lid)
        return lid

    def split_lane(self, lane: Any, nodes: list[Any], name: str, *,
                   id: str | None = None) -> str:
        """Split a lane in two: ``nodes`` move to a new lane right below it; return its id."""
        p = self.process
        lid = self.lane_id(lane)
        old = p.lanes[lid]
        if old.children:
            raise ModelError("only a lane without child lanes can be split.", element_id=lid,
                             element_name=old.name, hint="split one of its child lanes.")
        moving = [self.node_id(n) for n in nodes]
        for n in moving:
            if p.graph.nodes[n].get("lane") != lid:
                raise self._error(n, f"this node is not in lane {lid} {old.name!r}.",
                                  "list only nodes of the lane being split.")
        new_id = self._claim(id, "Lane", name)
        new = Lane(new_id, name, old.process, old.parent)
        items = list(p.lanes.items())
        at = [k for k, _ in items].index(lid) + 1
        p.lanes.clear()
        p.lanes.update(items[:at] + [(new_id, new)] + items[at:])
        if old.parent is not None:
            siblings = p.lanes[old.parent].children
            siblings.insert(siblings.index(lid) + 1, new_id)
        for n in moving:
            self.move_to_lane(n, new_id)
        p.diagram.shapes.pop(lid, None)
        return new_id

    def merge_lanes(self, keep: Any, *others: Any) -> None:
        """Merge lanes into ``keep``: their nodes move there and the other lanes go."""
        p = self.process
        kid = self.lane_id(keep)
        for other in others:
            oid = self.lane_id(other)
            lane = p.lanes[oid]
            if oid == kid:
                continue
            if lane.children or p.lanes[kid].children:
                raise ModelError("lanes with child lanes cannot be merged.", element_id=oid,
                                 element_name=lane.name, hint="merge their child lanes.")
            if lane.process != p.lanes[kid].process:
                raise ModelError(f"lane {oid} belongs to another pool than {kid}.",
                                 element_id=oid, element_name=lane.name,
                                 hint="merge lanes of the same pool.")
            for n in [n for n, d in p.graph.nodes(data=True) if d.get("lane") == oid]:
                self.move_to_lane(n, kid)
            if lane.parent is not None:
                p.lanes[lane.parent].children.remove(oid)
            del p.lanes[oid]
            p.diagram.shapes.pop(oid, None)
            self._retired().append(oid)
        p.diagram.shapes.pop(kid, None)

    # -- drawing -------------------------------------------------------------------------
    def layout(self, *, relayout: bool = False) -> None:
        """Give the process a diagram (``process.diagram``) from :func:`bpsim.layout.layout`.

        Writers lay out by themselves; call this to inspect positions, or to silence
        ``bpsim.validate``'s "no diagram" warning on a process built in code.
        """
        from bpsim.layout import layout

        self.process.diagram = layout(self.process, relayout=relayout)
