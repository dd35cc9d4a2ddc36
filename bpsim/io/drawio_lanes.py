"""Pools and lanes of a draw.io page, and which of them each shape sits in.

The service desk's pool "Service desk" holds four lanes, Customer, Agent, Specialist and
Ticketing system: the roles that do the work. draw.io draws them as swimlane cells; people
also draw lanes without a pool, or a plain box around a process. This mixin of
:class:`bpsim.io.drawio_page._Page` decides which swimlanes are pools and which are lanes,
makes a pool for lanes drawn without one, gives each pool its process, and answers "in which
lane and pool is this shape?" by the parent chain first and by position second.
"""

from __future__ import annotations

from bpsim._names import first_free
from bpsim.io.drawio_cells import Cell, Kind, ncname
from bpsim.io.drawio_geometry import BoxIndex, contains, point_to_bounds, union
from bpsim.io.drawio_state import PageState
from bpsim.model import Bounds, Lane, Participant, ProcessInfo

__all__ = ["Swimlanes"]


class Swimlanes(PageState):
    """Swimlane handling for a page reader (uses its ``cells``, ``kind``, ``pools`` ...)."""

    def swimlanes(self) -> None:
        cells = self.cells
        swim = [c for c in cells.values() if self.kind.get(c.id) == Kind.SWIMLANE]
        swim_ids = {c.id for c in swim}
        nodes = self.candidates()
        touched = {e for c in cells.values() if c.edge for e in (c.source, c.target) if e}
        lone: list[Cell] = []
        for s in swim:
            up = next((a for a in self.ancestors(s) if a.id in swim_ids), None)
            if up is not None:
                continue  # a lane: filed under its pool below
            has_lanes = any(k in swim_ids for k in s.children)
            if has_lanes or s.style.get("childLayout") == "stackLayout":
                self.pools[s.id] = {"cell": s, "lanes": [], "kind": "pool"}
                self.file_lanes(s, s.id, None, swim_ids)
            else:
                lone.append(s)
        lanes: list[Cell] = []
        free = BoxIndex((n.id, n.bounds) for n in nodes  # shapes in no swimlane, on show
                        if not any(a in swim_ids for a in self.ancestor_ids(n))
                        and self.folded_in(n) is None)
        for s in lone:
            holds = bool(self.descendants(s.id)) or (s.bounds is not None and any(
                contains(s.bounds, b) for b, _ in free.query_groups(s.bounds, 0.5)))
            # an empty swimlane is a black-box pool when a message flow touches it, or when it
            # stands beside drawn pools (a lane is never a sibling of pools)
            beside_pools = any(p["cell"].parent == s.parent for p in self.pools.values()
                               if p["kind"] == "pool")
            if not holds and (s.id in touched or beside_pools):
                self.pools[s.id] = {"cell": s, "lanes": [], "kind": "black-box"}
            else:
                lanes.append(s)
        self.imply_pools(lanes, swim_ids)

    def imply_pools(self, lanes: list[Cell], swim_ids: set[str]) -> None:
        """Group lanes drawn without a pool into implied pools, top to bottom (left to right
        for vertical lanes); a group stops growing where its box would cover a drawn pool."""
        drawn = [p["cell"].bounds for p in self.pools.values()
                 if p["cell"] is not None and p["cell"].bounds is not None]

        def place(c: Cell) -> tuple[float, float]:
            b = c.bounds or Bounds(0, 0, 0, 0)
            return (b.y, b.x) if c.style.get("horizontal", "1") == "0" else (b.x, b.y)

        group_box: Bounds | None = None
        pool_id: str | None = None
        implied = 0
        for s in sorted(lanes, key=place):
            box = union([b for b in (group_box, s.bounds) if b is not None])
            if pool_id is None or (box is not None and any(_overlap(box, d) for d in drawn)):
                pool_id = f"Participant_{self.token}" + (f"_{implied + 1}" if implied else "")
                implied += 1
                self.pools[pool_id] = {"cell": None, "lanes": [], "kind": "implied"}
                self.implied = self.implied or pool_id
                group_box = None
                box = s.bounds
            group_box = box
            self.pools[pool_id]["lanes"].append(s.id)
            self.lane_pool[s.id] = pool_id
            self.lane_parent[s.id] = None
            self.file_lanes(s, pool_id, s.id, swim_ids)

    def file_lanes(self, container: Cell, pool: str, parent_lane: str | None,
                   swim_ids: set[str]) -> None:
        def kids(cell: Cell, parent: str | None) -> list[tuple[str, str | None]]:
            return [(k, parent) for k in reversed(cell.children) if k in swim_ids]

        todo = kids(container, parent_lane)  # depth first, in drawing order, no recursion
        while todo:
            kid, parent = todo.pop()
            if kid in self.lane_pool:  # a parent cycle
                continue
            if parent is None:
                self.pools[pool]["lanes"].append(kid)
            self.lane_pool[kid] = pool
            self.lane_parent[kid] = parent
            todo.extend(kids(self.cells[kid], kid))

    def pools_and_processes(self) -> None:
        for f in self.frames:
            cell = self.cells[f]
            title = None
            for c in self.cells.values():
                if self.kind.get(c.id) == Kind.TEXT and c.label and c.bounds and \
                        cell.bounds is not None and contains(cell.bounds, c.bounds) and c.style.get("horizontal") == "0":
                    title = c
                    break
            if title is not None:
                self.consumed.add(title.id)
                cell.label = title.label
            self.pools[f] = {"cell": cell, "lanes": [], "kind": "frame"}
        self.pool_process: dict[str, str | None] = {}
        for pid, pool in self.pools.items():
            cell = pool["cell"]
            if pool["kind"] == "black-box":
                participant = Participant(self.eid(pid), cell.label, None, cell.line)
                self.p.participants[participant.id] = participant
                self.pool_process[pid] = None
                continue
            if pool["kind"] == "implied":
                proc_id, proc_name, label, line = f"Process_{self.token}", None, None, None
                self.used.add(pid)
                self.ids[pid] = pid
            else:
                attrs = cell.attributes
                proc_id = attrs.get("process") or f"Process_{self.eid(pid)}"
                proc_name = attrs.get("processName") or cell.label
                label, line = cell.label, cell.line
            proc_id = self.reserve(proc_id)
            self.p.participants[self.eid(pid)] = Participant(self.eid(pid), label, proc_id, line)
            self.p.processes[proc_id] = ProcessInfo(proc_id, proc_name, self.eid(pid), label,
                                                    line=line)
            self.pool_process[pid] = proc_id

    def reserve(self, wanted: str) -> str:
        out = first_free(ncname(wanted), self.used)
        self.used.add(out)
        return out

    def default_process(self) -> str:
        if self.implied is not None:
            implied = self.pool_process[self.implied]
            assert implied is not None  # an implied pool holds lanes: it always has a process
            return implied
        pid = f"Process_{self.token}"
        if pid not in self.p.processes:
            pid = self.reserve(pid)
            self.p.processes[pid] = ProcessInfo(pid, self.page)
        return pid

    def lane_of(self, cell: Cell) -> str | None:
        fold = self.folded_in(cell)
        if fold is not None:  # hidden in a collapsed sub-process: where the sub-process is
            return self.lane_of(self.cells[fold])
        for a in self.ancestors(cell):
            if a.id in self.lane_pool:
                return a.id
            if a.id in self.pools:
                return None
        if cell.bounds is None:
            return None
        center = cell.bounds.center
        best = None
        if "lanes" not in self._indexes:
            self._indexes["lanes"] = BoxIndex((lane, self.cells[lane].bounds)
                                              for lane in self.lane_pool)
        for lane in self._indexes["lanes"].query(Bounds(*center, 0, 0)):
            b = self.cells[lane].bounds
            if b is not None and point_to_bounds(center, b) == 0:
                if best is None or b.width * b.height < best[0]:
                    best = (b.width * b.height, lane)
        return best[1] if best else None

    def pool_of(self, cell: Cell) -> str | None:
        fold = self.folded_in(cell)
        if fold is not None:
            return self.pool_of(self.cells[fold])
        if cell.id in self.pools:
            return cell.id
        if cell.id in self.lane_pool:
            return self.lane_pool[cell.id]
        lane = self.lane_of(cell)
        if lane is not None:
            return self.lane_pool[lane]
        for a in self.ancestors(cell):
            if a.id in self.pools:
                return a.id
        if cell.bounds is None:
            return None
        best = None
        if "pools" not in self._indexes:
            self._indexes["pools"] = BoxIndex((pid, pool["cell"].bounds)
                                              for pid, pool in self.pools.items()
                                              if pool["cell"] is not None)
        for pid in self._indexes["pools"].query(Bounds(*cell.bounds.center, 0, 0)):
            b = self.pools[pid]["cell"].bounds
            if b is not None and point_to_bounds(cell.bounds.center, b) == 0:
                if best is None or b.width * b.height < best[0]:
                    best = (b.width * b.height, pid)
        return best[1] if best else None

    def lanes(self) -> None:
        g = self.p.graph
        for lane_cell, pool in self.lane_pool.items():
            cell = self.cells[lane_cell]
            parent = self.lane_parent.get(lane_cell)
            lane = Lane(self.eid(lane_cell), cell.label, self.pool_process.get(pool),
                        self.eid(parent) if parent else None, line=cell.line)
            self.p.lanes[lane.id] = lane
        for lane_cell, parent in self.lane_parent.items():
            if parent:
                self.p.lanes[self.eid(parent)].children.append(self.eid(lane_cell))
        for nid, lane_id in g.nodes(data="lane"):
            while lane_id is not None:
                self.p.lanes[lane_id].nodes.append(nid)
                lane_id = self.p.lanes[lane_id].parent


def _overlap(a: Bounds, b: Bounds) -> bool:
    return (a.x < b.x + b.width and b.x < a.x + a.width
            and a.y < b.y + b.height and b.y < a.y + a.height)
