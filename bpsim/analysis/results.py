"""Results: every figure of a simulation run, computed on first use and kept.

:func:`bpsim.simulate` returns a :class:`Results`. It holds the engine's raw records
(:class:`~bpsim.engine.output.RunOutput`), the process and the bound scenario, and turns them
into tables on demand (each computed once, then cached)::

    results.stages        per stage: count, wait, service, sojourn, percentiles, queue
    results.roles         per role: utilisation, busy hours, cases handled, handling time, cost
    results.staff         the same per staff member
    results.slas          per SLA (and priority class): breach rate, elapsed-time percentiles
    results.cases         per ticket: arrival, end, cycle time, and each SLA's clock
    results.events        the raw event records (with element names)
    results.queues        queue length over time per replication and stage (step function)
    results.costs         staff cost (worked / paid), customer billing, person-hours
    results.bottlenecks   stages ranked by bottleneck score, with the reason in words
    results.classes       per priority class: tickets, completed, open, cycle time, wait
    results.warnings      overloaded roles, growing queues, censored SLAs (stable codes)
    results.open          tickets still open at the horizon, per stage x class x state
    results.journey       the customer's journey per blueprint phase (bpsim.experience)
    results.satisfaction  CSAT overall, by class, channel and phase (bpsim.experience)
    results.abandonment   abandonment and blocking per stage, class and channel

All figures count tickets that arrived at or after the warm-up; durations are in seconds;
every mean carries a 95 % CI half-width across replications (``*_ci95``). The text report,
JSON, plots and event logs are in :mod:`bpsim.report`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Set as AbstractSet
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from bpsim.analysis import backlog as _backlog
from bpsim.analysis import bottlenecks as _bottlenecks
from bpsim.analysis import classes as _classes
from bpsim.analysis import costs as _costs
from bpsim.analysis import flags as _flags
from bpsim.analysis import queues as _queues
from bpsim.analysis import roles as _roles
from bpsim.analysis import slas as _slas
from bpsim.analysis import stability as _stability
from bpsim.analysis import stages as _stages
from bpsim.analysis import visits as _visits
from bpsim.analysis import warmup as _warmup
from bpsim.analysis.stats import mean_ci, percentiles
from bpsim.engine.output import RunOutput
from bpsim.report.format import plural

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bpsim.model import Process
    from bpsim.scenario.core import Scenario
    from bpsim.scenario.spec import BoundScenario

__all__ = ["Results"]


def sla_column_name(name: str, taken: AbstractSet[str] = frozenset()) -> str:
    """The snake_case form of an SLA name for column names: ``"taken in charge"`` ->
    ``"taken_in_charge"`` (``_2``, ``_3`` ... when two names fold to the same)."""
    import re

    from bpsim._names import first_free

    slug = re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_") or "sla"
    return first_free(slug, taken)


class Results:
    """The analysed output of a simulation run.

    Parameters
    ----------
    output : RunOutput
        The engine's records over all replications.
    process : Process, optional
        The simulated process (for element names and types).
    scenario : BoundScenario, optional
        The scenario bound to ``process`` (roles, SLAs, costs, start date). An unbound
        :class:`~bpsim.scenario.Scenario` is bound to ``process`` first.
    """

    def __new__(cls, output: RunOutput | None = None, *args, **kwargs):
        # the output of a streaming run (records=False) gets the streamed tables
        if cls is Results and getattr(output, "summaries", None) is not None:
            from bpsim.stream.results import StreamedResults

            return super().__new__(StreamedResults)
        return super().__new__(cls)

    def __init__(self, output: RunOutput, process: Process | None = None,
                 scenario: Scenario | BoundScenario | None = None) -> None:
        from bpsim.scenario.core import Scenario

        if isinstance(scenario, Scenario):  # (a Scenario has .roles too: its raw entries)
            if process is None:
                from bpsim.errors import ModelError

                raise ModelError("bpsim.Results() needs the process to bind an unbound "
                                 "Scenario to, not None.",
                                 hint="pass Results(output, process, scenario), or a bound "
                                      "scenario (scenario.bind(process)).")
            scenario = scenario.bind(process)
        self.output = output
        self.process = process
        self.scenario = scenario

    def __repr__(self) -> str:
        return (f"<Results {self.scenario_name!r}: {plural(self.replications, 'replication')}, "
                f"{self.arrived:g} tickets arrived per replication>")

    def _repr_html_(self) -> str:
        """The headline figures and key tables, for a notebook cell."""
        from bpsim.report.notebook import results_html

        return results_html(self)

    # -- basics ---------------------------------------------------------------------------
    @property
    def replications(self) -> int:
        """How many replications the figures average over."""
        return len(self.replication_ids)

    @cached_property
    def replication_ids(self) -> list[int]:
        return sorted(int(r) for r in self.output.windows["replication"])

    @property
    def seed(self) -> int | None:
        """The root seed of the run (same seed, same figures)."""
        return self.output.seed

    @property
    def scenario_name(self) -> str | None:
        """The scenario's ``name``."""
        return getattr(self.scenario, "name", None)

    @property
    def model_name(self) -> str | None:
        """The model's file (or process name) the results come from."""
        p = self.process
        if p is None:
            return None
        return p.source or p.name

    @property
    def events_recorded(self) -> bool:
        """Whether the run kept its event records (``record_events=True``, the default);
        without them stage, queue, SLA and billing figures cannot be computed."""
        return not (self.output.events.empty and not self.output.cases.empty)

    @cached_property
    def windows(self) -> pd.DataFrame:
        """Measured window per replication (index ``replication``: ``warmup``, ``end``)."""
        return _visits.windows(self.output)

    @cached_property
    def visits(self) -> pd.DataFrame:
        """One row per ticket x stage x pass (see :mod:`bpsim.analysis.visits`)."""
        return _visits.visits(self.output)

    @cached_property
    def _measured_cases(self) -> pd.DataFrame:
        """The cases table with ``measured`` and ``cycle_time``
        (:func:`bpsim.analysis.visits.measured_cases`), worked out once for every table that
        reads it (none of them changes it)."""
        return _visits.measured_cases(self.output)

    # -- tables ---------------------------------------------------------------------------
    @cached_property
    def cases(self) -> pd.DataFrame:
        """One row per ticket, snake_case columns (docs/analysis.md lists them all):
        ``replication``, ``case`` (int), ``priority``, ``start_event`` (id), ``channel`` (the
        start event's name) (categories), ``arrival``, ``end`` (float s; NaN: open at the
        end), ``completed``, ``measured`` (bool), ``cycle_time`` (float s), and per SLA
        ``sla_<name>_elapsed`` (float s on its clock) and ``sla_<name>_breached`` (nullable
        boolean: ``<NA>`` when excluded), ``<name>`` in snake_case (``attrs["slas"]`` maps
        each SLA's name to it)."""
        from bpsim.analysis.stages import element_name

        cases = self._measured_cases.rename(
            columns={"cls": "priority", "start": "start_event"})
        starts = cases["start_event"].astype(object)
        names = {e: element_name(self.process, e) for e in starts.dropna().unique()}
        cases.insert(cases.columns.get_loc("start_event") + 1, "channel",
                     pd.Categorical(starts.map(names)))
        for col in ("replication", "case"):
            cases[col] = cases[col].astype(int)
        for col in ("completed", "measured"):
            cases[col] = cases[col].astype(bool)
        for col in ("priority", "start_event"):
            if str(cases[col].dtype) != "category":
                cases[col] = cases[col].astype("category")
        slugs: dict[str, str] = {}
        for sla in getattr(self.scenario, "slas", None) or []:
            slug = sla_column_name(sla.name, set(slugs.values()))
            slugs[sla.name] = slug
            sc = self.sla_cases.loc[self.sla_cases["sla"] == sla.name,
                                    ["replication", "case", "elapsed", "breached"]]
            sc = sc.assign(replication=sc["replication"].astype(int),
                           case=sc["case"].astype(int),
                           elapsed=sc["elapsed"].astype(float),
                           breached=sc["breached"].astype("boolean"))
            sc = sc.rename(columns={"elapsed": f"sla_{slug}_elapsed",
                                    "breached": f"sla_{slug}_breached"})
            cases = cases.merge(sc, on=["replication", "case"], how="left")
        cases.attrs["slas"] = slugs
        return cases

    @property
    def events(self) -> pd.DataFrame:
        """The engine's event records, with ``name`` (the element's name, or its id)."""
        ev = self.output.events
        names = {e: _stages.element_name(self.process, e) for e in ev["element"].unique()}
        name = ev["element"].map(names)
        return ev.assign(name=name.astype(object) if isinstance(name.dtype, pd.CategoricalDtype)
                         else name)

    @cached_property
    def queues(self) -> pd.DataFrame:
        """Queue length over time: ``replication``, ``element``, ``time``, ``length``."""
        return _queues.queue_series(self.visits, "queue")

    def queue_curve(self, element: str, points: int = 500) -> pd.DataFrame:
        """Mean queue length across replications at ``element`` on an even time grid from
        0 to the end of the run: columns ``time`` (s) and ``length`` (tickets)."""
        import numpy as np

        end = float(self.windows["end"].max()) if not self.windows.empty else 0.0
        grid = np.linspace(0.0, end, points)
        return pd.DataFrame({"time": grid, "length": _queues.queue_curve(
            self.queues, element, grid, self.replication_ids)})

    @cached_property
    def queue_stats(self) -> pd.DataFrame:
        return _queues.queue_stats(self.queues, self.windows)

    @cached_property
    def stages(self) -> pd.DataFrame:
        return _stages.stage_table(self.visits, self.queue_stats, self.replication_ids,
                                   self.process, self.scenario)

    @cached_property
    def _overtime(self) -> pd.DataFrame:
        return _roles.overtime(self.visits, self.windows, self.scenario)

    @cached_property
    def abandonment(self) -> pd.DataFrame:
        """Abandonment and blocking per stage, class and channel, with CIs (see
        :mod:`bpsim.analysis.abandonment`)."""
        from bpsim.analysis.abandonment import abandonment_table

        return abandonment_table(self.visits, self.output.cases, self.replication_ids,
                                 self.process, self.scenario)

    @cached_property
    def crossover(self) -> pd.DataFrame:
        """Per task with several qualified roles: the work each role did (see
        :mod:`bpsim.analysis.crossover`)."""
        from bpsim.analysis.crossover import crossover_table

        return crossover_table(self.visits, self.replication_ids, self.process, self.scenario)

    @cached_property
    def roles(self) -> pd.DataFrame:
        return _roles.role_table(self.output.staff, self.visits, self.windows, self.scenario,
                                 overtime=self._overtime)

    @cached_property
    def staff(self) -> pd.DataFrame:
        return _roles.staff_table(self.output.staff, self.visits, self.windows, self.scenario,
                                  overtime=self._overtime)

    @cached_property
    def sla_cases(self) -> pd.DataFrame:
        """Per SLA x measured ticket: its clock and status (see :mod:`bpsim.analysis.slas`)."""
        base = self._measured_cases
        slas = (getattr(self.scenario, "slas", None) or []) if self.events_recorded else []
        parts = [_slas.sla_cases(s, self.output.events, base, self.visits, self.windows)
                 for s in slas]
        cols = ["sla", "replication", "case", "cls", "target", "t0", "t1", "elapsed",
                "status", "breached"]
        parts = [p for p in parts if not p.empty]
        if not parts:
            return pd.DataFrame(columns=cols)
        out = pd.concat(parts, ignore_index=True)
        if len(parts) > 1:  # one category per SLA: put together, they are one categorical
            out["sla"] = pd.Categorical(out["sla"], categories=sorted(
                {s.name for s in slas}, key=str))
        return out

    @cached_property
    def slas(self) -> pd.DataFrame:
        return _slas.sla_table(getattr(self.scenario, "slas", None) or [], self.sla_cases,
                               self.replication_ids,
                               getattr(self.scenario, "classes", None) or (), self.process)

    @cached_property
    def costs(self) -> pd.DataFrame:
        return _costs.cost_table(self.output.staff, self.visits,
                                 self._measured_cases, self.replication_ids,
                                 self.scenario)

    @cached_property
    def bottlenecks(self) -> pd.DataFrame:
        return _bottlenecks.bottleneck_table(
            self.stages, self.roles, self.visits, self._measured_cases,
            self.queue_stats, self.windows, self.replication_ids)

    @cached_property
    def littles_law(self) -> pd.DataFrame:
        """``L = lambda W`` per stage, for the queue and for the whole stage."""
        q = _queues.littles_law(self.visits, self.windows, "queue", series=self.queues,
                                stats=self.queue_stats)
        s = _queues.littles_law(self.visits, self.windows, "stage")
        out = pd.concat([q, s], ignore_index=True)
        out.insert(1, "name", [_stages.element_name(self.process, e) for e in out["element"]])
        return out

    @cached_property
    def open_visits(self) -> pd.DataFrame:
        """One row per ticket x stage still open at the horizon (see
        :mod:`bpsim.analysis.backlog`)."""
        return _backlog.open_visits(self.visits, self.windows, self.process, self.scenario)

    @cached_property
    def open(self) -> pd.DataFrame:
        """Tickets still open at the horizon per stage x class x state (waiting, in service,
        on hold), per replication, with their age (see :mod:`bpsim.analysis.backlog`)."""
        return _backlog.open_by_stage(self.open_visits, self.replication_ids, self.process)

    @cached_property
    def open_summary(self) -> dict:
        """The open backlog at the horizon: ``total``, ``measured``, ``age_mean``,
        ``by_state``, ``by_class``, ``share`` (see :func:`bpsim.analysis.backlog.open_summary`)."""
        return _backlog.open_summary(self._measured_cases, self.open_visits,
                                     self.windows, self.replication_ids)

    @cached_property
    def classes(self) -> pd.DataFrame:
        """Per priority class: tickets, completed, open, cycle time, wait (see
        :mod:`bpsim.analysis.classes`)."""
        return _classes.class_table(self._measured_cases, self.visits,
                                    self.replication_ids,
                                    getattr(self.scenario, "classes", None) or ())

    @cached_property
    def paper_loads(self) -> pd.DataFrame | None:
        """On-paper offered load per role and shift against the staff on duty (see
        :func:`bpsim.analysis.stability.paper_loads`); ``None`` without process or roles."""
        if self.process is None or not getattr(self.scenario, "roles", None):
            return None
        try:
            return _stability.paper_loads(self.process, self.scenario)
        except Exception:  # noqa: BLE001 - a hand-made scenario may lack what load needs
            return None

    @cached_property
    def backlog_trend(self) -> _stability.Trend | None:
        """Trend test of the open backlog over the second half of the window."""
        if self.output.cases.empty:
            return None
        return _stability.backlog_trend(self.output.cases, self.windows,
                                        _stability.is_periodic(self.scenario))

    @cached_property
    def queue_trends(self) -> pd.DataFrame:
        """Trend test of each stage's queue length (see :mod:`bpsim.analysis.stability`)."""
        return _stability.queue_trends(self.queues, self.visits, self.windows,
                                       _stability.is_periodic(self.scenario))

    @cached_property
    def mser(self) -> _warmup.Truncation:
        """The MSER-5 truncation point of this run's tickets (see
        :mod:`bpsim.analysis.warmup`); with ``warmup: auto``, the one the pilot chose."""
        chosen = self.output.meta.get("warmup_auto")
        if chosen is not None:
            return chosen
        return _warmup.truncation(self.output.cases, self.windows)

    @property
    def warmup_auto(self) -> bool:
        """Whether the warm-up was chosen by ``warmup: auto``."""
        return self.output.meta.get("warmup_auto") is not None

    @cached_property
    def warmup_warnings(self) -> list[dict]:
        """``no-warmup`` / ``short-warmup`` (see :func:`bpsim.analysis.warmup.warmup_warnings`)."""
        return _warmup.warmup_warnings(self, auto=self.warmup_auto)

    @cached_property
    def warnings(self) -> list[dict]:
        """Warnings about these figures, with stable codes (see :mod:`bpsim.analysis.flags`):
        overloaded roles, growing queues and backlog, censored SLAs, warm-up."""
        return _flags.run_warnings(self)

    # -- the customer's side (bpsim.experience) ---------------------------------------------
    @cached_property
    def experience(self):
        """The customer-side figures (:class:`bpsim.experience.figures.Experience`)."""
        from bpsim.experience.figures import Experience

        return Experience(self)

    @property
    def journey(self) -> pd.DataFrame:
        """Per blueprint phase and end to end: customer time, effort, visible and hidden
        waits, touchpoints, updates, SLA breaches met, re-opens (see docs/experience.md)."""
        return self.experience.journey

    @property
    def satisfaction(self) -> pd.DataFrame:
        """CSAT (true score and survey estimate) overall, by class and channel; phase scores
        and points lost per phase (see docs/experience.md)."""
        return self.experience.satisfaction

    # -- headline figures -------------------------------------------------------------------
    @cached_property
    def _case_counts(self) -> tuple[float, float]:
        c = self._measured_cases
        m = c.loc[c["measured"]]
        reps = pd.Index(self.replication_ids)
        arrived = m.groupby("replication").size().reindex(reps, fill_value=0)
        done = m.loc[m["completed"].astype(bool)].groupby("replication").size()
        done = done.reindex(reps, fill_value=0)
        return float(arrived.mean()) if len(reps) else 0.0, \
            float(done.mean()) if len(reps) else 0.0

    @property
    def arrived(self) -> float:
        """Tickets arrived after the warm-up, per replication (mean)."""
        return self._case_counts[0]

    @cached_property
    def left(self) -> dict[str, float]:
        """Measured tickets per replication that left unserved: ``abandoned`` (lost patience in
        a queue) and ``blocked`` (turned away by a full queue), means."""
        c = self._measured_cases
        m = c.loc[c["measured"]]
        reps = pd.Index(self.replication_ids)
        out = {}
        for col in ("abandoned", "blocked"):
            per = m.loc[m[col].astype(bool)].groupby("replication").size() if col in m else pd.Series(dtype=float)
            out[col] = float(per.reindex(reps, fill_value=0).mean()) if len(reps) else 0.0
        return out

    @property
    def completed(self) -> float:
        """Of those, tickets completed by the end of the run, per replication (mean)."""
        return self._case_counts[1]

    @cached_property
    def cycle_time(self) -> dict[str, float]:
        """Cycle time (arrival -> end) of completed measured tickets: ``mean``, ``ci95``,
        ``p50``, ``p90``, ``p95`` (seconds), ``cases`` (the completed tickets it covers, per
        replication) and ``open`` (measured tickets still open at the horizon, per
        replication, which it does not cover)."""
        c = self._measured_cases
        done = c.loc[c["measured"] & c["completed"].astype(bool)]
        mean, ci = mean_ci(done.groupby("replication")["cycle_time"].mean())
        n = max(self.replications, 1)
        still = int((c["measured"] & c["end"].isna()).sum())  # abandoned / blocked ones have ended
        return {"mean": mean, "ci95": ci, **percentiles(done["cycle_time"].to_numpy()),
                "cases": len(done) / n, "open": still / n}

    # -- outputs ------------------------------------------------------------------------------
    def summary(self) -> str:
        """The text report (what ``bpsim simulate`` prints)."""
        from bpsim.report.text import summary

        return summary(self)

    def to_dict(self) -> dict:
        """The JSON report as plain data (durations in seconds; see DESIGN.md)."""
        from bpsim.report.jsonout import to_dict

        return to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (NaN written as ``null``)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def to_event_log(self, path: str | os.PathLike) -> Path:
        """Write the event log as CSV (``.csv``) or XES (``.xes``), atomically."""
        from bpsim.report.eventlog import write_event_log

        return write_event_log(self, path)

    def to_pm4py(self, replications: str | list[int] = "first") -> pd.DataFrame:
        """The event log as pm4py takes it (pm4py installed): a formatted DataFrame with
        pm4py's column names and datetime stamps; ``replications``: ``"first"``, ``"all"``
        or a list. See :mod:`bpsim.report.mining`."""
        from bpsim.report.mining import to_pm4py

        return to_pm4py(self, replications)

    def plot(self, kind: str = "utilization", ax: Axes | None = None) -> Axes:
        """Draw one figure on ``ax`` (a new figure when ``None``) and return the axes.

        ``kind``: ``"utilization"`` (per role, with CI bars), ``"waits"`` (mean wait per stage
        with CI bars), ``"queues"`` (mean queue length over time per stage),
        ``"cycle_time"`` (histogram with SLA target lines) or ``"slas"`` (breach rates
        with CI bars and the allowed rate).
        """
        from bpsim.report.plots import plot

        return plot(self, kind, ax=ax)

    def annotate(self, path: str | os.PathLike, metric: str = "utilization") -> Path:
        """Write the results onto the diagram: ``.bpmn`` (bpmn.io / Camunda colours and a
        text annotation per activity), ``.drawio`` (fill and stroke colours, figure labels),
        ``.svg`` or ``.png`` (the drawing with a colour bar and flows as wide as they are
        busy). ``metric``: ``"utilization"``, ``"wait"``, ``"breach"``, ``"count"`` or
        ``"cost"``. See :mod:`bpsim.report.annotate`."""
        from bpsim.report.annotate import annotate

        return annotate(self, path, metric=metric)

    def to_html(self, path: str | os.PathLike | None = None) -> str:
        """The self-contained HTML report (diagram with tooltips and a metric switcher,
        KPIs, SLA, stage, role and cost tables, bottlenecks, plots, scenario, seed and
        version); written to ``path`` when given. See :mod:`bpsim.report.html`."""
        from bpsim.report.html import to_html

        return to_html(self, path)

    def write(self, out_dir: str | os.PathLike, event_log: str = "first") -> list[Path]:
        """Write tables (CSV), results.json, report.txt, plots (PNG) and the event log
        (events.csv, events.xes) into ``out_dir``; return the paths written.

        ``event_log``: the ``"first"`` replication only (default), ``"all"``, or ``"none"``;
        ``report.txt`` says which.
        """
        from bpsim.report.files import write_all

        return write_all(self, out_dir, event_log=event_log)

