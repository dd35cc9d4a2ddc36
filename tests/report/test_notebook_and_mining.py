"""Results in notebooks (_repr_html_, short reprs) and in pm4py (to_pm4py)."""

from __future__ import annotations

import os

import pytest

import bpsim
from bpsim.errors import BpsimError
from tests.conftest import MODELS


@pytest.fixture(scope="module")
def desk():
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"horizon": "10d", "warmup": "3d"})
    return process, scenario, bpsim.simulate(process, scenario, replications=2, seed=3)


def _pm4py():
    if os.environ.get("CI"):
        import pm4py  # CI installs the dev extra: the test must run there

        return pm4py
    return pytest.importorskip("pm4py")


def test_results_show_an_html_card_and_a_short_repr(desk):
    _, _, results = desk
    page = results._repr_html_()
    assert page.startswith("<div") and "<script" not in page and "http" not in page
    for heading in ("SLAs", "Stages", "Roles", "Bottlenecks"):
        assert f">{heading}</div>" in page
    for name in results.slas["name"].unique():
        assert name in page
    assert "Triage ticket" in page and "Agent" in page
    text = repr(results)
    assert "\n" not in text and "2 replications" in text


def test_staffing_result_shows_its_plan(desk):
    from bpsim.report.notebook import staffing_html, table_html

    class Plan:  # the shape of StaffingResult, without running the optimiser here
        import pandas as pd
        plan = {"Agent/early": 3, "Specialist": 2}
        feasible = False
        cost = 20200.0
        replications = 3
        slas = pd.DataFrame({"name": ["resolution"], "breach_rate": [0.12], "limit": [0.1]})
        candidates = pd.DataFrame({"Specialist": [2, 3], "cost": [1.0, 2.0]})
        loads = pd.DataFrame({"role": ["Specialist"], "offered_load": [2.4]})
        next_cheaper = {"Specialist": 1, "reason": "resolution breached 31 %"}

    page = staffing_html(Plan())
    assert "Agent/early: 3" in page and "NO" in page and "resolution breached 31 %" in page
    assert "12.0%" in page  # breach rates as percentages
    assert "<i>none</i>" in table_html(None)


def test_to_pm4py_discovers_the_simulated_process(desk):
    pm4py = _pm4py()
    process, _, results = desk
    log = results.to_pm4py()
    assert str(log["time:timestamp"].dtype).startswith("datetime64")
    assert log["case:concept:name"].str.startswith(f"{results.replication_ids[0]}-").all()
    everything = results.to_pm4py("all")
    assert everything["case:concept:name"].nunique() > log["case:concept:name"].nunique()
    net, im, fm = pm4py.discover_petri_net_inductive(log)
    labels = {t.label for t in net.transitions if t.label}
    assert labels == set(log["concept:name"].unique())
    names = {a.get("name") for _, a in process.graph.nodes(data=True)}
    assert {"Triage ticket", "Resolve at first line", "Resolve as specialist"} <= labels <= names
    dfg, starts, ends = pm4py.discover_dfg(log)
    assert set(starts) <= {a.get("name") for n, a in process.graph.nodes(data=True)
                           if a.get("type") == "startEvent"}


def test_to_pm4py_refuses_unknown_replications(desk):
    _pm4py()
    with pytest.raises(BpsimError, match="no replication"):
        desk[2].to_pm4py([999])
    with pytest.raises(BpsimError, match="first"):
        desk[2].to_pm4py("some")


def test_comparison_and_fit_cards():
    import pandas as pd

    from bpsim.calibrate.comparison import Comparison

    comparison = Comparison(
        kpis=pd.DataFrame({"name": ["cases_per_week", "cycle_time_mean_hours"],
                           "observed": [50.0, 30.0], "simulated": [48.0, 33.0],
                           "ci95": [2.0, 1.5], "rel_error": [-0.04, 0.1]}),
        distances={"cycle_time_wasserstein_hours": 4.2}, profiles=pd.DataFrame(),
        window=("2012-01-01", "2012-07-01"))
    page = comparison._repr_html_()
    assert "cases_per_week" in page and "cycle_time_wasserstein_hours" in page
    assert "\n" not in repr(comparison) and "2 KPIs" in repr(comparison)
