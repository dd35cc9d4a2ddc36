"""What-if studies: sweeps over scenario variants and the cheapest staffing.

A service-desk manager asks "what if volume grows 30 %?", "what does a third specialist
buy?", "how few agents still take every ticket in charge within 4 working hours?". This
package answers by running the scenario's variants side by side:

* :mod:`~bpsim.whatif.grid` expands the varied values into variants;
* :mod:`~bpsim.whatif.executors` runs *variant x replication* work items serially, on every
  core or on a Dask cluster;
* :mod:`~bpsim.whatif.stats` turns per-replication figures into confidence intervals and
  paired differences (common random numbers);
* :mod:`~bpsim.whatif.queueing` holds the Erlang formulas that seed the staffing search,
  :mod:`~bpsim.whatif.load` the offered load per role they need;
* :func:`sweep` (:mod:`~bpsim.whatif.sweep`) runs a grid of variants against the baseline;
* :func:`optimize_staffing` (:mod:`~bpsim.whatif.optimize`) finds the cheapest head-count
  per role that meets every SLA.
"""

from __future__ import annotations

from bpsim.whatif.optimize import StaffingResult, optimize_staffing
from bpsim.whatif.queueing import erlang_b, erlang_c, prob_wait_exceeds, square_root_staffing
from bpsim.whatif.sweep import sweep

__all__ = [
    "sweep",
    "optimize_staffing",
    "StaffingResult",
    "erlang_b",
    "erlang_c",
    "prob_wait_exceeds",
    "square_root_staffing",
]
