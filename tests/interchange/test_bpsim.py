"""BPSim 2.0 in and out: other tools' files, bpsim's writer against the schema, round trips."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

import bpsim
from bpsim.errors import ReadError, UnsafeInputError
from bpsim.interchange import read_bpsim_file, write_bpsim
from bpsim.interchange.icalendar import calendar_text, read_calendar
from tests.conftest import MODELS, ROOT

DATA = Path(__file__).parent / "data"
BPSIM2 = "http://www.bpsim.org/schemas/2.0"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _schema(tmp_path: Path) -> etree.XMLSchema:
    """BPSim 2.0's structure with bpsim's vendor schema (its strict wildcard needs one)."""
    (tmp_path / "bpsim2.xsd").write_text((DATA / "bpsim2-structure.xsd").read_text())
    vendor = ROOT / "bpsim" / "interchange" / "vendor.xsd"
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="{BPSIM2}" schemaLocation="{(tmp_path / 'bpsim2.xsd').as_uri()}"/>
      <xs:import namespace="https://github.com/bpsim/bpsim/schema/scenario/1"
                 schemaLocation="{vendor.as_uri()}"/>
    </xs:schema>"""
    (tmp_path / "all.xsd").write_text(wrapper)
    return etree.XMLSchema(etree.parse(str(tmp_path / "all.xsd")))


def _bpsim_data(path: Path) -> list:
    root = etree.parse(str(path)).getroot()
    return list(root.iter(f"{{{BPSIM2}}}BPSimData"))


