"""bpmnlint's rules about labels, global definitions and the drawing itself.

``label-required`` and ``global`` read names; ``no-bpmndi``, ``no-overlapping-elements`` and
``standard-size`` read the diagram (``process.diagram``: the shapes' bounds from BPMN DI or
draw.io geometry). A BPMN file without any diagram (allowed by the standard; IBM Process
Designer and some engines write none) gets one ``no-bpmndi`` warning for the file instead of
one error per element, and the layout rules are skipped for it.
"""

from __future__ import annotations

import math
from collections import Counter

from bpsim.model import ACTIVITY_TYPES, EVENT_TYPES, GATEWAY_TYPES, SUBPROCESS_TYPES, Bounds
from bpsim.validate.registry import rule
from bpsim.validate.topology import has_condition, message_refs, scopes

_NO_SHAPE = {"dataObject", "dataStore", "dataInputAssociation", "dataOutputAssociation"}


@rule("label-required", "error")
def label_required(process, ctx):
    """Flow nodes, conditional flows, pools and lanes have a name (parallel and event-based
    gateways, joining gateways and sub-processes excepted)."""
    for node in ctx.nodes():
        kind = ctx.type_of(node)
        if kind in ("parallelGateway", "eventBasedGateway") or kind in SUBPROCESS_TYPES:
            continue
        if kind in GATEWAY_TYPES and len(ctx.outgoing(node)) <= 1:
            continue
        if not (ctx.attr(node, "name") or "").strip():
            yield ctx.finding(node, "the element has no label (name).")
    for f in process.flows.values():
        if has_condition(ctx, f) and not (f.name or "").strip():
            yield ctx.finding(f.id, "the conditional sequence flow has no label (name).")
    for table in (process.participants, process.lanes):
        for item in table.values():
            if not (item.name or "").strip():
                yield ctx.finding(item.id, "the element has no label (name).", line=item.line)


@rule("global", "warning")
def global_(process, ctx):
    """Global messages, signals, errors and escalations are named, used, and unique by name."""
    defs = {k: v for k, v in process.definitions.items()
            if v.get("type") in ("message", "signal", "error", "escalation")}
    used: set[str] = set()
    for _, refs in process.graph.nodes(data="event_refs"):
        if refs:
            used.update(refs.values())
    for _, ref in process.graph.nodes(data="message_ref"):
        if ref:
            used.add(ref)
    # The reader does not keep messageRef on send/receive tasks and message flows: read them
    # from the BPMN source; without one (a process built in code), messages count as used
    # while the process has any message flow or send/receive task.
    refs = message_refs(ctx)
    used |= refs
    opaque_messages = not refs and (bool(process.message_flows) or any(
        True for _ in ctx.nodes({"sendTask", "receiveTask"})))
    names = Counter((v["type"], (v.get("name") or "").strip()) for v in defs.values())
    for did, d in defs.items():
        name = (d.get("name") or "").strip()
        line = d.get("line")
        if not name:
            yield ctx.finding(did, f"the global {d['type']} has no name.", line=line, name=None)
        if did not in used and not (d["type"] == "message" and opaque_messages):
            yield ctx.finding(did, f"the global {d['type']} is not used by any element.",
                              line=line, name=name or None)
        if name and names[(d["type"], name)] > 1:
            yield ctx.finding(did, f"another global {d['type']} has the same name.", line=line,
                              name=name)


def _has_diagram(process) -> bool:
    return bool(process.diagram.shapes) or bool(process.diagram.edges)


