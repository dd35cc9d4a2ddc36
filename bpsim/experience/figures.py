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

import pandas as pd

from bpsim.experience.blueprint import Blueprint, blueprint
from bpsim.experience.journey import journey_table, ticket_phases
from bpsim.experience.satisfaction import (
    SatisfactionParams,
    distribution,
    pain_points,
    params_from,
    satisfaction_table,
    score_tickets,
)

__all__ = ["Experience"]


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
        sc = self.results.scenario
        if self.results.process is None or sc is None:
            return False
        asked = any(getattr(sc, k, None) is not None
                    for k in ("updates", "satisfaction", "survey", "blueprint"))
        return asked or self.blueprint.is_blueprint

    @cached_property
    def _phases(self):
        return ticket_phases(self.results, self.blueprint)

    @property
    def per_phase(self) -> pd.DataFrame:
        """Per completed measured ticket x phase (see :func:`~bpsim.experience.journey.ticket_phases`)."""
        return self._phases[0]

    @cached_property
    def journey(self) -> pd.DataFrame:
        """``Results.journey`` (see :func:`~bpsim.experience.journey.journey_table`)."""
        return journey_table(self.results, self.blueprint, self.per_phase)

    @cached_property
    def params(self) -> SatisfactionParams:
        """The satisfaction model's parameters (defaults + the scenario's ``satisfaction:``)."""
        return params_from(getattr(self.results.scenario, "satisfaction", None))

    @cached_property
    def _scores(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        per_phase, cases, pieces = self._phases
        return score_tickets(self.results, self.blueprint, per_phase, cases, pieces, self.params,
                             getattr(self.results.scenario, "survey", None))

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
    def satisfaction(self) -> pd.DataFrame:
        """``Results.satisfaction`` (see :func:`~bpsim.experience.satisfaction.satisfaction_table`)."""
        return satisfaction_table(self.tickets, self.drivers, self.blueprint,
                                  list(self.results.replication_ids), self.params)

    @cached_property
    def pain_points(self) -> list[dict]:
        """Phases ranked by the satisfaction points they cost, with the reasons."""
        return pain_points(self.drivers, self.tickets, self.blueprint)

    @property
    def distribution(self) -> dict[int, float]:
        """Share of tickets per score 1 .. scale."""
        return distribution(self.tickets, self.params.scale)

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
                  "survey_csat_mean", "survey_ci95", "survey_responses"]
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
            "basis": "completed tickets arriving after the warm-up; means of the replications' "
                     "means, 95 % CI half-widths across replications; survey_ci95 is one "
                     "replication's survey sampling error",
            "by_class": rows("class", groups),
            "by_channel": rows("channel", groups),
            "by_phase": rows("phase", ["phase_score", "phase_score_ci95", "points_lost",
                                       "main_driver"]),
            "pain_points": self.pain_points,
            "updates_per_ticket": float(j.loc[j["phase"] == j["phase"].iloc[-1],
                                              "updates_mean"].iloc[0]) if len(j) else 0.0,
        }
        return {"journey": journey, "satisfaction": satisfaction}
