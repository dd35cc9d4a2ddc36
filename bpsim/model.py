"""The process: a BPMN model as a networkx graph plus the facts a graph cannot hold.

A service desk draws its flow as boxes (tasks), diamonds (gateways) and circles (events)
joined by arrows (sequence flows), in swimlanes (who does the work). bpsim reads any such
drawing, BPMN 2.0 XML or draw.io, into one :class:`Process`:

* ``process.graph`` is a :class:`networkx.DiGraph`. Every flow node (task, event, gateway,
  sub-process, and everything inside sub-processes, boundary events included) is a graph node
  keyed by its element id; every sequence flow is an edge. Algorithms are plain networkx calls:
  ``nx.has_path(process.graph, "Start", "End")``.
* ``process.lanes``, ``process.processes``, ``process.participants``, ``process.flows`` (every
  sequence flow by id, duplicates included), ``process.message_flows`` and
  ``process.diagram`` (shape bounds and edge waypoints) hold the rest.

Node attributes (always present; ``None`` when the file says nothing):

==================  =====================================================================
``type``            BPMN local name: ``userTask``, ``exclusiveGateway``, ``boundaryEvent`` ...
``name``            the label, or ``None``
``lane``            id of the innermost lane holding the node, or ``None``
``process``         id of the process the node belongs to
``parent``          id of the enclosing sub-process, or ``None`` at the top level
``line``            1-based line of the element in the source file (draw.io: ``None``)
``event``           event definition kind (``timer``, ``message``, ``signal``, ``error``,
                    ``escalation``, ``conditional``, ``link``, ``terminate``, ``compensate``,
                    ``cancel``), ``multiple`` when several, ``None`` for a blank event
``events``          list of every event definition kind (usually zero or one)
``timer``           ``{"kind": "timeDuration"|"timeDate"|"timeCycle", "value": str}`` or ``None``
``default``         id of the default outgoing flow (gateways, activities) or ``None``
``attached_to``     boundary events: id of the host activity
``cancel_activity`` boundary events: ``True`` when interrupting (BPMN default)
``interrupting``    start events of event sub-processes: ``isInterrupting`` (default True)
``triggered_by_event``  sub-processes: ``True`` for an event sub-process
``called_element``  call activities: the called process id (may name a process in the file)
``loop``            ``None``, ``"standard"``, ``"parallel"`` or ``"sequential"`` (multi-instance)
``extensions``      vendor ``extensionElements`` kept raw, as XML strings (list)
``attributes``      vendor attributes on the element, Clark-notation keys (dict)
==================  =====================================================================

Readers may add more attributes (``gateway_direction``, ``instantiate``, ``cell`` and ``page``
for draw.io, ...). The BPMN reader also sets, when the file says so: ``link_name`` (link
events: the linkEventDefinition's name, ``None`` when unnamed), ``event_refs`` (the event
definitions' ``messageRef``/``signalRef``/``errorRef``/``escalationRef``/``activityRef``, a
dict), ``message_ref`` (send and receive tasks: their ``messageRef``) and ``condition``
(conditional events: the condition text, ``""`` when the ``<condition>`` element is empty,
``None`` when there is none). Edge attributes: ``id``, ``name``, ``condition`` (raw expression text or
``None``; an empty expression counts as none), ``condition_language``, ``default`` (bool),
``line``, and ``ids`` (every flow id between the same two nodes; usually one).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # networkx is imported when the first Process is made (a fast import bpsim)
    import networkx as nx

__all__ = [
    "Process",
    "Lane",
    "ProcessInfo",
    "Participant",
    "Flow",
    "MessageFlow",
    "Bounds",
    "Diagram",
    "Finding",
    "TASK_TYPES",
    "ACTIVITY_TYPES",
    "EVENT_TYPES",
    "GATEWAY_TYPES",
    "SUBPROCESS_TYPES",
    "FLOW_NODE_TYPES",
]

TASK_TYPES = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "scriptTask",
        "businessRuleTask",
    }
)
SUBPROCESS_TYPES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITY_TYPES = TASK_TYPES | SUBPROCESS_TYPES | {"callActivity"}
EVENT_TYPES = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
    }
)
GATEWAY_TYPES = frozenset(
    {
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
FLOW_NODE_TYPES = ACTIVITY_TYPES | EVENT_TYPES | GATEWAY_TYPES


@dataclass
class Lane:
    """A swimlane: who does the work. ``nodes`` are the flow nodes it holds directly or via
    nested lanes' parents (as the file lists them); ``children`` are nested lane ids."""

    id: str
    name: str | None
    process: str | None
    parent: str | None = None
    nodes: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class ProcessInfo:
    """A ``<process>`` of the file, with the pool (participant) that shows it, if any."""

    id: str
    name: str | None
    participant: str | None = None
    participant_name: str | None = None
    executable: bool | None = None
    line: int | None = None