@rule("no-bpmndi", "error")
def no_bpmndi(process, ctx):
    """Every element that is drawn has a diagram shape or edge (BPMN DI)."""
    if process.format != "bpmn":
        return  # draw.io shapes always have geometry; a process built in code has no drawing
    if not _has_diagram(process):
        if process.graph.number_of_nodes():
            f = ctx.finding(None, "the file has no diagram (BPMN DI): no tool can show it as "
                            "drawn; layout checks were skipped.")
            f.severity = "warning" if f.severity == "error" else f.severity
            yield f
        return
    d = process.diagram
    drawn = set(d.shapes) | set(d.edges)
    ids = list(process.graph.nodes) + list(process.flows) + list(process.participants)
    ids += list(process.lanes) + list(process.message_flows)
    ids += [a for a, art in process.artifacts.items() if art.get("type") not in _NO_SHAPE]
    for element in ids:
        if element not in drawn:
            line = process.artifacts[element].get("line") if element in process.artifacts else None
            yield ctx.finding(element, "the element has no diagram shape or edge (BPMN DI).",
                              line=line)


def _collide(a: Bounds, b: Bounds) -> bool:
    return (a.x + a.width >= b.x and b.x + b.width >= a.x
            and a.y + a.height >= b.y and b.y + b.height >= a.y)


def _outside(child: Bounds, parent: Bounds) -> bool:
    return not (child.x >= parent.x and child.y >= parent.y
                and child.x + child.width <= parent.x + parent.width
                and child.y + child.height <= parent.y + parent.height)


def _overlapping(elements: list[str], shapes: dict[str, Bounds], excused) -> set[str]:
    """The elements whose shape touches another's (``excused(a, b)``: a pair that may).

    A sweep over x: shapes sorted by their left edge, each compared only with the shapes
    still open at that edge. Shapes already known to overlap are compared with a new one
    only until the first collision, so a pile of 5,000 shapes on one spot costs a linear
    number of comparisons, not 12.5 million.
    """
    order = sorted(elements, key=lambda e: shapes[e].x)
    hit: set[str] = set()
    fresh: list[str] = []     # open shapes not (yet) known to overlap
    known: list[str] = []     # open shapes known to overlap
    closes = [math.inf, math.inf]  # the nearest right edge in fresh / known: prune past it

    def prune(open_: list[str], i: int, left: float) -> None:
        if left > closes[i]:  # only when some shape has closed (a pile never does)
            open_[:] = [b for b in open_ if shapes[b].x + shapes[b].width >= left]
            closes[i] = min((shapes[b].x + shapes[b].width for b in open_), default=math.inf)

    for a in order:
        sa = shapes[a]
        left = sa.x
        prune(fresh, 0, left)
        prune(known, 1, left)
        moved = []
        for b in fresh:
            if _collide(sa, shapes[b]) and not excused(a, b):
                hit.add(a)
                hit.add(b)
                moved.append(b)
        if moved:
            gone = set(moved)
            fresh[:] = [b for b in fresh if b not in gone]
            known.extend(moved)
            closes[1] = min(closes[1], *(shapes[b].x + shapes[b].width for b in moved))
        if a not in hit:
            for b in known:
                if _collide(sa, shapes[b]) and not excused(a, b):
                    hit.add(a)
                    break
        (known if a in hit else fresh).append(a)
        i = 1 if a in hit else 0
        closes[i] = min(closes[i], sa.x + sa.width)
    return hit


