"""The BPMN symbols: how a task, an event or a gateway looks, markers included.

:func:`draw_activity`, :func:`draw_event` and :func:`draw_gateway` add to a
:class:`~bpsim.render.scene.Group` the shapes of one flow node inside its bounds, as the BPMN
2.0 notation draws them (and bpmn.io shows them): rounded boxes with task-type icons and
loop, multi-instance, sub-process and ad-hoc markers; thin, double or thick circles with the
trigger's icon (message, timer, signal, error, ...), dashed when non-interrupting; diamonds
with the gateway's mark. Fill and stroke colours come from the caller (the figures of an
:class:`~bpsim.render.process.Overlay`); :mod:`bpsim.render.process` places the symbols,
labels and flows on the page.
"""

from __future__ import annotations

import math

from bpsim.model import SUBPROCESS_TYPES, Bounds
from bpsim.render.scene import Ellipse, Group, Line, Polygon, Rect, Text, arrow_head

__all__ = ["draw_activity", "draw_event", "draw_gateway"]


def draw_activity(grp: Group, t: str, attrs: dict, b: Bounds, fill: str, stroke: str,
             expanded: bool) -> None:
    """A task, sub-process or call activity of type ``t`` (node attributes ``attrs``) in
    ``b``: the rounded box (thick for a call activity, dotted for an event sub-process, double
    for a transaction), the task-type icon and the markers below; ``expanded``: a sub-process
    drawn open, without the collapsed "+" marker."""
    width = 3.0 if t == "callActivity" else 1.4
    dash = "2 3" if attrs.get("triggered_by_event") else None
    grp.add(Rect(b.x, b.y, b.width, b.height, rx=10, fill=fill if not expanded else
                 (fill if fill != "#ffffff" else "#ffffff"), stroke=stroke,
                 stroke_width=width, dash=dash, opacity=1.0))
    if t == "transaction":
        grp.add(Rect(b.x + 3, b.y + 3, b.width - 6, b.height - 6, rx=8, fill=None,
                     stroke=stroke, stroke_width=1.0))
    _task_marker(grp, t, b.x + 8, b.y + 8, stroke)
    markers: list[str] = []
    if t in SUBPROCESS_TYPES and not expanded:
        markers.append("plus")
    loop = attrs.get("loop")
    if loop:
        markers.append(loop)
    if t == "adHocSubProcess":
        markers.append("adhoc")
    if markers:
        cx = b.x + b.width / 2 - (len(markers) - 1) * 8
        for i, m in enumerate(markers):
            _marker(grp, m, cx + i * 16, b.y + b.height - 9, stroke)


def _task_marker(grp: Group, t: str, x: float, y: float, ink: str) -> None:
    if t == "userTask":
        grp.add(Ellipse(x + 6, y + 3.5, 3.2, 3.2, fill="#ffffff", stroke=ink, stroke_width=1))
        grp.add(Polygon([(x, y + 13), (x + 1.5, y + 8), (x + 10.5, y + 8), (x + 12, y + 13)],
                        fill="#ffffff", stroke=ink, stroke_width=1))
    elif t == "serviceTask":
        grp.add(Ellipse(x + 6, y + 6, 6, 6, fill="#ffffff", stroke=ink, stroke_width=2.2,
                        dash="2 1.6"))
        grp.add(Ellipse(x + 6, y + 6, 2.2, 2.2, fill="#ffffff", stroke=ink, stroke_width=1))
    elif t in ("sendTask", "receiveTask"):
        filled = t == "sendTask"
        grp.add(Rect(x, y + 1, 14, 10, fill=ink if filled else "#ffffff", stroke=ink,
                     stroke_width=1))
        grp.add(Line([(x, y + 1), (x + 7, y + 6), (x + 14, y + 1)],
                     stroke="#ffffff" if filled else ink, stroke_width=1))
    elif t == "scriptTask":
        grp.add(Rect(x, y, 11, 13, fill="#ffffff", stroke=ink, stroke_width=1))
        for k in range(3):
            grp.add(Line([(x + 2.5, y + 3.5 + k * 3), (x + 8.5, y + 3.5 + k * 3)], stroke=ink,
                         stroke_width=0.8))
    elif t == "businessRuleTask":
        grp.add(Rect(x, y, 15, 11, fill="#ffffff", stroke=ink, stroke_width=1))
        grp.add(Rect(x, y, 15, 3, fill="#bbbbbb", stroke=ink, stroke_width=1))
        grp.add(Line([(x, y + 7), (x + 15, y + 7)], stroke=ink, stroke_width=0.8))
        grp.add(Line([(x + 5, y + 3), (x + 5, y + 11)], stroke=ink, stroke_width=0.8))
    elif t == "manualTask":
        grp.add(Polygon([(x, y + 5), (x + 9, y + 5), (x + 14, y + 7), (x + 14, y + 12),
                         (x, y + 12)], fill="#ffffff", stroke=ink, stroke_width=1))
        grp.add(Line([(x + 4, y + 5), (x + 9, y + 1.5)], stroke=ink, stroke_width=1))


