"""Streaming statistics (records=False) against the record-based path on the bundled model.

Every figure of the JSON report must be the same, up to floating-point summation order,
except the ones streaming does not compute (listed in NOT_STREAMED, and said so in the
report's ``streaming`` key); percentiles read from the bucketed sketch are within its
stated relative accuracy.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import bpsim
import bpsim.stream.collect as collect
import bpsim.stream.sketch as sketch
from bpsim.scenario.core import load_scenario
from bpsim.stream.results import NOT_STREAMED, RecordsNeeded, StreamedResults
from bpsim.stream.sketch import ALPHA, QuantileSketch

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("id", "element", "what", "name", "cls", "scope", "group", "resource", "code", "role",
        "sla")


def _norm(x):
    """Lists of rows in a canonical order (row order is presentation, not a figure)."""
    if isinstance(x, dict):
        return {k: _norm(v) for k, v in x.items()}
    if isinstance(x, list):
        y = [_norm(v) for v in x]
        if y and all(isinstance(v, dict) for v in y):
            y.sort(key=lambda d: tuple(str(d.get(k)) for k in KEYS))
        return y
    return x


def _diff(x, y, path="", rel=1e-9, quantile_rel=None) -> list:
    if isinstance(x, dict) and isinstance(y, dict):
        out = []
        for k in sorted(set(x) | set(y), key=str):
            if k not in x or k not in y:
                out.append((f"{path}/{k}", "missing"))
            else:
                out += _diff(x[k], y[k], f"{path}/{k}", rel, quantile_rel)
        return out
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return [(path, f"{len(x)} rows against {len(y)}")]
        return [d for i, (u, v) in enumerate(zip(x, y))
                for d in _diff(u, v, f"{path}[{i}]", rel, quantile_rel)]
    if isinstance(x, float) or isinstance(y, float):
        if x is None or y is None:
            return [] if x is y else [(path, x, y)]
        tol = rel
        last = path.rsplit("/", 1)[-1]
        if quantile_rel is not None and any(last.endswith(p) for p in ("_p50", "_p90", "_p95")) \
                or quantile_rel is not None and last in ("p50", "p90", "p95"):
            tol = quantile_rel
        return [] if math.isclose(x, y, rel_tol=tol, abs_tol=1e-9) else [(path, x, y)]
    return [] if x == y else [(path, x, y)]


@pytest.fixture(scope="module")
def desk():
    process = bpsim.read(ROOT / "models" / "service_desk.bpmn")
    scenario = load_scenario(ROOT / "models" / "service_desk.yaml")
    bound = scenario.bind(process)
    bound.horizon = 14 * 86400.0
    bound.warmup = 2 * 86400.0
    return process, bound


def _both(desk, every=8000, replications=3):
    process, bound = desk
    old = collect.EVERY
    collect.EVERY = every                                     # several hand-overs in a short run
    try:
        rec = bpsim.simulate(process, bound, replications=replications, seed=7)
        st = bpsim.simulate(process, bound, replications=replications, seed=7, records=False)
    finally:
        collect.EVERY = old
    return rec, st


@pytest.fixture(scope="module")
def both(desk):
    return _both(desk)


def _expected_gaps(d: dict) -> dict:
    d = dict(d)
    d.pop("streaming", None)     # (journey and satisfaction are streamed too: compared)
    return d


def test_streamed_report_equals_record_based(both):
    rec, st = both
    assert isinstance(st, StreamedResults)
    assert all(s.chunks > 3 for s in st.summaries)          # it really streamed
    a, b = rec.to_dict(), st.to_dict()
    assert b["streaming"]["records"] is False
    assert set(b["streaming"]["not_streamed"]) == set(NOT_STREAMED)
    assert a["open"]["total"] > 0                             # open tickets at the horizon
    assert any(s["censored"] > 0 for s in a["slas"])          # and censored SLA clocks
    assert a["abandonment"] and a["crossover"] and a["warmup_mser"] > 0
    # every figure, and the rows in the same order
    assert _diff(_expected_gaps(a), _expected_gaps(b)) == []
    assert st.summary()                                       # the text report too


def test_streamed_in_two_workers_is_the_serial_run(desk, monkeypatch):
    """Replications folded in worker processes (how ``bpsim simulate`` streams by default)
    leave the same summaries: the same JSON (every figure within 1e-9 absolute)."""
    process, bound = desk
    serial = bpsim.simulate(process, bound, replications=2, seed=11, records=False).to_dict()
    par = bpsim.simulate(process, bound, replications=2, seed=11, records=False,
                         workers=2).to_dict()
    assert _diff(serial, par, rel=0.0) == []


def test_bucketed_quantiles_within_stated_error(desk, monkeypatch):
    monkeypatch.setattr(sketch, "EXACT", 16)                  # every sketch in buckets
    rec, st = _both(desk, every=40000, replications=2)
    assert not st.summaries[0].sketches[("cycle",)].is_exact
    a, b = rec.to_dict(), st.to_dict()
    # the SLA breach rate's Kaplan-Meier reads met margins from the sketch: within its
    # accuracy a censored margin may be ordered on the other side of a met one
    for s in a["slas"] + b["slas"]:
        for row in [s] + s["classes"]:
            for k in ("breach_rate", "breach_rate_ci95"):
                row.pop(k, None)
    # (stages are listed by their median time from arrival, read from the sketch too: two
    # stages within its accuracy may swap rows, so rows are compared in a canonical order)
    assert _diff(_norm(_expected_gaps(a)), _norm(_expected_gaps(b)),
                 quantile_rel=ALPHA * 1.0001) == []


def test_needs_records_says_how(both):
    _rec, st = both
    for what in ("cases", "visits", "events", "sla_cases", "queues"):
        with pytest.raises(RecordsNeeded, match="records") as err:
            getattr(st, what)
        assert "records=True" in (err.value.hint or "")
    with pytest.raises(RecordsNeeded):
        st.to_event_log("x.csv")


def test_cli_no_records(tmp_path, capsys):
    from bpsim.cli import main

    model, scen = str(ROOT / "models" / "service_desk.bpmn"), str(ROOT / "models" / "service_desk.yaml")
    rc = main(["simulate", model, "-s", scen, "--no-records", "--out", str(tmp_path / "o")])
    assert rc != 0
    err = capsys.readouterr().err
    assert "--no-records" in err and "Traceback" not in err


def test_sketch_merge_and_accuracy():
    rng = np.random.default_rng(3)
    x = np.concatenate([np.zeros(500), rng.exponential(600.0, 50_000)])
    parts = np.array_split(rng.permutation(x), 7)
    sks = []
    for p in parts:
        s = QuantileSketch()
        s.add(p)
        sks.append(s)
    merged = sks[0]
    for s in sks[1:]:
        merged.merge(s)
    assert len(merged) == len(x) and not merged.is_exact
    exact = np.percentile(x, [1, 25, 50, 90, 95, 99])
    got = merged.quantiles([1, 25, 50, 90, 95, 99])
    assert np.all(np.abs(got - exact) <= ALPHA * exact + 1e-12)
    small = QuantileSketch()
    small.add([3.0, 1.0, np.nan, 2.0])
    assert small.is_exact and small.percentiles() == {
        f"p{q}": float(v) for q, v in zip((50, 90, 95), np.percentile([1.0, 2.0, 3.0], [50, 90, 95]))}
    other = QuantileSketch()
    other.add([10.0])
    small.merge(other)
    assert small.median() == 2.5 and len(small) == 4


def test_accumulators_add_up():
    a: dict = {}
    collect._add(a, "x", {"n": 1.0, "s": 2.0})
    collect._add(a, "x", {"n": 2.0, "s": 0.5})
    collect._add(a, "y", {"n": 1.0})
    assert a == {"x": {"n": 3.0, "s": 2.5}, "y": {"n": 1.0}}


MM2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <process id="P" name="M/M/2">
    <startEvent id="Start"/><userTask id="Serve" name="Serve"/><endEvent id="End"/>
    <sequenceFlow id="F1" sourceRef="Start" targetRef="Serve"/>
    <sequenceFlow id="F2" sourceRef="Serve" targetRef="End"/>
  </process>
</definitions>"""


