"""Check a process before simulating it: modelling rules, structure, behaviour, parameters.

Before a service desk's diagram is trusted to predict waiting times, four questions are
asked, each by a family of small rules registered by name (:mod:`bpsim.validate.registry`):

1. **Is it drawn by the rules?** bpmnlint's rule set, same names and exemptions
   (``no-implicit-split``, ``label-required`` ...; :mod:`~bpsim.validate.lint`,
   :mod:`~bpsim.validate.lint_layout`), plus what the reader noticed (``import-*``).
2. **Does every part connect?** Broken references, elements no ticket can reach, places a
   ticket cannot leave (:mod:`~bpsim.validate.structure`).
3. **Does it behave?** A bounded search over the token markings finds deadlocks, tokens that
   multiply, OR-joins stuck forever and loops with no exit (:mod:`~bpsim.validate.soundness`).
4. **Can it be simulated?** With a scenario: branch probabilities, durations, roles, staff,
   arrivals, delays, and scenario keys naming elements the model lacks
   (:mod:`~bpsim.validate.simulation`).

>>> import bpsim
>>> desk = bpsim.read("models/service_desk.bpmn")                       # doctest: +SKIP
>>> [f for f in bpsim.validate(desk) if f.severity == "error"]          # doctest: +SKIP
[]

Severities follow bpmnlint's ``recommended`` configuration; a ``.bpsim.toml`` beside the model
or a ``[tool.bpsim.validate]`` table in a ``pyproject.toml`` above it changes them
(:mod:`~bpsim.validate.config`). See docs/validator.md for every rule.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path
from typing import Any

from bpsim.experience import rules as _blueprint_rules  # noqa: E402, F401  (blueprint-* rules)
from bpsim.model import Finding, Process
from bpsim.validate import lint, lint_layout, simulation, soundness, structure  # noqa: F401
from bpsim.validate.config import ValidateConfig, load_config, load_config_file, parse_config
from bpsim.validate.registry import GROUPS, RULES, Context, Rule, rule

__all__ = ["validate", "rule", "RULES", "Rule", "Context", "ValidateConfig", "load_config",
           "has_errors", "count"]

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def validate(
    process: Process,
    scenario: Any = None,
    *,
    config: ValidateConfig | dict | str | os.PathLike | None = None,
    rules: list[str] | None = None,
) -> list[Finding]:
    """Check a process (and optionally a scenario for it); return the findings.

    Parameters
    ----------
    process : Process
        A process read with :func:`bpsim.read` (or built in code).
    scenario : Scenario or path, optional
        When given (a :class:`bpsim.Scenario`, or the path of a scenario file), the
        simulation-parameter rules (``sim-*``) run too.
    config : ValidateConfig, dict, path, optional
        Severities per rule. ``None``: the configuration file found beside / above
        ``process.source`` (see :mod:`bpsim.validate.config`), else the defaults. A dict is
        a ``[tool.bpsim.validate]`` table (``{"rules": {"label-required": "off"}}``); a path
        names a TOML file holding one.
    rules : list of str, optional
        Run only these rules (by name).

    Returns
    -------
    list of Finding
        Sorted by file position (line), errors first on the same line. Findings whose
        severity the configuration sets to ``"off"`` are left out.
    """
    from bpsim._checks import require_process, require_scenario

    require_process(process, "bpsim.validate")
    if scenario is not None and not isinstance(scenario, (str, os.PathLike)):
        require_scenario(scenario, "bpsim.validate")
    if isinstance(scenario, (str, os.PathLike)):
        from bpsim.scenario import load_scenario

        scenario = load_scenario(Path(scenario))
    cfg = _config(process, config)
    ctx = Context(process, severities=dict(cfg.severities), options=dict(cfg.options),
                  scenario=scenario)
    if cfg.max_markings:
        ctx.options["max-markings"] = cfg.max_markings
    wanted = None if rules is None else set(rules)
    findings: list[Finding] = []
    for f in process.findings:
        severity = cfg.severities.get(f.rule, f.severity)
        if severity != "off" and (wanted is None or f.rule in wanted):
            findings.append(_copy(f, severity, ctx.file))
    ordered = sorted(RULES.values(), key=lambda r: GROUPS.index(r.group))
    with process.indexed():  # rules look names and flows up by key (no scan per lookup)
        for r in ordered:
            if wanted is not None and r.name not in wanted:
                continue
            if ctx.severities.get(r.name, r.severity) == "off":
                continue
            if r.needs_scenario and scenario is None:
                continue
            ctx.current = r
            findings.extend(r.check(process, ctx))
    ctx.current = None
    findings = [f for f in findings if f.severity != "off"]
    return sorted(findings, key=_position)


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error (``bpsim validate`` then exits 1)."""
    return any(f.severity == "error" for f in findings)


def count(findings: list[Finding]) -> dict[str, int]:
    """``{"error": n, "warning": m, "info": k}``."""
    result = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        result[f.severity] = result.get(f.severity, 0) + 1
    return result


def _position(f: Finding):
    return (f.page or "", f.line if f.line is not None else 0,
            _SEVERITY_ORDER.get(f.severity, 3), f.rule, f.element_id or "")


def _copy(f: Finding, severity: str, file: str | None) -> Finding:
    return Finding(f.rule, severity, f.element_id, f.element_name, f.message, f.line,
                   f.file or file, f.page)


def _config(process: Process, config) -> ValidateConfig:
    if isinstance(config, ValidateConfig):
        return config
    if isinstance(config, dict):
        return parse_config(config)
    if config is not None:
        return load_config_file(config)
    source = process.source
    if source and source != "<bytes>" and os.path.exists(source):
        return load_config(source)
    return ValidateConfig()


class _CallableModule(types.ModuleType):
    """``bpsim.validate`` is both this package and the function :func:`validate`: once the
    package is imported, Python binds the name ``bpsim.validate`` to the package, so the
    package itself answers calls (``bpsim.validate(process)``) by running :func:`validate`."""

    def __call__(self, *args: Any, **kwargs: Any) -> list[Finding]:
        return validate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
