"""The satisfaction model: a score (CSAT, 1-5 by default) for every ticket, from what its
customer lived through.

Each completed ticket starts at ``base`` (a customer with nothing to complain about) and
moves by *drivers*, each credited to the phase where it happened:

``breach`` + ``late_per_hour`` (up to ``late_max``)
    per SLA broken: the promise (the catalogue's "taken in charge within 4 working hours")
    was not kept, and by how long (hours on the SLA's clock beyond the target);
``announced``
    the share of that penalty left when the customer received an update between the SLA's
    start and its end, i.e. the delay was announced before it happened (seed 003: "announce
    delays in advance");
``silence_per_day`` (up to ``silence_max``)
    per day without news beyond ``silence_grace``: the longest-standing complaint of seed
    003, "no situation is worse than the customer not knowing what is happening". News is
    any touchpoint, any update, the ticket's arrival and its end;
``update`` (up to ``update_max``)
    per proactive update received: the customer feels looked after;
``repeat_contact``
    each time the customer has to come back (a touchpoint from the customer on a loop of the
    flow: sending details, reporting a failed fix);
``reopen``
    each time the ticket goes back to an earlier phase (the fix did not work);
``channel``
    an offset per channel type (``digital``, ``phone``, ``in person``).

The customer's own mood adds normal noise (``noise``, sd in points); the score is the sum
rounded to a whole point and kept within 1 .. ``scale``. A ticket is *satisfied* when its
score is at least ``satisfied`` (4 of 5). Every number is in points of the scale; the
defaults (:data:`DEFAULTS`, for 1-5, scaled for other scales) and why they are what they are
are in docs/experience.md. Each phase's *score* (the emotional thermometer of the blueprint)
is ``base`` plus the mean of the drivers credited to that phase; the *points lost* per phase
rank the pain points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci
from bpsim.experience import draws as _draws
from bpsim.experience.blueprint import Blueprint
from bpsim.experience.journey import _key, breaches, phase_at
from bpsim.experience.survey import response_probabilities

__all__ = ["SatisfactionParams", "DEFAULTS", "params_from", "score_tickets", "DRIVERS",
           "pain_points", "distribution", "SATISFACTION_COLUMNS"]

#: Drivers, as the per-ticket columns and the pain-point reasons name them.
DRIVERS = {
    "breach": "promises (SLAs) broken",
    "silence": "days without news",
    "repeat_contact": "customers having to come back",
    "reopen": "re-opened tickets (the fix did not work)",
    "update": "proactive updates",
    "channel": "the channel",
}


@dataclass
class SatisfactionParams:
    """The parameters of the score (defaults for a 1-5 scale; see the module docstring)."""

    scale: int = 5
    base: float = 4.6
    noise: float = 0.6
    satisfied: float = 4.0
    breach: float = 0.8
    late_per_hour: float = 0.05
    late_max: float = 1.5
    announced: float = 0.5
    silence_per_day: float = 0.3
    silence_grace: float = 86400.0
    silence_max: float = 1.5
    update: float = 0.05
    update_max: float = 0.3
    repeat_contact: float = 0.3
    reopen: float = 0.7
    channel: dict[str, float] = field(
        default_factory=lambda: {"digital": 0.0, "phone": 0.1, "in person": 0.2})
    abandoned: float = 1.0  # the score of a ticket that abandoned (bpsim.experience.unserved)
    blocked: float = 1.0  # the score of a ticket turned away by a full queue


DEFAULTS = SatisfactionParams()
_POINTS = ("noise", "breach", "late_per_hour", "late_max", "silence_per_day", "silence_max",
           "update", "update_max", "repeat_contact", "reopen")


def params_from(section: Any = None) -> SatisfactionParams:
    """The parameters: the documented defaults, scaled to ``scale`` (points of a 1-5 scale
    times ``(scale - 1) / 4``), overridden by what the scenario's ``satisfaction:`` says."""
    scale = int(getattr(section, "scale", 5) or 5)
    k = (scale - 1) / 4.0
    p = SatisfactionParams(scale=scale)
    if scale != 5:
        for name in _POINTS:
            setattr(p, name, getattr(DEFAULTS, name) * k)
        p.base = 1 + (DEFAULTS.base - 1) * k
        p.satisfied = 1 + (DEFAULTS.satisfied - 1) * k
        p.channel = {c: v * k for c, v in DEFAULTS.channel.items()}
    if section is not None:
        for f in fields(SatisfactionParams):
            if f.name in ("scale", "channel"):
                continue
            v = getattr(section, f.name, None)
            if v is not None:
                setattr(p, f.name, float(v))
        given = getattr(section, "channel", None) or {}
        p.channel = {**p.channel, **{" ".join(str(c).lower().replace("_", " ").split()): float(v)
                                     for c, v in given.items()}}
    return p


