"""Issue 14: a file that is not XML says what it is; other tools' simulation data is reported."""

import zlib

import pytest

import bpsim
from bpsim.cli import main
from bpsim.errors import NotAProcessError

BPSIM_RELATIONSHIP = """  <relationship id="Rel_1" type="BPSimData">
    <extensionElements>
      <bpsim:BPSimData>
        <bpsim:Scenario id="s1" name="Normal week">
          <bpsim:ScenarioParameters replication="3"/>
        </bpsim:Scenario>
      </bpsim:BPSimData>
    </extensionElements>
    <source>D</source><target>D</target>
  </relationship>
"""

BPSIM_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:bpsim="http://www.bpsim.org/schemas/2.0" id="D" targetNamespace="t">
  <process id="P" name="Desk">
    <startEvent id="S" name="Ticket received"/>
    <task id="T" name="Triage"/>
    <endEvent id="E" name="Done"/>
    <sequenceFlow id="F1" sourceRef="S" targetRef="T"/>
    <sequenceFlow id="F2" sourceRef="T" targetRef="E"/>
  </process>
""" + BPSIM_RELATIONSHIP + """</definitions>
"""

QBP_FILE = BPSIM_FILE.replace('xmlns:bpsim="http://www.bpsim.org/schemas/2.0"',
                              'xmlns:qbp="http://www.qbp-simulator.com/Schema201212"').replace(
    BPSIM_RELATIONSHIP, """  <qbp:processSimulationInfo id="qbp_1" processInstances="100">
    <qbp:elements><qbp:element elementId="T"/></qbp:elements>
  </qbp:processSimulationInfo>
""")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(30)


def _png_with_drawio() -> bytes:
    text = b"mxfile" + b"%3Cmxfile host%3D%22app%22%3E"
    return PNG + b"\x00\x00\x00\x20tEXt" + text + zlib.compress(b"x")


@pytest.mark.parametrize("data, what", [
    (PNG, "a PNG image"),
    (b"\xff\xd8\xff\xe0" + bytes(20), "a JPEG image"),
    (b"%PDF-1.7\n" + bytes(20), "a PDF document"),
    (b"PK\x03\x04" + bytes(20), "a ZIP archive"),
    (b'{"nodes": []}', "a JSON document"),
    (b"Ticket received, Triage\n", "a text file that is not XML"),
])
def test_non_xml_file_says_what_it_is(tmp_path, capsys, data, what):
    path = tmp_path / "desk.bpmn"
    path.write_bytes(data)
    with pytest.raises(NotAProcessError) as info:
        bpsim.read(path)
    message = str(info.value)
    assert f"this is {what}" in message and "not well-formed" not in message
    assert "BPMN 2.0 XML" in info.value.hint
    assert main(["inspect", str(path)]) == 2
    assert f"this is {what}" in capsys.readouterr().err


def test_png_with_embedded_drawio_diagram(tmp_path):
    path = tmp_path / "desk.bpmn"
    path.write_bytes(_png_with_drawio())
    with pytest.raises(NotAProcessError, match="save it as .drawio"):
        bpsim.read(path)


def test_bpsim_data_reported_by_inspect_and_validate(tmp_path, capsys):
    path = tmp_path / "desk.bpmn"
    path.write_text(BPSIM_FILE)
    findings = [f for f in bpsim.read(path).findings if f.rule == "simulation-data"]
    assert len(findings) == 1 and findings[0].severity == "info"
    assert "BPSim 2.0" in findings[0].message and "'Normal week'" in findings[0].message
    assert "<relationship> Rel_1" in findings[0].message
    main(["validate", str(path)])
    assert "simulation-data" in capsys.readouterr().out
    main(["inspect", str(path)])
    assert "simulation-data" in capsys.readouterr().out


def test_qbp_data_reported(tmp_path):
    path = tmp_path / "desk.bpmn"
    path.write_text(QBP_FILE)
    findings = [f for f in bpsim.read(path).findings if f.rule == "simulation-data"]
    assert len(findings) == 1 and "qbp:processSimulationInfo" in findings[0].message
    assert findings[0].element_id == "qbp_1"


def test_plain_file_has_no_simulation_finding():
    p = bpsim.read("models/service_desk.bpmn")
    assert not [f for f in p.findings if f.rule == "simulation-data"]
