"""Synthetic round trip: simulate a known desk, export its event log with bpsim's own writer,
fit it back, and recover the arrival rate, the branch probability and the mean durations
within their sampling error (4 standard errors), with and without start timestamps."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import bpsim
from tests.calibrate import synthetic as syn


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roundtrip")
    full = folder / "events.csv"
    syn.results().to_event_log(full)
    log = pd.read_csv(full)
    ends_only = folder / "ends.csv"
    log.loc[log["lifecycle:transition"] == "complete"].to_csv(ends_only, index=False)
    return full, ends_only


def _check(fitted: bpsim.Fit, log: pd.DataFrame) -> None:
    report = fitted.report
    # every ticket fits but those still open when the simulation stopped (their trace ends
    # before an end event: remaining tokens)
    still_open = int((~syn.results().output.cases["completed"]).sum())
    assert report["fitness"] > 0.99
    assert report["cases"] - still_open <= report["fitting_cases"] <= report["cases"]
    assert report["open_at_end"] == report["cases"] - report["fitting_cases"]
    # arrivals: Poisson count over the window, per week
    arrivals = report["arrivals"][0]
    weeks = arrivals["weeks"]
    n = arrivals["tickets"]
    rate = n / weeks / 168
    assert abs(rate - syn.RATE_PER_HOUR) < 4 * math.sqrt(syn.RATE_PER_HOUR * 168 * weeks) / (
        168 * weeks)
    assert arrivals["per_week"] == pytest.approx(n / weeks, rel=1e-2)  # the whole window
    # branch probability: binomial
    need = next(g for g in report["gateways"] if g["name"] == "Need information?")
    p, visits = need["branches"]["Yes"], need["visits"]
    assert abs(p - syn.P_INFO) < 4 * math.sqrt(syn.P_INFO * (1 - syn.P_INFO) / visits)
    # mean durations: within 4 standard errors of the observed sample
    rows = {t["name"]: t for t in report["tasks"] + report["delays"]}
    for name, true_mean in syn.MEANS.items():
        row = rows[name]
        sd = true_mean if name in ("Triage", "Customer replies") else (
            15 * 60 if name == "Resolve" else 6 * 60 / math.sqrt(12))
        assert abs(row["mean"] - true_mean) < 4 * sd / math.sqrt(row["n"]), (name, row)
    # the fitted scenario runs as it is
    s = fitted.scenario.vary({"horizon": "2d", "warmup": 0, "replications": 1})
    assert bpsim.simulate(syn.process(), s).cases["completed"].any()


def test_round_trip_with_start_timestamps(exported):
    full, _ = exported
    log = bpsim.read_log(full)
    assert "start_timestamp" in log.columns
    fitted = bpsim.fit(syn.process(), log, recent_weeks=0)
    assert fitted.report["start_times"] == "logged start times, estimated where missing"
    _check(fitted, log)


def test_round_trip_with_completions_only(exported):
    _, ends = exported
    log = bpsim.read_log(ends)
    assert "start_timestamp" not in log.columns
    fitted = bpsim.fit(syn.process(), log, recent_weeks=0)
    assert fitted.report["start_times"].startswith("estimated")
    _check(fitted, log)


def test_state_change_export_fits_with_column_flags_only(tmp_path):
    """A ticket tool's audit export: a row per field change, several per state, day-first."""
    ev = syn.results().events
    ev = ev.loc[ev["name"].isin(["Triage", "Ask customer", "Resolve"])]
    ev = ev.assign(lc=ev["lifecycle"].astype(str), name=ev["name"].astype(str))
    key = ["case", "name"]
    st = ev.loc[ev["lc"] == "start"].assign(k=lambda f: f.groupby(key).cumcount())
    en = ev.loc[ev["lc"] == "complete"].assign(k=lambda f: f.groupby(key).cumcount())
    work = st.merge(en[key + ["k", "time"]], on=key + ["k"], suffixes=("", "_end"))
    parts = []
    for share in (0.0, 0.5, 1.0):              # opened, a comment, closed: 3 rows per state
        parts.append(pd.DataFrame({
            "Number": "INC" + work["case"].astype(int).astype(str).str.zfill(5),
            "State": work["name"], "t": work["time"] + share * (work["time_end"] - work["time"]),
            "Updated by": work["resource"].astype(str), "o": -share}))
    # in time order, as tools export; at the same second a state is closed before the next opens
    frame = pd.concat(parts).sort_values(["t", "o"], kind="stable").drop(columns="o")
    origin = pd.Timestamp("2024-01-01")
    frame["Updated"] = (origin + pd.to_timedelta(frame.pop("t"), unit="s")).dt.strftime(
        "%d/%m/%Y %H:%M:%S")
    path = tmp_path / "audit.csv"
    frame.to_csv(path, index=False, sep=";")
    fitted = bpsim.fit(syn.process(), path, case="Number", activity="State",
                       timestamp="Updated", resource="Updated by", recent_weeks=0)
    assert any("state-change export" in n for n in fitted.report["notes"])
    assert fitted.report["fitness"] > 0.99
    rows = {t["name"]: t for t in fitted.report["tasks"]}
    for name in ("Triage", "Resolve"):
        sd = syn.MEANS[name] if name == "Triage" else 15 * 60
        # seconds are rounded in the export: allow a second besides the sampling error
        assert abs(rows[name]["mean"] - syn.MEANS[name]) < 4 * sd / math.sqrt(rows[name]["n"]) + 1
    # the loop through the unlogged customer reply is still counted
    need = next(g for g in fitted.report["gateways"] if g["name"] == "Need information?")
    assert abs(need["branches"]["Yes"] - syn.P_INFO) < 4 * math.sqrt(
        syn.P_INFO * (1 - syn.P_INFO) / need["visits"])


