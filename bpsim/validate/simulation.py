"""Simulation parameters: what a scenario must add to the drawing before a run means anything.

The drawing of the service desk says *that* a ticket is triaged; the scenario says how long
triage takes, who does it and how many of them there are, how often tickets arrive on each
channel, and how tickets split at each decision ("need more information?": one in four).
These rules run when :func:`bpsim.validate` is given a scenario (``bpsim validate --scenario``)
and report each gap once, on the element that needs the number:

* ``sim-unknown-element``: a scenario key (task, gateway branch, event, SLA point ...) that
  names no element of the model, or several; what :meth:`Scenario.bind` raises becomes a
  finding here, never a crash;
* ``sim-missing-probabilities``, ``sim-probabilities-sum``: decisions without branch shares
  (or conditions), shares of an exclusive decision that do not add up to 1;
* ``sim-missing-duration``, ``sim-missing-role``, ``sim-no-staff``: work without a duration,
  human work nobody is assigned to (default role: the lane's name), roles with no people;
* ``sim-no-arrivals``, ``sim-missing-delay``: start events no ticket arrives at, catch events
  (message, signal, conditional; timers without a BPMN duration) with no waiting time.

Keys are resolved with :func:`bpsim.scenario.resolve`, so names mean what they mean to
``bpsim simulate``.
"""

from __future__ import annotations

from typing import Any

from bpsim.errors import ScenarioError
from bpsim.model import SUBPROCESS_TYPES, TASK_TYPES
from bpsim.validate.registry import rule
from bpsim.validate.topology import has_condition, is_event_subprocess, is_link_event, scopes

_SECTIONS = ("arrivals", "tasks", "gateways", "events", "boundaries")
_DECISIONS = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
#: Task types that are automatic by nature: no role needed.
_AUTOMATIC = {"serviceTask", "scriptTask", "businessRuleTask", "sendTask"}


def _scenario_finding(ctx, message, loc, *, element_id=None, line=None):
    """A finding about a scenario key: file and line point into the scenario file."""
    s = ctx.scenario
    f = ctx.finding(element_id, message)
    where = None
    if hasattr(s, "error"):
        try:
            where = s.error(message, loc)
        except Exception:  # noqa: BLE001 - a location is a nicety, never a reason to fail
            where = None
    if where is not None and where.line is not None:
        f.file, f.line = where.file or f.file, where.line
    elif line is not None:
        f.line = line
    return f


def _resolved(ctx) -> dict[str, Any]:
    """Per section ``{element id: scenario key}`` plus the keys that name nothing (cached)."""
    if "sim" in ctx.cache:
        return ctx.cache["sim"]
    from bpsim.scenario import resolve

    s, p = ctx.scenario, ctx.process
    result: dict[str, Any] = {"unknown": []}
    for section in _SECTIONS:
        found: dict[str, str] = {}
        for key in getattr(s, section, {}) or {}:
            try:
                node = resolve(s, p, f"{section}.{key}")
            except ScenarioError as exc:
                result["unknown"].append((section, key, exc))
                continue
            found[node] = key
        result[section] = found
    result["bind_errors"] = _bind_errors(s, p)
    ctx.cache["sim"] = result
    return result


def _bind_errors(s, p, tries: int = 25) -> list[ScenarioError]:
    """Every error :meth:`Scenario.bind` raises, not just the first: bind, drop the entry the
    error is about, bind again (at most ``tries`` times)."""
    import re

    errors: list[ScenarioError] = []
    data = s.to_dict()
    scenario = s
    for _ in range(tries):
        try:
            scenario.bind(p)
            return errors
        except ScenarioError as exc:
            errors.append(exc)
            key = exc.key or ""
            section, _, rest = key.partition(".")
            index = re.match(r"^(\w+)\[(\d+)\]", key)
            if index and isinstance(data.get(index.group(1)), list):
                items = data[index.group(1)]
                position = int(index.group(2))
                if position >= len(items):
                    return errors
                items[position] = None
                data[index.group(1)] = items
            elif isinstance(data.get(section), dict):
                names = sorted(data[section], key=len, reverse=True)
                hit = next((k for k in names if rest == k or rest.startswith(k + ".")), None)
                if hit is None:
                    return errors
                del data[section][hit]
            else:
                return errors
        cleaned = {k: ([x for x in v if x is not None] if isinstance(v, list) else v)
                   for k, v in data.items()}
        try:
            scenario = type(s).from_dict(cleaned, source=s.source,
                                         lines=getattr(s, "_lines", None))
        except ScenarioError:
            return errors
    return errors


