"""A mutation fuzzer over bpsim's inputs: no input may end in "internal error" or hang.

Seeds: corpus BPMN files and the bundled model, draw.io files (mutated as XML and inside
their compressed payloads), the bundled scenario YAML (lines deleted, duplicated, values
swapped for hostile ones) and trace CSVs (bytes mutated). Each mutant runs through the real
command line in process (``inspect``, ``validate``, ``validate --scenario``, ``simulate``)
and must end with exit 0, 1 or 2 within :data:`DEADLINE` seconds, without a traceback.

The budget is a fixed number of mutants per kind (about 20-30 s of CPU in all); the seed is
printed and can be set with ``BPSIM_FUZZ_SEED``; ``BPSIM_FUZZ_SCALE=10`` runs ten times more.
A failure names the seed, the mutant number and where the mutant was saved: copy it into
``tests/fuzz_regressions/`` and it is run by :func:`test_kept_regressions` for ever after.
"""

from __future__ import annotations

import base64
import os
import random
import re
import signal
import urllib.parse
import zlib
from pathlib import Path

import pytest

from bpsim.cli import main
from tests.conftest import CORPUS, MODELS

HERE = Path(__file__).resolve().parent
REGRESSIONS = HERE / "fuzz_regressions"
SEED = int(os.environ.get("BPSIM_FUZZ_SEED", "20261203"))
SCALE = float(os.environ.get("BPSIM_FUZZ_SCALE", "1"))
DEADLINE = 20  # seconds one run may take before it counts as a hang

TINY_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <process id="P" isExecutable="true">
    <startEvent id="S" name="In"/>
    <userTask id="T" name="Work"/>
    <exclusiveGateway id="G" name="Again?"/>
    <endEvent id="E" name="Out"/>
    <sequenceFlow id="f1" sourceRef="S" targetRef="T"/>
    <sequenceFlow id="f2" sourceRef="T" targetRef="G"/>
    <sequenceFlow id="f3" name="yes" sourceRef="G" targetRef="T"/>
    <sequenceFlow id="f4" name="no" sourceRef="G" targetRef="E"/>
  </process>
</definitions>
"""
TINY_SCENARIO = """replications: 1
horizon: 1d
arrivals:
  In: {trace: trace.csv}
roles:
  Agent: {staff: 1}
tasks:
  Work: {duration: exponential(mean=5m), role: Agent}
gateways:
  Again?: {yes: 0.2, no: 0.8}
"""
TRACE = "time\n0\n60\n2026-01-05T09:00:00\n3600\n7200\n"

HOSTILE_VALUES = ["1e9", "1e12", ".inf", "-.inf", ".nan", "-1", "0", "1" + "0" * 400,
                  "&a [*a]", "*nope", "null", "[]", "{}", "''", "fixed(0)", "52000w", "1e6",
                  "exponential(mean=0s)", "triangular(5m, 1m, 2m)", "\"\\x00\"", "yes",
                  "[1, [2, [3, [4]]]]", "{staff: 1e9}", "2026-02-30", "é" * 50]
XML_SNIPPETS = ["<task id=\"T\"/>", "<!DOCTYPE x>", "&amp;", "&unknown;", "<![CDATA[",
                "</process>", "<boundaryEvent attachedToRef=\"nope\"/>", "\x00", "<?pi?>",
                "<sequenceFlow id=\"f\" sourceRef=\"a\" targetRef=\"a\"/>", "<mxCell/>",
                "<mxCell id=\"x\" parent=\"x\" vertex=\"1\"/>", "<diagram>", "</diagram>",
                "style=\"swimlane;\"", "<mxGeometry x=\"nan\" y=\"inf\" width=\"-1\"/>"]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def run(argv: list[str], capsys) -> tuple[int, str]:
    """Run the CLI in process under a deadline; return ``(exit code, stderr)``."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(DEADLINE)
    try:
        code = main(argv)
    except Hang:
        code = -1
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    _, err = capsys.readouterr()
    return code, err


