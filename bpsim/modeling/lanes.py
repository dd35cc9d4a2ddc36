"""Editing lanes: each node's ``lane`` and the lanes' ``nodes`` lists always agree."""

from __future__ import annotations

from typing import Any

from bpsim.errors import ModelError
from bpsim.model import (
    Lane,
)
from bpsim.modeling.ids import Identifiers

__all__ = ["LaneEdits"]


class LaneEdits(Identifiers):
    """Lane edits: move a node, add, split and merge lanes."""

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