def _is_scenario(ctx) -> bool:
    return ctx.scenario is not None and hasattr(ctx.scenario, "bind")


@rule("sim-unknown-element", "error", group="simulation", needs_scenario=True)
def sim_unknown_element(process, ctx):
    """A scenario key (task, gateway, branch, event, arrival, SLA point) names no element of
    the model, or several."""
    if not _is_scenario(ctx):
        f = ctx.finding(None, "the simulation checks need the scenario as written (a "
                        "bpsim.Scenario, e.g. from load_scenario), not a bound scenario; "
                        "they were skipped.")
        f.severity = "warning"
        yield f
        return
    res = _resolved(ctx)
    seen_keys = set()
    for section, key, exc in res["unknown"]:
        seen_keys.add((section, key))
        text = exc.message + (f" Fix: {exc.hint}" if exc.hint else "")
        f = _scenario_finding(ctx, f"scenario key {section}.{key}: {text}", (section, key),
                              element_id=exc.element_id)
        if exc.file or getattr(ctx.scenario, "source", None):
            f.file, f.line = exc.file or ctx.scenario.source, exc.line
        yield f
    for exc in res["bind_errors"]:
        key = exc.key or ""
        if any(key == f"{s}.{k}" or key.startswith(f"{s}.{k}.") for s, k in seen_keys):
            continue
        if "sum to" in exc.message:
            continue  # sim-probabilities-sum says it, per gateway
        f = ctx.finding(exc.element_id, f"scenario key {key}: {exc.message}"
                        + (f" Fix: {exc.hint}" if exc.hint else ""))
        f.file, f.line = exc.file or getattr(ctx.scenario, "source", None) or f.file, exc.line
        yield f


def _decisions(ctx):
    """Splitting exclusive / inclusive / complex gateways: a ticket must pick a way."""
    for node in ctx.nodes(_DECISIONS):
        if len(ctx.outgoing(node)) > 1:
            yield node


@rule("sim-missing-probabilities", "error", group="simulation", needs_scenario=True)
def sim_missing_probabilities(process, ctx):
    """A decision (exclusive / inclusive split) without branch probabilities or conditions."""
    if not _is_scenario(ctx):
        return
    given = _resolved(ctx)["gateways"]
    for node in _decisions(ctx):
        if node in given:
            continue
        out = ctx.outgoing(node)
        if all(has_condition(ctx, f) or f.default for f in out):
            continue
        branches = ", ".join(f'"{f.name}"' if f.name else f.id for f in out)
        yield ctx.finding(node, f"the scenario gives no branch probabilities for this decision "
                          f"(branches: {branches}). Add it under gateways: with a share per "
                          "branch.")


@rule("sim-probabilities-sum", "error", group="simulation", needs_scenario=True)
def sim_probabilities_sum(process, ctx):
    """The branch probabilities of an exclusive decision do not add up to 1 (or a share of an
    inclusive decision lies outside [0, 1])."""
    if not _is_scenario(ctx):
        return
    s = ctx.scenario
    given = _resolved(ctx)["gateways"]
    for node, key in given.items():
        shares = getattr(s, "gateways", {}).get(key) or {}
        values = [float(v) for v in shares.values()]
        kind = ctx.type_of(node)
        if kind == "exclusiveGateway" and abs(sum(values) - 1.0) > 1e-9:
            yield _scenario_finding(ctx, f"the branch probabilities of this decision sum to "
                                    f"{sum(values):.6g}, not 1: a ticket takes exactly one "
                                    "branch.", ("gateways", key), element_id=node)
        elif any(v < 0 or v > 1 for v in values):
            yield _scenario_finding(ctx, "a branch probability lies outside [0, 1].",
                                    ("gateways", key), element_id=node)


