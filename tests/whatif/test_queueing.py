"""Erlang B / C and friends checked against textbook identities, not against runs."""

from __future__ import annotations

import math

import pytest

from bpsim.whatif.queueing import (
    erlang_b,
    erlang_c,
    mean_wait,
    prob_wait_exceeds,
    servers_for_wait_target,
    square_root_staffing,
)


def erlang_c_by_sums(c: int, a: float) -> float:
    """The definition: P(wait) = (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a))."""
    tail = a**c / math.factorial(c) * c / (c - a)
    return tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)


@pytest.mark.parametrize("rho", [0.05, 0.3, 0.7, 0.95])
def test_one_server_waits_with_probability_rho(rho):
    assert erlang_c(1, rho) == pytest.approx(rho)


@pytest.mark.parametrize("c,a", [(2, 1.5), (3, 0.4), (5, 4.2), (10, 8.0), (12, 3.3)])
def test_recursion_equals_the_defining_sums(c, a):
    assert erlang_c(c, a) == pytest.approx(erlang_c_by_sums(c, a), rel=1e-12)


@pytest.mark.parametrize("c,a", [(1, 0.5), (4, 2.0), (20, 15.0)])
def test_erlang_b_definition_and_c_from_b(c, a):
    b_sum = (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))
    assert erlang_b(c, a) == pytest.approx(b_sum, rel=1e-12)
    rho = a / c
    assert erlang_c(c, a) == pytest.approx(b_sum / (1 - rho * (1 - b_sum)), rel=1e-12)
    assert erlang_c(c, a) >= erlang_b(c, a)


def test_erlang_c_falls_with_more_servers_and_rises_with_load():
    a = 7.5
    values = [erlang_c(c, a) for c in range(8, 30)]
    assert all(x > y for x, y in zip(values, values[1:]))
    loads = [erlang_c(10, a) for a in (1.0, 3.0, 6.0, 9.0, 9.9)]
    assert all(x < y for x, y in zip(loads, loads[1:]))
    assert all(0.0 < v < 1.0 for v in values + loads)


def test_unstable_queue_always_waits():
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(3, 5.0) == 1.0
    assert mean_wait(2, 1 / 10, 1 / 30) == math.inf
    assert prob_wait_exceeds(2, 1 / 10, 1 / 30, 1e6) == 1.0


def test_mm1_mean_wait_is_rho_over_mu_minus_lambda():
    lam, mu = 1 / 60, 1 / 45
    assert mean_wait(1, lam, mu) == pytest.approx((lam / mu) / (mu - lam))


def test_mm2_mean_wait_of_the_performance_notes():
    # Wq = C(2, a) / (2 mu - lam) with a = lam / mu, written out for c = 2.
    lam, mu = 1 / 60, 1 / 100
    a = lam / mu
    c2 = (a * a / 2 * 2 / (2 - a)) / (1 + a + a * a / 2 * 2 / (2 - a))
    assert mean_wait(2, lam, mu) == pytest.approx(c2 / (2 * mu - lam))


def test_wait_tail_starts_at_erlang_c_and_decays_exponentially():
    lam, mu, c = 1 / 25, 1 / 100, 6
    assert prob_wait_exceeds(c, lam, mu, 0.0) == pytest.approx(erlang_c(c, lam / mu))
    ratio = prob_wait_exceeds(c, lam, mu, 120.0) / prob_wait_exceeds(c, lam, mu, 60.0)
    assert ratio == pytest.approx(math.exp(-(c * mu - lam) * 60.0))


@pytest.mark.parametrize("lam,mu,target,limit", [(1 / 25, 1 / 100, 60, 0.2),
                                                  (1 / 6, 1 / 50, 20, 0.05),
                                                  (0.5, 0.1, 0.0, 0.5)])
def test_servers_for_target_is_the_smallest_that_meets_it(lam, mu, target, limit):
    c = servers_for_wait_target(lam, mu, target, limit)
    assert c is not None and c > lam / mu
    assert prob_wait_exceeds(c, lam, mu, target) <= limit
    assert prob_wait_exceeds(c - 1, lam, mu, target) > limit


def test_servers_for_target_gives_up_beyond_the_cap():
    assert servers_for_wait_target(10.0, 0.1, 1.0, 1e-9, max_servers=50) is None


def test_square_root_staffing():
    assert square_root_staffing(0.0) == 0
    assert square_root_staffing(16.0, 1.0) == 20
    assert square_root_staffing(100.0, 2.0) == 120
    assert square_root_staffing(3.0, 0.0) == 4  # never c <= a: the queue would be unstable


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        erlang_c(2.5, 1.0)
    with pytest.raises(ValueError):
        erlang_c(2, -1.0)


def test_expm_matches_scipy_on_chain_generators():
    """The Erlang A breach uses a numpy matrix exponential (SciPy is optional): it equals
    scipy.linalg.expm on pure-death chain generators of several sizes and horizons."""
    import numpy as np
    from scipy.linalg import expm as scipy_expm

    from bpsim.whatif.queueing import expm

    for n in (2, 8, 40):
        q = np.zeros((n, n))
        for j in range(n - 1):
            rate = 2.0 + 0.3 * j
            q[j, j] = -rate
            q[j, j - 1 if j else n - 1] = rate
        for t in (0.01, 3.0, 500.0, 1e5):
            assert np.max(np.abs(expm(q * t) - scipy_expm(q * t))) < 1e-12
