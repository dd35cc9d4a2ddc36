"""The customer's side in streaming statistics: journey and satisfaction folded chunk by chunk.

Each chunk the engine hands over holds **whole tickets** (every record of a finished ticket
arrives in one chunk; the tickets still open at the end come last), so the experience
package's own per-ticket functions run on a chunk as they run on a replication of a
record-based run: :func:`bpsim.experience.fold.fold` (the journey timeline, the SLA
breaches, the scores, the tickets left unserved) keeps only the per-replication sums
(:class:`~bpsim.experience.fold.ExperienceSums`), and the tables are computed from the sums
by the same functions as the record-based path. The per-ticket draws (mood, survey answer)
are keyed by (seed, purpose, replication, case) (:mod:`bpsim.experience.draws`), so a
chunk draws what the whole run draws.

**Proactive updates** (``updates:``) are read from the engine's update records as they
grow. An update still being sent when its ticket closes is recorded after the ticket was
handed over, so with ``updates:`` a chunk's tickets are folded at the *next* hand-over (or at
the end of the replication), with every update recorded by then: exact unless an update
takes longer than the time between two hand-overs (hours of simulated time).

:func:`fold_experience` is the collector's call-out (:mod:`bpsim.stream.collect`);
:class:`StreamedExperience` is what ``StreamedResults.experience`` is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from bpsim.analysis import slas as _slas
from bpsim.analysis import visits as _visits
from bpsim.experience.blueprint import blueprint
from bpsim.experience.figures import Experience, is_relevant
from bpsim.experience.fold import ExperienceSums, fold
from bpsim.experience.satisfaction import params_from

__all__ = ["ExperienceFold", "fold_experience", "item_experience", "StreamedExperience",
           "pooled_sums"]

_ITEM_CSAT: ContextVar[bool] = ContextVar("bpsim_item_experience", default=False)


@contextmanager
def item_experience() -> Iterator[None]:
    """Within this block, a what-if work item's run (``records=False`` in
    :func:`bpsim.stream.collect.item_figures`) folds the customer's side too, for the
    item's CSAT (:func:`bpsim.whatif.metrics.run_item`); without it an item folds only its
    study's other figures."""
    token = _ITEM_CSAT.set(True)
    try:
        yield
    finally:
        _ITEM_CSAT.reset(token)

_SLA_COLUMNS = ["sla", "replication", "case", "cls", "target", "t0", "t1", "elapsed", "status",
                "breached"]