def check(argv: list[str], capsys, saved: Path, label: str) -> None:
    code, err = run(argv, capsys)
    where = f"{label} (BPSIM_FUZZ_SEED={SEED}); mutant saved as {saved}"
    assert code != -1, f"hang over {DEADLINE} s: bpsim {' '.join(argv)} -- {where}"
    assert code in (0, 1, 2), f"exit {code}: {err.strip()[:400]} -- {where}"
    assert "internal error" not in err and "Traceback" not in err, f"{err[:400]} -- {where}"


# -- mutations ------------------------------------------------------------------------------
def mutate_bytes(rnd: random.Random, data: bytes, snippets: list[str]) -> bytes:
    data = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        if not data:
            data += rnd.choice(snippets).encode()
            continue
        i = rnd.randrange(len(data))
        j = min(len(data), i + rnd.randint(1, 64))
        op = rnd.randrange(6)
        if op == 0:
            del data[i:j]
        elif op == 1:
            data[i:i] = data[i:j]
        elif op == 2:
            data[i] = rnd.randrange(256)
        elif op == 3:
            data[i:i] = rnd.choice(snippets).encode()
        elif op == 4:
            data = data[:i]
        else:  # swap two attribute values
            values = [m.span(1) for m in re.finditer(rb'="([^"]*)"', bytes(data))]
            if len(values) > 1:
                (a0, a1), (b0, b1) = sorted(rnd.sample(values, 2))
                data = data[:a0] + data[b0:b1] + data[a1:b0] + data[a0:a1] + data[b1:]
    return bytes(data)


def mutate_yaml(rnd: random.Random, text: str) -> str:
    lines = text.splitlines()
    for _ in range(rnd.randint(1, 3)):
        if not lines:
            break
        i = rnd.randrange(len(lines))
        op = rnd.randrange(4)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2 and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rnd.choice(HOSTILE_VALUES)}"
        else:
            lines[i] = lines[i][: rnd.randrange(len(lines[i]) + 1)]
    return "\n".join(lines) + "\n"


def deflate(xml: bytes) -> str:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    quoted = urllib.parse.quote(xml.decode("utf-8", "replace"), safe="").encode()
    return base64.b64encode(packer.compress(quoted) + packer.flush()).decode()


def mutate_payload(rnd: random.Random, drawio: bytes) -> bytes:
    """Mutate the XML inside a page and store it compressed, as draw.io does."""
    inner = re.search(rb"<mxGraphModel.*?</mxGraphModel>", drawio, re.S)
    if inner is None:
        return mutate_bytes(rnd, drawio, XML_SNIPPETS)
    page = mutate_bytes(rnd, inner.group(0), XML_SNIPPETS)
    body = deflate(page).encode()
    if rnd.random() < 0.2:
        body = body[: rnd.randrange(len(body) + 1)]  # a damaged payload
    return drawio[: inner.start()] + body + drawio[inner.end():]


# -- seeds ----------------------------------------------------------------------------------
def bpmn_seeds() -> list[Path]:
    small = sorted((p for p in (CORPUS / "bpmn-miwg").rglob("*.bpmn")
                    if p.stat().st_size < 40_000), key=lambda p: p.name)[:12] \
        if (CORPUS / "bpmn-miwg").is_dir() else []
    return [MODELS / "service_desk.bpmn", *small]


def drawio_seeds() -> list[Path]:
    found = sorted((CORPUS / "drawio").glob("DERIVED-uncompressed*.drawio")) \
        if (CORPUS / "drawio").is_dir() else []
    return [MODELS / "service_desk.drawio", *found]


def budget(n: int) -> int:
    return max(1, round(n * SCALE))


def announce(capsys, kind: str, n: int) -> None:
    with capsys.disabled():
        print(f"\n[fuzz] {kind}: {n} mutants, seed {SEED} (set BPSIM_FUZZ_SEED to vary)")


