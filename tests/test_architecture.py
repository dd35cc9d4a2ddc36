"""The package's shape: one direction for data, no import circles.

Module-level imports only (a function may import a later step lazily, e.g. ``Results.plot``
calls the report package). Importing one's own parent package (``from bpsim.scenario import
distributions``) is how Python loads submodules and is not a circle.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "bpsim"

#: What each step of the data path may import at module level (besides the shared modules
#: bpsim.errors, bpsim.model, bpsim._atomic, bpsim._aliases, bpsim._paths and itself).
ALLOWED = {
    "bpsim.modeling": set(),
    "bpsim.io": {"bpsim.modeling"},
    # the blueprint rules (bpsim.experience.rules) register with the validator when it loads
    "bpsim.validate": {"bpsim.io", "bpsim.scenario", "bpsim.experience"},
    "bpsim.scenario": set(),
    "bpsim.interchange": {"bpsim.io", "bpsim.scenario"},
    "bpsim.engine": {"bpsim.scenario"},
    # analysis words its bottleneck reasons and flags with the report's number formatting
    "bpsim.analysis": {"bpsim.engine", "bpsim.scenario", "bpsim.report"},
    "bpsim.experience": {"bpsim.scenario", "bpsim.engine", "bpsim.analysis", "bpsim.io",
                         "bpsim.validate", "bpsim.report", "bpsim.render"},
    "bpsim.calibrate": {"bpsim.io", "bpsim.scenario", "bpsim.engine", "bpsim.analysis",
                        "bpsim.report"},
    "bpsim.render": {"bpsim.modeling", "bpsim.io"},
    "bpsim.report": {"bpsim.analysis", "bpsim.render", "bpsim.io", "bpsim.scenario",
                     "bpsim.experience", "bpsim.engine"},
    # streaming statistics: the engine's chunks folded by the analyses' own functions (and
    # the customer's side by bpsim.experience's, chunk by chunk)
    "bpsim.stream": {"bpsim.engine", "bpsim.analysis", "bpsim.scenario", "bpsim.report",
                     "bpsim.experience"},
    "bpsim.whatif": {"bpsim.engine", "bpsim.analysis", "bpsim.report", "bpsim.scenario",
                     "bpsim.io", "bpsim.render"},
}
#: The shared modules at the top: errors, the model, and the private helpers ``bpsim._*``
#: (atomic writes, bounded reads, argument checks, import aliases) that every step may use.
SHARED = {"bpsim", "bpsim.errors", "bpsim.model"} | {
    f"bpsim.{p.stem}" for p in ROOT.glob("_*.py") if p.stem not in ("__init__", "__main__")}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


@lru_cache(maxsize=1)
def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.startswith("bpsim"):
                targets.append(node.module)
                targets += [f"{node.module}.{a.name}" for a in node.names
                            if f"{node.module}.{a.name}" in modules]
            elif isinstance(node, ast.Import):
                targets += [a.name for a in node.names if a.name.startswith("bpsim")]
            for target in targets:
                if target in modules and target != name and not name.startswith(target + "."):
                    graph.add_edge(name, target)
    return graph


def _step(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_module_imports_itself_in_a_circle():
    cycles = list(nx.simple_cycles(_graph()))
    assert cycles == [], [" -> ".join(c) for c in cycles[:5]]


def test_each_step_imports_only_the_steps_before_it():
    wrong = []
    for a, b in _graph().edges:
        sa, sb = _step(a), _step(b)
        if sa == sb or b in SHARED or sa not in ALLOWED:
            continue
        if sb not in ALLOWED[sa]:
            wrong.append(f"{a} imports {b}")
    assert wrong == []


def test_the_scenario_modules_read_top_down():
    """Binding, lookups and sources need the scenario's data (the schema model), not the
    loading API of bpsim.scenario.core, which is built on them."""
    graph = _graph()
    for module in ("bpsim.scenario.bind", "bpsim.scenario.lookup", "bpsim.scenario.sources",
                   "bpsim.scenario.schema", "bpsim.scenario.parse",
                   "bpsim.scenario.distributions", "bpsim.scenario.fields",
                   "bpsim.scenario.arrivals", "bpsim.scenario.roles", "bpsim.scenario.tasks",
                   "bpsim.scenario.slas", "bpsim.scenario.customers"):
        assert "bpsim.scenario.core" not in nx.descendants(graph, module), module
    assert "bpsim.scenario.parse" not in nx.descendants(graph, "bpsim.scenario.distributions")


def test_the_schema_sections_read_below_the_whole_file():
    """The section modules of the scenario file (arrivals, roles, ...) are the parts
    ``bpsim.scenario.schema`` assembles: none of them imports the whole-file model back."""
    graph = _graph()
    for module in ("bpsim.scenario.fields", "bpsim.scenario.arrivals", "bpsim.scenario.roles",
                   "bpsim.scenario.tasks", "bpsim.scenario.slas", "bpsim.scenario.customers"):
        assert module in graph, module
        assert "bpsim.scenario.schema" not in nx.descendants(graph, module), module
        assert module in nx.descendants(graph, "bpsim.scenario.schema"), module
