"""Touchpoints: where the customer and the service meet, and how (digital, phone, in person).

In a blueprint, a flow that crosses the **line of interaction** (between the customer's
actions and the staff) is a touchpoint: the customer sends a request, an agent calls back, the
portal shows a reply. Flows crossing the **line of visibility** (frontstage to backstage) and
the **line of internal interaction** (staff to systems and other teams) are hand-overs out of
the customer's sight. :func:`crossings` lists every sequence flow and message flow that crosses
a line, with the lines it crosses and, for touchpoints, their type:

1. the scenario's ``blueprint: {touchpoints: {<flow or element>: phone}}``;
2. words in the flow's or its ends' names: phone / call / telefono / appel / telefon ->
   ``phone``; visit / in person / on site / sportello / guichet / osobiście -> ``in person``;
   e-mail / portal / web / chat / app / sms / online -> ``digital``;
3. otherwise ``channel``: the type of the channel the ticket came in by (its start event,
   typed the same way, or by ``blueprint: {channels: {...}}``; ``digital`` when unsaid).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bpsim.model import Process

__all__ = ["Crossing", "crossings", "guess_channel", "TOUCHPOINT_TYPES"]

TOUCHPOINT_TYPES = ("digital", "phone", "in person")

_TYPE_WORDS = [
    ("phone", r"phone|telephon\w*|t[eé]l[eé]phon\w*|telefon\w*|call\w*|chiamat\w*|appel\w*|"
              r"rappel\w*|dzwon\w*|po[lł][aą]czeni\w*|hotline|voice"),
    ("in person", r"in\W?person|on\W?site|onsite|visit\w*|walk\W?in|counter|desk\W?visit|"
                  r"sportello|di\W?persona|in\W?presenza|guichet|en\W?personne|sur\W?place|"
                  r"rendez\W?vous|osobi[sś]cie|wizyt\w*|face\W?to\W?face|meeting|incontro"),
    ("digital", r"e\W?mail\w*|mail\w*|portal\w*|portail\w*|web\w*|online|on\W?line|chat\w*|"
                r"app|sms|text\W?message|notif\w*|messag\w*|whatsapp|form\w*|modul\w*|"
                r"formulaire\w*|formularz\w*|ticket\w*|survey\w*|sondaggio|questionnaire|ankiet\w*"),
]
_TYPE_PATTERNS = [(t, re.compile(r"(?<![\w])(?:" + w + r")(?![\w])")) for t, w in _TYPE_WORDS]


def guess_channel(*names: str | None) -> str | None:
    """The touchpoint type the names suggest (``digital``, ``phone``, ``in person``), or
    ``None``.

    >>> guess_channel("Phone call received"), guess_channel("Richiesta via e-mail")
    ('phone', 'digital')
    >>> guess_channel("Visite au guichet"), guess_channel("Triage")
    ('in person', None)
    """
    for name in names:
        if not name:
            continue
        text = " ".join(str(name).lower().split())
        for t, pat in _TYPE_PATTERNS:
            if pat.search(text):
                return t
    return None


@dataclass
class Crossing:
    """A flow between two layers: ``flow`` id, ``kind`` (``sequence`` / ``message``),
    ``source``/``target`` (element ids), their layers, ``lines`` crossed (names from
    :data:`~bpsim.experience.layers.LINES`), ``touchpoint`` (crosses the line of
    interaction), ``direction`` (``to customer`` / ``from customer`` / ``internal``),
    ``type`` (touchpoints: ``digital`` / ``phone`` / ``in person`` / ``channel``), ``name``."""

    flow: str
    kind: str
    source: str
    target: str
    source_layer: str | None
    target_layer: str | None
    lines: tuple[str, ...]
    touchpoint: bool
    direction: str
    type: str | None
    name: str | None = None


# physical evidence is on the customer's side of the line of interaction (drawn above it)
_RANK = {"evidence": 1, "customer": 1, "frontstage": 2, "backstage": 3, "support": 4}
_LINE_AT = {1: "interaction", 2: "visibility", 3: "internal interaction"}


def _lines(a: str | None, b: str | None) -> tuple[str, ...]:
    ra, rb = _RANK[a or "backstage"], _RANK[b or "backstage"]
    lo, hi = min(ra, rb), max(ra, rb)
    return tuple(_LINE_AT[k] for k in range(lo, hi))


def crossings(process: Process, node_layer: Mapping[str, str | None],
              pool_layer: Mapping[str, str | None] | None = None,
              types: Mapping[str, str] | None = None) -> list[Crossing]:
    """Every sequence and message flow that crosses a blueprint line (see module docstring).

    ``node_layer`` maps flow node ids to layers (``None`` counts as backstage);
    ``pool_layer`` maps pool ids to layers (message flows may end at a black-box pool);
    ``types`` is the scenario's ``blueprint.touchpoints``.
    """
    types = dict(types or {})
    pool_layer = pool_layer or {}
    out: list[Crossing] = []

    def layer(e: str) -> str | None:
        if e in node_layer:
            return node_layer[e]
        return pool_layer.get(e)

    def typed(fid: str, name: str | None, s: str, t: str) -> str:
        for key in (fid, name, s, t, process.name_of(s), process.name_of(t)):
            if key is not None and key in types:
                return types[key]
        return guess_channel(name, process.name_of(s), process.name_of(t)) or "channel"

    flows = [(f.id, "sequence", f.source, f.target, f.name) for f in process.flows.values()]
    flows += [(m.id, "message", m.source, m.target, m.name) for m in process.message_flows.values()]
    for fid, kind, s, t, name in flows:
        ls, lt = layer(s), layer(t)
        lines = _lines(ls, lt) if (ls or lt) else ()
        if not lines:
            continue
        touch = "interaction" in lines
        if touch:
            direction = "from customer" if ls == "customer" else "to customer"
        else:
            direction = "internal"
        out.append(Crossing(fid, kind, s, t, ls, lt, lines, touch, direction,
                            typed(fid, name, s, t) if touch else None, name))
    return out
