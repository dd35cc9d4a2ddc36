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

import difflib
from typing import TYPE_CHECKING, Any

from bpsim.errors import ScenarioError
from bpsim.model import ACTIVITY_TYPES, Process
from bpsim.scenario.calendar import working_day_seconds
from bpsim.scenario.durations import CalendarDuration
from bpsim.scenario.loader import Loc
from bpsim.scenario.lookup import (
    SECTIONS,
    SPLIT_TYPES,
    default_role,
    describe,
    find_branch,
    find_element,
    find_point,
    outgoing,
    timer_law,
)
from bpsim.scenario.sources import build_calendars, build_profile, calendar_named, read_trace_rows
from bpsim.scenario.spec import (
    SLA,
    Arrival,
    BoundarySpec,
    BoundScenario,
    EventSpec,
    GatewaySpec,
    LoopSpec,
    Retrial,
    Role,
    Route,
    Shift,
    StartTrigger,
    TaskSpec,
    UpdatePolicy,
)

if TYPE_CHECKING:
    # binding needs the scenario's data and its error locations, not the loading API of
    # bpsim.scenario.core (which imports this module): the schema model has both
    from bpsim.scenario.schema import ScenarioModel as Scenario

__all__ = ["bind", "resolve"]


def bind(scenario: Scenario, process: Process) -> BoundScenario:
    """Check ``scenario`` against ``process`` and return a :class:`BoundScenario`.

    Raises
    ------
    ScenarioError
        A name that matches no element or several, a branch the gateway lacks, exclusive
        branch probabilities not summing to 1, an unknown role, calendar or class.
    """
    with process.indexed():  # each name looked up in a dictionary, not a scan of the model
        return _bind(scenario, process)