def _mm2(cases: int = 3000, replications: int = 2, **kw):
    import datetime as dt

    from bpsim.io.bpmn import read_bpmn
    from bpsim.scenario.distributions import Exponential
    from bpsim.scenario.spec import Arrival, BoundScenario, Role, Shift, TaskSpec

    process = read_bpmn(MM2)
    bound = BoundScenario(
        name="M/M/2", seed=1, replications=replications, horizon=None, cases=cases,
        warmup=3600.0, start=dt.datetime(2026, 1, 5),
        arrivals={"Start": Arrival(start="Start", interarrival=Exponential(mean=60.0))},
        roles={"Server": Role(name="Server", shifts=[Shift(staff=2)])},
        tasks={"Serve": TaskSpec("Serve", Exponential(mean=100.0), role="Server")}, **kw)
    return process, bound


def _drop_trends(d: dict) -> dict:
    for row in d["bottlenecks"]:
        for k in ("growth", "score", "reason"):
            row.pop(k)
    d["warnings"] = [w for w in d["warnings"] if w["code"] not in
                     ("growing-backlog", "growing-queue")]
    return d


def test_warmup_auto_pilot_streamed(monkeypatch):
    """``warmup: auto`` with records=False: the pilot keeps only the MSER-5 batch sums and
    picks the same warm-up."""
    process, bound = _mm2(cases=2000, replications=1, warmup_auto=True)
    monkeypatch.setattr(collect, "EVERY", 3000)
    a = _drop_trends(bpsim.simulate(process, bound, seed=2).to_dict())
    b = _drop_trends(bpsim.simulate(process, bound, seed=2, records=False).to_dict())
    assert a["warmup_rule"] == b["warmup_rule"] != "given in the scenario"
    assert _diff(_expected_gaps(a), _expected_gaps(b), quantile_rel=ALPHA * 1.0001) == []


