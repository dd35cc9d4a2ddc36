"""Finding a scenario's names in a process: elements, gateway branches, SLA points.

A scenario names things the way people do: "Triage ticket", "Need more information?", the
branch "Yes". The drawing knows them as ids (``Task_Triage``, ``Flow_NeedInfoYes``). These
functions look a name up by id or by name (white space folded, so a label drawn on two
lines matches the same words typed on one) and refuse, with the candidates, a name that
matches nothing, several elements, or an element of the wrong kind.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from bpsim.errors import ScenarioError
from bpsim.model import ACTIVITY_TYPES, Flow, Process
from bpsim.scenario.distributions import Fixed
from bpsim.scenario.durations import parse_duration
from bpsim.scenario.spec import SLAPoint

if TYPE_CHECKING:
    # binding needs the scenario's data and its error locations, not the loading API of
    # bpsim.scenario.core (which imports this module): the schema model has both
    from bpsim.scenario.schema import ScenarioModel as Scenario

__all__ = ["find_element", "find_branch", "find_point", "default_role", "outgoing", "timer_law"]

#: Calendar names that need no definition: open around the clock.
#: (SECTIONS: the element types each scenario section may name.)
ALWAYS = ("24/7", "always")
EVENT_TYPES = {"intermediateCatchEvent", "receiveTask"}
SPLIT_TYPES = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
SECTIONS = {
    "arrivals": {"startEvent"},
    "tasks": ACTIVITY_TYPES,
    "gateways": SPLIT_TYPES | {"eventBasedGateway", "parallelGateway"},
    "events": EVENT_TYPES | {"startEvent"},  # start events: of event sub-processes only
    "boundaries": {"boundaryEvent"},
}
_WHAT = {
    "arrivals": "a start event",
    "tasks": "a task (or sub-process / call activity)",
    "gateways": "an exclusive or inclusive gateway",
    "events": "an intermediate catch event, receive task or event sub-process start event",
    "boundaries": "a boundary event",
}


def _fold(text: Any) -> str:
    return " ".join(str(text).split())


def describe(process: Process, node: str) -> str:
    name = process.graph.nodes[node].get("name")
    return f'{node} "{_fold(name)}"' if name else node


def find_element(scenario: Scenario, process: Process, name: str, loc: tuple, types=None) -> str:
    """The id of the element ``name`` (id or folded name), of one of ``types`` if given."""
    hits = process.find(name)
    if types is not None and len(hits) > 1:
        typed = [h for h in hits if process.graph.nodes[h].get("type") in types]
        hits = typed or hits
    if len(hits) == 1:
        node = hits[0]
        if types is not None and process.graph.nodes[node].get("type") not in types:
            section = loc[0] if isinstance(loc[0], str) else ""
            raise scenario_error(
                scenario,
                f"{name!r} is a {process.graph.nodes[node].get('type')}, not {_WHAT.get(section, 'the right kind of element')}.",
                loc,
                hint=f"move it to the right section or name another element; {_candidates(process, types)}",
                element_id=node,
                element_name=process.graph.nodes[node].get("name"),
            )
        return node
    if hits:
        listed = ", ".join(describe(process, h) for h in hits)
        raise scenario_error(
            scenario,
            f"the name {name!r} is ambiguous: {len(hits)} elements carry it ({listed}).",
            loc,
            hint="name the element by its id instead.",
        )
    names = {_fold(n) for _, n in process.graph.nodes(data="name") if n} | set(process.graph)
    close = difflib.get_close_matches(_fold(name), sorted(names), n=3, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(map(repr, close))}?" if close else _candidates(process, types)
    )
    raise scenario_error(
        scenario, f"no element of the process is named {name!r} (by id or name).", loc, hint=hint
    )


def _candidates(process: Process, types) -> str:
    nodes = [
        n for n in process.graph if types is None or process.graph.nodes[n].get("type") in types
    ]
    shown = ", ".join(describe(process, n) for n in nodes[:10])
    more = f" and {len(nodes) - 10} more" if len(nodes) > 10 else ""
    return f"candidates: {shown}{more}." if nodes else "the process has no such element."


def scenario_error(
    scenario: Scenario, message: str, loc: tuple, hint=None, **extra
) -> ScenarioError:
    return scenario.error(message, loc, hint, **extra)


def outgoing(process: Process, node: str) -> list[Flow]:
    flows = process.outgoing(node)
    if flows or process.flows:
        return flows
    out = []
    for _, target, data in process.graph.out_edges(node, data=True):
        for fid in data.get("ids") or [data.get("id") or f"{node}->{target}"]:
            out.append(Flow(id=fid, source=node, target=target, name=data.get("name")))
    return out


def _condition(text: Any) -> str:
    """A condition expression compared loosely: ``${approved}`` = ``${ approved }`` = ``approved``."""
    t = "".join(str(text).split())
    if t.startswith(("${", "#{")) and t.endswith("}"):
        t = t[2:-1]
    return t


def find_branch(scenario: Scenario, process: Process, gateway: str, key: str, loc: tuple) -> str:
    flows = outgoing(process, gateway)
    for test in (
        lambda f: f.id == key,
        lambda f: f.name is not None and _fold(f.name) == _fold(key),
        lambda f: f.target == key,
        lambda f: _fold(process.graph.nodes[f.target].get("name") or "") == _fold(key),
        lambda f: f.condition is not None and _condition(f.condition) == _condition(key),
    ):
        hits = [f.id for f in flows if test(f)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise scenario_error(
                scenario,
                f"branch {key!r} is ambiguous: flows {', '.join(hits)} all match.",
                loc,
                hint="name the branch by its flow id.",
            )
    shown = "; ".join(
        f"{f.id}" + (f' "{_fold(f.name)}"' if f.name else "")
        + (f" [{_fold(f.condition)}]" if f.condition else "") + f" -> {describe(process, f.target)}"
        for f in flows
    )
    raise scenario_error(
        scenario,
        f"this gateway has no outgoing branch {key!r}.",
        loc,
        hint=f"name a branch by its flow name, id or condition, or by its target: {shown or 'none'}.",
        element_id=gateway,
        element_name=process.graph.nodes[gateway].get("name"),
    )


def timer_law(process: Process, node: str):
    timer = process.graph.nodes[node].get("timer") or {}
    if timer.get("kind") == "timeDuration" and timer.get("value"):
        try:
            return Fixed(parse_duration(str(timer["value"]).strip()))
        except ScenarioError:
            return None  # the engine / validator report unreadable timers
    return None


def find_point(scenario: Scenario, process: Process, text: str, loc: tuple) -> SLAPoint:
    folded = _fold(text)
    if folded.lower() in ("case.arrive", "case.start"):
        return SLAPoint(None, "arrive")
    if folded.lower() == "case.end":
        return SLAPoint(None, "end")
    if process.find(folded):
        return SLAPoint(find_element(scenario, process, folded, loc), "arrive")
    name, dot, moment = folded.rpartition(".")
    if dot and moment.lower() in ("start", "end", "arrive"):
        node = find_element(scenario, process, name, loc)
        kind = process.graph.nodes[node].get("type")
        if moment.lower() == "start" and kind not in ACTIVITY_TYPES:
            raise scenario_error(
                scenario, f"{name!r} is a {kind}: only activities have a .start (taken in charge).",
                loc, hint=f"write {name!r} or {name + '.end'!r}.",
            )  # fmt: skip
        return SLAPoint(node, moment.lower())
    return SLAPoint(find_element(scenario, process, folded, loc), "arrive")


def default_role(process: Process, node: str, roles: dict[str, Any]) -> str | None:
    """The role of a task the scenario gives none: its lane's name, when such a role exists."""
    lane = process.lane_of(node) if process.graph.nodes[node].get("lane") else None
    if lane is not None and lane.name:
        folded = {_fold(r): r for r in roles}
        return folded.get(_fold(lane.name))
    return None
