"""Per-ticket computations of the customer-side tables, kept as the independent check of
the folded ones (:mod:`bpsim.experience.fold` builds ``Results.journey`` and
``Results.satisfaction`` from per-replication sums, the same way with or without records).

They read every ticket's rows, as the library did before the fold: tests/experience/test_fold.py
compares the two, so a fold that drifts from the per-ticket figures fails.
"""

from __future__ import annotations

import math

import pandas as pd

from bpsim.analysis.stats import mean_ci
from bpsim.experience.blueprint import Blueprint
from bpsim.experience.journey import END_TO_END, JOURNEY_FIGURES, _ci_rows, measured, ticket_phases
from bpsim.experience.satisfaction import SATISFACTION_COLUMNS, SatisfactionParams, phase_rows
from bpsim.experience.survey import survey_columns, survey_estimate
from bpsim.experience.unserved import UNSERVED_COLUMNS


def journey_table(results, bp: Blueprint, per_phase: pd.DataFrame | None = None) -> pd.DataFrame:
    """``Results.journey``: one row per phase (journey order) and an ``end to end`` row.

    Columns ``phase``, ``tickets`` (completed measured tickets per replication),
    ``share_entering`` (of those, the share that passed the phase), and for each figure of
    :data:`JOURNEY_FIGURES` ``<figure>_mean`` (per ticket; seconds or counts) and
    ``<figure>_ci95``; ``abandon_share`` (+ ``_ci95``: the share of the measured tickets
    that ended, completed or abandoned, whose customer abandoned in that phase; 0 when the
    scenario lets no one abandon; see :func:`abandon_shares`).
    """
    if per_phase is None:
        per_phase = ticket_phases(results, bp)[0]
    reps = pd.Index(list(results.replication_ids), name="replication")
    figures = [f for f in JOURNEY_FIGURES if f in per_phase.columns]
    columns = (["phase", "tickets", "share_entering"]
               + [f"{f}_{k}" for f in figures if f != "abandoned" for k in ("mean", "ci95")]
               + ["abandon_share"])
    if per_phase.empty:
        return pd.DataFrame(columns=columns)
    tickets = (per_phase.drop_duplicates(["replication", "case"]).groupby("replication").size()
               .reindex(reps, fill_value=0).astype(float))
    entered = (per_phase["customer_time"] > 0) | (per_phase["touchpoints"] > 0)
    per = per_phase.assign(_entered=entered.astype(float))
    sums = per.groupby(["phase", "replication"])[figures + ["_entered"]].sum()
    order = list(dict.fromkeys(list(bp.phases.order or [END_TO_END])
                               + list(per_phase["phase"].unique())))
    rows = []
    for ph in order:
        g = (sums.xs(ph, level="phase").reindex(reps, fill_value=0.0) if ph in
             sums.index.get_level_values("phase") else
             pd.DataFrame(0.0, index=reps, columns=figures + ["_entered"]))
        row = _ci_rows(g, tickets, figures + ["_entered"], ph)
        rows.append(row)
    if bp.phases:
        tot = sums.groupby(level="replication").sum().reindex(reps, fill_value=0.0)
        row = _ci_rows(tot, tickets, figures, END_TO_END)
        row["_entered_mean"] = 1.0
        rows.append(row)
    out = pd.DataFrame(rows)
    out["tickets"] = float(tickets.mean())
    out["share_entering"] = out.pop("_entered_mean")
    out.pop("abandoned_mean")
    shares = abandon_shares(results, bp)
    out["abandon_share"] = [shares.get(ph, (0.0, math.nan))[0] for ph in out["phase"]]
    out["abandon_share_ci95"] = [shares.get(ph, (0.0, math.nan))[1] for ph in out["phase"]]
    return out[columns + ["abandon_share_ci95"]]


