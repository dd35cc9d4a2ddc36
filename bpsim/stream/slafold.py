"""The collector's SLA clocks: each chunk's measured tickets' clocks, worked out once per
chunk (:func:`bpsim.stream.slas.sla_clocks`), folded into the SLA table's counts, sums and
sketches, and handed to the customer's side and the diagram's breach shares.

A part of :class:`bpsim.stream.collect.Collector` (a mixin: the collector's attributes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bpsim.engine.output import RunOutput
from bpsim.stream.groups import Groups, index_of
from bpsim.stream.groups import add_row as _add
from bpsim.stream.groups import add_sketch as _sketch
from bpsim.stream.slas import STATUSES, sla_clocks

__all__ = ["SlaFold"]


class SlaFold:
    """The SLA side of :class:`~bpsim.stream.collect.Collector`."""

    summary: Any
    bound: Any
    classes: list
    eidx: dict
    cats: dict
    raw: dict
    rep: int
    warmup: float
    item: bool
    _clock_of: Any
    _clock_val: list

    def _measured(self, out: RunOutput) -> pd.DataFrame:  # the collector's
        raise NotImplementedError

    def _cls_name(self, k: int):  # the collector's
        raise NotImplementedError

    def _fold_slas(self, out: RunOutput, mc: pd.DataFrame, v: pd.DataFrame,
                   wins: pd.DataFrame, final: bool, open_cases: np.ndarray | None
                   ) -> list[pd.DataFrame]:
        """The SLA clocks of the chunk's measured tickets (:func:`bpsim.stream.slas.sla_clocks`:
        :func:`bpsim.analysis.slas.sla_cases`'s statuses and elapsed times); returns per SLA
        the tickets' ``case`` and ``breached`` (1, 0, NaN when not counted), as
        ``sla_cases`` has them."""
        s = self.summary
        rows: list[pd.DataFrame] = []  # (outputs) each SLA's rows, for the diagram's breach share
        clocks = self._clocks(out, mc, v)
        for sla, sc in clocks:
            if not len(sc["case"]):
                continue
            st = sc["status"]
            breached = np.where(st == 0, 0.0, np.where(st <= 3, 1.0, np.nan))
            rows.append(pd.DataFrame({"case": sc["case"], "breached": breached}))
            self._fold_sla(sla, sc)
            if final:  # the censored margins enter the Kaplan-Meier estimate one by one
                keep = np.isin(sc["case"], open_cases) if open_cases is not None else \
                    np.ones(len(sc["case"]), bool)
                opened = pd.DataFrame({
                    "sla": sla.name, "replication": self.rep, "case": sc["case"][keep],
                    "cls": [self.classes[k] if k >= 0 else None for k in sc["cls"][keep]],
                    "target": sc["target"][keep], "elapsed": sc["elapsed"][keep],
                    "status": np.array(STATUSES, dtype=object)[sc["status"][keep]]})
                s.sla_open = pd.concat([x for x in (s.sla_open, opened) if x is not None],
                                       ignore_index=True)
        return rows

    def _clocks(self, out: RunOutput, mc: pd.DataFrame, v: pd.DataFrame) -> list[tuple]:
        """``[(sla, clocks)]`` of the chunk ``out`` (:func:`bpsim.stream.slas.sla_clocks`),
        worked out once per chunk whoever asks first."""
        if self._clock_of is out:
            return self._clock_val
        slas = getattr(self.bound, "slas", None) or []
        cases = dict(self.raw["cases"], measured=mc["measured"].to_numpy(bool),
                     completed=mc["completed"].to_numpy(bool))
        pauses = {"case": v["case"].to_numpy(np.int64), "element": index_of(v["element"], self.eidx),
                  "enabled": v["enabled"].to_numpy(float), "end": v["end"].to_numpy(float)}
        end = float(out.windows["end"].iloc[0])
        self._clock_val = [(sla, sla_clocks(sla, self.raw["records"], cases, pauses, self.warmup,
                                            end, self.eidx, self.classes)) for sla in slas]
        self._clock_of = out
        return self._clock_val

    def sla_cases(self, out: RunOutput, v: pd.DataFrame) -> pd.DataFrame:
        """The chunk's SLA clocks, every SLA one after the other, in the columns of
        :func:`bpsim.analysis.slas.sla_cases` (``breached``: 1, 0, NaN when not counted): what
        the customer's side's breaches read, without working the clocks out twice."""
        parts = []
        for sla, sc in self._clocks(out, self._measured(out), v):
            st = sc["status"]
            parts.append(pd.DataFrame({
                "sla": sla.name, "replication": self.rep, "case": sc["case"],
                "cls": pd.Categorical.from_codes(sc["cls"], categories=self.cats["cls"]),
                "target": sc["target"], "t0": sc["t0"], "t1": sc["t1"],
                "elapsed": sc["elapsed"],
                "status": pd.Categorical.from_codes(st, categories=list(STATUSES)),
                "breached": np.where(st == 0, 0.0, np.where(st <= 3, 1.0, np.nan))}))
        parts = [p for p in parts if len(p)]
        if not parts:
            return pd.DataFrame(columns=["sla", "replication", "case", "cls", "target", "t0",
                                         "t1", "elapsed", "status", "breached"])
        return pd.concat(parts, ignore_index=True)

    def _fold_sla(self, sla, sc: dict) -> None:
        s = self.summary
        g = Groups(sc["cls"] + 1, len(self.classes) + 1)
        status = sc["status"]
        x = sc["elapsed"]
        closed = status <= 1                            # met, breached
        xc = np.where(closed, x, np.nan)
        counts = [g.count(status == k) for k in range(len(STATUSES))]
        esum, en_, rows = g.sum(xc), g.valid(xc), g.count()
        closed_x = g.split(xc)
        met_x = g.split(np.where(status == 0, x, np.nan))
        for i, k in enumerate(g.present):
            cls = self._cls_name(k)
            row = {name: float(counts[j][i]) for j, name in enumerate(STATUSES)}
            row["elapsed_sum"] = float(esum[i])
            row["elapsed_n"] = float(en_[i])
            row["rows"] = float(rows[i])
            _add(s.table("sla"), (sla.name, cls), row)
            if not self.item:
                _sketch(s.sketches, ("sla", sla.name, cls), closed_x[i])
            # a work item's Kaplan-Meier estimate reads every met margin: kept exactly
            _sketch(s.sketches, ("sla_met", sla.name, cls), met_x[i],
                    exact=(1 << 62) if self.item else None)
