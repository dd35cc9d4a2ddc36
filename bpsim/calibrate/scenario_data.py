"""The fitted values as scenario data, with a comment for each (see :mod:`.writer`).

:func:`scenario_data` turns the fitted arrivals, roles, laws and branch counts into the plain
data of a scenario file, keeps from a ``base`` scenario what a log cannot know (costs,
billing, SLAs, classes, task roles), and returns ``{key path: comment}`` beside it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bpsim.calibrate.arrivals import window_key
from bpsim.calibrate.logread import CASE, TIME
from bpsim.model import ACTIVITY_TYPES, Process
from bpsim.scenario.durations import format_duration

__all__ = ["scenario_data", "key_for", "branch_key", "round_to_one"]


def key_for(process: Process, node: str) -> str:
    """The element's name when it is unique among the process's elements, else its id."""
    name = process.graph.nodes[node].get("name")
    if not name:
        return node
    same = [n for n, d in process.graph.nodes(data=True) if d.get("name") == name]
    return name if len(same) == 1 else node


def branch_key(process: Process, gateway: str, flow_id: str) -> str:
    flows = [(d.get("id"), d.get("name"), v) for _, v, d in process.graph.out_edges(gateway,
                                                                                 data=True)]
    for fid, name, _ in flows:
        if fid == flow_id and name and sum(1 for f in flows if f[1] == name) == 1:
            return str(name)
    return flow_id


def round_to_one(probs: dict[str, float]) -> dict[str, float]:
    out = {k: round(v, 4) for k, v in probs.items()}
    big = max(out, key=out.__getitem__)
    out[big] = round(1.0 - sum(v for k, v in out.items() if k != big), 10)
    return out


def _profile_data(a) -> tuple[dict, dict]:
    per_hour, notes = {}, {}
    for h in range(168):
        rate = float(a.per_hour[h])
        if rate > 0:
            key = window_key(h)
            per_hour[key] = round(rate, 4)
            notes[key] = f"{int(a.counts[h])} tickets in this hour over {a.weeks:.1f} weeks"
    return per_hour, notes


def scenario_data(process, base, arrivals, roles, role_of, laws, class_laws, gateways, visits,
                  branches,
                   per_case, lo, hi, name, file, log, recent_weeks):
    c: dict[tuple, str] = {}
    data: dict[str, Any] = {}
    stem = Path(file).name.split(".")[0] if file and file != "<DataFrame>" else "log"
    data["name"] = base.get("name") or name or f"fitted from {stem}"
    data["seed"] = base.get("seed", 1)
    data["replications"] = base.get("replications", 5)
    # a run long enough for the slowest tickets: warm-up = P90 of the cycle time
    cycle = (log.groupby(CASE)[TIME].max() - log.groupby(CASE)[TIME].min()).dt.total_seconds()
    p90 = float(np.quantile(cycle, 0.9)) if len(cycle) else 0.0
    warm_days = max(7, math.ceil(p90 / 86400))
    monday = (hi.normalize() + pd.offsets.Week(weekday=0)) if hi.weekday() or hi != hi.normalize() \
        else hi.normalize()
    data["start"] = monday.to_pydatetime().isoformat(timespec="minutes")
    data["horizon"] = f"{warm_days + 56}d"
    data["warmup"] = f"{warm_days}d"
    c[("start",)] = "the Monday after the fitted window"
    c[("warmup",)] = (f"90 % of the log's tickets finish within {format_duration(p90)}: the desk "
                      "fills up first")
    c[("horizon",)] = "warm-up + 8 measured weeks"
    if base.get("classes"):
        data["classes"] = base["classes"]
    calendars: dict[str, Any] = {}
    for key, cal in (base.get("calendars") or {}).items():
        calendars[key] = cal
    for r, rf in roles.items():
        if rf.calendar_name:
            calendars[rf.calendar_name] = {"hours": rf.calendar.hours_text()}
            if rf.calendar.holidays:
                calendars[rf.calendar_name]["holidays"] = [
                    d.strftime("%Y-%m-%d") for d in rf.calendar.holidays]
            c[("calendars", rf.calendar_name)] = (
                f"hours of the week holding >= 5 % of the busiest hour's {rf.events:,} events "
                f"of role {r}")
    if calendars:
        data["calendars"] = calendars
    arr: dict[str, Any] = {}
    for se, a in arrivals.items():
        key = key_for(process, se)
        per_hour, notes = _profile_data(a)
        prof: dict[str, Any] = {"per_hour": per_hour}
        if a.holidays:
            prof["holidays"] = a.holidays
            c[("arrivals", key, "profile", "holidays")] = (
                "weekdays without tickets where >= 4 were expected")
        entry: dict[str, Any] = {"profile": prof}
        base_arr = (base.get("arrivals") or {}).get(key) or {}
        if a.classes and len(a.classes) > 1:
            entry["classes"] = round_to_one(a.classes)
            c[("arrivals", key, "classes")] = f"class mix of {a.tickets:,} tickets"
        elif base_arr.get("classes"):
            entry["classes"] = base_arr["classes"]
            c[("arrivals", key, "classes")] = "kept from the base scenario"
        arr[key] = entry
        level_text = (f"the last {a.level_weeks} weeks" if recent_weeks else "the whole window")
        c[("arrivals", key)] = (
            f"n={a.tickets:,} tickets over {a.weeks:.1f} weeks; {a.level:.1f}/week, the level "
            f"of {level_text} (window mean {a.mean_per_week:.1f}/week, trend "
            f"{a.trend:+.2f}/week per week)")
        c[("arrivals", key, "profile", "per_hour")] = (
            "tickets per hour of the week = level x smoothed share of the hour")
        for k, note in notes.items():
            c[("arrivals", key, "profile", "per_hour", k)] = note
    data["arrivals"] = arr
    out_roles: dict[str, Any] = {}
    for r, rf in roles.items():
        entry = {k: v for k, v in (base.get("roles") or {}).get(r, {}).items()
                 if k in ("cost_per_hour", "billing_increment", "bill_rate")}
        if rf.shifts:
            shifts = []
            for sh in rf.shifts:
                cname = f"{r} {sh['name']}"
                calendars[cname] = {"hours": sh["calendar"].hours_text()}
                if sh["calendar"].holidays:
                    calendars[cname]["holidays"] = [d.strftime("%Y-%m-%d")
                                                    for d in sh["calendar"].holidays]
                c[("calendars", cname)] = f"the {sh['name']} part of {rf.calendar_name}"
                shifts.append({"name": sh["name"], "staff": sh["staff"], "calendar": cname})
            entry = {"shifts": shifts, **entry}
            c[("roles", r, "shifts")] = (
                "agents present per hour (first to last event of their day): "
                + ", ".join(f"{sh['name']} {sh['presence']:.1f}" for sh in rf.shifts)
                + f"; scaled so the busier shift has {rf.staff}")
        else:
            entry = {"staff": int(rf.staff), **({"calendar": rf.calendar_name}
                                                 if rf.calendar_name else {}), **entry}
        out_roles[r] = entry
        act = "n/a" if rf.staff_active is None else f"{rf.staff_active:.1f}"
        c[("roles", r)] = (f"{len(rf.resources)} resources in the log; {act} active per open day "
                           f"(recent weeks); offered load {rf.staff_load or 0:.2f} people")
        if not rf.shifts:
            c[("roles", r, "staff")] = "max(active per day, load / 85 %), rounded"
    for r, entry in (base.get("roles") or {}).items():
        if r not in out_roles and any(v == r for v in role_of.values()):
            out_roles[r] = entry
    if out_roles:
        data["roles"] = out_roles
    tasks: dict[str, Any] = {}
    events: dict[str, Any] = {}
    base_events = base.get("events") or {}
    for n, d in process.graph.nodes(data=True):
        t = d.get("type")
        key = key_for(process, n)
        if t in ACTIVITY_TYPES and t != "receiveTask" and t not in ("subProcess", "transaction",
                                                                    "adHocSubProcess"):
            entry: dict[str, Any] = {}
            law = laws.get(n)
            if law is not None:
                entry["duration"] = law.law
                c[("tasks", key)] = law.comment()
                if n in class_laws:
                    entry["by_class"] = {k: v.law for k, v in class_laws[n].items()}
                    c[("tasks", key, "by_class")] = "classes with >= 30 observations"
                    for k, v in class_laws[n].items():
                        c[("tasks", key, "by_class", k)] = v.comment()
            else:
                bt = (base.get("tasks") or {}).get(key)
                bt = bt if isinstance(bt, dict) else ({"duration": bt} if bt else {})
                if bt.get("duration") is not None:
                    entry["duration"] = bt["duration"]
                    c[("tasks", key)] = "not in the log: kept from the base scenario"
                else:
                    entry["duration"] = "0s"
                    c[("tasks", key)] = "never in the log: no time (give one if it takes any)"
            if n in role_of:
                entry["role"] = role_of[n]
                if role_of[n] is None:
                    c[("tasks", key, "role")] = "no resource ever logged: automatic step"
            tasks[key] = entry
        elif t in ("intermediateCatchEvent", "receiveTask"):
            law = laws.get(n)
            entry = {}
            old = base_events.get(key) if isinstance(base_events.get(key), dict) else {}
            if law is not None:
                entry["duration"] = law.law
                c[("events", key)] = law.comment() + " (a delay holding no staff)"
            elif old.get("duration") is not None:
                entry["duration"] = old["duration"]
                c[("events", key)] = "not in the log: kept from the base scenario"
            elif d.get("timer") is None and not _message_fed(process, n):
                entry["duration"] = "0s"
                c[("events", key)] = "never observed: no delay (give one)"
            if old.get("pauses_sla"):
                entry["pauses_sla"] = True
            if entry:
                events[key] = entry
    if tasks:
        data["tasks"] = tasks
    gw: dict[str, Any] = {}
    for g, probs in gateways.items():
        key = key_for(process, g)
        gw[key] = {branch_key(process, g, f): p for f, p in probs.items()}
        c[("gateways", key)] = f"n={visits.get(g, 0):,} decisions replayed"
        for f, _p in probs.items():
            c[("gateways", key, branch_key(process, g, f))] = (
                f"{branches.get((g, f), 0):,} of {visits.get(g, 0):,}")
    for key, probs in (base.get("gateways") or {}).items():
        node = _find(process, key)
        if node is None or node not in gateways:
            gw[key] = probs
            c[("gateways", key)] = "never decided in the log: kept from the base scenario"
    if gw:
        data["gateways"] = gw
    if events:
        data["events"] = events
    if base.get("boundaries"):
        data["boundaries"] = base["boundaries"]
    if base.get("slas"):
        data["slas"] = base["slas"]
        c[("slas",)] = "kept from the base scenario"
    return data, c


def _find(process: Process, key: str) -> str | None:
    if key in process.graph:
        return key
    hits = [n for n, d in process.graph.nodes(data=True) if d.get("name") == key]
    return hits[0] if len(hits) == 1 else None


def _message_fed(process: Process, node: str) -> bool:
    flows = getattr(process, "message_flows", None) or []
    return any(getattr(f, "target", None) == node for f in flows)
