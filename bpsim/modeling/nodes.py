"""Editing flow nodes: no flow ever points at a node that is gone."""

from __future__ import annotations

from typing import Any

from bpsim.errors import ModelError
from bpsim.model import (
    ACTIVITY_TYPES,
    EVENT_TYPES,
    FLOW_NODE_TYPES,
    SUBPROCESS_TYPES,
)
from bpsim.modeling.flows import FlowEdits
from bpsim.modeling.ids import _blank_node, id_prefix

__all__ = ["NodeEdits"]


class NodeEdits(FlowEdits):
    """Node edits: add, remove (optionally bridging), rename, retype, insert on a flow."""

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
