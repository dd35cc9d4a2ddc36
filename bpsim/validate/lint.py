"""bpmnlint's modelling rules, with the same names, checks and exemptions.

A service desk's diagram is read by people before it is ever simulated: a task that silently
splits the flow in two, a task with no way out, a gateway that both merges and decides are
what bpmnlint (https://github.com/bpmn-io/bpmnlint) calls out, and what bpsim calls out under
the same names, so a team moving between the two tools reads the same words.

One difference runs through every rule: connectivity comes from the sequence flows'
``sourceRef``/``targetRef`` (``process.flows``), never from the optional ``<incoming>`` /
``<outgoing>`` tags that bpmnlint reads, so files from tools that omit the tags (Activiti,
Bonita, Flowable, IBM) are not reported as disconnected. The layout rules (``no-bpmndi``,
``no-overlapping-elements``, ``standard-size``) and ``global`` / ``label-required`` are in
:mod:`bpsim.validate.lint_layout`.
"""

from __future__ import annotations

from collections import defaultdict

from bpsim.model import (
    ACTIVITY_TYPES,
    EVENT_TYPES,
    GATEWAY_TYPES,
    SUBPROCESS_TYPES,
    TASK_TYPES,
)
from bpsim.validate.registry import rule
from bpsim.validate.topology import (
    event_conditions,
    has_compensation_association,
    has_condition,
    in_adhoc,
    is_compensation_boundary,
    is_event_subprocess,
    is_for_compensation,
    is_link_event,
    is_throw,
    link_name,
    scope_kind,
    scopes,
)

FLOW_NODES = ACTIVITY_TYPES | EVENT_TYPES | GATEWAY_TYPES


def _events(ctx, node):
    return ctx.attr(node, "events", []) or []


def _is_default(ctx, flow):
    return flow.default or ctx.attr(flow.source, "default") == flow.id


def _kind_word(ctx, scope):
    return "Process" if scope_kind(ctx, scope) == "process" else "Sub-process"


@rule("ad-hoc-sub-process", "error")
def ad_hoc_sub_process(process, ctx):
    """An ad-hoc sub-process holds no start or end event, and every catch event inside it has
    an outgoing flow."""
    for node in ctx.nodes():
        if not in_adhoc(ctx, node):
            continue
        kind = ctx.type_of(node)
        if kind == "startEvent":
            yield ctx.finding(node, "a start event is not allowed in an ad-hoc sub-process.")
        elif kind == "endEvent":
            yield ctx.finding(node, "an end event is not allowed in an ad-hoc sub-process.")
        elif kind == "intermediateCatchEvent" and not ctx.outgoing(node):
            yield ctx.finding(node, "an intermediate catch event inside an ad-hoc sub-process "
                              "must have an outgoing sequence flow.")


@rule("conditional-event", "warning")
def conditional_event(process, ctx):
    """A conditional event in an executable process states its condition."""
    for node in ctx.nodes(EVENT_TYPES):
        if "conditional" not in _events(ctx, node):
            continue
        info = process.processes.get(ctx.attr(node, "process"))
        if info is None or not info.executable:
            continue
        condition = event_conditions(ctx).get(node)
        if condition is not None and not condition:
            yield ctx.finding(node, "the conditional event has no condition.")


@rule("conditional-flows", "error")
def conditional_flows(process, ctx):
    """When one outgoing flow of an element is conditional (or one is the default), every other
    outgoing flow has a condition too."""
    for node in ctx.nodes():
        out = ctx.outgoing(node)
        if not (ctx.attr(node, "default") or any(has_condition(ctx, f) for f in out)):
            continue
        for f in out:
            if not has_condition(ctx, f) and not _is_default(ctx, f):
                yield ctx.finding(f.id, "the sequence flow has no condition, but another flow "
                                  f"leaving {node} has one (or is its default).")


@rule("end-event-required", "error")
def end_event_required(process, ctx):
    """Every process and sub-process has an end event (ad-hoc sub-processes excepted)."""
    yield from _event_required(ctx, "endEvent", "end")


@rule("start-event-required", "error")
def start_event_required(process, ctx):
    """Every process and sub-process has a start event (ad-hoc sub-processes excepted)."""
    yield from _event_required(ctx, "startEvent", "start")


def _event_required(ctx, kind, word):
    for scope, members in scopes(ctx).items():
        if scope_kind(ctx, scope) == "adHocSubProcess":
            continue
        if not members:
            continue  # an empty process (black-box pool) or a sub-process drawn empty
        if not any(ctx.type_of(n) == kind for n in members):
            yield ctx.finding(scope, f"{_kind_word(ctx, scope)} has no {word} event.")


@rule("event-based-gateway", "error")
def event_based_gateway(process, ctx):
    """An event-based gateway has at least two outgoing flows, none of them conditional."""
    for node in ctx.nodes({"eventBasedGateway"}):
        out = ctx.outgoing(node)
        if len(out) < 2:
            yield ctx.finding(node, "an event-based gateway must have at least 2 outgoing "
                              "sequence flows.")
        for f in out:
            if has_condition(ctx, f):
                yield ctx.finding(f.id, "a sequence flow leaving an event-based gateway must "
                                  "not be conditional.")