def test_fuzz_bpmn(tmp_path, capsys):
    rnd = random.Random(f"{SEED}:bpmn")
    seeds = bpmn_seeds()
    n = budget(40)
    announce(capsys, "BPMN", n)
    for k in range(n):
        source = rnd.choice(seeds)
        path = tmp_path / f"bpmn-{k}.bpmn"
        path.write_bytes(mutate_bytes(rnd, source.read_bytes(), XML_SNIPPETS))
        label = f"BPMN mutant {k} of {source.name}"
        check(["inspect", str(path)], capsys, path, label)
        if k % 2 == 0:
            check(["validate", str(path)], capsys, path, label)


def test_fuzz_drawio(tmp_path, capsys):
    rnd = random.Random(f"{SEED}:drawio")
    seeds = drawio_seeds()
    n = budget(30)
    announce(capsys, "draw.io", n)
    for k in range(n):
        source = rnd.choice(seeds)
        data = source.read_bytes()
        mutant = mutate_payload(rnd, data) if k % 2 else mutate_bytes(rnd, data, XML_SNIPPETS)
        path = tmp_path / f"drawio-{k}.drawio"
        path.write_bytes(mutant)
        check(["inspect", str(path)], capsys, path, f"draw.io mutant {k} of {source.name}")


def test_fuzz_scenario_yaml(tmp_path, capsys):
    rnd = random.Random(f"{SEED}:yaml")
    text = (MODELS / "service_desk.yaml").read_text(encoding="utf-8")
    n = budget(25)
    announce(capsys, "scenario YAML", n)
    for k in range(n):
        path = tmp_path / f"scenario-{k}.yaml"
        path.write_text(mutate_yaml(rnd, text), encoding="utf-8")
        check(["validate", str(MODELS / "service_desk.bpmn"), "--scenario", str(path)], capsys,
              path, f"scenario mutant {k}")


def test_fuzz_trace_csv_and_simulate(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BPSIM_MAX_CASES", "5000")  # keep every run short
    rnd = random.Random(f"{SEED}:csv")
    model = tmp_path / "tiny.bpmn"
    model.write_text(TINY_MODEL)
    n = budget(12)
    announce(capsys, "trace CSV + scenario, simulate", n)
    for k in range(n):
        folder = tmp_path / f"run-{k}"
        folder.mkdir()
        (folder / "trace.csv").write_bytes(mutate_bytes(rnd, TRACE.encode(), ["\xff", ",", "\n",
                                                                              "time", "-5"]))
        scenario = mutate_yaml(rnd, TINY_SCENARIO) if k % 3 == 0 else TINY_SCENARIO
        (folder / "s.yaml").write_text(scenario, encoding="utf-8")
        check(["simulate", str(model), "-s", str(folder / "s.yaml")], capsys, folder,
              f"simulate mutant {k}")


def regression_cases() -> list[Path]:
    return sorted(p for p in REGRESSIONS.glob("*") if p.is_file() and p.suffix != ".md")


@pytest.mark.parametrize("path", regression_cases(), ids=lambda p: p.name)
def test_kept_regressions(path, capsys, tmp_path, monkeypatch):
    """Every input a fuzzing campaign made crash or hang, run for ever after."""
    monkeypatch.setenv("BPSIM_MAX_CASES", "5000")
    if path.suffix == ".yaml":
        check(["validate", str(MODELS / "service_desk.bpmn"), "--scenario", str(path)], capsys,
              path, path.name)
    elif path.suffix == ".csv":
        (tmp_path / "trace.csv").write_bytes(path.read_bytes())
        (tmp_path / "s.yaml").write_text(TINY_SCENARIO)
        (tmp_path / "tiny.bpmn").write_text(TINY_MODEL)
        check(["simulate", str(tmp_path / "tiny.bpmn"), "-s", str(tmp_path / "s.yaml")], capsys,
              path, path.name)
    else:
        check(["inspect", str(path)], capsys, path, path.name)
        check(["validate", str(path)], capsys, path, path.name)