def test_run_ended_by_cases(monkeypatch):
    """``cases:`` ends the run when the last ticket is done: the window's end is not known
    in advance, so the trend tests and the half-window queue growth are not streamed (and
    said so); every other figure is the same."""
    process, bound = _mm2()
    monkeypatch.setattr(collect, "EVERY", 4000)
    rec = bpsim.simulate(process, bound, seed=5)
    st = bpsim.simulate(process, bound, seed=5, records=False)
    a, b = rec.to_dict(), st.to_dict()
    assert "backlog_trend" in b["streaming"]["not_streamed"]
    a, b = _drop_trends(a), _drop_trends(b)
    # 6,000 pooled cycle times: the percentiles come from the sketch's buckets
    assert _diff(_expected_gaps(a), _expected_gaps(b), quantile_rel=ALPHA * 1.0001) == []
    # replications folded in worker processes: the same summaries, bit for bit
    par = bpsim.simulate(process, bound, seed=5, records=False, workers=2).to_dict()
    assert _diff(st.to_dict(), par, rel=0.0) == []


def test_first_appearance_reads_the_visits_table_order(desk):
    """The collector takes the visits in their table order (by enabled time, then case)
    without sorting them again; a table in another order is not taken for sorted (the
    collector sorts it then)."""
    from bpsim.analysis.visits import visits
    from bpsim.engine import run

    process, bound = desk
    v = visits(run(process, bound, seed=3, replication_ids=[0]))
    en, case = v["enabled"].to_numpy(float), v["case"].to_numpy()
    assert collect._in_table_order(en, case)
    perm = np.random.default_rng(1).permutation(len(v))
    assert not collect._in_table_order(en[perm], case[perm])
