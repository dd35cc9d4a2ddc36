"""Blueprint layers guessed from lane names in the seeds' languages, phases from groups."""

from __future__ import annotations

import pytest

import bpsim
from bpsim.experience import blueprint, classify, find_phases, guess_layer
from tests.conftest import MODELS


@pytest.mark.parametrize("name, layer", [
    # English
    ("Customer", "customer"), ("Customer actions", "customer"), ("Front office", "frontstage"),
    ("Service desk", "frontstage"), ("Agent", "frontstage"), ("Back office", "backstage"),
    ("Specialists", "backstage"), ("Ticketing system", "support"),
    ("Support processes", "support"), ("Customer support team", "frontstage"),
    # Italian (seed 000, 004)
    ("Cliente", "customer"), ("Passaggi per il cliente", "customer"),
    ("Prima linea", "frontstage"), ("Dietro le quinte", "backstage"),
    ("Sistema di ticketing", "support"), ("Processi di supporto", "support"),
    ("Tecnologia", "support"), ("Servizio clienti", "frontstage"),
    # French (seed 001)
    ("Client", "customer"), ("Actions du client", "customer"),
    ("Actions en première ligne", "frontstage"), ("Actions en coulisses", "backstage"),
    ("Processus sous-jacents", "support"), ("Système de ticketing", "support"),
    ("Preuve matérielle", "evidence"),
    # Polish (seed 002)
    ("Klient", "customer"), ("Działania klienta", "customer"), ("Obsługa klienta", "frontstage"),
    ("Zaplecze", "backstage"), ("Specjalista", "backstage"), ("Systemy", "support"),
    ("Technologia", "support"),
])
def test_lane_names_in_the_seeds_languages(name, layer):
    assert guess_layer(name) == layer


def test_a_name_that_says_nothing_is_not_guessed():
    assert guess_layer("Lane 3") is None
    assert guess_layer("") is None


def test_each_guess_is_an_info_finding_and_the_scenario_wins():
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    layers, findings = classify(p)
    assert layers["Lane_Customer"] == "customer"
    assert layers["Lane_ServiceDesk"] == "frontstage"
    assert layers["Lane_Specialists"] == "backstage"
    assert layers["Lane_System"] == "support"
    guesses = {f.element_id: f for f in findings if f.rule == "blueprint-layer-guess"}
    assert set(guesses) == {"Lane_Customer", "Lane_ServiceDesk", "Lane_Specialists", "Lane_System"}
    assert all(f.severity == "info" and "blueprint:" in f.message for f in guesses.values())
    layers, findings = classify(p, {"Specialists": "support", "Lane_Customer": "customer"})
    assert layers["Lane_Specialists"] == "support"
    assert "Lane_Specialists" not in {f.element_id for f in findings}


def test_phases_from_bpmn_groups_cover_every_element():
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    ph = find_phases(p)
    assert ph.source == "groups"
    assert ph.order == ["Contact", "Diagnosis", "Resolution", "Closure and feedback"]
    assert set(ph.of_node) == set(p.graph)
    assert ph.of_node["Task_Investigate"] == "Resolution"
    assert ph.of_artifact["Ref_Data_Survey"] == "Closure and feedback"


def test_scenario_phases_and_elements_in_no_phase():
    p = bpsim.read(MODELS / "service_desk.bpmn")
    s = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"blueprint": {"phases": {"Contact": ["E-mail received", "Triage ticket"],
                                  "Work": ["Resolve at first line"]}}})
    bp = blueprint(p, s)
    assert bp.phases.order == ["Contact", "Work"]
    assert bp.phases.of_node["Task_Triage"] == "Contact"
    unplaced = [f for f in bp.findings if f.rule == "blueprint-no-phase"]
    assert unplaced and all(f.severity == "warning" for f in unplaced)
    assert "Task_ResolveSpecialist" in {f.element_id for f in unplaced}
    findings = bpsim.validate(p, s)
    assert "Task_ResolveSpecialist" in {f.element_id for f in findings
                                        if f.rule == "blueprint-no-phase"}


def test_touchpoints_cross_the_line_of_interaction_with_their_type():
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    s = bpsim.load_scenario(MODELS / "support_blueprint.yaml")
    tp = blueprint(p, s).touchpoints.set_index("flow")
    assert tp.loc["Flow_Contact", "touchpoint"] and tp.loc["Flow_Contact", "type"] == "channel"
    assert tp.loc["Flow_Check", "type"] == "phone"          # from the scenario
    assert tp.loc["Flow_End", "type"] == "digital"          # "survey" in a name
    assert not tp.loc["Flow_SolvableNo", "touchpoint"]      # frontstage -> backstage
    assert tp.loc["Flow_SolvableNo", "lines"] == "visibility"
    assert tp.loc["Flow_Record", "lines"] == "internal interaction"
    assert blueprint(p, s).channels == {"Start_Email": "digital", "Start_Phone": "phone",
                                        "Start_Portal": "digital"}


def test_a_flow_from_physical_evidence_crosses_the_line_of_interaction():
    """Found by mypy: an "evidence" end had no rank, and crossings() raised a TypeError."""
    from bpsim.experience.touchpoints import crossings

    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    f = next(iter(p.flows.values()))
    found = {c.flow: c for c in crossings(p, {f.source: "evidence", f.target: "frontstage"})}
    assert found[f.id].lines == ("interaction",) and found[f.id].touchpoint
    assert f.id not in {c.flow for c in crossings(p, {f.source: "evidence",
                                                      f.target: "customer"})}