def _bind(scenario: Scenario, process: Process) -> BoundScenario:
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
        loc: Loc = ("arrivals", key)
        node = find_element(s, process, key, loc, SECTIONS["arrivals"])
        if node in arrivals:
            raise s.error(
                f"two arrival entries name the same start event {node}.", loc, "merge them."
            )
        profile = None
        if a.profile is not None:
            cal = calendar_named(s, calendars, a.profile.calendar, (*loc, "profile", "calendar"))
            profile = build_profile(s, a.profile, cal, loc)
        for c in a.classes or {}:
            known_class(c, (*loc, "classes", c))
        trace, trace_classes = (read_trace_rows(s, a.trace, (*loc, "trace"))
                                if a.trace is not None else (None, None))
        for c in dict.fromkeys(trace_classes or []):
            if c not in classes:
                raise s.error(f"the trace names class {c!r}, which is not one of the scenario's "
                              f"classes ({', '.join(classes)}).", (*loc, "trace"),
                              f"list every class, most urgent first: classes: "
                              f"[{', '.join(dict.fromkeys([*classes, *(trace_classes or [])]))}].")
        arrivals[node] = Arrival(
            start=node,
            interarrival=a.interarrival,
            profile=profile,
            trace=trace,
            trace_classes=trace_classes,
            classes=dict(a.classes) if a.classes else {classes[0]: 1.0},
            scale=a.scale,
            first_at=a.first_at,
            limit=a.limit,
        )

    roles: dict[str, Role] = {}
    for name, r in s.roles.items():
        loc = ("roles", name)
        if r.slowdown and r.concurrency == 1:
            raise s.error("slowdown: is for a role whose people hold several tickets at once.",
                          (*loc, "slowdown"),
                          "add concurrency: 3 (tickets in hand at once), or remove slowdown:.")
        if r.shifts is None:
            assert r.staff is not None  # the schema asks for staff or shifts, exactly one
            shifts = [Shift(r.staff, calendar_named(s, calendars, r.calendar, (*loc, "calendar")))]
        else:
            shifts = [
                Shift(
                    sh.staff,
                    calendar_named(
                        s, calendars, sh.calendar or r.calendar, (*loc, "shifts", i, "calendar")
                    ),
                    sh.name,
                )  # fmt: skip
                for i, sh in enumerate(r.shifts)
            ]
        roles[name] = Role(name, shifts, r.cost_per_hour, r.billing_increment, r.bill_rate,
                           preemptive=r.preemptive, shrinkage=r.shrinkage,
                           breaks=(r.breaks.every, r.breaks.duration) if r.breaks is not None else None,
                           concurrency=r.concurrency, slowdown=r.slowdown)

    tasks: dict[str, TaskSpec] = {}
    loops: dict[str, LoopSpec] = {}
    problems: list[ScenarioError] = []
    for key, t in s.tasks.items():
        loc = ("tasks", key)
        node = find_element(s, process, key, loc, SECTIONS["tasks"])
        qualified: list[str] = []
        if "role" in t.model_fields_set:
            role = t.role
            for k, r in enumerate([role] if isinstance(role, str) else role or []):
                if r not in roles:
                    close = difflib.get_close_matches(r, list(roles), n=1)
                    raise s.error(f"no role is named {r!r}.", (*loc, "role") if isinstance(role, str)
                                  else (*loc, "role", k),
                                  (f"did you mean {close[0]!r}? " if close else "")
                                  + f"define it under roles: (known: {', '.join(roles) or 'none'}), "
                                  "or write role: null for automatic work.")  # fmt: skip
                qualified.append(r)
            role = qualified[0] if qualified else None
        else:
            role = default_role(process, node, roles)
            if role is None:
                problems += _nobody(s, process, node, key, roles)
        by_class = {known_class(c, (*loc, "by_class", c)): law for c, law in t.by_class.items()}
        duration = t.duration
        if duration is None and by_class and set(classes) <= set(by_class):
            duration = by_class[classes[0]]  # every class has its own law: never used
        if duration is not None:
            tasks[node] = TaskSpec(node, duration, role, by_class, roles=qualified)
            _behaviour(s, process, tasks[node], t, loc, arrivals, classes)
        if t.loop is not None or t.instances is not None:
            loops[node] = _loop(s, process, node, t, loc)

    gateways: dict[str, GatewaySpec] = {}
    for key, branches in s.gateways.items():
        loc = ("gateways", key)
        node = find_element(s, process, key, loc, SECTIONS["gateways"])
        kind = process.graph.nodes[node].get("type")
        if kind not in SPLIT_TYPES:
            raise s.error(
                f"{describe(process, node)} is a {kind}: it takes no branch probabilities "
                + ("(the first of its events to happen decides)." if kind == "eventBasedGateway"
                   else "(every branch is taken)."),
                loc, "remove this entry" + ("; give its events durations under events:."
                                            if kind == "eventBasedGateway" else "."),
            )  # fmt: skip
        probabilities: dict[str, float] = {}
        for branch, p in branches.items():
            fid = find_branch(s, process, node, branch, (*loc, branch))
            if fid in probabilities:
                raise s.error(f"branch {branch!r} names flow {fid} a second time.", (*loc, branch),
                              "give each branch once.")  # fmt: skip
            probabilities[fid] = p
        if kind == "exclusiveGateway":
            total = sum(probabilities.values())
            if abs(total - 1.0) > 1e-9:
                raise s.error(
                    f"the branch probabilities of exclusive gateway {describe(process, node)} "
                    f"sum to {total:.6g}, not 1.",
                    loc,
                    "make them add up to 1 (a ticket takes exactly one branch).",
                    element_id=node,
                    element_name=process.graph.nodes[node].get("name"),
                )
        for f in outgoing(process, node):
            probabilities.setdefault(f.id, 0.0)
        gateways[node] = GatewaySpec(node, probabilities)

    events: dict[str, EventSpec] = {}
    triggers: dict[str, StartTrigger] = {}
    pausing: set[str] = set()
    for key, e in s.events.items():
        loc = ("events", key)
        node = find_element(s, process, key, loc, SECTIONS["events"])
        if process.graph.nodes[node].get("type") == "startEvent":
            triggers[node] = _trigger(s, process, node, e, loc)
            continue
        if e.probability is not None:
            raise s.error("probability: is for the start event of an event sub-process.", (*loc, "probability"),
                          "give this event a duration only.")  # fmt: skip
        if e.pauses_sla:
            pausing.add(node)
        duration = e.duration if e.duration is not None else timer_law(process, node)
        if duration is not None:
            events[node] = EventSpec(node, duration, e.pauses_sla)
    for node in process.nodes("intermediateCatchEvent"):
        if node not in events and (law := timer_law(process, node)) is not None:
            events[node] = EventSpec(node, law, False)

    boundaries: dict[str, BoundarySpec] = {}
    for key, b in s.boundaries.items():
        loc = ("boundaries", key)
        node = find_element(s, process, key, loc, SECTIONS["boundaries"])
        duration = b.duration if b.probability is None and b.duration is not None else None
        if duration is None and b.probability is None:
            duration = timer_law(process, node)
        if b.cycles is not None and (b.probability is not None or process.graph.nodes[node].get("cancel_activity", True)
                                     is not False):
            raise s.error("cycles: is for non-interrupting timer boundary events.", (*loc, "cycles"),
                          "remove cycles:, or make the boundary event non-interrupting.")  # fmt: skip
        boundaries[node] = BoundarySpec(node, duration, b.probability, b.cycles)
    for node in process.nodes("boundaryEvent"):
        if node not in boundaries and (law := timer_law(process, node)) is not None:
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
        sla_calendar = calendar_named(s, calendars, sla.calendar, (*loc, "calendar"))
        for cls_key, secs in list(target.items()):
            if isinstance(secs, CalendarDuration) and secs.working_days:
                if sla_calendar is None:
                    raise s.error(
                        f"target {secs.text!r} counts working days, but the SLA has no "
                        "calendar.", (*loc, "target"),
                        "give the SLA a calendar (calendar: office), or write hours of wall-"
                        "clock time.")
                target[cls_key] = secs.on(working_day_seconds(sla_calendar))
        if sla.pause_at is None:
            pause = frozenset(pausing)
        else:
            pause = frozenset(find_element(s, process, p, (*loc, "pause_at")) for p in sla.pause_at)
        slas.append(
            SLA(
                name=sla.name,
                start=find_point(s, process, sla.from_, (*loc, "from")),
                end=find_point(s, process, sla.to, (*loc, "to")),
                target=target,
                calendar=sla_calendar,
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

    updates = _updates(s, calendars)
    problems += _unstaffed(s, tasks, roles)
    return BoundScenario(
        updates=updates,
        blueprint=s.blueprint,
        satisfaction=s.satisfaction,
        survey=s.survey,
        retrial=_retrial(s.retrial),
        name=s.name,
        seed=s.seed,
        replications=s.replications,
        horizon=s.horizon,
        cases=s.cases,
        warmup=0.0 if isinstance(s.warmup, str) else s.warmup,  # the only text is "auto"
        warmup_auto=s.warmup == "auto",
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
        loops=loops,
        triggers=triggers,
        problems=problems,
        allow_unstaffed=s.allow_unstaffed,
        timezone=s.timezone,
    )


def _updates(s: Scenario, calendars: dict) -> UpdatePolicy | None:
    """The ``updates:`` section, its role and calendar checked."""
    u = s.updates
    if u is None:
        return None
    role = u.role
    if role is None:
        if len(s.roles) != 1:
            raise s.error("updates: name the role that sends them.", ("updates", "role"),
                          f"write role: owner (the ticket's current task's role) or one of "
                          f"{', '.join(s.roles) or '(no roles yet)'}.")
        role = next(iter(s.roles))
    if role == "owner" and "owner" not in s.roles:
        if not s.roles:
            raise s.error("updates: role owner needs roles.", ("updates", "role"),
                          "add roles: to the scenario.")
    elif role not in s.roles:
        close = difflib.get_close_matches(role, list(s.roles), n=1)
        raise s.error(f"no role is named {role!r}.", ("updates", "role"),
                      (f"did you mean {close[0]!r}? " if close else "")
                      + f"roles: {', '.join(s.roles)}.")
    calendar = calendar_named(s, calendars, u.calendar, ("updates", "calendar"))
    return UpdatePolicy(every=u.every, role=role, duration=u.duration, calendar=calendar,
                        first=u.first)


#: Task types that are automatic by nature: no role needed (a receive task waits for a message).
AUTOMATIC_TYPES = frozenset({"serviceTask", "scriptTask", "businessRuleTask", "sendTask",
                             "receiveTask"})


def _nobody(s: Scenario, process: Process, node: str, key: str, roles: dict) -> list:
    """A human task the scenario gives no role whose lane names no role: it would run as
    automatic work (no staff, no wait) without a word. Only when the task has a named lane
    or the scenario has roles at all (a model without lanes or roles is plain delays)."""
    data = process.graph.nodes[node]
    if data.get("type") in AUTOMATIC_TYPES:
        return []
    lane = process.lane_of(node) if data.get("lane") else None
    if lane is not None and lane.name:
        why = f"its lane {lane.name!r} names no role of the scenario"
    elif roles:
        why = "it has no lane"
    else:
        return []
    known = ", ".join(roles) or "none"
    close = difflib.get_close_matches(lane.name, list(roles), n=1) if lane and lane.name else []
    return [s.error(
        f"nobody does this task: the scenario gives it no role and {why}, "
        "so it would run as automatic work (no staff, no wait).", ("tasks", key),
        (f"did you mean role {close[0]!r}? " if close else "")
        + f"give it role: NAME (roles: {known}), add a role named like the lane, "
        "or write role: null for automatic work.",
        element_id=node, element_name=data.get("name"))]


def _unstaffed(s: Scenario, tasks: dict[str, TaskSpec], roles: dict[str, Role]) -> list:
    """Roles tasks need that have no staff at all (their tickets would wait forever),
    unless the scenario says ``allow_unstaffed: true``."""
    if s.allow_unstaffed:
        return []
    used: dict[str, list[str]] = {}
    for t in tasks.values():
        if t.role is not None:
            used.setdefault(t.role, []).append(t.element)
    problems = []
    for name, role in roles.items():
        if role.staff <= 0 and name in used:
            loc = ("roles", name, "staff" if s.roles[name].shifts is None else "shifts")
            problems.append(s.error(
                f"role {name!r} has no staff, but {len(used[name])} "
                f"{'task needs' if len(used[name]) == 1 else 'tasks need'} it "
                f"({', '.join(used[name][:5])}): their tickets would wait forever.", loc,
                "give it staff: 1 or more, or write allow_unstaffed: true at the top of the "
                "scenario to run anyway (those tickets then stay open until the horizon)."))
    return problems


def _retrial(r: Any) -> Retrial | None:
    if r is None:
        return None
    return Retrial(r.probability, r.delay, r.attempts, r.virtual_hold)


def _route(s: Scenario, process: Process, value: str | None, loc: tuple, words: tuple[str, ...]) -> Any:
    """``None`` (the ticket leaves), ``"retry"``, or the :class:`Route` to an element or flow."""
    if value is None or value in words:
        return None
    if value == "retry":
        return "retry"
    flows = [f for f in process.flows.values() if f.id == value]
    flows = flows or [f for f in process.flows.values() if f.name and " ".join(f.name.split()) == " ".join(value.split())]
    if not process.find(value) and len(flows) == 1:
        return Route(flows[0].target, flows[0].id)
    if not process.find(value) and len(flows) > 1:
        raise s.error(f"{value!r} names {len(flows)} flows ({', '.join(f.id for f in flows)}).", loc,
                      "name the flow by its id, or name the element to continue at.")
    if not process.find(value):
        raise s.error(f"{value!r} is neither an element nor a flow of the model.", loc,
                      f"write {' or '.join(words + ('retry',))}, or the name of the element (or flow) "
                      "where the ticket goes on (e.g. a voicemail task).")
    return Route(find_element(s, process, value, loc))


def _behaviour(s: Scenario, process: Process, spec: TaskSpec, t: Any, loc: tuple, arrivals: dict,
               classes: list[str]) -> None:
    """Patience, capacity, routes and retrial of one task (``t`` is its TaskModel)."""
    if t.patience is not None:
        patience = {}
        for key, law in t.patience.items():
            if key is None or key in classes:
                patience[key] = law
                continue
            hits = [n for n in process.find(key) if n in arrivals]
            if len(hits) != 1:
                raise s.error(f"patience: {key!r} is neither a class ({', '.join(classes)}) nor a start "
                              "event with arrivals (a channel).", (*loc, "patience", key),
                              "name a class, a channel's start event, or write other: for everyone else.")
            patience[hits[0]] = law
        spec.patience = patience
    if (t.patience is not None or t.capacity is not None) and spec.role is None:
        raise s.error("patience: and capacity: are for tasks done by staff (with a queue).", loc,
                      "give the task a role, or remove patience: / capacity:.")
    if t.on_abandon is not None and t.patience is None and not (t.retrial and t.retrial.virtual_hold):
        raise s.error("on_abandon: needs patience: (nobody abandons without it).", (*loc, "on_abandon"),
                      "add patience: exponential(mean=3m), or remove on_abandon:.")
    if t.on_full is not None and t.capacity is None:
        raise s.error("on_full: needs capacity: (the queue is never full without it).", (*loc, "on_full"),
                      "add capacity: 10 (waiting places), or remove on_full:.")
    spec.on_abandon = _route(s, process, t.on_abandon, (*loc, "on_abandon"), ("end", "leave"))
    spec.on_full = _route(s, process, t.on_full, (*loc, "on_full"), ("lost", "end", "leave"))
    spec.capacity = t.capacity
    spec.retrial = _retrial(t.retrial)
    if "retry" in (spec.on_abandon, spec.on_full) and spec.retrial is None and s.retrial is None:
        raise s.error("retry needs retrial: (when and how often customers come back).", loc,
                      "add retrial: {probability: 0.6, delay: exponential(mean=10m)} to the task or the scenario.")


def _trigger(s: Scenario, process: Process, node: str, e: Any, loc: tuple) -> StartTrigger:
    """The :class:`StartTrigger` of an event sub-process start event under ``events:``."""
    g = process.graph
    parent = g.nodes[node].get("parent")
    if not parent or not g.nodes[parent].get("triggered_by_event"):
        raise s.error(f"{describe(process, node)} is not the start event of an event sub-process; "
                      "arrivals: says how tickets arrive at a start event.", loc,
                      "move this entry under arrivals:.")  # fmt: skip
    duration = e.duration if e.duration is not None else timer_law(process, node)
    if duration is None:
        raise s.error(f"the trigger of {describe(process, node)} needs a duration (the delay after "
                      "its scope starts).", loc,
                      "e.g. {probability: 0.1, duration: exponential(mean=2h)}.")  # fmt: skip
    return StartTrigger(node, 1.0 if e.probability is None else e.probability, duration)


def _loop(s: Scenario, process: Process, node: str, t: Any, loc: tuple) -> LoopSpec:
    """The :class:`LoopSpec` of a ``tasks:`` entry with ``loop:`` or ``instances:``."""
    marker = process.graph.nodes[node].get("loop")
    if t.loop is not None and t.instances is not None:
        raise s.error("give loop (a repeating activity) or instances (multi-instance), not both.", loc,
                      "loop: for a standard loop marker, instances: for a multi-instance marker.")
    if t.instances is not None:
        if marker not in ("parallel", "sequential"):
            raise s.error(f"{describe(process, node)} has no multi-instance marker; instances: "
                          "needs one.", (*loc, "instances"),
                          "draw the multi-instance marker (three bars) on it, or use loop:.")  # fmt: skip
        return LoopSpec(node, marker, instances=t.instances)
    if marker in ("parallel", "sequential"):
        raise s.error(f"{describe(process, node)} is a multi-instance activity; it takes instances:, "
                      "not loop:.", (*loc, "loop"), "write e.g. instances: 3.")  # fmt: skip
    return LoopSpec(node, "standard", repeat=t.loop.repeat, iterations=t.loop.iterations,
                    maximum=t.loop.maximum)


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
                explicit[find_element(scenario, process, k, ("tasks", k), ACTIVITY_TYPES)] = (
                    t.role[0] if isinstance(t.role, list) else t.role)
        return {
            n: explicit[n] if n in explicit else default_role(process, n, scenario.roles)
            for n in process.nodes(*ACTIVITY_TYPES)
        }
    if section not in SECTIONS:
        raise ScenarioError(f"resolve() knows no section {section!r}.", key=key,
                            hint=f"use one of {', '.join(SECTIONS)} or roles.")  # fmt: skip
    entries: dict[str, Any] = getattr(scenario, section)
    types = SECTIONS[section]
    if not rest:
        return {find_element(scenario, process, k, (section, k), types): k for k in entries}
    # the longest entry that is ``rest`` or a prefix of it ending before a dot (looked up
    # by key: the longest candidates first, as a sorted scan of every entry would find)
    hit = rest if rest in entries else None
    cut = len(rest)
    while hit is None and cut > 0:
        cut = rest.rfind(".", 0, cut)
        if cut <= 0:
            break
        if rest[:cut] in entries:
            hit = rest[:cut]
    if hit is None:
        return find_element(scenario, process, rest, (section, rest), types)
    node = find_element(scenario, process, hit, (section, hit), types)
    if rest == hit:
        return node
    branch = rest[len(hit) + 1 :]
    if section != "gateways":
        raise ScenarioError(f"{key!r}: only gateway keys have a part after the element.", key=key)
    return find_branch(scenario, process, node, branch, (section, hit, branch))