def per_ticket_draws(results, cases: pd.DataFrame, purpose: int, kind: str) -> np.ndarray:
    """One draw per ticket (standard normal or uniform), keyed by the run's seed, ``purpose``,
    the replication and the case number only (:mod:`bpsim.experience.draws`): the same
    ticket gets the same draw in two runs with the same seed (common random numbers), so
    comparing two scenarios compares what happened, not the dice; and any subset of the
    tickets (one chunk of a streaming run) draws what the whole run draws for them."""
    reps = cases["replication"].to_numpy().astype(np.int64)
    ids = cases["case"].to_numpy().astype(np.int64)
    draw = _draws.normal if kind == "normal" else _draws.uniform
    return np.asarray(draw(results.seed, purpose, reps, ids), dtype=float).reshape(len(cases))


def score_tickets(results, bp: Blueprint, per_phase: pd.DataFrame, cases: pd.DataFrame,
                  pieces: pd.DataFrame, params: SatisfactionParams,
                  survey: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every completed measured ticket.

    Returns ``(tickets, drivers)``: ``tickets`` has ``replication``, ``case``, ``cls``,
    ``channel`` (the start event's name), ``channel_type``, ``<driver>_points`` per driver of
    :data:`DRIVERS` (signed), ``latent``,
    ``score`` (whole points), ``satisfied``, ``answered`` (the survey drew an answer);
    ``drivers`` has one row per ticket x phase x driver with ``points``.
    """
    names = list(bp.phases.order) or ["end to end"]
    nph = len(names)
    ckey = np.asarray(_key(cases["replication"], cases["case"]))
    n = len(cases)
    first_phase = 0
    contrib: dict[str, np.ndarray] = {d: np.zeros((n, nph + 1)) for d in DRIVERS}

    def credit(driver: str, rows: np.ndarray, phase: np.ndarray, points: np.ndarray) -> None:
        ph = np.where((phase < 0) | (phase >= nph), nph, phase)
        np.add.at(contrib[driver], (rows, ph), points)

    # updates
    up = getattr(results.output, "updates", None)
    upd_rows = np.zeros(0, dtype=np.int64)
    upd_t = np.zeros(0)
    if up is not None and len(up):
        ukey = np.asarray(_key(up["replication"], up["case"]))
        mine = np.isin(ukey, ckey)
        upd_rows = np.searchsorted(ckey, ukey[mine])
        upd_t = up["time"].to_numpy(dtype=float)[mine]
        uph = (phase_at(pieces, up["replication"].to_numpy()[mine], up["case"].to_numpy()[mine],
                        upd_t) if bp.phases else np.zeros(len(upd_rows), dtype=np.int64))
        count = np.bincount(upd_rows, minlength=n).astype(float)
        bonus = np.minimum(count * params.update, params.update_max)
        each = np.where(count > 0, bonus / np.maximum(count, 1), 0.0)
        credit("update", upd_rows, uph, each[upd_rows])
    # SLA breaches, softened when an update announced them
    br = pieces.attrs.get("breaches")   # (ticket_phases found them for these pieces)
    if br is None:
        br = breaches(results, bp, cases, pieces)
    if len(br):
        brow = np.searchsorted(ckey, np.asarray(_key(br["replication"], br["case"])))
        pen = params.breach + np.minimum(params.late_per_hour * br["late"].to_numpy(float) / 3600.0,
                                         params.late_max)
        if len(upd_rows):
            order = np.lexsort((upd_t, upd_rows))
            ur, ut = upd_rows[order], upd_t[order]
            t0 = br["t0"].to_numpy(float)
            t1 = br["t1"].to_numpy(float)
            # first update of the ticket at or after t0: announced if it came before t1
            span = float(max(np.nanmax(t1) if len(t1) else 0.0, ut.max())) + 1.0
            pos = np.searchsorted(ur * span + ut, brow * span + np.nan_to_num(t0))
            pos = np.minimum(pos, len(ur) - 1)
            announced = (ur[pos] == brow) & (ut[pos] >= np.nan_to_num(t0)) & (ut[pos] <= t1)
            pen = np.where(announced, pen * params.announced, pen)
        bph = br["phase_index"].to_numpy() if bp.phases else np.zeros(len(br), dtype=np.int64)
        credit("breach", brow, bph, -pen)
    # silence: gaps between moments the customer hears from the service
    ptouch = pieces["touch"].to_numpy()
    prow = (pieces["row"].to_numpy() if "row" in pieces
            else np.searchsorted(ckey, np.asarray(_key(pieces["replication"], pieces["case"]))))
    ptime = pieces["time"].to_numpy(float)
    pph = pieces["phase"].to_numpy() if bp.phases else np.zeros(len(pieces), dtype=np.int64)
    first = np.r_[True, prow[1:] != prow[:-1]] if len(prow) else np.zeros(0, bool)
    last = np.r_[prow[1:] != prow[:-1], True] if len(prow) else np.zeros(0, bool)
    news = ptouch | first | last
    m_rows = np.r_[prow[news], upd_rows]
    m_time = np.r_[ptime[news], upd_t]
    m_phase = np.r_[pph[news], phase_at(pieces, results_rep(cases, upd_rows),
                                        results_case(cases, upd_rows), upd_t)
                    if bp.phases and len(upd_rows) else np.zeros(len(upd_rows), dtype=np.int64)]
    order = np.lexsort((m_time, m_rows))
    m_rows, m_time, m_phase = m_rows[order], m_time[order], m_phase[order]
    if len(m_rows) > 1:
        same = m_rows[1:] == m_rows[:-1]
        gap = np.where(same, np.diff(m_time), 0.0)
        pen = params.silence_per_day * np.maximum(gap - params.silence_grace, 0.0) / 86400.0
        rows = m_rows[1:][pen > 0]
        total = np.bincount(rows, weights=pen[pen > 0], minlength=n)
        scale_down = np.where(total > params.silence_max, params.silence_max / np.maximum(total, 1e-12), 1.0)
        credit("silence", rows, m_phase[1:][pen > 0], -pen[pen > 0] * scale_down[rows])
    # repeated contacts and re-opens, from the journey's per-phase counts
    pp = per_phase
    prow2 = np.searchsorted(ckey, np.asarray(_key(pp["replication"], pp["case"])))
    pph2 = pd.Index(names).get_indexer(pp["phase"].to_numpy())
    pph2 = np.where(pph2 < 0, nph, pph2)
    credit("repeat_contact", prow2, pph2, -params.repeat_contact * pp["repeat_contacts"].to_numpy(float))
    credit("reopen", prow2, pph2, -params.reopen * pp["reopens"].to_numpy(float))
    # channel
    chan = cases["channel"].to_numpy()
    offset = np.array([params.channel.get(c, 0.0) for c in chan], dtype=float)
    credit("channel", np.arange(n), np.full(n, first_phase), offset)

    per_driver = {d: v.sum(axis=1) for d, v in contrib.items()}
    noise = (params.noise * per_ticket_draws(results, cases, _draws.MOOD, "normal") if params.noise > 0
             else np.zeros(n))
    latent = params.base + sum(per_driver.values()) + noise
    score = np.clip(np.rint(latent), 1, params.scale)
    tickets = cases[["replication", "case", "cls", "start", "channel"]].copy()
    tickets["start"] = tickets["start"].astype(object)
    tickets = tickets.rename(columns={"start": "channel_start", "channel": "channel_type"})
    starts = cases["start"]
    names_of = {e: (results.process.name_of(e) if results.process is not None else None) or e
                for e in pd.unique(starts.astype(object))}
    tickets.insert(4, "channel", tickets["channel_start"].map(names_of))
    for d, v in per_driver.items():
        tickets[f"{d}_points"] = v
    tickets["latent"] = latent
    tickets["score"] = score
    tickets["satisfied"] = score >= params.satisfied
    rate = float(getattr(survey, "response_rate", 0.0) or 0.0) if survey is not None else 0.0
    bias = float(getattr(survey, "bias", 1.0) or 1.0) if survey is not None else 1.0
    if rate > 0:
        p_answer = response_probabilities(score, rate, bias, params.scale)
        tickets["answered"] = per_ticket_draws(results, cases, _draws.SURVEY, "uniform") < p_answer
    else:
        tickets["answered"] = False
    # one row per ticket x phase x driver, phase and driver as categories (no Python object
    # per row), built from whole arrays
    width = nph + 1
    dnames = list(contrib)
    points = np.stack([contrib[d].T for d in dnames])        # driver x phase x ticket
    drivers = pd.DataFrame({
        "replication": np.tile(cases["replication"].to_numpy(), len(dnames) * width),
        "case": np.tile(cases["case"].to_numpy(), len(dnames) * width),
        "phase": pd.Categorical.from_codes(
            np.tile(np.repeat(np.arange(width, dtype=np.int8), n), len(dnames)),
            categories=names + ["(no phase)"]),
        "driver": pd.Categorical.from_codes(
            np.repeat(np.arange(len(dnames), dtype=np.int8), n * width), categories=dnames),
        "points": points.reshape(-1),
    }, copy=False)
    return tickets, drivers


def results_rep(cases: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    return cases["replication"].to_numpy()[rows]


def results_case(cases: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    return cases["case"].to_numpy()[rows]


SATISFACTION_COLUMNS = ["scope", "name", "tickets", "csat_mean", "csat_ci95", "share_satisfied",
                        "share_satisfied_ci95", "survey_csat_mean", "survey_ci95",
                        "survey_responses", "phase_score", "phase_score_ci95", "points_lost",
                        "main_driver"]


def phase_rows(drivers: pd.DataFrame, bp: Blueprint, reps: list[int],
               params: SatisfactionParams, tickets: pd.DataFrame | pd.Series) -> list[dict]:
    """One row per phase: its score (``base`` + the mean drivers credited to it, within the
    scale), the points lost there (mean negative drivers) and the driver losing most.
    ``tickets``: the scored tickets, or their number per replication (a Series)."""
    names = list(bp.phases.order) or ["end to end"]
    if drivers.empty:
        return []
    counts = tickets if isinstance(tickets, pd.Series) else tickets.groupby("replication").size()
    ntick = counts.reindex(reps, fill_value=0).astype(float)
    per = drivers.groupby(["phase", "driver", "replication"])["points"].sum()
    rows = []
    for ph in names + (["(no phase)"] if "(no phase)" in set(drivers["phase"]) else []):
        if ph not in per.index.get_level_values(0):
            continue
        sub = per.xs(ph, level="phase")
        net = sub.groupby(level="replication").sum().reindex(reps, fill_value=0.0) / ntick
        lost = (sub.clip(upper=0).groupby(level="replication").sum()
                .reindex(reps, fill_value=0.0) / ntick)
        if ph == "(no phase)" and abs(float(net.mean())) < 1e-12:
            continue
        score = (params.base + net).clip(1, params.scale)
        m, ci = mean_ci(score.dropna())
        by_driver = (sub.groupby(level="driver").sum() / max(float(ntick.sum()), 1.0))
        worst = by_driver.idxmin() if len(by_driver) and by_driver.min() < 0 else None
        rows.append({"scope": "phase", "name": ph, "tickets": float(ntick.mean()),
                     "phase_score": m, "phase_score_ci95": ci,
                     "points_lost": -float(lost.mean()),
                     "main_driver": worst})
    return rows


def pain_points(drivers: pd.DataFrame, tickets: pd.DataFrame | float, bp: Blueprint,
                limit: int = 5) -> list[dict]:
    """The phases ranked by the points they cost, each with its reasons (drivers, largest
    loss first): ``[{"phase", "points_lost", "reasons": [{"driver", "why", "points"}]}]``.
    ``tickets``: the scored tickets, or their number (all replications)."""
    n = float(tickets) if isinstance(tickets, (int, float)) else float(len(tickets))
    if drivers.empty or n <= 0:
        return []
    neg = drivers.loc[drivers["points"] < 0]
    if neg.empty:
        return []
    by = neg.groupby(["phase", "driver"])["points"].sum() / n
    out = []
    for ph, sub in by.groupby(level="phase"):
        sub = sub.droplevel("phase").sort_values()
        reasons = [{"driver": d, "why": DRIVERS.get(d, d), "points": -float(v)}
                   for d, v in sub.items() if v < -5e-4]  # drop what rounds to 0.00
        out.append({"phase": ph, "points_lost": -float(sub.sum()), "reasons": reasons})
    out.sort(key=lambda r: -r["points_lost"])
    return out[:limit]


def distribution(tickets: pd.DataFrame, scale: int) -> dict[int, float]:
    """Share of tickets per whole score 1 .. scale."""
    if tickets.empty:
        return {k: math.nan for k in range(1, scale + 1)}
    counts = tickets["score"].value_counts(normalize=True)
    return {k: float(counts.get(float(k), 0.0)) for k in range(1, scale + 1)}
