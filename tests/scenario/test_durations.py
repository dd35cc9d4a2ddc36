"""Durations: human strings to seconds and back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpsim.errors import ScenarioError
from bpsim.scenario.durations import duration_text, format_duration, parse_duration


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("90s", 90),
        ("30m", 30 * 60),
        ("4h", 4 * 3600),
        ("2d", 2 * 86400),
        ("1w", 7 * 86400),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("1.5h", 5400),
        ("2 hours", 7200),
        ("45 min", 2700),
        (90, 90),
        (12.5, 12.5),
        ("12", 12),
        ("PT2H", 7200),
        ("P5D", 5 * 86400),
        ("P1DT2H30M", 86400 + 2 * 3600 + 1800),
        ("PT90S", 90),
        ("P2W", 14 * 86400),
        ("pt15m", 900),
    ],
)
def test_accepted_forms(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


def test_clock_time_is_refused_with_a_hint():
    with pytest.raises(ScenarioError) as err:
        parse_duration("09:30", key="tasks.Triage ticket.duration")
    assert "time of day" in err.value.message
    assert err.value.key == "tasks.Triage ticket.duration"
    assert "1h30m" in err.value.hint


@pytest.mark.parametrize("bad", ["abc", "4x", "-3m", "", "P", "PT", "1h30", True, None, [1], "nan"])
def test_bad_durations_name_the_text_and_the_accepted_forms(bad):
    with pytest.raises(ScenarioError) as err:
        parse_duration(bad, key="k")
    assert repr(bad) in err.value.message
    assert "PT2H" in err.value.hint  # the accepted forms are listed


@pytest.mark.parametrize(
    "seconds, text",
    [(45, "45s"), (2.5, "2.5s"), (330, "5m 30s"), (7500, "2h 05m"), (273600, "3d 04h"),
     (float("inf"), "never"), (float("nan"), "n/a"), (-60, "-1m 00s")],
)  # fmt: skip
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@given(st.one_of(st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False)))
def test_duration_text_round_trips(seconds):
    assert parse_duration(duration_text(seconds)) == pytest.approx(seconds, rel=1e-15, abs=0)