@dataclass
class Participant:
    """A pool. ``process`` is ``None`` for a black-box pool (e.g. "Customer" with no flow)."""

    id: str
    name: str | None
    process: str | None
    line: int | None = None


@dataclass
class Flow:
    """A sequence flow, exactly as drawn.

    ``conditional`` (added after the first release; default ``False``) is ``True`` when the
    flow is conditional: it has a ``condition``, or the BPMN file gives it a
    ``<conditionExpression>`` that is empty (drawn with the small diamond; ``condition`` stays
    ``None`` then).
    """

    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None
    condition_language: str | None = None
    default: bool = False
    process: str | None = None
    line: int | None = None
    conditional: bool = False


@dataclass
class MessageFlow:
    """A message flow between pools; ``source``/``target`` are node or participant ids;
    ``message`` (added after the first release) is the ``messageRef``: the id of a global
    message in :attr:`Process.definitions`, or ``None``."""

    id: str
    source: str
    target: str
    name: str | None = None
    line: int | None = None
    message: str | None = None


@dataclass
class Bounds:
    """A shape's box in diagram coordinates (pixels, y grows downwards)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass
class Diagram:
    """Diagram interchange (BPMN DI) kept so results can be drawn back onto the user's drawing.

    ``shapes`` maps element ids (nodes, lanes, participants) to :class:`Bounds`; ``edges`` maps
    flow ids to their waypoints; ``expanded`` maps sub-process ids to ``isExpanded``;
    ``horizontal`` maps pool/lane ids to ``isHorizontal``.
    """

    shapes: dict[str, Bounds] = field(default_factory=dict)
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    expanded: dict[str, bool] = field(default_factory=dict)
    horizontal: dict[str, bool] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.shapes or self.edges)


@dataclass
class Finding:
    """One finding about a model: a lint rule, a soundness problem, or an import remark.

    ``severity`` is ``"error"``, ``"warning"`` or ``"info"``. ``file``, ``page`` and ``cell``
    are filled when known (``page``/``cell`` for draw.io).
    """

    rule: str
    severity: str
    element_id: str | None
    element_name: str | None
    message: str
    line: int | None = None
    file: str | None = None
    page: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data (the keys of ``validate --json``)."""
        return asdict(self)

    def __str__(self) -> str:
        """``file:line [page P]: severity rule id "name": message`` on one line (names and
        messages drawn on several lines are folded)."""
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        if self.page is not None:
            where += f" [page {self.page}]"
        element = ""
        if self.element_id is not None:
            element = f" {self.element_id}"
            if self.element_name:
                element += f' "{_one_line(self.element_name)}"'
        head = f"{where}: " if where else ""
        return f"{head}{self.severity} {self.rule}{element}: {_one_line(self.message)}"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


