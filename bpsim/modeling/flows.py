"""Editing sequence flows: ``process.flows`` and the graph edges always agree (duplicates
included: an edge's ``ids`` lists every flow between the same two nodes)."""

from __future__ import annotations

from typing import Any

from bpsim.errors import ModelError
from bpsim.model import (
    Flow,
)
from bpsim.modeling.ids import Identifiers

__all__ = ["FlowEdits"]


class FlowEdits(Identifiers):
    """Sequence-flow edits: connect, disconnect, reconnect, default flows."""

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