def _work(ctx):
    """Activities a ticket spends time in: tasks, call activities, and sub-processes drawn
    empty (collapsed, their content not modelled)."""
    for node in ctx.nodes():
        kind = ctx.type_of(node)
        if kind in TASK_TYPES or kind == "callActivity":
            yield node
        elif kind in SUBPROCESS_TYPES and not scopes(ctx).get(node) \
                and not is_event_subprocess(ctx, node):
            yield node


def _task_entry(ctx, node):
    key = _resolved(ctx)["tasks"].get(node)
    return None if key is None else ctx.scenario.tasks.get(key)


@rule("sim-missing-duration", "error", group="simulation", needs_scenario=True)
def sim_missing_duration(process, ctx):
    """A task (or call activity, or empty sub-process) has no duration in the scenario."""
    if not _is_scenario(ctx):
        return
    events = _resolved(ctx)["events"]
    for node in _work(ctx):
        entry = _task_entry(ctx, node)
        if entry is not None and (entry.duration is not None or entry.by_class):
            continue
        if ctx.type_of(node) == "receiveTask" and node in events:
            continue  # a receive task may wait like an event
        yield ctx.finding(node, "the scenario gives no duration for this task. Add it under "
                          "tasks: (e.g. {duration: exponential(mean=6m)}).")


def _roles(ctx) -> dict[str, str | None]:
    """Task id -> role name (explicit, else the lane's name when such a role exists)."""
    from bpsim.scenario import resolve

    try:
        return resolve(ctx.scenario, ctx.process, "roles")
    except ScenarioError:  # a task key names nothing: sim-unknown-element says so
        from bpsim.scenario.bind import default_role

        roles = ctx.scenario.roles
        result = {}
        for node in ctx.nodes():
            entry = _task_entry(ctx, node)
            if entry is not None and "role" in entry.model_fields_set:
                result[node] = entry.role[0] if isinstance(entry.role, list) else entry.role
            else:
                result[node] = default_role(ctx.process, node, roles)
        return result


@rule("sim-missing-role", "warning", group="simulation", needs_scenario=True)
def sim_missing_role(process, ctx):
    """Human work with no role: no role named in the scenario and no role named like its lane
    (automatic task types, and ``role: null``, are automatic work)."""
    if not _is_scenario(ctx):
        return
    roles = _roles(ctx)
    waits = set(_resolved(ctx)["events"]) | _messaged(process)
    for node in _work(ctx):
        if roles.get(node) is not None or ctx.type_of(node) in _AUTOMATIC:
            continue
        if ctx.type_of(node) == "receiveTask" and node in waits \
                and node not in _resolved(ctx)["tasks"]:
            continue  # a wait (under events:, or for a message) that holds no staff by design
        entry = _task_entry(ctx, node)
        if entry is not None and "role" in entry.model_fields_set:
            continue  # role: null, said on purpose
        lane = process.lane_of(node)
        where = f'its lane "{lane.name}" names no role' if lane and lane.name else "it has no lane"
        f = ctx.finding(node, f"nobody does this task: the scenario gives it no role and "
                        f"{where}, so it would hold no staff. Give it a role, or role: null "
                        "for automatic work.")
        if entry is not None and ((lane and lane.name) or ctx.scenario.roles):
            # bpsim simulate refuses to run it (see Scenario.bind's problems); a task with no
            # entry has no duration either, which sim-missing-duration reports as the error
            f.severity = "error" if f.severity != "info" else f.severity
        yield f