@rule("event-sub-process-typed-start-event", "error")
def event_sub_process_typed_start_event(process, ctx):
    """The start event of an event sub-process has a trigger (message, timer ...)."""
    for node in ctx.nodes({"startEvent"}):
        parent = ctx.attr(node, "parent")
        if parent and is_event_subprocess(ctx, parent) and not _events(ctx, node):
            yield ctx.finding(node, "the start event of an event sub-process has no event "
                              "definition (message, timer, error ...).")


@rule("fake-join", "warning")
def fake_join(process, ctx):
    """An activity or event is entered by at most one flow (join with a gateway instead)."""
    for node in ctx.nodes(ACTIVITY_TYPES | EVENT_TYPES):
        if len(ctx.incoming(node)) > 1:
            yield ctx.finding(node, f"{len(ctx.incoming(node))} flows enter this element; it "
                              "does not join them. Merge them with a gateway first.")


@rule("link-event", "error")
def link_event(process, ctx):
    """Link events are named, and each link throw has exactly one matching catch in its scope."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for node in ctx.nodes(EVENT_TYPES):
        if not is_link_event(ctx, node):
            continue
        name = link_name(ctx, node)
        if name is None:
            yield ctx.finding(node, "the link event has no link name.")
            continue
        groups[(ctx.attr(node, "parent") or ctx.attr(node, "process"), name)].append(node)
    for (_, name), events in groups.items():
        if len(events) == 1:
            missing = "catch" if is_throw(ctx, events[0]) else "throw"
            yield ctx.finding(events[0], f"no link {missing} event named <{name}> in this scope.")
            continue
        catches = [e for e in events if not is_throw(ctx, e)]
        if len(catches) > 1:
            for e in catches:
                yield ctx.finding(e, f"duplicate link catch event named <{name}> in this scope.")
        elif not catches:
            for e in events:
                yield ctx.finding(e, f"no link catch event named <{name}> in this scope.")


@rule("no-complex-gateway", "error")
def no_complex_gateway(process, ctx):
    """Complex gateways are not used (their semantics are tool-specific)."""
    for node in ctx.nodes({"complexGateway"}):
        yield ctx.finding(node, "complex gateways are discouraged: their firing rule is not "
                          "portable. Use exclusive, parallel or inclusive gateways.")


@rule("no-inclusive-gateway", "warning")
def no_inclusive_gateway(process, ctx):
    """Inclusive (OR) gateways are discouraged."""
    for node in ctx.nodes({"inclusiveGateway"}):
        yield ctx.finding(node, "inclusive gateways are discouraged: an OR-join waits for "
                          "tokens that may never come. Prefer exclusive or parallel gateways.")


@rule("no-disconnected", "error")
def no_disconnected(process, ctx):
    """Every task, gateway, sub-process and event has an incoming or an outgoing flow."""
    types = TASK_TYPES | GATEWAY_TYPES | SUBPROCESS_TYPES | EVENT_TYPES
    for node in ctx.nodes(types):
        if ctx.attr(node, "triggered_by_event"):
            continue
        if is_compensation_boundary(ctx, node) or is_for_compensation(ctx, node):
            continue
        if in_adhoc(ctx, node) and ctx.type_of(node) in ACTIVITY_TYPES:
            continue
        if not ctx.incoming(node) and not ctx.outgoing(node):
            yield ctx.finding(node, "the element is not connected: no sequence flow enters or "
                              "leaves it.")


@rule("no-duplicate-sequence-flows", "error")
def no_duplicate_sequence_flows(process, ctx):
    """No two sequence flows join the same source and target (with the same condition)."""
    seen: set[tuple] = set()
    reported: set[tuple] = set()
    for f in process.flows.values():
        key = (f.source, f.target, f.condition or "")
        if key not in seen:
            seen.add(key)
            continue
        yield ctx.finding(f.id, f"the sequence flow duplicates another one from {f.source} to "
                          f"{f.target}.")
        for end, word in ((f.source, "outgoing"), (f.target, "incoming")):
            if (end, word) not in reported:
                reported.add((end, word))
                yield ctx.finding(end, f"duplicate {word} sequence flows.")


@rule("no-gateway-join-fork", "error")
def no_gateway_join_fork(process, ctx):
    """A gateway either joins or forks, not both at once."""
    for node in ctx.nodes(GATEWAY_TYPES):
        if len(ctx.incoming(node)) > 1 and len(ctx.outgoing(node)) > 1:
            yield ctx.finding(node, "the gateway both joins and forks; use two gateways.")


@rule("no-implicit-end", "error")
def no_implicit_end(process, ctx):
    """An element without outgoing flows is an end event."""
    for node in ctx.nodes(FLOW_NODES):
        kind = ctx.type_of(node)
        if kind == "endEvent" or ctx.outgoing(node):
            continue
        if is_event_subprocess(ctx, node):
            continue
        if kind == "intermediateThrowEvent" and is_link_event(ctx, node, only=True):
            continue
        if in_adhoc(ctx, node) and kind in ACTIVITY_TYPES:
            continue
        if (kind == "boundaryEvent" and _events(ctx, node) == ["compensate"]
                and has_compensation_association(ctx, node)):
            continue
        if is_for_compensation(ctx, node):
            continue
        yield ctx.finding(node, "the element is an implicit end: no flow leaves it. End the "
                          "path with an end event.")


@rule("no-implicit-split", "error")
def no_implicit_split(process, ctx):
    """An activity or event does not split the flow by itself (use a parallel gateway)."""
    for node in ctx.nodes(ACTIVITY_TYPES | EVENT_TYPES):
        plain = [f for f in ctx.outgoing(node)
                 if not has_condition(ctx, f) and not _is_default(ctx, f)]
        if len(plain) > 1:
            yield ctx.finding(node, f"the flow splits implicitly into {len(plain)} unconditional "
                              "flows; use a parallel gateway.")


@rule("no-implicit-start", "error")
def no_implicit_start(process, ctx):
    """An element without incoming flows is a start event (or a boundary event)."""
    for node in ctx.nodes(FLOW_NODES):
        kind = ctx.type_of(node)
        if kind in ("startEvent", "boundaryEvent") or ctx.incoming(node):
            continue
        if is_for_compensation(ctx, node) or is_event_subprocess(ctx, node):
            continue
        if in_adhoc(ctx, node) and kind in ACTIVITY_TYPES:
            continue
        if kind == "intermediateCatchEvent" and is_link_event(ctx, node, only=True):
            continue
        yield ctx.finding(node, "the element is an implicit start: no flow enters it. Start "
                          "the path with a start event.")


@rule("single-blank-start-event", "error")
def single_blank_start_event(process, ctx):
    """A process or sub-process has at most one blank start event."""
    for scope, members in scopes(ctx).items():
        blank = [n for n in members if ctx.type_of(n) == "startEvent" and not _events(ctx, n)]
        if len(blank) > 1:
            yield ctx.finding(scope, f"{_kind_word(ctx, scope)} has {len(blank)} blank start "
                              f"events ({', '.join(blank)}); keep one.")


@rule("single-event-definition", "error")
def single_event_definition(process, ctx):
    """An event has at most one event definition."""
    for node in ctx.nodes(EVENT_TYPES):
        if len(_events(ctx, node)) > 1:
            yield ctx.finding(node, "the event has several event definitions ("
                              + ", ".join(_events(ctx, node)) + ").")


@rule("sub-process-blank-start-event", "error")
def sub_process_blank_start_event(process, ctx):
    """The start events inside an ordinary (not event) sub-process are blank."""
    for node in ctx.nodes({"startEvent"}):
        parent = ctx.attr(node, "parent")
        if parent and not is_event_subprocess(ctx, parent) and _events(ctx, node):
            yield ctx.finding(node, "a start event inside a sub-process must be blank (no "
                              "event definition).")


@rule("superfluous-gateway", "warning")
def superfluous_gateway(process, ctx):
    """A gateway with one incoming and one outgoing flow does nothing."""
    for node in ctx.nodes(GATEWAY_TYPES):
        if len(ctx.incoming(node)) == 1 and len(ctx.outgoing(node)) == 1:
            yield ctx.finding(node, "the gateway is superfluous: it has only one source and "
                              "one target.")


@rule("superfluous-label", "warning")
def superfluous_label(process, ctx):
    """Only decision branches, conditional and default flows carry a label."""
    for f in process.flows.values():
        if not (f.name or "").strip() or has_condition(ctx, f) or _is_default(ctx, f):
            continue
        source = ctx.type_of(f.source)
        if source in ("exclusiveGateway", "inclusiveGateway") and len(ctx.outgoing(f.source)) > 1:
            continue
        yield ctx.finding(f.id, "the sequence flow has a superfluous label: it is neither a "
                          "decision branch nor conditional nor a default flow.")


@rule("superfluous-termination", "warning")
def superfluous_termination(process, ctx):
    """A terminate end event where no other token can be left to cancel."""
    from bpsim.validate.structure import can_end

    for scope, members in scopes(ctx).items():
        ends = [n for n in members if not ctx.outgoing(n)]
        terminates = [n for n in ends if ctx.type_of(n) == "endEvent"
                      and "terminate" in _events(ctx, n)]
        if len(terminates) != 1:
            continue
        alive = can_end(ctx, scope)
        if any(n not in alive for n in members):
            continue  # a loop with no way out runs in parallel: the termination ends it
        if all(n in terminates or _interrupting_event_sub(ctx, n) for n in ends):
            yield ctx.finding(terminates[0], "the termination is superfluous: no other path "
                              "can still hold a token; a plain end event does the same.")


def _interrupting_event_sub(ctx, node):
    if not is_event_subprocess(ctx, node):
        return False
    return any(ctx.type_of(c) == "startEvent" and ctx.attr(c, "interrupting", True)
               for c in scopes(ctx).get(node, []))
