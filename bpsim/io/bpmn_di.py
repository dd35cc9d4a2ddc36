"""Read the BPMN diagram interchange (DI): where each shape of the service desk is drawn.

The ticket flow "Service desk" opens in Camunda Modeler with the pool at the top, the four
lanes stacked inside it and "Triage ticket" in the Agent lane, because the file says where:
``<bpmndi:BPMNDiagram>`` holds a plane of ``<bpmndi:BPMNShape bpmnElement="Task_Triage">``
(with a ``<dc:Bounds>`` box) for every shape and ``<bpmndi:BPMNEdge>`` (with
``<di:waypoint>`` points) for every flow (BPMN 2.0.2, chapter 12). This module fills
:attr:`bpsim.model.Process.diagram` from it for :mod:`bpsim.io.bpmn`:

* shape bounds, edge waypoints, ``isExpanded`` (sub-processes) and ``isHorizontal`` (pools
  and lanes); with several diagrams or planes (drill-down planes of collapsed sub-processes,
  alternative views) the first entry naming an element wins;
* ``process.meta["diagrams"]``: how many ``BPMNDiagram`` elements the file has (0: no drawing;
  the validator's ``no-bpmndi`` rule reads it);
* unreadable coordinates (missing, ``NaN``, ``1e999``, junk) drop that one entry with a
  warning finding ``import-diagram``, never the import.

Label positions (``BPMNLabel``) and styles are presentation only and not read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from bpsim.io.bpmn_xml import parse_bool
from bpsim.model import Bounds, Process

__all__ = ["read_diagram", "BPMNDI_NS"]

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"

#: ``finding(rule, severity, element, message, element_id=...)`` of the BPMN reader
Report = Callable[..., None]


def _float(value: str | None) -> float:
    """A finite coordinate, or ValueError (missing, "NaN", "1e999", junk)."""
    number = float(value if value is not None else "missing")
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value}")
    return number


def read_diagram(root: Any, process: Process, finding: Report) -> None:
    """Fill ``process.diagram`` (and ``process.meta["diagrams"]``) from the DI under ``root``.

    Parameters
    ----------
    root : lxml element
        The ``<definitions>`` element.
    process : Process
        The process being read; its diagram is filled in place.
    finding : callable
        Records a finding: ``finding(rule, severity, element, message, element_id=ref)``.
    """
    d = process.diagram
    diagrams = 0
    for el in root.iter(f"{{{BPMNDI_NS}}}BPMNDiagram"):
        diagrams += 1
        for item in el.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge"):
            ref = (item.get("bpmnElement") or "").strip()
            if not ref:
                continue
            try:
                if item.tag.endswith("BPMNShape"):
                    _shape(process, item, ref)
                elif ref not in d.edges:
                    points = [(_float(w.get("x")), _float(w.get("y"))) for w in item
                              if isinstance(w.tag, str) and w.tag.endswith("}waypoint")]
                    if points:
                        d.edges[ref] = points
            except (ValueError, OverflowError):
                finding("import-diagram", "warning", item,
                        f"the diagram entry for {ref} has unreadable coordinates; ignored.",
                        element_id=ref)
    process.meta["diagrams"] = diagrams


def _shape(process: Process, item: Any, ref: str) -> None:
    d = process.diagram
    if ref in d.shapes:
        return
    for b in item:
        if isinstance(b.tag, str) and b.tag.endswith("}Bounds"):
            d.shapes[ref] = Bounds(_float(b.get("x")), _float(b.get("y")),
                                   _float(b.get("width")), _float(b.get("height")))
            break
    expanded = parse_bool(item.get("isExpanded"), None)
    if expanded is not None:
        d.expanded.setdefault(ref, expanded)
    horizontal = parse_bool(item.get("isHorizontal"), None)
    if horizontal is not None:
        d.horizontal.setdefault(ref, horizontal)