def _norm(value):
    """Bound-scenario values comparable across a round trip (calendars by their hours)."""
    if hasattr(value, "week_intervals"):
        return ("calendar", value.name, tuple(value.week_intervals), tuple(value.holidays))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                tuple((f.name, _norm(getattr(value, f.name))) for f in dataclasses.fields(value)
                      if f.name != "source"))
    if isinstance(value, dict):
        return tuple(sorted((str(k), _norm(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(map(str, value)))
    if getattr(value, "weights", None) is not None and hasattr(value, "values"):
        # a discrete law: BPSim stores probabilities, so weights 3:1 come back as 0.75:0.25
        total = float(sum(value.weights))
        return ("discrete", tuple(value.values), tuple(round(w / total, 12) for w in value.weights))
    if hasattr(value, "spec") and callable(value.spec):
        return ("law", value.spec())
    if value is None or isinstance(value, (bool, int, float, str, __import__("datetime").date)):
        return value
    return repr(value)  # rate profiles and other objects: by what they say they are


# -- other tools' files ------------------------------------------------------------------------

def test_handmade_bpsim2_file_maps_every_usable_parameter():
    found = read_bpsim_file(DATA / "handmade_bpsim2_desk.bpmn")
    assert found.ids == ["base", "peak"] and found.namespace == BPSIM2
    base, peak = found.data
    assert base["replications"] == 12 and base["seed"] == 7 and base["horizon"] == "14d"
    assert base["arrivals"]["Ticket received"] == {"interarrival": "exponential(mean=12m)",
                                                   "limit": 5000}
    # baseTimeUnit="hour": 0.05 / 0.1 / 0.25 h
    assert base["tasks"]["Triage ticket"]["duration"] == "triangular(3m, 6m, 15m)"
    assert base["tasks"]["Resolve as specialist"]["duration"] == "gamma(shape=2.0, scale=30m)"
    assert base["events"]["Customer confirms"]["duration"] == \
        "empirical([1h, 1d], weights=[0.75, 0.25])"
    assert base["boundaries"]["Overdue"] == {"probability": 0.2}
    assert base["gateways"] == {"Solvable at first line?": {"Yes": 0.7, "No": 0.3}}
    agents = base["roles"]["Agents"]
    assert agents["shifts"] == [{"staff": 3, "calendar": "early", "name": "early"},
                                {"staff": 2, "calendar": "late", "name": "late"}]
    assert agents["cost_per_hour"] == 65.0  # UnitCost per base unit (hour)
    assert base["roles"]["Specialists"] == {"calendar": "office", "staff": 2,
                                            "cost_per_hour": 80.0}
    assert base["calendars"]["early"] == {"days": "mon-fri", "hours": "08:00-16:00",
                                          "holidays": [__import__("datetime").date(2026, 4, 6)]}
    # "peak" inherits everything and overrides two values
    assert peak["arrivals"]["Ticket received"]["interarrival"] == "exponential(mean=6m)"
    assert peak["roles"]["Specialists"]["staff"] == 4
    assert peak["tasks"] == base["tasks"]
    # every parameter bpsim does not use is reported with its element
    unused = {(f.element_id, f.message.split(": ", 1)[1].split(" ")[1])
              for f in found.findings_of(0) if f.rule == "bpsim-not-used"}
    assert unused == {("Triage", "Priority"), ("Resolve", "FixedCost"), ("Escalate", "SetUpTime"),
                      ("F_no", "Condition")}
    assert any("COUNT=400" in f.message for f in found.findings_of(0))
    assert all(f.line for f in found.findings_of(0) if f.element_id)
    process = bpsim.read(DATA / "handmade_bpsim2_desk.bpmn")
    for scenario in found.scenarios:
        scenario.bind(process)


def test_jbpm_designer_dialect():
    path = DATA / "jbpm_designer_dialect.bpmn2"
    found = read_bpsim_file(path)
    assert found.namespace == "http://www.bpsim.org/schemas/1.0"
    data = found.data[0]
    # the start event's WaitTime is the time between instances, in the base unit (min)
    assert data["arrivals"]["Claim filed"] == {"interarrival": "fixed(4m)"}
    assert data["tasks"]["Check claim"] == {"duration": "uniform(5m, 10m)", "role": "Check claim"}
    assert data["roles"]["Check claim"] == {"staff": 2, "cost_per_hour": 90.0}  # 1.5 a minute
    assert data["tasks"]["Approve claim"] == {"duration": "normal(mean=6m, sd=1m)",
                                              "role": "Approve claim"}
    assert data["gateways"] == {"Complete?": {"yes": 0.7, "no": 0.3}}  # 70/30 on 0-100
    messages = [(f.rule, f.element_id, f.message) for f in found.findings]
    assert any(r == "bpsim-assumed" and "0-100 scale" in m for r, _, m in messages)
    assert any(e == "_T3" and "Poisson" in m for _, e, m in messages)
    assert any(e == "_T1" and "Availability" in m for _, e, m in messages)
    assert any(e == "_E1" for _, e, _ in messages)  # a time on an end event: reported, unused
    assert any(r == "bpsim-implied" and "100 %" in m for r, _, m in messages)
    # the Poisson task has no duration: the validator says so before anything runs
    errors = [f for f in bpsim.validate(bpsim.read(path), found.scenarios[0])
              if f.severity == "error"]
    assert [(f.rule, f.element_id) for f in errors] == [("sim-missing-duration", "_T3")]


def test_stunner_dialect_without_base_unit_is_read_as_minutes_and_says_so():
    path = DATA / "stunner_dialect.bpmn2"
    found = read_bpsim_file(path)
    data = found.data[0]
    assert data["tasks"] == {"Pack": {"duration": "normal(mean=12m, sd=3m)"}}
    assert not data.get("roles") and "arrivals" not in data  # zeros are "not set"
    assert any(f.rule == "bpsim-assumed" and "baseTimeUnit" in f.message for f in found.findings)
    assert any("Quantity of 0" in f.message for f in found.findings)


def test_a_file_that_only_declares_the_namespace_has_no_bpsim_data():
    with pytest.raises(ReadError, match="no BPSim data"):
        read_bpsim_file(DATA / "namespace_only.bpmn")



def test_bpsim_xml_is_parsed_as_hostile_input(tmp_path):
    bad = tmp_path / "xxe.bpmn"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   f'<d:definitions xmlns:d="{BPMN}">&x;</d:definitions>')
    with pytest.raises(UnsafeInputError):
        read_bpsim_file(bad)


# -- bpsim's writer ----------------------------------------------------------------------------

def test_bundled_model_round_trips_through_bpsim(tmp_path):
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml")
    out = scenario.to_bpsim(process, tmp_path / "desk.bpmn")
    (again,) = bpsim.read_bpsim(out)
    assert _norm(again.bind(bpsim.read(out))) == _norm(scenario.bind(process))


def test_writer_output_is_valid_bpsim_2_and_leaves_the_model_untouched(tmp_path):
    schema = _schema(tmp_path)
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml")
    out = write_bpsim(scenario, process, tmp_path / "desk.bpmn")
    (data,) = _bpsim_data(out)
    assert schema.validate(data), schema.error_log
    # outside the relationship the tree is the input's, element for element
    written = etree.parse(str(out)).getroot()
    for rel in written.findall(f"{{{BPMN}}}relationship"):
        written.remove(rel)
    original = etree.parse(str(MODELS / "service_desk.bpmn")).getroot()
    known = {e.get("id") for e in original.iter()}
    for res in written.findall(f"{{{BPMN}}}resource"):  # added for a role without a lane
        if res.get("id") not in known:
            written.remove(res)
    assert etree.tostring(written, method="c14n") == etree.tostring(original, method="c14n") \
        or [etree.QName(e).localname for e in written.iter() if isinstance(e.tag, str)] == \
        [etree.QName(e).localname for e in original.iter() if isinstance(e.tag, str)]
    assert bpsim.read(out).graph.number_of_nodes() == process.graph.number_of_nodes()


NATIVE = {
    "name": "native values", "seed": 11, "replications": 4, "horizon": "21d",
    "start": "2026-03-02T00:00:00",
    "calendars": {"early": {"days": "mon-fri", "hours": "08:00-16:00",
                            "holidays": ["2026-04-06"]},
                  "late": {"hours": {"mon-thu": "10:00-18:00", "fri": "10:00-14:00"}},
                  "office": {"days": "mon-sat", "hours": "09:00-12:30, 13:30-18:00"}},
    "arrivals": {"Ticket received": {"interarrival": "exponential(mean=9m)", "limit": 900}},
    "roles": {"Agents": {"shifts": [{"staff": 3, "calendar": "early"},
                                    {"staff": 2, "calendar": "late"}], "cost_per_hour": 65},
              "Specialists": {"staff": 2, "calendar": "office", "cost_per_hour": 80}},
    "tasks": {"Triage ticket": "weibull(shape=1.5, scale=6m)",
              "Resolve at first line": "truncnormal(mean=20m, sd=8m, low=5m, high=1h)",
              "Resolve as specialist": "erlang(k=3, mean=45m)"},
    "events": {"Customer confirms": "empirical([1h, 1d], weights=[3, 1])"},
    "boundaries": {"Overdue": {"probability": 0.25}},
    "gateways": {"Solvable at first line?": {"Yes": 0.65, "No": 0.35}},
}


def test_native_bpsim_values_survive_without_the_vendor_extension(tmp_path):
    """What BPSim can hold is written as BPSim, not only in bpsim's vendor extension."""
    process = bpsim.read(DATA / "handmade_bpsim2_desk.bpmn")
    scenario = bpsim.Scenario.from_dict(NATIVE)
    out = write_bpsim(scenario, process, tmp_path / "native.bpmn")
    assert _schema(tmp_path).validate(_bpsim_data(out)[0])
    tree = etree.parse(str(out))
    for ext in tree.getroot().iter(f"{{{BPSIM2}}}VendorExtension"):
        ext.getparent().remove(ext)
    stripped = tmp_path / "stripped.bpmn"
    tree.write(str(stripped))
    (again,) = bpsim.read_bpsim(stripped)
    a, b = scenario.bind(process), again.bind(bpsim.read(stripped))
    for name in ("seed", "replications", "horizon", "start", "arrivals", "tasks", "gateways",
                 "events", "boundaries", "calendars"):
        assert _norm(getattr(a, name)) == _norm(getattr(b, name)), name
    for role in a.roles:  # staff, calendars and costs (shift names are bpsim's own labels)
        sa, sb = a.roles[role], b.roles[role]
        assert [(s.staff, s.calendar.name) for s in sa.shifts] == \
            [(s.staff, s.calendar.name) for s in sb.shifts]
        assert sa.cost_per_hour == pytest.approx(sb.cost_per_hour, rel=1e-12)


def test_written_file_replaces_earlier_bpsim_data(tmp_path):
    process = bpsim.read(DATA / "handmade_bpsim2_desk.bpmn")
    out = write_bpsim(bpsim.Scenario.from_dict(NATIVE), process, tmp_path / "once.bpmn",
                      scenario_id="mine")
    found = read_bpsim_file(out)
    assert found.ids == ["mine"]


def test_a_draw_io_model_is_written_as_bpmn_with_bpsim(tmp_path):
    process = bpsim.read(MODELS / "service_desk.drawio")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml")
    out = write_bpsim(scenario, process, tmp_path / "from_drawio.bpmn")
    (again,) = bpsim.read_bpsim(out)
    again.bind(bpsim.read(out))


# -- calendars -----------------------------------------------------------------------------

def test_icalendar_round_trip_keeps_hours_and_holidays():
    import datetime as dt

    from bpsim.scenario.calendar import WeeklyCalendar

    for kw in [dict(hours={"mon-thu": "09-18", "fri": "22:00-06:00"}, holidays=["2026-01-06"]),
               dict(hours="24/7"),
               dict(days="mon-fri", hours="09:00-12:30, 13:30-18:00",
                    holidays=["2026-01-06", "2026-01-10"])]:
        cal = WeeklyCalendar("x", dt.datetime(2026, 1, 5), **kw)
        data, notes = read_calendar(calendar_text(cal, "x"))
        back = WeeklyCalendar("x", dt.datetime(2026, 1, 5), **data)
        assert notes == []
        assert back.week_intervals == cal.week_intervals and back.holidays == cal.holidays


def test_icalendar_reports_what_it_cannot_keep():
    text = ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260302T090000\nDTEND:20260302T170000\n"
            "END:VEVENT\nBEGIN:VEVENT\nDTSTART:20260302T090000\nDURATION:PT4H\n"
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA\nEND:VEVENT\nEND:VCALENDAR\n")
    data, notes = read_calendar(text)
    assert data == {"days": "sat", "hours": "09:00-13:00"}
    assert any("does not repeat" in n for n in notes) and any("INTERVAL=2" in n for n in notes)


# -- command line ------------------------------------------------------------------------------

def _bpsim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "bpsim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})


def test_cli_export_scenario_from_bpsim_and_simulate_without_scenario(tmp_path):
    model = DATA / "handmade_bpsim2_desk.bpmn"
    done = _bpsim("scenario-from-bpsim", model, "--id", "peak", "-o", tmp_path / "peak.yaml",
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "FixedCost" in done.stderr and "Traceback" not in done.stderr
    text = (tmp_path / "peak.yaml").read_text()
    assert text.startswith("# Scenario 'peak'") and "staff: 4" in text
    peak = bpsim.load_scenario(tmp_path / "peak.yaml")
    peak.bind(bpsim.read(model))
    listed = _bpsim("scenario-from-bpsim", model, "--json", cwd=tmp_path)
    report = json.loads(listed.stdout)
    assert [s["id"] for s in report["scenarios"]] == ["base", "peak"]
    assert any(f["element_id"] == "Resolve" for f in report["findings"])
    bad = _bpsim("scenario-from-bpsim", model, "--id", "nope", cwd=tmp_path)
    assert bad.returncode == 1 and "base, peak" in bad.stderr
    exported = _bpsim("export", model, "--scenario", tmp_path / "peak.yaml", "-o",
                      tmp_path / "out.bpmn", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    run = _bpsim("simulate", tmp_path / "out.bpmn", "--replications", "2", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "using the BPSim scenario 'bpsim'" in run.stderr
    assert json.loads(run.stdout)["replications"] == 2


def test_cli_simulate_without_scenario_or_bpsim_data_says_what_to_do(tmp_path):
    done = _bpsim("simulate", MODELS / "service_desk.bpmn", cwd=tmp_path)
    assert done.returncode == 1
    assert "--scenario" in done.stderr and "Traceback" not in done.stderr
    none = _bpsim("scenario-from-bpsim", MODELS / "service_desk.bpmn", cwd=tmp_path)
    assert none.returncode == 2 and "no BPSim data" in none.stderr


def test_read_bpsim_is_public_and_copy_safe():
    assert bpsim.read_bpsim is not None
    found = read_bpsim_file(DATA / "handmade_bpsim2_desk.bpmn")
    assert copy.deepcopy(found.data) == found.data
