"""Turning rules off or changing their severity, the way ``.bpmnlintrc`` does.

A team that draws its service desk without labels on merge gateways, or that accepts
inclusive gateways, says so once in a file beside its models instead of reading the same
findings every day. bpsim looks, in this order, for

1. ``.bpsim.toml`` in the model's folder, then
2. the nearest ``pyproject.toml`` with a ``[tool.bpsim.validate]`` table, searching upward
   from the model's folder,

and uses the first one found (none: every rule at its default severity)::

    # pyproject.toml                      # .bpsim.toml (the same keys, either form)
    [tool.bpsim.validate]                 [validate]
    rules = { "label-required" = "off", "no-inclusive-gateway" = "error" }
    max-markings = 20000                  # soundness search bound (states per process)

A severity is ``"error"``, ``"warning"`` (or ``"warn"``), ``"info"`` or ``"off"``; bpmnlint's
numbers 2, 1 and 0 work too. A rule with options takes a list, as in bpmnlint:
``"standard-size" = ["warn", { "bpmn:Task" = { width = 120, height = 80 } }]``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bpsim.errors import BpsimError

__all__ = ["ValidateConfig", "find_config", "load_config", "load_config_file", "parse_config"]

_ALIASES = {"warn": "warning", "warning": "warning", "error": "error", "info": "info",
            "off": "off", 0: "off", 1: "warning", 2: "error"}


@dataclass
class ValidateConfig:
    """Severities and options per rule, and where they came from (``source``)."""

    severities: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    max_markings: int | None = None
    source: str | None = None


def find_config(model: str | os.PathLike | None) -> Path | None:
    """The configuration file that applies to the model file ``model`` (or ``None``)."""
    if model is None:
        return None
    try:
        folder = Path(model).resolve().parent
    except (OSError, ValueError):
        return None
    beside = folder / ".bpsim.toml"
    if beside.is_file():
        return beside
    for directory in (folder, *folder.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _table(_read(candidate), candidate) is not None:
            return candidate
    return None


def load_config(model: str | os.PathLike | None) -> ValidateConfig:
    """The configuration for ``model``: the file :func:`find_config` finds, parsed."""
    path = find_config(model)
    if path is None:
        return ValidateConfig()
    table = _table(_read(path), path) or {}
    return parse_config(table, source=str(path))


def load_config_file(path: str | os.PathLike) -> ValidateConfig:
    """Read the configuration from one TOML file: a ``pyproject.toml`` (its
    ``[tool.bpsim.validate]`` table), a ``.bpsim.toml``, or any TOML file holding ``rules``."""
    path = Path(path)
    data = _read(path)
    table = _table(data, path)
    if table is None:
        table = data.get("validate", data)
    return parse_config(table, source=str(path))


def parse_config(table: dict[str, Any], source: str | None = None) -> ValidateConfig:
    """Check and normalise a ``[tool.bpsim.validate]`` table (already parsed)."""
    from bpsim.validate.registry import RULES

    config = ValidateConfig(source=source)
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise _error(source, "rules", "must be a table of rule = severity.")
    for name, value in rules.items():
        options = None
        if isinstance(value, list):
            if not value or len(value) > 2 or (len(value) == 2 and not isinstance(value[1], dict)):
                raise _error(source, f"rules.{name}", "a list must be [severity] or "
                             "[severity, {options}].")
            value, options = value[0], (value[1] if len(value) == 2 else None)
        severity = _ALIASES.get(value.strip().lower() if isinstance(value, str) else value)
        if severity is None:
            raise _error(source, f"rules.{name}", f"unknown severity {value!r}; use "
                         "\"error\", \"warning\", \"info\" or \"off\".")
        if name not in RULES and not name.startswith("import-"):
            known = ", ".join(sorted(RULES))
            raise _error(source, f"rules.{name}", f"no rule is called {name!r}. Known rules: "
                         f"{known}.")
        config.severities[name] = severity
        if options is not None:
            config.options[name] = options
    bound = table.get("max-markings", table.get("max_markings"))
    if bound is not None:
        if isinstance(bound, bool) or not isinstance(bound, int) or bound < 1:
            raise _error(source, "max-markings", "must be a positive whole number.")
        config.max_markings = bound
    return config


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise BpsimError(f"the configuration file is not valid TOML: {exc}.", file=str(path),
                         hint="fix the TOML syntax (see docs/validator.md).") from None
    except OSError as exc:
        raise BpsimError(f"cannot read the configuration file: {exc.strerror}.",
                         file=str(path)) from None


def _table(data: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The validate table of a parsed TOML document, or ``None`` when it has none."""
    found = data.get("tool", {}).get("bpsim", {}).get("validate")
    if found is None and path.name == ".bpsim.toml":
        found = data.get("validate", data)
    if found is not None and not isinstance(found, dict):
        raise _error(str(path), "tool.bpsim.validate", "must be a table.")
    return found


def _error(source: str | None, key: str, message: str) -> BpsimError:
    return BpsimError(message, file=source, key=key,
                      hint="see docs/validator.md for the configuration format.")
