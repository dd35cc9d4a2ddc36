"""Analyses: from the engine's event records to the figures a service desk manager reads.

One module per question, each a set of plain functions from
:class:`~bpsim.engine.output.RunOutput` (and the bound scenario) to DataFrames:

* :mod:`~bpsim.analysis.visits`       ticket x stage x pass (the unit of the stage figures)
* :mod:`~bpsim.analysis.stages`       waits, service, sojourn and queues per stage
* :mod:`~bpsim.analysis.queues`       queue length over time, time averages, Little's law
* :mod:`~bpsim.analysis.roles`        utilisation and workload per role and staff member
* :mod:`~bpsim.analysis.slas`         SLA clocks on calendars, breach rates
* :mod:`~bpsim.analysis.costs`        staff cost (worked / paid), customer billing
* :mod:`~bpsim.analysis.bottlenecks`  stages ranked by a documented bottleneck score
* :mod:`~bpsim.analysis.stats`        95 % confidence intervals across replications

:class:`Results` ties them together and caches each table.
"""

from bpsim.analysis.results import Results
from bpsim.analysis.stats import mean_ci, t_quantile_975

__all__ = ["Results", "mean_ci", "t_quantile_975"]
