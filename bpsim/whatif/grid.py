"""The what-if grid: every combination of the values a study varies.

"What if we had 2, 3 or 4 agents, with today's volume or 30 % more?" is a grid of
3 x 2 = 6 variants. The study names each knob by its dotted path in the scenario
(``roles.Agent.staff``, ``arrivals.E-mail received.scale``) and lists the values to try;
:func:`expand_grid` turns that into the list of variants, first key varying slowest
(the order in which the table and the plots show them).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from bpsim.errors import ScenarioError

__all__ = ["expand_grid", "parse_value", "parse_vary"]


def expand_grid(vary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every combination of the values in ``vary`` (a dotted path -> list of values).

    A single value (not a list) counts as a one-value list.

    >>> expand_grid({"roles.Agent.staff": [2, 3], "arrivals.E-mail received.scale": [1.0, 1.3]})
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'roles.Agent.staff': 2, 'arrivals.E-mail received.scale': 1.0},
     {'roles.Agent.staff': 2, 'arrivals.E-mail received.scale': 1.3},
     {'roles.Agent.staff': 3, 'arrivals.E-mail received.scale': 1.0},
     {'roles.Agent.staff': 3, 'arrivals.E-mail received.scale': 1.3}]
    """
    if not isinstance(vary, Mapping) or not vary:
        raise ScenarioError(
            "nothing to vary.",
            hint='pass e.g. vary={"roles.Agent.staff": [2, 3, 4]} (CLI: --vary roles.Agent.staff=2,3,4).',
        )
    keys: list[str] = []
    columns: list[list[Any]] = []
    for key, values in vary.items():
        if not isinstance(key, str) or not key.strip():
            raise ScenarioError(f"a varied key must be a dotted path, got {key!r}.",
                                hint="write it like roles.Agent.staff.")
        if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
            values = [values]
        values = list(values)
        if not values:
            raise ScenarioError("no value given to try.", key=key,
                                hint=f"list at least one value, e.g. {key}=2,3,4.")
        keys.append(key)
        columns.append(values)
    return [dict(zip(keys, combo)) for combo in itertools.product(*columns)]


def parse_value(text: str) -> Any:
    """A command-line value as YAML reads it: ``3`` -> 3, ``1.3`` -> 1.3, ``4h`` -> "4h"."""
    import yaml

    text = text.strip()
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if value is None or isinstance(value, dict | list):
        return text
    return value


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets: ``"fixed(1m),uniform(1m, 2m)"`` -> two values."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_vary(specs: list[str]) -> dict[str, list[Any]]:
    """``["roles.Agent.staff=2,3,4", ...]`` (``--vary`` arguments) -> a vary mapping.

    >>> parse_vary(["roles.Agent.staff=2,3", "arrivals.E-mail received.scale=1,1.3"])
    {'roles.Agent.staff': [2, 3], 'arrivals.E-mail received.scale': [1, 1.3]}
    """
    vary: dict[str, list[Any]] = {}
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ScenarioError(
                f"--vary {spec!r} is not KEY=VALUES.",
                hint="write it like --vary roles.Agent.staff=2,3,4.",
            )
        items = [v for v in _split_top_level(values) if v.strip()]
        if not items:
            raise ScenarioError(f"--vary {spec!r} lists no value.", key=key,
                                hint=f"write it like --vary {key}=2,3,4.")
        if key in vary:
            raise ScenarioError(f"--vary names {key} twice.", key=key,
                                hint="give all its values in one --vary, comma-separated.")
        vary[key] = [parse_value(v) for v in items]
    return vary
