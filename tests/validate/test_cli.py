"""``bpsim validate``: output format, JSON shape, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bpsim.cli import main
from tests.conftest import CORPUS, MODELS

HERE = Path(__file__).resolve().parent / "models"
LINE = re.compile(r'^(?P<file>[^:]+):(?P<line>\d+): (?P<severity>error|warning|info) '
                  r'(?P<rule>[a-z-]+) (?P<element>\S+)( "(?P<name>[^"]*)")?: (?P<message>.+)$')


def run(capsys, *argv):
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_model_exits_0_with_a_summary(capsys):
    code, out, _ = run(capsys, MODELS / "service_desk.bpmn")
    assert code == 0
    assert out.strip().splitlines()[-1] == "0 errors, 0 warnings"


def test_error_finding_exits_1_and_prints_compiler_style_lines(capsys):
    code, out, _ = run(capsys, HERE / "soundness-deadlock.bpmn")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0] == 'process Process_1 "Test process"'
    parsed = [LINE.match(x) for x in lines[1:-1]]
    assert all(parsed), lines
    (m,) = [m for m in parsed if m["rule"] == "soundness-deadlock"]
    assert m["element"] == "Gateway_Join" and m["file"].endswith("soundness-deadlock.bpmn")
    numbers = [int(m["line"]) for m in parsed]
    assert numbers == sorted(numbers)
    assert lines[-1] == "1 error, 0 warnings"


def test_warnings_only_exit_0(capsys):
    code, out, _ = run(capsys, HERE / "fake-join.bpmn")
    assert code == 0 and out.strip().endswith("0 errors, 1 warning")


def test_json_shape(capsys):
    code, out, _ = run(capsys, HERE / "label-required.bpmn", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["file"].endswith("label-required.bpmn")
    (f,) = data["findings"]
    assert {"rule", "severity", "element_id", "element_name", "message", "line"} <= set(f)
    assert (f["rule"], f["element_id"], f["severity"]) == ("label-required", "Task_Work", "error")
    assert isinstance(f["line"], int) and "page" not in f


@pytest.mark.parametrize("content, code", [(b"not xml at all", 2),
                                           (b'<?xml version="1.0"?><html/>', 2),
                                           (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', 2)])
def test_unreadable_unsafe_or_not_a_process_exits_2(tmp_path, capsys, content, code):
    path = tmp_path / "bad.bpmn"
    path.write_bytes(content)
    got, out, err = run(capsys, path)
    assert got == code and out == "" and "Traceback" not in err and err.startswith("bpsim validate")


def test_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "nope.bpmn")
    assert code == 2 and "nope.bpmn" in err


def test_page_is_for_drawio_only(capsys):
    code, _, err = run(capsys, HERE / "label-required.bpmn", "--page", "1")
    assert code == 1 and "draw.io" in err


def test_drawio_findings_carry_the_page(capsys):
    path = CORPUS / "drawio" / "jgraph-drawio-diagrams__blog__bpmn-2-example.drawio"
    if not path.exists():
        pytest.skip(f"corpus file {path.name} absent")
    code, out, _ = run(capsys, path, "--json", "--page", "0")
    data = json.loads(out)
    assert data["findings"]
    pages = {f["page"] for f in data["findings"]}
    assert pages == {"Process order"}
    assert code in (0, 1)


def test_scenario_option(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: empty\nhorizon: 1d\n")
    code, out, _ = run(capsys, MODELS / "service_desk.bpmn", "--scenario", scenario)
    assert code == 1
    assert "sim-no-arrivals" in out and "sim-missing-duration" in out
    assert re.search(r"service_desk\.bpmn:\d+: error sim-missing-duration Task_Triage ", out)


def test_config_option(tmp_path, capsys):
    config = tmp_path / "lint.toml"
    config.write_text('rules = { "label-required" = "off" }\n')
    code, out, _ = run(capsys, HERE / "label-required.bpmn", "--config", config)
    assert code == 0 and out.strip() == "0 errors, 0 warnings"
