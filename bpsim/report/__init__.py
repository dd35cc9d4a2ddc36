"""Reports of a run: text, JSON, plots, tables and event logs.

* :mod:`~bpsim.report.text`      the readable report ``bpsim simulate`` prints
* :mod:`~bpsim.report.jsonout`   the JSON report (``--json``; keys per DESIGN.md)
* :mod:`~bpsim.report.plots`     matplotlib figures (utilisation, waits, queues, cycle time, SLAs)
* :mod:`~bpsim.report.eventlog`  CSV and XES event logs for process mining (pm4py)
* :mod:`~bpsim.report.files`     everything into one folder (``--out DIR``)
* :mod:`~bpsim.report.format`    hours and minutes for humans

Each takes a :class:`~bpsim.analysis.Results`; none computes a figure itself.
"""

__all__: list[str] = []
