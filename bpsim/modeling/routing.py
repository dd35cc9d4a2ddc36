"""Routing arrows between placed shapes: orthogonal paths that avoid the other shapes.

Once :mod:`bpsim.modeling.layout` has placed every shape, :func:`route_flows` gives each
sequence flow a Manhattan path: the default bends at mid-x between the two shapes; other
candidates (bend in another gap, leave a gateway by its top or bottom, loop below or above)
are tried and the one crossing the fewest shapes wins; a boundary event's flow leaves
downwards. Flows to different targets that would share one vertical channel get parallel
channels of their own. A message flow leaves the top or bottom of its shape and crosses
between the two pools.
"""

from __future__ import annotations

import bisect

from bpsim.model import GATEWAY_TYPES, SUBPROCESS_TYPES, Bounds, Diagram, Process

__all__ = ["route_flows"]

Point = tuple[float, float]


def route_flows(process: Process, d: Diagram, keep: set[str], *, gap: float) -> None:
    """Waypoints for every sequence and message flow between two placed shapes of ``d``,
    except those in ``keep``; ``gap`` is the room between two layers of shapes (where
    arrows bend)."""
    g = process.graph
    obstacles = _Obstacles([(n, d.shapes[n]) for n in g if n in d.shapes and not (
        g.nodes[n].get("type") in SUBPROCESS_TYPES and d.expanded.get(n))])
    for f in process.flows.values():
        if f.id in keep or f.source not in d.shapes or f.target not in d.shapes:
            continue
        boundary = g.nodes[f.source].get("type") == "boundaryEvent" if f.source in g else False
        gateway = g.nodes[f.source].get("type") in GATEWAY_TYPES if f.source in g else False
        d.edges[f.id] = _route(d.shapes[f.source], d.shapes[f.target], obstacles,
                               boundary=boundary, gateway=gateway, ends=(f.source, f.target), gap=gap)
    _spread(process, d, keep, gap)
    pool_of = {part.process: part.id for part in process.participants.values() if part.process}

    def pool(end: str) -> Bounds | None:
        owner = g.nodes[end].get("process") if end in g else None
        key = end if end in process.participants else (
            pool_of.get(owner) if owner is not None else None)
        return d.shapes.get(key) if key else None

    for m in process.message_flows.values():
        if m.id in keep or m.source not in d.shapes or m.target not in d.shapes:
            continue
        d.edges[m.id] = _route_message(d.shapes[m.source], d.shapes[m.target],
                                       pool(m.source), pool(m.target))


def _spread(process: Process, d: Diagram, keep: set[str], gap: float) -> None:
    """Give flows that would share one vertical channel x positions of their own.

    Flows into the same target keep a common channel (they visibly merge); different
    targets get parallel channels 10 px apart, so arrows do not run on top of each other.
    """
    channels: dict[float, dict[str, list[str]]] = {}
    for f in process.flows.values():
        pts = d.edges.get(f.id)
        if f.id in keep or not pts or len(pts) != 4:
            continue
        (x0, y0), (x1, y1), (x2, y2), _ = pts
        if y0 == y1 and x1 == x2 and y1 != y2:
            channels.setdefault(x1, {}).setdefault(f.target, []).append(f.id)
    for x, bundles in channels.items():
        if len(bundles) < 2:
            continue
        order = sorted(bundles, key=lambda t: (d.shapes[t].y, d.shapes[t].x, t))
        step = min(10.0, (gap - 16) / (len(order) - 1))
        for i, target in enumerate(order):
            nx_ = x + (i - (len(order) - 1) / 2) * step
            for fid in bundles[target]:
                (x0, y0), (_, y1), (_, y2), end = d.edges[fid]
                d.edges[fid] = [(x0, y0), (nx_, y1), (nx_, y2), end]


class _Obstacles:
    """Shapes arrows should not cross, sorted by x so a route only looks at those near it."""

    def __init__(self, boxes: list[tuple[str, Bounds]]) -> None:
        self.items = sorted(boxes, key=lambda nb: nb[1].x)
        self.lefts = [b.x for _, b in self.items]
        self.widest = max((b.width for _, b in self.items), default=0.0)

    def near(self, points: list[Point], skip: tuple[str, ...]) -> list[Bounds]:
        x1 = min(p[0] for p in points)
        x2 = max(p[0] for p in points)
        y1 = min(p[1] for p in points)
        y2 = max(p[1] for p in points)
        lo = bisect.bisect_left(self.lefts, x1 - self.widest)
        hi = bisect.bisect_right(self.lefts, x2)
        return [b for n, b in self.items[lo:hi] if n not in skip and b.x + b.width >= x1
                and b.y <= y2 and b.y + b.height >= y1]


