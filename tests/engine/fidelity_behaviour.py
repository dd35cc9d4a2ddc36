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


def stationary(states: list, rates) -> dict:
    """Stationary law of a finite CTMC: ``rates(state)`` yields ``(next_state, rate)``;
    transitions leaving ``states`` are dropped (the truncation)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve

    index = {x: k for k, x in enumerate(states)}
    rows, cols, vals = [], [], []
    out = np.zeros(len(states))
    for x in states:
        for y, r in rates(x):
            if r > 0 and y in index:
                rows.append(index[y])
                cols.append(index[x])
                vals.append(r)
                out[index[x]] += r
    n = len(states)
    q = coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr() - coo_matrix(
        (out, (range(n), range(n))), shape=(n, n)).tocsr()
    q = q.tolil()
    q[0, :] = 1.0  # replace one balance equation by sum(pi) = 1
    b = np.zeros(n)
    b[0] = 1.0
    pi = spsolve(q.tocsr(), b)
    return {x: float(pi[index[x]]) for x in states}


def vacations(lam: float, mu: float, c: int, alpha: float, beta: float, top: int = 200) -> dict[str, float]:
    """M/M/c whose servers take exponential breaks (rate ``alpha`` while available, length rate
    ``beta``), a busy server finishing its customer first: the CTMC on (n in system, d servers
    busy with a break due, f servers away). Available servers c - f; busy b = min(n, c - f).
    Returns P(wait > 0), mean wait Wq (Little: Lq / lam) and the share of server time away."""
    states = [(n, d, f) for n in range(top + 1) for f in range(c + 1) for d in range(c - f + 1)
              if d <= min(n, c - f)]

    def rates(x):
        n, d, f = x
        b = min(n, c - f)
        yield (n + 1, d, f), lam
        if n > 0:
            yield (n - 1, d, f), (b - d) * mu  # a server without a break due completes
            yield (n - 1, d - 1, f + 1), d * mu  # a server with a break due completes, leaves
        yield (n, d + 1, f), (b - d) * alpha  # a busy server's break falls due
        yield (n, d, f + 1), (c - f - b) * alpha  # an idle server leaves at once
        if f > 0:
            yield (n, d, f - 1), f * beta

    pi = stationary(states, rates)
    p_wait = sum(p for (n, _d, f), p in pi.items() if n >= c - f)
    lq = sum(p * (n - min(n, c - f)) for (n, _d, f), p in pi.items())
    away = sum(p * f for (_n, _d, f), p in pi.items()) / c
    return {"p_wait": p_wait, "wait": lq / lam, "away": away}


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


def check_shrinkage(seed: int = 45) -> list[Check]:
    lam_mean, mu_mean, c, share, block = 60.0, 100.0, 3, 0.25, 600.0
    warm = 200 * lam_mean
    p, b = mmc(lam_mean, mu_mean, c, cases=6000, warmup=warm, replications=REPS, seed=seed)
    b.roles["Server"].shrinkage = share
    from bpsim.engine import staff

    saved = staff.BREAK_MEAN
    staff.BREAK_MEAN = block
    try:
        out = run(p, b)
    finally:
        staff.BREAK_MEAN = saved
    beta = 1 / block
    alpha = beta * share / (1 - share)
    exact = vacations(1 / lam_mean, 1 / mu_mean, c, alpha, beta)

    def away(o, r):
        s = o.staff[o.staff.replication == r]
        return s.away.sum() / s.on_shift.sum()

    name = (f"M/M/{c} with shrinkage {share:.0%} (exp. breaks of mean {block:g}s, finished task first; "
            f"rho = {mu_mean / (c * lam_mean):.2f})")
    return [
        Check(name, "P(wait > 0)", exact["p_wait"], per_rep(out, lambda o, r: wait_share(o, r, warm))),
        Check(name, "mean wait Wq (s)", exact["wait"], per_rep(out, lambda o, r: served_wait(o, r, warm))),
        Check(name, "share of staff time away", exact["away"], per_rep(out, away)),
    ]


def preemptive_resume(lams: list[float], mus: list[float]) -> list[float]:
    """Mean time in system per class, preemptive-resume priority on one server, exponential
    service: T_k = E[S_k] / (1 - s_(k-1)) + sum_(i<=k) lam_i E[S_i^2] / (2 (1 - s_(k-1)) (1 - s_k)),
    s_k the load of classes 1..k, E[S^2] = 2 / mu^2."""
    out, sigma, second = [], 0.0, 0.0
    for lam, mu in zip(lams, mus):
        before = sigma
        sigma += lam / mu
        second += lam * 2 / mu**2
        out.append((1 / mu) / (1 - before) + second / (2 * (1 - before) * (1 - sigma)))
    return out


def check_preemptive(seed: int = 46) -> list[Check]:
    lam_mean, mu_mean, share = 60.0, 40.0, 0.3
    warm = 300 * lam_mean
    p, b = mmc(lam_mean, mu_mean, 1, cases=8000, warmup=warm, replications=REPS, seed=seed,
               classes=["P1", "P2"])
    b.arrivals["Start"].classes = {"P1": share, "P2": 1 - share}
    b.roles["Server"].preemptive = "resume"
    out = run(p, b)
    lam = 1 / lam_mean
    t1, t2 = preemptive_resume([lam * share, lam * (1 - share)], [1 / mu_mean] * 2)

    def sojourn(k):
        def f(o, r):
            c = o.cases[(o.cases.replication == r) & (o.cases.arrival >= warm) & (o.cases.cls == k)]
            return float((c.end - c.arrival).mean())
        return f

    name = "2 priority classes, 1 server, preemptive-resume (exp. service)"
    return [Check(name, "mean time in system P1 (s)", t1, per_rep(out, sojourn("P1"))),
            Check(name, "mean time in system P2 (s)", t2, per_rep(out, sojourn("P2")))]


def n_design(lam_a: float, lam_b: float, mu: float, c1: int, c2: int, top: int = 40) -> dict[str, float]:
    """The "N" design: tickets A are served by pool 1 (c1 people) or, when none of them is idle,
    by the flexible pool 2 (c2 people), who also serve tickets B and prefer them. CTMC on
    (x: pool 1 busy, y: pool 2 busy on A, z: pool 2 busy on B, qa, qb queues), queues truncated
    at ``top``. Returns mean waits (Little) and the share of A served by pool 2."""
    states = []
    for x in range(c1 + 1):
        for y in range(c2 + 1):
            for z in range(c2 - y + 1):
                full2 = y + z == c2
                for qa in range(top + 1 if (x == c1 and full2) else 1):
                    for qb in range(top + 1 if full2 else 1):
                        states.append((x, y, z, qa, qb))

    def freed2(x, y, z, qa, qb):  # a pool-2 person is free: B first, then A
        if qb:
            return (x, y, z + 1, qa, qb - 1)
        if qa:
            return (x, y + 1, z, qa - 1, qb)
        return (x, y, z, qa, qb)

    def rates(st):
        x, y, z, qa, qb = st
        if x < c1:
            yield (x + 1, y, z, qa, qb), lam_a
        elif y + z < c2:
            yield (x, y + 1, z, qa, qb), lam_a
        else:
            yield (x, y, z, qa + 1, qb), lam_a
        yield ((x, y, z + 1, qa, qb) if y + z < c2 else (x, y, z, qa, qb + 1)), lam_b
        if x:
            yield ((x, y, z, qa - 1, qb) if qa else (x - 1, y, z, qa, qb)), x * mu
        if y:
            yield freed2(x, y - 1, z, qa, qb), y * mu
        if z:
            yield freed2(x, y, z - 1, qa, qb), z * mu

    pi = stationary(states, rates)
    eqa = sum(p * st[3] for st, p in pi.items())
    eqb = sum(p * st[4] for st, p in pi.items())
    ey = sum(p * st[1] for st, p in pi.items())
    tail = sum(p for st, p in pi.items() if st[3] == top or st[4] == top)
    assert tail < 1e-6, tail
    return {"wait_a": eqa / lam_a, "wait_b": eqb / lam_b, "cross": ey * mu / lam_a}


def check_skills(seed: int = 47) -> list[Check]:
    from bpsim.scenario.spec import Arrival

    from .models import bound, build

    ma, mb, mu_mean, c1, c2 = 60.0, 120.0, 100.0, 2, 2
    p = build({"SA": "startEvent", "SB": "startEvent", "A": "userTask", "B": "userTask", "EA": "endEvent",
               "EB": "endEvent"}, [("SA", "A"), ("A", "EA"), ("SB", "B"), ("B", "EB")])
    warm = 300 * ma
    b = bound({"A": TaskSpec("A", Exponential(mean=mu_mean), roles=["Agent", "Flex"]),
               "B": TaskSpec("B", Exponential(mean=mu_mean), role="Flex")}, {"Agent": c1, "Flex": c2},
              arrivals={"SA": Arrival("SA", interarrival=Exponential(mean=ma)),
                        "SB": Arrival("SB", interarrival=Exponential(mean=mb))},
              cases=9000, warmup=warm, replications=REPS, seed=seed)
    out = run(p, b)
    exact = n_design(1 / ma, 1 / mb, 1 / mu_mean, c1, c2)

    def crossed(o, r):
        ev = o.events[(o.events.replication == r) & (o.events.element == "A") & (o.events.lifecycle == "start")]
        arr = o.cases[o.cases.replication == r].set_index("case").arrival
        ev = ev[arr.reindex(ev.case).to_numpy() >= warm]
        return float((ev.role.astype(str) == "Flex").mean())

    name = (f"skills N design: A by {c1} Agents or {c2} Flex, B by Flex only (Flex prefer B), "
            f"exp. service {mu_mean:g}s (CTMC)")
    return [
        Check(name, "mean wait A (s)", exact["wait_a"], per_rep(out, lambda o, r: served_wait_at(o, r, "A", warm))),
        Check(name, "mean wait B (s)", exact["wait_b"], per_rep(out, lambda o, r: served_wait_at(o, r, "B", warm))),
        Check(name, "share of A served by Flex", exact["cross"], per_rep(out, crossed)),
    ]


def served_wait_at(o, r, element, warmup):
    v = first_visits(o, r, element=element, warmup=warmup)
    return float((v["start"] - v["enabled"]).dropna().mean())


def check_concurrency(seed: int = 48) -> list[Check]:
    """c agents each holding N tickets at once, no slowdown: exactly M/M/(cN) (Erlang C)."""
    lam_mean, mu_mean, c, n = 30.0, 100.0, 2, 2
    warm = 200 * lam_mean
    p, b = mmc(lam_mean, mu_mean, c, cases=6000, warmup=warm, replications=REPS, seed=seed)
    b.roles["Server"].concurrency = n
    out = run(p, b)
    from bpsim.whatif.queueing import erlang_c

    servers, a = c * n, mu_mean / lam_mean
    pw = erlang_c(servers, a)
    wq = pw * mu_mean / (servers - a)

    def occupied(o, r):
        s = o.staff[o.staff.replication == r]
        return s.busy.sum() / s.on_shift.sum()

    name = (f"{c} agents x concurrency {n}, no slowdown = M/M/{servers} (Erlang C; "
            f"rho = {a / servers:.2f})")
    return [Check(name, "P(wait > 0)", pw, per_rep(out, lambda o, r: wait_share(o, r, warm))),
            Check(name, "mean wait Wq (s)", wq, per_rep(out, lambda o, r: served_wait(o, r, warm))),
            Check(name, "share of places occupied", a / servers, per_rep(out, occupied))]


def check_slowdown(seed: int = 50) -> list[Check]:
    """One agent holding up to 3 tickets, each slowed by 1 + a (k - 1) with k in hand: the
    birth-death chain with death rate k mu / (1 + a (k - 1)), k = min(n, 3)."""
    lam_mean, mu_mean, n, a = 70.0, 100.0, 3, 0.25
    warm = 300 * lam_mean
    p, b = mmc(lam_mean, mu_mean, 1, cases=6000, warmup=warm, replications=REPS, seed=seed)
    b.roles["Server"].concurrency = n
    b.roles["Server"].slowdown = a
    out = run(p, b)
    lam, mu, top = 1 / lam_mean, 1 / mu_mean, 600
    pi = birth_death(lam, lambda m: min(m, n) * mu / (1 + a * (min(m, n) - 1)), top)
    lq = float(sum(max(m - n, 0) * pi[m] for m in range(top + 1)))
    ls = float(sum(m * pi[m] for m in range(top + 1)))

    def sojourn(o, r):
        c = o.cases[(o.cases.replication == r) & (o.cases.arrival >= warm)]
        return float((c.end - c.arrival).mean())

    def engaged(o, r):
        s = o.staff[o.staff.replication == r]
        return s.engaged.sum() / s.on_shift.sum()

    name = (f"1 agent x concurrency {n}, slowdown 1 + {a:g} (k - 1), exp. work {mu_mean:g}s, "
            f"1/lambda = {lam_mean:g}s (birth-death chain)")
    return [Check(name, "P(wait > 0)", float(pi[n:].sum()), per_rep(out, lambda o, r: wait_share(o, r, warm))),
            Check(name, "mean wait Wq (s)", lq / lam, per_rep(out, lambda o, r: served_wait(o, r, warm))),
            Check(name, "mean time in system (s)", ls / lam, per_rep(out, sojourn)),
            Check(name, "share of time with a ticket in hand", 1 - float(pi[0]), per_rep(out, engaged))]


BEHAVIOUR = {
    "erlang_a": lambda: check_erlang_a(40.0, seed=43),
    "erlang_a_overloaded": lambda: check_erlang_a(25.0, seed=44),
    "erlang_b": check_erlang_b,
    "mmck": check_mmck,
    "shrinkage": check_shrinkage,
    "preemptive": check_preemptive,
    "skills": check_skills,
    "concurrency": check_concurrency,
    "slowdown": check_slowdown,
}

__all__ = ["BEHAVIOUR", "erlang_a", "mmck", "erlang_b", "birth_death", "Retrial", "TaskSpec", "line"]
