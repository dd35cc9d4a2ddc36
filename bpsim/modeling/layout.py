"""Automatic layout: where each box, diamond, circle, lane and arrow goes on the drawing.

A service-desk flow is read left to right: the ticket arrives on the left (start events), moves
through triage and resolution, and leaves on the right (end events). Each lane is a horizontal
band (Customer on top, then Agent, Specialist, Ticketing system), and the pool ("Service desk")
frames the lanes. :func:`layout` draws any :class:`~bpsim.model.Process` that way, so a process
built in Python, or read from a file without diagram interchange, can be written to BPMN or
draw.io and opened in a modeller.

The method (a small Sugiyama layout):

1. **Layers.** Longest-path layering from the start events; the back edges of loops (found by a
   depth-first search from the start events) are reversed first, so "Review customer reply ->
   back to the information check" does not push everything to the right. A boundary event sits
   in its host's layer; what follows it comes after the host.
2. **Bands.** Each leaf lane is a band; its height comes from the largest number of nodes that
   one layer places in the lane. Nodes outside every lane get a band of their own.
3. **Order.** Within a layer and a lane, nodes are ordered by barycentre sweeps (forwards then
   backwards) to reduce crossings. Ties keep the depth-first order, so the layout is
   deterministic.
4. **Sizes.** BPMN's usual sizes: task 100x80, event 36x36, gateway 50x50; an expanded
   sub-process is sized to its content (laid out the same way), a collapsed one is 100x80.
5. **Arrows.** Sequence flows are routed orthogonally (Manhattan): the default bends at mid-x
   between the two shapes; other candidates (bend in another gap, leave a gateway by its top or
   bottom, loop below or above) are tried and the one crossing the fewest shapes wins. Boundary
   events sit on the bottom border of their host and their flows leave downwards.

:func:`layout` keeps the diagram interchange a file already has (``process.diagram``) and only
places what is missing, unless ``relayout=True``.

>>> import bpsim
>>> from bpsim.modeling import layout
>>> diagram = layout(bpsim.read("models/service_desk.bpmn"), relayout=True)   # doctest: +SKIP
>>> diagram.shapes["Task_Triage"]                                            # doctest: +SKIP
Bounds(x=..., y=..., width=100, height=80)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx

from bpsim.model import (
    ACTIVITY_TYPES,
    EVENT_TYPES,
    GATEWAY_TYPES,
    SUBPROCESS_TYPES,
    Bounds,
    Diagram,
    Process,
)
from bpsim.modeling.routing import route_flows

__all__ = ["layout", "node_size", "TASK_SIZE", "EVENT_SIZE", "GATEWAY_SIZE"]

TASK_SIZE = (100.0, 80.0)
EVENT_SIZE = (36.0, 36.0)
GATEWAY_SIZE = (50.0, 50.0)

H_GAP = 60.0  # between layers (room for an arrow label)
V_GAP = 40.0  # between rows of one lane
BAND_PAD = 30.0  # above the first and below the last row of a lane
BAND_MIN = 140.0  # lowest lane
SIDE_PAD = 40.0  # left and right of the content in a pool
HEADER = 30.0  # pool and lane header width (the vertical title strip)
POOL_GAP = 60.0  # between pools
SUB_PAD = 25.0  # inside an expanded sub-process


def node_size(node_type: str | None) -> tuple[float, float]:
    """BPMN's usual ``(width, height)`` for a node type (sub-processes: collapsed size)."""
    if node_type in EVENT_TYPES:
        return EVENT_SIZE
    if node_type in GATEWAY_TYPES:
        return GATEWAY_SIZE
    return TASK_SIZE


@dataclass
class _Block:
    """A laid-out container (pool content or sub-process content), origin at (0, 0)."""

    width: float
    height: float
    boxes: dict[str, Bounds] = field(default_factory=dict)  # every node inside, nested too
    bands: list[tuple[Hashable, float, float]] = field(default_factory=list)  # key, top, height
    expanded: dict[str, bool] = field(default_factory=dict)


