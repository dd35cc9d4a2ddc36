"""Building a process in Python, in the words of the service desk.

A service-desk flow is a pool ("Service desk") with lanes for who does the work (Customer,
Agent, Specialist, Ticketing system); in each lane sit tasks, decisions and events, joined by
arrows. :class:`ProcessBuilder` writes exactly that::

    from bpsim.modeling import ProcessBuilder

    desk = ProcessBuilder("Ticket handling", pool="Service desk")
    customer, agent = desk.lane("Customer"), desk.lane("Agent")

    received = customer.start("E-mail received", event="message")
    triage = agent.user_task("Triage ticket")
    need = agent.decision("Need more information?")        # an exclusive gateway
    ask = agent.send_task("Reply to customer")
    resolve = agent.user_task("Resolve at first line")
    closed = agent.end("Ticket closed")

    received >> triage >> need                               # sequence flows
    need.branch("Yes", to=ask)                               # named flows out of a decision
    need.branch("No", to=resolve)
    ask >> triage
    resolve >> closed

    process = desk.process                                   # a bpsim.Process

``a >> b`` draws a flow and gives back ``b``, so chains read left to right; ``a >> [b, c]``
fans out and ``[b, c] >> d`` fans in. Each lane method returns a :class:`Node` handle; a
handle knows its ``id``, ``name`` and ``type`` and can take boundary events
(``task.on_timer("Resolution overdue", after="8h", interrupting=False)``).

The result is an ordinary :class:`~bpsim.model.Process`: give it to :func:`bpsim.validate`,
:func:`bpsim.simulate`, :func:`bpsim.write_bpmn` or :func:`bpsim.write_drawio` directly. The
builder is also a :class:`~bpsim.modeling.ProcessEditor`, so the same object removes, renames,
re-types, reconnects, moves, splits and merges (see :mod:`bpsim.modeling.editor`);
``ProcessBuilder.edit(process)`` opens any process read from a file the same way.

Ids are generated from the names (``Task_TriageTicket``, ``Gateway_NeedMoreInformation``,
``Flow_7``) unless ``id=`` is given; timers take ISO 8601 (``"P5D"``) or bpsim's human
durations (``"5d"``, ``"1h30m"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bpsim.errors import ModelError
from bpsim.model import SUBPROCESS_TYPES, Participant, Process, ProcessInfo
from bpsim.modeling.editor import ProcessEditor

__all__ = ["ProcessBuilder", "Lane", "Node", "SubProcess", "iso_duration"]

_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def iso_duration(text: str | float | int) -> str:
    """An ISO 8601 duration for ``"5d"``, ``"1h30m"``, ``"90s"`` or seconds (``"P5D"`` as is).

    >>> iso_duration("1h30m"), iso_duration("5d"), iso_duration(90), iso_duration("PT8H")
    ('PT1H30M', 'P5D', 'PT1M30S', 'PT8H')
    """
    if isinstance(text, str) and text.strip().upper().startswith(("P", "R")):
        return text.strip()
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)\s*([wdhms])", text.strip().lower())
        if not parts or re.sub(r"[\d.\swdhms]", "", text.lower()):
            raise ModelError(f"{text!r} is not a duration.",
                             hint='write e.g. "30m", "8h", "5d", "1h30m" or ISO "PT8H".')
        seconds = sum(float(v) * _UNITS[u] for v, u in parts)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)

    def fmt(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else f"{v:g}"

    time = "".join(f"{fmt(v)}{u}" for v, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if v)
    return "P" + (f"{fmt(days)}D" if days else "") + (f"T{time}" if time else "") \
        if (days or time) else "PT0S"


def _timer(timer: Any) -> dict[str, str] | None:
    if timer is None or isinstance(timer, dict):
        return timer
    return {"kind": "timeDuration", "value": iso_duration(timer)}


class _Placer:
    """The node-making verbs shared by the pool, its lanes and sub-processes."""

    _editor: ProcessEditor
    _lane: str | None = None
    _parent: str | None = None

    def node(self, node_type: str, name: str | None = None, *, id: str | None = None,
             **attributes: Any) -> Node:
        """Any BPMN flow node type (``"manualTask"``, ``"complexGateway"`` ...)."""
        nid = self._editor.add_node(node_type, name, lane=self._lane, parent=self._parent,
                                    id=id, **attributes)
        return _handle(self._editor, nid)

    # tasks
    def task(self, name: str, *, id: str | None = None, **attributes: Any) -> Node:
        """A plain task."""
        return self.node("task", name, id=id, **attributes)

    def user_task(self, name: str, *, id: str | None = None, **attributes: Any) -> Node:
        """Work a person does at a screen (triage, resolve ...)."""
        return self.node("userTask", name, id=id, **attributes)

    def service_task(self, name: str, *, id: str | None = None, **attributes: Any) -> Node:
        """Work a system does (open a ticket, look up a contact ...)."""
        return self.node("serviceTask", name, id=id, **attributes)

    def send_task(self, name: str, *, id: str | None = None, **attributes: Any) -> Node:
        """Sending a message (reply to the customer ...)."""
        return self.node("sendTask", name, id=id, **attributes)

    def receive_task(self, name: str, *, id: str | None = None, **attributes: Any) -> Node:
        """Waiting for a message as a task."""
        return self.node("receiveTask", name, id=id, **attributes)

    def manual_task(self, name: str, *, id: str | None = None, **attributes: Any) -> Node:
        """Work done by hand, without a system."""
        return self.node("manualTask", name, id=id, **attributes)

    def script_task(self, name: str, *, id: str | None = None, **attributes: Any) -> Node:
        """A script run by the process engine."""
        return self.node("scriptTask", name, id=id, **attributes)

    def business_rule_task(self, name: str, *, id: str | None = None,
                           **attributes: Any) -> Node:
        """A decision table evaluated by a rule engine."""
        return self.node("businessRuleTask", name, id=id, **attributes)

    def call(self, name: str, called_element: str | None = None, *, id: str | None = None,
             **attributes: Any) -> Node:
        """A call activity (runs another process)."""
        return self.node("callActivity", name, id=id, called_element=called_element,
                         **attributes)

    def subprocess(self, name: str, *, id: str | None = None, **attributes: Any) -> SubProcess:
        """A sub-process; place its content with the returned handle's verbs."""
        return self.node("subProcess", name, id=id, **attributes)  # type: ignore[return-value]

    # events
    def start(self, name: str | None = None, *, event: str | None = None, timer: Any = None,
              id: str | None = None, **attributes: Any) -> Node:
        """A start event (``event="message"``, ``"timer"`` with ``timer="P1D"`` ...)."""
        return self._event("startEvent", name, event, timer, id, attributes)

    def end(self, name: str | None = None, *, event: str | None = None, id: str | None = None,
            **attributes: Any) -> Node:
        """An end event (``event="terminate"``, ``"message"`` ...)."""
        return self._event("endEvent", name, event, None, id, attributes)

    def catch(self, name: str | None = None, *, event: str | None = "message",
              timer: Any = None, id: str | None = None, **attributes: Any) -> Node:
        """An intermediate catch event: waiting for a message, a timer (``timer="5d"``) ..."""
        return self._event("intermediateCatchEvent", name, event, timer, id, attributes)

    def throw(self, name: str | None = None, *, event: str | None = None,
              id: str | None = None, **attributes: Any) -> Node:
        """An intermediate throw event (``event="message"``, ``"signal"`` or none)."""
        return self._event("intermediateThrowEvent", name, event, None, id, attributes)

    def _event(self, kind: str, name, event, timer, id, attributes) -> Node:
        if timer is not None:
            event = "timer"
        return self.node(kind, name, id=id, event=event, timer=_timer(timer), **attributes)

    # gateways
    def decision(self, name: str | None = None, *, id: str | None = None,
                 **attributes: Any) -> Node:
        """An exclusive gateway that chooses one way (``need.branch("Yes", to=...)``)."""
        return self.node("exclusiveGateway", name, id=id, **attributes)

    def merge(self, name: str | None = None, *, id: str | None = None) -> Node:
        """An exclusive gateway where alternative ways meet again."""
        return self.node("exclusiveGateway", name, id=id)

    def fork(self, name: str | None = None, *, id: str | None = None) -> Node:
        """A parallel gateway that starts several ways at once."""
        return self.node("parallelGateway", name, id=id)

    def join(self, name: str | None = None, *, id: str | None = None) -> Node:
        """A parallel gateway that waits for all ways."""
        return self.node("parallelGateway", name, id=id)

    def inclusive(self, name: str | None = None, *, id: str | None = None) -> Node:
        """An inclusive gateway (one or more ways)."""
        return self.node("inclusiveGateway", name, id=id)

    def first_of(self, name: str | None = None, *, id: str | None = None) -> Node:
        """An event-based gateway: the first event to happen decides the way."""
        return self.node("eventBasedGateway", name, id=id)


