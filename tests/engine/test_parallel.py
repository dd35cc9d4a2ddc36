"""Replications spread over processes give the records of a serial run, bit for bit."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import bpsim
from bpsim.analysis import Results
from bpsim.cli import main
from bpsim.engine import run
from bpsim.engine.parallel import resolve_workers
from bpsim.errors import SimulationError

from ..conftest import MODELS


@pytest.fixture(scope="module")
def desk():
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"horizon": "6d", "warmup": "1d", "replications": 3})
    return process, scenario.bind(process)


def test_workers_give_the_serial_records(desk):
    process, bound = desk
    serial = run(process, bound, seed=5, workers=1)
    pooled = run(process, bound, seed=5, workers=2)
    assert pooled.meta["workers"] == 2 and serial.meta["workers"] == 1
    for table in ("events", "cases", "staff", "windows"):
        pd.testing.assert_frame_equal(getattr(serial, table), getattr(pooled, table))
    a = Results(serial, process, bound).to_dict()
    b = Results(pooled, process, bound).to_dict()
    assert a == b


def test_resolve_workers():
    assert resolve_workers(1, 10) == 1
    assert resolve_workers(8, 3) == 3            # never more processes than replications
    assert resolve_workers(None, 100) >= 1       # every core


def test_errors_cross_the_process_boundary_whole():
    err = SimulationError("no duration", element_id="Task_A", element_name="Triage",
                          hint="add tasks: Triage: {duration: ...}")
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err) and back.hint == err.hint


def test_cli_rejects_zero_workers(capsys):
    code = main(["simulate", str(MODELS / "service_desk.bpmn"), "--scenario",
                 str(MODELS / "service_desk.yaml"), "--workers", "0"])
    assert code == 1
    assert "--workers must be at least 1" in capsys.readouterr().err