@rule("no-overlapping-elements", "warning")
def no_overlapping_elements(process, ctx):
    """Shapes do not overlap (a boundary event on its host, and children inside their
    expanded sub-process, excepted), and stay inside their pool or sub-process."""
    shapes = process.diagram.shapes
    overlapping: list[str] = []
    outside: list[str] = []

    def attached(a: str, b: str) -> bool:
        return ctx.attr(a, "attached_to") == b or ctx.attr(b, "attached_to") == a

    def check(elements, parent_bounds):
        elements = [e for e in elements if e in shapes]
        hit = _overlapping(elements, shapes, attached)
        overlapping.extend(e for e in elements if e in hit and e not in seen)
        seen.update(hit)
        if parent_bounds is not None:
            for a in elements:
                if _outside(shapes[a], parent_bounds) and a not in outside_seen:
                    outside.append(a)
                    outside_seen.add(a)

    seen: set[str] = set()
    outside_seen: set[str] = set()
    check(list(process.participants), None)
    pool = {pt.process: shapes.get(pt.id) for pt in process.participants.values() if pt.process}
    for scope, members in scopes(ctx).items():
        data = [a for a, art in process.artifacts.items()
                if art.get("type") in ("dataObjectReference", "dataStoreReference")
                and (art.get("parent") or art.get("process")) == scope]
        if scope in process.graph:
            parent = shapes.get(scope) if process.diagram.expanded.get(scope) else None
        else:
            parent = pool.get(scope)
        check(members + data, parent)
        # data stores may sit outside their pool, for historical reasons (as in bpmnlint)
        outside[:] = [e for e in outside
                      if process.artifacts.get(e, {}).get("type") != "dataStoreReference"]
    for e in overlapping:
        yield ctx.finding(e, "the element overlaps another element.", line=_line(process, e))
    for e in outside:
        yield ctx.finding(e, "the element lies outside its pool or sub-process.",
                          line=_line(process, e))


def _line(process, element):
    if element in process.artifacts:
        return process.artifacts[element].get("line")
    return process.line_of(element)


#: Default sizes of bpmn-js (as in bpmnlint's standard-size), by bpmnlint type name.
STANDARD_SIZES = {
    "bpmn:Task": {"width": 100, "height": 80},
    "bpmn:CallActivity": {"width": 100, "height": 80},
    "bpmn:SubProcess": {"width": 100, "height": 80},
    "bpmn:Gateway": {"width": 50, "height": 50},
    "bpmn:Event": {"width": 36, "height": 36},
    "bpmn:DataObjectReference": {"width": 36, "height": 50},
    "bpmn:DataStoreReference": {"width": 50, "height": 50},
    "bpmn:Participant": {"width": 60, "height": 60},
}


def _size_key(kind: str | None) -> str | None:
    if kind in SUBPROCESS_TYPES:
        return "bpmn:SubProcess"
    if kind == "callActivity":
        return "bpmn:CallActivity"
    if kind in ACTIVITY_TYPES:
        return "bpmn:Task"
    if kind in GATEWAY_TYPES:
        return "bpmn:Gateway"
    if kind in EVENT_TYPES:
        return "bpmn:Event"
    if kind == "dataObjectReference":
        return "bpmn:DataObjectReference"
    if kind == "dataStoreReference":
        return "bpmn:DataStoreReference"
    return None


@rule("standard-size", "off")
def standard_size(process, ctx):
    """Shapes use the standard size of their type (configurable; off by default)."""
    sizes = {**STANDARD_SIZES, **(ctx.options.get("standard-size") or {})}
    shapes = process.diagram.shapes
    for element, bounds in shapes.items():
        if element in process.participants:
            pt = process.participants[element]
            if pt.process:
                continue
            horizontal = process.diagram.horizontal.get(element, True)
            value = (sizes.get("bpmn:Participant") or {}).get("height" if horizontal else "width")
            if not isinstance(value, (int, float)):
                continue
            expected = {"height": value} if horizontal else {"width": value}
        else:
            if element in process.graph:
                kind = ctx.type_of(element)
                if kind in SUBPROCESS_TYPES and process.diagram.expanded.get(element):
                    continue
            elif element in process.artifacts:
                kind = process.artifacts[element].get("type")
            else:
                continue
            expected = sizes.get(_size_key(kind) or "")
            if not isinstance(expected, dict):
                continue
        width, height = expected.get("width"), expected.get("height")
        if (isinstance(width, (int, float)) and bounds.width != width) or (
                isinstance(height, (int, float)) and bounds.height != height):
            if width is None:
                message = f"non-standard height; expected height {height}."
            elif height is None:
                message = f"non-standard width; expected width {width}."
            else:
                message = f"non-standard size {bounds.width:g}x{bounds.height:g}; expected " \
                          f"{width}x{height}."
            yield ctx.finding(element, "the element has a " + message, line=_line(process, element))
