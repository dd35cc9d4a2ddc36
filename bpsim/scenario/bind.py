"""Binding: checking a scenario against one process and translating names into ids.

The scenario says "Triage ticket takes exponential(mean=6m), done by an Agent" and "at *Need
more information?* the ticket goes *Yes* one time in four". The drawing knows the triage task
as ``Task_Triage`` and the *Yes* branch as the flow ``Flow_NeedInfoYes``. :func:`bind` looks
every name up in the process (by id, or by name with white space folded), and builds the
:class:`~bpsim.scenario.spec.BoundScenario` the engine consumes: ids, seconds, law objects,
calendars anchored at the scenario start.

It raises :class:`~bpsim.errors.ScenarioError` for contradictions and unknown or ambiguous
names (naming the file, key path, line, and the candidates). It does **not** complain about
what the scenario leaves out (a task without a duration, a start event without arrivals):
``bpsim validate`` reports those, using :func:`resolve` to see which element each scenario
key names.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpsim.errors import ScenarioError
from bpsim.model import ACTIVITY_TYPES, Flow, Process
from bpsim.scenario.calendar import WeeklyCalendar
from bpsim.scenario.distributions import Fixed
from bpsim.scenario.durations import parse_duration
from bpsim.scenario.profile import WeeklyRateProfile
from bpsim.scenario.spec import (
    SLA,
    Arrival,
    BoundarySpec,
    BoundScenario,
    EventSpec,
    GatewaySpec,
    Role,
    Shift,
    SLAPoint,
    TaskSpec,
)

if TYPE_CHECKING:
    from bpsim.scenario.core import Scenario

__all__ = ["bind", "resolve", "ALWAYS"]

#: Calendar names that need no definition: open around the clock.
ALWAYS = ("24/7", "always")
_EVENT_TYPES = {"intermediateCatchEvent", "receiveTask"}
_SPLIT_TYPES = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
_SECTIONS = {
    "arrivals": {"startEvent"},
    "tasks": ACTIVITY_TYPES,
    "gateways": _SPLIT_TYPES | {"eventBasedGateway", "parallelGateway"},
    "events": _EVENT_TYPES,
    "boundaries": {"boundaryEvent"},
}
_WHAT = {
    "arrivals": "a start event",
    "tasks": "a task (or sub-process / call activity)",
    "gateways": "an exclusive or inclusive gateway",
    "events": "an intermediate catch event or receive task",
    "boundaries": "a boundary event",
}


def _fold(text: Any) -> str:
    return " ".join(str(text).split())


def _describe(process: Process, node: str) -> str:
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
        listed = ", ".join(_describe(process, h) for h in hits)
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
    shown = ", ".join(_describe(process, n) for n in nodes[:10])
    more = f" and {len(nodes) - 10} more" if len(nodes) > 10 else ""
    return f"candidates: {shown}{more}." if nodes else "the process has no such element."


def scenario_error(
    scenario: Scenario, message: str, loc: tuple, hint=None, **extra
) -> ScenarioError:
    return scenario.error(message, loc, hint, **extra)


def _outgoing(process: Process, node: str) -> list[Flow]:
    flows = process.outgoing(node)
    if flows or process.flows:
        return flows
    out = []
    for _, target, data in process.graph.out_edges(node, data=True):
        for fid in data.get("ids") or [data.get("id") or f"{node}->{target}"]:
            out.append(Flow(id=fid, source=node, target=target, name=data.get("name")))
    return out


def _branch(scenario: Scenario, process: Process, gateway: str, key: str, loc: tuple) -> str:
    flows = _outgoing(process, gateway)
    for test in (
        lambda f: f.id == key,
        lambda f: f.name is not None and _fold(f.name) == _fold(key),
        lambda f: f.target == key,
        lambda f: _fold(process.graph.nodes[f.target].get("name") or "") == _fold(key),
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
        f"{f.id}"
        + (f' "{_fold(f.name)}"' if f.name else "")
        + f" -> {_describe(process, f.target)}"
        for f in flows
    )
    raise scenario_error(
        scenario,
        f"this gateway has no outgoing branch {key!r}.",
        loc,
        hint=f"name a branch by its flow name or id, or by its target: {shown or 'none'}.",
        element_id=gateway,
        element_name=process.graph.nodes[gateway].get("name"),
    )


def _calendar(scenario: Scenario, calendars: dict, name: str | None, loc: tuple):
    if name is None:
        return None
    if name in calendars:
        return calendars[name]
    if name.strip().lower() in ALWAYS:
        return WeeklyCalendar(name, scenario.start, hours="24/7")
    close = difflib.get_close_matches(name, list(calendars), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise scenario_error(
        scenario,
        f"no calendar is named {name!r}.",
        loc,
        hint=hint + f"define it under calendars: (known: {', '.join(calendars) or 'none'}; "
        "'24/7' needs no definition).",
    )


def _timer(process: Process, node: str):
    timer = process.graph.nodes[node].get("timer") or {}
    if timer.get("kind") == "timeDuration" and timer.get("value"):
        try:
            return Fixed(parse_duration(str(timer["value"]).strip()))
        except ScenarioError:
            return None  # the engine / validator report unreadable timers
    return None


def _trace(scenario: Scenario, value: Any, loc: tuple) -> list[float]:
    start = scenario.start.replace(tzinfo=None)

    def when(text: Any, where: str) -> float:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            return float(text)
        if isinstance(text, dt.datetime):
            return (text.replace(tzinfo=None) - start).total_seconds()
        s = str(text).strip()
        try:
            return float(s)
        except ValueError:
            pass
        try:
            return (dt.datetime.fromisoformat(s).replace(tzinfo=None) - start).total_seconds()
        except ValueError:
            raise scenario_error(
                scenario,
                f"{where}: {s!r} is neither seconds nor an ISO date-time.",
                loc,
                hint="write one time per line: seconds since the start, or 2026-01-05T09:12:00.",
            ) from None

    if isinstance(value, list):
        times = [when(v, f"trace item {i + 1}") for i, v in enumerate(value)]
    else:
        base = Path(scenario.source).parent if scenario.source else Path.cwd()
        path = base / value
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise scenario_error(
                scenario, f"cannot read trace file {str(path)!r}: {exc.strerror or exc}.", loc,
                hint="give a CSV path relative to the scenario file.",
            ) from None  # fmt: skip
        rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
        column, first = 0, 0
        if rows:
            header = [c.strip().lower() for c in rows[0]]
            named = [i for i, c in enumerate(header) if c in ("time", "timestamp")]
            if named:
                column, first = named[0], 1
            elif len(header) > 1:
                raise scenario_error(
                    scenario, f"trace file {value!r} has several columns but none named time or timestamp.",
                    loc, hint="name the column of arrival times 'time' or 'timestamp'.",
                )  # fmt: skip
        times = [when(r[column], f"{value}:{i + 1 + first}") for i, r in enumerate(rows[first:])]
    if any(t < 0 for t in times):
        raise scenario_error(
            scenario, "the trace has arrivals before the scenario start.", loc,
            hint="move start earlier or drop those rows.",
        )  # fmt: skip
    return sorted(times)


def _point(scenario: Scenario, process: Process, text: str, loc: tuple) -> SLAPoint:
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


def _suffix(exc: ScenarioError, prefix: str) -> tuple[str, ...]:
    key = exc.key or prefix
    rest = key[len(prefix) :].lstrip(".") if key.startswith(prefix) else ""
    return tuple(rest.split(".", 1)) if rest else ()


def build_calendars(s: Scenario) -> dict[str, WeeklyCalendar]:
    """Every calendar of the scenario, anchored at its start (errors at their key/line)."""
    calendars: dict[str, WeeklyCalendar] = {}
    for name, c in s.calendars.items():
        prefix = f"calendars.{name}"
        try:
            calendars[name] = WeeklyCalendar(name, s.start, c.days, c.hours, c.holidays, key=prefix)
        except ScenarioError as exc:
            raise s.error(
                exc.message, ("calendars", name, *_suffix(exc, prefix)), exc.hint
            ) from None
    return calendars


def _profile(s: Scenario, p: Any, cal: WeeklyCalendar | None, loc: tuple) -> WeeklyRateProfile:
    try:
        return WeeklyRateProfile(s.start, p.per_hour, cal, p.holidays, key="profile")
    except ScenarioError as exc:
        raise s.error(exc.message, (*loc, "profile", *_suffix(exc, "profile")), exc.hint) from None


def check_form(s: Scenario) -> None:
    """The checks that need no process: calendars and profiles build, every calendar, role
    and class a key names exists. Run when a scenario is loaded or built."""
    calendars = build_calendars(s)
    classes = s.class_order()
    mixed = [k for k, a in s.arrivals.items() if a.classes]
    for key, a in s.arrivals.items():
        loc = ("arrivals", key)
        if mixed and not a.classes:
            raise s.error(
                f"this channel has no priority mix while {mixed[0]!r} has one.",
                loc,
                f"add classes: {{...}} here too (classes: {', '.join(classes)}).",
            )
        if a.profile is not None:
            cal = _calendar(s, calendars, a.profile.calendar, (*loc, "profile", "calendar"))
            _profile(s, a.profile, cal, loc)
        for c in a.classes or {}:
            if c not in classes:
                raise s.error(f"class {c!r} is not in the classes: list ({', '.join(classes)}).",
                              (*loc, "classes", c), "add it to classes: or fix the name.")  # fmt: skip
    for name, r in s.roles.items():
        _calendar(s, calendars, r.calendar, ("roles", name, "calendar"))
        for i, sh in enumerate(r.shifts or ()):
            _calendar(s, calendars, sh.calendar, ("roles", name, "shifts", i, "calendar"))
    for i, sla in enumerate(s.slas):
        _calendar(s, calendars, sla.calendar, ("slas", i, "calendar"))
    for key, t in s.tasks.items():
        if t.role is not None and t.role not in s.roles:
            close = difflib.get_close_matches(t.role, list(s.roles), n=1)
            raise s.error(f"no role is named {t.role!r}.", ("tasks", key, "role"),
                          (f"did you mean {close[0]!r}? " if close else "")
                          + f"define it under roles: (known: {', '.join(s.roles) or 'none'}), "
                          "or write role: null for automatic work.")  # fmt: skip


def bind(scenario: Scenario, process: Process) -> BoundScenario:
    """Check ``scenario`` against ``process`` and return a :class:`BoundScenario`.

    Raises
    ------
    ScenarioError
        A name that matches no element or several, a branch the gateway lacks, exclusive
        branch probabilities not summing to 1, an unknown role, calendar or class.
    """
    s = scenario
    start = s.start
    classes = s.class_order()
    calendars = build_calendars(s)

    def known_class(c: str, loc: tuple) -> str:
        if c not in classes:
            raise s.error(f"class {c!r} is not one of the scenario's classes ({', '.join(classes)}).",
                          loc, "use a class from arrivals' classes: or the classes: list.")  # fmt: skip
        return c

    arrivals: dict[str, Arrival] = {}
    for key, a in s.arrivals.items():
        loc = ("arrivals", key)
        node = find_element(s, process, key, loc, _SECTIONS["arrivals"])
        if node in arrivals:
            raise s.error(
                f"two arrival entries name the same start event {node}.", loc, "merge them."
            )
        profile = None
        if a.profile is not None:
            cal = _calendar(s, calendars, a.profile.calendar, (*loc, "profile", "calendar"))
            profile = _profile(s, a.profile, cal, loc)
        for c in a.classes or {}:
            known_class(c, (*loc, "classes", c))
        arrivals[node] = Arrival(
            start=node,
            interarrival=a.interarrival,
            profile=profile,
            trace=_trace(s, a.trace, (*loc, "trace")) if a.trace is not None else None,
            classes=dict(a.classes) if a.classes else {classes[0]: 1.0},
            scale=a.scale,
            first_at=a.first_at,
            limit=a.limit,
        )

    roles: dict[str, Role] = {}
    for name, r in s.roles.items():
        loc = ("roles", name)
        if r.shifts is None:
            shifts = [Shift(r.staff, _calendar(s, calendars, r.calendar, (*loc, "calendar")))]
        else:
            shifts = [
                Shift(
                    sh.staff,
                    _calendar(
                        s, calendars, sh.calendar or r.calendar, (*loc, "shifts", i, "calendar")
                    ),
                    sh.name,
                )  # fmt: skip
                for i, sh in enumerate(r.shifts)
            ]
        roles[name] = Role(name, shifts, r.cost_per_hour, r.billing_increment, r.bill_rate)

    tasks: dict[str, TaskSpec] = {}
    for key, t in s.tasks.items():
        loc = ("tasks", key)
        node = find_element(s, process, key, loc, _SECTIONS["tasks"])
        if "role" in t.model_fields_set:
            role = t.role
            if role is not None and role not in roles:
                close = difflib.get_close_matches(role, list(roles), n=1)
                raise s.error(f"no role is named {role!r}.", (*loc, "role"),
                              (f"did you mean {close[0]!r}? " if close else "")
                              + f"define it under roles: (known: {', '.join(roles) or 'none'}), "
                              "or write role: null for automatic work.")  # fmt: skip
        else:
            role = default_role(process, node, roles)
        by_class = {known_class(c, (*loc, "by_class", c)): law for c, law in t.by_class.items()}
        duration = t.duration
        if duration is None and by_class and set(classes) <= set(by_class):
            duration = by_class[classes[0]]  # every class has its own law: never used
        if duration is not None:
            tasks[node] = TaskSpec(node, duration, role, by_class)

    gateways: dict[str, GatewaySpec] = {}
    for key, branches in s.gateways.items():
        loc = ("gateways", key)
        node = find_element(s, process, key, loc, _SECTIONS["gateways"])
        kind = process.graph.nodes[node].get("type")
        if kind not in _SPLIT_TYPES:
            raise s.error(
                f"{_describe(process, node)} is a {kind}: it takes no branch probabilities "
                + ("(the first of its events to happen decides)." if kind == "eventBasedGateway"
                   else "(every branch is taken)."),
                loc, "remove this entry" + ("; give its events durations under events:."
                                            if kind == "eventBasedGateway" else "."),
            )  # fmt: skip
        probabilities: dict[str, float] = {}
        for branch, p in branches.items():
            fid = _branch(s, process, node, branch, (*loc, branch))
            if fid in probabilities:
                raise s.error(f"branch {branch!r} names flow {fid} a second time.", (*loc, branch),
                              "give each branch once.")  # fmt: skip
            probabilities[fid] = p
        if kind == "exclusiveGateway":
            total = sum(probabilities.values())
            if abs(total - 1.0) > 1e-9:
                raise s.error(
                    f"the branch probabilities of exclusive gateway {_describe(process, node)} "
                    f"sum to {total:.6g}, not 1.",
                    loc,
                    "make them add up to 1 (a ticket takes exactly one branch).",
                    element_id=node,
                    element_name=process.graph.nodes[node].get("name"),
                )
        for f in _outgoing(process, node):
            probabilities.setdefault(f.id, 0.0)
        gateways[node] = GatewaySpec(node, probabilities)

    events: dict[str, EventSpec] = {}
    pausing: set[str] = set()
    for key, e in s.events.items():
        loc = ("events", key)
        node = find_element(s, process, key, loc, _SECTIONS["events"])
        if e.pauses_sla:
            pausing.add(node)
        duration = e.duration if e.duration is not None else _timer(process, node)
        if duration is not None:
            events[node] = EventSpec(node, duration, e.pauses_sla)
    for node in process.nodes("intermediateCatchEvent"):
        if node not in events and (law := _timer(process, node)) is not None:
            events[node] = EventSpec(node, law, False)

    boundaries: dict[str, BoundarySpec] = {}
    for key, b in s.boundaries.items():
        loc = ("boundaries", key)
        node = find_element(s, process, key, loc, _SECTIONS["boundaries"])
        duration = b.duration if b.probability is None and b.duration is not None else None
        if duration is None and b.probability is None:
            duration = _timer(process, node)
        boundaries[node] = BoundarySpec(node, duration, b.probability)
    for node in process.nodes("boundaryEvent"):
        if node not in boundaries and (law := _timer(process, node)) is not None:
            boundaries[node] = BoundarySpec(node, law, None)

    slas: list[SLA] = []
    for i, sla in enumerate(s.slas):
        loc = ("slas", i)
        if isinstance(sla.target, dict):
            target: dict[str | None, float] = {}
            for c, secs in sla.target.items():
                cls = None if c in ("*", "other", "others") else known_class(c, (*loc, "target", c))
                target[cls] = secs
        else:
            target = {None: sla.target}
        if sla.pause_at is None:
            pause = frozenset(pausing)
        else:
            pause = frozenset(find_element(s, process, p, (*loc, "pause_at")) for p in sla.pause_at)
        slas.append(
            SLA(
                name=sla.name,
                start=_point(s, process, sla.from_, (*loc, "from")),
                end=_point(s, process, sla.to, (*loc, "to")),
                target=target,
                calendar=_calendar(s, calendars, sla.calendar, (*loc, "calendar")),
                attain=sla.attain,
                pause_at=pause,
                classes=None
                if sla.classes is None
                else frozenset(known_class(c, (*loc, "classes")) for c in sla.classes),
            )  # fmt: skip
        )
    names = [x.name for x in slas]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise s.error(
                f"two SLAs are named {name!r}.", ("slas", i, "name"), "give each SLA its own name."
            )

    return BoundScenario(
        name=s.name,
        seed=s.seed,
        replications=s.replications,
        horizon=s.horizon,
        cases=s.cases,
        warmup=s.warmup,
        start=start,
        arrivals=arrivals,
        roles=roles,
        tasks=tasks,
        gateways=gateways,
        events=events,
        boundaries=boundaries,
        slas=slas,
        calendars=calendars,
        classes=classes,
        source=s.source,
    )


def default_role(process: Process, node: str, roles: dict[str, Any]) -> str | None:
    """The role of a task the scenario gives none: its lane's name, when such a role exists."""
    lane = process.lane_of(node) if process.graph.nodes[node].get("lane") else None
    if lane is not None and lane.name:
        folded = {_fold(r): r for r in roles}
        return folded.get(_fold(lane.name))
    return None