def _marker(grp: Group, m: str, cx: float, cy: float, ink: str) -> None:
    if m == "plus":
        grp.add(Rect(cx - 6, cy - 6, 12, 12, fill="#ffffff", stroke=ink, stroke_width=1))
        grp.add(Line([(cx - 3.5, cy), (cx + 3.5, cy)], stroke=ink, stroke_width=1.2))
        grp.add(Line([(cx, cy - 3.5), (cx, cy + 3.5)], stroke=ink, stroke_width=1.2))
    elif m == "parallel":
        for k in (-4, 0, 4):
            grp.add(Line([(cx + k, cy - 5), (cx + k, cy + 5)], stroke=ink, stroke_width=1.6))
    elif m == "sequential":
        for k in (-4, 0, 4):
            grp.add(Line([(cx - 5, cy + k), (cx + 5, cy + k)], stroke=ink, stroke_width=1.6))
    elif m == "standard":
        pts = [(cx + 5 * math.cos(a), cy + 5 * math.sin(a))
               for a in (math.radians(d) for d in range(-60, 250, 20))]
        grp.add(Line(pts, stroke=ink, stroke_width=1.2))
        grp.add(Polygon(arrow_head(pts[0], pts[1], 4, 4), fill=ink, stroke=None))
    elif m == "adhoc":
        grp.add(Text(cx, cy, ["~"], size=14, weight="bold", fill=ink))


def draw_event(grp: Group, attrs: dict, b: Bounds, fill: str, stroke: str) -> None:
    """An event in ``b``: a thin circle (start), double (intermediate, boundary) or thick
    (end), dashed when non-interrupting, with its trigger's icon (solid when it throws)."""
    t = attrs.get("type")
    cx, cy = b.x + b.width / 2, b.y + b.height / 2
    r = min(b.width, b.height) / 2
    dashed = None
    if (t == "boundaryEvent" and attrs.get("cancel_activity") is False) or \
            (t == "startEvent" and attrs.get("interrupting") is False):
        dashed = "4 2.5"
    width = 3.5 if t == "endEvent" else 1.5
    grp.add(Ellipse(cx, cy, r, r, fill=fill, stroke=stroke, stroke_width=width, dash=dashed))
    if t in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
        grp.add(Ellipse(cx, cy, r - 3, r - 3, fill=None, stroke=stroke, stroke_width=1.2,
                        dash=dashed))
    throw = t in ("intermediateThrowEvent", "endEvent")
    _event_marker(grp, attrs.get("event"), cx, cy, r, stroke, throw)


