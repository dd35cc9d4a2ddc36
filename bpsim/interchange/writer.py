"""Writing a bpsim scenario as BPSim 2.0 inside a copy of the BPMN model.

:func:`write_bpsim` copies the model's BPMN file (or writes the model as BPMN when it came from
draw.io or code), drops any BPSim data it held, and adds one
``<bpmn:relationship type="BPSimData">`` with a ``bpsim:Scenario`` in the 2.0 namespace,
elements in the order the BPSim 2.0 schema's sequences require:

* ``ScenarioParameters``: ``replication``, ``seed``, ``baseTimeUnit="s"``, ``Start``,
  ``Duration``;
* per start event: ``InterTriggerTimer`` (the law of times between arrivals) and
  ``TriggerCount``;
* per activity: ``ProcessingTime`` and ``Selection`` (``bpsim:getResource('Agent', 1)``);
* per catch event: ``ProcessingTime``; per boundary event: ``Probability``,
  ``InterTriggerTimer``;
* per gateway branch (the sequence flow): ``Probability`` on the 0-1 scale;
* per role (its lane, or a ``bpmn:resource`` added for it): ``Quantity`` (one value per shift,
  ``validFor`` its calendar), ``Availability`` (the role's calendar) and ``UnitCost`` (per
  second, the base time unit);
* ``Calendar`` elements in iCalendar text;
* a ``VendorExtension`` named ``bpsim`` with, as YAML, every scenario key BPSim cannot hold
  (SLAs, rate profiles, priority mixes, billing, warm-up, ...), which bpsim reads back and
  other tools ignore.

Times are written in seconds, so nothing is rounded.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from bpsim.errors import ReadError
from bpsim.interchange.icalendar import calendar_text
from bpsim.interchange.laws import Unsupported, law_element, number_element
from bpsim.interchange.reader import VENDOR, VENDOR_NS
from bpsim.model import Process

__all__ = ["BPSIM2", "bpsim_xml", "write_bpsim"]

#: The BPSim 2.0 namespace bpsim writes.
BPSIM2 = "http://www.bpsim.org/schemas/2.0"
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"

_GROUPS = ["TimeParameters", "ControlParameters", "ResourceParameters", "PriorityParameters",
           "CostParameters", "PropertyParameters"]
_ORDER = {
    "TimeParameters": ["TransferTime", "QueueTime", "WaitTime", "SetUpTime", "ProcessingTime",
                       "ValidationTime", "ReworkTime"],
    "ControlParameters": ["Probability", "Condition", "InterTriggerTimer", "TriggerCount"],
    "ResourceParameters": ["Selection", "Availability", "Quantity", "Role"],
    "CostParameters": ["FixedCost", "UnitCost"],
}


def _ncname(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"
    return slug if re.match(r"[A-Za-z_]", slug) else f"_{slug}"


def _base_tree(process: Process) -> Any:
    from bpsim.io.bpmn_writer import generate_bpmn
    from bpsim.io.safexml import parse_xml, read_source

    source = process.source
    if source and Path(source).is_file():
        data, name = read_source(source)
        root = parse_xml(data, file=name)
        if etree.QName(root).localname == "definitions":
            return copy.deepcopy(root)
    return parse_xml(generate_bpmn(process), file="<generated>")


def bpsim_xml(scenario: Any, process: Process, *, scenario_id: str = "bpsim") -> bytes:
    """The BPMN document of ``process`` with ``scenario`` as BPSim 2.0 (UTF-8 bytes)."""
    from bpsim import __version__

    bound = scenario.bind(process)
    root = _base_tree(process)
    bpmn = etree.QName(root).namespace or _BPMN
    for rel in list(root.iter(f"{{{bpmn}}}relationship")):
        if (rel.get("type") or "").lower() == "bpsimdata":
            rel.getparent().remove(rel)

    ns = BPSIM2
    params: dict[str, dict[str, dict[str, list[Any]]]] = {}

    def put(ref: str, group: str, name: str, *values: Any) -> None:
        params.setdefault(ref, {}).setdefault(group, {}).setdefault(name, []).extend(values)

    vendor = scenario.to_dict()
    for key in ("name", "replications", "seed", "start", "horizon"):
        vendor.pop(key, None)

    from bpsim.scenario.bind import resolve

    # arrivals -------------------------------------------------------------------------------
    keys = resolve(scenario, process, "arrivals") if scenario.arrivals else {}
    for start, arrival in bound.arrivals.items():
        entry = vendor.get("arrivals", {}).get(keys.get(start, start), {})
        if arrival.interarrival is not None and arrival.scale == 1.0:
            try:
                put(start, "ControlParameters", "InterTriggerTimer", law_element(ns, arrival.interarrival))
                entry.pop("interarrival", None)
            except Unsupported:
                pass
        if arrival.limit is not None:
            put(start, "ControlParameters", "TriggerCount",
                number_element(ns, arrival.limit, "NumericParameter"))
            entry.pop("limit", None)
    # tasks ----------------------------------------------------------------------------------
    keys = resolve(scenario, process, "tasks") if scenario.tasks else {}
    for task, spec in bound.tasks.items():
        entry = vendor.get("tasks", {}).get(keys.get(task, task), {})
        if not isinstance(entry, dict):
            entry = {}
        try:
            put(task, "TimeParameters", "ProcessingTime", law_element(ns, spec.duration))
            entry.pop("duration", None)
        except Unsupported:
            pass
        if spec.role:
            expr = etree.Element(f"{{{ns}}}ExpressionParameter",
                                 value=f"bpsim:getResource('{spec.role}', 1)")
            put(task, "ResourceParameters", "Selection", expr)
            if entry.get("role") == spec.role:
                entry.pop("role", None)
    # events and boundaries --------------------------------------------------------------------
    keys = resolve(scenario, process, "events") if scenario.events else {}
    for event, spec in bound.events.items():
        entry = vendor.get("events", {}).get(keys.get(event, event), {})
        try:
            put(event, "TimeParameters", "ProcessingTime", law_element(ns, spec.duration))
            if isinstance(entry, dict):
                entry.pop("duration", None)
        except Unsupported:
            pass
    keys = resolve(scenario, process, "boundaries") if scenario.boundaries else {}
    for event, spec in bound.boundaries.items():
        entry = vendor.get("boundaries", {}).get(keys.get(event, event), {})
        if spec.probability is not None:
            put(event, "ControlParameters", "Probability", number_element(ns, spec.probability))
            entry.pop("probability", None)
        if spec.duration is not None:
            try:
                put(event, "ControlParameters", "InterTriggerTimer", law_element(ns, spec.duration))
                entry.pop("duration", None)
            except Unsupported:
                pass
    # gateways ---------------------------------------------------------------------------------
    for spec in bound.gateways.values():
        for flow, p in spec.probabilities.items():
            put(flow, "ControlParameters", "Probability", number_element(ns, p))
    vendor.pop("gateways", None)
    # calendars --------------------------------------------------------------------------------
    cal_ids = {name: _ncname(f"calendar-{name}") for name in bound.calendars}
    calendar_elements = []
    for name, cal in bound.calendars.items():
        if not hasattr(cal, "week_intervals"):
            continue
        el = etree.Element(f"{{{ns}}}Calendar", id=cal_ids[name], name=name)
        el.text = calendar_text(cal, name)
        calendar_elements.append(el)
    written = {name for name in bound.calendars if hasattr(bound.calendars[name], "week_intervals")}
    if "calendars" in vendor:
        for name in written:
            vendor["calendars"].pop(name, None)
    # roles ------------------------------------------------------------------------------------
    lanes: dict[str, str] = {}
    for lane in process.lanes.values():
        if lane.name:
            lanes.setdefault(" ".join(lane.name.split()), lane.id)
    new_resources = []
    for name, role in bound.roles.items():
        ref = lanes.get(name)
        if ref is None:
            ref = _ncname(f"Resource_{name}")
            new_resources.append(etree.Element(f"{{{bpmn}}}resource", id=ref, name=name))
        entry = vendor.get("roles", {}).get(name, {})
        shifts = role.shifts
        cal_name = lambda s: getattr(s.calendar, "name", None)  # noqa: E731
        if all(cal_name(s) in written or s.calendar is None for s in shifts):
            single = len(shifts) == 1 and shifts[0].name is None
            if single:
                put(ref, "ResourceParameters", "Quantity",
                    number_element(ns, shifts[0].staff, "NumericParameter"))
                if shifts[0].calendar is not None:
                    put(ref, "ResourceParameters", "Availability",
                        etree.Element(f"{{{ns}}}BooleanParameter", value="true",
                                      validFor=cal_ids[cal_name(shifts[0])]))
                    entry.pop("calendar", None)
                entry.pop("staff", None)
            elif all(s.calendar is not None for s in shifts):
                for s in shifts:
                    put(ref, "ResourceParameters", "Quantity",
                        number_element(ns, s.staff, "NumericParameter",
                                       validFor=cal_ids[cal_name(s)]))
                # shift names stay in the vendor data (BPSim values have none)
        if role.cost_per_hour:
            put(ref, "CostParameters", "UnitCost", number_element(ns, role.cost_per_hour / 3600.0))
            entry.pop("cost_per_hour", None)
    # vendor data: drop what is now empty -----------------------------------------------------
    for section in list(vendor):
        value = vendor[section]
        if isinstance(value, dict):
            for k in list(value):
                if value[k] == {}:
                    del value[k]
            if not value:
                del vendor[section]

    # assemble ---------------------------------------------------------------------------------
    rel = etree.SubElement(root, f"{{{bpmn}}}relationship", type="BPSimData")
    ext = etree.SubElement(rel, f"{{{bpmn}}}extensionElements")
    data = etree.SubElement(ext, f"{{{ns}}}BPSimData")
    sc = etree.SubElement(data, f"{{{ns}}}Scenario", id=_ncname(scenario_id),
                          name=str(scenario.name), vendor="bpsim", version=__version__,
                          created=dt.datetime.now().replace(microsecond=0).isoformat())
    sp = etree.SubElement(sc, f"{{{ns}}}ScenarioParameters", replication=str(bound.replications),
                          baseTimeUnit="s")
    if bound.seed is not None:
        sp.set("seed", str(bound.seed))
    start = etree.SubElement(sp, f"{{{ns}}}Start")
    etree.SubElement(start, f"{{{ns}}}DateTimeParameter", value=bound.start.isoformat())
    if bound.horizon is not None:
        duration = etree.SubElement(sp, f"{{{ns}}}Duration")
        duration.append(number_element(ns, bound.horizon, timeUnit="s"))
    for ref, groups in params.items():
        ep = etree.SubElement(sc, f"{{{ns}}}ElementParameters", elementRef=ref)
        for group in _GROUPS:
            if group not in groups:
                continue
            g = etree.SubElement(ep, f"{{{ns}}}{group}")
            for pname in _ORDER.get(group, sorted(groups[group])):
                for value_list in [groups[group].get(pname)]:
                    if value_list:
                        p = etree.SubElement(g, f"{{{ns}}}{pname}")
                        p.extend(value_list)
    for el in calendar_elements:
        sc.append(el)
    if vendor:
        ve = etree.SubElement(sc, f"{{{ns}}}VendorExtension", name=VENDOR)
        holder = etree.SubElement(ve, f"{{{VENDOR_NS}}}scenario", nsmap={"bpsimx": VENDOR_NS})
        holder.set("format", "yaml")
        holder.text = etree.CDATA(yaml.safe_dump(vendor, sort_keys=False, allow_unicode=True))
    processes = list(process.processes) or [root.get("id") or "definitions"]
    etree.SubElement(rel, f"{{{bpmn}}}source").text = processes[0]
    etree.SubElement(rel, f"{{{bpmn}}}target").text = processes[0]
    if new_resources:
        first_process = next((i for i, c in enumerate(root) if isinstance(c.tag, str)
                              and etree.QName(c).localname in ("process", "collaboration")), 0)
        for offset, res in enumerate(new_resources):
            root.insert(first_process + offset, res)
    etree.cleanup_namespaces(root, top_nsmap={"bpsim": BPSIM2})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_bpsim(scenario: Any, process: Process, path: str | Path, *,
                scenario_id: str = "bpsim") -> Path:
    """Write ``process`` as BPMN with ``scenario`` as BPSim 2.0 to ``path`` (atomically).

    Parameters
    ----------
    scenario : Scenario
        Checked against ``process`` first (a scenario that does not fit raises
        :class:`~bpsim.errors.ScenarioError`).
    process : Process
        The model; its BPMN file is copied as it is (ids, DI, vendor extensions), with any
        BPSim data it held replaced. A draw.io model is written as BPMN first.
    path : path
        The ``.bpmn`` file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from bpsim._atomic import write_bytes

    if process is None or not hasattr(process, "graph"):
        raise ReadError("write_bpsim needs a process read with bpsim.read(...), got "
                        f"{type(process).__name__}.")
    return write_bytes(path, bpsim_xml(scenario, process, scenario_id=scenario_id))
