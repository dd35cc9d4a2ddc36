"""Inputs that crashed (exit 3) or hung: each is now a clear error, exit 1 or 2, in seconds.

Paths that are not files, scenario values that would run forever or exhaust memory, loops
that take no time, trace CSVs that are empty or not UTF-8. Every case runs the real CLI in
process and checks the exit code, that stderr names the file and says what to do, on one line.
"""

from __future__ import annotations

import os

import pytest

from bpsim.cli import main
from bpsim.errors import ScenarioError, SimulationError

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <process id="P" isExecutable="true">
    <startEvent id="S" name="In"/>
    <userTask id="T" name="Work"/>
    <endEvent id="E" name="Out"/>
    <sequenceFlow id="f1" sourceRef="S" targetRef="T"/>
    <sequenceFlow id="f2" sourceRef="T" targetRef="E"/>
  </process>
</definitions>
"""
SCENARIO = """replications: 2
horizon: 2d
arrivals:
  In: {interarrival: exponential(mean=10m)}
roles:
  Agent: {staff: 2}
tasks:
  Work: {duration: exponential(mean=5m), role: Agent}
"""
LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <process id="P" isExecutable="true">
    <startEvent id="S" name="In"/>
    <serviceTask id="T" name="Check"/>
    <exclusiveGateway id="G" name="Ok?"/>
    <endEvent id="E" name="Out"/>
    <sequenceFlow id="f1" sourceRef="S" targetRef="T"/>
    <sequenceFlow id="f2" sourceRef="T" targetRef="G"/>
    <sequenceFlow id="f3" name="again" sourceRef="G" targetRef="T"/>
    <sequenceFlow id="f4" name="done" sourceRef="G" targetRef="E"/>
  </process>
</definitions>
"""


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "internal error" not in err and "Traceback" not in err, err
    return code, out, err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "m.bpmn").write_text(MODEL)
    (tmp_path / "s.yaml").write_text(SCENARIO)
    return tmp_path


def one_line(err: str) -> None:
    assert err.count("\n") == 1 and err.endswith("\n"), err


def test_empty_path_is_named(capsys):
    code, _, err = cli(capsys, "inspect", "")
    assert code == 2 and "empty string" in err
    one_line(err)


def test_too_long_file_name(capsys, tmp_path):
    code, _, err = cli(capsys, "inspect", tmp_path / ("x" * 5000 + ".bpmn"))
    assert code == 2 and "longer than this system allows" in err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_before_reading(capsys):
    code, _, err = cli(capsys, "inspect", "/dev/zero")
    assert code == 2 and "device" in err and "/dev/zero" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_waiting(capsys, tmp_path, files):
    fifo = tmp_path / "pipe.bpmn"
    os.mkfifo(fifo)
    code, _, err = cli(capsys, "inspect", fifo)
    assert code == 2 and "FIFO" in err
    code, _, err = cli(capsys, "simulate", files / "m.bpmn", "-s", fifo)
    assert code in (1, 2) and "FIFO" in err
    code, _, err = cli(capsys, "validate", files / "m.bpmn", "--scenario", fifo)
    assert code in (1, 2) and "FIFO" in err


def test_a_bounded_read_ignores_what_stat_says(tmp_path):
    from bpsim._paths import read_limited
    from bpsim.errors import ReadError

    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, 100) == b"x" * 100
    with pytest.raises(ReadError, match="more than the 99 bytes"):
        read_limited(path, 99)


@pytest.mark.parametrize("line,words", [
    ("replications: 1000000000", "replications"),
    ("horizon: 52000w", "100 years"),
    ("seed: 1" + "0" * 5000, "5,001 characters"),
    ("a: &a [*a]", "recursive alias"),
    ("a: " + "[" * 3000 + "]" * 3000, "nested more than"),
])
def test_scenario_values_that_never_end_are_refused(capsys, files, line, words):
    key = line.split(":")[0]
    text = "\n".join(x for x in SCENARIO.splitlines() if not x.startswith(key + ":"))
    (files / "t.yaml").write_text(text + "\n" + line + "\n")
    for command in (["validate", files / "m.bpmn", "--scenario"], ["simulate", files / "m.bpmn",
                                                                    "-s"]):
        code, _, err = cli(capsys, *command, files / "t.yaml")
        assert code == 1 and words in (err + _), (command, err)