class Node:
    """A handle on one flow node: ``node.id``, ``node.name``, ``node.type``; ``a >> b``."""

    def __init__(self, editor: ProcessEditor, node_id: str) -> None:
        self._editor = editor
        self.id = node_id

    @property
    def _data(self) -> dict[str, Any]:
        return self._editor.process.graph.nodes[self.id]

    @property
    def name(self) -> str | None:
        return self._data.get("name")

    @property
    def type(self) -> str:
        return self._data["type"]

    def __repr__(self) -> str:
        return f"<{self.type} {self.id} {self.name!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.id == self.id and \
            other._editor.process is self._editor.process

    def __hash__(self) -> int:
        return hash(self.id)

    def __rshift__(self, other: Node | Iterable[Node]) -> Any:
        targets = [other] if isinstance(other, Node) else list(other)
        for t in targets:
            self._editor.connect(self, t)
        return other

    def __rrshift__(self, other: Iterable[Node]) -> Node:
        for s in other:
            self._editor.connect(s, self)
        return self

    def to(self, target: Node | str, name: str | None = None, *, condition: str | None = None,
           default: bool = False, id: str | None = None) -> str:
        """Draw a flow to ``target``; return the flow id."""
        return self._editor.connect(self, target, name=name, condition=condition,
                                    default=default, id=id)

    def branch(self, name: str | None, *, to: Node | str, condition: str | None = None,
               default: bool = False, id: str | None = None) -> Node:
        """A named way out of a decision (``"Yes"``, ``"No"``); returns this node again."""
        self.to(to, name, condition=condition, default=default, id=id)
        return self

    def otherwise(self, to: Node | str, name: str | None = None) -> Node:
        """The default way out (taken when no other condition holds)."""
        return self.branch(name, to=to, default=True)

    def boundary(self, name: str | None = None, *, event: str | None = "timer",
                 timer: Any = None, interrupting: bool = True, id: str | None = None) -> Node:
        """A boundary event on this task's border; returns its handle."""
        if timer is not None:
            event = "timer"
        nid = self._editor.add_node("boundaryEvent", name, id=id, attached_to=self.id,
                                    event=event, timer=_timer(timer),
                                    cancel_activity=interrupting)
        return Node(self._editor, nid)

    def on_timer(self, name: str | None = None, *, after: Any, interrupting: bool = True,
                 id: str | None = None) -> Node:
        """A timer on this task's border: fires ``after`` the task started (``"8h"``)."""
        return self.boundary(name, timer=after, interrupting=interrupting, id=id)

    def on_message(self, name: str | None = None, *, interrupting: bool = True,
                   id: str | None = None) -> Node:
        """A message that can arrive while this task runs."""
        return self.boundary(name, event="message", interrupting=interrupting, id=id)

    def on_error(self, name: str | None = None, *, id: str | None = None) -> Node:
        """An error thrown by this task (always interrupting)."""
        return self.boundary(name, event="error", interrupting=True, id=id)

    # editing shortcuts
    def rename(self, name: str | None) -> Node:
        self._editor.rename(self.id, name)
        return self

    def retype(self, node_type: str, **attributes: Any) -> Node:
        self._editor.retype(self.id, node_type, **attributes)
        return self

    def move_to(self, lane: Any) -> Node:
        self._editor.move_to_lane(self.id, lane)
        return self

    def remove(self, *, bridge: bool = False) -> None:
        self._editor.remove(self.id, bridge=bridge)