def _route(s: Bounds, t: Bounds, obstacles: list[Bounds] | _Obstacles, *,
           boundary: bool = False, gateway: bool = False,
           ends: tuple[str, ...] = (), gap: float) -> list[Point]:
    """Orthogonal waypoints from shape ``s`` to shape ``t``, crossing as few shapes as can be
    (``gap``: the room between two layers of shapes)."""
    scx, scy = s.center
    tcx, tcy = t.center
    s_right, t_left = s.x + s.width, t.x
    candidates: list[list[Point]] = []
    if boundary:
        down = (scx, s.y + s.height)
        if t_left > scx:
            candidates.append([down, (scx, tcy), (t_left, tcy)])
            gx, low = t_left - gap / 2, s.y + s.height + 20
            candidates.append([down, (scx, low), (gx, low), (gx, tcy), (t_left, tcy)])
        below = max(s.y + s.height, t.y + t.height) + 20
        candidates.append([down, (scx, below), (tcx, below), (tcx, t.y + t.height)])
    elif t_left >= s_right:
        if abs(scy - tcy) < 0.5:
            candidates.append([(s_right, scy), (t_left, tcy)])
        mids = [(s_right + t_left) / 2, t_left - gap / 2, s_right + gap / 2]
        bends = [[(s_right, scy), (mx, scy), (mx, tcy), (t_left, tcy)] for mx in mids]
        exit_y = s.y if tcy < scy else s.y + s.height
        leave = [(scx, exit_y), (scx, tcy), (t_left, tcy)]
        enter_y = t.y if scy < tcy else t.y + t.height
        arrive = [(s_right, scy), (tcx, scy), (tcx, enter_y)]
        candidates += ([leave] + bends + [arrive]) if gateway else (bends + [leave, arrive])
    else:  # a loop back, or shapes overlapping in x: go round below, else above
        below = max(s.y + s.height, t.y + t.height) + 25
        above = min(s.y, t.y) - 25
        candidates.append([(scx, s.y + s.height), (scx, below), (tcx, below),
                           (tcx, t.y + t.height)])
        candidates.append([(scx, s.y), (scx, above), (tcx, above), (tcx, t.y)])
    if isinstance(obstacles, _Obstacles):
        obstacles = obstacles.near([p for c in candidates for p in c], ends)
    best = min(range(len(candidates)),
               key=lambda i: (_crossings(candidates[i], obstacles), i))
    return _simplify(candidates[best])


def _route_message(s: Bounds, t: Bounds, s_pool: Bounds | None = None,
                   t_pool: Bounds | None = None) -> list[Point]:
    """A message flow: out of the top or bottom of one shape, along the gap between the two
    pools, into the other shape (a straight line when the shapes face each other)."""
    scx, tcx = s.center[0], t.center[0]
    if s.y + s.height <= t.y:
        y1, y2 = s.y + s.height, t.y
    elif t.y + t.height <= s.y:
        y1, y2 = s.y, t.y + t.height
    else:
        y1, y2 = s.center[1], t.center[1]
    x_lo, x_hi = max(s.x, t.x), min(s.x + s.width, t.x + t.width)
    if x_lo <= x_hi:  # shapes overlap in x: one straight vertical line
        x = tcx if s.width > t.width else scx
        return [(x, y1), (x, y2)]
    mid = (y1 + y2) / 2
    if s_pool is not None and t_pool is not None and s_pool != t_pool:
        upper, lower = (s_pool, t_pool) if s_pool.y <= t_pool.y else (t_pool, s_pool)
        if upper.y + upper.height <= lower.y:
            mid = (upper.y + upper.height + lower.y) / 2
    return _simplify([(scx, y1), (scx, mid), (tcx, mid), (tcx, y2)])


def _crossings(points: list[Point], obstacles: list[Bounds]) -> int:
    count = 0
    for b in obstacles:
        x1, y1, x2, y2 = b.x + 1, b.y + 1, b.x + b.width - 1, b.y + b.height - 1
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            lo_x, hi_x = min(ax, bx), max(ax, bx)
            lo_y, hi_y = min(ay, by), max(ay, by)
            if lo_x <= x2 and hi_x >= x1 and lo_y <= y2 and hi_y >= y1:
                count += 1
                break
    return count


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        p = (round(p[0], 2), round(p[1], 2))
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (ax == bx == p[0]) or (ay == by == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out
