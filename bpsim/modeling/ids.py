"""Element ids and names for the process editor: generated, unique, never reused."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bpsim.errors import ModelError
from bpsim.model import (
    EVENT_TYPES,
    GATEWAY_TYPES,
    SUBPROCESS_TYPES,
    Lane,
    Process,
)

__all__ = ["Identifiers", "id_prefix"]



_PREFIX = {"startEvent": "Start", "endEvent": "End", "boundaryEvent": "Boundary",
           "intermediateCatchEvent": "Event", "intermediateThrowEvent": "Event",
           "subProcess": "SubProcess", "transaction": "Transaction",
           "adHocSubProcess": "SubProcess", "callActivity": "CallActivity"}


def id_prefix(node_type: str) -> str:
    """The id prefix bpsim gives new elements of a type (``Task``, ``Gateway``, ``Start`` ...)."""
    if node_type in _PREFIX:
        return _PREFIX[node_type]
    if node_type in GATEWAY_TYPES:
        return "Gateway"
    if node_type in EVENT_TYPES:
        return "Event"
    return "Task"


def _slug(name: str | None) -> str:
    """``"Triage ticket"`` -> ``"TriageTicket"`` (ASCII letters and digits only)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", text)
    slug = "".join(w[:1].upper() + w[1:] for w in words)[:40]
    return slug if slug[:1].isalpha() else ("N" + slug if slug else "")


def _blank_node(node_type: str, name: str | None, process: str | None, lane: str | None,
                parent: str | None) -> dict[str, Any]:
    return {"type": node_type, "name": name, "lane": lane, "process": process,
            "parent": parent, "line": None, "event": None, "events": [], "timer": None,
            "default": None, "attached_to": None, "cancel_activity": None,
            "interrupting": True if node_type == "startEvent" else None,
            "triggered_by_event": False if node_type in SUBPROCESS_TYPES else None,
            "called_element": None, "loop": None, "extensions": [], "attributes": {}}


class Identifiers:
    """The process an editor works on, and how it names elements.

    Ids are unique and stable; generated ids read like the element (``Task_TriageTicket``,
    ``Gateway_3``) and are never handed out twice, not even after the element is removed.
    Elements are named by id, by a unique name, or by a builder's handle.
    """

    def __init__(self, process: Process) -> None:
        self.process = process

    # -- ids -----------------------------------------------------------------------------
    def _retired(self) -> list[str]:
        return self.process.meta.setdefault("retired_ids", [])

    def _taken(self, element_id: str) -> bool:
        p = self.process
        return any(element_id in table for table in (
            p.graph, p.flows, p.lanes, p.processes, p.participants, p.message_flows,
            p.artifacts, p.definitions)) or element_id in self._retired()

    def new_id(self, prefix: str, name: str | None = None) -> str:
        """A fresh id: ``<prefix>_<Name>`` (``_2``, ``_3`` ... when taken) or ``<prefix>_<n>``.

        Ids of removed elements are remembered (in ``process.meta["retired_ids"]``) and never
        handed out again.
        """
        slug = _slug(name)
        if slug:
            candidate, n = f"{prefix}_{slug}", 1
            while self._taken(candidate):
                n += 1
                candidate = f"{prefix}_{slug}_{n}"
            return candidate
        n = 1
        while self._taken(f"{prefix}_{n}"):
            n += 1
        return f"{prefix}_{n}"

    def _claim(self, element_id: str | None, prefix: str, name: str | None) -> str:
        if element_id is None:
            return self.new_id(prefix, name)
        if self._taken(element_id):
            raise ModelError(f"the id {element_id!r} is already used (or was used before).",
                             element_id=element_id, element_name=name,
                             hint="leave id= out to get a fresh id, or choose another one.")
        if not re.fullmatch(r"[A-Za-z_][\w.\-]*", element_id):
            raise ModelError(f"{element_id!r} is not a valid XML id.", element_id=element_id,
                             element_name=name, hint="start with a letter or _; then letters, "
                             "digits, _, - or . only.")
        return element_id

    # -- finding things ------------------------------------------------------------------
    def node_id(self, node: Any) -> str:
        """The id of a node given as id, name or handle; ModelError when none or ambiguous."""
        key = getattr(node, "id", node)
        hits = self.process.find(str(key))
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise ModelError(f"no flow node has the id or name {key!r}.", element_id=str(key),
                             hint="check the spelling; bpsim inspect FILE lists the nodes.")
        raise ModelError(f"the name {key!r} is used by several nodes: {', '.join(hits)}.",
                         element_name=str(key), hint="name the node by its id instead.")

    def lane_id(self, lane: Any) -> str:
        """The id of a lane given as id, name or handle."""
        key = getattr(lane, "id", lane)
        if key in self.process.lanes:
            return key
        hits = [ln.id for ln in self.process.lanes.values() if ln.name == key]
        if len(hits) == 1:
            return hits[0]
        raise ModelError(
            f"no lane has the id or name {key!r}." if not hits else
            f"the lane name {key!r} is used by several lanes: {', '.join(hits)}.",
            element_id=str(key), hint="name an existing lane (by id when names repeat).")

    def flow_id(self, flow: Any) -> str:
        """The id of a sequence flow given as id, name or :class:`~bpsim.model.Flow`."""
        key = getattr(flow, "id", flow)
        if key in self.process.flows:
            return key
        hits = [f.id for f in self.process.flows.values() if f.name == key]
        if len(hits) == 1:
            return hits[0]
        raise ModelError(
            f"no sequence flow has the id or name {key!r}." if not hits else
            f"the flow name {key!r} is used by several flows: {', '.join(hits)}.",
            element_id=str(key), hint="name the flow by its id.")

    def _error(self, node: str, message: str, hint: str) -> ModelError:
        return ModelError(message, element_id=node, element_name=self.process.name_of(node),
                          hint=hint, file=self.process.source)

    def _enter_lane(self, nid: str, lane_id: str) -> None:
        """List ``nid`` in the lane and its parent lanes (as BPMN files do); set ``lane``."""
        p = self.process
        p.graph.nodes[nid]["lane"] = lane_id
        lane: Lane | None = p.lanes[lane_id]
        while lane is not None:
            if nid not in lane.nodes:
                lane.nodes.append(nid)
            lane = p.lanes.get(lane.parent) if lane.parent else None
