"""Blueprint layers: who stands where between the customer and the back office.

A service blueprint (seeds 000-002: Italian, French, Polish templates) stacks the people and
systems of a service in horizontal bands, separated by three lines:

====================  =====================================================================
``evidence``          what the customer sees or keeps: e-mails, the portal, a fix report
``customer``          the customer's own actions ("describe the problem", "reply")
*line of interaction*
``frontstage``        contact staff the customer sees or hears (the service-desk agent)
*line of visibility*
``backstage``         contact staff working out of sight (the specialist)
*line of internal interaction*
``support``           systems and other teams (the ticketing system, suppliers)
====================  =====================================================================

Lanes and pools of a drawing are put in layers by a scenario's ``blueprint: {layers: ...}``
section, or guessed from their names in the seeds' languages (customer / cliente / client /
klient, front / prima linea / première ligne, back / coulisses / zaplecze, support / système /
system / sistema ...). Every guess is said in an info finding (``blueprint-layer-guess``), so
the user can confirm it or write the mapping.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from bpsim.model import Finding, Process

__all__ = ["LAYERS", "ROWS", "LINES", "guess_layer", "classify", "layer_of_node", "normalise_layer"]

#: The layers, top to bottom.
LAYERS = ("evidence", "customer", "frontstage", "backstage", "support")
#: The lines between layers: name -> (layer above, layer below).
LINES = {
    "interaction": ("customer", "frontstage"),
    "visibility": ("frontstage", "backstage"),
    "internal interaction": ("backstage", "support"),
}
#: The rows of the drawn grid, top to bottom (layers and lines).
ROWS = ("evidence", "customer", "line of interaction", "frontstage", "line of visibility",
        "backstage", "line of internal interaction", "support")

_ALIASES = {
    "customer": "customer", "customer actions": "customer", "client": "customer",
    "frontstage": "frontstage", "front stage": "frontstage", "front": "frontstage",
    "onstage": "frontstage",
    "backstage": "backstage", "back stage": "backstage", "back": "backstage",
    "support": "support", "support processes": "support", "system": "support",
    "systems": "support",
    "evidence": "evidence", "physical evidence": "evidence",
}

# Word stems per layer, in English, Italian, French, Polish (the seeds) and a few German and
# Spanish words. Order matters: the first layer with a match wins, so "customer support" is
# the customer's lane only when nothing says support first; see _PATTERNS below.
_WORDS: dict[str, list[str]] = {
    "customer": [r"customer", r"client[ei]?", r"clientes?", r"cliente", r"klient\w*", r"klienc\w*", r"user",
                 r"utente", r"usager", r"utilisateur", r"u[żz]ytkownik\w*", r"requester",
                 r"richiedente", r"demandeur", r"kunde\w*", r"consumer", r"caller", r"patient",
                 r"guest", r"ospite", r"passenger", r"citizen"],
    "frontstage": [r"front\W?stage", r"front\W?office", r"front\W?line", r"front\w*",
                   r"first\W?line", r"1st\W?line", r"level\W?1", r"l1", r"prima\W?linea",
                   r"primo\W?livello", r"premi[eè]re\W?ligne", r"niveau\W?1", r"pierwsz\w+\W?lini\w*",
                   r"service\W?desk", r"help\W?desk", r"helpdesk", r"contact\W?cent\w+",
                   r"call\W?cent\w+", r"agent\w*", r"operat\w+", r"operator\w*", r"konsultant\w*",
                   r"accueil", r"reception\w*", r"sportello", r"guichet", r"conseiller\w*",
                   r"visible", r"visibil\w+", r"widoczn\w+", r"en\W?premi[eè]re\W?ligne"],
    "backstage": [r"back\W?stage", r"back\W?office", r"back\w*", r"second\W?line",
                  r"2nd\W?line", r"level\W?2", r"l2", r"l3", r"seconda\W?linea",
                  r"secondo\W?livello", r"dietro\W?le\W?quinte", r"coulisses?",
                  r"deuxi[eè]me\W?ligne", r"zaplecz\w*", r"drug\w+\W?lini\w*", r"specialist\w*",
                  r"speciali[sz]t\w*", r"sp[eé]cialiste\w*", r"speci?alista\w*", r"specjalist\w*", r"expert\w*",
                  r"esperto", r"technician\w*", r"tecnic\w+", r"technicien\w*", r"technik\w*",
                  r"engineer\w*", r"invisible", r"invisibil\w+", r"niewidoczn\w+"],
    "support": [r"support\W?process\w*", r"processi?\W?di\W?supporto", r"processus\W?sous",
                r"sous\W?jacents?", r"system\w*", r"syst[eè]me\w*", r"sistem\w*", r"tecnolog\w+",
                r"technolog\w+", r"technologi\w+", r"it\W?system\w*", r"tool\w*", r"strument\w*",
                r"outil\w*", r"narz[eę]dz\w*", r"platform\w*", r"piattaform\w*",
                r"plateforme\w*", r"automat\w*", r"ticketing", r"crm", r"erp", r"database",
                r"supplier\w*", r"fornitor\w+", r"fournisseur\w*", r"dostawc\w+", r"vendor\w*",
                r"partner\w*", r"support\w*", r"supporto", r"wsparci\w+", r"processi", r"proces\w*"],
    "evidence": [r"evidence", r"physical\W?evidence", r"prov\w+\W?mat[eé]riel\w*",
                 r"preuve\w*", r"evidenz\w*", r"prove", r"dowod\w*", r"dow[oó]d\w*",
                 r"touch\W?points?", r"punti\W?di\W?contatto", r"points?\W?de\W?contact",
                 r"punkty\W?kontaktowe"],
}

# Checked in this order: specific words of a layer before generic ones ("support process"
# before "support"; "customer support" reads as support, not as the customer).
_ORDER = [("evidence", 0), ("support", 0), ("backstage", 0), ("frontstage", 0), ("customer", 0)]


def _fold(text: str) -> str:
    """Lower case without accents (première -> premiere keeps both spellings matching)."""
    return unicodedata.normalize("NFC", " ".join(str(text).lower().split()))


def _compile() -> list[tuple[str, re.Pattern]]:
    out = []
    for layer, words in _WORDS.items():
        out.append((layer, re.compile(r"(?<![\w])(?:" + "|".join(words) + r")(?![\w])")))
    return out


_PATTERNS = dict(_compile())
#: A name that says "customer" in front of a desk word is the desk ("customer service").
_CUSTOMER_DESK = re.compile(r"(customer|client\w*|klient\w*)\W+(service|support|care|desk|"
                            r"success|obs[lł]ug\w*|assistan\w+)|"
                            r"(service|servizio|obs[lł]uga|assistenza|supporto)\W+(client\w*|"
                            r"klient\w*)")


def guess_layer(name: str | None) -> str | None:
    """The blueprint layer a lane or pool name suggests, or ``None`` when it says nothing.

    >>> guess_layer("Cliente"), guess_layer("Klient"), guess_layer("Client")
    ('customer', 'customer', 'customer')
    >>> guess_layer("Service desk (first line)"), guess_layer("Coulisses")
    ('frontstage', 'backstage')
    >>> guess_layer("Système de ticketing"), guess_layer("Processi di supporto")
    ('support', 'support')
    """
    if not name:
        return None
    text = _fold(name)
    if _CUSTOMER_DESK.search(text):  # "customer service", "servizio clienti": the desk
        return "frontstage"
    hits = {layer: m.start() for layer, pat in _PATTERNS.items() if (m := pat.search(text))}
    if not hits:
        return None
    if "customer" in hits and len(hits) > 1:
        # "Customer support team" is staff; "Customer (portal)" is the customer
        others = {k: v for k, v in hits.items() if k != "customer"}
        if any(v > hits["customer"] for v in others.values()):
            return min(others, key=others.__getitem__)
    for layer, _ in _ORDER:
        if layer in hits and layer != "customer":
            if "customer" in hits and hits["customer"] < hits[layer]:
                continue
            return layer
    return "customer" if "customer" in hits else None


def normalise_layer(value: str) -> str | None:
    """A layer name as a scenario may write it (``front stage``, ``Support processes``),
    or ``None`` when it is none of :data:`LAYERS`."""
    text = _fold(value).replace("_", " ").replace("-", " ")
    return _ALIASES.get(text)


def classify(process: Process, layers: Mapping[str, str] | None = None
             ) -> tuple[dict[str, str | None], list[Finding]]:
    """Put every lane and pool of ``process`` in a layer.

    Parameters
    ----------
    process : Process
    layers : mapping, optional
        The scenario's ``blueprint.layers``: lane or pool (id or name) -> layer. What it names
        wins; the rest is guessed from names.

    Returns
    -------
    (dict, list of Finding)
        Lane / pool id -> layer (``None``: unknown), and the findings: an info
        ``blueprint-layer-guess`` per guess, a warning ``blueprint-layer-unknown`` per lane
        nothing places.
    """
    given: dict[str, str] = {}
    for key, value in (layers or {}).items():
        given[str(key)] = value
    out: dict[str, str | None] = {}
    findings: list[Finding] = []

    def named(eid: str, name: str | None) -> str | None:
        for k in (eid, name, " ".join(str(name or "").split())):
            if k is not None and k in given:
                return given[k]
        return None

    entries: list[tuple[str, str | None, int | None, str]] = []
    for lane in process.lanes.values():
        entries.append((lane.id, lane.name, lane.line, "lane"))
    for part in process.participants.values():
        entries.append((part.id, part.name, part.line, "pool"))
    for eid, name, line, what in entries:
        layer = named(eid, name)
        if layer is not None:
            out[eid] = layer
            continue
        guess = guess_layer(name)
        out[eid] = guess
        has_lanes = what == "pool" and any(
            lane.process == process.participants[eid].process for lane in process.lanes.values())
        if has_lanes:
            continue  # a pool with lanes: its lanes say it
        if guess is not None:
            findings.append(Finding(
                "blueprint-layer-guess", "info", eid, name,
                f"the {what} {name!r} is read as the blueprint's {guess} layer (from its name); "
                f"to change it, write blueprint: {{layers: {{{name or eid}: <layer>}}}} in the "
                f"scenario (layers: {', '.join(LAYERS[1:])}).", line, process.source))
        else:
            findings.append(Finding(
                "blueprint-layer-unknown", "warning", eid, name,
                f"nothing says which blueprint layer the {what} {name!r} is; its elements "
                "count as backstage (out of the customer's sight).", line, process.source))
    return out, findings


def layer_of_node(process: Process, node: str, lane_layers: Mapping[str, str | None]) -> str | None:
    """The layer of a flow node: its innermost lane's, else an outer lane's, else its pool's."""
    data = process.graph.nodes[node]
    lane = data.get("lane")
    while lane is not None:
        if lane_layers.get(lane):
            return lane_layers[lane]
        lane = process.lanes[lane].parent if lane in process.lanes else None
    pid = data.get("process")
    info = process.processes.get(pid)
    if info is not None and info.participant is not None:
        return lane_layers.get(info.participant)
    return None