class _Index:
    """Names, outgoing and incoming flows of a process, by key (see Process.indexed)."""

    def __init__(self, process: Process) -> None:
        self.by_name: dict[str, list[str]] = {}
        for n, name in process.graph.nodes(data="name"):
            if name is not None:
                self.by_name.setdefault(" ".join(name.split()), []).append(n)
        self.outgoing: dict[str, list[Flow]] = {}
        self.incoming: dict[str, list[Flow]] = {}
        for f in process.flows.values():
            self.outgoing.setdefault(f.source, []).append(f)
            self.incoming.setdefault(f.target, []).append(f)


class Process:
    """A business process read from a file (or built in code).

    Parameters
    ----------
    graph : networkx.DiGraph, optional
        The flow graph; a new empty one by default.
    source : str, optional
        Where the process came from (a path), used in messages.

    Examples
    --------
    >>> import bpsim
    >>> p = bpsim.read("models/service_desk.bpmn")          # doctest: +SKIP
    >>> [n for n, t in p.graph.nodes(data="type") if t == "startEvent"]  # doctest: +SKIP
    """

    def __init__(self, graph: nx.DiGraph | None = None, source: str | None = None) -> None:
        if graph is None:
            import networkx

            graph = networkx.DiGraph()
        self.graph: nx.DiGraph = graph
        self.source: str | None = source
        self.format: str | None = None  # "bpmn" or "drawio"
        self.name: str | None = None
        self.lanes: dict[str, Lane] = {}
        self.processes: dict[str, ProcessInfo] = {}
        self.participants: dict[str, Participant] = {}
        self.flows: dict[str, Flow] = {}
        self.message_flows: dict[str, MessageFlow] = {}
        self.diagram: Diagram = Diagram()
        #: Global definitions (messages, signals, errors, escalations): id -> attributes.
        self.definitions: dict[str, dict[str, Any]] = {}
        #: Non-flow elements kept for annotation (text annotations, data objects, associations).
        self.artifacts: dict[str, dict[str, Any]] = {}
        #: Remarks made while reading (unknown shapes, incoming/outgoing disagreements ...).
        self.findings: list[Finding] = []
        #: Free-form metadata from the reader (exporter, target namespace, draw.io page ...).
        self.meta: dict[str, Any] = {}

    # -- looking things up -------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"<Process {self.name or self.source or ''!s}: {self.graph.number_of_nodes()} nodes, "
            f"{len(self.flows)} flows, {len(self.lanes)} lanes, {len(self.processes)} processes>"
        )

    def __contains__(self, element_id: object) -> bool:
        return element_id in self.graph

    def nodes(self, *types: str) -> Iterator[str]:
        """Ids of the flow nodes, optionally only those whose ``type`` is one of ``types``."""
        if not types:
            yield from self.graph.nodes
            return
        wanted = set(types)
        for n, t in self.graph.nodes(data="type"):
            if t in wanted:
                yield n

    def node(self, element_id: str) -> dict[str, Any]:
        """The attribute dict of one node (raises ``KeyError`` when absent)."""
        return self.graph.nodes[element_id]

    def name_of(self, element_id: str) -> str | None:
        """The name of a node, lane, pool, process or flow id, or ``None``."""
        if element_id in self.graph:
            return self.graph.nodes[element_id].get("name")
        for table in (self.lanes, self.participants, self.processes, self.flows, self.message_flows):
            if element_id in table:
                return table[element_id].name
        return None

    def line_of(self, element_id: str) -> int | None:
        """The source line of a node, lane, pool, process or flow id, or ``None``."""
        if element_id in self.graph:
            return self.graph.nodes[element_id].get("line")
        for table in (self.lanes, self.participants, self.processes, self.flows, self.message_flows):
            if element_id in table:
                return table[element_id].line
        return None

    def find(self, key: str) -> list[str]:
        """Node ids whose id equals ``key`` or, failing that, whose name equals ``key``.

        Names are compared after folding white space, so a label drawn on two lines matches
        the same words typed on one. Several hits mean the name is ambiguous.
        """
        if key in self.graph:
            return [key]
        folded = " ".join(str(key).split())
        index = getattr(self, "_index", None)
        if index is not None:
            return list(index.by_name.get(folded, ()))
        return [
            n
            for n, name in self.graph.nodes(data="name")
            if name is not None and " ".join(name.split()) == folded
        ]

    def lane_of(self, element_id: str) -> Lane | None:
        """The innermost :class:`Lane` of a node, or ``None``."""
        lane = self.graph.nodes[element_id].get("lane")
        return self.lanes.get(lane) if lane else None

    def outgoing(self, element_id: str) -> list[Flow]:
        """Sequence flows leaving a node, in file order (duplicates included)."""
        index = getattr(self, "_index", None)
        if index is not None:
            return list(index.outgoing.get(element_id, ()))
        return [f for f in self.flows.values() if f.source == element_id]

    def incoming(self, element_id: str) -> list[Flow]:
        """Sequence flows entering a node, in file order (duplicates included)."""
        index = getattr(self, "_index", None)
        if index is not None:
            return list(index.incoming.get(element_id, ()))
        return [f for f in self.flows.values() if f.target == element_id]

    @contextmanager
    def indexed(self) -> Iterator[Process]:
        """Look names and flows up through an index built once, for the ``with`` block.

        :meth:`find`, :meth:`outgoing` and :meth:`incoming` scan the whole process on each
        call (always right, even while the process is being edited); a scenario of 5,000
        tasks binding each by name would scan 5,000 times. Inside ``with
        process.indexed():`` they answer from dictionaries built on entry instead; the
        process must not be edited meanwhile. Blocks nest.
        """
        outer = getattr(self, "_index", None)
        if outer is None:
            self._index: _Index | None = _Index(self)
        try:
            yield self
        finally:
            if outer is None:
                self._index = None

    def children(self, element_id: str | None) -> list[str]:
        """Nodes whose ``parent`` is ``element_id`` (``None``: the top level)."""
        return [n for n, p in self.graph.nodes(data="parent") if p == element_id]

    def copy(self) -> Process:
        """A deep copy: edits to the copy never touch this process."""
        return copy.deepcopy(self)

    # -- the inspect view ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data as ``bpsim inspect --json`` prints it (see docs/importer.md)."""
        g = self.graph
        return {
            "file": self.source,
            "format": self.format,
            "processes": [
                {
                    "id": p.id,
                    "name": p.name,
                    "participant": p.participant,
                    "participant_name": p.participant_name,
                    "executable": p.executable,
                    "line": p.line,
                    "nodes": sum(1 for _, pr in g.nodes(data="process") if pr == p.id),
                }
                for p in self.processes.values()
            ],
            "participants": [asdict(p) for p in self.participants.values()],
            "lanes": [
                {
                    "id": lane.id,
                    "name": lane.name,
                    "process": lane.process,
                    "parent": lane.parent,
                    "nodes": list(lane.nodes),
                    "line": lane.line,
                }
                for lane in self.lanes.values()
            ],
            "nodes": [
                {
                    "id": n,
                    "name": d.get("name"),
                    "type": d.get("type"),
                    "lane": d.get("lane"),
                    "process": d.get("process"),
                    "parent": d.get("parent"),
                    "line": d.get("line"),
                    "event": d.get("event"),
                    **({"attached_to": d["attached_to"]} if d.get("attached_to") else {}),
                }
                for n, d in g.nodes(data=True)
            ],
            "flows": [
                {
                    "id": f.id,
                    "source": f.source,
                    "target": f.target,
                    "name": f.name,
                    "condition": f.condition,
                    "default": f.default,
                    "line": f.line,
                }
                for f in self.flows.values()
            ],
            "message_flows": [asdict(m) for m in self.message_flows.values()],
            "findings": [f.to_dict() for f in self.findings],
        }
