"""Issue 14: inputs that used to run silently wrong are refused, naming the key and the fix."""

import pytest

import bpsim
from bpsim.cli import main
from bpsim.errors import ScenarioError
from tests.cli.test_simulate import BPMN, YAML

LANES = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <process id="P" name="Desk" isExecutable="false">
    <laneSet id="LS">
      <lane id="Lane_Agent" name="Agent"><flowNodeRef>Start</flowNodeRef>
        <flowNodeRef>Task_Serve</flowNodeRef></lane>
      <lane id="Lane_Spec" name="Specialist"><flowNodeRef>Task_Fix</flowNodeRef>
        <flowNodeRef>End</flowNodeRef></lane></laneSet>
    <startEvent id="Start" name="Ticket received"/>
    <userTask id="Task_Serve" name="Handle ticket"/>
    <userTask id="Task_Fix" name="Fix"/>
    <endEvent id="End" name="Ticket closed"/>
    <sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Serve"/>
    <sequenceFlow id="F2" sourceRef="Task_Serve" targetRef="Task_Fix"/>
    <sequenceFlow id="F3" sourceRef="Task_Fix" targetRef="End"/>
  </process>
</definitions>
"""

SCENARIO = """name: lanes
seed: 1
replications: 2
horizon: 1d
arrivals:
  Ticket received: {interarrival: exponential(mean=30m)}
roles:
  Agent: {staff: 1}
  Specialist: {staff: 1}
tasks:
  Handle ticket: {duration: exponential(mean=5m)}
  Fix: {duration: exponential(mean=10m)}
