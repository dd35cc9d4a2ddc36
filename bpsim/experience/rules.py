"""Validator rules for blueprints (``bpsim validate``): run when the model has phases (BPMN
groups naming a phase) or the scenario has a ``blueprint:`` section.

* ``blueprint-no-phase`` (warning): an element in no phase of the journey;
* ``blueprint-layer-guess`` (info): a lane put in a layer from its name;
* ``blueprint-layer-unknown`` (warning): a lane no name or scenario key places;
* ``blueprint-phase-element`` (error): a scenario phase lists an element the model lacks;
* ``blueprint-group-unnamed``, ``blueprint-group-undrawn`` (warning), ``blueprint-group-unused``
  (info): groups that cannot be used as phases.
"""

from __future__ import annotations

from collections.abc import Iterator

from bpsim.model import Finding, Process
from bpsim.validate.registry import Context, rule

__all__ = ["RULE_NAMES"]

RULE_NAMES = ("blueprint-no-phase", "blueprint-layer-guess", "blueprint-layer-unknown",
              "blueprint-phase-element", "blueprint-group-unnamed", "blueprint-group-undrawn",
              "blueprint-group-unused")


def _findings(process: Process, ctx: Context) -> list[Finding]:
    if "blueprint" not in ctx.cache:
        from bpsim.experience.blueprint import blueprint
        from bpsim.experience.phases import group_phases

        sc = ctx.scenario
        asked = sc is not None and getattr(sc, "blueprint", None) is not None
        groups, _ = group_phases(process)
        if not asked and not groups:
            ctx.cache["blueprint"] = []
        else:
            ctx.cache["blueprint"] = blueprint(process, sc if asked else None).findings
    return ctx.cache["blueprint"]


_SCENARIO_ONLY = {"blueprint-phase-element", "blueprint-group-unused"}


def _rule(name: str, severity: str):
    @rule(name, severity, group="structure", needs_scenario=name in _SCENARIO_ONLY)
    def check(process: Process, ctx: Context) -> Iterator[Finding]:
        for f in _findings(process, ctx):
            if f.rule == name:
                yield Finding(f.rule, ctx.severities.get(name, severity), f.element_id,
                              f.element_name, f.message, f.line, f.file or ctx.file, f.page)

    check.__doc__ = {
        "blueprint-no-phase": "Every element of a blueprint belongs to a phase of the journey.",
        "blueprint-layer-guess": "A lane put in a blueprint layer from its name (confirm it).",
        "blueprint-layer-unknown": "A lane in no blueprint layer.",
        "blueprint-phase-element": "A scenario phase lists an element the model lacks.",
        "blueprint-group-unnamed": "A group without a category value cannot be a phase.",
        "blueprint-group-undrawn": "A phase's group without a shape holds no element.",
        "blueprint-group-unused": "A group the scenario's phases do not name.",
    }[name]
    return check


for _name, _severity in (("blueprint-no-phase", "warning"), ("blueprint-layer-guess", "info"),
                         ("blueprint-layer-unknown", "warning"),
                         ("blueprint-phase-element", "error"),
                         ("blueprint-group-unnamed", "warning"),
                         ("blueprint-group-undrawn", "warning"),
                         ("blueprint-group-unused", "info")):
    _rule(_name, _severity)
