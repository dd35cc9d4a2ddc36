"""The customer-side figures as sums: what the journey and satisfaction tables are made of.

Every figure of ``Results.journey`` and ``Results.satisfaction`` is a mean across
replications of per-replication means, shares and counts, and every per-replication figure
is a ratio of sums over tickets. :func:`fold` runs the per-ticket functions
(:func:`~bpsim.experience.journey.ticket_phases`,
:func:`~bpsim.experience.satisfaction.score_tickets`,
:func:`~bpsim.experience.unserved.unserved_tickets`) on any set of **whole tickets** (one
replication of a record-based run, or one chunk of a streaming run) and keeps only those
sums, an :class:`ExperienceSums`; sums of two sets of tickets add
(:meth:`ExperienceSums.add`). The tables are then computed from the sums alone
(:func:`journey_from`, :func:`satisfaction_from`, :func:`pain_points_from`,
:func:`distribution_from`), by the record-based path and by streaming statistics alike.

What is kept, per replication: per phase the journey figures' sums and the tickets that
entered it; the completed measured tickets; the measured tickets that ended and those that
abandoned, per phase of abandonment; the count of tickets per class x channel x how they
left x whole score x survey answer (scores are whole points, so means, shares and the survey
estimate are exact); per phase x driver the sums of the negative and of the positive points.
Its size does not depend on the number of tickets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci
from bpsim.experience.blueprint import Blueprint
from bpsim.experience.journey import END_TO_END, JOURNEY_FIGURES, _ci_rows, ticket_phases
from bpsim.experience.satisfaction import (
    DRIVERS,
    SATISFACTION_COLUMNS,
    SatisfactionParams,
    pain_points,
    phase_rows,
    score_tickets,
)
from bpsim.experience.survey import survey_columns, survey_estimate
from bpsim.experience.unserved import UNSERVED_COLUMNS, unserved_tickets

__all__ = ["ExperienceSums", "fold", "fold_frames", "journey_from", "abandon_from",
           "satisfaction_from", "pain_points_from", "distribution_from", "drivers_frame"]

NO_PHASE = "(no phase)"
_SUMMED = [*JOURNEY_FIGURES, "_entered"]
_SCORE_KEYS = ["replication", "cls", "channel", "left", "score", "answered"]


def _plus(a: pd.DataFrame | None, b: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame | None:
    """Two tables of sums keyed by ``keys``, added (rows of either kept)."""
    if a is None or a.empty:
        return b
    if b is None or b.empty:
        return a
    return (pd.concat([a, b], ignore_index=True).groupby(keys, sort=False, dropna=False)
            .sum().reset_index())


@dataclass
class ExperienceSums:
    """The per-replication sums of the customer-side figures (see the module docstring)."""

    #: replication, phase, the sums of :data:`~bpsim.experience.journey.JOURNEY_FIGURES`
    #: and ``_entered`` (tickets that entered the phase)
    journey: pd.DataFrame | None = None
    #: replication -> completed measured tickets
    tickets: dict[int, float] = field(default_factory=dict)
    #: whether the run's records can say who abandoned (the ``abandoned`` lifecycle)
    abandon_known: bool = False
    #: replication -> measured tickets that ended (completed or abandoned)
    ended: dict[int, float] = field(default_factory=dict)
    #: replication, phase, n: tickets that abandoned (first time), by phase
    abandons: pd.DataFrame | None = None
    #: replication, cls, channel, left ("", "abandoned", "blocked"), score, answered, n
    scores: pd.DataFrame | None = None
    #: channel -> (replication, case) of its first completed ticket (the tables' row order)
    channel_first: dict[Any, tuple[int, int]] = field(default_factory=dict)
    #: the classes in the scenario's order
    classes: list = field(default_factory=list)
    #: replication -> points, phase (journey order, then "(no phase)") x driver x (negative,
    #: positive)
    drivers: dict[int, np.ndarray] = field(default_factory=dict)
    #: a biased survey (``survey: {bias: ...}``): ``(response_rate, bias, scale)``, and the
    #: tickets whose answer depends on the replication's mean response weight, not known
    #: before its end (replication, cls, channel, score, u: the survey draw); see
    #: :func:`_survey_band`
    survey: tuple[float, float, int] | None = None
    band: pd.DataFrame | None = None

    def add(self, other: ExperienceSums) -> ExperienceSums:
        """Add the sums of ``other`` (another set of tickets) to these; returns ``self``."""
        self.journey = _plus(self.journey, other.journey, ["replication", "phase"])
        for r, n in other.tickets.items():
            self.tickets[r] = self.tickets.get(r, 0.0) + n
        self.abandon_known = self.abandon_known or other.abandon_known
        for r, n in other.ended.items():
            self.ended[r] = self.ended.get(r, 0.0) + n
        self.abandons = _plus(self.abandons, other.abandons, ["replication", "phase"])
        self.scores = _plus(self.scores, other.scores, _SCORE_KEYS)
        for ch, first in other.channel_first.items():
            if ch not in self.channel_first or first < self.channel_first[ch]:
                self.channel_first[ch] = first
        self.classes = list(dict.fromkeys(self.classes + list(other.classes)))
        self.survey = self.survey or other.survey
        if other.band is not None and len(other.band):
            self.band = (other.band if self.band is None else
                         pd.concat([self.band, other.band], ignore_index=True))
        for r, a in other.drivers.items():
            if r in self.drivers:
                self.drivers[r] = self.drivers[r] + a
            else:
                self.drivers[r] = a.copy()
        return self


# -- folding tickets into sums ----------------------------------------------------------------
def fold(view, bp: Blueprint, params: SatisfactionParams, survey: Any = None) -> ExperienceSums:
    """The sums of the tickets of ``view`` (what the per-ticket functions read of a
    :class:`~bpsim.analysis.Results`: ``output``, ``sla_cases``, ``process``, ``scenario``,
    ``seed``, ``replication_ids``), whose records must be whole (every record of each
    ticket it holds)."""
    per_phase, cases, pieces = ticket_phases(view, bp)
    tickets, drivers = score_tickets(view, bp, per_phase, cases, pieces, params, survey)
    del pieces
    return fold_frames(view, bp, params, per_phase, cases, tickets, drivers, survey)


def fold_frames(view, bp: Blueprint, params: SatisfactionParams, per_phase: pd.DataFrame,
                cases: pd.DataFrame, tickets: pd.DataFrame, drivers: pd.DataFrame,
                survey: Any = None) -> ExperienceSums:
    """:func:`fold`, from the per-ticket tables already computed for ``view`` (``survey``:
    the scenario's ``survey:`` section)."""
    s = ExperienceSums()
    if len(cases):
        s.tickets = {int(r): float(n) for r, n in cases.groupby("replication").size().items()}
    if len(per_phase):
        entered = ((per_phase["customer_time"] > 0) | (per_phase["touchpoints"] > 0))
        s.journey = (per_phase.assign(_entered=entered.astype(float))
                     .groupby(["replication", "phase"], sort=False)[_SUMMED].sum().reset_index())
    s.abandon_known, s.ended, s.abandons = _abandons(view, bp)
    unserved = unserved_tickets(view, params)
    parts = []
    if len(tickets):
        done = pd.DataFrame({
            "replication": tickets["replication"].to_numpy(np.int64),
            "cls": tickets["cls"].astype(object).to_numpy(),
            "channel": tickets["channel"].astype(object).to_numpy(),
            "left": "", "score": tickets["score"].to_numpy(float),
            "answered": tickets["answered"].to_numpy(bool)})
        s.survey, sure, band = _survey_band(view, tickets, params, survey)
        if band is not None:
            s.band = done.loc[band, ["replication", "cls", "channel", "score"]].assign(
                u=_survey_draws(view, tickets)[band])
            done = done.loc[~band].assign(answered=sure[~band])
        parts.append(done)
        key = tickets["replication"].to_numpy(np.int64) * (1 << 32) + tickets["case"].to_numpy(np.int64)
        first = pd.Series(key).groupby(tickets["channel"].astype(object).to_numpy()).min()
        s.channel_first = {ch: (int(k >> 32), int(k & 0xFFFFFFFF)) for ch, k in first.items()}
    if len(unserved):
        parts.append(pd.DataFrame({
            "replication": unserved["replication"].to_numpy(np.int64),
            "cls": unserved["cls"].astype(object).to_numpy(),
            "channel": unserved["channel"].astype(object).to_numpy(),
            "left": unserved["left"].to_numpy(object),
            "score": unserved["score"].to_numpy(float), "answered": False}))
    if parts:
        both = pd.concat(parts, ignore_index=True)
        s.scores = both.groupby(_SCORE_KEYS, sort=False, dropna=False).size().rename(
            "n").astype(float).reset_index()
    cls = view.output.cases["cls"] if "cls" in view.output.cases else None
    if cls is not None and isinstance(cls.dtype, pd.CategoricalDtype):
        s.classes = list(cls.cat.categories)
    if len(drivers):
        width = len(bp.phases.order or [END_TO_END]) + 1
        nd = len(DRIVERS)
        reps, rix = np.unique(drivers["replication"].to_numpy(np.int64), return_inverse=True)
        pts = drivers["points"].to_numpy(float)
        dcode = drivers["driver"].cat.codes.to_numpy().astype(np.int64)
        at = ((rix.astype(np.int64) * width + drivers["phase"].cat.codes.to_numpy()) * nd
              + dcode) * 2 + (pts >= 0)
        sums = np.bincount(at, weights=pts, minlength=len(reps) * width * nd * 2)
        sums = sums.reshape(len(reps), width, nd, 2)
        s.drivers = {int(r): sums[i] for i, r in enumerate(reps)}
    return s


def _weights(scores: np.ndarray, bias: float, scale: int) -> np.ndarray:
    """The survey's response weights (as :func:`~bpsim.experience.survey.response_probabilities`)."""
    return bias ** ((scale - np.asarray(scores, dtype=float)) / max(scale - 1, 1))


def _survey_draws(view, tickets: pd.DataFrame) -> np.ndarray:
    from bpsim.experience import draws
    from bpsim.experience.satisfaction import per_ticket_draws

    return per_ticket_draws(view, tickets, draws.SURVEY, "uniform")


def _survey_band(view, tickets: pd.DataFrame, params: SatisfactionParams, survey: Any
                 ) -> tuple[tuple[float, float, int] | None, np.ndarray, np.ndarray | None]:
    """With a biased survey a customer answers with probability ``rate * w(score) / w̄``
    (within 1), ``w̄`` the mean weight of the replication's scored tickets: known at the end
    of the replication, not in a chunk. ``w̄`` lies between the smallest and the largest
    weight, so a ticket whose draw is below the smallest possible probability surely answers
    and one above the largest surely does not; only those in between (the *band*) wait for
    ``w̄`` (:func:`_resolve`). Returns ``(survey, sure, band)``: ``sure`` answers, ``band``
    (``None`` without a biased survey) the undecided tickets."""
    rate = float(getattr(survey, "response_rate", 0.0) or 0.0) if survey is not None else 0.0
    bias = float(getattr(survey, "bias", 1.0) or 1.0) if survey is not None else 1.0
    if rate <= 0 or bias == 1.0 or tickets.empty:
        return None, tickets["answered"].to_numpy(bool), None
    scale = int(params.scale)
    w = _weights(tickets["score"].to_numpy(float), bias, scale)
    lo = np.minimum(rate * w / max(1.0, bias), 1.0)
    hi = np.minimum(rate * w / min(1.0, bias), 1.0)
    u = _survey_draws(view, tickets)
    return (rate, bias, scale), u < lo, (u >= lo) & (u < hi)


def _resolve(s: ExperienceSums) -> pd.DataFrame | None:
    """The scores table with the band's tickets answered or not, now that each replication's
    mean weight is known."""
    sc = s.scores
    if s.band is None or not len(s.band) or s.survey is None:
        return sc
    rate, bias, scale = s.survey
    band = s.band
    done = sc.loc[sc["left"] == ""] if sc is not None else None
    wsum = (pd.Series(_weights(done["score"], bias, scale) * done["n"].to_numpy(float))
            .groupby(done["replication"].to_numpy()).sum() if done is not None else pd.Series(dtype=float))
    nsum = done.groupby("replication")["n"].sum() if done is not None else pd.Series(dtype=float)
    bw = pd.Series(_weights(band["score"], bias, scale)).groupby(band["replication"].to_numpy())
    wbar = (wsum.add(bw.sum(), fill_value=0.0)
            / nsum.add(band.groupby("replication").size().astype(float), fill_value=0.0))
    p = np.minimum(rate * _weights(band["score"], bias, scale)
                   / wbar.reindex(band["replication"].to_numpy()).to_numpy(), 1.0)
    extra = band[["replication", "cls", "channel", "score"]].assign(
        left="", answered=band["u"].to_numpy() < p, n=1.0)
    return _plus(sc, extra[[*_SCORE_KEYS, "n"]], _SCORE_KEYS)


def _abandons(view, bp: Blueprint) -> tuple[bool, dict[int, float], pd.DataFrame | None]:
    """What :func:`abandon_from` needs: whether the records say who abandoned, the measured
    tickets that ended per replication, and those that abandoned per phase (where they left
    first)."""
    from bpsim.experience.journey import measured, rows_in

    ev = view.output.events
    lcats = ev["lifecycle"].cat.categories
    if "abandoned" not in set(lcats):
        return False, {}, None
    c = measured(view)
    c = c.loc[c["measured"]]
    gone = c["abandoned"].astype(bool) if "abandoned" in c else pd.Series(False, index=c.index)
    ended = c.loc[c["completed"].astype(bool) | gone]
    counts = {int(r): float(n) for r, n in ended.groupby("replication").size().items()}
    at = np.flatnonzero(ev["lifecycle"].cat.codes.to_numpy() == lcats.get_loc("abandoned"))
    if not len(at):
        return True, counts, None
    ab = ev.iloc[at][["replication", "case", "element", "time"]]
    ab = ab.loc[rows_in(ended, ab["replication"].to_numpy(), ab["case"].to_numpy()) >= 0]
    ab = ab.sort_values("time").drop_duplicates(["replication", "case"])
    if bp.phases:
        phase = ab["element"].astype(object).map(bp.phases.of_node).fillna(NO_PHASE)
    else:
        phase = pd.Series(END_TO_END, index=ab.index)
    out = ab.assign(phase=phase.to_numpy()).groupby(["replication", "phase"], sort=False).size()
    return True, counts, out.rename("n").astype(float).reset_index()


# -- the tables from the sums -----------------------------------------------------------------
def journey_from(s: ExperienceSums, bp: Blueprint, reps: list[int]) -> pd.DataFrame:
    """``Results.journey`` from the sums: one row per phase (journey order) and an ``end to
    end`` row. Columns ``phase``, ``tickets`` (completed measured tickets per replication),
    ``share_entering`` (of those, the share that passed the phase), and for each figure of
    :data:`~bpsim.experience.journey.JOURNEY_FIGURES` ``<figure>_mean`` (per ticket; seconds
    or counts) and ``<figure>_ci95``; ``abandon_share`` (+ ``_ci95``: the share of the
    measured tickets that ended, completed or abandoned, whose customer abandoned in that
    phase; 0 when the scenario lets no one abandon; see :func:`abandon_from`)."""
    figures = list(JOURNEY_FIGURES)
    columns = (["phase", "tickets", "share_entering"]
               + [f"{f}_{k}" for f in figures if f != "abandoned" for k in ("mean", "ci95")]
               + ["abandon_share"])
    if s.journey is None or s.journey.empty:
        return pd.DataFrame(columns=columns)
    index = pd.Index(list(reps), name="replication")
    tickets = pd.Series(s.tickets, dtype=float).reindex(index, fill_value=0.0).astype(float)
    sums = s.journey.groupby(["phase", "replication"], sort=False)[_SUMMED].sum()
    seen = set(sums.index.get_level_values("phase"))
    names = list(bp.phases.order or [END_TO_END])
    order = list(dict.fromkeys(names + [p for p in [*names, NO_PHASE] if p in seen]
                               + sorted(seen - set(names) - {NO_PHASE}, key=str)))
    rows = []
    for ph in order:
        g = (sums.xs(ph, level="phase").reindex(index, fill_value=0.0) if ph in seen else
             pd.DataFrame(0.0, index=index, columns=_SUMMED))
        rows.append(_ci_rows(g, tickets, _SUMMED, ph))
    if bp.phases:
        tot = sums.groupby(level="replication").sum().reindex(index, fill_value=0.0)
        row = _ci_rows(tot, tickets, figures, END_TO_END)
        row["_entered_mean"] = 1.0
        rows.append(row)
    out = pd.DataFrame(rows)
    out["tickets"] = float(tickets.mean())
    out["share_entering"] = out.pop("_entered_mean")
    out.pop("abandoned_mean")
    shares = abandon_from(s, bp, reps)
    out["abandon_share"] = [shares.get(ph, (0.0, math.nan))[0] for ph in out["phase"]]
    out["abandon_share_ci95"] = [shares.get(ph, (0.0, math.nan))[1] for ph in out["phase"]]
    return out[columns + ["abandon_share_ci95"]]


def abandon_from(s: ExperienceSums, bp: Blueprint, reps: list[int]) -> dict[str, tuple[float, float]]:
    """Phase -> (mean, ci95) share of the measured tickets that ended whose customer abandoned
    in that phase (lost patience in a queue), and ``end to end``; empty when the run has no
    abandonment."""
    if not s.abandon_known:
        return {}
    index = pd.Index(list(reps), name="replication")
    denom = pd.Series(s.ended, dtype=float).reindex(index, fill_value=0.0).astype(float)
    ab = s.abandons if s.abandons is not None else pd.DataFrame(
        columns=["replication", "phase", "n"])
    per = ab.groupby(["phase", "replication"])["n"].sum()
    groups = [(str(ph), per.xs(ph, level="phase")) for ph in sorted(set(ab["phase"]), key=str)]
    if bp.phases:
        groups.append((END_TO_END, per.groupby(level="replication").sum() if len(per)
                       else pd.Series(dtype=float)))
    out: dict[str, tuple[float, float]] = {}
    for ph, n in groups:
        n = n.reindex(index, fill_value=0.0).astype(float)
        out[ph] = mean_ci((n / denom.where(denom > 0)).dropna())
    return out


def _group(sc: pd.DataFrame, by: str | None, order: list) -> list[tuple[Any, pd.DataFrame]]:
    if by is None:
        return [(None, sc)]
    present = set(sc[by])
    return [(name, sc.loc[sc[by] == name]) for name in order if name in present]


def _per_rep(g: pd.DataFrame, reps: pd.Index, value: pd.Series) -> pd.Series:
    """Per replication: the mean of ``value`` over the tickets of ``g`` (NaN: none)."""
    n = g.groupby("replication")["n"].sum()
    tot = (value * g["n"]).groupby(g["replication"]).sum()
    return (tot / n.where(n > 0)).reindex(reps)


def _score_rows(done: pd.DataFrame, by: str | None, scope: str, reps: pd.Index, order: list,
                params: SatisfactionParams) -> list[dict]:
    out = []
    for name, g in _group(done, by, order):
        n = g.groupby("replication")["n"].sum()
        m, ci = mean_ci(_per_rep(g, reps, g["score"]).dropna())
        sh, sci = mean_ci(_per_rep(g, reps, (g["score"] >= params.satisfied).astype(float)).dropna())
        row = {"scope": scope, "name": "all" if name is None else str(name),
               "tickets": float(n.reindex(reps, fill_value=0.0).mean()) if len(reps) else math.nan,
               "csat_mean": m, "csat_ci95": ci, "share_satisfied": sh,
               "share_satisfied_ci95": sci}
        est = []
        if bool(g["answered"].any()):
            for _r, x in g.groupby("replication"):
                k = x["n"].to_numpy(float).astype(np.int64)
                scores = np.repeat(x["score"].to_numpy(float), k)
                est.append(survey_estimate(scores, np.repeat(x["answered"].to_numpy(bool), k)))
        row.update(survey_columns(est))
        out.append(row)
    return out


def _unserved_columns(table: pd.DataFrame, sc: pd.DataFrame, reps: pd.Index,
                      params: SatisfactionParams) -> pd.DataFrame:
    """The :data:`~bpsim.experience.unserved.UNSERVED_COLUMNS` of the overall, class and
    channel rows (NaN on the ``phase`` rows)."""
    out = table.copy()
    for col in UNSERVED_COLUMNS:
        out[col] = math.nan
    names = {"cls": sc["cls"].astype(str), "channel": sc["channel"].astype(str)}
    for i, row in out.iterrows():
        scope = row["scope"]
        if scope == "overall":
            g = sc
        elif scope in ("class", "channel"):
            key = "cls" if scope == "class" else "channel"
            g = sc.loc[names[key] == str(row["name"])]
        else:
            continue
        m, ci = mean_ci(_per_rep(g, reps, g["score"]).dropna())
        sh, sci = mean_ci(_per_rep(g, reps, (g["score"] >= params.satisfied).astype(float)).dropna())
        counts = {}
        for k in ("abandoned", "blocked"):
            per = g.loc[g["left"] == k].groupby("replication")["n"].sum()
            counts[k] = float(per.reindex(reps, fill_value=0.0).mean()) if len(reps) else 0.0
        out.loc[i, UNSERVED_COLUMNS] = [counts["abandoned"], counts["blocked"], m, ci, sh, sci]
    return out


def _scores(s: ExperienceSums) -> pd.DataFrame:
    sc = _resolve(s)
    if sc is None:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in _SCORE_KEYS}).assign(
            n=pd.Series(dtype=float), score=pd.Series(dtype=float),
            answered=pd.Series(dtype=bool))
    return sc


