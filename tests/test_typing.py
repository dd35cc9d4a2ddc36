"""The public API is fully typed (``py.typed`` ships, so users' type checkers read these
hints); mypy checks the bodies in CI (``python -m mypy``, configured in pyproject.toml)."""

from __future__ import annotations

import inspect

import pytest

import bpsim

CLASSES = ["Results", "Scenario", "Process", "Finding", "Fit", "Comparison"]


def _public_callables():
    for name in bpsim.__all__:
        obj = getattr(bpsim, name)
        if inspect.isfunction(obj):
            yield f"bpsim.{name}", obj
    for cls_name in CLASSES:
        cls = getattr(bpsim, cls_name)
        for attr, value in vars(cls).items():
            if attr.startswith("_") and attr not in ("__init__",):
                continue
            if isinstance(value, property):
                value = value.fget
            elif isinstance(value, (classmethod, staticmethod)):
                value = value.__func__
            if inspect.isfunction(value):
                yield f"bpsim.{cls_name}.{attr}", value


def _missing(func) -> list[str]:
    sig = inspect.signature(func)
    missing = [p.name for p in sig.parameters.values()
               if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty and func.__name__ != "__init__":
        missing.append("return")
    return missing


@pytest.mark.parametrize("name,func", list(_public_callables()), ids=lambda x: x
                         if isinstance(x, str) else "")
def test_public_api_is_annotated(name, func):
    assert _missing(func) == [], f"{name} lacks annotations for {_missing(func)}"


def test_results_binds_an_unbound_scenario():
    """Found by mypy: Results(output, process, Scenario) kept the Scenario unbound (it has a
    ``roles`` attribute too), and Results(output, None, Scenario) would have crashed."""
    from pathlib import Path

    from bpsim.analysis.results import Results
    from bpsim.errors import ModelError
    from bpsim.scenario.spec import BoundScenario

    models = Path(__file__).parents[1] / "models"
    process = bpsim.read(models / "helpdesk.bpmn")
    scenario = bpsim.load_scenario(models / "helpdesk.yaml")
    assert isinstance(Results(None, process, scenario).scenario, BoundScenario)  # output unused
    bound = scenario.bind(process)
    assert Results(None, process, bound).scenario is bound
    with pytest.raises(ModelError, match="needs the process") as info:
        Results(None, None, scenario)
    assert "scenario.bind(process)" in info.value.hint
