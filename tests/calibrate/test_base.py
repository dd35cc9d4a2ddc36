"""--base keeps what the log cannot know; fit --json and compare on the synthetic desk."""

from __future__ import annotations

import json

import pandas as pd

import bpsim
from bpsim.cli import main
from tests.calibrate import synthetic as syn

BASE = """name: desk with costs
seed: 3
replications: 2
horizon: 2w
calendars:
  office: {days: mon-fri, hours: "09:00-18:00"}
roles:
  Agent: {staff: 1, cost_per_hour: 65, billing_increment: 30m, bill_rate: 90}
tasks:
  Triage: {duration: 5m}
slas:
  - {name: resolution, from: Ticket received, to: Resolve.end, target: 4h, attain: 90%}
"""


def _log(tmp_path):
    path = tmp_path / "events.csv"
    log = bpsim.event_log(syn.results()) if hasattr(bpsim, "event_log") else None
    if log is None:
        syn.results().to_event_log(path)
        frame = pd.read_csv(path)
        frame.loc[frame["lifecycle:transition"] == "complete"].to_csv(path, index=False)
    return path


def test_base_keeps_costs_billing_and_slas(tmp_path, capsys):
    base = tmp_path / "base.yaml"
    base.write_text(BASE)
    model = tmp_path / "desk.bpmn"
    bpsim.write_bpmn(syn.process(), model)
    out = tmp_path / "fitted.yaml"
    code = main(["fit", str(model), "--log", str(_log(tmp_path)), "--base", str(base),
                 "-o", str(out), "--json", "--recent-weeks", "0"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["fitness"] > 0.99
    fitted = bpsim.load_scenario(out)
    agent = fitted.roles["Agent"]
    assert (agent.cost_per_hour, agent.billing_increment, agent.bill_rate) == (65, 1800, 90)
    assert agent.staff >= 1
    assert [s.name for s in fitted.slas] == ["resolution"] and fitted.slas[0].target == 4 * 3600
    assert fitted.name == "desk with costs" and fitted.seed == 3
    # the durations are refitted, not kept
    assert str(fitted.tasks["Triage"].duration) != "fixed(5m)"
    text = out.read_text()
    assert "kept from the base scenario" in text

    code = main(["compare", str(model), "--scenario", str(out), "--log",
                 str(tmp_path / "events.csv"), "--replications", "2", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    names = {k["name"] for k in doc["kpis"]}
    assert "cycle_time_to:resolution_hours" in names
    assert {"cases_per_week", "events_per_case:Triage"} <= names
    kpis = {k["name"]: k for k in doc["kpis"]}
    # same desk, refitted: tickets per week within a few CIs plus sampling noise of the log
    cpw = kpis["cases_per_week"]
    assert abs(cpw["rel_error"]) < 0.1
    # with the optional log-distance-measures package, its distances agree with bpsim's own
    try:
        import log_distance_measures  # noqa: F401
    except ImportError:
        assert not any(k.startswith("ldm:") for k in doc["distances"])
    else:
        d = doc["distances"]
        assert abs(d["ldm:cycle_time"] - d["cycle_time_wasserstein_hours"]) <= 0.05 * max(
            d["cycle_time_wasserstein_hours"], 1.0)
        # it bins events by whole hours, bpsim uses the exact time of day: up to half an hour
        assert abs(d["ldm:circadian_event"] - d["circadian"]) <= 0.5 + 0.1 * d["circadian"]