@pytest.mark.parametrize("old,new,words", [
    ("staff: 2", "staff: 1000000000", "people per role"),
    ("interarrival: exponential(mean=10m)", "profile: {per_hour: 1000000}", "tickets"),
    ("horizon: 2d", "cases: 1000000000000", "tickets"),
])
def test_runs_too_large_to_finish_are_refused_with_their_size(capsys, files, old, new, words):
    (files / "t.yaml").write_text(SCENARIO.replace(old, new))
    code, _, err = cli(capsys, "simulate", files / "m.bpmn", "-s", files / "t.yaml")
    assert code == 1 and words in err and "Fix:" in err and "BPSIM_MAX" in err
    code, out, _ = cli(capsys, "validate", files / "m.bpmn", "--scenario", files / "t.yaml")
    assert code == 1 and "sim-run-size" in out and words in out


def test_a_large_run_passes_with_its_estimated_size(files):
    from bpsim.scenario import load_scenario
    from bpsim.scenario.limits import check_run_size, estimate_cases

    (files / "t.yaml").write_text(SCENARIO.replace("replications: 2", "replications: 500")
                                  .replace("horizon: 2d", "horizon: 30d"))
    from bpsim import read

    bound = load_scenario(files / "t.yaml").bind(read(files / "m.bpmn"))
    assert estimate_cases(bound) == pytest.approx(500 * 30 * 24 * 6)
    assert check_run_size(bound) and "2,160,000 tickets" in check_run_size(bound)[0]


def test_zero_time_loop_is_found_by_validate_and_refused_by_simulate(capsys, tmp_path):
    (tmp_path / "loop.bpmn").write_text(LOOP)
    scenario = ("horizon: 1d\narrivals:\n  In: {interarrival: exponential(mean=10m)}\n"
                "tasks:\n  Check: {duration: fixed(0)}\ngateways:\n  Ok?: {again: %s, done: %s}\n")
    (tmp_path / "s.yaml").write_text(scenario % (1.0, 0.0))
    code, out, _ = cli(capsys, "validate", tmp_path / "loop.bpmn", "--scenario", tmp_path / "s.yaml")
    assert code == 1 and "sim-zero-time-cycle" in out and "'Check', 'Ok?'" in out
    code, _, err = cli(capsys, "simulate", tmp_path / "loop.bpmn", "-s", tmp_path / "s.yaml")
    assert code == 1 and "takes no time" in err
    one_line(err)
    # the same loop with a way out runs: a few instant rounds, then the ticket leaves
    (tmp_path / "s.yaml").write_text(scenario % (0.5, 0.5))
    code, out, _ = cli(capsys, "validate", tmp_path / "loop.bpmn", "--scenario", tmp_path / "s.yaml")
    assert "sim-zero-time-cycle" not in out


@pytest.mark.parametrize("content,words", [
    (b"time\n\xff\xfe60\n", "not UTF-8 text (byte 5, line 2)"),
    (b"", "holds no arrival times (it is empty)"),
    (b"time\n", "only a header"),
])
def test_trace_csv_that_is_empty_or_not_utf8(capsys, files, content, words):
    (files / "trace.csv").write_bytes(content)
    (files / "t.yaml").write_text(SCENARIO.replace("interarrival: exponential(mean=10m)",
                                                   "trace: trace.csv"))
    code, _, err = cli(capsys, "simulate", files / "m.bpmn", "-s", files / "t.yaml")
    assert code == 1 and words in err and "trace.csv" in err


def test_library_errors_are_bpsim_errors(files):
    import bpsim

    process = bpsim.read(files / "m.bpmn")
    scenario = bpsim.load_scenario(files / "s.yaml").vary({"replications": 10**9})
    with pytest.raises(ScenarioError):
        bpsim.simulate(process, scenario)
    assert issubclass(SimulationError, bpsim.errors.BpsimError)


def test_error_messages_stay_on_one_line(capsys, tmp_path):
    from bpsim.errors import ReadError

    err = ReadError("not well-formed XML: Premature end of data\n", file="x.bpmn", line=3,
                    hint="export it\nagain.")
    assert "\n" not in str(err) and str(err).endswith("Fix: export it again.")
    (tmp_path / "cut.bpmn").write_text(MODEL[:200])
    code, _, err = cli(capsys, "validate", tmp_path / "cut.bpmn")
    assert code == 2
    one_line(err)


def test_definitions_without_a_process_is_not_a_process_file(capsys, tmp_path):
    path = tmp_path / "empty.bpmn"
    path.write_text('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"/>')
    code, _, err = cli(capsys, "validate", path)
    assert code == 2 and "holds no process" in err


def test_validate_has_the_short_scenario_option(capsys, files):
    code, out, _ = cli(capsys, "validate", files / "m.bpmn", "-s", files / "s.yaml")
    assert code == 0 and "0 errors" in out
