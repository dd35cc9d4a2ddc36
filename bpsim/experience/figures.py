"""All the customer-side figures of one simulation run, computed on first use and kept.

:attr:`bpsim.analysis.Results.experience` is an :class:`Experience`; ``Results.journey`` and
``Results.satisfaction`` are its two main tables::

    results.journey         per phase and end to end: customer time, effort, waits,
                            touchpoints, updates, SLA breaches, re-opens (means with CIs)
    results.satisfaction    CSAT overall, by class, by channel; phase scores and points lost
    results.experience.tickets       every completed ticket's score and drivers
    results.experience.pain_points   the phases where satisfaction is lost most, and why
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd

from bpsim.experience.blueprint import Blueprint, blueprint
from bpsim.experience.fold import (
    ExperienceSums,
    distribution_from,
    fold_frames,
    journey_from,
    pain_points_from,
    satisfaction_from,
)
from bpsim.experience.journey import ticket_phases
from bpsim.experience.satisfaction import SatisfactionParams, params_from, score_tickets
from bpsim.experience.unserved import unserved_tickets

__all__ = ["Experience", "is_relevant"]


def is_relevant(scenario, bp: Blueprint) -> bool:
    """Whether a run of ``scenario`` on the blueprint ``bp`` is about the customer's side
    (see :attr:`Experience.relevant`)."""
    asked = any(getattr(scenario, k, None) is not None
                for k in ("updates", "satisfaction", "survey", "blueprint"))
    return asked or bp.is_blueprint


class Experience:
    """The customer's side of a :class:`~bpsim.analysis.Results` (see the module docstring)."""

    def __init__(self, results) -> None:
        self.results = results

    @cached_property
    def blueprint(self) -> Blueprint:
        """The model's blueprint structure under the run's scenario."""
        return blueprint(self.results.process, self.results.scenario)

    @property
    def relevant(self) -> bool:
        """Whether the run is about the customer's side: the model is drawn as a blueprint
        (phases, or a customer lane) or the scenario has ``updates:``, ``satisfaction:`` or
        ``survey:``. The text report and JSON show the section then."""
        if self.results.process is None or self.results.scenario is None:
            return False
        return is_relevant(self.results.scenario, self.blueprint)

    @property
    def available(self) -> bool:
        """Whether the run kept what the figures are computed from (the event records)."""
        return bool(self.results.events_recorded)

    @cached_property
    def _per_replication(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                        ExperienceSums]:
        """``(per_phase, cases, tickets, drivers, sums)``, worked out one replication at a time.

        Every figure of a ticket depends on its own replication's records only, so the
        per-record timeline (:func:`~bpsim.experience.journey.moments`, as many rows as
        records) exists for one replication at a time and is freed after it: a year x 20
        replications needs a twentieth of its memory. ``sums``
        (:class:`~bpsim.experience.fold.ExperienceSums`) is what the tables are computed from."""
        survey = getattr(self.results.scenario, "survey", None)
        parts: list[tuple[pd.DataFrame, ...]] = []
        sums = ExperienceSums()
        for view in _replication_views(self.results):
            per_phase, cases, pieces = ticket_phases(view, self.blueprint)
            tickets, drivers = score_tickets(view, self.blueprint, per_phase, cases, pieces,
                                             self.params, survey)
            del pieces
            sums.add(fold_frames(view, self.blueprint, self.params, per_phase, cases, tickets,
                                 drivers, survey))
            parts.append((per_phase, cases, tickets, drivers))
        if len(parts) == 1:
            return (*parts[0], sums)  # type: ignore[return-value]
        return (*(pd.concat([p[k] for p in parts], ignore_index=True)  # type: ignore[return-value]
                  for k in range(4)), sums)

    @property
    def sums(self) -> ExperienceSums:
        """The per-replication sums every table is computed from
        (:mod:`bpsim.experience.fold`)."""
        return self._per_replication[4]

    @property
    def _phases(self):
        per_phase, cases = self._per_replication[:2]
        return per_phase, cases, None

    @property
    def per_phase(self) -> pd.DataFrame:
        """Per completed measured ticket x phase (see :func:`~bpsim.experience.journey.ticket_phases`)."""
        return self._phases[0]

    @cached_property
    def journey(self) -> pd.DataFrame:
        """``Results.journey`` (see :func:`~bpsim.experience.fold.journey_from`)."""
        return journey_from(self.sums, self.blueprint, list(self.results.replication_ids))

    @cached_property
    def params(self) -> SatisfactionParams:
        """The satisfaction model's parameters (defaults + the scenario's ``satisfaction:``)."""
        return params_from(getattr(self.results.scenario, "satisfaction", None))

    @property
    def _scores(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self._per_replication[2], self._per_replication[3]

    @property
    def tickets(self) -> pd.DataFrame:
        """Every completed measured ticket: class, channel, drivers, ``score``, ``satisfied``,
        ``answered`` (the survey got an answer)."""
        return self._scores[0]

    @property
    def drivers(self) -> pd.DataFrame:
        """Points per ticket x phase x driver."""
        return self._scores[1]

    @cached_property
    def unserved(self) -> pd.DataFrame:
        """Every measured ticket that abandoned or was blocked, scored by the documented rule
        (:func:`~bpsim.experience.unserved.unserved_tickets`)."""
        return unserved_tickets(self.results, self.params)

    @cached_property
    def satisfaction(self) -> pd.DataFrame:
        """``Results.satisfaction`` (see :func:`~bpsim.experience.fold.satisfaction_from`),
        with the abandoned and blocked tickets' columns."""
        return satisfaction_from(self.sums, self.blueprint, list(self.results.replication_ids),
                                 self.params)

    @cached_property
    def pain_points(self) -> list[dict]:
        """Phases ranked by the satisfaction points they cost, with the reasons."""
        return pain_points_from(self.sums, self.blueprint)

    @property
    def distribution(self) -> dict[int, float]:
        """Share of tickets per score 1 .. scale."""
        return distribution_from(self.sums, self.params.scale)

    @property
    def csat(self) -> float:
        """Mean CSAT over completed measured tickets (the mean of the replications' means)."""
        row = self.satisfaction.loc[self.satisfaction["scope"] == "overall"]
        return float(row["csat_mean"].iloc[0]) if len(row) else math.nan

    def to_dict(self) -> dict:
        """``{"journey": [...], "satisfaction": {...}}`` as ``simulate --json`` writes them."""
        j = self.journey
        journey = [{k: (None if isinstance(v, float) and math.isnan(v) else v)
                    for k, v in row.items()} for row in j.to_dict(orient="records")]
        s = self.satisfaction
        top = s.loc[s["scope"] == "overall"].iloc[0].to_dict() if len(s) else {}

        def rows(scope: str, cols: list[str]) -> list[dict]:
            sub = s.loc[s["scope"] == scope]
            return [{c: r[c] for c in ["name", *cols]} for r in sub.to_dict(orient="records")]

        groups = ["tickets", "csat_mean", "csat_ci95", "share_satisfied", "share_satisfied_ci95",
                  "survey_csat_mean", "survey_ci95", "survey_responses", "abandoned_tickets",
                  "blocked_tickets", "csat_with_unserved_mean", "csat_with_unserved_ci95",
                  "share_satisfied_with_unserved", "share_satisfied_with_unserved_ci95"]
        sv = getattr(self.results.scenario, "survey", None)
        satisfaction = {
            "scale": self.params.scale,
            "csat_mean": top.get("csat_mean"), "csat_ci95": top.get("csat_ci95"),
            "share_satisfied": top.get("share_satisfied"),
            "share_satisfied_ci95": top.get("share_satisfied_ci95"),
            "satisfied_from": self.params.satisfied,
            "distribution": {str(k): v for k, v in self.distribution.items()},
            "survey_csat_mean": top.get("survey_csat_mean"),
            "survey_ci95": top.get("survey_ci95"),
            "survey_responses": top.get("survey_responses"),
            "survey_response_rate": getattr(sv, "response_rate", None),
            "survey_bias": getattr(sv, "bias", None),
            "tickets": top.get("tickets"),
            "abandoned_tickets": top.get("abandoned_tickets"),
            "blocked_tickets": top.get("blocked_tickets"),
            "abandoned_score": self.params.abandoned,
            "blocked_score": self.params.blocked,
            "csat_with_unserved_mean": top.get("csat_with_unserved_mean"),
            "csat_with_unserved_ci95": top.get("csat_with_unserved_ci95"),
            "share_satisfied_with_unserved": top.get("share_satisfied_with_unserved"),
            "share_satisfied_with_unserved_ci95": top.get("share_satisfied_with_unserved_ci95"),
            "basis": "completed tickets arriving after the warm-up; means of the replications' "
                     "means, 95 % CI half-widths across replications; survey_ci95 is one "
                     "replication's survey sampling error; *_with_unserved: the completed "
                     "tickets plus those that abandoned or were blocked (left unserved), "
                     "scored abandoned_score / blocked_score",
            "by_class": rows("class", groups),
            "by_channel": rows("channel", groups),
            "by_phase": rows("phase", ["phase_score", "phase_score_ci95", "points_lost",
                                       "main_driver"]),
            "pain_points": self.pain_points,
            "updates_per_ticket": float(j.loc[j["phase"] == j["phase"].iloc[-1],
                                              "updates_mean"].iloc[0]) if len(j) else 0.0,
        }
        return {"journey": journey, "satisfaction": satisfaction}


class _OneReplication:
    """What the journey and the scores read of a :class:`~bpsim.analysis.Results`, for one
    replication: its records (slices of the run's, no copy), tickets and SLA clocks."""

    def __init__(self, results, replication: int, output, sla_cases: pd.DataFrame) -> None:
        self.process = results.process
        self.scenario = results.scenario
        self.seed = results.seed
        self.replication_ids = [replication]
        self.output = output
        self.sla_cases = sla_cases

    @cached_property
    def _measured_cases(self) -> pd.DataFrame:
        """The replication's cases with ``measured`` and ``cycle_time``, once for every
        per-ticket function (:func:`bpsim.experience.journey.measured`)."""
        from bpsim.analysis.visits import measured_cases

        return measured_cases(self.output)


def _rows_of(frame: pd.DataFrame | None, replication: int):
    """The rows of one replication (a slice when the frame is sorted by replication)."""
    if frame is None:
        return None
    if frame.empty:
        return frame
    reps = frame["replication"].to_numpy()
    if frame["replication"].is_monotonic_increasing:
        lo, hi = np.searchsorted(reps, [replication, replication + 1])
        return frame.iloc[int(lo):int(hi)]
    return frame.loc[reps == replication]


def _replication_views(results) -> list:
    """One view per replication of ``results`` (``[results]`` itself for one replication
    or no records)."""
    from dataclasses import replace

    out = results.output
    reps = list(results.replication_ids)
    if len(reps) <= 1 or out.events.empty:
        return [results]
    sla = results.sla_cases
    views = []
    for r in reps:
        one = replace(out, events=_rows_of(out.events, r), cases=_rows_of(out.cases, r),
                      staff=_rows_of(out.staff, r), windows=_rows_of(out.windows, r),
                      updates=_rows_of(out.updates, r), replications=1)
        views.append(_OneReplication(results, r, one, _rows_of(sla, r).reset_index(drop=True)
                                     if len(sla) else sla))
    return views
