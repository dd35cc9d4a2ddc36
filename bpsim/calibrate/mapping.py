"""Which log activity is which element of the diagram.

An activity matches an element when their names are equal after folding (lower case, runs of
white space as one space, no surrounding blanks) or when the activity is the element's id.
A ``--map`` YAML file overrides this: ``{Log activity: element name or id}``, and ``null``
ignores an activity on purpose. Every activity left over is reported with its number of
events, and so is every task or event of the diagram that the log never shows.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bpsim.errors import BpsimError, ReadError
from bpsim.model import ACTIVITY_TYPES, EVENT_TYPES, Process

__all__ = ["Mapping", "map_activities", "load_map", "FitError", "MAPPABLE"]

#: Element types a log activity may stand for.
MAPPABLE = ACTIVITY_TYPES | EVENT_TYPES


class FitError(BpsimError):
    """The log does not fit the model (exit 1): e.g. no activity matches the diagram."""


def fold(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


@dataclass
class Mapping:
    """``activity -> element id`` plus what was left over (with event counts)."""

    elements: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    unseen: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_map(path: str | os.PathLike | dict | None) -> dict[str, str | None]:
    """Read a ``--map`` YAML file: ``{log activity: element name or id (or null)}``."""
    if path is None:
        return {}
    if isinstance(path, dict):
        return {str(k): (None if v is None else str(v)) for k, v in path.items()}
    from bpsim.scenario.loader import read_yaml

    data, _ = read_yaml(Path(path))
    if not isinstance(data, dict):
        raise ReadError("a --map file is a mapping {log activity: element name or id}.",
                        file=str(path), hint="e.g.  Take in charge ticket: Take in charge")
    return {str(k): (None if v is None else str(v)) for k, v in data.items()}


def _mappable(process: Process) -> list[str]:
    return [n for n, t in process.graph.nodes(data="type") if t in MAPPABLE]


def map_activities(process: Process, counts: dict[str, int],
                   explicit: dict[str, str | None] | None = None, *,
                   file: str | None = None) -> Mapping:
    """Map the log's activities (with their event counts) onto ``process``'s elements."""
    nodes = _mappable(process)
    by_name: dict[str, list[str]] = {}
    for n in nodes:
        by_name.setdefault(fold(n), []).append(n)
        name = process.graph.nodes[n].get("name")
        if name:
            by_name.setdefault(fold(name), []).append(n)
    elements: dict[str, str] = {}
    ignored: list[str] = []
    notes: list[str] = []
    explicit = dict(explicit or {})
    folded_explicit = {fold(k): v for k, v in explicit.items()}
    for key in explicit:
        if key not in counts and fold(key) not in {fold(a) for a in counts}:
            notes.append(f"--map names activity {key!r}, which the log does not have.")
    for activity in counts:
        if activity in explicit or fold(activity) in folded_explicit:
            target = explicit.get(activity, folded_explicit.get(fold(activity)))
            if target is None:
                ignored.append(activity)
                continue
            found = by_name.get(fold(target)) or ([target] if target in process.graph else [])
            if not found:
                raise FitError(
                    f"--map: activity {activity!r} maps to {target!r}, which names no task or "
                    "event of the diagram.", file=file,
                    hint="name an element of the model by its name or id; known: "
                    + ", ".join(sorted({str(process.graph.nodes[n].get('name') or n)
                                        for n in nodes})[:20]) + ".")
            elements[activity] = found[0]
            continue
        matches = by_name.get(fold(activity))
        if matches:
            uniq = list(dict.fromkeys(matches))
            if len(uniq) > 1:
                notes.append(f"activity {activity!r} matches {len(uniq)} elements "
                             f"({', '.join(uniq)}); mapped to {uniq[0]} (use --map to choose).")
            elements[activity] = uniq[0]
    unmapped = {a: int(c) for a, c in counts.items()
                if a not in elements and a not in ignored}
    seen = set(elements.values())
    unseen = [n for n in nodes if n not in seen
              and process.graph.nodes[n].get("type") not in ("startEvent", "endEvent")]
    if not elements:
        acts = sorted(counts, key=lambda a: -counts[a])[:8]
        names = sorted({str(process.graph.nodes[n].get("name") or n) for n in nodes})[:12]
        raise FitError(
            "no activity of the log matches a task or event of the diagram "
            f"(log activities: {', '.join(map(repr, acts))}; diagram: "
            f"{', '.join(map(repr, names))}).", file=file,
            hint="name the tasks like the log's activities, or give --map M.yaml with "
                 "'log activity: element name' lines; check --activity names the right column.")
    return Mapping(elements, ignored, unmapped, unseen, notes)