def abandon_shares(results, bp: Blueprint) -> dict[str, tuple[float, float]]:
    """Phase -> (mean, ci95) share of the measured tickets that ended their journey (completed
    or abandoned) whose customer abandoned in that phase (lost patience in a queue: the
    engine's ``abandoned`` records), and the same ``end to end``. Empty when the run has no
    abandonment."""
    ev = results.output.events
    if "abandoned" not in set(ev["lifecycle"].cat.categories):
        return {}
    c = measured(results)
    c = c.loc[c["measured"]]
    gone = c["abandoned"].astype(bool) if "abandoned" in c else pd.Series(False, index=c.index)
    ended = c.loc[c["completed"].astype(bool) | gone]
    reps = pd.Index(list(results.replication_ids), name="replication")
    denom = ended.groupby("replication").size().reindex(reps, fill_value=0).astype(float)
    ab = ev.loc[ev["lifecycle"] == "abandoned", ["replication", "case", "element", "time"]]
    ab = ab.merge(ended[["replication", "case"]], on=["replication", "case"])
    ab = ab.sort_values("time").drop_duplicates(["replication", "case"])
    if bp.phases:
        ab = ab.assign(phase=ab["element"].astype(object).map(bp.phases.of_node).fillna(
            "(no phase)"))
    else:
        ab = ab.assign(phase=END_TO_END)
    out: dict[str, tuple[float, float]] = {}
    groups = list(ab.groupby("phase")) + ([(END_TO_END, ab)] if bp.phases else [])
    for ph, g in groups:
        n = g.groupby("replication").size().reindex(reps, fill_value=0).astype(float)
        out[str(ph)] = mean_ci((n / denom.where(denom > 0)).dropna())
    return out


def _group_rows(tickets: pd.DataFrame, by: str | None, scope: str, reps: list[int],
                params: SatisfactionParams) -> list[dict]:
    out = []
    groups = [(None, tickets)] if by is None else list(tickets.groupby(
        by, observed=True, sort=by == "cls"))
    for name, g in groups:
        per = g.groupby("replication")
        csat = per["score"].mean().reindex(reps)
        sat = per["satisfied"].mean().reindex(reps)
        m, ci = mean_ci(csat.dropna())
        s, sci = mean_ci(sat.dropna())
        row = {"scope": scope, "name": "all" if name is None else str(name),
               "tickets": float(per.size().reindex(reps, fill_value=0).mean()),
               "csat_mean": m, "csat_ci95": ci, "share_satisfied": s,
               "share_satisfied_ci95": sci}
        answered = "answered" in g and bool(g["answered"].any())
        row.update(survey_columns([survey_estimate(x["score"].to_numpy(), x["answered"].to_numpy())
                                   for _, x in per] if answered else []))
        out.append(row)
    return out


def satisfaction_table(tickets: pd.DataFrame, drivers: pd.DataFrame, bp: Blueprint,
                       reps: list[int], params: SatisfactionParams) -> pd.DataFrame:
    """``Results.satisfaction``: rows of scope ``overall`` (every completed ticket),
    ``class``, ``channel`` and ``phase``; see docs/experience.md for the columns."""
    rows = _group_rows(tickets, None, "overall", reps, params)
    rows += _group_rows(tickets, "cls", "class", reps, params)
    rows += _group_rows(tickets, "channel", "channel", reps, params)
    rows += phase_rows(drivers, bp, reps, params, tickets)
    out = pd.DataFrame(rows)
    for c in SATISFACTION_COLUMNS:
        if c not in out:
            out[c] = math.nan if c != "main_driver" else None
    return out[SATISFACTION_COLUMNS]


def add_unserved(table: pd.DataFrame, tickets: pd.DataFrame, unserved: pd.DataFrame,
                 reps: list[int]) -> pd.DataFrame:
    """``table`` (``Results.satisfaction``) with the :data:`UNSERVED_COLUMNS` (NaN on the
    ``phase`` rows)."""
    out = table.copy()
    for col in UNSERVED_COLUMNS:
        out[col] = math.nan
    both = pd.concat([tickets[["replication", "cls", "channel", "score", "satisfied"]].assign(left=""),
                      unserved[["replication", "cls", "channel", "score", "satisfied", "left"]]],
                     ignore_index=True)
    both["satisfied"] = both["satisfied"].astype(bool)
    both["score"] = both["score"].astype(float)
    for i, row in out.iterrows():
        scope = row["scope"]
        if scope == "overall":
            g = both
        elif scope in ("class", "channel"):
            key = "cls" if scope == "class" else "channel"
            g = both.loc[both[key].astype(str) == str(row["name"])]
        else:
            continue
        per = g.groupby("replication")
        m, ci = mean_ci(per["score"].mean().reindex(reps).dropna())
        s, sci = mean_ci(per["satisfied"].mean().reindex(reps).dropna())
        left = g["left"].to_numpy()
        counts = {k: float(g.loc[left == k].groupby("replication").size().reindex(reps, fill_value=0).mean())
                  if reps else 0.0 for k in ("abandoned", "blocked")}
        out.loc[i, UNSERVED_COLUMNS] = [counts["abandoned"], counts["blocked"], m, ci, s, sci]
    return out
