"""``bpsim simulate``: exit codes, no traceback, --json keys, --out files."""

import json

import pytest

from bpsim.cli import main
from bpsim.report.files import PLOTS, TABLES

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <process id="Process_Desk" name="Desk" isExecutable="false">
    <laneSet id="LS"><lane id="Lane_Agent" name="Agent">
      <flowNodeRef>Start</flowNodeRef><flowNodeRef>Task_Serve</flowNodeRef>
      <flowNodeRef>End</flowNodeRef></lane></laneSet>
    <startEvent id="Start" name="Ticket received"/>
    <userTask id="Task_Serve" name="Handle ticket"/>
    <endEvent id="End" name="Ticket closed"/>
    <sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Serve"/>
    <sequenceFlow id="F2" sourceRef="Task_Serve" targetRef="End"/>
  </process>
</definitions>
"""

YAML = """name: two agents
seed: 42
replications: 3
horizon: 2d
warmup: 2h
start: 2026-01-05T00:00
arrivals:
  Ticket received:
    interarrival: exponential(mean=60s)
    classes: {P1: 0.2, P2: 0.8}
roles:
  Agent: {staff: 2, cost_per_hour: 65, billing_increment: 30m}
tasks:
  Handle ticket: {duration: exponential(mean=100s), role: Agent}
slas:
  - {name: taken in charge, from: Ticket received, to: Handle ticket.start, target: 5m}
  - {name: resolution, from: Ticket received, to: Ticket closed, target: {P1: 10m, P2: 1h}}
