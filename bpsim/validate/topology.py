"""Shared facts about a process that several rules need: scopes, exemptions, scope graphs.

A *scope* is what BPMN calls a flow-elements container: a ``<process>`` (its top-level nodes)
or a sub-process (the nodes drawn inside it). Tokens never cross a scope border along a
sequence flow; a sub-process is one step in its parent scope and a small process of its own
inside. Scope ids are the process id or the sub-process's node id.

The *scope graph* is the directed graph along which a token can move inside one scope: every
sequence flow between two nodes of the scope (from ``sourceRef``/``targetRef``), plus
``host -> boundary event`` (a boundary event fires while its host runs) and
``link throw -> link catch`` (a pair of link events is an off-page connector).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from bpsim.model import ACTIVITY_TYPES, SUBPROCESS_TYPES
from bpsim.validate.registry import Context

__all__ = [
    "scope_of",
    "scopes",
    "scope_kind",
    "is_event_subprocess",
    "in_adhoc",
    "is_link_event",
    "link_name",
    "is_throw",
    "is_compensation_boundary",
    "is_for_compensation",
    "link_targets",
    "scope_graph",
    "start_nodes",
    "end_nodes",
    "conditional_ids",
    "has_condition",
    "event_conditions",
    "message_refs",
]

THROW_TYPES = frozenset({"intermediateThrowEvent", "endEvent"})
CATCH_TYPES = frozenset({"intermediateCatchEvent", "startEvent", "boundaryEvent"})


def scope_of(ctx: Context, node: str) -> str | None:
    """The id of the scope holding ``node``: its sub-process, else its process."""
    return ctx.attr(node, "parent") or ctx.attr(node, "process")


def scopes(ctx: Context) -> dict[str, list[str]]:
    """Every scope id with its direct child nodes (processes first, in file order)."""
    cached = ctx.cache.get("scopes")
    if cached is None:
        cached = {pid: [] for pid in ctx.process.processes}
        for n in ctx.nodes(SUBPROCESS_TYPES):
            cached.setdefault(n, [])
        for n in ctx.nodes():
            key = scope_of(ctx, n)
            if key is not None:
                cached.setdefault(key, []).append(n)
        ctx.cache["scopes"] = cached
    return cached


def scope_kind(ctx: Context, scope: str) -> str:
    """``"process"`` or the sub-process's type (``subProcess``, ``transaction`` ...)."""
    if scope in ctx.process.graph:
        return ctx.type_of(scope) or "subProcess"
    return "process"


def is_event_subprocess(ctx: Context, node: str) -> bool:
    return ctx.type_of(node) in SUBPROCESS_TYPES and bool(ctx.attr(node, "triggered_by_event"))


def in_adhoc(ctx: Context, node: str) -> bool:
    parent = ctx.attr(node, "parent")
    return parent is not None and ctx.type_of(parent) == "adHocSubProcess"


def is_link_event(ctx: Context, node: str, *, only: bool = False) -> bool:
    """An event with a link definition (``only``: every definition is a link)."""
    events = ctx.attr(node, "events", []) or []
    if not events:
        return False
    return all(e == "link" for e in events) if only else "link" in events


def link_name(ctx: Context, node: str) -> str | None:
    """The link's name: the linkEventDefinition's ``name`` (draw.io: the label)."""
    data = ctx.process.graph.nodes[node]
    name = data["link_name"] if "link_name" in data else data.get("name")
    name = (name or "").strip()
    return name or None


def is_throw(ctx: Context, node: str) -> bool:
    return ctx.type_of(node) in THROW_TYPES


def is_compensation_boundary(ctx: Context, node: str) -> bool:
    return ctx.type_of(node) == "boundaryEvent" and (ctx.attr(node, "events", []) or []) == [
        "compensate"
    ]


def _compensation_targets(ctx: Context) -> set[str]:
    cached = ctx.cache.get("compensation_targets")
    if cached is None:
        cached = set()
        for art in ctx.process.artifacts.values():
            if art.get("type") == "association":
                source, target = art.get("sourceRef"), art.get("targetRef")
                if (isinstance(source, str) and source in ctx.process.graph
                        and is_compensation_boundary(ctx, source)):
                    cached.add(target)
        ctx.cache["compensation_targets"] = cached
    return cached


def is_for_compensation(ctx: Context, node: str) -> bool:
    """An activity marked ``isForCompensation`` (or, when the reader does not say, the target
    of an association from a compensation boundary event)."""
    if ctx.type_of(node) not in ACTIVITY_TYPES:
        return False
    for key in ("for_compensation", "is_for_compensation", "isForCompensation"):
        if ctx.attr(node, key):
            return True
    return node in _compensation_targets(ctx)


def has_compensation_association(ctx: Context, node: str) -> bool:
    return any(
        art.get("type") == "association" and art.get("sourceRef") == node
        for art in ctx.process.artifacts.values()
    )