class ExperienceFold:
    """Folds one replication's chunks into :class:`~bpsim.experience.fold.ExperienceSums`.

    Parameters
    ----------
    collector : bpsim.stream.collect.Collector
        Its ``process``, ``bound`` (the bound scenario), ``rep``; ``seed`` (the run's root
        seed) and ``updates`` (the engine's update record columns) when the engine set them.
    """

    def __init__(self, collector) -> None:
        self.process, self.scenario = collector.process, collector.bound
        self.rep = int(collector.rep)
        self.bp = blueprint(self.process, self.scenario)
        self.params = params_from(getattr(self.scenario, "satisfaction", None))
        self.survey = getattr(self.scenario, "survey", None)
        self.run = SimpleNamespace(process=self.process, scenario=self.scenario,
                                   seed=getattr(collector, "seed", None))
        self.collector = collector
        self.sums = ExperienceSums()
        self.with_updates = getattr(self.scenario, "updates", None) is not None
        # the last chunk (its records, measured cases, SLA rows), with updates: folded next
        self.held: tuple[Any, pd.DataFrame, pd.DataFrame] | None = None
        self.read = 0                           # update records read so far
        self.pending = pd.DataFrame({"case": np.zeros(0, np.int64), "time": np.zeros(0)})

    def _updates(self) -> None:
        """Add the update records since the last call to those of unfolded tickets."""
        cols = getattr(self.collector, "updates", None)
        if cols is None:
            return
        case, time = cols[0], cols[1]
        n = len(case)
        if n > self.read:
            new = pd.DataFrame({
                "case": np.frombuffer(case, dtype=np.int64)[self.read:n].astype(np.int64),
                "time": np.frombuffer(time, dtype=float)[self.read:n].copy()})
            self.pending = pd.concat([self.pending, new], ignore_index=True)
            self.read = n

    def chunk(self, out, v: pd.DataFrame, final: bool) -> None:
        """Fold a chunk's tickets (``out``: the chunk as a RunOutput; ``v``: its visits;
        ``final``: the last one of the replication, with the tickets still open)."""
        self.run.seed = getattr(self.collector, "seed", self.run.seed)
        mc = self._measured(out)
        slas = self._sla_cases(out, v, mc)
        if not self.with_updates:
            self._fold(out, mc, slas, None)
            return
        self._updates()
        if self.held is not None:      # the previous chunk, now with every update it had
            self._fold(*self.held, self.pending)
        self.held = (out, mc, slas)
        if final:
            self._fold(out, mc, slas, self.pending)
            self.held = None

    def _measured(self, out) -> pd.DataFrame:
        """The chunk's measured cases: the collector's (worked out once per chunk for every
        figure), else :func:`bpsim.analysis.visits.measured_cases`."""
        mine = getattr(self.collector, "_measured", None)
        return mine(out) if callable(mine) else _visits.measured_cases(out)

    def _fold(self, out, mc: pd.DataFrame, slas: pd.DataFrame,
              updates: pd.DataFrame | None) -> None:
        if out.cases.empty:
            return
        if updates is not None:
            ids = out.cases["case"].to_numpy()
            at = np.isin(updates["case"].to_numpy(), ids)
            mine = updates.loc[at]
            self.pending = updates.loc[~at].reset_index(drop=True)  # those of other tickets
            out = replace(out, updates=pd.DataFrame({
                "replication": np.full(len(mine), self.rep, dtype=np.int64),
                "case": mine["case"].to_numpy(np.int64), "time": mine["time"].to_numpy(float)}))
        view = SimpleNamespace(process=self.process, scenario=self.scenario, seed=self.run.seed,
                               replication_ids=[self.rep], output=out, sla_cases=slas,
                               _measured_cases=mc)
        self.sums.add(fold(view, self.bp, self.params, self.survey))

    def _sla_cases(self, out, v: pd.DataFrame, mc: pd.DataFrame) -> pd.DataFrame:
        fast = self._sla_clocks(out, v, mc)
        return fast if fast is not None else self._sla_cases_records(out, v, mc)

    def _sla_clocks(self, out, v: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame | None:
        """The breached tickets from the collector's SLA clocks on the chunk's numpy columns
        (``Collector._clocks``: :func:`bpsim.stream.slas.sla_clocks`, the statuses and
        elapsed times of ``sla_cases``, worked out once per chunk for the collector's SLA
        figures and these); when the journey needs the breaches' start and end times too
        (proactive updates soften announced breaches; an SLA ending outside the phases is
        placed by its end time), ``sla_cases`` for the breached tickets alone. ``None`` when
        the collector has no numpy columns to offer (``base``: the chunk's measured cases)."""
        col = self.collector
        raw = getattr(col, "raw", None) or {}
        if "records" not in raw or "cases" not in raw or not hasattr(col, "_clocks"):
            return None
        slas = getattr(self.scenario, "slas", None) or []
        if len(raw["cases"]["case"]) != len(base) or not np.array_equal(
                raw["cases"]["case"], base["case"].to_numpy()):
            return None                                  # not this chunk's columns
        clocks = col._clocks(out, base, v)
        times = self.with_updates or (bool(self.bp.phases) and any(
            s.end.element is None or s.end.element not in self.bp.phases.of_node for s in slas))
        wins = _visits.windows(out) if times else None
        done = base["case"].to_numpy(np.int64)[base["completed"].to_numpy(bool)]
        parts = []
        for sla, sc in clocks:
            hit = np.flatnonzero(sc["status"] == 1)          # breached (reached, late)
            hit = hit[np.isin(sc["case"][hit].astype(np.int64), done)]
            if not len(hit):
                continue
            ids = sc["case"][hit].astype(np.int64)
            if times:
                keep = np.isin(base["case"].to_numpy(np.int64), ids)
                sub = _slas.sla_cases(sla, out.events.loc[np.isin(out.events["case"].to_numpy(
                    np.int64), ids)], base.loc[keep], v.loc[np.isin(v["case"].to_numpy(np.int64),
                                                                    ids)], wins)
                parts.append(sub)
                continue
            parts.append(pd.DataFrame({
                "sla": sla.name, "replication": self.rep, "case": ids,
                "cls": None, "target": sc["target"][hit], "t0": np.nan, "t1": np.nan,
                "elapsed": sc["elapsed"][hit], "status": "breached", "breached": True}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_SLA_COLUMNS)

    def _sla_cases_records(self, out, v: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
        """The chunk's SLA clocks from its records (as ``Results.sla_cases``)."""
        slas = getattr(self.scenario, "slas", None) or []
        if not slas or out.events.empty:
            return pd.DataFrame(columns=_SLA_COLUMNS)
        wins = _visits.windows(out)
        parts = [p for p in (_slas.sla_cases(s, out.events, base, v, wins) for s in slas)
                 if not p.empty]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_SLA_COLUMNS)


def fold_experience(collector, out, v: pd.DataFrame, final: bool) -> None:
    """The collector's call-out for each chunk: fold it into the replication's
    :class:`~bpsim.experience.fold.ExperienceSums` (``collector.summary.experience``) when
    the run is about the customer's side (:func:`~bpsim.experience.figures.is_relevant`)."""
    state = collector.__dict__.get("_experience_fold", False)
    if state is False:
        state = None
        # (a what-if work item folds only its study's figures, bpsim.stream.collect.item_figures:
        # the customer's side when it asks for CSAT, item_experience)
        if collector.process is not None and collector.bound is not None \
                and (not getattr(collector, "item", False) or _ITEM_CSAT.get()):
            f = ExperienceFold(collector)
            state = f if is_relevant(collector.bound, f.bp) else None
        collector._experience_fold = state
    if state is None:
        return
    state.chunk(out, v, final)
    collector.summary.experience = state.sums


def pooled_sums(summaries: list) -> ExperienceSums | None:
    """The replications' sums put together (``None`` when no replication folded any)."""
    parts = [getattr(s, "experience", None) for s in summaries]
    if not parts or any(p is None for p in parts):
        return None
    out = ExperienceSums()
    for p in parts:
        if p is not None:
            out.add(p)
    return out


class StreamedExperience(Experience):
    """:class:`~bpsim.experience.figures.Experience` of a streaming run: the tables from the
    replications' folded sums; the per-ticket tables need the records."""

    @property
    def available(self) -> bool:
        return self._pooled is not None

    @property
    def _pooled(self) -> ExperienceSums | None:
        if "_pooled_sums" not in self.__dict__:
            self.__dict__["_pooled_sums"] = pooled_sums(self.results.summaries)
        return self.__dict__["_pooled_sums"]

    @property
    def sums(self) -> ExperienceSums:
        s = self._pooled
        if s is None:
            from bpsim.stream.results import _need

            raise _need("the journey and satisfaction figures of a run that is not about "
                        "the customer's side")
        return s

    @property
    def _per_replication(self) -> Any:  # type: ignore[override]
        from bpsim.stream.results import _need

        raise _need("Results.experience per-ticket tables (tickets, drivers, per_phase)")

    @property
    def unserved(self) -> pd.DataFrame:  # type: ignore[override]
        from bpsim.stream.results import _need

        raise _need("Results.experience.unserved (one row per ticket)")
