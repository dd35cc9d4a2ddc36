"""Rules, registered by name, and the context every rule reads.

A rule is one small generator function: it looks at a :class:`~bpsim.model.Process` (and the
:class:`Context` built once per validation) and yields a :class:`~bpsim.model.Finding` for
every element that breaks it. The decorator :func:`rule` registers it under its name with a
default severity, the way ``.bpmnlintrc`` names bpmnlint's rules::

    @rule("fake-join", severity="warning")
    def fake_join(process, ctx):
        for node in ctx.nodes(TASK_TYPES | EVENT_TYPES):
            if len(ctx.incoming(node)) > 1:
                yield ctx.finding(node, "several flows enter a task or event ...")

Severities are ``"error"``, ``"warning"``, ``"info"`` or ``"off"``; a configuration file may
change them per rule (see :mod:`bpsim.validate.config`).

The context computes the connectivity **from the flows' sourceRef/targetRef** (the
``process.flows`` table) once, and caches whatever several rules share (scopes, reachability).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bpsim.model import Finding, Flow, Process

__all__ = ["Rule", "RULES", "rule", "Context", "SEVERITIES", "GROUPS"]

SEVERITIES = ("error", "warning", "info", "off")

#: Rule groups, in the order findings are computed: import remarks, bpmnlint rules,
#: structure, behaviour (soundness), simulation parameters.
GROUPS = ("bpmnlint", "structure", "soundness", "simulation")


@dataclass(frozen=True)
class Rule:
    """A registered rule: its name, default severity, group, one-line summary and function."""

    name: str
    severity: str
    group: str
    summary: str
    check: Callable[[Process, Context], Iterable[Finding]]
    needs_scenario: bool = False


#: Every rule, by name, in registration order.
RULES: dict[str, Rule] = {}


def rule(
    name: str, severity: str = "error", *, group: str = "bpmnlint", needs_scenario: bool = False
) -> Callable[[Callable], Callable]:
    """Register a rule function under ``name`` with a default ``severity``.

    Parameters
    ----------
    name : str
        The rule's name as findings and configuration files spell it (``"no-implicit-split"``).
    severity : {"error", "warning", "info", "off"}
        The default severity (``"off"``: the rule runs only when a configuration enables it).
    group : str
        One of :data:`GROUPS`.
    needs_scenario : bool
        The rule checks simulation parameters and runs only when a scenario is given.
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")

    def register(func: Callable) -> Callable:
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        RULES[name] = Rule(name, severity, group, summary, func, needs_scenario)
        return func

    return register


@dataclass
class Context:
    """What a rule may read besides the process: severities, options, the scenario, and the
    connectivity computed once from ``process.flows``.

    Rules create findings with :meth:`finding`, which fills in the current rule's name and
    severity and the element's name, line, file and draw.io page.
    """

    process: Process
    severities: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    scenario: Any = None
    file: str | None = None
    current: Rule | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        p = self.process
        self._out: dict[str, list[Flow]] = defaultdict(list)
        self._in: dict[str, list[Flow]] = defaultdict(list)
        for f in p.flows.values():
            self._out[f.source].append(f)
            self._in[f.target].append(f)
        if self.file is None:
            self.file = p.source

    # -- connectivity (sourceRef / targetRef only) ---------------------------------------
    def outgoing(self, node: str) -> list[Flow]:
        """Sequence flows whose ``sourceRef`` is ``node`` (file order)."""
        return self._out.get(node, [])

    def incoming(self, node: str) -> list[Flow]:
        """Sequence flows whose ``targetRef`` is ``node`` (file order)."""
        return self._in.get(node, [])

    def nodes(self, types: Iterable[str] | None = None) -> Iterator[str]:
        """Node ids, optionally only those whose ``type`` is in ``types``."""
        wanted = None if types is None else set(types)
        for n, t in self.process.graph.nodes(data="type"):
            if wanted is None or t in wanted:
                yield n

    def attr(self, node: str, key: str, default: Any = None) -> Any:
        """A node attribute (``default`` when the node or the attribute is absent)."""
        data = self.process.graph.nodes.get(node)
        if data is None:
            return default
        value = data.get(key, default)
        return default if value is None else value

    def type_of(self, node: str) -> str | None:
        return self.attr(node, "type")

    # -- findings -------------------------------------------------------------------------
    def finding(self, element_id: str | None, message: str, *, line: int | None = None,
                name: str | None = None) -> Finding:
        """A finding of the current rule about ``element_id`` (a node, flow, lane, pool or
        process id; ``None`` for the file as a whole)."""
        p = self.process
        rule_ = self.current
        if element_id is not None:
            if name is None:
                name = p.name_of(element_id)
            if line is None:
                line = p.line_of(element_id)
        page = None
        if element_id is not None and element_id in p.graph:
            page = p.graph.nodes[element_id].get("page")
        elif element_id in p.flows:
            page = p.meta.get("flow_pages", {}).get(element_id)
        if page is None and p.format == "drawio":
            page = p.meta.get("page")
        if isinstance(page, dict):
            page = page.get("name") if page.get("name") is not None else page.get("index")
        return Finding(
            rule=rule_.name if rule_ else "unknown",
            severity=self.severities.get(rule_.name, rule_.severity) if rule_ else "error",
            element_id=element_id,
            element_name=name,
            message=message,
            line=line,
            file=self.file,
            page=None if page is None else str(page),
        )