def test_classes_get_their_mix_and_their_own_durations(tmp_path):
    """Tickets of class P1 take an hour to resolve, P2 half an hour: the fit finds both."""
    data = syn.scenario().to_dict()
    data["horizon"] = "1w"
    data["arrivals"]["Ticket received"]["classes"] = {"P1": 0.3, "P2": 0.7}
    data["tasks"]["Resolve"] = {"duration": "gamma(mean=30m, sd=15m)",
                                "by_class": {"P1": "exponential(mean=1h)"}}
    results = bpsim.simulate(syn.process(), bpsim.Scenario.from_dict(data))
    path = tmp_path / "events.csv"
    results.to_event_log(path)
    fitted = bpsim.fit(syn.process(), path, recent_weeks=0)
    mix = fitted.report["arrivals"][0]["classes"]
    n = fitted.report["arrivals"][0]["tickets"]
    assert abs(mix["P1"] - 0.3) < 4 * math.sqrt(0.3 * 0.7 / n)
    resolve = next(t for t in fitted.report["tasks"] if t["name"] == "Resolve")
    p1, p2 = resolve["by_class"]["P1"], resolve["by_class"]["P2"]
    assert abs(p1["mean"] - 3600) < 4 * 3600 / math.sqrt(p1["n"])
    assert abs(p2["mean"] - 1800) < 4 * 900 / math.sqrt(p2["n"])
    assert set(fitted.scenario.tasks["Resolve"].by_class) == {"P1", "P2"}


def test_a_dataframe_without_resources_fits_staff_from_the_offered_load(exported):
    _, ends = exported
    frame = pd.read_csv(ends).drop(columns=["org:resource", "org:role"])   # plain strings
    fitted = bpsim.fit(syn.process(), frame, recent_weeks=0)
    agent = next(r for r in fitted.report["roles"] if r["name"] == "Agent")
    assert agent["resources"] == [] and agent["active_per_day"] is None
    assert agent["staff"] == math.ceil(agent["offered_load"] / 0.85)
    # without resources the start of a step is its enabling event: the means still hold here
    # because the desk never queues (12 agents for about 2 busy)
    rows = {t["name"]: t for t in fitted.report["tasks"]}
    assert abs(rows["Triage"]["mean"] - 600) < 4 * 600 / math.sqrt(rows["Triage"]["n"])
