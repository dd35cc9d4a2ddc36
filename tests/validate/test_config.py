"""The configuration file: .bpsim.toml beside the model, or [tool.bpsim.validate] above it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bpsim
from bpsim.errors import BpsimError
from bpsim.validate.config import find_config, load_config

MODEL = Path(__file__).resolve().parent / "models" / "label-required.bpmn"


def _copy(tmp_path: Path, sub: str = "") -> Path:
    folder = tmp_path / sub if sub else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(MODEL, folder / MODEL.name))


def _rules(path: Path) -> dict[str, str]:
    return {f.rule: f.severity for f in bpsim.validate(bpsim.read(path))}


def test_defaults_without_configuration(tmp_path):
    path = _copy(tmp_path)
    assert find_config(path) is None or not str(find_config(path)).startswith(str(tmp_path))
    assert _rules(path) == {"label-required": "error"}


def test_bpsim_toml_beside_the_model_turns_a_rule_off(tmp_path):
    path = _copy(tmp_path)
    (tmp_path / ".bpsim.toml").write_text('[validate]\nrules = { "label-required" = "off" }\n')
    assert find_config(path) == tmp_path / ".bpsim.toml"
    assert _rules(path) == {}


def test_pyproject_found_upward_changes_a_severity(tmp_path):
    path = _copy(tmp_path, "a/b/models")
    (tmp_path / "a" / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.bpsim.validate]\n'
        'rules = { "label-required" = "warn", "no-inclusive-gateway" = "error" }\n')
    (tmp_path / "a" / "b" / "pyproject.toml").write_text('[project]\nname = "no table"\n')
    assert find_config(path) == tmp_path / "a" / "pyproject.toml"
    assert _rules(path) == {"label-required": "warning"}
    assert load_config(path).severities["no-inclusive-gateway"] == "error"


def test_bpmnlint_numbers_and_rule_options(tmp_path):
    path = _copy(tmp_path)
    (tmp_path / ".bpsim.toml").write_text(
        'rules = { "label-required" = 1, "standard-size" = ["warn", { "bpmn:Event" = '
        '{ width = 40, height = 40 } }] }\nmax-markings = 500\n')
    config = load_config(path)
    assert config.severities == {"label-required": "warning", "standard-size": "warning"}
    assert config.options["standard-size"]["bpmn:Event"] == {"width": 40, "height": 40}
    assert config.max_markings == 500
    found = bpsim.validate(bpsim.read(path))
    sizes = {f.element_id for f in found if f.rule == "standard-size"}
    assert sizes == {"Start", "End"}  # 36x36 events are now off-size; the task is standard


@pytest.mark.parametrize("text, key", [
    ('rules = { "no-such-rule" = "off" }', "rules.no-such-rule"),
    ('rules = { "label-required" = "loud" }', "rules.label-required"),
    ('max-markings = -3', "max-markings"),
])
def test_bad_configuration_names_the_key(tmp_path, text, key):
    path = _copy(tmp_path)
    (tmp_path / ".bpsim.toml").write_text(text + "\n")
    with pytest.raises(BpsimError) as info:
        bpsim.validate(bpsim.read(path))
    assert info.value.key == key and info.value.file.endswith(".bpsim.toml")


def test_invalid_toml_is_a_user_error(tmp_path):
    path = _copy(tmp_path)
    (tmp_path / ".bpsim.toml").write_text("rules = {\n")
    with pytest.raises(BpsimError, match="not valid TOML"):
        bpsim.validate(bpsim.read(path))
