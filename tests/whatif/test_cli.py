"""``bpsim sweep`` and ``bpsim optimize`` from the command line, on the M/M/c desk."""

from __future__ import annotations

import json

import pytest

from bpsim.cli import main
from tests.whatif import mmc


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return mmc.write_model(tmp_path_factory.mktemp("mmc"), staff=5, replications=3,
                           horizon="2h")


def test_sweep_prints_a_table(files, capsys):
    bpmn, yaml_path = files
    code = main(["sweep", str(bpmn), "--scenario", str(yaml_path), "--vary",
                 "roles.Agent.staff=5,6", "--executor", "serial"])
    out = capsys.readouterr().out
    assert code == 0
    assert "roles.Agent.staff=6" in out and "cycle_time" in out and "(baseline)" in out


def test_sweep_json_and_out_files(files, tmp_path, capsys):
    bpmn, yaml_path = files
    code = main(["sweep", str(bpmn), "--scenario", str(yaml_path), "--vary",
                 "roles.Agent.staff=5,6", "--vary", "arrivals.Ticket received.scale=1,1.2",
                 "--replications", "2", "--json", "--out", str(tmp_path / "out"),
                 "--executor", "serial"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["replications"] == 2 and data["seed"] == 7
    assert len(data["variants"]) == 4
    assert data["variants"][0]["values"] == {"roles.Agent.staff": 5,
                                             "arrivals.Ticket received.scale": 1}
    assert data["variants"][0]["baseline"] is True
    assert set(data["variants"][1]["metrics"]["cycle_time"]) == {
        "mean", "ci95", "diff", "diff_ci95", "significant"}
    out = tmp_path / "out"
    assert (out / "sweep.csv").is_file() and (out / "sweep.json").is_file()
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert "sweep_cycle_time.png" in pngs and "sweep_utilization_Agent.png" in pngs
    assert all((out / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert not list(out.glob(".*"))  # no temporary files left behind


@pytest.mark.parametrize("vary", ["roles.Nobody.staff=2", "roles.Agent.staff=lots",
                                  "roles.Agent.staff"])
def test_sweep_user_errors_are_one_line_without_traceback(files, capsys, vary):
    bpmn, yaml_path = files
    code = main(["sweep", str(bpmn), "--scenario", str(yaml_path), "--vary", vary,
                 "--executor", "serial"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err and err.startswith("bpsim sweep:")


def test_sweep_without_vary_or_with_missing_file(files, tmp_path, capsys):
    bpmn, yaml_path = files
    assert main(["sweep", str(bpmn), "--scenario", str(yaml_path)]) == 1
    assert "nothing to vary" in capsys.readouterr().err
    code = main(["sweep", str(tmp_path / "missing.bpmn"), "--scenario", str(yaml_path),
                 "--vary", "roles.Agent.staff=2"])
    assert code == 2 and "Traceback" not in capsys.readouterr().err


def test_optimize_json_and_out(files, tmp_path, capsys):
    bpmn, yaml_path = files
    code = main(["optimize", str(bpmn), "--scenario", str(yaml_path), "--roles", "Agent",
                 "--max-staff", "9", "--json", "--out", str(tmp_path / "opt"),
                 "--executor", "serial"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["feasible"]
    assert set(data["plan"]) == {"Agent"}
    assert data["slas"][0]["name"] == "taken in charge"
    assert (tmp_path / "opt" / "staffing.json").is_file()
    assert (tmp_path / "opt" / "candidates.csv").is_file()


def test_optimize_unknown_role_is_a_user_error(files, capsys):
    bpmn, yaml_path = files
    code = main(["optimize", str(bpmn), "--scenario", str(yaml_path), "--roles", "Wizard"])
    err = capsys.readouterr().err
    assert code == 1 and "no role 'Wizard'" in err and "Traceback" not in err
