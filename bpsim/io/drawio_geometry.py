"""Plane geometry for diagrams: where a shape's border is, and how an arrow runs between two.

A service desk's drawing is boxes on a plane: the "Resolve as specialist" task is a rectangle,
the "Resolution overdue" timer a circle sitting on its lower border, the arrow from the timer
to "Send delay notice" a polyline of right angles. The draw.io reader uses these helpers to
decide which shapes touch (a boundary event on a task border, a hand-drawn arrow that ends near
a shape) and the BPMN writer uses :func:`orthogonal_route` to give every flow waypoints that
bpmn.io and Camunda Modeler draw as clean right-angled connectors.

All coordinates are pixels with y growing downwards (draw.io and BPMN DI agree on that).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from bpsim.model import Bounds

__all__ = [
    "BoxIndex",
    "border_distance",
    "contains",
    "point_to_bounds",
    "orthogonal_route",
    "union",
]

Point = tuple[float, float]


def contains(outer: Bounds, inner: Bounds, slack: float = 0.5) -> bool:
    """``True`` when ``inner`` lies wholly inside ``outer`` (``slack`` pixels of tolerance)."""
    return (
        inner.x >= outer.x - slack
        and inner.y >= outer.y - slack
        and inner.x + inner.width <= outer.x + outer.width + slack
        and inner.y + inner.height <= outer.y + outer.height + slack
    )


def point_to_bounds(p: Point, b: Bounds) -> float:
    """Distance from a point to a filled rectangle (0 inside it)."""
    dx = max(b.x - p[0], 0.0, p[0] - (b.x + b.width))
    dy = max(b.y - p[1], 0.0, p[1] - (b.y + b.height))
    return math.hypot(dx, dy)


def border_distance(p: Point, b: Bounds) -> float:
    """Distance from a point to the outline of a rectangle (inside or outside)."""
    outside = point_to_bounds(p, b)
    if outside > 0:
        return outside
    return min(p[0] - b.x, b.x + b.width - p[0], p[1] - b.y, b.y + b.height - p[1])


def union(boxes: list[Bounds], pad: float = 0.0) -> Bounds | None:
    """The smallest box holding every box in ``boxes`` (grown by ``pad``), or ``None``."""
    if not boxes:
        return None
    x0 = min(b.x for b in boxes) - pad
    y0 = min(b.y for b in boxes) - pad
    x1 = max(b.x + b.width for b in boxes) + pad
    y1 = max(b.y + b.height for b in boxes) + pad
    return Bounds(x0, y0, x1 - x0, y1 - y0)


def _small(b: Bounds) -> bool:
    """Events and gateways (at most 60 px across), as opposed to activities."""
    return b.width <= 60 and b.height <= 60


def _exit(b: Bounds, toward: Point) -> Point:
    """Where a connector leaving ``b`` toward ``toward`` crosses its border (axis-aligned)."""
    cx, cy = b.center
    if b.x <= toward[0] <= b.x + b.width:  # straight up or down
        return (toward[0], b.y if toward[1] < cy else b.y + b.height)
    if b.y <= toward[1] <= b.y + b.height:  # straight left or right
        return (b.x if toward[0] < cx else b.x + b.width, toward[1])
    return (b.x if toward[0] < cx else b.x + b.width, cy)


def orthogonal_route(
    source: Bounds, target: Bounds, points: list[Point] | None = None
) -> list[Point]:
    """Waypoints of a right-angled connector from ``source`` to ``target``.

    With ``points`` (the bends a user drew), the route leaves and enters the shapes toward
    the first and last bend. Without them, a left-to-right flow leaves the right side and
    enters the left side: a straight line, a Z between two activities, an L that leaves a
    gateway or event by its top or bottom (a branch), or an L that enters a gateway or event
    from above or below (a merge). A flow that runs backwards (a loop) leaves the bottom, runs
    below both shapes and comes up.
    """
    if points:
        pts = [(float(x), float(y)) for x, y in points]
        return [_exit(source, pts[0]), *pts, _exit(target, pts[-1])]
    sx, sy = source.center
    tx, ty = target.center
    s_right, t_left = source.x + source.width, target.x
    s_bottom, t_bottom = source.y + source.height, target.y + target.height
    if t_left >= s_right:  # target to the right
        if target.y <= sy <= t_bottom:  # straight across
            return [(s_right, sy), (t_left, sy)]
        if source.y <= ty <= s_bottom:
            return [(s_right, ty), (t_left, ty)]
        if _small(source):  # a gateway/event branch: leave by the top or bottom, then across
            return [(sx, s_bottom if ty > sy else source.y), (sx, ty), (t_left, ty)]
        if _small(target):  # into a merge gateway/event: across, then down or up
            return [(s_right, sy), (tx, sy), (tx, target.y if ty > sy else t_bottom)]
        mid = (s_right + t_left) / 2
        return [(s_right, sy), (mid, sy), (mid, ty), (t_left, ty)]
    if target.x <= sx <= target.x + target.width or source.x <= tx <= s_right:  # stacked
        x = sx if target.x <= sx <= target.x + target.width else tx
        if ty > sy:
            return [(x, s_bottom), (x, target.y)]
        return [(x, source.y), (x, t_bottom)]
    # backwards: under both shapes and back up
    low = max(s_bottom, t_bottom) + 25
    return [(sx, s_bottom), (sx, low), (tx, low), (tx, t_bottom)]


class BoxIndex:
    """Find the boxes near a region without comparing every pair (a uniform grid).

    A drawing of 40,000 tasks asks "which shapes lie inside this box?" and "which task border
    is this event on?" once per shape; scanning every shape each time is quadratic. The index
    files each box under the grid buckets it covers (bucket side: twice the median box size,
    so a typical box covers a few buckets; a box covering more than :attr:`BIG` buckets is kept
    on a short list checked by every query). Boxes with identical bounds share one entry, so a
    pile of 5,000 shapes drawn on the same spot costs one comparison, not 5,000.

    :meth:`query` returns the keys of boxes that intersect a region, in insertion order.
    """

    BIG = 64

    def __init__(self, items: Iterable[tuple[Any, Bounds | None]]) -> None:
        self.groups: list[tuple[Bounds, list[Any]]] = []
        where: dict[tuple[float, float, float, float], int] = {}
        for seq, (key, b) in enumerate(items):
            if b is None:
                continue
            k = (b.x, b.y, b.width, b.height)
            if k not in where:
                where[k] = len(self.groups)
                self.groups.append((b, []))
            self.groups[where[k]][1].append((seq, key))
        sizes = sorted(max(b.width, b.height) for b, _ in self.groups)
        median = sizes[len(sizes) // 2] if sizes else 1.0
        self.size = max(2.0 * median, 1.0) if math.isfinite(median) else 1.0
        self.grid: dict[tuple[int, int], list[int]] = {}
        self.big: list[int] = []
        for gi, (b, _) in enumerate(self.groups):
            span = self._span(b, 0.0)
            if span is None or _count(span) > self.BIG:
                self.big.append(gi)
                continue
            i0, i1, j0, j1 = span
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    self.grid.setdefault((i, j), []).append(gi)

    def _span(self, b: Bounds, pad: float) -> tuple[int, int, int, int] | None:
        try:
            s = self.size
            return (math.floor((b.x - pad) / s), math.floor((b.x + b.width + pad) / s),
                    math.floor((b.y - pad) / s), math.floor((b.y + b.height + pad) / s))
        except (OverflowError, ValueError):  # infinite or NaN coordinates
            return None

    def query_groups(self, region: Bounds, pad: float = 0.0) -> list[tuple[Bounds, list]]:
        """``(bounds, [(seq, key), ...])`` of every group of identical boxes meeting ``region``
        (``seq``: the key's position in the items given to the index)."""
        if not self.groups:
            return []
        span = self._span(region, pad)
        found: set[int] = set(self.big)
        if span is None:
            found.update(range(len(self.groups)))
        elif _count(span) > len(self.grid):
            i0, i1, j0, j1 = span
            for (i, j), bucket in self.grid.items():
                if i0 <= i <= i1 and j0 <= j <= j1:
                    found.update(bucket)
        else:
            i0, i1, j0, j1 = span
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    found.update(self.grid.get((i, j), ()))
        x0, x1 = region.x - pad, region.x + region.width + pad
        y0, y1 = region.y - pad, region.y + region.height + pad
        out = []
        for gi in sorted(found):
            b, keys = self.groups[gi]
            if b.x <= x1 and x0 <= b.x + b.width and b.y <= y1 and y0 <= b.y + b.height:
                out.append((b, keys))
        return out

    def query(self, region: Bounds, pad: float = 0.0) -> list[Any]:
        """Keys of the boxes that meet ``region`` grown by ``pad``, in insertion order."""
        hits = [sk for _, keys in self.query_groups(region, pad) for sk in keys]
        return [k for _, k in sorted(hits, key=lambda sk: sk[0])]


def _count(span: tuple[int, int, int, int]) -> int:
    return (span[1] - span[0] + 1) * (span[3] - span[2] + 1)