"""


@pytest.fixture
def files(tmp_path):
    model = tmp_path / "desk.bpmn"
    model.write_text(BPMN)
    scenario = tmp_path / "desk.yaml"
    scenario.write_text(YAML)
    return model, scenario


def test_text_report(files, capsys):
    model, scenario = files
    assert main(["simulate", str(model), "--scenario", str(scenario), "--no-progress"]) == 0
    out = capsys.readouterr().out
    for part in ("Handle ticket", "Agent", "taken in charge", "resolution", "Bottlenecks",
                 "Little's law", "Cost"):
        assert part in out


def test_json_keys_and_options(files, capsys):
    model, scenario = files
    code = main(["simulate", str(model), "-s", str(scenario), "--json", "--replications", "2",
                 "--seed", "7"])
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    assert {"model", "scenario", "replications", "seed", "cases", "cycle_time", "stages",
            "roles", "slas", "bottlenecks", "cost"} <= set(d)
    assert d["replications"] == 2 and d["scenario"] == "two agents"
    assert [s["name"] for s in d["slas"]] == ["taken in charge", "resolution"]
    assert d["slas"][0]["target"] == 300.0
    assert d["slas"][1]["target"] == {"P1": 600.0, "P2": 3600.0}
    assert d["stages"][0]["id"] == "Task_Serve" and d["stages"][0]["role"] == "Agent"


def test_same_seed_same_json(files, capsys):
    model, scenario = files
    args = ["simulate", str(model), "-s", str(scenario), "--json", "-r", "1", "--seed", "3"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_out_writes_every_file(files, tmp_path, capsys):
    model, scenario = files
    out = tmp_path / "results"
    assert main(["simulate", str(model), "-s", str(scenario), "-r", "2", "--out",
                 str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == ({f"{t}.csv" for t in TABLES} | set(PLOTS.values())
                     | {"report.txt", "report.html", "results.json", "events.csv", "events.xes",
                        "manifest.json"})
    assert json.loads((out / "results.json").read_text())["replications"] == 2
    report = (out / "report.txt").read_text()
    assert report.startswith(capsys.readouterr().out)  # the report, then which event log
    assert report.rstrip().endswith("(--event-log all for every replication).")


@pytest.mark.parametrize("change, code", [
    ("missing-model", 2), ("missing-scenario", 2), ("not-xml", 2), ("bad-scenario", 1),
    ("unknown-element", 1)])
def test_exit_codes_without_traceback(files, tmp_path, capsys, change, code):
    model, scenario = files
    if change == "missing-model":
        model = tmp_path / "nope.bpmn"
    elif change == "missing-scenario":
        scenario = tmp_path / "nope.yaml"
    elif change == "not-xml":
        model.write_text("this is not XML")
    elif change == "bad-scenario":
        scenario.write_text(YAML.replace("staff: 2", "staff: two"))
    elif change == "unknown-element":
        scenario.write_text(YAML.replace("Handle ticket: {", "Handle tickets: {"))
    assert main(["simulate", str(model), "-s", str(scenario), "--no-progress"]) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("bpsim simulate: ")


def test_unwritable_out_is_a_user_error(files, tmp_path, capsys):
    model, scenario = files
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["simulate", str(model), "-s", str(scenario), "-r", "1", "--out",
                 str(blocker / "sub")])
    assert code == 1
    assert "Traceback" not in capsys.readouterr().err


# -- bpsim demo ----------------------------------------------------------------------------
def test_demo_runs_the_bundled_model(tmp_path, capsys):
    from bpsim.cli import demo

    try:
        demo.find_models()
    except Exception:  # pragma: no cover - the clone always has models/
        pytest.skip("models/service_desk.yaml not found")
    out = tmp_path / "desk"
    assert main(["demo", "--out", str(out), "--replications", "1", "--no-progress"]) == 0
    text = capsys.readouterr().out
    for part in ("Triage ticket", "taken in charge", "Specialist", "Bottlenecks"):
        assert part in text
    names = {p.name for p in out.iterdir()}
    assert {"report.txt", "results.json", "events.xes", "events.csv"} | set(PLOTS.values()) \
        <= names
    assert json.loads((out / "results.json").read_text())["replications"] == 1


def test_demo_says_where_it_looked(tmp_path, monkeypatch, capsys):
    from bpsim.cli import demo

    monkeypatch.setattr(demo, "candidate_folders", lambda: [tmp_path / "a", tmp_path / "b"])
    assert main(["demo", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "cannot find the bundled example" in err and str(tmp_path / "a") in err
    assert "BPSIM_MODELS" in err and "Traceback" not in err


def test_demo_models_from_environment(tmp_path, monkeypatch):
    from bpsim.cli import demo

    (tmp_path / demo.MODEL).write_text(BPMN)
    (tmp_path / demo.SCENARIO).write_text(YAML)
    monkeypatch.setenv("BPSIM_MODELS", str(tmp_path))
    assert demo.find_models() == (tmp_path / demo.MODEL, tmp_path / demo.SCENARIO)


def test_drawio_page_option(capsys):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "models"
    drawio, scenario = root / "service_desk.drawio", root / "service_desk.yaml"
    if not (drawio.is_file() and scenario.is_file()):  # pragma: no cover
        pytest.skip("models/service_desk.drawio or .yaml missing")
    args = ["simulate", str(drawio), "-s", str(scenario), "-r", "1", "--json"]
    assert main(args + ["--page", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["model"].endswith("service_desk.drawio")
    assert main(args + ["--page", "9"]) == 2
    assert "no page" in capsys.readouterr().err


@pytest.mark.parametrize("flags, records", [
    ([], False),                     # nothing needs the event records: streamed
    (["--records"], True),           # asked for
    (["--no-records"], False),
])
def test_records_only_when_asked_or_needed(files, capsys, flags, records):
    model, scenario = files
    assert main(["simulate", str(model), "-s", str(scenario), "--json", "-r", "2",
                 *flags]) == 0
    d = json.loads(capsys.readouterr().out)
    # a streamed report says so (and what it could not stream); a record-based one has no key
    assert ("streaming" not in d) if records else (d["streaming"]["records"] is False)


def test_default_and_records_give_the_same_report(files, capsys):
    """The default (streamed) and ``--records`` print the same JSON, up to floating-point
    summation order, but for the key that says which path made it (tests/stream compares
    the two paths figure by figure on the bundled model)."""
    from tests.stream.test_streaming import _diff, _norm

    model, scenario = files
    base = ["simulate", str(model), "-s", str(scenario), "--json", "-r", "2", "--workers", "1"]
    main(base)
    streamed = json.loads(capsys.readouterr().out)
    main([*base, "--records"])
    kept = json.loads(capsys.readouterr().out)
    streamed.pop("streaming")
    from bpsim.stream.sketch import ALPHA

    assert _diff(_norm(streamed), _norm(kept), quantile_rel=ALPHA * 1.0001) == []



def test_html_and_annotate_without_records(files, tmp_path, capsys):
    """--html and --annotate are made from streaming statistics: no records kept."""
    model, scenario = files
    html, svg = tmp_path / "r.html", tmp_path / "a.svg"
    assert main(["simulate", str(model), "-s", str(scenario), "--json", "-r", "2",
                 "--html", str(html), "--annotate", str(svg)]) == 0
    assert json.loads(capsys.readouterr().out)["streaming"]["records"] is False
    assert "Handle ticket" in html.read_text() and "<svg" in svg.read_text()


def test_text_report_says_when_it_is_streamed(files, capsys):
    model, scenario = files
    main(["simulate", str(model), "-s", str(scenario), "-r", "2"])
    streamed = capsys.readouterr().out
    main(["simulate", str(model), "-s", str(scenario), "-r", "2", "--records"])
    kept = capsys.readouterr().out
    assert "Streaming statistics (no event records kept)" in streamed
    assert "Streaming statistics" not in kept and "Not computed" not in streamed
