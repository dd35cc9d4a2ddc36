"""Every rule against its broken model (must fire, naming the element) and its clean twin.

The models are in tests/validate/models/ (written by build_models.py): ``<rule>.bpmn`` breaks
exactly the rule named by the file, ``<rule>.clean.bpmn`` is the same drawing repaired.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import bpsim
from bpsim.validate import RULES, validate

MODELS = Path(__file__).resolve().parent / "models"

#: rule -> the element ids its finding must name in the broken model (read off the models).
EXPECTED = {
    "ad-hoc-sub-process": {"Start_Inside"},
    "conditional-event": {"Event_Stock"},
    "conditional-flows": {"Flow_No"},
    "end-event-required": {"Process_1"},
    "event-based-gateway": {"Gateway_Wait"},
    "event-sub-process-typed-start-event": {"Start_Complaint"},
    "fake-join": {"Task_Open"},
    "global": {"Message_Unused"},
    "label-required": {"Task_Work"},
    "link-event": {"Link_Throw", "Link_Catch"},
    "no-bpmndi": {"Task_Work"},
    "no-complex-gateway": {"Split", "Join"},
    "no-disconnected": {"Task_Alone"},
    "no-duplicate-sequence-flows": {"Flow_Again", "Start", "Task_Work"},
    "no-gateway-join-fork": {"Gateway_Both"},
    "no-implicit-end": {"Task_Dead_End"},
    "no-implicit-split": {"Task_Work"},
    "no-implicit-start": {"Task_From_Nowhere"},
    "no-inclusive-gateway": {"Split", "Join"},
    "no-overlapping-elements": {"Task_Work"},
    "single-blank-start-event": {"Process_1"},
    "single-event-definition": {"Start"},
    "start-event-required": {"Process_1"},
    "sub-process-blank-start-event": {"Start_Sub"},
    "superfluous-gateway": {"Gateway_Useless"},
    "superfluous-label": {"Flow_Named"},
    "superfluous-termination": {"End"},
    "dangling-reference": {"Boundary_Lost"},
    "unreachable": {"Task_Loop_A", "Task_Loop_B"},
    "no-path-to-end": {"Task_Enter"},
    "soundness-livelock": {"Task_Ask"},
    "soundness-deadlock": {"Gateway_Join"},
    "soundness-lack-of-synchronisation": {"Gateway_Merge"},
    "soundness-or-join": {"Gateway_OrJoin"},
    "soundness-improper-completion": {"Gateway_Join"},
}

#: Rules whose test model needs a configuration to switch them on or to lower a bound.
CONFIG = {
    "standard-size": {"rules": {"standard-size": "warning"}},
    "soundness-bound": {"max-markings": 50},
}
EXPECTED["standard-size"] = {"Task_Work"}
# blueprint rules (bpsim.experience.rules): models made from models/support_blueprint.bpmn
EXPECTED.update({
    "blueprint-no-phase": {"End_Closed"},
    "blueprint-layer-guess": {"Lane_Customer", "Lane_System"},
    "blueprint-layer-unknown": {"Lane_Customer"},
    "blueprint-group-unnamed": {"Group_Blank"},
    "blueprint-group-undrawn": {"Group_Extra"},
})
EXPECTED["soundness-bound"] = {"Process_1"}


def _check(name: str, rule: str):
    process = bpsim.read(MODELS / f"{name}.bpmn", lenient=True)
    return validate(process, config=CONFIG.get(rule, {}))


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_broken_model_fires_the_rule_on_the_element(rule):
    findings = [f for f in _check(rule, rule) if f.rule == rule]
    assert findings, f"{rule}.bpmn raised no {rule} finding"
    assert EXPECTED[rule] <= {f.element_id for f in findings}
    for f in findings:
        assert f.severity in ("error", "warning", "info")
        assert f.message and f.file and f.file.endswith(f"{rule}.bpmn")


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_clean_twin_stays_clean(rule):
    findings = _check(f"{rule}.clean", rule)
    assert not [f for f in findings if f.rule == rule]
    # the twins are clean models, not just clean for their own rule
    assert not [f for f in findings if f.severity == "error"], findings


def test_every_lint_structure_and_soundness_rule_has_a_model():
    rules = {r.name for r in RULES.values() if not r.needs_scenario}
    assert rules <= set(EXPECTED)


def test_deadlock_names_the_join_and_the_exclusive_split():
    (f,) = [f for f in _check("soundness-deadlock", "") if f.rule == "soundness-deadlock"]
    assert "Gateway_Join" in f.message and "Gateway_Decide" in f.message
    assert f.line is not None


def test_lack_of_synchronisation_names_the_merge_and_the_parallel_split():
    (f,) = [f for f in _check("soundness-lack-of-synchronisation", "")
            if f.rule == "soundness-lack-of-synchronisation"]
    assert f.element_id == "Gateway_Merge" and "Split" in f.message


def test_livelock_names_every_node_of_the_loop():
    (f,) = [f for f in _check("soundness-livelock", "") if f.rule == "soundness-livelock"]
    for node in ("Task_Ask", "Task_Wait", "Merge"):
        assert node in f.message


def test_bound_is_stated_in_the_finding():
    (f,) = [f for f in _check("soundness-bound", "soundness-bound") if f.rule == "soundness-bound"]
    assert "50" in f.message
    # with the default bound (20,000) the 2**8 interleavings are searched to the end
    process = bpsim.read(MODELS / "soundness-bound.bpmn")
    assert not [f for f in validate(process) if f.rule == "soundness-bound"]


def test_file_without_io_tags_and_without_diagram():
    """Activiti / Flowable style: no <incoming>/<outgoing>, no DI: connectivity is intact."""
    text = (MODELS / "no-io-tags.bpmn").read_text()
    assert "<bpmn:incoming>" not in text and "BPMNDiagram" not in text
    findings = validate(bpsim.read(MODELS / "no-io-tags.bpmn"))
    assert [f.rule for f in findings] == ["no-bpmndi"]
    assert findings[0].severity == "warning" and findings[0].element_id is None


def test_import_findings_are_included():
    """A flow whose targetRef names nothing: the lenient reader's finding is reported."""
    data = (MODELS / "label-required.clean.bpmn").read_bytes().replace(
        b'targetRef="End"', b'targetRef="Nowhere"')
    process = bpsim.read_bpmn(data, lenient=True)
    rules = {f.rule for f in validate(process)}
    assert "import-dangling-flow" in rules
