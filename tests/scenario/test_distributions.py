"""Distributions: exact means, validation, the text syntax and its round trip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpsim.errors import ScenarioError
from bpsim.scenario import distributions as d
from bpsim.scenario.parse import parse_distribution
from bpsim.scenario.spec import Distribution as DistributionProtocol

LAWS = [
    d.Fixed(60.0),
    d.Exponential(360.0),
    d.Uniform(300.0, 900.0),
    d.Triangular(300.0, 600.0, 1800.0),
    d.Normal(600.0, 120.0),
    d.Normal(100.0, 200.0),  # heavily truncated: the mean is well above 100
    d.LogNormal(600.0, 300.0),
    d.Gamma(2.0, 300.0),
    d.Gamma(mean=600.0, sd=150.0),
    d.Erlang(3, 540.0),
    d.Empirical([240.0, 360.0, 540.0, 1800.0]),
    d.Histogram([0.0, 300.0, 900.0, 3600.0], [6.0, 3.0, 1.0]),
    d.Empirical([300.0, 600.0, 3600.0], weights=[6.0, 3.0, 1.0]),
    d.Weibull(1.5, 600.0),
    d.Weibull(0.7, 600.0),
    d.TruncatedNormal(600.0, 300.0, 120.0, 1800.0),
    d.TruncatedNormal(100.0, 200.0),  # the half-normal-like case, high unbounded
]


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_sample_mean_within_ci_of_exact_mean(law):
    rng = np.random.default_rng(20260105)
    n = 40_000
    x = law.sample_many(rng, n)
    assert x.shape == (n,) and (x >= 0).all()
    half = 4.5 * math.sqrt(law.variance / n)  # ~1e-5 two-sided false alarm
    assert abs(x.mean() - law.mean) <= half + 1e-9
    # the sample variance also agrees (loose: 10 %)
    if law.variance > 0:
        assert x.var() == pytest.approx(law.variance, rel=0.1)
    single = [law.sample(rng) for _ in range(200)]
    assert all(isinstance(v, float) and v >= 0 for v in single)


def test_truncated_normal_mean_formula():
    # mean of N(mu, sd) conditioned on >= 0, by numerical integration of the density
    law = d.Normal(100.0, 200.0)
    xs = np.linspace(0, 100 + 200 * 12, 400_001)
    dens = np.exp(-((xs - 100) ** 2) / (2 * 200**2))
    exact = np.trapezoid(xs * dens, xs) / np.trapezoid(dens, xs)
    assert law.mean == pytest.approx(exact, rel=1e-6)
    assert law.mean > 100


def test_lognormal_is_parameterised_by_its_own_mean_and_sd():
    law = d.LogNormal(600.0, 300.0)
    assert math.exp(law.mu + law.sigma**2 / 2) == pytest.approx(600.0)
    assert (math.exp(law.sigma**2) - 1) * 600.0**2 == pytest.approx(300.0**2)


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_protocol_repr_and_spec_round_trip(law):
    assert isinstance(law, DistributionProtocol)
    assert eval(repr(law), vars(d)) == law  # repr reads like the constructor
    assert parse_distribution(law.spec()) == law


@pytest.mark.parametrize(
    "build",
    [
        lambda: d.Exponential(-1),
        lambda: d.Exponential(0),
        lambda: d.Uniform(10, 5),
        lambda: d.Triangular(5, 20, 10),
        lambda: d.Normal(0, 1),
        lambda: d.Normal(10, -1),
        lambda: d.LogNormal(0, 1),
        lambda: d.Gamma(0, 1),
        lambda: d.Gamma(2, 1, mean=3, sd=1),
        lambda: d.Erlang(2.5, 10),
        lambda: d.Erlang(0, 10),
        lambda: d.Empirical([]),
        lambda: d.Empirical([1, -2]),
        lambda: d.Histogram([0, 10], [1, 2]),
        lambda: d.Histogram([10, 0], [1]),
        lambda: d.Fixed(float("nan")),
    ],
)
def test_bad_parameters_are_refused_on_construction(build):
    with pytest.raises(ScenarioError):
        build()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("exponential(mean=6m)", d.Exponential(360.0)),
        ("exp(6m)", d.Exponential(360.0)),
        ("fixed(30m)", d.Fixed(1800.0)),
        ("30m", d.Fixed(1800.0)),
        (1800, d.Fixed(1800.0)),
        ("uniform(5m, 15m)", d.Uniform(300.0, 900.0)),
        ("uniform(low=5m, high=15m)", d.Uniform(300.0, 900.0)),
        ("triangular(5m, 10m, 30m)", d.Triangular(300.0, 600.0, 1800.0)),
        ("triangular(min=5m, mode=10m, max=30m)", d.Triangular(300.0, 600.0, 1800.0)),
        ("normal(mean=10m, sd=2m)", d.Normal(600.0, 120.0)),
        ("lognormal(mean=10m, sd=5m)", d.LogNormal(600.0, 300.0)),
        ("gamma(shape=2, scale=5m)", d.Gamma(2.0, 300.0)),
        ("gamma(mean=10m, sd=5m)", d.Gamma(mean=600.0, sd=300.0)),
        ("erlang(k=3, mean=9m)", d.Erlang(3, 540.0)),
        ("empirical([4m, 6m, 9m])", d.Empirical([240.0, 360.0, 540.0])),
        ("histogram(bins=[0, 5m, 15m], weights=[3, 1])", d.Histogram([0, 300, 900], [3, 1])),
        ({"exponential": {"mean": "6m"}}, d.Exponential(360.0)),
        ({"dist": "exponential", "mean": "6m"}, d.Exponential(360.0)),
        ({"uniform": ["5m", "15m"]}, d.Uniform(300.0, 900.0)),
        ({"empirical": ["4m", 360]}, d.Empirical([240.0, 360.0])),
        ({"fixed": "30m"}, d.Fixed(1800.0)),
    ],
)
def test_parse_distribution(value, expected):
    assert parse_distribution(value) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        ("expnential(mean=6m)", "did you mean 'exponential'"),
        ("exponential(mena=6m)", "did you mean 'mean'"),
        ("exponential(mean=6x)", "'6x'"),
        ("uniform(15m, 5m)", "must not exceed"),
        ("exponential(6m", "law(arguments)"),
        ("uniform(1m, 2m, 3m)", "at most 2"),
        ("exponential(mean=1m, mean=2m)", "twice"),
        ({"a": 1, "b": 2}, "names one law"),
        (None, "expected text"),
        ("09:00", "time of day"),
    ],
)
def test_parse_errors_are_scenario_errors_with_the_key(value, words):
    with pytest.raises(ScenarioError) as err:
        parse_distribution(value, key="tasks.Triage ticket.duration")
    assert err.value.key == "tasks.Triage ticket.duration"
    assert words in str(err.value)


def test_weighted_empirical_draws_in_proportion_to_weights():
    law = parse_distribution("empirical([5m, 10m], weights=[3, 1])")
    x = law.sample_many(np.random.default_rng(7), 40_000)
    share = float((x == 300.0).mean())
    assert abs(share - 0.75) < 4.5 * math.sqrt(0.75 * 0.25 / 40_000)


def test_truncnormal_stays_inside_its_bounds_and_refuses_empty_ranges():
    law = parse_distribution("truncnormal(mean=10m, sd=5m, low=8m, high=12m)")
    x = law.sample_many(np.random.default_rng(3), 10_000)
    assert x.min() >= 480.0 and x.max() <= 720.0
    with pytest.raises(ScenarioError, match="between low and high"):
        parse_distribution("truncnormal(mean=10m, sd=1s, low=5h, high=6h)")
