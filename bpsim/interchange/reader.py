"""Reading BPSim scenarios out of a BPMN file.

:func:`read_bpsim_file` finds every ``bpsim:BPSimData`` of a file (1.0 or 2.0 namespace,
usually inside ``<bpmn:relationship type="BPSimData">``), resolves ``inherits`` chains, and
turns each ``bpsim:Scenario`` into the data of a bpsim scenario file, keyed by element name
where the name is unique (else by id):

============================================  ==============================================
BPSim                                         bpsim scenario
============================================  ==============================================
ScenarioParameters replication / seed         ``replications`` / ``seed``
ScenarioParameters Start / Duration / Warmup  ``start`` / ``horizon`` / ``warmup``
start event InterTriggerTimer, TriggerCount   ``arrivals.<start>.interarrival`` / ``.limit``
activity ProcessingTime                       ``tasks.<task>.duration``
activity Selection ``getResource('R', n)``,   ``tasks.<task>.role``
Role
catch event ProcessingTime (or WaitTime)      ``events.<event>.duration``
boundary event Probability / InterTriggerTimer ``boundaries.<event>.probability`` / duration
sequence flow Probability (0-1 or 0-100)      ``gateways.<gateway>.<flow>``
lane / resource Quantity (per calendar)       ``roles.<role>.staff`` (``shifts`` per calendar)
lane / resource / activity UnitCost           ``roles.<role>.cost_per_hour``
Calendar (iCalendar)                          ``calendars.<name>``
VendorExtension ``bpsim``                     whatever BPSim cannot hold (written by bpsim)
============================================  ==============================================

Everything else (FixedCost, PriorityParameters, PropertyParameters, expressions, queue and
set-up times, ...) is reported as a finding naming the element and the parameter; nothing is
dropped in silence. Assumptions (a missing base time unit, a 0-100 probability scale, a default
horizon) are findings too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bpsim.errors import ReadError, ScenarioError
from bpsim.interchange.laws import local
from bpsim.interchange.scenario_data import VENDOR, VENDOR_NS, ScenarioReader
from bpsim.model import Finding, Process

__all__ = ["BPSIM_NAMESPACES", "VENDOR", "VENDOR_NS", "BPSimImport", "has_bpsim",
           "find_bpsim_data", "read_bpsim_file", "read_bpsim"]

#: Namespaces of BPSim 1.0 and 2.0 (both read; bpsim writes 2.0).
BPSIM_NAMESPACES = ("http://www.bpsim.org/schemas/1.0", "http://www.bpsim.org/schemas/2.0")


@dataclass
class BPSimImport:
    """What :func:`read_bpsim_file` found in one file.

    ``scenarios`` are bpsim :class:`~bpsim.scenario.Scenario` objects in file order, ``ids``
    their BPSim ids, ``data`` the plain scenario data (what ``bpsim scenario-from-bpsim``
    writes as YAML) and ``findings`` every parameter not used and every assumption made.
    """

    file: str
    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    namespace: str | None = None
    #: Findings per scenario id (``findings`` holds them all, in order).
    by_scenario: dict[str, list[Finding]] = field(default_factory=dict)

    def findings_of(self, index: int = 0) -> list[Finding]:
        """The findings of scenario ``index``."""
        return self.by_scenario.get(self.ids[index], [])

    @property
    def scenarios(self) -> list[Any]:
        """The scenarios as :class:`~bpsim.scenario.Scenario` objects (checked for form)."""
        from bpsim.scenario import Scenario

        out = []
        for sid, data in zip(self.ids, self.data):
            try:
                out.append(Scenario.from_dict(data, source=self.file))
            except ScenarioError as exc:
                raise ScenarioError(f"BPSim scenario {sid!r}: {exc.message}", file=self.file,
                                    hint=exc.hint) from None
        return out

    def to_yaml(self, index: int = 0) -> str:
        """The scenario ``index`` as YAML text, findings as comments at the top."""
        head = [f"# Scenario {self.ids[index]!r} read from the BPSim data of {self.file}."]
        mine = self.findings_of(index)
        if mine:
            head.append("# Not used or assumed (bpsim scenario-from-bpsim):")
            head += [f"#   {f.severity}{(' line ' + str(f.line)) if f.line else ''}: {_where(f)}"
                     f"{f.message.split(': ', 1)[-1]}" for f in mine]
        body = yaml.safe_dump(_plain(self.data[index]), sort_keys=False, allow_unicode=True,
                              width=100)
        return "\n".join(head) + "\n" + body


def _where(f: Finding) -> str:
    if f.element_id is None:
        return ""
    return f"{f.element_id}" + (f' "{f.element_name}"' if f.element_name else "") + ": "


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def find_bpsim_data(root: Any) -> list[Any]:
    """Every ``BPSimData`` element below ``root`` (either namespace)."""
    found = []
    for ns in BPSIM_NAMESPACES:
        found += root.iter(f"{{{ns}}}BPSimData")
    return sorted(found, key=lambda e: e.sourceline or 0)


def has_bpsim(root: Any) -> bool:
    """Whether a parsed BPMN document carries BPSim data."""
    return bool(find_bpsim_data(root))


def read_bpsim(path: str | Path) -> list[Any]:
    """Every BPSim scenario of a BPMN file, as bpsim scenarios.

    Parameters
    ----------
    path : str or Path
        A BPMN 2.0 file with ``bpsim:BPSimData`` (1.0 or 2.0).

    Returns
    -------
    list of Scenario
        In file order. Use :func:`read_bpsim_file` for the findings (parameters not used,
        assumptions made) that come with them.

    Raises
    ------
    ReadError
        Unreadable file, or no BPSim data in it.

    Examples
    --------
    >>> import bpsim
    >>> scenarios = bpsim.read_bpsim("claims.bpmn")                 # doctest: +SKIP
    >>> results = bpsim.simulate(bpsim.read("claims.bpmn"), scenarios[0])  # doctest: +SKIP
    """
    return read_bpsim_file(path).scenarios


def read_bpsim_file(path: str | Path, process: Process | None = None) -> BPSimImport:
    """Read the BPSim data of ``path`` (see the module docstring for the mapping)."""
    from bpsim.io.bpmn import read_bpmn
    from bpsim.io.safexml import parse_xml, read_source

    data, name = read_source(path)
    root = parse_xml(data, file=name)
    blocks = find_bpsim_data(root)
    if not blocks:
        raise ReadError("the file holds no BPSim data (no bpsim:BPSimData element).",
                        file=name,
                        hint="give a scenario with --scenario S.yaml, or export the BPMN file "
                             "with its simulation parameters from your modeller (BPSim).")
    if process is None:
        process = read_bpmn(path)
    result = BPSimImport(file=name)
    result.namespace = blocks[0].tag.split("}")[0][1:]
    resources = {el.get("id"): el.get("name") for el in root.iter()
                 if isinstance(el.tag, str) and local(el) in ("resource", "performer",
                                                              "humanPerformer", "potentialOwner")
                 and el.get("id")}
    scenarios: dict[str, Any] = {}
    order: list[str] = []
    for block in blocks:
        for sc in block:
            if isinstance(sc.tag, str) and local(sc) == "Scenario":
                sid = sc.get("id") or f"scenario-{len(order) + 1}"
                scenarios[sid] = sc
                order.append(sid)
    if not order:
        raise ReadError(f"{name}: bpsim:BPSimData holds no bpsim:Scenario.", file=name,
                        hint="export the simulation scenario from your modeller again.")
    for sid in order:
        reader = ScenarioReader(process, scenarios, sid, name, resources)
        result.ids.append(sid)
        result.names.append(scenarios[sid].get("name") or sid)
        result.data.append(reader.read())
        result.findings += reader.findings
        result.by_scenario[sid] = reader.findings
    return result
