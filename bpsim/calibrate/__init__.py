"""Calibrate a scenario from the desk's own ticket log, and prove the fit.

::

    log = bpsim.read_log("tickets.csv")                      # CSV / XES / .gz, pm4py names
    fitted = bpsim.fit(process, log)                          # Fit: .scenario, .report, .to_yaml
    check = bpsim.compare(process, fitted.scenario, log)      # Comparison: .kpis, .distances

Modules, one step each: :mod:`~bpsim.calibrate.logread` (reading), :mod:`~.mapping`
(activities -> elements), :mod:`~.replay` (token replay: fitness, branch counts),
:mod:`~.starts` (start-time estimation), :mod:`~.laws` (law choice), :mod:`~.arrivals`,
:mod:`~.roles`, :mod:`~.scenario_data` and :mod:`~.writer` (commented YAML),
:mod:`~.report`, :mod:`~.fitting` (:func:`fit`), :mod:`~.comparison` (:func:`compare`).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["read_log", "fit", "Fit", "compare", "Comparison", "LogError", "FitError"]

_WHERE = {"read_log": "logread", "LogError": "logread", "fit": "fitting", "Fit": "fitting",
          "FitError": "mapping", "compare": "comparison", "Comparison": "comparison"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'bpsim.calibrate' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"bpsim.calibrate.{module}"), name)
    globals()[name] = value
    return value
