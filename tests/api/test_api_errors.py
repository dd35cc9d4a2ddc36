"""Issue 14: public Python functions answer a wrong argument with a bpsim error and the fix,
never an AttributeError from deep inside; ``import bpsim`` shows only the API."""

import math

import pytest

import bpsim
from bpsim.errors import BpsimError, ModelError, ScenarioError
from tests.cli.test_simulate import BPMN, YAML


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = tmp_path_factory.mktemp("desk")
    (d / "desk.bpmn").write_text(BPMN)
    (d / "desk.yaml").write_text(YAML)
    return bpsim.read(d / "desk.bpmn"), bpsim.load_scenario(d / "desk.yaml")


def test_simulate_none_process(desk):
    _, scenario = desk
    with pytest.raises(ModelError, match=r"needs a bpsim.Process.*not None") as info:
        bpsim.simulate(None, scenario)
    assert "bpsim.read" in info.value.hint


def test_simulate_swapped_arguments(desk):
    process, scenario = desk
    with pytest.raises(BpsimError, match="swapped"):
        bpsim.simulate(scenario, process)


def test_simulate_plain_dict_and_path(desk):
    process, _ = desk
    with pytest.raises(ScenarioError, match="not a dict") as info:
        bpsim.simulate(process, {"horizon": "1d"})
    assert "Scenario.from_dict" in info.value.hint
    with pytest.raises(ScenarioError) as info:
        bpsim.simulate(process, "desk.yaml")
    assert "load_scenario('desk.yaml')" in info.value.hint
    with pytest.raises(ModelError) as info:
        bpsim.simulate("desk.bpmn", None)
    assert "bpsim.read('desk.bpmn')" in info.value.hint


@pytest.mark.parametrize("replications", [0, -1, 1.5, math.inf, "3", True])
def test_simulate_refuses_bad_replications(desk, replications):
    process, scenario = desk
    with pytest.raises(ScenarioError, match="replications must be a whole number >= 1"):
        bpsim.simulate(process, scenario, replications=replications)


def test_validate_none_and_wrong_scenario(desk):
    process, _ = desk
    with pytest.raises(ModelError, match="bpsim.validate"):
        bpsim.validate(None)
    with pytest.raises(ScenarioError, match="Scenario.from_dict"):
        bpsim.validate(process, {"horizon": "1d"})


def test_vary_none(desk):
    _, scenario = desk
    with pytest.raises(ScenarioError, match="vary.. takes a mapping"):
        scenario.vary(None)


def test_write_none(tmp_path):
    with pytest.raises(ModelError, match="write_bpmn"):
        bpsim.write_bpmn(None, tmp_path / "x.bpmn")
    with pytest.raises(ModelError, match="write_drawio"):
        bpsim.write_drawio(None, tmp_path / "x.drawio")
    assert not list(tmp_path.iterdir())


def test_write_into_missing_folder(desk, tmp_path):
    process, scenario = desk
    out = bpsim.write_bpmn(process, tmp_path / "new" / "sub" / "x.bpmn")
    assert out.exists()
    results = bpsim.simulate(process, scenario, replications=1)
    results.to_event_log(tmp_path / "missing" / "events.csv")
    assert (tmp_path / "missing" / "events.csv").exists()


@pytest.mark.parametrize("horizon", [math.inf, "inf"])
def test_infinite_horizon_refused(horizon):
    with pytest.raises(ScenarioError) as info:
        bpsim.Scenario(horizon=horizon, arrivals={"a": {"interarrival": "fixed(1m)"}})
    assert info.value.key == "horizon"


def test_namespace_is_the_api():
    public = set(dir(bpsim))
    assert public == set(bpsim.__all__)
    for name in ("annotations", "importlib", "Any", "_LAZY"):
        assert name not in public
    for name in ("annotations", "importlib", "Any"):
        assert name not in vars(bpsim)
    for name in bpsim.__all__:
        assert getattr(bpsim, name) is not None
