"""Rate profiles: arrivals follow the hourly rates, none in closed periods."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from bpsim.errors import ScenarioError
from bpsim.scenario.calendar import WeeklyCalendar
from bpsim.scenario.profile import WeeklyRateProfile
from bpsim.scenario.spec import RateProfile

H, D = 3600.0, 86400.0
MONDAY = dt.datetime(2026, 1, 5)
RATES = {"mon-fri 09-12": 20, "mon-fri 12-18": 12, "sat 10-13": 4}


def arrivals(profile, horizon, seed=7):
    rng = np.random.default_rng(seed)
    t, out = 0.0, []
    while True:
        t = profile.next_arrival(t, rng)
        if t >= horizon:
            return np.array(out)
        out.append(t)


def band(t: np.ndarray) -> np.ndarray:
    """0: mon-fri 09-12, 1: mon-fri 12-18, 2: sat 10-13, 3: anything else."""
    day = (t // D) % 7
    hour = (t % D) / H
    out = np.full(t.shape, 3)
    weekday = day < 5
    out[weekday & (hour >= 9) & (hour < 12)] = 0
    out[weekday & (hour >= 12) & (hour < 18)] = 1
    out[(day == 5) & (hour >= 10) & (hour < 13)] = 2
    return out


def test_counts_per_band_match_the_rates():
    profile = WeeklyRateProfile(MONDAY, RATES)
    assert isinstance(profile, RateProfile)
    weeks = 20
    t = arrivals(profile, weeks * 7 * D)
    counts = np.bincount(band(t), minlength=4)
    assert counts[3] == 0  # nothing outside the listed windows
    expected = np.array([5 * 3 * 20, 5 * 6 * 12, 3 * 4]) * weeks
    # Poisson counts: each within 4 standard deviations
    assert np.all(np.abs(counts[:3] - expected) <= 4 * np.sqrt(expected))
    # and a chi-square over the 3 bands (2 d.o.f., 99.9 % quantile 13.8)
    assert ((counts[:3] - expected) ** 2 / expected).sum() < 13.8
    assert profile.expected(0, weeks * 7 * D) == expected.sum()


def test_calendar_and_holidays_zero_the_rate():
    office = WeeklyCalendar("office", MONDAY, hours="09:00-18:00", holidays=["2026-01-07"])
    profile = WeeklyRateProfile(MONDAY, 30, calendar=office, holidays=["2026-01-08"])
    t = arrivals(profile, 14 * D)
    assert len(t) > 0
    assert all(office.is_open(x) for x in t)
    days = set((t // D).astype(int))
    assert 2 not in days and 3 not in days  # Wed holiday (calendar), Thu holiday (profile)
    assert profile.expected(0, 14 * D) == 30 * 9 * (10 - 2)
    assert abs(len(t) - 30 * 9 * 8) <= 4 * math.sqrt(30 * 9 * 8)
    assert profile.rate(2 * D + 10 * H) == 0 and profile.rate(10 * H) == 30 / H


def test_rare_arrivals_cross_many_weeks_exactly():
    profile = WeeklyRateProfile(MONDAY, {"sun 23-24": 0.01})  # once in 100 weeks on average
    rng = np.random.default_rng(1)
    gaps = []
    for _ in range(400):
        t = profile.next_arrival(0.0, rng)
        assert 6 * D + 23 * H <= t % (7 * D) < 7 * D
        gaps.append(t)
    mean_weeks = np.mean(gaps) / (7 * D)
    assert abs(mean_weeks - 100) < 4 * 100 / math.sqrt(400)  # geometric-ish: sd ~ mean


def test_scaled_and_zero_profiles():
    profile = WeeklyRateProfile(MONDAY, RATES)
    assert profile.scaled(1.5).per_week == pytest.approx(1.5 * profile.per_week)
    never = WeeklyRateProfile(MONDAY, {"mon 09-10": 0})
    assert never.next_arrival(0.0, np.random.default_rng(0)) == math.inf


@pytest.mark.parametrize(
    "per_hour, key",
    [
        ({"mon-fri 09-12": 5, "mon 11-13": 2}, "profile.per_hour.mon 11-13"),
        ({"mon-fri 09-12": -1}, "profile.per_hour.mon-fri 09-12"),
        ({"mon-fry 09-12": 1}, "profile.per_hour.mon-fry 09-12"),
        ({"mon 9-": 1}, "profile.per_hour.mon 9-"),
        ("many", "profile.per_hour"),
    ],
)
def test_bad_profiles(per_hour, key):
    with pytest.raises(ScenarioError) as err:
        WeeklyRateProfile(MONDAY, per_hour)
    assert err.value.key == key
