"""Erlang A on paper: limits that tie it to Erlang C and to its own abandonment figure."""

from __future__ import annotations

import pytest

from bpsim.whatif.queueing import erlang_a, erlang_a_breach, erlang_c, prob_wait_exceeds


def test_breach_at_zero_is_the_waiting_share_and_at_infinity_the_abandon_share():
    a = erlang_a(3, 1 / 40, 1 / 100, 1 / 200)
    assert erlang_a_breach(3, 1 / 40, 1 / 100, 1 / 200, 0.0) == pytest.approx(a["p_wait"], rel=1e-9)
    assert erlang_a_breach(3, 1 / 40, 1 / 100, 1 / 200, 1e7) == pytest.approx(a["p_abandon"], rel=1e-6)


def test_almost_infinite_patience_gives_erlang_c():
    lam, mu, c, theta = 1 / 40, 1 / 100, 3, 1e-9
    assert erlang_a(c, lam, mu, theta)["p_wait"] == pytest.approx(erlang_c(c, lam / mu), rel=1e-4)
    assert erlang_a_breach(c, lam, mu, theta, 60.0) == pytest.approx(prob_wait_exceeds(c, lam, mu, 60.0), rel=1e-3)


def test_overload_has_an_answer():
    a = erlang_a(2, 1 / 20, 1 / 100, 1 / 120)  # rho = 2.5
    assert 0.5 < a["p_abandon"] < 1 and a["p_wait"] > 0.9
