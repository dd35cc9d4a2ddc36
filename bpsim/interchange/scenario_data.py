"""One ``bpsim:Scenario`` (with its ``inherits`` chain) turned into bpsim scenario data.

:class:`ScenarioReader` merges the chain (later scenarios override), reads the scenario
parameters, calendars and element parameters with :mod:`~bpsim.interchange.laws` and
:mod:`~bpsim.interchange.icalendar`, and records every parameter it does not use, and every
assumption it makes, as a :class:`~bpsim.model.Finding`. The mapping is tabled in
:mod:`bpsim.interchange.reader`, which finds the scenarios in a file and calls this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

import yaml

from bpsim.interchange.icalendar import read_calendar
from bpsim.interchange.laws import (
    UNIT_SECONDS,
    Unsupported,
    local,
    read_law,
    read_number,
    values_of,
)
from bpsim.model import ACTIVITY_TYPES, Finding, Process

__all__ = ["VENDOR", "VENDOR_NS", "ScenarioReader"]

#: Name and namespace of bpsim's own ``VendorExtension`` (the keys BPSim cannot hold).
VENDOR = "bpsim"
VENDOR_NS = "https://github.com/bpsim/bpsim/schema/scenario/1"

#: Gateways whose outgoing flows take branch probabilities (a parallel split takes all).
_CHOICE_GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "complexGateway",
                    "eventBasedGateway"}
_TIME_UNUSED = ("TransferTime", "QueueTime", "WaitTime", "SetUpTime", "ValidationTime",
                "ReworkTime")
_DEFAULT_HORIZON = "30d"


class ScenarioReader:
    """One ``bpsim:Scenario`` (with its ``inherits`` chain) to scenario data."""

    def __init__(self, process: Process, scenarios: dict[str, Any], sid: str, file: str,
                 resources: dict[str, str | None]) -> None:
        self.process, self.sid, self.file, self.resources = process, sid, file, resources
        self.findings: list[Finding] = []
        chain, seen, cur = [], set(), sid
        while cur is not None:
            if cur in seen:
                self.note("bpsim-inherits", None, f"scenario {cur!r} inherits from itself "
                          "(a loop); the loop is cut", severity="warning")
                break
            if cur not in scenarios:
                self.note("bpsim-inherits", None, f"scenario {sid!r} inherits from {cur!r}, which "
                          "the file lacks; only its own parameters are used", severity="warning")
                break
            seen.add(cur)
            chain.append(scenarios[cur])
            cur = scenarios[cur].get("inherits")
        self.chain = list(reversed(chain))  # root ancestor first: later ones override
        graph = process.graph
        names: dict[str, int] = defaultdict(int)
        for _n, attrs in graph.nodes(data=True):
            if attrs.get("name"):
                names[" ".join(str(attrs["name"]).split())] += 1
        self._name_count = names

    # -- helpers ----------------------------------------------------------------------------
    def note(self, rule: str, element: Any, message: str, *, severity: str = "info",
             line: int | None = None) -> None:
        element_id = element if isinstance(element, str) else None
        name = None
        if element_id is not None:
            if element_id in self.process.graph:
                name = self.process.graph.nodes[element_id].get("name")
            elif element_id in self.process.flows:
                name = self.process.flows[element_id].name
            elif element_id in self.process.lanes:
                name = self.process.lanes[element_id].name
            else:
                name = self.resources.get(element_id)
        self.findings.append(Finding(rule, severity, element_id, name,
                                     f"scenario {self.sid!r}: {message}", line=line,
                                     file=self.file))

    def key(self, node: str) -> str:
        """A scenario key for node ``node``: its name when unique, else its id."""
        name = self.process.graph.nodes[node].get("name")
        if name:
            folded = " ".join(str(name).split())
            if self._name_count[folded] == 1:
                return folded
        return node

    # -- merging the inherits chain -----------------------------------------------------------
    def merged(self) -> tuple[dict[str, Any], dict[str, dict[tuple[str, str], Any]], dict, list]:
        attrs: dict[str, Any] = {}
        scenario_params: dict[str, Any] = {}
        elements: dict[str, dict[tuple[str, str], Any]] = defaultdict(dict)
        calendars: dict[str, Any] = {}
        vendor: list[Any] = []
        for sc in self.chain:
            for child in sc:
                if not isinstance(child.tag, str):
                    continue
                kind = local(child)
                if kind == "ScenarioParameters":
                    attrs.update(child.attrib)
                    for p in child:
                        if isinstance(p.tag, str):
                            scenario_params[local(p)] = p
                elif kind == "ElementParameters":
                    ref = child.get("elementRef")
                    if not ref:
                        self.note("bpsim-not-used", None, "ElementParameters without elementRef "
                                  f"(line {child.sourceline}) not used", line=child.sourceline)
                        continue
                    for group in child:
                        if not isinstance(group.tag, str):
                            continue
                        gname = local(group)
                        if gname == "VendorExtension":
                            elements[ref][(gname, group.get("name") or "")] = group
                            continue
                        for p in group:
                            if isinstance(p.tag, str):
                                elements[ref][(gname, local(p))] = p
                elif kind == "Calendar":
                    calendars[child.get("id") or child.get("name") or f"c{len(calendars)}"] = child
                elif kind == "VendorExtension":
                    vendor.append(child)
        return attrs | {"_params": scenario_params}, elements, calendars, vendor

    # -- the scenario -------------------------------------------------------------------------
    def read(self) -> dict[str, Any]:
        head = self.chain[-1] if self.chain else None
        attrs, elements, calendars, vendor = self.merged()
        params = attrs.pop("_params")
        out: dict[str, Any] = {"name": (head.get("name") or head.get("id")) if head is not None
                               else self.sid}
        unit = attrs.get("baseTimeUnit")
        if unit is None:
            self.base = UNIT_SECONDS["min"]
            self.note("bpsim-assumed", None, "no baseTimeUnit: times without a timeUnit are read "
                      "as minutes (the BPSim default)")
        elif unit not in UNIT_SECONDS:
            self.base = UNIT_SECONDS["min"]
            self.note("bpsim-assumed", None, f"unknown baseTimeUnit {unit!r}: read as minutes",
                      severity="warning")
        else:
            self.base = UNIT_SECONDS[unit]
        if attrs.get("baseCurrencyUnit"):
            self.note("bpsim-currency", None, f"costs are in {attrs['baseCurrencyUnit']} "
                      "(bpsim keeps amounts as numbers, without a currency)")
        if attrs.get("replication"):
            try:
                out["replications"] = max(1, int(attrs["replication"]))
            except ValueError:
                self.note("bpsim-not-used", None, f"replication={attrs['replication']!r} is not a "
                          "whole number", severity="warning")
        if attrs.get("seed"):
            try:
                out["seed"] = int(attrs["seed"])
            except ValueError:
                self.note("bpsim-not-used", None, f"seed={attrs['seed']!r} is not a whole number",
                          severity="warning")
        self._scenario_parameters(params, out)
        cal_names = self._calendars(calendars, out)
        self._elements(elements, out, cal_names)
        for ext in vendor:
            self._vendor(ext, out)
        if "horizon" not in out and "cases" not in out:
            out["horizon"] = _DEFAULT_HORIZON
            self.note("bpsim-assumed", None, f"no Duration in ScenarioParameters: bpsim simulates "
                      f"{_DEFAULT_HORIZON} per replication (set horizon: to change it)")
        return out

    def _scenario_parameters(self, params: dict[str, Any], out: dict[str, Any]) -> None:
        for pname, p in params.items():
            values = values_of(p)
            try:
                if pname == "Start":
                    if not values:
                        raise Unsupported("no value")
                    raw = str(read_number(values[0]))
                    out["start"] = dt.datetime.fromisoformat(raw.rstrip("Z")).replace(tzinfo=None)
                elif pname in ("Duration", "Warmup"):
                    law = read_law(p, self.base)
                    m = re.fullmatch(r"fixed\((.*)\)", law)
                    if not m:
                        raise Unsupported(f"a random {pname.lower()} ({law})")
                    out["horizon" if pname == "Duration" else "warmup"] = m.group(1)
                else:
                    raise Unsupported("no bpsim equivalent")
            except (Unsupported, ValueError) as exc:
                self.note("bpsim-not-used", None, f"ScenarioParameters {pname} not used: {exc}",
                          line=p.sourceline, severity="warning" if pname != "PropertyParameters"
                          else "info")

    def _calendars(self, calendars: dict[str, Any], out: dict[str, Any]) -> dict[str, str]:
        names: dict[str, str] = {}
        for cid, el in calendars.items():
            cname = el.get("name") or cid
            data, notes = read_calendar(el.text or "")
            for n in notes:
                self.note("bpsim-calendar", None, f"Calendar {cname!r}: {n}", line=el.sourceline)
            if "hours" not in data:
                self.note("bpsim-calendar", None, f"Calendar {cname!r} has no weekly opening hours;"
                          " not used", severity="warning", line=el.sourceline)
                continue
            out.setdefault("calendars", {})[cname] = data
            names[cid] = cname
        return names

    def _elements(self, elements: dict[str, dict[tuple[str, str], Any]], out: dict[str, Any],
                  cal_names: dict[str, str]) -> None:
        graph, flows, lanes = self.process.graph, self.process.flows, self.process.lanes
        probabilities: dict[str, dict[str, tuple[float, Any]]] = defaultdict(dict)
        self.implied = 0
        zero_times = 0
        for ref, params in elements.items():
            for (group, pname), p in params.items():
                if group == "VendorExtension":
                    if pname == VENDOR:
                        self._vendor(p, out)
                    else:
                        self.note("bpsim-not-used", ref, f"VendorExtension {pname!r} not used",
                                  line=p.sourceline)
            params = {k: v for k, v in params.items() if k[0] != "VendorExtension"}
            if ref in flows:
                flow = flows[ref]
                for (group, pname), p in params.items():
                    if pname == "Probability":
                        try:
                            value = float(read_number(values_of(p)[0])) if values_of(p) else None
                        except (Unsupported, IndexError) as exc:
                            self.note("bpsim-not-used", ref, f"Probability not used: {exc}",
                                      line=p.sourceline, severity="warning")
                            continue
                        if value is None:
                            continue
                        source_type = graph.nodes[flow.source].get("type") if flow.source in graph else None
                        if source_type in _CHOICE_GATEWAYS or len(self.process.outgoing(flow.source)) > 1:
                            probabilities[flow.source][ref] = (value, p)
                        elif value in (1.0, 100.0):
                            self.implied += 1
                        else:
                            self.note("bpsim-not-used", ref, f"Probability {value:g} on a flow that "
                                      "is the only way out of its source; not used",
                                      line=p.sourceline, severity="warning")
                    else:
                        self.note("bpsim-not-used", ref, f"{group} {pname} on a sequence flow has "
                                  "no bpsim equivalent" + (" (bpsim does not evaluate conditions; "
                                  "give branch probabilities)" if pname == "Condition" else ""),
                                  line=p.sourceline)
                continue
            if ref in graph:
                zero_times += self._node(ref, params, out, cal_names)
                continue
            if ref in lanes or ref in self.resources:
                role = (lanes[ref].name if ref in lanes else self.resources.get(ref)) or ref
                self._resource(ref, " ".join(role.split()), params, out, cal_names)
                continue
            if ref in self.process.processes or ref in getattr(self.process, "pools", {}):
                for (group, pname), p in params.items():
                    self.note("bpsim-not-used", ref, f"{group} {pname} on a process or pool has no "
                              "bpsim equivalent", line=p.sourceline)
                continue
            self.note("bpsim-unknown-element", None, f"ElementParameters for {ref!r}, which the "
                      "model lacks; not used", severity="warning")
        if self.implied:
            self.note("bpsim-implied", None, f"{self.implied} probabilities of 100 % on flows and "
                      "events that are the only way on: implied, nothing to set")
        if zero_times:
            self.note("bpsim-implied", None, f"{zero_times} queue/wait/set-up times of 0 (nothing "
                      "to simulate)")
        self._gateways(probabilities, out)

    def _gateways(self, probabilities: dict[str, dict[str, tuple[float, Any]]],
                  out: dict[str, Any]) -> None:
        if not probabilities:
            return
        values = [v for branches in probabilities.values() for v, _ in branches.values()]
        percent = any(v > 1.0 for v in values)
        if percent:
            self.note("bpsim-assumed", None, "branch probabilities are on a 0-100 scale (as jBPM "
                      "writes them): read as percentages")
        for gateway, branches in probabilities.items():
            shares = {f: (v / 100.0 if percent else v) for f, (v, _) in branches.items()}
            total = sum(shares.values())
            kind = self.process.graph.nodes[gateway].get("type")
            if kind == "exclusiveGateway" and total > 0 and abs(total - 1.0) > 1e-6:
                self.note("bpsim-assumed", gateway, f"branch probabilities sum to {total:g}; "
                          "scaled to 1", severity="warning",
                          line=next(iter(branches.values()))[1].sourceline)
                shares = {f: s / total for f, s in shares.items()}
            out.setdefault("gateways", {})[self.key(gateway)] = {
                self._flow_key(gateway, f): round(s, 12) for f, s in shares.items()}

    def _flow_key(self, gateway: str, flow_id: str) -> str:
        flow = self.process.flows[flow_id]
        siblings = [f.name for f in self.process.outgoing(gateway)]
        if flow.name and siblings.count(flow.name) == 1 and " ".join(flow.name.split()) == flow.name:
            return flow.name
        return flow_id

    def _node(self, ref: str, params: dict[tuple[str, str], Any], out: dict[str, Any],
              cal_names: dict[str, str]) -> int:
        attrs = self.process.graph.nodes[ref]
        kind = attrs.get("type")
        key = self.key(ref)
        zero = 0
        used: set[tuple[str, str]] = set()

        def law(pname_group: tuple[str, str], *, arrivals: bool = False) -> str | None:
            p = params[pname_group]
            used.add(pname_group)
            try:
                return read_law(p, self.base, arrivals=arrivals)
            except Unsupported as exc:
                self.note("bpsim-not-used", ref, f"{pname_group[1]} not used: {exc}",
                          line=p.sourceline, severity="warning")
                return None

        if kind == "startEvent":
            timer = ("ControlParameters", "InterTriggerTimer")
            if timer not in params:  # jBPM writes the time between instances as a time param
                for alt in (("TimeParameters", "WaitTime"), ("TimeParameters", "ProcessingTime")):
                    if alt in params:
                        value = law(alt, arrivals=True)
                        if value and value != "fixed(0s)":
                            out.setdefault("arrivals", {}).setdefault(key, {})["interarrival"] = value
                            self.note("bpsim-assumed", ref, f"{alt[1]} of a start event read as the "
                                      "time between arrivals (jBPM's dialect)")
                        elif value == "fixed(0s)":
                            zero += 1
                        break
            else:
                value = law(timer, arrivals=True)
                if value:
                    out.setdefault("arrivals", {}).setdefault(key, {})["interarrival"] = value
            count = ("ControlParameters", "TriggerCount")
            if count in params:
                used.add(count)
                try:
                    n = read_number(values_of(params[count])[0])
                    out.setdefault("arrivals", {}).setdefault(key, {})["limit"] = int(float(n))
                except (Unsupported, IndexError, ValueError) as exc:
                    self.note("bpsim-not-used", ref, f"TriggerCount not used: {exc}",
                              line=params[count].sourceline, severity="warning")
        elif kind in ACTIVITY_TYPES:
            pt = ("TimeParameters", "ProcessingTime")
            if pt in params:
                value = law(pt)
                if value:
                    out.setdefault("tasks", {}).setdefault(key, {})["duration"] = value
            role = self._task_role(ref, params, used)
            if role:
                out.setdefault("tasks", {}).setdefault(key, {})["role"] = role
            quantity = ("ResourceParameters", "Quantity")
            cost = ("CostParameters", "UnitCost")
            if quantity in params or cost in params:
                own = role is None and self._default_role(ref) is None
                role = role or self._default_role(ref) or key
                self._resource(ref, role, {k: v for k, v in params.items() if k in (quantity, cost)},
                               out, cal_names, task=True)
                used |= {quantity, cost}
                if own and role in out.get("roles", {}):
                    out.setdefault("tasks", {}).setdefault(key, {})["role"] = role
        elif kind in ("intermediateCatchEvent", "boundaryEvent"):
            section = "events" if kind == "intermediateCatchEvent" else "boundaries"
            for alt in (("TimeParameters", "ProcessingTime"), ("ControlParameters", "InterTriggerTimer"),
                        ("TimeParameters", "WaitTime")):
                if alt in params:
                    value = law(alt)
                    if value and value != "fixed(0s)":
                        out.setdefault(section, {}).setdefault(key, {})["duration"] = value
                    elif value == "fixed(0s)":
                        zero += 1
                    break
            prob = ("ControlParameters", "Probability")
            if prob in params and kind == "boundaryEvent":
                used.add(prob)
                try:
                    v = float(read_number(values_of(params[prob])[0]))
                    v = v / 100.0 if v > 1 else v
                    entry = out.setdefault(section, {}).setdefault(key, {})
                    if v < 1.0:
                        if entry.pop("duration", None) is not None:
                            self.note("bpsim-not-used", ref, "the time of a boundary event that "
                                      "fires with a probability is not used (bpsim takes one or "
                                      "the other)", line=params[prob].sourceline)
                        entry["probability"] = v
                    elif "duration" not in entry:
                        entry["probability"] = v
                except (Unsupported, IndexError) as exc:
                    self.note("bpsim-not-used", ref, f"Probability not used: {exc}",
                              line=params[prob].sourceline, severity="warning")
        for pg, p in params.items():
            if pg in used:
                continue
            if pg[1] in _TIME_UNUSED and _is_zero(p):
                zero += 1
                continue
            if pg == ("ControlParameters", "Probability") and _is_certain(p):
                self.implied += 1
                continue
            if pg == ("ResourceParameters", "Availability") and _is_true_or_hours(p):
                self.note("bpsim-not-used", ref, "Availability not used (bpsim takes working time "
                          "from role calendars: give roles.<role>.calendar)", line=p.sourceline)
                continue
            passive = kind in ("endEvent", "intermediateThrowEvent", "startEvent") or (
                kind or "").endswith("Gateway")
            self.note("bpsim-not-used", ref, f"{pg[0]} {pg[1]} has no bpsim equivalent for a "
                      f"{kind}" + (" (it takes no time in bpsim)" if passive else ""),
                      line=p.sourceline,
                      severity="warning" if pg[0] in ("TimeParameters", "CostParameters")
                      and not passive else "info")
        return zero

    def _default_role(self, node: str) -> str | None:
        lane = self.process.graph.nodes[node].get("lane")
        name = self.process.lanes[lane].name if lane and lane in self.process.lanes else None
        return " ".join(name.split()) if name else None

    def _task_role(self, ref: str, params: dict[tuple[str, str], Any], used: set) -> str | None:
        for pg in (("ResourceParameters", "Selection"), ("ResourceParameters", "Role")):
            if pg not in params:
                continue
            used.add(pg)
            for value in values_of(params[pg]):
                text = value.get("value") or ""
                m = re.search(r"getResource\(\s*['\"]([^'\"]+)['\"]", text)
                if m:
                    return m.group(1)
                if local(value) == "StringParameter" and text:
                    return text
            self.note("bpsim-not-used", ref, f"{pg[1]} {[v.get('value') for v in values_of(params[pg])]} "
                      "not used (bpsim reads getResource('Role', n) or a role name)",
                      line=params[pg].sourceline, severity="warning")
        return None

    def _resource(self, ref: str, role: str, params: dict[tuple[str, str], Any],
                  out: dict[str, Any], cal_names: dict[str, str], task: bool = False) -> None:
        roles = out.setdefault("roles", {})
        entry = roles.setdefault(role, {})
        for pg, p in params.items():
            values = values_of(p)
            try:
                if pg == ("ResourceParameters", "Quantity"):
                    if not values:
                        raise Unsupported("no value")
                    per_calendar = [v for v in values if v.get("validFor")]
                    if per_calendar:
                        shifts = []
                        for v in values:
                            cal = v.get("validFor")
                            shift: dict[str, Any] = {"staff": _count(read_number(v))}
                            if cal:
                                if cal not in cal_names:
                                    raise Unsupported(f"a value valid for calendar {cal!r}, which "
                                                      "the scenario lacks")
                                shift["calendar"] = cal_names[cal]
                                shift["name"] = cal_names[cal]
                            shifts.append(shift)
                        entry.pop("staff", None)
                        entry["shifts"] = shifts
                    else:
                        staff = _count(read_number(values[0]))
                        if staff == 0:
                            raise Unsupported("a Quantity of 0 people (read as not set; give "
                                              f"roles.{role}.staff)")
                        if task and "staff" in entry and entry["staff"] != staff:
                            self.note("bpsim-assumed", ref, f"role {role!r} is given {staff} and "
                                      f"{entry['staff']} people by different tasks; the larger is "
                                      "used", severity="warning", line=p.sourceline)
                            staff = max(staff, entry["staff"])
                        entry["staff"] = staff
                elif pg == ("CostParameters", "UnitCost"):
                    if not values:
                        raise Unsupported("no value")
                    unit_cost = float(read_number(values[0]))
                    per_hour = round(unit_cost * 3600.0 / self.base, 9)
                    if task and entry.get("cost_per_hour", per_hour) != per_hour:
                        self.note("bpsim-assumed", ref, f"role {role!r} has unit costs "
                                  f"{entry['cost_per_hour']} and {per_hour} per hour on different "
                                  "tasks; the larger is used", severity="warning",
                                  line=p.sourceline)
                        per_hour = max(per_hour, entry["cost_per_hour"])
                    if per_hour:
                        entry["cost_per_hour"] = per_hour
                elif pg == ("ResourceParameters", "Availability"):
                    cals = [cal_names[v.get("validFor")] for v in values
                            if v.get("validFor") in cal_names and read_number(v) is True]
                    if len(cals) == 1:
                        entry["calendar"] = cals[0]
                    else:
                        raise Unsupported("bpsim takes working time from one role calendar")
                else:
                    raise Unsupported("no bpsim equivalent for a resource")
            except (Unsupported, ValueError, TypeError) as exc:
                self.note("bpsim-not-used", ref, f"{pg[1]} of role {role!r} not used: {exc}",
                          line=p.sourceline, severity="warning")
        if not entry or ("staff" not in entry and "shifts" not in entry):
            if entry:
                self.note("bpsim-not-used", ref, f"role {role!r} has costs but no staff; its tasks "
                          "are simulated as automatic (no waiting for people)", severity="warning")
            roles.pop(role)

    def _vendor(self, ext: Any, out: dict[str, Any]) -> None:
        if ext.get("name") != VENDOR:
            self.note("bpsim-not-used", None, f"VendorExtension {ext.get('name')!r} not used",
                      line=ext.sourceline)
            return
        texts = [c.text or "" for c in ext if isinstance(c.tag, str)]
        try:
            extra = yaml.safe_load(texts[0]) if texts else None
        except yaml.YAMLError as exc:
            self.note("bpsim-not-used", None, f"bpsim's VendorExtension is not readable YAML "
                      f"({exc}); not used", severity="warning", line=ext.sourceline)
            return
        if isinstance(extra, dict):
            _merge(out, extra, self.process, self)


def _count(value: Any) -> int:
    number = float(value)
    if number < 0 or not number.is_integer():
        raise Unsupported(f"{value!r} people is not a whole number")
    return int(number)


def _is_zero(p: Any) -> bool:
    values = values_of(p)
    if len(values) != 1:
        return False
    v = values[0]
    if local(v) in ("FloatingParameter", "NumericParameter"):
        try:
            return float(v.get("value", "nan")) == 0.0
        except ValueError:
            return False
    if local(v) in ("NormalDistribution", "UniformDistribution", "TriangularDistribution"):
        return all(float(x) == 0.0 for k, x in v.attrib.items() if k != "timeUnit")
    return False


def _is_certain(p: Any) -> bool:
    values = values_of(p)
    try:
        return len(values) == 1 and float(values[0].get("value", "nan")) in (1.0, 100.0)
    except ValueError:
        return False


def _is_true_or_hours(p: Any) -> bool:
    values = values_of(p)
    return len(values) == 1 and local(values[0]) in ("BooleanParameter", "FloatingParameter",
                                                     "NumericParameter")


_BY_ELEMENT = ("arrivals", "tasks", "events", "boundaries", "gateways")


def _merge(out: dict[str, Any], extra: dict[str, Any], process: Process,
           reader: ScenarioReader) -> None:
    """Merge bpsim's vendor data into what the BPSim parameters gave (those win)."""
    index: dict[str, str] = {}
    for node, attrs in process.graph.nodes(data=True):
        index[node] = node
        if attrs.get("name"):
            index.setdefault(" ".join(str(attrs["name"]).split()), node)
    for section, value in extra.items():
        if section in _BY_ELEMENT and isinstance(value, dict):
            mine = out.setdefault(section, {})
            by_id = {index.get(str(k), str(k)): k for k in mine}
            for k, v in value.items():
                node = index.get(str(k), str(k))
                target = by_id.get(node, reader.key(node) if node in process.graph else k)
                if isinstance(v, dict) and isinstance(mine.get(target), dict):
                    roles = v.get("role")
                    mine[target] = {**v, **mine[target]}
                    if isinstance(roles, list) and roles and roles[0] == mine[target].get("role"):
                        mine[target]["role"] = roles  # skills: BPSim holds the first role only
                elif target not in mine:
                    mine[target] = v
        elif section in ("roles", "calendars") and isinstance(value, dict):
            mine = out.setdefault(section, {})
            for k, v in value.items():
                if isinstance(v, dict) and isinstance(mine.get(k), dict):
                    mine[k] = {**v, **mine[k]}
                elif k not in mine:
                    mine[k] = v
        elif section not in out or section == "name":
            out[section] = value
