"""Fidelity checks of customer and staff behaviour: abandonment, blocking, preemption,
shrinkage, skills-based routing.

The exact values come from birth-death chains and small continuous-time Markov chains solved
here with numpy (truncated where their tail mass is below 1e-12), or from closed formulas;
the rows join :data:`tests.engine.fidelity_cases.ALL`.
"""

from __future__ import annotations

import math

import numpy as np

from bpsim.engine import run
from bpsim.scenario.spec import Retrial, TaskSpec

from .fidelity_cases import Check, per_rep
from .models import Exponential, line, mmc

REPS = 20


# -- exact models ---------------------------------------------------------------------------
def birth_death(lam: float, death, top: int) -> np.ndarray:
    """Stationary law of a birth-death chain on 0..top (birth ``lam``, death ``death(n)``)."""
    logs = [0.0]
    for n in range(1, top + 1):
        logs.append(logs[-1] + math.log(lam) - math.log(death(n)))
    w = np.exp(np.array(logs) - max(logs))
    return w / w.sum()


def erlang_a(lam: float, mu: float, theta: float, c: int, top: int = 400) -> dict[str, float]:
    """M/M/c+M (Erlang A): exact P(wait > 0), P(abandon), mean wait of the served.

    Birth-death chain on the number in system n: birth lam, death min(n, c) mu + (n - c)+ theta.
    An arrival (PASTA) that finds n >= c stands at position j = n - c of the queue; it moves up
    at rate c mu + j theta (a service completion, or one of the j ahead abandoning) and
    abandons at rate theta, so with r_j = c mu + (j + 1) theta and p_j = (c mu + j theta) / r_j:
    P(served | j) = a_j = p_j a_(j-1) and E[W 1{served} | j] = m_j = p_j (a_(j-1) / r_j + m_(j-1)),
    with a_(-1) = 1, m_(-1) = 0.
    """
    pi = birth_death(lam, lambda n: min(n, c) * mu + max(n - c, 0) * theta, top)
    a_prev, m_prev = 1.0, 0.0
    served = float(pi[:c].sum())
    wait_served = 0.0
    for j in range(top - c + 1):
        r = c * mu + (j + 1) * theta
        p = (c * mu + j * theta) / r
        a = p * a_prev
        m = p * (a_prev / r + m_prev)
        served += pi[c + j] * a
        wait_served += pi[c + j] * m
        a_prev, m_prev = a, m
    return {"p_wait": float(pi[c:].sum()), "p_abandon": 1.0 - served, "wait_served": wait_served / served}


def mmck(lam: float, mu: float, c: int, k: int) -> dict[str, float]:
    """M/M/c/K (K = c + waiting places): blocking probability pi_K and mean wait of the admitted,
    Wq = Lq / (lam (1 - pi_K)) (Little's law); K = c is Erlang B."""
    pi = birth_death(lam, lambda n: min(n, c) * mu, k)
    lq = float(sum(max(n - c, 0) * pi[n] for n in range(k + 1)))
    return {"p_block": float(pi[k]), "wait": lq / (lam * (1 - pi[k]))}


