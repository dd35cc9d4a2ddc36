"""Write a whole run to a folder: tables, JSON, text report, plots and event log.

``bpsim simulate --out DIR`` and ``bpsim demo`` call :func:`write_all`. Every file is
written whole or not at all (:mod:`bpsim._atomic`): a crash never leaves half a CSV.

=====================  ==================================================================
``report.txt``         the text report
``report.html``        the self-contained HTML report (:mod:`bpsim.report.html`)
``results.json``       the JSON report (as ``--json``)
``stages.csv``         per stage: count, wait, service, sojourn, percentiles, queue
``roles.csv``          per role: utilisation, busy hours, cases, handling time
``staff.csv``          per staff member
``slas.csv``           per SLA and class: breach rate, elapsed-time percentiles
``cases.csv``          per ticket: arrival, end, cycle time, SLA clocks
``queues.csv``         queue length over time (replication, element, time, length)
``costs.csv``          staff cost (worked, paid), billing, person-hours
``bottlenecks.csv``    stages ranked by bottleneck score, with reasons
``littles_law.csv``    L versus lambda W per stage
``utilization.png``    utilisation per role with CI bars
``waits.png``          mean wait per stage with CI bars
``queues.png``         queue length over time per stage
``cycle_time.png``     cycle-time histogram with SLA target lines
``slas.png``           SLA breach rates with CI bars and the allowed rate
``events.csv``         the event log (process-mining column names)
``events.xes``         the event log as XES (IEEE 1849)
=====================  ==================================================================

``event_log`` chooses which replications go into the event log: ``"all"`` (default),
``"first"`` (the first replication only: one realistic month of tickets, the usual input
for process mining, and a file a tenth the size for ten replications) or ``"none"``.
"""

from __future__ import annotations

import os
from pathlib import Path

from bpsim._atomic import atomic_path, write_text

__all__ = ["TABLES", "PLOTS", "write_all", "write_tables", "write_plots"]

TABLES = ["stages", "roles", "staff", "slas", "cases", "queues", "costs", "bottlenecks",
          "littles_law"]
PLOTS = {"utilization": "utilization.png", "waits": "waits.png", "queues": "queues.png",
         "cycle_time": "cycle_time.png", "slas": "slas.png"}


def write_tables(results, out_dir: str | os.PathLike) -> list[Path]:
    out = Path(out_dir)
    paths = []
    for name in TABLES:
        path = out / f"{name}.csv"
        with atomic_path(path) as tmp:
            getattr(results, name).to_csv(tmp, index=False)
        paths.append(path)
    return paths


def write_plots(results, out_dir: str | os.PathLike, dpi: int = 110) -> list[Path]:
    from bpsim.report.plots import figure

    paths = []
    for kind, filename in PLOTS.items():
        path = Path(out_dir) / filename
        fig = figure(results, kind)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format="png")
        paths.append(path)
    return paths


EVENT_LOG_CHOICES = ("all", "first", "none")


def write_all(results, out_dir: str | os.PathLike, event_log: str = "all") -> list[Path]:
    """Write every file listed in the module docstring into ``out_dir``; return the paths."""
    from bpsim.report.eventlog import write_csv, write_xes

    if event_log not in EVENT_LOG_CHOICES:
        raise ValueError(f"event_log must be one of {EVENT_LOG_CHOICES}, not {event_log!r}")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from bpsim.report.html import report_html

    paths = [write_text(out / "report.txt", results.summary()),
             write_text(out / "results.json", results.to_json() + "\n")]
    paths += write_tables(results, out)
    plots = write_plots(results, out)
    paths += plots
    pngs = {kind: (out / name).read_bytes() for kind, name in PLOTS.items()
            if (out / name).exists()}
    paths.insert(1, write_text(out / "report.html", report_html(results, pngs)))
    if event_log != "none":
        reps = None
        if event_log == "first":
            reps = sorted(results.output.events["replication"].astype(int).unique())[:1]
        paths.append(write_csv(results, out / "events.csv", reps))
        paths.append(write_xes(results, out / "events.xes", reps))
    return paths
