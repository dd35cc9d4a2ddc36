"""Simulation parameters other tools store inside a BPMN file, which bpsim does not use.

Some modellers keep their own simulation settings in the BPMN XML: BPSim (``bpsim:BPSimData``
inside a ``<relationship>``, written by Trisotech, jBPM, Sparx and others), QBP / BIMP / Simod
(``qbp:processSimulationInfo``), and other vendors' extension elements whose name or namespace
says "simulation". bpsim reads its scenario from YAML (docs/scenario.md), so the reader reports
each of them as an ``info`` finding (rule ``simulation-data``) naming what was found:
never dropped in silence. BPSim data is used only when asked (``bpsim simulate FILE`` without
``--scenario``, ``bpsim scenario-from-bpsim``; see docs/bpsim-interchange.md); the others are
not used at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["RULE", "simulation_extensions"]

RULE = "simulation-data"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/"
_BPSIM = "http://www.bpsim.org/schemas/"
_QBP = "http://www.qbp-simulator.com/"
#: Tags of the BPMN model and of its diagram interchange (DD: bounds, waypoints), most of a
#: file's elements: skipped on their tag alone, unless it says "simul".
_BPMN_TAG = "{" + BPMN_NS
_DD_TAG = "{http://www.omg.org/spec/DD/"


def _ns(el: Any) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(el: Any) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def simulation_extensions(root: Any) -> Iterator[tuple[Any, str]]:
    """``(element, message)`` for each block of foreign simulation data under ``root``.

    One entry per outermost block (a ``BPSimData`` element, a ``processSimulationInfo``, a
    vendor's ``...Simulation...`` element); blocks nested in a reported one are not repeated.
    """
    reported: list[Any] = []  # kept alive, so that lxml hands out the same proxies
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str) or not tag.startswith("{") or tag.startswith(_BPMN_TAG) \
                or (tag.startswith(_DD_TAG) and "simul" not in tag.lower()):
            continue
        ns, local = _ns(el), _local(el)
        if ns.startswith(BPMN_NS) or not ns:
            continue
        parent = el.getparent()
        if reported and any(a is r for a in el.iterancestors() for r in reported):
            continue
        message = None
        if ns.startswith(_BPSIM) and local == "BPSimData":
            scenarios = [s for s in el.iter() if isinstance(s.tag, str) and _local(s) == "Scenario"]
            names = [s.get("name") or s.get("id") or "?" for s in scenarios]
            version = ns[len(_BPSIM):].strip("/") or "?"
            holder = _holder(el)
            message = (f"this file carries BPSim {version} simulation parameters (bpsim:BPSimData"
                       f"{' in ' + holder if holder else ''}; {len(scenarios)} scenario"
                       f"{'s' if len(scenarios) != 1 else ''}"
                       + (": " + ", ".join(repr(n) for n in names[:5]) if names else "")
                       + "). bpsim uses them only when asked: `bpsim simulate FILE` without "
                       "--scenario runs the first, `bpsim scenario-from-bpsim FILE -o S.yaml` "
                       "turns one into a scenario file; with --scenario they are not used.")
        elif ns.startswith(_BPSIM) and parent is not None and _ns(parent) != ns:
            message = (f"this file carries BPSim simulation data (bpsim:{local}), which bpsim "
                       "does not use: give the scenario in YAML (docs/scenario.md).")
        elif ns.startswith(_QBP) and (parent is None or _ns(parent) != ns):
            count = sum(1 for x in el.iter() if isinstance(x.tag, str) and _ns(x) == ns)
            message = (f"this file carries QBP / BIMP simulation parameters (qbp:{local}, "
                       f"{count} elements), which bpsim does not use: give the scenario in YAML "
                       "(docs/scenario.md).")
        elif ("simul" in local.lower() or "simul" in ns.lower()) and not ns.startswith(
                (_BPSIM, _QBP)) and (parent is None or _ns(parent) != ns):
            message = (f"this file carries another tool's simulation data (<{local}> in "
                       f"namespace {ns}), which bpsim does not use: give the scenario in YAML "
                       "(docs/scenario.md).")
        if message is not None:
            reported.append(el)
            yield el, message


def _holder(el: Any) -> str:
    """``"<relationship> Rel_1"``: the BPMN element whose extension holds ``el``."""
    node = el.getparent()
    while node is not None and not _ns(node).startswith(BPMN_NS):
        node = node.getparent()
    if node is not None and _local(node) == "extensionElements":
        node = node.getparent()
    if node is None:
        return ""
    return f"<{_local(node)}>" + (f" {node.get('id')}" if node.get("id") else "")