def layout(process: Process, *, relayout: bool = False) -> Diagram:
    """Place every node, lane, pool and flow of ``process``.

    Parameters
    ----------
    process : Process
        Any process, read or built.
    relayout : bool, default False
        When False, shapes and waypoints already in ``process.diagram`` are kept and only the
        missing ones are placed (near their neighbours). When True, everything is laid out
        afresh.

    Returns
    -------
    Diagram
        A new diagram (``process.diagram`` is not modified) with a shape for every node, lane
        and participant, and waypoints for every sequence flow and message flow.
    """
    fresh = _full_layout(process)
    old = process.diagram
    if relayout or not any(n in old.shapes for n in process.graph):
        return fresh
    return _complete(process, old, fresh)


# -- the full layout ---------------------------------------------------------------------------
def _full_layout(process: Process) -> Diagram:
    diagram = Diagram()
    g = process.graph
    groups: dict[str | None, list[str]] = {pid: [] for pid in process.processes}
    for n, data in g.nodes(data=True):
        if data.get("parent") is None:
            pid = data.get("process")
            groups.setdefault(pid if pid in process.processes else None, []).append(n)
    pool_of = {p.process: p for p in process.participants.values() if p.process}
    y = 0.0
    right = 0.0
    hidden: list[tuple[str, _Block]] = []  # collapsed sub-processes drawn elsewhere
    for pid, members in groups.items():
        pool = pool_of.get(pid) if pid is not None else None
        if not members and pool is None and not _lanes_of(process, pid):
            continue
        top_lanes = [ln for ln in process.lanes.values() if ln.process == pid and not ln.parent]
        if pid is None:
            top_lanes = [ln for ln in process.lanes.values() if ln.process not in process.processes
                         and not ln.parent]
        leaves = [leaf for ln in top_lanes for leaf in _leaves(process, ln.id)]
        depth = max((_depth(process, leaf) for leaf in leaves), default=-1) + 1
        x0 = (HEADER if pool else 0.0) + HEADER * depth
        band_of = _band_function(process, leaves)
        order: list[Hashable] = list(leaves)
        if any(band_of(n) is None for n in members) or not order:
            order.append(None)
        block = _arrange(process, members, band_of, order, hidden)
        width = x0 + block.width
        for n, b in block.boxes.items():
            diagram.shapes[n] = Bounds(b.x + x0, b.y + y, b.width, b.height)
        diagram.expanded.update(block.expanded)
        bands = {key: (top, h) for key, top, h in block.bands}
        for ln in top_lanes:
            _place_lane(process, ln.id, bands, y, x0 - HEADER * depth, width, diagram)
        if pool is not None:
            diagram.shapes[pool.id] = Bounds(0.0, y, width, block.height)
            diagram.horizontal[pool.id] = True
        right = max(right, width)
        y += block.height + POOL_GAP
    for part in process.participants.values():  # black-box pools (no process of their own)
        if part.id not in diagram.shapes:
            diagram.shapes[part.id] = Bounds(0.0, y, max(right, 600.0), 80.0)
            diagram.horizontal[part.id] = True
            y += 80.0 + POOL_GAP
    for sub, block in hidden:  # content of collapsed sub-processes: below the pools
        for n, b in block.boxes.items():
            diagram.shapes[n] = Bounds(b.x + SIDE_PAD, b.y + y, b.width, b.height)
        diagram.expanded.update(block.expanded)
        diagram.expanded.setdefault(sub, False)
        y += block.height + POOL_GAP
    route_flows(process, diagram, set(diagram.edges), gap=H_GAP)
    return diagram


def _lanes_of(process: Process, pid: str | None) -> list[str]:
    return [ln.id for ln in process.lanes.values() if ln.process == pid]


def _leaves(process: Process, lane_id: str) -> list[str]:
    lane = process.lanes[lane_id]
    kids = [c for c in lane.children if c in process.lanes]
    if not kids:
        return [lane_id]
    return [leaf for c in kids for leaf in _leaves(process, c)]


def _depth(process: Process, lane_id: str) -> int:
    d, lane = 0, process.lanes[lane_id]
    while lane.parent and lane.parent in process.lanes:
        d, lane = d + 1, process.lanes[lane.parent]
    return d


def _band_function(process: Process, leaves: list[str]):
    leaf_set = set(leaves)

    def band_of(n: str) -> Hashable:
        lane = process.graph.nodes[n].get("lane")
        if lane in leaf_set:
            return lane
        if lane in process.lanes:  # a node in a lane that has child lanes: its first leaf
            for leaf in _leaves(process, lane):
                if leaf in leaf_set:
                    return leaf
        return None

    return band_of