def erlang_b(a: float, c: int) -> float:
    """Erlang B by its recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


# -- measuring ------------------------------------------------------------------------------
def first_visits(out, r: int, element: str = "Serve", warmup: float = 0.0):
    """Per measured ticket at ``element``: enabled, start, abandoned and blocked times."""
    ev = out.events[(out.events.replication == r) & (out.events.element == element)]
    arrivals = out.cases[out.cases.replication == r].set_index("case").arrival
    keep = arrivals[arrivals >= warmup].index
    piv = {lc: ev[ev.lifecycle == lc].drop_duplicates("case").set_index("case").time
           for lc in ("enabled", "start", "abandoned", "blocked")}
    cases = keep.intersection(piv["enabled"].index.union(piv["blocked"].index))
    return {lc: t.reindex(cases) for lc, t in piv.items()}


def abandon_share(o, r, warmup):
    v = first_visits(o, r, warmup=warmup)
    return float(v["abandoned"].notna().mean())


def wait_share(o, r, warmup):
    v = first_visits(o, r, warmup=warmup)
    waited = v["start"].isna() | (v["start"] > v["enabled"])
    return float(waited[v["enabled"].notna()].mean())


def served_wait(o, r, warmup):
    v = first_visits(o, r, warmup=warmup)
    w = (v["start"] - v["enabled"]).dropna()
    return float(w.mean())


def block_share(o, r, warmup):
    v = first_visits(o, r, warmup=warmup)
    return float(v["blocked"].notna().mean())


# -- checks ---------------------------------------------------------------------------------
def check_erlang_a(lam_mean: float, seed: int, c: int = 3, mu_mean: float = 100.0,
                   patience: float = 200.0, cases: int = 6000) -> list[Check]:
    warm = 200 * lam_mean
    p, b = mmc(lam_mean, mu_mean, c, cases=cases, warmup=warm, replications=REPS, seed=seed)
    b.tasks["Serve"].patience = {None: Exponential(mean=patience)}
    out = run(p, b)
    lam, mu, theta = 1 / lam_mean, 1 / mu_mean, 1 / patience
    exact = erlang_a(lam, mu, theta, c)
    name = (f"Erlang A M/M/{c}+M (rho = {lam / (c * mu):.2f}, 1/mu = {mu_mean:g}s, "
            f"mean patience {patience:g}s)")
    return [
        Check(name, "P(abandon)", exact["p_abandon"], per_rep(out, lambda o, r: abandon_share(o, r, warm))),
        Check(name, "P(wait > 0)", exact["p_wait"], per_rep(out, lambda o, r: wait_share(o, r, warm))),
        Check(name, "mean wait of served (s)", exact["wait_served"],
              per_rep(out, lambda o, r: served_wait(o, r, warm))),
    ]


def check_erlang_b(seed: int = 41) -> list[Check]:
    lam_mean, mu_mean, c = 30.0, 100.0, 4
    warm = 100 * lam_mean
    p, b = mmc(lam_mean, mu_mean, c, cases=5000, warmup=warm, replications=REPS, seed=seed)
    b.tasks["Serve"].capacity = 0
    out = run(p, b)
    a = mu_mean / lam_mean
    return [Check(f"Erlang B M/M/{c}/{c} (a = {a:.3g} erlang)", "P(blocked)", erlang_b(a, c),
                  per_rep(out, lambda o, r: block_share(o, r, warm)))]


def check_mmck(seed: int = 42) -> list[Check]:
    lam_mean, mu_mean, c, places = 40.0, 100.0, 2, 5
    warm = 200 * lam_mean
    p, b = mmc(lam_mean, mu_mean, c, cases=6000, warmup=warm, replications=REPS, seed=seed)
    b.tasks["Serve"].capacity = places
    out = run(p, b)
    exact = mmck(1 / lam_mean, 1 / mu_mean, c, c + places)
    name = f"M/M/{c}/{c + places} ({places} waiting places, rho = {mu_mean / (c * lam_mean):.2f})"
    return [Check(name, "P(blocked)", exact["p_block"], per_rep(out, lambda o, r: block_share(o, r, warm))),
            Check(name, "mean wait of admitted (s)", exact["wait"],
                  per_rep(out, lambda o, r: served_wait(o, r, warm)))]


BEHAVIOUR = {
    "erlang_a": lambda: check_erlang_a(40.0, seed=43),
    "erlang_a_overloaded": lambda: check_erlang_a(25.0, seed=44),
    "erlang_b": check_erlang_b,
    "mmck": check_mmck,
}

__all__ = ["BEHAVIOUR", "erlang_a", "mmck", "erlang_b", "birth_death", "Retrial", "TaskSpec", "line"]