@rule("sim-no-staff", "error", group="simulation", needs_scenario=True)
def sim_no_staff(process, ctx):
    """A role that tasks need has no staff: its tickets would wait forever."""
    if not _is_scenario(ctx):
        return
    used: dict[str, list[str]] = {}
    for node, role in _roles(ctx).items():
        if role is not None:
            used.setdefault(role, []).append(node)
    for name, r in (ctx.scenario.roles or {}).items():
        staff = r.staff if r.staff is not None else sum(sh.staff for sh in r.shifts or [])
        if staff <= 0 and name in used:
            tasks = ", ".join(used[name][:5])
            yield _scenario_finding(ctx, f'role "{name}" has no staff, but tasks need it '
                                    f"({tasks}): their tickets would wait forever.",
                                    ("roles", name), element_id=used[name][0])


def _messaged(process) -> set[str]:
    """Elements a message flow points at: the engine starts (a message start event) or wakes
    (a catch event, a receive task) them with the message, so they need no arrivals or delay."""
    return {m.target for m in process.message_flows.values()}


@rule("sim-no-arrivals", "warning", group="simulation", needs_scenario=True)
def sim_no_arrivals(process, ctx):
    """A start event of a process at which the scenario makes no ticket arrive (an error when
    no start event has arrivals at all). A start event a message flow points at is started by
    that message and needs no arrivals."""
    if not _is_scenario(ctx):
        return
    given = _resolved(ctx)["arrivals"]
    messaged = _messaged(process)
    starts = [n for n in ctx.nodes({"startEvent"})
              if ctx.attr(n, "parent") is None and n not in messaged]
    none_at_all = not any(s in given for s in starts)
    for node in starts:
        if node in given:
            continue
        f = ctx.finding(node, "no ticket arrives here: the scenario has no arrivals for this "
                        "start event" + (" (nor for any other)." if none_at_all else "."))
        if none_at_all:
            f.severity = "error" if f.severity != "info" else f.severity
        yield f


@rule("sim-missing-delay", "error", group="simulation", needs_scenario=True)
def sim_missing_delay(process, ctx):
    """A catch event the ticket waits at (message, signal, conditional, a timer without a
    BPMN duration) has no waiting time in the scenario. A catch event a message flow points
    at waits for that message (the engine delivers it) and needs no delay."""
    if not _is_scenario(ctx):
        return
    given = _resolved(ctx)["events"]
    messaged = _messaged(process)
    for node in ctx.nodes({"intermediateCatchEvent"}):
        if node in given or node in messaged or is_link_event(ctx, node):
            continue
        timer = ctx.attr(node, "timer") or {}
        if timer.get("kind") == "timeDuration" and (timer.get("value") or "").strip():
            continue
        what = ctx.attr(node, "event") or "blank"
        yield ctx.finding(node, f"the scenario gives no waiting time for this {what} event. "
                          "Add it under events: (e.g. {duration: exponential(mean=1d)}).")


@rule("sim-overloaded-role", "warning", group="simulation", needs_scenario=True)
def sim_overloaded_role(process, ctx):
    """A role whose offered load while on duty reaches its staff on duty (on paper): its queue
    grows without end (:func:`bpsim.analysis.stability.paper_loads`)."""
    if not _is_scenario(ctx) or _resolved(ctx)["bind_errors"]:
        return
    try:
        from bpsim.analysis.stability import paper_loads

        bound = _bound_scenario(ctx)
        loads = paper_loads(process, bound)
    except Exception:  # noqa: BLE001 - other rules report what keeps the scenario from binding
        return
    for r in loads.loc[(loads["shift"] == "all") & loads["overloaded"]].to_dict("records"):
        tasks = [t.element for t in bound.tasks.values() if t.role == r["role"]]
        yield _scenario_finding(
            ctx, f'role "{r["role"]}" is overloaded on paper: its offered load while on duty '
                 f'is {r["load_on_duty"]:.2f} erlangs against {r["staff_on_duty"]:.2f} staff '
                 f'on duty ({r["work_hours"]:.0f} h of work a week for {r["staff_hours"]:.0f} '
                 "staff hours"
                 + (f', able to do {r["capacity_on_duty"]:.2f} people\'s work once shrinkage and '
                    "concurrency are counted" if abs(r["capacity_on_duty"] - r["staff_on_duty"]) > 1e-9
                    else "")
                 + "); its queue would grow without end. Add staff (roles: "
                 f'{r["role"]}: staff:) or take work away from it.',
            ("roles", r["role"]), element_id=tasks[0] if tasks else None)


