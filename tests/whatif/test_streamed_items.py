"""What-if work items with streaming statistics give what they gave with records.

``bpsim.whatif.metrics.run_item`` runs an item with ``records=False`` (the work item's
figures alone) when :func:`~bpsim.whatif.metrics.streams` says so; here every figure of
such items, and the tables and verdicts of a sweep and of the optimiser built on them, are
compared with the same items run with records (``streams`` forced to ``False``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import bpsim
import bpsim.whatif.metrics as metrics
from bpsim.whatif.metrics import FIGURES, WorkItem, run_item
from tests.conftest import MODELS
from tests.whatif import mmc


def _same(a: dict, b: dict) -> list:
    assert set(a) == set(b)
    return [(k, a[k], b[k]) for k in a
            if not ((math.isnan(a[k]) and math.isnan(b[k]))
                    or math.isclose(a[k], b[k], rel_tol=1e-9, abs_tol=1e-12))]


def _records(monkeypatch):
    monkeypatch.setattr(metrics, "streams", lambda item, bound: False)


@pytest.mark.parametrize("seed,replication", [(42, 0), (7, 3)])
def test_streamed_item_figures_equal_the_record_ones(monkeypatch, seed, replication):
    p = bpsim.read(MODELS / "service_desk.bpmn")
    s = bpsim.load_scenario(MODELS / "service_desk.yaml").vary({"horizon": "12d",
                                                                "warmup": "2d"})
    item = WorkItem(0, replication, p, s, seed, FIGURES - {"experience"})
    assert metrics.streams(item, s.bind(p))
    streamed = run_item(item)
    with monkeypatch.context() as m:
        _records(m)
        recorded = run_item(item)
    assert _same(streamed, recorded) == []
    # not trivial: breaches, open tickets, a backlog trend, utilisation
    assert any(k.startswith("breach_rate[") and v > 0 for k, v in streamed.items())
    assert streamed["open_total"] > 0 and not math.isnan(streamed["_backlog_growth"])
    assert all(0 < v <= 1 for k, v in streamed.items() if k.startswith("utilization["))


def test_items_keep_records_when_streaming_lacks_a_figure():
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    s = bpsim.load_scenario(MODELS / "support_blueprint.yaml")
    assert metrics.streams(WorkItem(0, 0, p, s, 1), s.bind(p))            # CSAT streamed too
    assert metrics.wants_csat(WorkItem(0, 0, p, s, 1), s.bind(p))
    assert metrics.streams(WorkItem(0, 0, p, s, 1, FIGURES - {"experience"}), s.bind(p))
    assert not metrics.wants_csat(WorkItem(0, 0, p, s, 1, FIGURES - {"experience"}), s.bind(p))
    by_cases = s.vary({"cases": 200})
    assert not metrics.streams(WorkItem(0, 0, p, by_cases, 1, frozenset()),
                               by_cases.bind(p))                         # trend at the end


@pytest.mark.parametrize("model,vary", [
    ("service_desk", {"horizon": "10d", "warmup": "2d"}),
    # phases, proactive updates, SLAs and a biased survey
    ("support_blueprint", {"horizon": "12d", "warmup": "2d"})])
def test_streamed_item_csat_equals_the_record_one(monkeypatch, model, vary):
    p = bpsim.read(MODELS / f"{model}.bpmn")
    s = bpsim.load_scenario(MODELS / f"{model}.yaml").vary(vary)
    item = WorkItem(0, 1, p, s, 5)
    assert metrics.streams(item, s.bind(p)) and metrics.wants_csat(item, s.bind(p))
    calls = []
    import bpsim.stream.experience as sx

    real = sx.ExperienceFold.chunk
    monkeypatch.setattr(sx.ExperienceFold, "chunk",
                        lambda self, *a: (calls.append(1), real(self, *a))[1])
    streamed = run_item(item)
    assert calls                                       # the item folded the customer's side
    with monkeypatch.context() as m:
        _records(m)
        recorded = run_item(item)
    assert _same(streamed, recorded) == []
    assert 1 <= streamed["csat"] <= 5 and 0 < streamed["share_satisfied"] < 1
    # an item not asking for CSAT does not fold it
    calls.clear()
    assert "csat" not in run_item(WorkItem(0, 1, p, s, 5, FIGURES - {"experience"}))
    assert not calls


def test_sweep_of_the_bundled_desk_with_csat_is_the_same_streamed(monkeypatch):
    p = bpsim.read(MODELS / "service_desk.bpmn")
    s = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"horizon": "7d", "warmup": "1d", "replications": 2})
    vary = {"roles.Agent.shifts.early.staff": [2, 3]}
    streamed = bpsim.sweep(p, s, vary, executor="serial")
    with monkeypatch.context() as m:
        _records(m)
        recorded = bpsim.sweep(p, s, vary, executor="serial")
    assert any("csat" in c for c in streamed.columns)
    pd.testing.assert_frame_equal(streamed, recorded, rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    return mmc.load(tmp_path_factory.mktemp("mmc"), staff=5, replications=3, horizon="4h")


def test_sweep_table_is_the_same_streamed(desk, monkeypatch):
    process, scenario = desk
    vary = {"roles.Agent.staff": [4, 5, 6]}
    streamed = bpsim.sweep(process, scenario, vary, executor="serial")
    with monkeypatch.context() as m:
        _records(m)
        recorded = bpsim.sweep(process, scenario, vary, executor="serial")
    pd.testing.assert_frame_equal(streamed, recorded, rtol=1e-9, atol=1e-12)
    assert (streamed.select_dtypes("number").abs().sum() > 0).any()


def test_optimiser_verdict_is_the_same_streamed(desk, monkeypatch):
    process, scenario = desk
    a = bpsim.optimize_staffing(process, scenario, executor="serial", replications=3)
    with monkeypatch.context() as m:
        _records(m)
        b = bpsim.optimize_staffing(process, scenario, executor="serial", replications=3)
    assert (a.plan, a.feasible, a.cost) == (b.plan, b.feasible, b.cost)
    pd.testing.assert_frame_equal(a.slas, b.slas, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(a.candidates, b.candidates, rtol=1e-9, atol=1e-12)
    assert a.next_cheaper == b.next_cheaper or _close(a.next_cheaper, b.next_cheaper)
    assert len(a.candidates) > 1                      # it searched: more than one plan judged


def _close(x, y) -> bool:
    if x is None or y is None or set(x) != set(y):
        return False
    return all(np.isclose(x[k], y[k], rtol=1e-9) if isinstance(x[k], float) else x[k] == y[k]
               for k in x)
