"""The collector's SLA clocks (bpsim.stream.slas.sla_clocks, numpy columns) against the
record-based bpsim.analysis.slas.sla_cases, ticket by ticket: the same measured tickets,
statuses and elapsed times, on models with office-hour calendars, targets per class, a
class filter, pauses that overlap (waiting for the customer and the reminder timer at once)
and tickets open or left unserved at the horizon."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import bpsim
from bpsim.analysis import slas as record_slas
from bpsim.analysis import visits as _visits
from bpsim.engine import run
from bpsim.engine.output import LIFECYCLES
from bpsim.engine.plan import compile_plan
from bpsim.stream.groups import index_of
from bpsim.stream.slas import STATUSES, sla_clocks
from tests.conftest import MODELS


def _columns(out, elements: dict, classes: list):
    ev = out.events
    mc = _visits.measured_cases(out)
    v = _visits.visits(out)
    records = {"case": ev["case"].to_numpy(np.int64),
               "element": index_of(ev["element"], elements),
               "lifecycle": index_of(ev["lifecycle"], {x: i for i, x in enumerate(LIFECYCLES)}),
               "time": ev["time"].to_numpy(float)}
    cases = {"case": mc["case"].to_numpy(np.int64),
             "cls": index_of(mc["cls"], {c: i for i, c in enumerate(classes)}),
             "arrival": mc["arrival"].to_numpy(float), "end": mc["end"].to_numpy(float),
             "left": (mc["abandoned"] | mc["blocked"]).to_numpy(bool),
             "measured": mc["measured"].to_numpy(bool),
             "completed": mc["completed"].to_numpy(bool)}
    pauses = {"case": v["case"].to_numpy(np.int64), "element": index_of(v["element"], elements),
              "enabled": v["enabled"].to_numpy(float), "end": v["end"].to_numpy(float)}
    return records, cases, pauses, mc, v


@pytest.mark.parametrize("model,seed", [("service_desk", 3), ("support_blueprint", 5)])
def test_sla_clocks_equal_sla_cases(model, seed):
    p = bpsim.read(MODELS / f"{model}.bpmn")
    s = bpsim.load_scenario(MODELS / f"{model}.yaml").vary({"horizon": "10d", "warmup": "1d"})
    bound = s.bind(p)
    out = run(p, bound, seed=seed, replication_ids=[1])
    plan = compile_plan(p, bound)
    elements = {n.id: i for i, n in enumerate(plan.nodes)}
    classes = list(plan.classes)
    records, cases, pauses, mc, v = _columns(out, elements, classes)
    wins = _visits.windows(out)
    end = float(wins["end"].iloc[0])
    slas = list(bound.slas)
    slas.append(dataclasses.replace(slas[-1], name="P1 only", classes=frozenset({"P1"})))
    seen = set()
    for sla in slas:
        want = record_slas.sla_cases(sla, out.events, mc, v, wins)
        got = sla_clocks(sla, records, cases, pauses, bound.warmup, end, elements, classes)
        order = np.argsort(got["case"])
        assert got["case"][order].tolist() == sorted(want["case"].tolist())
        w = want.sort_values("case")
        assert [STATUSES[k] for k in got["status"][order]] == w["status"].tolist()
        assert np.allclose(got["elapsed"][order], w["elapsed"].to_numpy(float), rtol=1e-12,
                           atol=1e-9, equal_nan=True)
        assert np.array_equal(got["target"][order], w["target"].to_numpy(float))
        seen |= set(w["status"])
    # the comparison covers met and breached clocks, open ones and censored ones
    assert {"met", "breached", "censored"} <= seen


def test_collector_sla_cases_has_the_record_columns(monkeypatch):
    """``Collector.sla_cases`` (what the customer's side's breaches may read) gives
    ``sla_cases``' rows and columns for a chunk of a streamed run."""
    import pandas as pd

    import bpsim.stream.collect as collect

    p = bpsim.read(MODELS / "service_desk.bpmn")
    s = bpsim.load_scenario(MODELS / "service_desk.yaml").vary({"horizon": "10d", "warmup": "1d"})
    bound = s.bind(p)
    seen = []
    fold = collect.Collector._fold

    def spy(self, out, v, *a, **k):
        if not seen:  # during the fold, as the customer's side asks
            seen.append((self.sla_cases(out, v), out, v))
        return fold(self, out, v, *a, **k)

    monkeypatch.setattr(collect.Collector, "_fold", spy)
    run(p, bound, seed=4, replication_ids=[0], records=False)
    got, out, v = seen[0]
    mc, wins = _visits.measured_cases(out), _visits.windows(out)
    want = pd.concat([record_slas.sla_cases(sla, out.events, mc, v, wins) for sla in bound.slas],
                     ignore_index=True)
    assert list(got.columns) == list(want.columns) and len(got) == len(want) > 0
    for c in ("sla", "replication", "case", "status", "cls"):
        assert got[c].astype(object).tolist() == want[c].astype(object).tolist(), c
    for c in ("target", "t0", "t1", "elapsed", "breached"):
        assert np.allclose(got[c].astype(float), want[c].astype(float), rtol=1e-12, atol=1e-9,
                           equal_nan=True), c


def test_growing_work_clock_reads_as_a_fresh_one():
    """stream.slas.work_clock lists a calendar's open intervals once per process and grows
    them for a later end: its readings up to each end are a fresh WorkClock's, bit for bit,
    whichever order the ends come in."""
    from bpsim.stream import slas as stream_slas

    process = bpsim.read(MODELS / "service_desk.bpmn")
    bound = bpsim.load_scenario(MODELS / "service_desk.yaml").bind(process)
    cals = [s.calendar for s in bound.slas if s.calendar is not None]
    assert cals
    cal = cals[0]
    stream_slas._CLOCKS.clear()
    rng = np.random.default_rng(3)
    for hi in (2 * 86400.0, 40 * 86400.0, 10 * 86400.0, 90 * 86400.0):
        got = stream_slas.work_clock(cal, 3600.0, hi)
        want = record_slas.WorkClock(cal, 3600.0, hi)
        t = np.concatenate([rng.uniform(3600.0, hi, 500), [3600.0, hi, np.nan]])
        assert np.array_equal(got(t), want(t), equal_nan=True)
    assert len(stream_slas._CLOCKS) == 1
    assert stream_slas.work_clock(None, 0.0, 10.0)(np.array([4.0])).tolist() == [4.0]
