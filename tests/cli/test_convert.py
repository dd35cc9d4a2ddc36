"""``bpsim convert IN -o OUT``: formats by extension, pages, exit codes, never a traceback."""

from __future__ import annotations

import pytest

from bpsim.cli import main
from bpsim.io.bpmn import read_bpmn
from tests.conftest import CORPUS, MODELS, require_corpus

DRAWIO = MODELS / "service_desk.drawio"
BPMN = MODELS / "service_desk.bpmn"


def convert(capsys, *argv):
    code = main(["convert", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_drawio_to_bpmn(capsys, tmp_path):
    out_file = tmp_path / "desk.bpmn"
    code, out, err = convert(capsys, DRAWIO, "-o", out_file)
    assert code == 0 and err == ""
    assert out.startswith(f"wrote {out_file}: 34 nodes, 36 sequence flows")
    p = read_bpmn(out_file)
    assert p.graph.nodes["Task_Triage"]["name"] == "Triage ticket"
    assert sorted(lane.name for lane in p.lanes.values()) == [
        "Agent", "Customer", "Specialist", "Ticketing system"]


def test_page_by_number_and_findings_on_stderr(capsys, tmp_path):
    require_corpus()
    src = CORPUS / "drawio" / "jgraph-drawio-diagrams__blog__bpmn-2-example.drawio"
    code, out, err = convert(capsys, src, "-o", tmp_path / "stock.bpmn", "--page", "2")
    assert code == 0
    assert "(page 2 'Purchase stock')" in out
    assert "drawio-loose-edge" in err  # the separator line on that page
    assert read_bpmn(tmp_path / "stock.bpmn").graph.number_of_nodes() == 18


def test_bpmn_to_drawio(capsys, tmp_path):
    pytest.importorskip("bpsim.io.drawio_writer", reason="draw.io writer not landed yet")
    from bpsim.io.drawio import read_drawio

    out_file = tmp_path / "desk.drawio"
    code, _, _ = convert(capsys, BPMN, "-o", out_file)
    assert code == 0
    assert read_drawio(out_file).graph.number_of_nodes() == 34


@pytest.mark.parametrize("argv,fragment", [
    (["missing.drawio", "-o", "x.bpmn"], "no such file"),
    ([str(DRAWIO), "-o", "x.pdf"], "unknown output format '.pdf'"),
    ([str(DRAWIO), "-o", "x.bpmn", "--page", "7"], "no page '7'"),
])
def test_errors_exit_2_with_one_message(capsys, tmp_path, monkeypatch, argv, fragment):
    monkeypatch.chdir(tmp_path)
    code, out, err = convert(capsys, *argv)
    assert code == 2 and out == ""
    assert fragment in err and err.startswith("bpsim convert:")
    assert not (tmp_path / "x.bpmn").exists()


def test_hostile_input_is_refused(capsys, tmp_path):
    evil = tmp_path / "evil.drawio"
    evil.write_text('<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><mxfile>&x;</mxfile>')
    code, _, err = convert(capsys, evil, "-o", tmp_path / "out.bpmn")
    assert code == 2 and "DTD" in err
    assert not (tmp_path / "out.bpmn").exists()


def test_not_a_process(capsys, tmp_path):
    other = tmp_path / "page.xml"
    other.write_text("<html><body/></html>")
    code, _, err = convert(capsys, other, "-o", tmp_path / "out.bpmn")
    assert code == 2 and "not a process file" in err


def test_refuses_to_overwrite_its_input(capsys, tmp_path):
    copy = tmp_path / "desk.bpmn"
    copy.write_bytes(BPMN.read_bytes())
    code, _, err = convert(capsys, copy, "-o", copy)
    assert code == 2 and "overwrite the input" in err
    assert copy.read_bytes() == BPMN.read_bytes()
