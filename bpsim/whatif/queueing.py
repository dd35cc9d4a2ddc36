"""Queueing formulas: how many people a queue of tickets needs, on paper.

Picture the agents' in-tray: tickets arrive at random (``lam`` per second), each takes an
agent a random time (mean ``1/mu`` seconds), ``c`` agents work in parallel. That is the
M/M/c queue, and Agner Krarup Erlang solved it for telephone exchanges in 1917:

* the **offered load** ``a = lam / mu`` (in erlangs) is the number of agents the work would
  keep busy full time; with ``c <= a`` the in-tray grows without end;
* **Erlang C**, ``C(c, a)``, is the probability that a ticket has to wait at all;
* the wait beyond a target ``T`` then has the tail
  ``P(Wq > T) = C(c, a) * exp(-(c*mu - lam) * T)``;
* **square-root staffing**, ``c = a + beta * sqrt(a)``, is the rule of thumb that keeps the
  quality of service constant as the desk grows.

When callers hang up after an exponential patience (rate ``theta``), the queue is **Erlang A**
(M/M/c+M): :func:`erlang_a` gives its exact probabilities of waiting and of abandoning and
the mean wait of the served, :func:`erlang_a_breach` the share of callers not answered
within a target (abandoned ones included), from the birth-death chain of the number in
system. Erlang A has an answer for any load, even above 100 %.

bpsim uses these as a *starting point* for the staffing optimiser (a real desk has office
hours, priorities, loops and several roles, which only simulation captures); the simulation
then confirms and refines the answer.
"""

from __future__ import annotations

import math

__all__ = [
    "erlang_b",
    "erlang_c",
    "prob_wait_exceeds",
    "mean_wait",
    "servers_for_wait_target",
    "square_root_staffing",
    "erlang_a",
    "erlang_a_breach",
]


def _check(c: int, a: float) -> None:
    if int(c) != c or c < 0:
        raise ValueError(f"the number of servers must be a whole number >= 0, got {c}")
    if a < 0 or math.isnan(a):
        raise ValueError(f"the offered load must be >= 0, got {a}")