def _event_marker(grp: Group, kind: str | None, cx: float, cy: float, r: float, ink: str,
                  filled: bool) -> None:
    s = r / 18.0
    solid = ink if filled else "#ffffff"
    if kind == "message":
        w, h = 16 * s, 11 * s
        grp.add(Rect(cx - w / 2, cy - h / 2, w, h, fill=solid, stroke=ink, stroke_width=1))
        grp.add(Line([(cx - w / 2, cy - h / 2), (cx, cy + 1 * s), (cx + w / 2, cy - h / 2)],
                     stroke="#ffffff" if filled else ink, stroke_width=1))
    elif kind == "timer":
        rr = 10 * s
        grp.add(Ellipse(cx, cy, rr, rr, fill="#ffffff", stroke=ink, stroke_width=1.5))
        for a in range(0, 360, 30):
            ca, sa = math.cos(math.radians(a)), math.sin(math.radians(a))
            grp.add(Line([(cx + ca * rr * 0.75, cy + sa * rr * 0.75),
                          (cx + ca * rr * 0.95, cy + sa * rr * 0.95)], stroke=ink,
                         stroke_width=0.8))
        grp.add(Line([(cx, cy), (cx + 5 * s, cy - 6 * s)], stroke=ink, stroke_width=1.2))
        grp.add(Line([(cx, cy), (cx + 6 * s, cy + 1 * s)], stroke=ink, stroke_width=1.2))
    elif kind == "signal":
        grp.add(Polygon([(cx, cy - 10 * s), (cx + 9 * s, cy + 6 * s), (cx - 9 * s, cy + 6 * s)],
                        fill=solid, stroke=ink, stroke_width=1))
    elif kind == "error":
        grp.add(Polygon([(cx - 8 * s, cy + 8 * s), (cx - 3 * s, cy - 8 * s),
                         (cx + 2 * s, cy + 1 * s), (cx + 8 * s, cy - 8 * s),
                         (cx + 3 * s, cy + 8 * s), (cx - 2 * s, cy - 1 * s)],
                        fill=solid, stroke=ink, stroke_width=1))
    elif kind == "escalation":
        grp.add(Polygon([(cx, cy - 10 * s), (cx + 7 * s, cy + 8 * s), (cx, cy + 2 * s),
                         (cx - 7 * s, cy + 8 * s)], fill=solid, stroke=ink, stroke_width=1))
    elif kind == "conditional":
        grp.add(Rect(cx - 7 * s, cy - 9 * s, 14 * s, 18 * s, fill="#ffffff", stroke=ink,
                     stroke_width=1))
        for k in (-5, -1.5, 2, 5.5):
            grp.add(Line([(cx - 4.5 * s, cy + k * s), (cx + 4.5 * s, cy + k * s)], stroke=ink,
                         stroke_width=0.8))
    elif kind == "link":
        grp.add(Polygon([(cx - 8 * s, cy - 3 * s), (cx + 1 * s, cy - 3 * s),
                         (cx + 1 * s, cy - 8 * s), (cx + 9 * s, cy), (cx + 1 * s, cy + 8 * s),
                         (cx + 1 * s, cy + 3 * s), (cx - 8 * s, cy + 3 * s)],
                        fill=solid, stroke=ink, stroke_width=1))
    elif kind == "terminate":
        grp.add(Ellipse(cx, cy, 10 * s, 10 * s, fill=ink, stroke=ink, stroke_width=1))
    elif kind == "compensate":
        for dx in (-8, 0):
            grp.add(Polygon([(cx + dx * s, cy), (cx + (dx + 8) * s, cy - 6 * s),
                             (cx + (dx + 8) * s, cy + 6 * s)], fill=solid, stroke=ink,
                            stroke_width=1))
    elif kind == "cancel":
        grp.add(Line([(cx - 7 * s, cy - 7 * s), (cx + 7 * s, cy + 7 * s)], stroke=ink,
                     stroke_width=3))
        grp.add(Line([(cx + 7 * s, cy - 7 * s), (cx - 7 * s, cy + 7 * s)], stroke=ink,
                     stroke_width=3))
    elif kind == "multiple":
        grp.add(Polygon(_pentagon(cx, cy, 9 * s), fill=solid, stroke=ink, stroke_width=1))


def _pentagon(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    return [(cx + r * math.cos(math.radians(-90 + 72 * k)),
             cy + r * math.sin(math.radians(-90 + 72 * k))) for k in range(5)]


def draw_gateway(grp: Group, t: str, attrs: dict, b: Bounds, fill: str, stroke: str) -> None:
    """A gateway of type ``t`` in ``b``: the diamond and its mark (X, +, O, pentagon, *)."""
    cx, cy = b.x + b.width / 2, b.y + b.height / 2
    hw, hh = b.width / 2, b.height / 2
    grp.add(Polygon([(cx, b.y), (b.x + b.width, cy), (cx, b.y + b.height), (b.x, cy)],
                    fill=fill, stroke=stroke, stroke_width=1.4))
    s = min(hw, hh) / 25.0
    if t == "exclusiveGateway":
        k = 8 * s
        grp.add(Line([(cx - k, cy - k), (cx + k, cy + k)], stroke=stroke, stroke_width=3.5))
        grp.add(Line([(cx + k, cy - k), (cx - k, cy + k)], stroke=stroke, stroke_width=3.5))
    elif t == "parallelGateway":
        k = 11 * s
        grp.add(Line([(cx - k, cy), (cx + k, cy)], stroke=stroke, stroke_width=3.5))
        grp.add(Line([(cx, cy - k), (cx, cy + k)], stroke=stroke, stroke_width=3.5))
    elif t == "inclusiveGateway":
        grp.add(Ellipse(cx, cy, 10 * s, 10 * s, fill=None, stroke=stroke, stroke_width=2.5))
    elif t == "eventBasedGateway":
        grp.add(Ellipse(cx, cy, 11 * s, 11 * s, fill=None, stroke=stroke, stroke_width=1))
        grp.add(Ellipse(cx, cy, 9 * s, 9 * s, fill=None, stroke=stroke, stroke_width=1))
        grp.add(Polygon(_pentagon(cx, cy, 6 * s), fill=None, stroke=stroke, stroke_width=1.2))
    elif t == "complexGateway":
        k = 10 * s
        for a in (0, 45, 90, 135):
            ca, sa = math.cos(math.radians(a)) * k, math.sin(math.radians(a)) * k
            grp.add(Line([(cx - ca, cy - sa), (cx + ca, cy + sa)], stroke=stroke,
                         stroke_width=3))