def link_targets(ctx: Context) -> dict[str, list[str]]:
    """Link throw event id -> the link catch events of the same name in the same scope."""
    cached = ctx.cache.get("link_targets")
    if cached is None:
        catches: dict[tuple, list[str]] = defaultdict(list)
        throws = []
        for n in ctx.nodes():
            if not is_link_event(ctx, n):
                continue
            key = (scope_of(ctx, n), link_name(ctx, n))
            if key[1] is None:
                continue
            if is_throw(ctx, n):
                throws.append((n, key))
            else:
                catches[key].append(n)
        cached = {n: catches.get(key, []) for n, key in throws}
        ctx.cache["link_targets"] = cached
    return cached


def scope_graph(ctx: Context, scope: str) -> nx.DiGraph:
    """The directed graph a token moves along inside ``scope`` (see the module docstring)."""
    key = f"scope_graph:{scope}"
    cached = ctx.cache.get(key)
    if cached is None:
        members = set(scopes(ctx).get(scope, []))
        cached = nx.DiGraph()
        cached.add_nodes_from(members)
        for f in ctx.process.flows.values():
            if f.source in members and f.target in members:
                cached.add_edge(f.source, f.target)
        for n in members:
            host = ctx.attr(n, "attached_to")
            if ctx.type_of(n) == "boundaryEvent" and host in members:
                cached.add_edge(host, n)
        for throw, catches in link_targets(ctx).items():
            if throw in members:
                for c in catches:
                    cached.add_edge(throw, c)
        ctx.cache[key] = cached
    return cached


def start_nodes(ctx: Context, scope: str) -> list[str]:
    """Where tokens are born in a scope: its start events (event sub-processes and the start
    events inside them are triggered by events and count as starts); with no start event,
    every node without an incoming flow (BPMN 2.0.2, 10.5.1), boundary events, link catches
    and compensation activities excepted. Receive tasks and event-based gateways with
    ``instantiate="true"`` start too."""
    members = scopes(ctx).get(scope, [])
    starts = [n for n in members if ctx.type_of(n) == "startEvent"]
    starts += [n for n in members if is_event_subprocess(ctx, n)]
    starts += [n for n in members if ctx.attr(n, "instantiate") and not ctx.incoming(n)]
    if any(ctx.type_of(n) == "startEvent" for n in members):
        return starts
    for n in members:
        if ctx.incoming(n) or n in starts:
            continue
        if ctx.type_of(n) == "boundaryEvent" or is_for_compensation(ctx, n):
            continue
        if ctx.type_of(n) == "intermediateCatchEvent" and is_link_event(ctx, n, only=True):
            continue
        starts.append(n)
    return starts


def end_nodes(ctx: Context, scope: str) -> list[str]:
    """Where tokens leave a scope: end events, and nodes with no way on in the scope graph
    (an implicit end, which BPMN allows and ``no-implicit-end`` reports)."""
    members = set(scopes(ctx).get(scope, []))
    links = link_targets(ctx)
    ends = []
    for n in members:
        if ctx.type_of(n) == "endEvent":
            ends.append(n)
        elif not any(f.target in members for f in ctx.outgoing(n)) and not links.get(n):
            ends.append(n)
    return ends


def conditional_ids(ctx: Context) -> set[str]:
    """Ids of sequence flows that carry a ``<conditionExpression>``, even an empty one.

    bpmnlint counts an empty expression as a condition (the flow is drawn with the small
    diamond); the reader keeps ``Flow.condition`` ``None`` for it and says
    ``Flow.conditional``.
    """
    cached = ctx.cache.get("conditional_ids")
    if cached is None:
        cached = {f.id for f in ctx.process.flows.values()
                  if f.condition or getattr(f, "conditional", False)}
        ctx.cache["conditional_ids"] = cached
    return cached


def has_condition(ctx: Context, flow) -> bool:
    """The flow is conditional (has a ``conditionExpression``, empty or not)."""
    return bool(flow.condition) or flow.id in conditional_ids(ctx)


def event_conditions(ctx: Context) -> dict[str, str]:
    """Conditional event id -> its condition text ("" when empty), from the node attribute
    ``condition`` the BPMN reader sets (``None`` there: no ``<condition>`` element; draw.io
    and processes built in code say nothing, and are not listed)."""
    cached = ctx.cache.get("event_conditions")
    if cached is None:
        cached = {}
        for n, data in ctx.process.graph.nodes(data=True):
            if "conditional" in (data.get("events") or []) and "condition" in data:
                cached[n] = (data.get("condition") or "").strip()
        ctx.cache["event_conditions"] = cached
    return cached


def message_refs(ctx: Context) -> set[str]:
    """Every ``messageRef`` the process states: on send/receive tasks (``message_ref``), on
    message event definitions (``event_refs``) and on message flows (``MessageFlow.message``).
    """
    cached = ctx.cache.get("message_refs")
    if cached is None:
        p = ctx.process
        cached = set()
        for _, data in p.graph.nodes(data=True):
            if data.get("message_ref"):
                cached.add(data["message_ref"])
            ref = (data.get("event_refs") or {}).get("messageRef")
            if ref:
                cached.add(ref)
        for m in p.message_flows.values():
            if getattr(m, "message", None):
                cached.add(m.message)
        ctx.cache["message_refs"] = cached
    return cached
