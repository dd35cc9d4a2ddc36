"""``bpsim inspect``: the text view groups by process and lane; ``--json`` has DESIGN.md's keys."""

from __future__ import annotations

import json

from bpsim.cli import main
from bpsim.cli.inspect import describe
from bpsim.io.bpmn import read_bpmn
from bpsim.model import Process
from tests.conftest import CORPUS, MODELS

DESK = MODELS / "service_desk.bpmn"


def inspect(capsys, *argv):
    code = main(["inspect", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_design_keys(capsys):
    code, out, err = inspect(capsys, DESK, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {"file", "processes", "lanes", "nodes", "flows"} <= set(data)
    assert data["file"] == str(DESK)
    for lane in data["lanes"]:
        assert {"id", "name", "process", "nodes"} <= set(lane)
    for node in data["nodes"]:
        assert {"id", "name", "type", "lane", "process", "line"} <= set(node)
    for flow in data["flows"]:
        assert {"id", "source", "target", "name"} <= set(flow)
    process = read_bpmn(DESK)
    assert [n["id"] for n in data["nodes"]] == list(process.graph)
    assert [f["id"] for f in data["flows"]] == list(process.flows)
    assert {lane["id"]: lane["nodes"] for lane in data["lanes"]} == {
        k: v.nodes for k, v in process.lanes.items()}
    triage = next(n for n in data["nodes"] if n["id"] == "Task_Triage")
    assert triage == {**triage, "name": "Triage ticket", "type": "userTask",
                      "lane": "Lane_Agent", "process": "Process_ServiceDesk",
                      "line": process.line_of("Task_Triage")}


def test_text_groups_nodes_under_their_lane(capsys):
    code, out, _ = inspect(capsys, DESK)
    assert code == 0
    lines = out.splitlines()
    process = read_bpmn(DESK)
    header = next(i for i, line in enumerate(lines) if line.startswith("process "))
    assert "Ticket handling" in lines[header] and "Service desk" in lines[header]
    lane_rows = [i for i, line in enumerate(lines) if line.strip().startswith("lane ")]
    assert len(lane_rows) == len(process.lanes)
    bounds = lane_rows + [next(i for i, line in enumerate(lines)
                               if line.strip().startswith("sequence flows:"))]
    for start, end in zip(bounds, bounds[1:]):
        lane_id = lines[start].split()[1]
        listed = [line.split()[1] for line in lines[start + 1:end]]
        assert sorted(listed) == sorted(process.lanes[lane_id].nodes)
    assert any('Flow_ContactYes "Yes": Gateway_ContactKnown -> Gateway_ContactMerge' in line
               for line in lines)
    assert f"{len(process.flows)} sequence flows" in out


def test_text_shows_sub_process_children_indented_and_message_flows(capsys):
    path = CORPUS / "real-world/bpmn-js-examples__bundling__resources__pizza-collaboration.bpmn"
    if not path.is_file():
        import pytest

        pytest.skip(f"corpus not found at {CORPUS}")
    code, out, _ = inspect(capsys, path)
    process = read_bpmn(path)
    assert code == 0
    assert f"message flows: {len(process.message_flows)}" in out
    for pid in process.processes:
        assert f"process {pid}" in out


def test_pages_are_listed_when_the_reader_reports_them():
    p = Process(source="x.drawio")
    p.format = "drawio"
    p.meta.update(pages=["Ticket flow", "Escalation"], page="Ticket flow")
    p.graph.add_node("A", type="task", name="Do", lane=None, process=None, parent=None,
                     line=None)
    text = describe(p)
    assert "pages:\n * 1. Ticket flow\n   2. Escalation\n" in text
    assert "task" in text and " A " in text + " "


def test_pages_reported_as_dicts_show_counts():
    p = Process(source="x.drawio")
    p.meta.update(pages=[{"index": 0, "name": "Order", "nodes": 3, "flows": 2},
                         {"index": 1, "name": "Stock", "nodes": 5, "flows": 4}],
                  page={"index": 1, "name": "Stock"})
    text = describe(p)
    assert "   1. Order (3 nodes, 2 flows)\n * 2. Stock (5 nodes, 4 flows)\n" in text


def test_json_passes_pages_through(capsys, monkeypatch):
    p = Process(source="x.drawio")
    p.meta["pages"] = ["One", "Two"]
    monkeypatch.setattr("bpsim.io.read", lambda path, **kw: p)
    code, out, _ = inspect(capsys, "x.drawio", "--json")
    assert code == 0 and json.loads(out)["pages"] == ["One", "Two"]


def test_lenient_is_passed_to_the_reader(capsys, monkeypatch):
    seen = {}

    def fake_read(path, **options):
        seen.update(options)
        return Process(source=str(path))

    monkeypatch.setattr("bpsim.io.read", fake_read)
    assert inspect(capsys, "a.bpmn", "--lenient")[0] == 0
    assert seen == {"lenient": True}


def test_inspect_reads_drawio_files_too(capsys):
    """inspect accepts whatever bpsim.io.read accepts, whatever the extension."""
    from tests.conftest import corpus_files

    files = corpus_files("drawio", suffixes=(".drawio", ".xml"))
    if not files:
        import pytest

        pytest.skip(f"corpus not found at {CORPUS}")
    for path in files:
        code, out, err = inspect(capsys, path, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert data["file"] == str(path) and data["nodes"]
        if len(data.get("pages", [])) > 1:
            code, text, _ = inspect(capsys, path)
            assert "pages:" in text