def _place_lane(process: Process, lane_id: str, bands, y0: float, x: float, right: float,
                diagram: Diagram) -> tuple[float, float]:
    """Shape of a lane spanning its leaf bands; returns (top, bottom) in absolute y."""
    lane = process.lanes[lane_id]
    kids = [c for c in lane.children if c in process.lanes]
    if kids:
        spans = [_place_lane(process, c, bands, y0, x + HEADER, right, diagram) for c in kids]
        top, bottom = spans[0][0], spans[-1][1]
    else:
        top_rel, h = bands.get(lane_id, (0.0, BAND_MIN))
        top, bottom = y0 + top_rel, y0 + top_rel + h
    diagram.shapes[lane_id] = Bounds(x, top, right - x, bottom - top)
    diagram.horizontal[lane_id] = True
    return top, bottom


def _size(process: Process, n: str, hidden: list, blocks: dict[str, _Block]) -> tuple[float, float]:
    data = process.graph.nodes[n]
    t = data.get("type")
    if t in SUBPROCESS_TYPES and process.children(n):
        block = _arrange_sub(process, n, hidden)
        if process.diagram.expanded.get(n, True):
            blocks[n] = block
            return (max(block.width, TASK_SIZE[0]), max(block.height, TASK_SIZE[1]))
        hidden.append((n, block))
    return node_size(t)


def _arrange_sub(process: Process, sub: str, hidden: list) -> _Block:
    members = process.children(sub)
    return _arrange(process, members, lambda n: None, [None], hidden, pad=SUB_PAD)


def _arrange(process: Process, members: list[str], band_of, band_order: list[Hashable],
             hidden: list, pad: float | None = None) -> _Block:
    """Lay out ``members`` (one container level) in bands; origin at (0, 0)."""
    g = process.graph
    member_set = set(members)
    attached = {n for n in members if g.nodes[n].get("type") == "boundaryEvent"
                and g.nodes[n].get("attached_to") in member_set}
    core = [n for n in members if n not in attached]
    blocks: dict[str, _Block] = {}
    sizes = {n: _size(process, n, hidden, blocks) for n in core}
    per_host: dict[str, int] = {}
    for ev in attached:
        per_host[g.nodes[ev]["attached_to"]] = per_host.get(g.nodes[ev]["attached_to"], 0) + 1
    for host, k in per_host.items():  # room on the bottom border for every boundary event
        if host in sizes:
            need = EVENT_SIZE[0] + 20 + (k - 1) * (EVENT_SIZE[0] + 8)
            sizes[host] = (max(sizes[host][0], need), sizes[host][1])
    layer = _layers(process, core, attached)
    rows = _order(process, core, layer, band_of, band_order)
    side = SIDE_PAD if pad is None else pad
    n_layers = max(layer.values(), default=-1) + 1
    col_w = [0.0] * n_layers
    for n in core:
        col_w[layer[n]] = max(col_w[layer[n]], sizes[n][0])
    col_x, x = [], side
    for w in col_w:
        col_x.append(x)
        x += w + H_GAP
    width = max(x - H_GAP + side, 2 * side + 100.0)
    block = _Block(width=width, height=0.0)
    y = 0.0
    for key in band_order:
        band_rows = rows.get(key, [])
        heights = [max((sizes[n][1] for n in row), default=0.0) for row in band_rows]
        content = sum(heights) + V_GAP * max(len(heights) - 1, 0)
        top_pad = BAND_PAD if pad is None else pad
        band_h = content + 2 * top_pad
        if pad is None:
            band_h = max(band_h, BAND_MIN)
        ry = y + (band_h - content) / 2
        for row, rh in zip(band_rows, heights):
            for n in row:
                w, h = sizes[n]
                cx = col_x[layer[n]] + col_w[layer[n]] / 2
                block.boxes[n] = Bounds(cx - w / 2, ry + (rh - h) / 2, w, h)
            ry += rh + V_GAP
        block.bands.append((key, y, band_h))
        y += band_h
    block.height = y
    for n, sub in blocks.items():  # expanded sub-process content, inside its box
        box = block.boxes[n]
        dx = box.x + (box.width - sub.width) / 2
        dy = box.y + (box.height - sub.height) / 2
        for m, b in sub.boxes.items():
            block.boxes[m] = Bounds(b.x + dx, b.y + dy, b.width, b.height)
        block.expanded.update(sub.expanded)
        block.expanded[n] = True
    for n in members:  # boundary events on the bottom border of their host
        if n in attached:
            block.boxes[n] = _on_border(process, n, block.boxes)
    return block


