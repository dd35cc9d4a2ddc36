"""Argument checks of the public functions: a wrong argument is a bpsim error with the fix.

``bpsim.simulate(None, scenario)`` or ``bpsim.simulate(scenario, process)`` (swapped) would
otherwise end deep inside the engine as an ``AttributeError``. These helpers say what was
passed and what to pass instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bpsim.errors import ModelError, ScenarioError

__all__ = ["require_process", "require_scenario"]


def _what(obj: Any) -> str:
    if obj is None:
        return "None"
    return f"a {type(obj).__module__.split('.')[0]}.{type(obj).__qualname__}".replace(
        "a builtins.", "a "
    )


def require_process(obj: Any, function: str, argument: str = "process") -> None:
    """Raise :class:`ModelError` unless ``obj`` is a :class:`bpsim.Process`."""
    from bpsim.model import Process

    if isinstance(obj, Process):
        return
    hint = f"pass a process: {function}(bpsim.read('model.bpmn'), ...)."
    if _is_scenario(obj):
        hint = ("the arguments look swapped: the process comes first, the scenario second "
                f"({function}(process, scenario)).")
    elif isinstance(obj, (str, bytes)) or hasattr(obj, "__fspath__"):
        hint = f"read the file first: {function}(bpsim.read({str(obj)!r}), ...)."
    raise ModelError(f"{function}() needs a bpsim.Process as {argument}, not {_what(obj)}.",
                     hint=hint)


def _is_scenario(obj: Any) -> bool:
    from bpsim.scenario.core import Scenario
    from bpsim.scenario.spec import BoundScenario

    return isinstance(obj, (Scenario, BoundScenario))


def require_scenario(obj: Any, function: str, *, bound: bool = True) -> None:
    """Raise :class:`ScenarioError` unless ``obj`` is a :class:`bpsim.Scenario` (or, when
    ``bound``, a :class:`~bpsim.scenario.spec.BoundScenario`)."""
    from bpsim.model import Process
    from bpsim.scenario.core import Scenario

    if isinstance(obj, Scenario) or (bound and _is_scenario(obj)):
        return
    hint = f"pass a scenario: {function}(process, bpsim.load_scenario('scenario.yaml'))."
    if isinstance(obj, Process):
        hint = ("the arguments look swapped: the process comes first, the scenario second "
                f"({function}(process, scenario)).")
    elif isinstance(obj, Mapping):
        hint = "build a scenario from the dict first: bpsim.Scenario.from_dict(data)."
    elif isinstance(obj, (str, bytes)) or hasattr(obj, "__fspath__"):
        hint = f"load the file first: bpsim.load_scenario({str(obj)!r})."
    raise ScenarioError(f"{function}() needs a bpsim.Scenario, not {_what(obj)}.", hint=hint)
