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


SAMPLED = [
    (MONDAY, RATES, None, ()),
    (MONDAY, {"mon-fri 07-09": 2, "mon-thu 22:00-06:00": 1, "sat 09-18": 0.5,
              "sun 22:00-05:00": 1.5}, None,
     ["2026-01-06", "2026-01-07", "2026-02-20"]),
    (dt.datetime(2026, 1, 7, 13, 17, 5), 3,
     WeeklyCalendar("office", MONDAY, hours="09:00-12:30, 13:30-18:00",
                    holidays=["2026-01-08", "2026-03-02"]), ["2026-01-09"]),
    (MONDAY, {"sun 23-24": 0.05}, None, ["2026-01-11", "2026-02-01"]),
]


@pytest.mark.parametrize("case", range(len(SAMPLED)))
@pytest.mark.parametrize("scale", [1.0, 0.3, 2.7])
def test_the_sampler_draws_the_same_arrivals_as_next_arrival(case, scale):
    """sampler(rng) is next_arrival with the rng bound and the inverse inlined: the very
    same floats, holidays, overnight windows, rare rates and an odd start included."""
    start, per_hour, calendar, holidays = SAMPLED[case]
    profile = WeeklyRateProfile(start, per_hour, calendar=calendar, holidays=holidays)
    profile = profile.scaled(scale) if scale != 1.0 else profile
    horizon = 5000 * 7 * D if case == 3 else 60 * D
    for t0 in (0.0, 3.3 * D, 86399.999):
        old, new = [], []
        nxt = profile.sampler(np.random.default_rng(11))
        rng = np.random.default_rng(11)
        a = b = t0
        while a < horizon and len(old) < 3000:
            a, b = profile.next_arrival(a, rng), nxt(b)
            old.append(a)
            new.append(b)
        assert len(old) > 20
        assert new == old  # bit for bit


def test_the_inverter_is_the_inverse_bit_for_bit():
    from bpsim.scenario.weekly import StepPattern

    profile = WeeklyRateProfile(MONDAY, {"mon-fri 09-12": 5, "sat 10-13": 0.5, "sun 23-24": 2},
                                holidays=["2026-01-06", "2026-01-07", "2026-01-10"])
    pattern = profile._pattern
    invert = pattern.inverter()
    rng = np.random.default_rng(3)
    edges = [w * 7 * D + e for w in range(3) for e in pattern.edges]
    points = [*rng.uniform(-D, 21 * D, 3000), *edges, *(np.nextafter(edges, -np.inf)),
              *(pattern.hol_starts + pattern.hol_ends)]
    for u in points:
        for amount in (0.0, 1e-9, rng.exponential(), 40.0, 1234.5):
            assert invert(amount, float(u)) == pattern.inverse(amount, float(u))
    never = StepPattern([(0.0, 3600.0, 0.0)])
    assert never.inverter()(1.0, 5.0) == math.inf


def test_the_integral_is_the_one_of_split_and_segment_bit_for_bit():
    """integral() writes _split and _segment out and keeps the holidays' raw integrals: the
    same floats as the plain composition (reference below), inside and after holidays."""
    from bisect import bisect_right

    def raw(p, u):
        k, r = p._split(u)
        i = p._segment(r)
        return k * p.per_week + p.cum[i] + p.levels[i] * (r - p.edges[i])

    def integral(p, u):
        total = raw(p, u)
        j = bisect_right(p.hol_starts, u) - 1
        if j >= 0:
            total -= p.hol_cum[j] + raw(p, min(u, p.hol_ends[j])) - raw(p, p.hol_starts[j])
        return total

    office = WeeklyCalendar("office", MONDAY, hours="09:00-12:30, 13:30-18:00",
                            holidays=["2026-01-06", "2026-01-07", "2026-04-03"])
    pattern = office._pattern
    rng = np.random.default_rng(5)
    edges = [w * 7 * D + e for w in range(-1, 15) for e in pattern.edges]
    points = [*rng.uniform(-8 * D, 120 * D, 5000), *edges, *np.nextafter(edges, np.inf),
              *(pattern.hol_starts + pattern.hol_ends)]
    for u in points:
        assert pattern.integral(float(u)) == integral(pattern, float(u))
        assert pattern._raw(float(u)) == raw(pattern, float(u))
    assert office.working_time(0.0, 14 * D) == 8 * 8 * H  # 8 open days of 8 h in two weeks
