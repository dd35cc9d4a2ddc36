"""warmup: auto (MSER-5) and the warm-up warnings, on a heavy-traffic M/M/1."""

import numpy as np
import pytest

import bpsim
from bpsim.analysis.warmup import mser5
from bpsim.build import ProcessBuilder


def test_mser5_by_hand():
    # batches of 5: [9, 9, 1, 1, 1, 1, 1, 1]: dropping the two high batches leaves a
    # constant (MSER 0); dropping fewer leaves spread. At most half the batches go.
    x = [9.0] * 10 + [1.0] * 30
    assert mser5(x) == (2, 8)
    assert mser5([1.0] * 40)[0] == 0
    # a trend to the end: the minimum sits at the half-way bound (run too short)
    d, k = mser5(np.arange(100.0))
    assert d == k // 2


def mm1(warmup, replications=5):
    b = ProcessBuilder("M/M/1", pool="Desk")
    lane = b.lane("Agent")
    start, serve, done = lane.start("Arrive"), lane.user_task("Serve"), lane.end("Done")
    start >> serve >> done
    return b.process, bpsim.Scenario.from_dict({
        "name": "mm1", "seed": 11, "replications": replications, "horizon": "4d",
        "warmup": warmup,
        "arrivals": {"Arrive": {"interarrival": "exponential(mean=10.526316m)"}},
        "roles": {"Agent": {"staff": 1}},
        "tasks": {"Serve": {"duration": "exponential(mean=10m)"}}})


@pytest.fixture(scope="module")
def runs():
    p, s = mm1(0)
    zero = bpsim.simulate(p, s)
    p, s = mm1("auto")
    auto = bpsim.simulate(p, s)
    return zero, auto


def test_auto_chooses_a_warmup_on_heavy_traffic_and_reports_it(runs):
    zero, auto = runs
    w = float(auto.windows["warmup"].iloc[0])
    assert w > 0 and auto.warmup_auto
    assert w == pytest.approx(np.mean(list(auto.mser.per_replication.values())))
    # same tickets (the warm-up changes only what is measured): fewer counted
    assert len(auto.output.cases) == len(zero.output.cases)
    assert auto.arrived < zero.arrived
    d = auto.to_dict()
    assert d["warmup"] == pytest.approx(w) and "MSER-5" in d["warmup_rule"]
    assert "chosen by MSER-5" in auto.summary()


def test_no_warmup_on_a_busy_desk_is_flagged(runs):
    zero, auto = runs
    codes = [x["code"] for x in zero.warnings]
    assert "no-warmup" in codes
    assert "no-warmup" not in [x["code"] for x in auto.warnings]
    assert "warmup: auto" in next(x for x in zero.warnings if x["code"] == "no-warmup")["message"]


def test_auto_warmup_in_a_sweep():
    p, s = mm1("auto", replications=2)
    df = bpsim.sweep(p, s, {"roles.Agent.staff": [1]}, executor="serial")
    assert df.attrs["warnings"] == []
    p, s = mm1(0, replications=2)
    df = bpsim.sweep(p, s, {"roles.Agent.staff": [1]}, executor="serial")
    assert [w["code"] for w in df.attrs["warnings"]] == ["no-warmup"]
