"""The real help-desk log: fit on the tickets opened before 2012-07-01, compare on 2013.

Figures are checked against the log itself (computed here with pandas) and against the fit's
own structure, never against numbers copied from a run.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import bpsim
from bpsim.cli import main
from tests.conftest import MODELS, SHARED

HELPDESK = SHARED / "data" / "helpdesk" / "helpdesk.csv"
MODEL = MODELS / "helpdesk.bpmn"

pytestmark = pytest.mark.skipif(not HELPDESK.exists(), reason="../shared/data/helpdesk missing")


@pytest.fixture(scope="module")
def fitted():
    return bpsim.fit(bpsim.read(MODEL), HELPDESK, until="2012-07-01")


@pytest.fixture(scope="module")
def raw():
    log = pd.read_csv(HELPDESK)
    log["t"] = pd.to_datetime(log["Complete Timestamp"])
    return log


def test_report_has_the_design_keys_and_counts_the_log(fitted, raw):
    r = fitted.report
    for key in ("cases", "events", "window", "mapped", "unmapped_activities", "unseen_elements",
                "fitness", "arrivals", "tasks", "gateways", "roles"):
        assert key in r
    opened = raw.groupby("Case ID")["t"].min()
    early = opened.index[opened < "2012-07-01"]
    assert r["cases"] == len(early)
    assert r["events"] == int(raw["Case ID"].isin(early).sum())
    assert {u["activity"] for u in r["unmapped_activities"]} <= {
        "VERIFIED", "INVALID", "DUPLICATE", "RESOLVED"}
    assert r["fitness"] > 0.95 and r["fitting_cases"] > 0.95 * r["cases"]
    for t in r["tasks"]:
        assert {"id", "name", "law", "n", "distance"} <= set(t)
    # the arrival level is the mean of the last 8 whole weeks before the window's end
    a = r["arrivals"][0]
    assert a["level_weeks"] == 8 and a["tickets"] == r["cases"]
    last = opened[(opened < "2012-07-01")]
    weeks = pd.date_range(end=pd.Timestamp("2012-06-25"), periods=9, freq="7D")
    counts = [((last >= a_) & (last < b_)).sum() for a_, b_ in zip(weeks[:-1], weeks[1:])]
    assert a["per_week"] == pytest.approx(sum(counts) / 8, rel=1e-3)


def test_every_fitted_value_has_a_comment_and_the_yaml_runs(fitted, tmp_path):
    text = fitted.yaml
    tasks = text[text.index("\ntasks:"):text.index("\ngateways:")]
    for line in tasks.splitlines()[1:]:
        if line.startswith("  ") and not line.startswith("    "):
            assert "# n=" in line or "never in the log" in line, line
    path = fitted.to_yaml(tmp_path / "fitted.yaml")
    scenario = bpsim.load_scenario(path)
    assert [f for f in bpsim.validate(bpsim.read(MODEL), scenario) if f.severity == "error"] == []


def test_committed_helpdesk_yaml_is_this_fit(fitted):
    assert (MODELS / "helpdesk.yaml").read_text(encoding="utf-8") == fitted.yaml, (
        "models/helpdesk.yaml is stale: bpsim fit models/helpdesk.bpmn --log "
        "../shared/data/helpdesk/helpdesk.csv --until 2012-07-01 -o models/helpdesk.yaml")


def test_compare_on_2013_measures_the_log_and_the_model(tmp_path, capsys, raw):
    out = tmp_path / "check"
    code = main(["compare", str(MODEL), "--scenario", str(MODELS / "helpdesk.yaml"),
                 "--log", str(HELPDESK), "--from", "2013-01-01", "--until", "2013-04-01",
                 "--replications", "2", "--json", "--out", str(out)])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    kpis = {k["name"]: k for k in doc["kpis"]}
    for name in ("cases_per_week", "cycle_time_mean_hours", "cycle_time_p50_hours",
                 "cycle_time_p90_hours", "events_per_case:Resolve ticket"):
        assert set(kpis[name]) == {"name", "observed", "simulated", "ci95", "rel_error"}
        assert math.isfinite(kpis[name]["simulated"]) and kpis[name]["ci95"] is not None
    opened = raw.groupby("Case ID")["t"].min()
    q1 = opened[(opened >= "2013-01-01") & (opened < "2013-04-01")]
    weeks = (pd.Timestamp("2013-04-01") - pd.Timestamp("2013-01-01")) / pd.Timedelta(days=7)
    assert kpis["cases_per_week"]["observed"] == pytest.approx(len(q1) / weeks)
    for key in ("cycle_time_wasserstein_hours", "ngram", "circadian"):
        assert doc["distances"][key] >= 0
    assert 0 <= doc["distances"]["ngram"] <= 1
    for name in ("kpis.csv", "profiles.csv", "comparison.json", "cycle_time_ecdf.png",
                 "arrivals_by_hour.png"):
        assert (out / name).stat().st_size > 0