"""


@pytest.fixture
def lanes(tmp_path):
    (tmp_path / "m.bpmn").write_text(LANES)
    return tmp_path


def _run(folder, yaml_text, *extra, command="simulate"):
    (folder / "s.yaml").write_text(yaml_text)
    progress = ["--no-progress"] if command == "simulate" else []
    return main([command, str(folder / "m.bpmn"), "-s", str(folder / "s.yaml"),
                 *progress, *extra])


def test_baseline_runs(lanes, capsys):
    assert _run(lanes, SCENARIO) == 0


def test_horizon_not_longer_than_warmup(tmp_path, capsys):
    (tmp_path / "m.bpmn").write_text(BPMN)
    text = YAML.replace("horizon: 2d", "horizon: 2h").replace("warmup: 2h", "warmup: 3h")
    assert _run(tmp_path, text) == 1
    err = capsys.readouterr().err
    assert "key warmup" in err and "s.yaml:5" in err and "horizon" in err and "Fix:" in err


def test_horizon_equal_warmup_in_python():
    with pytest.raises(ScenarioError, match="not shorter than horizon"):
        bpsim.Scenario(horizon="1d", warmup="1d",
                       arrivals={"a": {"interarrival": "fixed(1m)"}})


def test_role_removed_while_lane_tasks_remain(lanes, capsys):
    text = SCENARIO.replace("  Specialist: {staff: 1}\n", "")
    assert _run(lanes, text) == 1
    err = capsys.readouterr().err
    assert "key tasks.Fix" in err and "lane 'Specialist' names no role" in err
    assert "role: null" in err
    # validate says the same, as an error
    assert main(["validate", str(lanes / "m.bpmn"), "--scenario",
                 str(lanes / "s.yaml")]) == 1
    assert "sim-missing-role" in capsys.readouterr().out


def test_lane_named_unlike_any_role(lanes, capsys):
    text = SCENARIO.replace("Specialist: {staff: 1}", "Specialists: {staff: 1}")
    assert _run(lanes, text) == 1
    err = capsys.readouterr().err
    assert "did you mean role 'Specialists'" in err


def test_explicit_missing_role_and_explicit_null(lanes, capsys):
    text = SCENARIO.replace("Fix: {duration: exponential(mean=10m)}",
                            "Fix: {duration: exponential(mean=10m), role: Lane_Spec}")
    assert _run(lanes, text) == 1
    assert "no role is named 'Lane_Spec'" in capsys.readouterr().err
    text = SCENARIO.replace("  Specialist: {staff: 1}\n", "").replace(
        "Fix: {duration: exponential(mean=10m)}", "Fix: {duration: exponential(mean=10m), role: null}")
    assert _run(lanes, text) == 0


@pytest.mark.parametrize("command", ["simulate", "sweep"])
def test_staff_zero_refused(lanes, capsys, command):
    text = SCENARIO.replace("Specialist: {staff: 1}", "Specialist: {staff: 0}")
    extra = ["--vary", "roles.Agent.staff=1,2", "-r", "2"] if command == "sweep" else []
    assert _run(lanes, text, *extra, command=command) == 1
    err = capsys.readouterr().err
    assert "key roles.Specialist.staff" in err and "no staff" in err
    assert "allow_unstaffed: true" in err


def test_staff_zero_refused_by_optimize_unless_optimised(lanes, capsys):
    text = SCENARIO.replace("Specialist: {staff: 1}", "Specialist: {staff: 0}") + (
        "slas:\n  - {name: fast, from: Ticket received, to: Handle ticket.start, target: 1h, "
        "attain: 50%}\n")
    assert _run(lanes, text, "--roles", "Agent", "-r", "2", command="optimize") == 1
    assert "key roles.Specialist.staff" in capsys.readouterr().err


def test_staff_zero_opt_in(lanes, capsys):
    text = SCENARIO.replace("Specialist: {staff: 1}", "Specialist: {staff: 0}")
    assert _run(lanes, "allow_unstaffed: true\n" + text) == 0
    out = capsys.readouterr().out
    assert "role Specialist has no staff (allow_unstaffed: true)" in out


def test_vary_adds_what_the_scenario_lacks():
    """Issue 14: vary adds a key the scenario lacks, as docs/scenario.md says."""
    s = bpsim.load_scenario("models/service_desk.yaml")
    assert "boundaries" not in s.to_dict()
    v = s.vary({"boundaries.Resolution overdue.duration": "6h",
                "tasks.Send closure notice.by_class.P1": "fixed(1s)",
                "roles.Specialist.bill_rate": 90, "cases": 500})
    assert v.boundaries["Resolution overdue"].duration.mean == 6 * 3600
    assert v.tasks["Send closure notice"].by_class["P1"].mean == 1.0
    assert v.roles["Specialist"].bill_rate == 90 and v.cases == 500
    v.bind(bpsim.read("models/service_desk.bpmn"))  # the new entries name real elements
    added = bpsim.Scenario(horizon="1d", arrivals={"a": {"interarrival": "fixed(1m)"}}).vary(
        {"tasks.New task": {"duration": "1m"}})
    assert added.tasks["New task"].duration.mean == 60


def test_vary_staff_of_a_role_with_shifts_names_the_shift_paths():
    s = bpsim.load_scenario("models/service_desk.yaml")
    with pytest.raises(ScenarioError) as info:
        s.vary({"roles.Agent.staff": 3})
    assert "roles.Agent.shifts.early.staff" in info.value.hint
    assert "roles.Agent.shifts.late.staff" in info.value.hint
    with pytest.raises(ScenarioError) as info:
        s.vary({"roles.Agnet.staff": 3})
    assert "roles.Agent.shifts.early.staff" in info.value.hint and "Agent" in info.value.hint


def test_sweep_cli_hint_lists_valid_paths(capsys):
    code = main(["sweep", "models/service_desk.bpmn", "-s", "models/service_desk.yaml",
                 "--vary", "roles.Agent.staff=2,3", "-r", "2"])
    assert code == 1
    assert "roles.Agent.shifts.early.staff" in capsys.readouterr().err


def _trace_run(tmp_path, csv_text, extra=""):
    (tmp_path / "m.bpmn").write_text(BPMN)
    (tmp_path / "arrivals.csv").write_text(csv_text)
    (tmp_path / "s.yaml").write_text(
        "horizon: 1d\nreplications: 1\nseed: 1\n" + extra
        + "arrivals:\n  Ticket received: {trace: arrivals.csv}\n"
        "roles:\n  Agent: {staff: 1}\n"
        "tasks:\n  Handle ticket: {duration: fixed(1m), role: Agent}\n")
    return bpsim.read(tmp_path / "m.bpmn"), bpsim.load_scenario(tmp_path / "s.yaml")


def test_trace_priority_column_is_honoured(tmp_path):
    process, scenario = _trace_run(
        tmp_path, "time,priority\n2026-01-05T09:00,P2\n2026-01-05T09:10,P1\n"
        "2026-01-05T09:20,P1\n", "classes: [P1, P2]\n")
    bound = scenario.bind(process)
    assert bound.arrivals["Start"].trace_classes == ["P2", "P1", "P1"]
    cases = bpsim.simulate(process, scenario).cases.sort_values("arrival")
    assert list(cases["priority"].astype(str)) == ["P2", "P1", "P1"]


def test_trace_unknown_class_and_unknown_column_refused(tmp_path):
    process, scenario = _trace_run(tmp_path, "time,priority\n600,P7\n", "classes: [P1, P2]\n")
    with pytest.raises(ScenarioError, match="class 'P7'"):
        scenario.bind(process)
    process, scenario = _trace_run(tmp_path, "time,channel\n600,phone\n")
    with pytest.raises(ScenarioError, match="'channel'"):
        scenario.bind(process)


def test_trace_offsets_converted_or_refused(tmp_path):
    process, scenario = _trace_run(tmp_path, "time\n2026-01-05T09:00:00+00:00\n")
    with pytest.raises(ScenarioError, match="UTC offset") as info:
        scenario.bind(process)
    assert "timezone:" in info.value.hint
    process, scenario = _trace_run(tmp_path, "time\n2026-01-05T09:00:00+00:00\n",
                                   "timezone: Europe/Rome\n")
    assert scenario.bind(process).arrivals["Start"].trace == [10 * 3600.0]  # 09 UTC = 10 Rome


def test_timezone_offsets_in_the_event_log(tmp_path):
    process, scenario = _trace_run(tmp_path, "time\n2026-01-05T09:00\n2026-07-06T09:00\n",
                                   "timezone: Europe/Rome\n")
    scenario = scenario.vary({"horizon": "200d"})
    from bpsim.report.eventlog import event_log

    stamps = event_log(bpsim.simulate(process, scenario))["time:timestamp"]
    assert stamps.iloc[0] == "2026-01-05T09:00:00.000+01:00"
    assert stamps.iloc[-1].endswith("+02:00")  # summer time in July
    with pytest.raises(ScenarioError, match="not a time zone"):
        scenario.vary({"timezone": "Mars/Olympus"})


def test_naive_event_log_has_no_offset_anywhere(tmp_path):
    process, scenario = _trace_run(tmp_path, "time\n600\n")
    results = bpsim.simulate(process, scenario)
    results.to_event_log(tmp_path / "e.xes")
    text = (tmp_path / "e.xes").read_text()
    assert "+00:00" not in text and 'value="1970-01-01T00:00:00.000"' in text