def resolve(scenario: Scenario, process: Process, key: str) -> Any:
    """What a scenario key names in ``process``: for the validator and for tools.

    Parameters
    ----------
    key : str
        ``"tasks"`` (or ``arrivals``, ``gateways``, ``events``, ``boundaries``): a dict
        ``{element id: scenario key}`` for the whole section; ``"tasks.Triage ticket"``: the
        element id; ``"gateways.Need more information?.Yes"``: the flow id of that branch;
        ``"roles"``: ``{task id: role name or None}`` for every activity of the process
        (explicit roles first, else the lane default).

    Raises
    ------
    ScenarioError
        The key names no element, or several.

    Examples
    --------
    >>> resolve(scenario, process, "tasks.Triage ticket")           # doctest: +SKIP
    'Task_Triage'
    """
    section, _, rest = key.partition(".")
    if section == "roles" and not rest:
        explicit = {}
        for k, t in scenario.tasks.items():
            if "role" in t.model_fields_set:
                explicit[find_element(scenario, process, k, ("tasks", k), ACTIVITY_TYPES)] = t.role
        return {
            n: explicit[n] if n in explicit else default_role(process, n, scenario.roles)
            for n in process.nodes(*ACTIVITY_TYPES)
        }
    if section not in _SECTIONS:
        raise ScenarioError(f"resolve() knows no section {section!r}.", key=key,
                            hint=f"use one of {', '.join(_SECTIONS)} or roles.")  # fmt: skip
    entries: dict[str, Any] = getattr(scenario, section)
    types = _SECTIONS[section]
    if not rest:
        return {find_element(scenario, process, k, (section, k), types): k for k in entries}
    names = sorted(entries, key=len, reverse=True)
    hit = next((k for k in names if rest == k or rest.startswith(k + ".")), None)
    if hit is None:
        return find_element(scenario, process, rest, (section, rest), types)
    node = find_element(scenario, process, hit, (section, hit), types)
    if rest == hit:
        return node
    branch = rest[len(hit) + 1 :]
    if section != "gateways":
        raise ScenarioError(f"{key!r}: only gateway keys have a part after the element.", key=key)
    return _branch(scenario, process, node, branch, (section, hit, branch))
