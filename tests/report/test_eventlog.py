"""Event logs: process-mining column names, XES lifecycle mapping, IEEE 1849 structure."""

import datetime as dt

import pandas as pd
import pytest
from lxml import etree

from bpsim.analysis import Results
from bpsim.report.eventlog import LIFECYCLE_XES, event_log

from ..analysis.builders import SLA, SLAPoint, make_output, make_scenario, ticket
from ..analysis.queueing_models import line_process

XES = "{http://www.xes-standard.org/}"


@pytest.fixture
def results():
    process = line_process("Task_A")
    process.graph.nodes["Task_A"]["name"] = "Triage ticket"
    process.graph.add_node("G", type="exclusiveGateway", name=None)
    rows = (ticket(1, 1, 0, [("Task_A", 0, 60, 120, "Agent 1", "Agent")], end=120, cls="P1")
            + ticket(1, 2, 30, [("Task_A", 30, 120, 150, "Agent 1", "Agent")], end=150,
                     cls="P2"))
    rows.append((1, 2, "P2", "G", "pass", 30.0, None, None))
    rows.append((1, 3, "P1", "Start", "arrive", 40.0, None, None))
    rows.append((1, 3, "P1", "Task_A", "enabled", 40.0, None, None))
    rows.append((1, 3, "P1", "Task_A", "interrupted", 90.0, None, None))
    sla = SLA("taken in charge", SLAPoint(None, "arrive"), SLAPoint("Task_A", "start"),
              {None: 60.0})
    scenario = make_scenario(slas=[sla], classes=("P1", "P2"),
                             start=dt.datetime(2026, 1, 5, 9, 0))
    return Results(make_output(rows, windows={1: (0.0, 200.0)}), process, scenario)


def test_csv_columns_names_and_timestamps(results, tmp_path):
    path = results.to_event_log(tmp_path / "events.csv")
    log = pd.read_csv(path)
    for col in ("case:concept:name", "concept:name", "time:timestamp", "org:resource",
                "org:role", "lifecycle:transition", "case:priority", "replication"):
        assert col in log.columns
    first = log.iloc[0]
    assert first["case:concept:name"] == "1-1"
    assert first["time:timestamp"] == "2026-01-05T09:00:00.000"
    triage = log.loc[log["concept:name"] == "Triage ticket"]
    assert list(triage.loc[triage["case:concept:name"] == "1-1", "lifecycle:transition"]) == [
        "schedule", "start", "complete"]
    start = triage.loc[triage["lifecycle:transition"] == "start"].iloc[0]
    assert start["org:resource"] == "Agent 1" and start["org:role"] == "Agent"
    assert start["time:timestamp"] == "2026-01-05T09:01:00.000"
    assert "G" not in set(log["element"])                     # gateway passes left out
    assert "ate_abort" in set(log["lifecycle:transition"])     # interrupted
    assert set(log.loc[log["concept:name"] == "End", "lifecycle:transition"]) == {"complete"}


def test_lifecycle_mapping_covers_engine_vocabulary():
    from bpsim.engine.output import LIFECYCLES

    assert set(LIFECYCLES) <= set(LIFECYCLE_XES)
    assert LIFECYCLE_XES["enabled"] == "schedule" and LIFECYCLE_XES["withdrawn"] == "withdraw"


def test_xes_structure_follows_ieee_1849(results, tmp_path):
    path = results.to_event_log(tmp_path / "events.xes")
    root = etree.parse(str(path)).getroot()
    assert root.tag == XES + "log" and root.get("xes.version") == "1849-2016"
    children = [c.tag.replace(XES, "") for c in root]
    # order required by the schema: extensions, globals, classifiers, log attributes, traces
    order = {"extension": 0, "global": 1, "classifier": 2, "string": 3, "trace": 4}
    assert [order[t] for t in children] == sorted(order[t] for t in children)
    prefixes = {e.get("prefix") for e in root.iter(XES + "extension")}
    assert prefixes == {"concept", "time", "lifecycle", "org"}
    assert {g.get("scope") for g in root.iter(XES + "global")} == {"trace", "event"}
    traces = root.findall(XES + "trace")
    assert len(traces) == 3
    t1 = traces[0]
    attrs = {a.get("key"): a.get("value") for a in t1 if a.tag != XES + "event"}
    assert attrs["concept:name"] == "1-1" and attrs["priority"] == "P1"
    assert attrs["sla:taken in charge:breached"] == "false"      # 60 s meets 60 s
    t2 = {a.get("key"): a.get("value") for a in traces[1] if a.tag != XES + "event"}
    assert t2["sla:taken in charge:breached"] == "true"           # 90 s > 60 s
    ev = t1.findall(XES + "event")[1]
    kinds = {a.get("key"): a.tag.replace(XES, "") for a in ev}
    assert kinds["time:timestamp"] == "date" and kinds["concept:name"] == "string"
    n_events = sum(len(t.findall(XES + "event")) for t in traces)
    assert n_events == len(event_log(results))


