"""The SLA figures of streamed results: breach rates with open tickets, from summaries.

Each replication's :class:`~bpsim.stream.collect.Summary` holds, per SLA and class, the
counts of every clock status (met, breached, open past target, left, censored ...), the
elapsed sums, a sketch of the met clocks' elapsed times and the clocks still open at the
horizon. From those this module builds the same rows as the record-based
:func:`bpsim.analysis.slas.sla_table`: breach rate (Kaplan-Meier when clocks are censored,
read on the met margins), its lower/upper bounds, elapsed mean and percentiles.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis import slas as _slas
from bpsim.analysis.stats import mean_ci
from bpsim.stream.sketch import QuantileSketch, pooled_sketch, sketch_values

__all__ = ["sla_table", "sla_row"]


def sla_table(res) -> pd.DataFrame:
    """The SLA table (:func:`bpsim.analysis.slas.sla_table`'s columns) of streamed results."""
    slas = getattr(res.scenario, "slas", None) or []
    rows = []
    declared = list(getattr(res.scenario, "classes", None) or ())
    for sla in slas:
        seen = list(dict.fromkeys(cls for s in res.summaries
                                  for (name, cls) in s.sums.get("sla", {}) if name == sla.name))
        rows.append(sla_row(res, sla, "all", seen))
        present = list(dict.fromkeys(declared + seen))
        if sla.classes is not None:
            present = [k for k in present if k in sla.classes]
        for cls in present:
            if cls not in seen and _slas.sla_target(sla, cls) is None:
                continue
            if len(present) > 1 or len(sla.target) > 1 or None not in sla.target:
                rows.append(sla_row(res, sla, cls, [cls] if cls in seen else []))
    return pd.DataFrame(rows, columns=_slas._COLUMNS)


def sla_row(res, sla, cls, classes: list) -> dict:
    """One row: SLA ``sla`` over the tickets of ``classes``, labelled ``cls``."""
    reps = res.replication_ids
    by = res._by_rep()
    statuses = ("met", "breached", "open-breached", "left", "censored", "never", "not-started")
    tot = dict.fromkeys(statuses + ("rows",), 0.0)
    rates, lows, highs, means = [], [], [], []
    for r in reps:
        s = by.get(r)
        c = dict.fromkeys(statuses + ("rows", "elapsed_sum", "elapsed_n"), 0.0)
        margins, closed = [], []
        for k in classes:
            v = s.sums.get("sla", {}).get((sla.name, k), {}) if s is not None else {}
            for key in c:
                c[key] += v.get(key, 0.0)
            if s is None:
                continue
            target = float(_slas.sla_target(sla, k) or 0.0)
            met = s.sketches.get(("sla_met", sla.name, k))
            if met is not None and len(met):
                margins.append(sketch_values(met) - target)
                closed.append(np.ones(len(met), bool))
            nb = int(v.get("breached", 0) + v.get("left", 0))
            margins.append(np.full(nb, math.inf))
            closed.append(np.ones(nb, bool))
            nob = int(v.get("open-breached", 0))
            margins.append(np.full(nob, math.inf))
            closed.append(np.zeros(nob, bool))
            if s.sla_open is not None:
                g = s.sla_open.loc[(s.sla_open["sla"] == sla.name)
                                   & (s.sla_open["cls"].astype(object) == k)
                                   & (s.sla_open["status"] == "censored")]
                margins.append(g["elapsed"].to_numpy(float) - g["target"].to_numpy(float))
                closed.append(np.zeros(len(g), bool))
        for key in tot:
            tot[key] += c[key]
        counted = c["met"] + c["breached"] + c["open-breached"] + c["censored"] + c["left"]
        if counted == 0:
            rates.append(math.nan)
            lows.append(math.nan)
            highs.append(math.nan)
        else:
            late = c["breached"] + c["open-breached"] + c["left"]
            cens = c["censored"]
            if cens == 0:
                rates.append(late / counted)
            else:
                rates.append(_slas.km_breach_rate(np.concatenate(margins),
                                                  np.concatenate(closed)))
            lows.append(late / counted)
            highs.append((late + cens) / counted)
        means.append(c["elapsed_sum"] / c["elapsed_n"] if c["elapsed_n"] > 0 else math.nan)
    n = max(len(reps), 1)
    counted = tot["met"] + tot["breached"] + tot["open-breached"] + tot["censored"] + tot["left"]
    targets = {_slas.sla_target(sla, k) for k in classes} - {None}
    row = {"name": sla.name, "cls": cls, "from": _slas.describe_point(sla.start, res.process),
           "to": _slas.describe_point(sla.end, res.process),
           "calendar": getattr(sla.calendar, "name", None) if sla.calendar else None,
           "target": targets.pop() if len(targets) == 1 else math.nan,
           "target_text": _slas._row_target_text(sla, cls), "attain": sla.attain,
           "counted": counted / n, "excluded": (tot["rows"] - counted) / n,
           "censored": tot["censored"] / n,
           "censored_share": tot["censored"] / counted if counted else math.nan,
           "open_breached": tot["open-breached"] / n}
    row["breach_rate"], row["breach_rate_ci95"] = mean_ci(rates)
    row["breach_rate_low"] = mean_ci(lows)[0]
    row["breach_rate_high"] = mean_ci(highs)[0]
    row["elapsed_mean"], row["elapsed_ci95"] = mean_ci(means)
    sk = QuantileSketch()
    for k in classes:
        sk.merge(pooled_sketch(res.summaries, ("sla", sla.name, k)))
    for k, v in sk.percentiles().items():
        row[f"elapsed_{k}"] = v
    br = row["breach_rate"]
    row["met"] = None if math.isnan(br) else bool(br <= 1.0 - sla.attain + 1e-12)
    return row