def _bound_scenario(ctx):
    """``ctx.scenario`` bound to the process, bound once for every rule that reads it
    (binding raises again, for each rule, when it fails)."""
    if "sim-bound" not in ctx.cache:
        ctx.cache["sim-bound"] = ctx.scenario.bind(ctx.process)
    return ctx.cache["sim-bound"]


def _bound(ctx):
    """The scenario bound to the process and its compiled plan, or ``(None, None)`` when
    binding fails (the other sim-* rules report why)."""
    if "sim-plan" not in ctx.cache:
        from bpsim.errors import BpsimError

        bound = plan = None
        try:
            bound = _bound_scenario(ctx)
            from bpsim.engine.plan import compile_plan

            plan = compile_plan(ctx.process, bound)
        except BpsimError as exc:
            plan = exc if bound is not None else None
        ctx.cache["sim-plan"] = (bound, plan)
    return ctx.cache["sim-plan"]


@rule("sim-zero-time-cycle", "error", group="simulation", needs_scenario=True)
def sim_zero_time_cycle(process, ctx):
    """A loop of steps that take no time (``fixed(0)``, gateways, throw events) that a ticket
    can never leave: simulated time would stand still and the run never end."""
    if not _is_scenario(ctx):
        return
    bound, plan = _bound(ctx)
    if bound is None or plan is None:
        return
    if isinstance(plan, Exception):
        if "takes no time" in getattr(plan, "message", ""):
            f = ctx.finding(plan.element_id, plan.message + (f" Fix: {plan.hint}."
                                                             if plan.hint else ""))
            yield f
        return


@rule("sim-run-size", "error", group="simulation", needs_scenario=True)
def sim_run_size(process, ctx):
    """The run is beyond bpsim's limits (replications, staff, horizon, tickets in the run;
    docs/scenario.md "Limits"), or large enough to deserve a warning with its estimated size."""
    if not _is_scenario(ctx):
        return
    bound, _plan = _bound(ctx)
    if bound is None:
        return
    from bpsim.scenario.limits import check_run_size

    try:
        warnings = check_run_size(bound)
    except ScenarioError as exc:
        key = exc.key or ""
        yield _scenario_finding(ctx, f"scenario key {key}: {exc.message} Fix: {exc.hint}",
                                tuple(key.split(".")) if key else ())
        return
    for text in warnings:
        f = _scenario_finding(ctx, text, ())
        f.severity = "warning" if f.severity == "error" else f.severity
        yield f


@rule("sim-calendar-day-unit", "warning", group="simulation", needs_scenario=True)
def sim_calendar_day_unit(process, ctx):
    """An SLA target on a calendar written in days or weeks ("2d"): on a calendar it counts
    open hours (48 office hours, about five working days), which a reader takes for two
    working days. Write "2wd" (working days) or hours."""
    if not _is_scenario(ctx) or _resolved(ctx)["bind_errors"]:
        return
    try:
        from bpsim.analysis.flags import calendar_unit_warnings

        warnings = calendar_unit_warnings(_bound_scenario(ctx).slas)
    except Exception:  # noqa: BLE001 - other rules report what keeps the scenario from binding
        return
    for w in warnings:
        index = next((i for i, s in enumerate(ctx.scenario.slas) if s.name == w["sla"]), 0)
        yield _scenario_finding(ctx, w["message"], ("slas", index, "target"))