def test_pm4py_reads_the_xes(results, tmp_path):
    pm4py = pytest.importorskip("pm4py")
    path = results.to_event_log(tmp_path / "events.xes")
    df = pm4py.read_xes(str(path))
    assert set(df["case:concept:name"]) == {"1-1", "1-2", "1-3"}
    assert len(df) == len(event_log(results))


def test_unknown_suffix_refused(results, tmp_path):
    with pytest.raises(ValueError, match="csv or .xes"):
        results.to_event_log(tmp_path / "events.parquet")


def test_event_log_of_chosen_replications_only(tmp_path):
    """``write_all(..., event_log="first")`` keeps one replication; ``"none"`` writes no log."""
    import bpsim
    from bpsim.report.files import write_all

    root = __import__("pathlib").Path(__file__).resolve().parents[2] / "models"
    process = bpsim.read(root / "service_desk.bpmn")
    scenario = bpsim.load_scenario(root / "service_desk.yaml").vary({"horizon": "9d"})
    results = bpsim.simulate(process, scenario, replications=2, seed=3)
    first = write_all(results, tmp_path / "first", event_log="first")
    log = __import__("pandas").read_csv(tmp_path / "first" / "events.csv")
    assert set(log["replication"]) == {int(results.output.events["replication"].min())}
    rep = int(log["replication"][0])
    cases = results.output.cases
    assert log["case:concept:name"].nunique() == (cases["replication"] == rep).sum()
    assert any(p.name == "events.xes" for p in first)
    none = write_all(results, tmp_path / "none", event_log="none")
    assert not any(p.name.startswith("events.") for p in none)
    assert not (tmp_path / "none" / "events.csv").exists()


def test_csv_and_xes_carry_the_same_case_attributes_and_no_empty_resource(results, tmp_path):
    """Issue 14: channel, class and SLA attributes in both logs; automatic events say system."""
    log = pd.read_csv(results.to_event_log(tmp_path / "events.csv"))
    for col in ("case:channel", "case:priority", "case:replication",
                "case:sla:taken in charge:breached"):
        assert col in log.columns
    assert log["org:resource"].notna().all() and log["org:role"].notna().all()
    assert "system" in set(log["org:resource"])
    tree = etree.parse(str(results.to_event_log(tmp_path / "events.xes")))
    trace = tree.getroot().find(XES + "trace")
    keys = {a.get("key") for a in trace if a.tag != XES + "event"}
    assert {"channel", "priority", "replication", "sla:taken in charge:breached"} <= keys
    first = log.loc[log["case:concept:name"] == "1-1"].iloc[0]
    attrs = {a.get("key"): a.get("value") for a in trace if a.tag != XES + "event"}
    assert attrs["channel"] == first["case:channel"]
    assert str(first["case:sla:taken in charge:breached"]).lower() == \
        attrs["sla:taken in charge:breached"]


def test_cases_table_columns_and_dtypes(results):
    c = results.cases
    assert all(col == col.lower() and " " not in col for col in c.columns)
    assert str(c["priority"].dtype) == "category" and str(c["channel"].dtype) == "category"
    assert c["completed"].dtype == bool and c["measured"].dtype == bool
    assert str(c["sla_taken_in_charge_breached"].dtype) == "boolean"
    assert c["sla_taken_in_charge_elapsed"].dtype == float
    assert c.attrs["slas"] == {"taken in charge": "taken_in_charge"}
    assert "start" not in c.columns and "cls" not in c.columns


def test_out_writes_the_first_replication_by_default_and_says_so(tmp_path, capsys):
    from bpsim.cli import main
    from tests.cli.test_simulate import BPMN, YAML

    (tmp_path / "m.bpmn").write_text(BPMN)
    (tmp_path / "s.yaml").write_text(YAML.replace("horizon: 2d", "horizon: 6h"))
    out = tmp_path / "out"
    assert main(["simulate", str(tmp_path / "m.bpmn"), "-s", str(tmp_path / "s.yaml"),
                 "--no-progress", "-r", "2", "--out", str(out)]) == 0
    assert "the first replication of 2" in capsys.readouterr().err
    assert set(pd.read_csv(out / "events.csv")["replication"]) == {0}
    assert "the first replication of 2 (--event-log all" in (out / "report.txt").read_text()
    assert main(["simulate", str(tmp_path / "m.bpmn"), "-s", str(tmp_path / "s.yaml"),
                 "--no-progress", "-r", "2", "--out", str(out), "--event-log", "all"]) == 0
    assert set(pd.read_csv(out / "events.csv")["replication"]) == {0, 1}
    assert "all 2 replications" in (out / "report.txt").read_text()