def _on_border(process: Process, event: str, boxes: dict[str, Bounds]) -> Bounds:
    host = process.graph.nodes[event]["attached_to"]
    hb = boxes[host]
    siblings = [m for m in process.graph.nodes
                if process.graph.nodes[m].get("attached_to") == host
                and process.graph.nodes[m].get("type") == "boundaryEvent"]
    k = siblings.index(event) if event in siblings else 0
    w, h = EVENT_SIZE
    step = w + 8  # never on top of each other: bottom border right to left, then the top
    fit = max(int((hb.width - w - 12) // step) + 1, 1)
    y = hb.y + hb.height - h / 2
    if k >= fit:
        k, y = k - fit, hb.y - h / 2
        if len(siblings) > 2 * fit:  # more than both borders hold: squeeze the top ones
            step = max(hb.width - w - 12, 1.0) / max(len(siblings) - fit - 1, 1)
    cx = hb.x + hb.width - w / 2 - 12 - k * step
    cx = max(cx, hb.x + w / 2)
    return Bounds(cx - w / 2, y, w, h)


def _layers(process: Process, core: list[str], attached: set[str]) -> dict[str, int]:
    """Longest-path layers on the flow graph with loop back edges reversed."""
    g = process.graph
    host = {b: g.nodes[b]["attached_to"] for b in attached}
    core_set = set(core)
    h = nx.DiGraph()
    h.add_nodes_from(core)
    for u, v in g.edges:
        u = host.get(u, u)
        v = host.get(v, v)
        if u in core_set and v in core_set and u != v:
            h.add_edge(u, v)
    starts = [n for n in core if g.nodes[n].get("type") == "startEvent"]
    roots = starts + [n for n in core if h.in_degree(n) == 0 and n not in starts] + core
    back: list[tuple[str, str]] = []
    state: dict[str, int] = {}
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(list(h.successors(root))))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.append((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(list(h.successors(nxt)))))
    for u, v in back:
        h.remove_edge(u, v)
        if not h.has_edge(v, u):
            h.add_edge(v, u)
    layer: dict[str, int] = {}
    for n in nx.topological_sort(h):
        layer[n] = max((layer[p] + 1 for p in h.predecessors(n)), default=0)
    return layer


def _order(process: Process, core: list[str], layer: dict[str, int], band_of,
           band_order: list[Hashable]) -> dict[Hashable, list[list[str]]]:
    """Rows per band: ``rows[band][r]`` lists the nodes of row ``r`` (one per layer at most)."""
    g = process.graph
    band_index = {key: i for i, key in enumerate(band_order)}
    cells: dict[tuple[int, Hashable], list[str]] = {}
    for n in core:  # dict order of core = graph order: deterministic
        cells.setdefault((layer[n], band_of(n)), []).append(n)
    n_layers = max(layer.values(), default=-1) + 1
    core_set = set(core)

    by_layer: dict[int, list[tuple[Hashable, list[str]]]] = {}
    for (ly, key), ns in cells.items():
        by_layer.setdefault(ly, []).append((key, ns))
    pos = {n: band_index.get(key, 0) * 1000 + i
           for (_, key), ns in cells.items() for i, n in enumerate(ns)}

    def sweep(layers: Iterable[int], neighbours) -> None:
        for lay in layers:
            for key, ns in by_layer.get(lay, []):
                if len(ns) < 2:
                    continue
                keys = {}
                for i, n in enumerate(ns):
                    near = [pos[m] for m in neighbours(n) if m in core_set and m in pos]
                    keys[n] = (sum(near) / len(near) if near else pos[n], i)
                ns.sort(key=keys.__getitem__)
                base = band_index.get(key, 0) * 1000
                for i, n in enumerate(ns):
                    pos[n] = base + i

    for _ in range(4):
        sweep(range(n_layers), g.predecessors)
        sweep(reversed(range(n_layers)), g.successors)
    rows: dict[Hashable, list[list[str]]] = {}
    for key in band_order:
        height = max((len(ns) for (_, k), ns in cells.items() if k == key), default=0)
        band_rows: list[list[str]] = [[] for _ in range(height)]
        for (_, k), ns in sorted(cells.items(), key=lambda c: c[0][0]):
            if k == key:
                offset = (height - len(ns)) // 2
                for i, n in enumerate(ns):
                    band_rows[offset + i].append(n)
        rows[key] = band_rows
    return rows


# -- keeping existing diagram interchange -------------------------------------------------
def _complete(process: Process, old: Diagram, fresh: Diagram) -> Diagram:
    """Existing shapes and edges, plus places for what is missing."""
    d = Diagram(shapes=dict(old.shapes), edges={k: list(v) for k, v in old.edges.items()},
                expanded=dict(old.expanded), horizontal=dict(old.horizontal))
    g = process.graph
    bottom = max((b.y + b.height for b in old.shapes.values()), default=0.0)
    top_fresh = min((b.y for b in fresh.shapes.values()), default=0.0)
    dy = bottom + POOL_GAP - top_fresh
    placed_nodes = [n for n in g if n in d.shapes]
    for n in g:
        if n in d.shapes:
            continue
        data = g.nodes[n]
        if data.get("type") == "boundaryEvent" and data.get("attached_to") in d.shapes:
            d.shapes[n] = _on_border(process, n, d.shapes)
            continue
        w, h = node_size(data.get("type"))
        if n in fresh.shapes and data.get("type") in ACTIVITY_TYPES:
            w, h = fresh.shapes[n].width, fresh.shapes[n].height
        preds = [d.shapes[p] for p in g.predecessors(n) if p in d.shapes]
        succs = [d.shapes[s] for s in g.successors(n) if s in d.shapes]
        if preds:
            x = max(b.x + b.width for b in preds) + H_GAP
            cy = preds[0].center[1]
        elif succs:
            x = min(b.x for b in succs) - H_GAP - w
            cy = succs[0].center[1]
        else:
            fb = fresh.shapes[n]
            d.shapes[n] = Bounds(fb.x, fb.y + dy, fb.width, fb.height)
            continue
        lane = d.shapes.get(data.get("lane") or "")
        if lane is not None:
            cy = min(max(cy, lane.y + h / 2 + 5), lane.y + lane.height - h / 2 - 5)
        box = Bounds(x, cy - h / 2, w, h)
        others = [d.shapes[m] for m in placed_nodes
                  if g.nodes[m].get("type") not in SUBPROCESS_TYPES]
        for _ in range(50):
            if not any(_overlap(box, o) for o in others):
                break
            box = Bounds(box.x, box.y + h + 20, w, h)
        d.shapes[n] = box
        placed_nodes.append(n)
    members_of = {key: [m for m in lane.nodes if m in d.shapes]
                  for key, lane in process.lanes.items()}
    for key, part in process.participants.items():
        members_of[key] = [m for m in g if part.process is not None
                           and g.nodes[m].get("process") == part.process and m in d.shapes]
    for key, members in members_of.items():
        if key in d.shapes:
            continue
        if members:
            x1 = min(d.shapes[m].x for m in members) - SIDE_PAD
            y1 = min(d.shapes[m].y for m in members) - BAND_PAD
            x2 = max(d.shapes[m].x + d.shapes[m].width for m in members) + SIDE_PAD
            y2 = max(d.shapes[m].y + d.shapes[m].height for m in members) + BAND_PAD
            d.shapes[key] = Bounds(x1 - HEADER, y1, x2 - x1 + HEADER, y2 - y1)
        elif key in fresh.shapes:
            fb = fresh.shapes[key]
            d.shapes[key] = Bounds(fb.x, fb.y + dy, fb.width, fb.height)
        d.horizontal.setdefault(key, True)
    for n in g:
        if g.nodes[n].get("type") in SUBPROCESS_TYPES:
            d.expanded.setdefault(n, fresh.expanded.get(n, False))
    route_flows(process, d, set(d.edges), gap=H_GAP)
    return d


def _overlap(a: Bounds, b: Bounds) -> bool:
    return (a.x < b.x + b.width and b.x < a.x + a.width
            and a.y < b.y + b.height and b.y < a.y + a.height)
