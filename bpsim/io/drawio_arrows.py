"""The arrows of a draw.io page: where they end, what they are, how they run.

In the service-desk drawing an arrow from "Contact known?" labelled "No" to "Create contact"
is a sequence flow; a dashed arrow with a small circle from the customer's pool to "E-mail
received" is a message flow; a dotted line from a note to a task is an association. This
mixin of :class:`bpsim.io.drawio_page._Page` resolves each arrow's ends (through markers and
labels folded into their shapes, snapping a loose end to a shape within :data:`SNAP` pixels),
classifies it, and routes every flow for the diagram.
"""

from __future__ import annotations

from bpsim.io.drawio_cells import ARTIFACT_KINDS, NODE_KINDS, Cell, Kind
from bpsim.io.drawio_geometry import BoxIndex, border_distance, orthogonal_route, union
from bpsim.io.drawio_state import PageState
from bpsim.model import Bounds, Flow, MessageFlow

__all__ = ["Arrows", "SNAP"]

#: How far (pixels) a loose arrow end may lie from a shape's outline and still snap to it.
SNAP = 10.0


class Arrows(PageState):
    """Arrow handling for a page reader (uses its ``cells``, ``kind``, ``fold`` ...)."""

    def ends(self) -> list[Cell]:
        """Shapes an arrow may end on: nodes, artifacts, swimlanes."""
        return [c for c in self.cells.values() if c.bounds is not None and c.id not in self.fold
                and (self.kind.get(c.id) in NODE_KINDS | ARTIFACT_KINDS | {Kind.SWIMLANE})]

    def snap(self, edge: Cell, which: str) -> str | None:
        point = edge.geo.get("sourcePoint" if which == "source" else "targetPoint")
        if point is None:
            return None
        parent = self.cells.get(edge.parent) if edge.parent else None
        px, py = point[0], point[1]
        if parent is not None and parent.bounds is not None:
            px, py = px + parent.bounds.x, py + parent.bounds.y
            point = (px, py)
        best: tuple[float, float, str] | None = None
        if "ends" not in self._indexes:
            self._indexes["ends"] = BoxIndex((c, c.bounds) for c in self.ends())
        for c in self._indexes["ends"].query(Bounds(px, py, 0, 0), SNAP):
            d = border_distance(point, c.bounds)
            if d <= SNAP:
                key = (d, c.bounds.width * c.bounds.height, c.id)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def resolve_edges(self) -> None:
        for e in self.cells.values():
            if not e.edge:
                continue
            ends: dict[str, str | None] = {}
            for which in ("source", "target"):
                ref = getattr(e, which)
                ends[which] = self.follow(ref) if ref in self.cells else None
            if ends["source"] is None and ends["target"] is None:
                self.finding("drawio-loose-edge", "warning", e,
                             "a line with neither end on a shape (a separator or decoration); "
                             "not read.")
                continue
            for which in ("source", "target"):
                if ends[which] is None:
                    snapped = self.snap(e, which)
                    if snapped is None:
                        other = ends["target" if which == "source" else "source"]
                        assert other is not None  # an arrow with neither end was skipped
                        self.finding("drawio-loose-edge", "warning", e,
                                     f"the arrow's {which} end touches no shape (other end: "
                                     f"{self.describe(other)}); the arrow is dropped.")
                        break
                    ends[which] = snapped
                    self.finding("drawio-loose-edge", "info", e,
                                 f"the arrow's {which} end was drawn loose; it was snapped to "
                                 f"{self.describe(snapped)}, which lies within {SNAP:g} px.")
            else:
                source, target = ends["source"], ends["target"]
                assert source is not None and target is not None  # each end found or snapped
                self.edges.append((e, source, target))

    def follow(self, ref: str) -> str:
        seen = set()
        while ref in self.fold and ref not in seen:
            seen.add(ref)
            ref = self.fold[ref]
        return ref

    def flows(self) -> None:
        g, p = self.p.graph, self.p
        self.associations: list[tuple[Cell, str, str]] = []
        for e, s, t in self.edges:
            ks, kt = self.kind.get(s), self.kind.get(t)
            name = e.label or (" ".join(self.labels.get(e.id, [])) or None)
            style = e.style
            if ks in ARTIFACT_KINDS or kt in ARTIFACT_KINDS or (
                    e.dashed and style.get("endArrow") in ("none", "openThin", "open")
                    and style.get("startArrow", "none") in ("none", "")):
                self.associations.append((e, s, t))
                continue
            ends_ok = all(x in self.node_type or x in self.pools or x in self.lane_pool
                          for x in (s, t))
            if not ends_ok:
                bad = next(x for x in (s, t) if not (x in self.node_type or x in self.pools
                                                     or x in self.lane_pool))
                self.finding("drawio-loose-edge", "warning", e,
                             f"the arrow ends on {self.describe(bad)}, which is not a task, "
                             "event, gateway or pool; the arrow is dropped.")
                continue
            pool_s = self.pool_of(self.cells[self.attached.get(s, s)])
            pool_t = self.pool_of(self.cells[self.attached.get(t, t)])
            on_pool = any(x in self.pools or x in self.lane_pool for x in (s, t))
            message = e.dashed and style.get("startArrow") == "oval"
            if not message and (on_pool or pool_s != pool_t):
                if not e.dashed:
                    self.finding("drawio-flow-across-pools", "warning", e,
                                 "a solid arrow between two pools; read as a message flow "
                                 "(sequence flows stay inside one pool).")
                message = True
            if message:
                src = self.eid(s) if s in self.node_type else self.eid(self.pool_end(s))
                tgt = self.eid(t) if t in self.node_type else self.eid(self.pool_end(t))
                p.message_flows[self.eid(e.id)] = MessageFlow(self.eid(e.id), src, tgt, name,
                                                              e.line)
                continue
            if e.dashed:
                self.finding("drawio-dashed-flow", "info", e,
                             "a dashed arrow inside one pool; read as a sequence flow.")
            fid, src, tgt = self.eid(e.id), self.eid(s), self.eid(t)
            default = style.get("startArrow") == "dash"
            condition = e.attributes.get("condition") or None
            language = e.attributes.get("conditionLanguage") or None if condition else None
            process = g.nodes[src]["process"]
            p.flows[fid] = Flow(fid, src, tgt, name, condition, language, default, process,
                                e.line, conditional=condition is not None)
            if default:
                if g.nodes[src]["default"] is None:
                    g.nodes[src]["default"] = fid
            if g.has_edge(src, tgt):
                g.edges[src, tgt]["ids"].append(fid)
            else:
                g.add_edge(src, tgt, id=fid, name=name, condition=condition,
                           condition_language=language, default=default, line=e.line,
                           ids=[fid], process=process)

    def pool_end(self, cid: str) -> str:
        return self.lane_pool.get(cid, cid)

    def diagram(self) -> None:
        d = self.p.diagram
        for cid in self.node_type:
            b = self.cells[cid].bounds
            if b is not None:
                d.shapes[self.eid(cid)] = b
            if self.node_type[cid] in ("subProcess", "adHocSubProcess", "transaction"):
                d.expanded[self.eid(cid)] = cid in self.holds and not self.cells[cid].collapsed
        for lane in self.lane_pool:
            cell = self.cells[lane]
            if cell.bounds is not None:
                d.shapes[self.eid(lane)] = cell.bounds
                d.horizontal[self.eid(lane)] = cell.style.get("horizontal", "1") == "0"
        for pid, pool in self.pools.items():
            cell = pool["cell"]
            if cell is not None and cell.bounds is not None:
                d.shapes[self.eid(pid)] = cell.bounds
                d.horizontal[self.eid(pid)] = (cell.style.get("horizontal", "1") == "0"
                                               or pool["kind"] == "frame")
            elif pool["kind"] == "implied":
                boxes = [b for x in pool["lanes"] if (b := self.cells[x].bounds) is not None]
                horizontal = all(self.cells[x].style.get("horizontal", "1") == "0"
                                 for x in pool["lanes"])
                box = union(boxes)
                if box is not None:
                    grow = 30.0
                    d.shapes[pid] = (Bounds(box.x - grow, box.y, box.width + grow, box.height)
                                     if horizontal else
                                     Bounds(box.x, box.y - grow, box.width, box.height + grow))
                d.horizontal[pid] = horizontal
        for aid, a in self.p.artifacts.items():
            art_cell = self.cells.get(a["cell"])
            if art_cell is not None and art_cell.bounds is not None:
                d.shapes[aid] = art_cell.bounds
        routed = [(f.id, f.source, f.target) for f in self.p.flows.values()]
        routed += [(m.id, m.source, m.target) for m in self.p.message_flows.values()]
        routed += [(aid, a["sourceRef"], a["targetRef"]) for aid, a in self.p.artifacts.items()
                   if a["type"] == "association"]
        by_id = {v: k for k, v in self.ids.items()}
        for fid, s, t in routed:
            sb, tb = d.shapes.get(s), d.shapes.get(t)
            if sb is None or tb is None:
                continue
            edge = self.cells[by_id[fid]]
            parent = self.cells.get(edge.parent) if edge.parent else None
            ox, oy = (parent.bounds.x, parent.bounds.y) if parent is not None and \
                parent.bounds is not None else (0.0, 0.0)
            points = [(x + ox, y + oy) for x, y in edge.geo.get("points", [])]
            d.edges[fid] = orthogonal_route(sb, tb, points)