class SubProcess(Node, _Placer):
    """A sub-process handle: its verbs (``sub.user_task(...)``) place nodes inside it."""

    def __init__(self, editor: ProcessEditor, node_id: str) -> None:
        super().__init__(editor, node_id)
        self._parent = node_id


def _handle(editor: ProcessEditor, node_id: str) -> Node:
    if editor.process.graph.nodes[node_id]["type"] in SUBPROCESS_TYPES:
        return SubProcess(editor, node_id)
    return Node(editor, node_id)


class Lane(_Placer):
    """A lane handle: its verbs place nodes in the lane (``agent.user_task("Triage")``)."""

    def __init__(self, editor: ProcessEditor, lane_id: str) -> None:
        self._editor = editor
        self._lane = self.id = lane_id

    @property
    def name(self) -> str | None:
        return self._editor.process.lanes[self.id].name

    @property
    def nodes(self) -> list[Node]:
        """The nodes in this lane."""
        return [_handle(self._editor, n) for n in self._editor.process.lanes[self.id].nodes]

    def lane(self, name: str, *, id: str | None = None) -> Lane:
        """A child lane of this lane (made on first use)."""
        return self._editor.lane(name, id=id, parent=self.id)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"<lane {self.id} {self.name!r}>"


class ProcessBuilder(ProcessEditor, _Placer):
    """Build (or edit) a process: one pool with lanes, or a process without a pool.

    Parameters
    ----------
    name : str
        The process name ("Ticket handling").
    pool : str, optional
        The pool (participant) name ("Service desk"); no pool when omitted.
    id, pool_id : str, optional
        Ids of the process and the pool (``Process_<Name>`` / ``Participant_<Pool>``).
    """

    def __init__(self, name: str | None = None, *, pool: str | None = None,
                 id: str | None = None, pool_id: str | None = None) -> None:
        super().__init__(Process())
        self._editor = self
        p = self.process
        p.name = name
        p.meta["built_by"] = "bpsim.build"
        pid = self._claim(id, "Process", name or "Process")
        part = None
        if pool is not None:
            part = self._claim(pool_id, "Participant", pool)
        p.processes[pid] = ProcessInfo(pid, name, part, pool)
        if part is not None:
            p.participants[part] = Participant(part, pool, pid)
        self._process_id: str | None = pid

    @classmethod
    def edit(cls, process: Process) -> ProcessBuilder:
        """A builder on an existing process (read from a file, or built); edits it in place.

        New lanes made with :meth:`lane` go to the first process of the file (give
        ``parent=`` to nest one in an existing lane of another process).
        """
        self = cls.__new__(cls)
        ProcessEditor.__init__(self, process)
        self._editor = self
        self._process_id = next(iter(process.processes), None)
        return self

    def lane(self, name: str, *, id: str | None = None, parent: Any = None) -> Lane:
        """The lane called ``name``, made (at the bottom of the pool) on first use."""
        hits = [ln.id for ln in self.process.lanes.values() if ln.name == name or ln.id == name]
        if id is not None and id in self.process.lanes:
            return Lane(self, id)
        if len(hits) == 1 and id is None:
            return Lane(self, hits[0])
        lid = self.add_lane(name, id=id, parent=parent, process=self._process_id)
        return Lane(self, lid)

    def flow(self, source: Any, target: Any, name: str | None = None, *,
             condition: str | None = None, default: bool = False, id: str | None = None) -> str:
        """A sequence flow ``source -> target`` (nodes by handle, id or name); its id."""
        return self.connect(source, target, name=name, condition=condition, default=default,
                            id=id)

    def __getitem__(self, key: str) -> Node:
        """The handle of an existing node, by id or name."""
        return _handle(self, self.node_id(key))

    def participant(self, name: str, *, id: str | None = None) -> str:
        """A black-box pool (e.g. "Customer" drawn as an empty band); its id."""
        pid = self._claim(id, "Participant", name)
        self.process.participants[pid] = Participant(pid, name, None)
        return pid

    def message(self, source: Any, target: Any, name: str | None = None, *,
                id: str | None = None) -> str:
        """A message flow between pools (nodes or pool ids); its id."""
        from bpsim.model import MessageFlow

        def end(x: Any) -> str:
            key = getattr(x, "id", x)
            return key if key in self.process.participants else self.node_id(x)

        mid = self._claim(id, "MessageFlow", name)
        self.process.message_flows[mid] = MessageFlow(mid, end(source), end(target), name)
        return mid
