"""bpsim: simulate service processes drawn in BPMN 2.0 or draw.io.

The data path, one module per step::

    file -> bpsim.io (read) -> Process -> bpsim.validate -> bpsim.scenario (Scenario)
         -> bpsim.engine (simulate) -> event records -> bpsim.analysis (Results)
         -> bpsim.report (text, JSON, plots, event logs);  bpsim.whatif (sweeps, staffing)

Time inside bpsim is one unit, **seconds**, as floats from the scenario start; human strings
such as ``"90s"``, ``"30m"``, ``"4h"``, ``"2d"`` or ``"1h30m"`` are accepted wherever a duration
is read.

>>> import bpsim
>>> process = bpsim.read("models/service_desk.bpmn")                    # doctest: +SKIP
>>> scenario = bpsim.load_scenario("models/service_desk.yaml")          # doctest: +SKIP
>>> results = bpsim.simulate(process, scenario)                         # doctest: +SKIP
>>> print(results.summary())                                            # doctest: +SKIP
"""

from bpsim import _aliases
from bpsim.errors import (
    BpsimError,
    ModelError,
    NotAProcessError,
    ReadError,
    ScenarioError,
    SimulationError,
    UnsafeInputError,
)
from bpsim.model import Finding, Process

_aliases.install()  # bpsim.build, bpsim.edit, bpsim.layout: the modelling API's first names

__version__ = "0.2.0"

# Public names loaded on first use, so ``import bpsim`` (and the CLI) start fast.
_LAZY = {
    "read": "bpsim.io",
    "read_bpmn": "bpsim.io.bpmn",
    "read_drawio": "bpsim.io.drawio",
    "write_bpmn": "bpsim.io.bpmn_writer",
    "write_drawio": "bpsim.io.drawio_writer",
    "validate": "bpsim.validate",
    "load_scenario": "bpsim.scenario",
    "Scenario": "bpsim.scenario",
    "simulate": "bpsim.engine",
    "Results": "bpsim.analysis",
    "sweep": "bpsim.whatif",
    "optimize_staffing": "bpsim.whatif",
    "read_log": "bpsim.calibrate",
    "fit": "bpsim.calibrate",
    "Fit": "bpsim.calibrate",
    "compare": "bpsim.calibrate",
    "Comparison": "bpsim.calibrate",
    "read_bpsim": "bpsim.interchange",
}

__all__ = [
    "__version__",
    "BpsimError",
    "ModelError",
    "NotAProcessError",
    "ReadError",
    "ScenarioError",
    "SimulationError",
    "UnsafeInputError",
    "Finding",
    "Process",
    *_LAZY,
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bpsim' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API only (``dir(bpsim)``, tab completion): what ``__all__`` lists."""
    return sorted(__all__)