def satisfaction_from(s: ExperienceSums, bp: Blueprint, reps: list[int],
                      params: SatisfactionParams) -> pd.DataFrame:
    """``Results.satisfaction`` from the sums: rows of scope ``overall`` (every completed
    ticket), ``class``, ``channel`` and ``phase``, with the abandoned and blocked tickets'
    :data:`~bpsim.experience.unserved.UNSERVED_COLUMNS`; see docs/experience.md for the
    columns."""
    index = pd.Index(list(reps), name="replication")
    sc = _scores(s)
    done = sc.loc[sc["left"] == ""]
    classes = list(s.classes) + sorted(set(done["cls"]) - set(s.classes), key=str)
    channels = sorted(s.channel_first, key=lambda c: s.channel_first[c])
    rows = _score_rows(done, None, "overall", index, [], params)
    rows += _score_rows(done, "cls", "class", index, classes, params)
    rows += _score_rows(done, "channel", "channel", index, channels, params)
    ntick = pd.Series(s.tickets, dtype=float).reindex(index, fill_value=0.0).astype(float)
    rows += phase_rows(drivers_frame(s, bp), bp, list(reps), params, ntick)
    out = pd.DataFrame(rows)
    for c in SATISFACTION_COLUMNS:
        if c not in out:
            out[c] = math.nan if c != "main_driver" else None
    return _unserved_columns(out[SATISFACTION_COLUMNS], sc, index, params)


