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
``manifest.json``      written last: seed, model, scenario, the files (:mod:`.outdir`)
=====================  ==================================================================

``event_log`` chooses which replications go into the event log: ``"first"`` (default: the
first replication only, one realistic month of tickets, the usual input for process mining,
and a file a tenth the size for ten replications), ``"all"`` or ``"none"``. ``report.txt``
ends with a line saying which.
"""

from __future__ import annotations

import os
from pathlib import Path

from bpsim._atomic import atomic_path, write_text
from bpsim.report.format import plural

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


#: Every file name :func:`write_all` may write (a folder holding only these is a run's).
OUTPUT_NAMES = {"report.txt", "results.json", "report.html", "events.csv", "events.xes",
                *(f"{t}.csv" for t in TABLES), *PLOTS.values()}


def event_log_note(results, event_log: str) -> str:
    """One line saying which replications the event log of ``--out`` holds."""
    n = results.replications
    if event_log == "none":
        return "Event log: not written (--event-log none)."
    if event_log == "first" and n > 1:
        return (f"Event log (events.csv, events.xes): the first replication of {n} "
                "(--event-log all for every replication).")
    return f"Event log (events.csv, events.xes): {'all ' if n > 1 else ''}{plural(n, 'replication')}."


def write_all(results, out_dir: str | os.PathLike, event_log: str = "first",
              notes: list[str] | None = None) -> list[Path]:
    """Write every file listed in the module docstring into ``out_dir``; return the paths.

    The files are written into a temporary folder, ``manifest.json`` last, and the folder is
    moved onto ``out_dir`` whole (:func:`bpsim.report.outdir.staged_dir`): an interrupt or a
    failure leaves ``out_dir`` as it was. A folder holding an earlier run is replaced whole
    (``notes`` receives a sentence saying so); one holding other files is refused.
    """
    from bpsim.report.outdir import staged_dir

    if event_log not in EVENT_LOG_CHOICES:
        raise ValueError(f"event_log must be one of {EVENT_LOG_CHOICES}, not {event_log!r}")
    with staged_dir(out_dir, OUTPUT_NAMES, _manifest(results, event_log)) as staging:
        names = [p.name for p in _write_files(results, staging.path, event_log)]
    if staging.replaced is not None and notes is not None:
        seed = staging.replaced.get("seed")
        notes.append(f"{out_dir} held the files of an earlier run"
                     + (f" (seed {seed})" if seed is not None else "")
                     + "; they were replaced as a whole, none kept beside the new ones.")
    out = Path(out_dir)
    return [out / n for n in names]


def _manifest(results, event_log: str) -> dict:
    import datetime as dt

    from bpsim import __version__

    output = getattr(results, "output", None)
    bound = getattr(results, "bound", None) or getattr(results, "scenario", None)
    process = getattr(results, "process", None)
    return {"bpsim": __version__, "written": dt.datetime.now().isoformat(timespec="seconds"),
            "seed": getattr(output, "seed", None),
            "replications": getattr(output, "replications", None),
            "model": getattr(process, "source", None),
            "scenario": getattr(bound, "name", None), "event_log": event_log}


def _write_files(results, out: Path, event_log: str) -> list[Path]:
    from bpsim.report.eventlog import write_csv, write_xes
    from bpsim.report.html import report_html

    paths = [write_text(out / "report.txt",
                        results.summary() + "\n" + event_log_note(results, event_log) + "\n"),
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
