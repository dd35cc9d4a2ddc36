"""Hostile and broken input: refused with a BpsimError that says why, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

import bpsim.io.safexml as safexml
from bpsim.cli import main
from bpsim.errors import NotAProcessError, ReadError, UnsafeInputError
from bpsim.io.bpmn import read_bpmn
from tests.conftest import MODELS, ROOT

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MINIMAL = f'<definitions xmlns="{BPMN}" id="D"><process id="P"><task id="T" name="&name;"/>' \
          '</process></definitions>'

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE definitions [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n'
              for i in range(1, 10))
    + ']>\n' + MINIMAL.replace("&name;", "&lol9;"))
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE definitions [<!ENTITY name SYSTEM '
       '"file:///etc/passwd">]>\n' + MINIMAL)
NETWORK_DTD = ('<?xml version="1.0"?>\n<!DOCTYPE definitions SYSTEM '
               '"http://example.invalid/bpmn.dtd">\n' + MINIMAL.replace("&name;", "x"))
PARAMETER_ENTITY = ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY % ext SYSTEM '
                    '"http://example.invalid/evil.dtd"> %ext;]>\n' + MINIMAL)
UTF16_DOCTYPE = XXE.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')


def run_cli(capsys, *argv):
    code = main(["inspect", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name,text,encoding", [
    ("billion-laughs.bpmn", BILLION_LAUGHS, "utf-8"),
    ("xxe.bpmn", XXE, "utf-8"),
    ("network-dtd.bpmn", NETWORK_DTD, "utf-8"),
    ("parameter-entity.bpmn", PARAMETER_ENTITY, "utf-8"),
    ("utf16-xxe.bpmn", UTF16_DOCTYPE, "utf-16"),
])
def test_dtd_and_entities_are_refused(tmp_path, capsys, name, text, encoding):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    with pytest.raises(UnsafeInputError) as info:
        read_bpmn(path)
    assert info.value.file == str(path) and info.value.hint
    code, out, err = run_cli(capsys, path)
    assert code == 2 and out == ""
    assert "DTD" in err and str(path) in err and "Traceback" not in err
    assert "root:" not in out + err  # nothing of /etc/passwd


def test_oversize_file_is_refused_before_parsing(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.bpmn"
    path.write_bytes(MINIMAL.replace("&name;", "x" * 5000).encode())
    monkeypatch.setattr(safexml, "MAX_XML_BYTES", 1000)
    with pytest.raises(UnsafeInputError, match="more than the 1,000 bytes"):
        read_bpmn(path)
    with pytest.raises(UnsafeInputError):
        read_bpmn(path.read_bytes())
    code, _, err = run_cli(capsys, path)
    assert code == 2 and "BPSIM_MAX_XML_BYTES" in err


def test_oversize_limit_from_the_environment_in_a_real_process(tmp_path):
    path = tmp_path / "big.bpmn"
    path.write_bytes(MINIMAL.replace("&name;", "x" * 5000).encode())
    done = subprocess.run([sys.executable, "-m", "bpsim", "inspect", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={"BPSIM_MAX_XML_BYTES": "1000", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert "more than the 1,000 bytes" in done.stderr and "Traceback" not in done.stderr


def test_xinclude_is_not_processed(tmp_path, capsys):
    path = tmp_path / "xi.bpmn"
    path.write_text(
        f'<definitions xmlns="{BPMN}" xmlns:xi="http://www.w3.org/2001/XInclude" id="D">'
        '<process id="P"><task id="T"><extensionElements>'
        '<xi:include href="/etc/passwd" parse="text"/></extensionElements></task></process>'
        '</definitions>')
    process = read_bpmn(path)
    assert "root:" not in "".join(process.node("T")["extensions"])
    code, out, _ = run_cli(capsys, path, "--json")
    assert code == 0 and "root:" not in out


def test_deeply_nested_xml_is_a_read_error(tmp_path, capsys):
    path = tmp_path / "deep.bpmn"
    path.write_text(f'<definitions xmlns="{BPMN}">' + "<a>" * 20000 + "</a>" * 20000
                    + "</definitions>")
    with pytest.raises(ReadError):
        read_bpmn(path)
    code, _, err = run_cli(capsys, path)
    assert code == 2 and "Traceback" not in err


@pytest.mark.parametrize("text,needle", [
    (f'<definitions xmlns="{BPMN}"><process id="P">\n<task id="T">\n</definitions>',
     "not well-formed XML"),
    (f'<definitions xmlns="{BPMN}"><process id="P"/>', "not well-formed XML"),
])  # plain text: "this is a text file that is not XML" (test_not_used_inputs.py)
def test_malformed_xml_names_file_line_and_column(tmp_path, capsys, text, needle):
    path = tmp_path / "broken.bpmn"
    path.write_text(text)
    with pytest.raises(ReadError) as info:
        read_bpmn(path)
    err = info.value
    assert err.line is not None and err.column is not None and needle in err.message
    code, _, stderr = run_cli(capsys, path)
    assert code == 2 and f"{path}:{err.line}:{err.column}:" in stderr


@pytest.mark.parametrize("name,data,words", [
    ("picture.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', ["SVG", "<svg>"]),
    ("empty.bpmn", b"", ["empty"]),
    ("blank.bpmn", b"  \n\t\n", ["empty"]),
    ("page.html", b"<html><body>hi</body></html>", ["HTML"]),
])
def test_not_a_process_file(tmp_path, capsys, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(NotAProcessError):
        read_bpmn(path)
    code, _, err = run_cli(capsys, path)
    assert code == 2 and all(w in err for w in words) and "Traceback" not in err
    assert "expected" in err


def test_drawio_file_given_to_read_bpmn_says_so(tmp_path):
    path = tmp_path / "flow.drawio"
    path.write_text('<mxfile host="app.diagrams.net"><diagram id="a" name="Page-1">'
                    '<mxGraphModel><root><mxCell id="0"/></root></mxGraphModel></diagram></mxfile>')
    with pytest.raises(NotAProcessError) as info:
        read_bpmn(path)
    assert "draw.io" in str(info.value) and "read_drawio" in info.value.hint


def test_missing_file_and_directory(tmp_path, capsys):
    code, _, err = run_cli(capsys, tmp_path / "nope.bpmn")
    assert code == 2 and "no such file" in err
    code, _, err = run_cli(capsys, tmp_path)
    assert code == 2 and "directory" in err


def test_dangling_flow_exits_1_and_lenient_reads(tmp_path, capsys):
    path = tmp_path / "dangling.bpmn"
    path.write_text(f'<definitions xmlns="{BPMN}">\n<process id="P">\n<task id="A"/>\n'
                    '<sequenceFlow id="Flow_9" sourceRef="A" targetRef="Task_Gone"/>\n'
                    '</process>\n</definitions>\n')
    code, _, err = run_cli(capsys, path)
    assert code == 1
    assert f"{path}:4:" in err and "Flow_9" in err and "Task_Gone" in err and "Fix:" in err
    code, out, _ = run_cli(capsys, path, "--lenient")
    assert code == 0 and "import-dangling-flow" in out


def test_a_real_process_never_prints_a_traceback(tmp_path):
    path = tmp_path / "xxe.bpmn"
    path.write_text(XXE)
    for target in (path, tmp_path / "missing.bpmn", MODELS / "service_desk.bpmn"):
        done = subprocess.run([sys.executable, "-m", "bpsim", "inspect", str(target)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert "Traceback" not in done.stderr
        assert done.returncode == (0 if target.name == "service_desk.bpmn" else 2)
