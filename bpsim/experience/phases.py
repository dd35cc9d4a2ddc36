"""Phases: the stages of the customer's journey, the columns of a service blueprint.

Seed 002 asks for "the average time of the customer in each stage"; a blueprint's columns
are those stages (Contact, Diagnosis, Resolution, Feedback). A drawing says them in one of
two ways:

* **BPMN groups**: bpmn.io, Camunda Modeler and Signavio draw a *group* (a dashed rounded
  box) around the elements of a stage; the file links the group to a ``<categoryValue
  value="Diagnosis">``. The elements whose shape's centre lies inside a group's box belong to
  that phase (the smallest box when groups nest); columns run left to right.
* a scenario's ``blueprint: {phases: ...}``: a list of names (in journey order; elements come
  from the groups of those names) or a mapping ``{Contact: [Ticket received, Triage], ...}``
  naming each phase's elements (for draw.io drawings, or models without groups).

A boundary event is in its activity's phase; an element inside a collapsed sub-process in the
sub-process's. Elements no phase holds are listed by the validator (``blueprint-no-phase``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bpsim.model import Bounds, Finding, Process

__all__ = ["Phases", "find_phases", "group_phases"]


@dataclass
class Phases:
    """The journey's phases: ``order`` (names, first to last), ``of_node`` (flow node id ->
    phase name), ``of_artifact`` (data object / annotation id -> phase), ``boxes`` (phase ->
    the group's box, when drawn), ``source`` (``"groups"``, ``"scenario"`` or ``None``)."""

    order: list[str] = field(default_factory=list)
    of_node: dict[str, str] = field(default_factory=dict)
    of_artifact: dict[str, str] = field(default_factory=dict)
    boxes: dict[str, Bounds] = field(default_factory=dict)
    source: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.order)

    def index(self, phase: str | None) -> int:
        """Position of ``phase`` in the journey (``-1`` for none)."""
        return self.order.index(phase) if phase in self.order else -1


def _inside(box: Bounds, point: tuple[float, float]) -> bool:
    x, y = point
    return box.x - 0.5 <= x <= box.x + box.width + 0.5 and box.y - 0.5 <= y <= box.y + box.height + 0.5


def group_phases(process: Process) -> tuple[list[tuple[str, str, Bounds | None]], list[Finding]]:
    """The drawn groups that name a phase: ``(group id, phase name, box)`` in journey order
    (left to right, then top to bottom), and findings for groups that cannot be used."""
    out: list[tuple[str, str, Bounds | None]] = []
    findings: list[Finding] = []
    for gid, art in process.artifacts.items():
        if art.get("type") != "group":
            continue
        ref = art.get("categoryValueRef")
        value = None
        if ref is not None:
            d = process.meta.get("category_values", {}).get(ref)
            value = d.get("value") if d else None
        name = value or art.get("name")
        if not name:
            findings.append(Finding(
                "blueprint-group-unnamed", "warning", gid, None,
                "a group without a category value or name cannot be a phase; ignored.",
                art.get("line"), process.source))
            continue
        box = process.diagram.shapes.get(gid)
        out.append((gid, " ".join(str(name).split()), box))
    out.sort(key=lambda g: (g[2].x, g[2].y) if g[2] is not None else (float("inf"), 0.0))
    return out, findings


def _resolve(process: Process, key: str) -> list[str]:
    hits = process.find(key)
    return hits


def find_phases(process: Process, spec: Any = None) -> Phases:
    """The phases of ``process`` (see the module docstring).

    Parameters
    ----------
    process : Process
    spec : list or mapping, optional
        The scenario's ``blueprint.phases``.
    """
    ph = Phases()
    groups, ph.findings = group_phases(process)
    named_elements: dict[str, list[str]] = {}
    if spec:
        ph.source = "scenario"
        items = spec.items() if isinstance(spec, dict) else [
            next(iter(x.items())) if isinstance(x, dict) else (x, None) for x in spec]
        for name, elements in items:
            name = " ".join(str(name).split())
            if name not in ph.order:
                ph.order.append(name)
            if elements:
                named_elements[name] = [str(e) for e in (elements if isinstance(elements, list)
                                                         else [elements])]
    elif groups:
        ph.source = "groups"
        for _, name, _ in groups:
            if name not in ph.order:
                ph.order.append(name)
    if not ph.order:
        return ph
    # boxes of the groups that name a phase (several groups may draw one phase)
    boxes: list[tuple[str, Bounds]] = []
    for gid, name, box in groups:
        if name not in ph.order:
            if ph.source == "scenario":
                ph.findings.append(Finding(
                    "blueprint-group-unused", "info", gid, name,
                    f"the group {name!r} is not one of the scenario's phases "
                    f"({', '.join(ph.order)}); its elements are placed by the phases' lists.",
                    process.artifacts[gid].get("line"), process.source))
            continue
        if box is None:
            ph.findings.append(Finding(
                "blueprint-group-undrawn", "warning", gid, name,
                f"the group {name!r} has no shape in the diagram, so bpsim cannot tell which "
                "elements it holds; draw it, or list the phase's elements in the scenario's "
                "blueprint: {phases: {...}}.", process.artifacts[gid].get("line"), process.source))
            continue
        boxes.append((name, box))
        ph.boxes.setdefault(name, box)
    area = {id(b): b.width * b.height for _, b in boxes}
    shapes = process.diagram.shapes
    g = process.graph
    for n in g:
        box = shapes.get(n)
        if box is None:
            continue
        holders = [(area[id(b)], name) for name, b in boxes if _inside(b, box.center)]
        if holders:
            ph.of_node[n] = min(holders)[1]
    for aid, art in process.artifacts.items():
        box = shapes.get(aid)
        if box is None or art.get("type") == "group":
            continue
        holders = [(area[id(b)], name) for name, b in boxes if _inside(b, box.center)]
        if holders:
            ph.of_artifact[aid] = min(holders)[1]
    for name, elements in named_elements.items():
        for key in elements:
            hits = _resolve(process, key)
            if len(hits) != 1:
                ph.findings.append(Finding(
                    "blueprint-phase-element", "error", None, key,
                    f"the phase {name!r} lists {key!r}, which names "
                    + ("no element of the model." if not hits else
                       f"{len(hits)} elements ({', '.join(hits)}); use an id."),
                    None, process.source))
                continue
            ph.of_node[hits[0]] = name
    # inherited phases: boundary events, the content of sub-processes
    for _ in range(3):
        for n, data in g.nodes(data=True):
            if n in ph.of_node:
                continue
            host = data.get("attached_to") or data.get("parent")
            if host is not None and host in ph.of_node:
                ph.of_node[n] = ph.of_node[host]
    # artifacts associated to a placed element (data objects without a box in a group)
    for art in process.artifacts.values():
        if art.get("type") not in ("association", "dataInputAssociation", "dataOutputAssociation"):
            continue
        ends = [art.get("sourceRef"), art.get("targetRef"), art.get("activity")]
        node = next((e for e in ends if e in ph.of_node), None)
        other = [e for e in ends if e in process.artifacts and e not in ph.of_artifact]
        if node is not None:
            for o in other:
                ph.of_artifact[o] = ph.of_node[node]
    return ph
