"""The blueprint of a process: every element in its layer and phase, and the touchpoints.

>>> import bpsim
>>> from bpsim.experience import blueprint
>>> bp = blueprint(bpsim.read("models/support_blueprint.bpmn"))          # doctest: +SKIP
>>> bp.elements.groupby(["phase", "layer"]).size()                       # doctest: +SKIP

:func:`blueprint` reads the structure once; the journey figures, the satisfaction model and the
drawing all use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from bpsim.experience.layers import classify, layer_of_node
from bpsim.experience.phases import Phases, find_phases
from bpsim.experience.touchpoints import Crossing, crossings, guess_channel
from bpsim.model import Finding, Process

__all__ = ["Blueprint", "blueprint"]


@dataclass
class Blueprint:
    """The service-blueprint view of a process.

    Attributes
    ----------
    process : Process
    lane_layers : dict
        Lane and pool id -> layer (``None``: unknown, counted as backstage).
    node_layer : dict
        Flow node id -> layer.
    phases : Phases
        The journey's phases and which element is in which.
    crossings : list of Crossing
        Flows crossing a line; ``touchpoint`` ones cross the line of interaction.
    channels : dict
        Start event id -> touchpoint type of that channel (``digital``, ``phone``,
        ``in person``).
    findings : list of Finding
        What reading the blueprint noticed (layer guesses, elements in no phase ...).
    """

    process: Process
    lane_layers: dict[str, str | None]
    node_layer: dict[str, str | None]
    phases: Phases
    crossings: list[Crossing]
    channels: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    #: (source, target) of touchpoints from the customer that lie on a loop of the flow: the
    #: customer has to come back (with details, because the fix failed ...): repeated contacts.
    repeat: set[tuple[str, str]] = field(default_factory=set)

    @property
    def elements(self) -> pd.DataFrame:
        """One row per flow node: ``id``, ``name``, ``type``, ``layer``, ``phase``."""
        g = self.process.graph
        return pd.DataFrame(
            [{"id": n, "name": d.get("name"), "type": d.get("type"),
              "layer": self.node_layer.get(n), "phase": self.phases.of_node.get(n)}
             for n, d in g.nodes(data=True)],
            columns=["id", "name", "type", "layer", "phase"])

    @property
    def touchpoints(self) -> pd.DataFrame:
        """The flows crossing a blueprint line: ``flow``, ``kind``, ``source``, ``target``,
        ``lines``, ``touchpoint``, ``direction``, ``type``, ``phase`` (of the element the
        customer meets: the target of a flow towards the customer, else the source's...
        the element on the provider's side)."""
        rows = []
        for c in self.crossings:
            staff_end = c.target if c.direction == "from customer" else c.source
            rows.append({"flow": c.flow, "kind": c.kind, "name": c.name, "source": c.source,
                         "target": c.target, "source_layer": c.source_layer,
                         "target_layer": c.target_layer, "lines": ", ".join(c.lines),
                         "touchpoint": c.touchpoint, "direction": c.direction, "type": c.type,
                         "phase": self.phases.of_node.get(staff_end)
                         or self.phases.of_node.get(c.source)})
        return pd.DataFrame(rows, columns=["flow", "kind", "name", "source", "target",
                                           "source_layer", "target_layer", "lines", "touchpoint",
                                           "direction", "type", "phase"])

    @property
    def is_blueprint(self) -> bool:
        """Whether the model is drawn as a blueprint: it has phases or a customer layer."""
        return bool(self.phases) or "customer" in self.lane_layers.values()


def _section(scenario: Any) -> Any:
    if scenario is None:
        return None
    return getattr(scenario, "blueprint", None)


def blueprint(process: Process, scenario: Any = None) -> Blueprint:
    """Read the blueprint structure of ``process`` (see :mod:`bpsim.experience`).

    Parameters
    ----------
    process : Process
    scenario : Scenario or BoundScenario, optional
        Its ``blueprint:`` section (layers, phases, touchpoint and channel types) wins over
        what the drawing suggests.
    """
    sec = _section(scenario)
    layers_given = dict(getattr(sec, "layers", None) or {})
    lane_layers, findings = classify(process, layers_given)
    node_layer = {n: layer_of_node(process, n, lane_layers) for n in process.graph}
    phases = find_phases(process, getattr(sec, "phases", None))
    findings += phases.findings
    pool_layer = {pid: lane_layers.get(pid) for pid in process.participants}
    cross = crossings(process, node_layer, pool_layer, getattr(sec, "touchpoints", None))
    given = dict(getattr(sec, "channels", None) or {})
    channels: dict[str, str] = {}
    for n, d in process.graph.nodes(data=True):
        if d.get("type") != "startEvent" or d.get("parent") is not None:
            continue
        typed = given.get(n) or given.get(d.get("name") or "")
        channels[n] = typed or guess_channel(d.get("name")) or "digital"
    if phases:
        unplaced = [n for n, d in process.graph.nodes(data=True) if n not in phases.of_node]
        for n in unplaced:
            d = process.graph.nodes[n]
            findings.append(Finding(
                "blueprint-no-phase", "warning", n, d.get("name"),
                f"this {d.get('type')} is in no phase of the journey "
                f"({', '.join(phases.order)}); its time counts in no phase. Draw it inside a "
                "phase's group, or list it under a phase in the scenario's blueprint: "
                "{phases: {...}}.", d.get("line"), process.source))
    scc = {}
    for k, comp in enumerate(nx.strongly_connected_components(process.graph)):
        for n in comp:
            scc[n] = k
    repeat = {(c.source, c.target) for c in cross if c.touchpoint and c.kind == "sequence"
              and c.direction == "from customer" and c.source in scc
              and scc.get(c.source) == scc.get(c.target)}
    return Blueprint(process, lane_layers, node_layer, phases, cross, channels, findings, repeat)
