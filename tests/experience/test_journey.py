"""Journey figures and satisfaction on the bundled blueprint (models/support_blueprint.*)."""

from __future__ import annotations

import numpy as np
import pytest

import bpsim
from tests.conftest import MODELS


@pytest.fixture(scope="module")
def runs():
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    s = bpsim.load_scenario(MODELS / "support_blueprint.yaml").vary(
        {"replications": 3, "horizon": "21d"})
    data = s.to_dict()
    data.pop("updates")
    quiet = bpsim.Scenario.from_dict(data)
    return p, bpsim.simulate(p, s, seed=5), bpsim.simulate(p, quiet, seed=5)


def test_phase_times_add_up_to_the_end_to_end_time(runs):
    _, on, _ = runs
    j = on.journey.set_index("phase")
    phases = ["Contact", "Diagnosis", "Resolution", "Closure and feedback"]
    assert list(j.index) == phases + ["end to end"]
    assert j.loc[phases, "customer_time_mean"].sum() == pytest.approx(
        j.loc["end to end", "customer_time_mean"], rel=1e-9)
    # ... and to the cycle time of the same (completed, measured) tickets, ticket by ticket
    per = on.experience.per_phase.groupby(["replication", "case"])["customer_time"].sum()
    cases = on.cases.set_index(["replication", "case"])
    assert np.allclose(per.to_numpy(), cases.loc[per.index, "cycle_time"].to_numpy())
    # effort + visible + hidden = the customer's time, in every phase
    parts = j["effort_mean"] + j["visible_wait_mean"] + j["hidden_wait_mean"]
    assert np.allclose(parts, j["customer_time_mean"])
    assert j.loc["Diagnosis", "effort_mean"] > 0          # the customer gathers details
    assert j.loc["Resolution", "hidden_wait_mean"] > 0    # the specialist, out of sight
    assert j.loc["Contact", "touchpoints_mean"] == pytest.approx(1.0)   # every ticket comes in
    assert j.loc["Closure and feedback", "reopens_mean"] > 0


def test_updates_raise_satisfaction_and_cost_same_seed(runs):
    _, on, off = runs
    assert off.output.updates is None and len(on.output.updates) > 0
    assert on.journey["updates_mean"].iloc[-1] > 0.5
    # the same tickets (same seed: same arrivals, same customer moods) scored in both runs
    key = ["replication", "case"]
    both = on.experience.tickets.merge(off.experience.tickets, on=key, suffixes=("_on", "_off"))
    assert len(both) > 0.9 * len(on.experience.tickets)
    d = both["score_on"] - both["score_off"]
    assert d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d)), (d.mean(), d.std())
    assert on.experience.csat > off.experience.csat
    assert (both["update_points_on"] > 0).mean() > 0.3
    cost = {k: r.costs.set_index("scope").loc["total", "cost_worked"] for k, r in
            (("on", on), ("off", off))}
    assert cost["on"] > cost["off"]
    busy_on = on.output.staff.groupby("replication")["busy"].sum()
    busy_off = off.output.staff.groupby("replication")["busy"].sum()
    assert (busy_on > busy_off).all()


def test_satisfaction_tables_and_json(runs):
    _, on, _ = runs
    s = on.satisfaction
    assert {"overall", "class", "channel", "phase"} <= set(s["scope"])
    top = s.loc[s["scope"] == "overall"].iloc[0]
    assert 1 <= top["csat_mean"] <= 5 and 0 <= top["share_satisfied"] <= 1
    t = on.experience.tickets
    assert top["share_satisfied"] == pytest.approx(
        t.groupby("replication")["satisfied"].mean().mean())
    assert set(s.loc[s["scope"] == "class", "name"]) == {"P1", "P2", "P3"}
    assert set(s.loc[s["scope"] == "channel", "name"]) == {
        "Request by e-mail", "Phone call", "Request on the portal"}
    d = on.to_dict()
    assert [r["phase"] for r in d["journey"]][-1] == "end to end"
    for key in ("phase", "customer_time_mean", "visible_wait_mean", "effort_mean",
                "touchpoints_mean", "updates_mean"):
        assert key in d["journey"][0]
    for key in ("csat_mean", "csat_ci95", "share_satisfied", "survey_csat_mean",
                "survey_responses", "pain_points"):
        assert key in d["satisfaction"]
    pains = d["satisfaction"]["pain_points"]
    assert pains == sorted(pains, key=lambda r: -r["points_lost"])
    assert all(r["reasons"] for r in pains)
    text = on.summary()
    assert "Customer journey" in text and "Pain points" in text and "survey" in text


def test_a_driver_moves_the_score_as_documented():
    """One breach more costs ``breach`` points: compare a strict and a lenient SLA."""
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    base = bpsim.load_scenario(MODELS / "support_blueprint.yaml").vary(
        {"replications": 1, "horizon": "14d", "satisfaction.noise": 0,
         "satisfaction.late_per_hour": 0, "satisfaction.announced": 1,
         "satisfaction.breach": 1.0})
    r = bpsim.simulate(p, base, seed=2)
    t = r.experience.tickets
    br = r.experience.per_phase.groupby(["replication", "case"])["breaches"].sum()
    tt = t.set_index(["replication", "case"])
    assert np.allclose(tt.loc[br.index, "breach_points"].to_numpy(), -br.to_numpy())


def test_abandon_share_per_phase_from_abandoned_records(runs):
    """Where the engine records customers who lose patience (lifecycle ``abandoned``), the
    journey says in which phase they left, as a share of the tickets that ended."""
    import copy

    import pandas as pd

    from bpsim.analysis import Results

    from .reference import abandon_shares

    p, on, _ = runs
    out = copy.copy(on.output)
    cases = on.cases
    quit_ = cases.loc[cases["measured"] & cases["completed"]].groupby("replication").head(10)
    c = out.cases.copy()
    key = c.set_index(["replication", "case"]).index
    gone = key.isin(pd.MultiIndex.from_frame(quit_[["replication", "case"]]))
    c["completed"] = c["completed"] & ~gone
    c["abandoned"] = gone
    out.cases = c
    ev = out.events.copy()
    if "abandoned" not in ev["lifecycle"].cat.categories:  # the engine knows it now
        ev["lifecycle"] = ev["lifecycle"].cat.add_categories(["abandoned"])
    rows = ev.loc[(ev["element"] == "Task_TakeInCharge") & (ev["lifecycle"] == "enabled")]
    rows = rows.merge(quit_[["replication", "case"]], on=["replication", "case"])
    rows["lifecycle"] = pd.Categorical(["abandoned"] * len(rows), categories=ev["lifecycle"].cat.categories)
    out.events = pd.concat([ev, rows], ignore_index=True)
    res = Results(out, p, on.scenario)
    shares = abandon_shares(res, res.experience.blueprint)
    ended = (cases["measured"] & cases["completed"]).groupby(cases["replication"]).sum()
    assert shares["Contact"][0] == pytest.approx(float((10 / ended).mean()))
    assert shares["end to end"][0] == shares["Contact"][0]
    j = res.journey.set_index("phase")
    assert j.loc["Contact", "abandon_share"] > 0 and j.loc["Diagnosis", "abandon_share"] == 0