def drivers_frame(s: ExperienceSums, bp: Blueprint) -> pd.DataFrame:
    """The drivers' points as rows ``replication``, ``phase``, ``driver``, ``points``: per
    replication x phase x driver, one row with the sum of the tickets' negative points and
    one with the positive ones (what :func:`~bpsim.experience.satisfaction.phase_rows` and
    :func:`~bpsim.experience.satisfaction.pain_points` add up)."""
    names = list(bp.phases.order or [END_TO_END]) + [NO_PHASE]
    dnames = list(DRIVERS)
    cols = ["replication", "phase", "driver", "points"]
    if not s.drivers:
        return pd.DataFrame(columns=cols)
    reps = sorted(s.drivers)
    arr = np.stack([s.drivers[r] for r in reps])          # rep x phase x driver x sign
    shape = arr.shape
    grid = np.indices(shape).reshape(len(shape), -1)
    return pd.DataFrame({
        "replication": np.asarray(reps, dtype=np.int64)[grid[0]],
        "phase": pd.Categorical.from_codes(grid[1], categories=names),
        "driver": pd.Categorical.from_codes(grid[2], categories=dnames),
        "points": arr.reshape(-1)})


def pain_points_from(s: ExperienceSums, bp: Blueprint, limit: int = 5) -> list[dict]:
    """The pain points from the sums (as :func:`~bpsim.experience.satisfaction.pain_points`)."""
    return pain_points(drivers_frame(s, bp), float(sum(s.tickets.values())), bp, limit)


def distribution_from(s: ExperienceSums, scale: int) -> dict[int, float]:
    """Share of the completed tickets per whole score 1 .. scale (all replications pooled)."""
    sc = _scores(s)
    done = sc.loc[sc["left"] == ""]
    total = float(done["n"].sum())
    if total <= 0:
        return {k: math.nan for k in range(1, scale + 1)}
    per = done.groupby("score")["n"].sum()
    return {k: float(per.get(float(k), 0.0)) / total for k in range(1, scale + 1)}
