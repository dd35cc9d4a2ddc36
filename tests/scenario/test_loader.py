"""Loading scenario files: every error names the file, the key path and the line."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

import bpsim
from bpsim.errors import ScenarioError
from bpsim.scenario import DEFAULT_START, load_scenario
from bpsim.scenario.distributions import Exponential


def write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def error_of(path) -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return err.value


def line_holding(path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


GOOD = """
    name: desk
    seed: 7
    horizon: 30d
    warmup: 2d
    calendars:
      office: {days: mon-fri, hours: "09:00-18:00", holidays: [2026-01-06]}
    arrivals:
      Ticket received:
        interarrival: exponential(mean=60s)
        classes: {P2: 0.6, P1: 0.4}
    roles:
      Agent: {staff: 2, calendar: office, cost_per_hour: 65, billing_increment: 30m}
    tasks:
      Handle ticket: {duration: exponential(mean=100s), role: Agent}
      Log ticket: {duration: 5s, role: null}
    gateways:
      Need more info?: {Yes: 0.3, No: 0.7}
    events:
      Customer replies: {duration: exponential(mean=1d), pauses_sla: true}
    slas:
      - {name: taken in charge, from: Ticket received, to: Handle ticket.start, target: 4h, calendar: office, attain: 95%}
"""


def test_a_good_file_loads(tmp_path):
    s = load_scenario(write(tmp_path, GOOD))
    assert isinstance(s, bpsim.Scenario)
    assert s.source.endswith("s.yaml")
    assert s.horizon == 30 * 86400 and s.warmup == 2 * 86400
    assert s.start == DEFAULT_START and s.start.weekday() == 0
    assert s.tasks["Handle ticket"].duration == Exponential(100.0)
    assert s.tasks["Log ticket"].role is None and "role" in s.tasks["Log ticket"].model_fields_set
    assert s.gateways["Need more info?"] == {"Yes": 0.3, "No": 0.7}  # yes/no stay names
    assert s.slas[0].attain == 0.95 and s.slas[0].from_ == "Ticket received"
    assert s.calendars["office"].holidays == [dt.date(2026, 1, 6)]
    assert s.class_order() == ["P1", "P2"]  # natural order, P1 most urgent


def test_round_trip_through_to_dict(tmp_path):
    s = load_scenario(write(tmp_path, GOOD))
    again = bpsim.Scenario.from_dict(s.to_dict())
    assert again.to_dict() == s.to_dict()
    assert again.tasks["Handle ticket"].duration == s.tasks["Handle ticket"].duration
    assert again.slas[0].target == s.slas[0].target


@pytest.mark.parametrize(
    "snippet, key, marker, words",
    [
        ("roles:\n  Agent:\n    staf: 2\n", "roles.Agent.staf", "staf:", "did you mean 'staff'"),
        ("horizont: 3d\n", "horizont", "horizont", "did you mean 'horizon'"),
        ("roles:\n  Agent: {staff: two}\n", "roles.Agent.staff", "two", "whole number"),
        ("tasks:\n  T:\n    duration: exponential(mean=6x)\n", "tasks.T.duration", "6x", "unknown unit"),
        ("tasks:\n  T:\n    duration: expnential(mean=6m)\n", "tasks.T.duration", "expn", "did you mean"),
        ("tasks:\n  T: {duration: uniform(1m, 2m)}\n", "tasks.T.2m)", "uniform", "must be quoted"),
        ("warmup: 09:30\n", "warmup", "09:30", "time of day"),
        ("calendars:\n  office: {days: mon-fry}\n", "calendars.office.days", "mon-fry", "days"),
        ("calendars:\n  office:\n    hours: 9-25\n", "calendars.office.hours", "9-25", "opening hours"),
        ("slas:\n  - {name: a, from: X, to: Y, target: 4h, attain: 120%}\n", "slas[0].attain", "120%", "between 0 and 1"),
        ("slas:\n  - name: a\n    to: Y\n    target: 4h\n", "slas[0].from", "name: a", "Field required"),
        ("arrivals:\n  A:\n    interarrival: 1m\n    classes: {P1: 0.5, P2: 0.4}\n", "arrivals.A.classes", "classes", "sum to 0.9"),
        ("arrivals:\n  A: {interarrival: 1m, trace: a.csv}\n", "arrivals.A", "A:", "exactly one"),
        ("roles:\n  Agent: {staff: 2, calendar: ofice}\n", "roles.Agent.calendar", "ofice", "did you mean 'office'"),
        ("roles:\n  Agent: {staff: 2, shifts: []}\n", "roles.Agent", "Agent", "staff"),
        ("tasks:\n  T: {duration: 1m, role: Agnet}\n", "tasks.T.role", "Agnet", "no role"),
        ("start: next monday\n", "start", "start", "ISO"),
        ("arrivals:\n  A: {interarrival: 1m, classes: {P1: 1}}\n  B: {interarrival: 1m}\n", "arrivals.B", "B:", "no priority mix"),
        ("arrivals:\n  A:\n    profile: {per_hour: {mon-fri 09-12: 5, mon 11-13: 2}}\n", "arrivals.A.profile.per_hour.mon 11-13", "per_hour", "overlap"),
    ],
)  # fmt: skip
def test_errors_name_file_key_and_line(tmp_path, snippet, key, marker, words):
    text = (
        "name: bad\nhorizon: 30d\ncalendars:\n  office: {}\n"
        if "calendars" not in snippet
        else "name: bad\nhorizon: 30d\n"
    )
    path = write(tmp_path, text + snippet)
    err = error_of(path)
    assert err.file == str(path)
    assert err.key == key
    assert err.line == line_holding(path, marker)
    assert words in str(err)
    assert err.hint
    assert str(err).startswith(f"{path}:{err.line}: key {key}:")


def test_yaml_syntax_error_has_the_line(tmp_path):
    path = write(tmp_path, "name: x\nhorizon: 30d\n  roles: 3\n")
    err = error_of(path)
    assert err.line == 3 and "not valid YAML" in err.message


def test_duplicate_keys_are_refused(tmp_path):
    path = write(
        tmp_path, "name: x\nhorizon: 30d\nroles:\n  Agent: {staff: 1}\n  Agent: {staff: 2}\n"
    )
    err = error_of(path)
    assert err.key == "roles.Agent" and err.line == 5 and "twice" in err.message


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 8):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    err = error_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert "aliases" in err.message


def test_plain_aliases_are_fine(tmp_path):
    s = load_scenario(write(tmp_path, """
        horizon: 1w
        calendars:
          office: {hours: "09:00-18:00", holidays: &h [2026-01-06]}
          late: {hours: "10:00-18:00", holidays: *h}
    """))  # fmt: skip
    assert s.calendars["late"].holidays == [dt.date(2026, 1, 6)]


@pytest.mark.parametrize(
    "text, words",
    [("- a\n- b\n", "mapping"), ("horizon: [1d\n", "not valid YAML"), ("cases: 10\n\x00", "YAML")],
)
def test_not_a_scenario(tmp_path, text, words):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    assert words in str(error_of(path))


def test_missing_file_and_size_cap(tmp_path, monkeypatch):
    assert "no such file" in error_of(tmp_path / "nope.yaml").message
    from bpsim.scenario import loader

    monkeypatch.setattr(loader, "MAX_BYTES", 10)
    assert "bytes" in error_of(write(tmp_path, "name: a long name\nhorizon: 1d\n")).message


def test_base_60_is_not_a_duration(tmp_path):
    err = error_of(write(tmp_path, "horizon: 1:30\n"))
    assert err.key == "horizon" and "time of day" in err.message


def test_yes_no_on_off_stay_branch_names(tmp_path):
    s = load_scenario(
        write(
            tmp_path, "horizon: 1d\ngateways:\n  G: {yes: 0.5, no: 0.5}\n  H: {on: 0.5, off: 0.5}\n"
        )
    )
    assert s.gateways == {"G": {"yes": 0.5, "no": 0.5}, "H": {"on": 0.5, "off": 0.5}}


def test_a_run_needs_an_end(tmp_path):
    err = error_of(write(tmp_path, "name: x\n"))
    assert "horizon" in err.message and "cases" in err.message