def erlang_b(c: int, a: float) -> float:
    """Erlang B: the probability that all ``c`` servers are busy in a loss system.

    Computed by the stable recursion ``B(0) = 1``, ``B(k) = a B(k-1) / (k + a B(k-1))``.

    >>> erlang_b(1, 1.0)
    0.5
    """
    _check(c, a)
    b = 1.0
    for k in range(1, int(c) + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Erlang C: the probability that an arriving ticket waits in an M/M/c queue.

    Parameters
    ----------
    c : int
        Number of servers (people).
    a : float
        Offered load in erlangs (arrival rate x mean service time).

    Returns
    -------
    float
        ``C(c, a)``; 1.0 when ``a >= c`` (the queue is unstable: everyone waits).

    Examples
    --------
    With one server the probability of waiting is the utilisation:

    >>> erlang_c(1, 0.7)
    0.7
    """
    _check(c, a)
    if c == 0 or a >= c:
        return 1.0
    if a == 0:
        return 0.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def prob_wait_exceeds(c: int, arrival_rate: float, service_rate: float, t: float) -> float:
    """``P(Wq > t)`` in an M/M/c queue (FIFO): ``C(c, a) * exp(-(c*mu - lam) * t)``.

    Rates are per second, ``t`` in seconds. 1.0 when the queue is unstable.
    """
    a = arrival_rate / service_rate
    if a >= c:
        return 1.0
    return erlang_c(c, a) * math.exp(-(c * service_rate - arrival_rate) * t)


def mean_wait(c: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue of an M/M/c queue: ``C(c, a) / (c*mu - lam)`` (``inf`` if unstable)."""
    a = arrival_rate / service_rate
    if a >= c:
        return math.inf
    return erlang_c(c, a) / (c * service_rate - arrival_rate)


def servers_for_wait_target(
    arrival_rate: float,
    service_rate: float,
    target: float,
    max_breach: float,
    max_servers: int = 10_000,
) -> int | None:
    """The smallest ``c`` with ``P(Wq > target) <= max_breach`` (``None`` if above ``max_servers``).

    ``max_breach`` is ``1 - attain``: a 95 % SLA allows 5 % of tickets to wait longer.

    >>> servers_for_wait_target(1 / 25, 1 / 100, 60.0, 0.2)
    6
    """
    if arrival_rate <= 0:
        return 0 if max_breach >= 0 else None
    c = max(1, math.floor(arrival_rate / service_rate) + 1)
    while c <= max_servers:
        if prob_wait_exceeds(c, arrival_rate, service_rate, target) <= max_breach:
            return c
        c += 1
    return None


def square_root_staffing(a: float, beta: float = 1.0) -> int:
    """Square-root staffing: ``ceil(a + beta * sqrt(a))``, and at least ``floor(a) + 1``.

    ``beta`` sets the quality of service (about 0.5 for "most tickets wait a little",
    2 for "almost nobody waits"); the rule keeps that quality as the load ``a`` grows.

    >>> square_root_staffing(16.0, 1.0)
    20
    """
    if a < 0:
        raise ValueError(f"the offered load must be >= 0, got {a}")
    if a == 0:
        return 0
    return max(math.floor(a) + 1, math.ceil(a + beta * math.sqrt(a)))


def _erlang_a_chain(c: int, lam: float, mu: float, theta: float):
    import numpy as np

    top = c + 50
    while True:  # grow the truncation until the tail is negligible
        logs = [0.0]
        for n in range(1, top + 1):
            logs.append(logs[-1] + math.log(lam) - math.log(min(n, c) * mu + max(n - c, 0) * theta))
        w = np.exp(np.array(logs) - max(logs))
        pi = w / w.sum()
        if pi[-1] < 1e-12 or top > c + 5000:
            return pi
        top *= 2


def erlang_a(c: int, arrival_rate: float, service_rate: float, abandon_rate: float) -> dict[str, float]:
    """Erlang A (M/M/c+M): ``p_wait`` (an arrival finds everyone busy), ``p_abandon`` and
    ``wait_served`` (mean wait of the customers who are served, seconds).

    A customer finding ``j`` others in queue moves up at rate ``c mu + j theta`` and abandons
    at rate ``theta`` (see docs/fidelity.md for the recursion).

    >>> round(erlang_a(1, 1.0, 1.0, 1e-9)["p_wait"], 6) < 1   # ~ M/M/1 at rho = 1: defined
    True
    """
    pi = _erlang_a_chain(c, arrival_rate, service_rate, abandon_rate)
    mu, th = service_rate, abandon_rate
    a_prev, m_prev = 1.0, 0.0
    served, wait = float(pi[:c].sum()), 0.0
    for j in range(len(pi) - c):
        r = c * mu + (j + 1) * th
        p = (c * mu + j * th) / r
        a, m = p * a_prev, p * (a_prev / r + m_prev)
        served += pi[c + j] * a
        wait += pi[c + j] * m
        a_prev, m_prev = a, m
    return {"p_wait": float(pi[c:].sum()), "p_abandon": float(max(0.0, 1.0 - served)),
            "wait_served": float(wait / served) if served > 0 else math.inf}


def erlang_a_breach(c: int, arrival_rate: float, service_rate: float, abandon_rate: float,
                    t: float) -> float:
    """Share of arrivals **not** taken in charge within ``t`` seconds in Erlang A: those who
    wait longer plus those who abandon (an abandoned caller breaches a "answered within" SLA).

    Exact: the queue position of a waiting customer is a pure-death chain with abandonment;
    ``P(served by t | position j)`` comes from its matrix exponential.
    """
    import numpy as np

    if c <= 0:
        return 1.0
    pi = _erlang_a_chain(c, arrival_rate, service_rate, abandon_rate)
    k = len(pi) - c
    mu, th = service_rate, abandon_rate
    q = np.zeros((k + 1, k + 1))  # positions 0..k-1, then "served" (absorbing)
    for j in range(k):
        out = c * mu + (j + 1) * th
        q[j, j] = -out
        if j == 0:
            q[0, k] = c * mu
        else:
            q[j, j - 1] = c * mu + j * th
    served_by_t = expm(q * t)[:k, k]
    served_by_t = np.clip(served_by_t, 0.0, 1.0)
    met = float(pi[:c].sum()) + float(np.dot(pi[c:], served_by_t))
    return min(1.0, max(0.0, 1.0 - met))


def expm(a):
    """The matrix exponential of a small square matrix, with numpy only (SciPy is an
    optional extra): scaling and squaring of a 20-term Taylor series, the matrix first
    halved until its 1-norm is below 1/2. For the generator matrices above (a
    continuous-time Markov chain's rates) every term is well conditioned; within 1e-12 of
    ``scipy.linalg.expm`` on them (tests/whatif/test_queueing.py)."""
    import numpy as np

    a = np.asarray(a, dtype=float)
    norm = float(np.abs(a).sum(axis=0).max()) if a.size else 0.0
    squarings = max(0, int(math.ceil(math.log2(norm / 0.5)))) if norm > 0.5 else 0
    x = a / (2.0 ** squarings)
    out = np.eye(len(a))
    term = np.eye(len(a))
    for n in range(1, 21):
        term = term @ x / n
        out = out + term
    for _ in range(squarings):
        out = out @ out
    return out
