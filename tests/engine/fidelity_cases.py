"""Fidelity checks: textbook formulas against the engine's own confidence intervals.

Each check builds a small model, runs it for ``REPS`` replications with a fixed seed, and
returns rows ``Check(model, quantity, formula, samples)``: the formula's value computed here
from the model's parameters, and one simulated value per replication. The test suite asserts
that every formula lies inside the 95 % t-interval of its samples; ``docs/make_fidelity.py``
prints the same rows as the table of ``docs/fidelity.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from math import factorial

import numpy as np
from scipy import stats

from bpsim.engine import run
from bpsim.scenario.spec import Arrival, BoundarySpec, EventSpec, GatewaySpec, LoopSpec, TaskSpec

from .models import Exponential, Fixed, bound, build, line, mmc

REPS = 20


@dataclass
class Check:
    model: str
    quantity: str
    formula: float
    samples: np.ndarray

    @property
    def mean(self) -> float:
        return float(np.mean(self.samples))

    @property
    def half_width(self) -> float:
        n = len(self.samples)
        return float(stats.t.ppf(0.975, n - 1) * np.std(self.samples, ddof=1) / math.sqrt(n))

    @property
    def inside(self) -> bool:
        return abs(self.formula - self.mean) <= self.half_width


# -- formulas ----------------------------------------------------------------------------
def erlang_c(lam: float, mu: float, c: int) -> float:
    """P(wait > 0) in M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / c
    top = a**c / factorial(c) / (1 - rho)
    return top / (sum(a**k / factorial(k) for k in range(c)) + top)


def mmc_wq(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c."""
    return erlang_c(lam, mu, c) / (c * mu - lam)


def mmc_tail(lam: float, mu: float, c: int, t: float) -> float:
    """P(Wq > t) in M/M/c."""
    return erlang_c(lam, mu, c) * math.exp(-(c * mu - lam) * t)


def cobham(lams: list[float], mus: list[float]) -> list[float]:
    """Mean waits of non-preemptive priority classes, exponential service (Cobham 1954)."""
    w0 = sum(lam * 2 / mu**2 for lam, mu in zip(lams, mus)) / 2
    out, sigma = [], 0.0
    for lam, mu in zip(lams, mus):
        before = sigma
        sigma += lam / mu
        out.append(w0 / ((1 - before) * (1 - sigma)))
    return out


def expected_max(a: float, b: float) -> float:
    """E[max(X, Y)] for independent exponentials of rates a, b."""
    return 1 / a + 1 / b - 1 / (a + b)


# -- measuring ----------------------------------------------------------------------------
def per_rep(out, fn) -> np.ndarray:
    return np.array([fn(out, r) for r in sorted(out.windows.replication)])


def waits(out, r, element="Serve", warmup=0.0):
    ev = out.events[out.events.replication == r]
    ev = ev[ev.element == element]
    arrivals = out.cases[out.cases.replication == r].set_index("case").arrival
    en = ev[ev.lifecycle == "enabled"].drop_duplicates("case").set_index("case").time
    st = ev[ev.lifecycle == "start"].drop_duplicates("case").set_index("case").time
    w = (st - en.reindex(st.index)).dropna()
    return w[arrivals.reindex(w.index) >= warmup]


def cycle_times(out, r, warmup=0.0):
    c = out.cases[(out.cases.replication == r) & (out.cases.arrival >= warmup)]
    return (c.end - c.arrival).to_numpy()


def count(out, r, element, lifecycle):
    ev = out.events[out.events.replication == r]
    return int(((ev.element == element) & (ev.lifecycle == lifecycle)).sum())


def ncases(out, r):
    return int((out.cases.replication == r).sum())


# -- checks -------------------------------------------------------------------------------
def check_mmc(c: int, lam_mean: float, mu_mean: float, cases: int = 6000, seed: int = 11) -> list[Check]:
    lam, mu = 1 / lam_mean, 1 / mu_mean
    warm = 300 * lam_mean
    p, b = mmc(lam_mean, mu_mean, c, cases=cases, warmup=warm, replications=REPS, seed=seed)
    out = run(p, b)
    name = f"M/M/{c} (1/lambda={lam_mean:g}s, 1/mu={mu_mean:g}s)"
    t = mu_mean / 2

    def util(o, r):
        s = o.staff[o.staff.replication == r]
        return s.busy.sum() / s.on_shift.sum()

    return [
        Check(name, "mean wait Wq (s)", mmc_wq(lam, mu, c), per_rep(out, lambda o, r: waits(o, r, warmup=warm).mean())),
        Check(name, "P(wait > 0)", erlang_c(lam, mu, c), per_rep(out, lambda o, r: (waits(o, r, warmup=warm) > 0).mean())),
        Check(name, f"P(Wq > {t:g} s)", mmc_tail(lam, mu, c, t), per_rep(out, lambda o, r: (waits(o, r, warmup=warm) > t).mean())),
        Check(name, "utilisation rho", lam / (c * mu), per_rep(out, util)),
    ]


def check_tandem(seed: int = 12) -> list[Check]:
    lam_mean = 60.0
    stages = [("Log", 40.0, 1), ("Fix", 90.0, 2), ("Close", 45.0, 1)]
    p = line(*[s for s, _m, _c in stages])
    b = bound({s: (m, f"R{s}") for s, m, _c in stages}, {f"R{s}": c for s, _m, c in stages},
              interarrival=Exponential(mean=lam_mean), cases=6000, warmup=300 * lam_mean,
              replications=REPS, seed=seed)
    out = run(p, b)
    lam = 1 / lam_mean
    formula = sum(mmc_wq(lam, 1 / m, c) + m for _s, m, c in stages)
    return [Check("tandem line M/M/1 -> M/M/2 -> M/M/1 (Jackson)", "mean sojourn (s)", formula,
                  per_rep(out, lambda o, r: np.nanmean(cycle_times(o, r, 300 * lam_mean))))]


def check_priority(seed: int = 13) -> list[Check]:
    lam_mean, mu_mean, share = 60.0, 45.0, 0.3
    p, b = mmc(lam_mean, mu_mean, 1, cases=8000, warmup=300 * lam_mean, replications=REPS, seed=seed,
               classes=["P1", "P2"])
    b.arrivals["Start"].classes = {"P1": share, "P2": 1 - share}
    out = run(p, b)
    lam = 1 / lam_mean
    w1, w2 = cobham([lam * share, lam * (1 - share)], [1 / mu_mean, 1 / mu_mean])

    def cls_wait(k):
        def f(o, r):
            w = waits(o, r, warmup=300 * lam_mean)
            cls = o.cases[o.cases.replication == r].set_index("case").cls
            return w[cls.reindex(w.index) == k].mean()
        return f

    name = "2 priority classes, 1 server (Cobham, non-preemptive)"
    return [Check(name, "mean wait P1 (s)", w1, per_rep(out, cls_wait("P1"))),
            Check(name, "mean wait P2 (s)", w2, per_rep(out, cls_wait("P2")))]


def fork_join(a_mean: float, b_mean: float, gateway: str = "parallelGateway", **kw):
    nodes = {"Start": "startEvent", "Split": gateway, "A": "serviceTask", "B": "serviceTask",
             "Join": gateway, "End": "endEvent"}
    flows = [("Start", "Split"), ("Split", "A"), ("Split", "B"), ("A", "Join"), ("B", "Join"),
             ("Join", "End")]
    p = build(nodes, flows)
    b = bound({"A": TaskSpec("A", Exponential(mean=a_mean)), "B": TaskSpec("B", Exponential(mean=b_mean))},
              interarrival=Exponential(mean=100.0), **kw)
    return p, b


def check_fork_join(seed: int = 1) -> list[Check]:
    a_mean, b_mean = 30.0, 50.0
    p, b = fork_join(a_mean, b_mean, cases=2000, replications=REPS, seed=seed)
    out = run(p, b)
    return [Check("parallel fork/join, Exp branches", "mean cycle time = E[max] (s)",
                  expected_max(1 / a_mean, 1 / b_mean), per_rep(out, lambda o, r: cycle_times(o, r).mean()))]


def check_inclusive(seed: int = 15) -> list[Check]:
    a_mean, b_mean, pa, pb = 30.0, 50.0, 0.6, 0.5
    p, b = fork_join(a_mean, b_mean, gateway="inclusiveGateway", cases=2000, replications=REPS, seed=seed)
    b.gateways["Split"] = GatewaySpec("Split", {"F2": pa, "F3": pb})
    out = run(p, b)
    none = (1 - pa) * (1 - pb)  # neither drawn: the most probable branch (A) is taken
    both, a_only, b_only = pa * pb, pa * (1 - pb) + none, (1 - pa) * pb
    cycle = both * expected_max(1 / a_mean, 1 / b_mean) + a_only * a_mean + b_only * b_mean
    name = "inclusive split + OR-join"
    return [
        Check(name, "share of tickets through A", pa + none, per_rep(out, lambda o, r: count(o, r, "A", "complete") / ncases(o, r))),
        Check(name, "share of tickets through B", pb, per_rep(out, lambda o, r: count(o, r, "B", "complete") / ncases(o, r))),
        Check(name, "mean cycle time (s)", cycle, per_rep(out, lambda o, r: cycle_times(o, r).mean())),
    ]


def check_exclusive(seed: int = 16) -> list[Check]:
    probs = {"F2": 0.2, "F3": 0.5, "F4": 0.3}
    nodes = {"Start": "startEvent", "X": "exclusiveGateway", "E1": "endEvent", "E2": "endEvent", "E3": "endEvent"}
    p = build(nodes, [("Start", "X"), ("X", "E1"), ("X", "E2"), ("X", "E3")])
    b = bound({}, interarrival=Exponential(mean=10.0), cases=2000, replications=REPS, seed=seed,
              gateways={"X": GatewaySpec("X", probs)})
    out = run(p, b)
    return [Check("exclusive split 0.2/0.5/0.3", f"share to {e}", pr,
                  per_rep(out, lambda o, r, e=e: count(o, r, e, "end") / ncases(o, r)))
            for e, pr in zip(["E1", "E2", "E3"], probs.values())]


def check_event_gateway(seed: int = 17) -> list[Check]:
    m1, m2 = 3600.0, 7200.0
    nodes = {"Start": "startEvent", "G": "eventBasedGateway",
             "Reply": {"type": "intermediateCatchEvent", "event": "message"},
             "Timeout": {"type": "intermediateCatchEvent", "event": "message"},
             "E1": "endEvent", "E2": "endEvent"}
    p = build(nodes, [("Start", "G"), ("G", "Reply"), ("G", "Timeout"), ("Reply", "E1"), ("Timeout", "E2")])
    b = bound({}, interarrival=Exponential(mean=600.0), cases=2000, replications=REPS, seed=seed,
              events={"Reply": EventSpec("Reply", Exponential(mean=m1)),
                      "Timeout": EventSpec("Timeout", Exponential(mean=m2))})
    out = run(p, b)
    l1, l2 = 1 / m1, 1 / m2
    name = "event-based gateway, two Exp catch events"
    return [Check(name, "P(first event wins) = l1/(l1+l2)", l1 / (l1 + l2),
                  per_rep(out, lambda o, r: count(o, r, "Reply", "complete") / ncases(o, r))),
            Check(name, "mean wait = 1/(l1+l2) (s)", 1 / (l1 + l2), per_rep(out, lambda o, r: cycle_times(o, r).mean()))]


def boundary_model(interrupting: bool, service_mean: float, timer: float, seed: int, **kw):
    nodes = {"Start": "startEvent", "Serve": "userTask", "End": "endEvent",
             "Overdue": {"type": "boundaryEvent", "event": "timer", "attached_to": "Serve",
                         "cancel_activity": interrupting},
             "Escalate": "serviceTask", "EndEsc": "endEvent"}
    p = build(nodes, [("Start", "Serve"), ("Serve", "End"), ("Overdue", "Escalate"), ("Escalate", "EndEsc")])
    b = bound({"Serve": (service_mean, "Agent"), "Escalate": TaskSpec("Escalate", Fixed(1.0))}, {"Agent": 200},
              interarrival=Exponential(mean=60.0), cases=2000, replications=REPS, seed=seed,
              boundaries={"Overdue": BoundarySpec("Overdue", duration=Fixed(timer))}, **kw)
    return p, b


def check_boundaries(seed: int = 18) -> list[Check]:
    m, t = 100.0, 80.0
    rows = []
    p, b = boundary_model(True, m, t, seed)
    out = run(p, b)
    name = "interrupting timer boundary (Exp service, free server)"
    rows.append(Check(name, "P(timeout) = exp(-T/mean)", math.exp(-t / m),
                      per_rep(out, lambda o, r: count(o, r, "Overdue", "pass") / ncases(o, r))))
    rows.append(Check(name, "staff busy per ticket = mean(1-exp(-T/mean)) (s)", m * (1 - math.exp(-t / m)),
                      per_rep(out, lambda o, r: o.staff[o.staff.replication == r].busy.sum() / ncases(o, r))))
    p, b = boundary_model(False, m, t, seed + 1)
    out = run(p, b)
    name = "non-interrupting timer boundary"
    rows.append(Check(name, "P(side path) = exp(-T/mean)", math.exp(-t / m),
                      per_rep(out, lambda o, r: count(o, r, "Escalate", "complete") / ncases(o, r))))
    rows.append(Check(name, "task completions per ticket", 1.0,
                      per_rep(out, lambda o, r: count(o, r, "Serve", "complete") / ncases(o, r))))
    return rows


def check_error_boundary(seed: int = 20) -> list[Check]:
    pr = 0.15
    nodes = {"Start": "startEvent", "Serve": "serviceTask", "End": "endEvent",
             "Failed": {"type": "boundaryEvent", "event": "error", "attached_to": "Serve", "cancel_activity": True},
             "EndFail": "endEvent"}
    p = build(nodes, [("Start", "Serve"), ("Serve", "End"), ("Failed", "EndFail")])
    b = bound({"Serve": TaskSpec("Serve", Exponential(mean=10.0))}, interarrival=Exponential(mean=60.0),
              cases=2000, replications=REPS, seed=seed,
              boundaries={"Failed": BoundarySpec("Failed", probability=pr)})
    out = run(p, b)
    return [Check("error boundary by probability", "share of tickets on the error path", pr,
                  per_rep(out, lambda o, r: count(o, r, "EndFail", "end") / ncases(o, r)))]


def check_terminate(seed: int = 21) -> list[Check]:
    a_mean, b_mean = 100.0, 50.0
    nodes = {"Start": "startEvent", "Split": "parallelGateway", "A": "serviceTask", "B": "serviceTask",
             "End": "endEvent", "Kill": {"type": "endEvent", "event": "terminate", "events": ["terminate"]}}
    p = build(nodes, [("Start", "Split"), ("Split", "A"), ("Split", "B"), ("A", "End"), ("B", "Kill")])
    b = bound({"A": TaskSpec("A", Exponential(mean=a_mean)), "B": TaskSpec("B", Exponential(mean=b_mean))},
              interarrival=Exponential(mean=60.0), cases=2000, replications=REPS, seed=seed)
    out = run(p, b)
    a, bb = 1 / a_mean, 1 / b_mean
    name = "terminate end event (A -> end, B -> terminate)"
    return [Check(name, "mean cycle time = E[B] (s)", b_mean, per_rep(out, lambda o, r: cycle_times(o, r).mean())),
            Check(name, "P(A withdrawn) = P(A > B)", bb / (a + bb),
                  per_rep(out, lambda o, r: count(o, r, "A", "withdrawn") / ncases(o, r)))]


def check_subprocess(seed: int = 22) -> list[Check]:
    m1, m2 = 20.0, 30.0
    nodes = {"Start": "startEvent", "Sub": "subProcess", "End": "endEvent",
             "S0": {"type": "startEvent", "parent": "Sub"}, "T1": {"type": "serviceTask", "parent": "Sub"},
             "T2": {"type": "serviceTask", "parent": "Sub"}, "S9": {"type": "endEvent", "parent": "Sub"}}
    p = build(nodes, [("Start", "Sub"), ("Sub", "End"), ("S0", "T1"), ("T1", "T2"), ("T2", "S9")])
    b = bound({"T1": TaskSpec("T1", Exponential(mean=m1)), "T2": TaskSpec("T2", Exponential(mean=m2))},
              interarrival=Exponential(mean=60.0), cases=2000, replications=REPS, seed=seed)
    out = run(p, b)
    return [Check("embedded sub-process (two Exp steps)", "mean cycle time (s)", m1 + m2,
                  per_rep(out, lambda o, r: cycle_times(o, r).mean()))]


def check_call_activity(seed: int = 23) -> list[Check]:
    m = 40.0
    nodes = {"Start": "startEvent", "Call": {"type": "callActivity", "called_element": "Q"}, "End": "endEvent",
             "QS": {"type": "startEvent", "process": "Q"}, "QT": {"type": "serviceTask", "process": "Q"},
             "QE": {"type": "endEvent", "process": "Q"}}
    p = build(nodes, [("Start", "Call"), ("Call", "End"), ("QS", "QT"), ("QT", "QE")])
    from bpsim.model import ProcessInfo

    p.processes["Q"] = ProcessInfo(id="Q", name="Q")
    b = bound({"QT": TaskSpec("QT", Exponential(mean=m))}, interarrival=Exponential(mean=60.0), cases=2000,
              replications=REPS, seed=seed)
    out = run(p, b)
    return [Check("call activity to a process of the file", "mean cycle time (s)", m,
                  per_rep(out, lambda o, r: cycle_times(o, r).mean()))]


def check_loop(seed: int = 24) -> list[Check]:
    exit_p = 0.4
    nodes = {"Start": "startEvent", "M": "exclusiveGateway", "Work": "serviceTask", "Again": "exclusiveGateway",
             "End": "endEvent"}
    p = build(nodes, [("Start", "M"), ("M", "Work"), ("Work", "Again"), ("Again", "End"), ("Again", "M")])
    b = bound({"Work": TaskSpec("Work", Exponential(mean=10.0))}, interarrival=Exponential(mean=60.0),
              cases=2000, replications=REPS, seed=seed,
              gateways={"Again": GatewaySpec("Again", {"F4": exit_p, "F5": 1 - exit_p})})
    out = run(p, b)
    return [Check("loop with exit probability p = 0.4", "iterations per ticket = 1/p", 1 / exit_p,
                  per_rep(out, lambda o, r: count(o, r, "Work", "complete") / ncases(o, r)))]


def check_loop_marker(seed: int = 25) -> list[Check]:
    repeat = 0.3
    b = bound({"Work": TaskSpec("Work", Exponential(mean=10.0))}, interarrival=Exponential(mean=60.0),
              cases=2000, replications=REPS, seed=seed,
              loops={"Work": LoopSpec("Work", "standard", repeat=repeat)})
    out = run(line("Work"), b)
    return [Check("loop marker, repeat p = 0.3", "iterations per ticket = 1/(1-p)", 1 / (1 - repeat),
                  per_rep(out, lambda o, r: count(o, r, "Work", "complete") / ncases(o, r)))]


def check_multi_instance(seed: int = 26) -> list[Check]:
    n, mean = 3, 100.0
    rows = []
    for kind, formula, what in (("parallel", sum(mean / k for k in range(1, n + 1)), "H_n * mean (max of n)"),
                                ("sequential", n * mean, "n * mean")):
        p = line("Work")
        p.graph.nodes["Work"]["loop"] = kind
        b = bound({"Work": (mean, "Staff")}, {"Staff": 3 * n}, interarrival=Exponential(mean=3600.0),
                  cases=500, replications=REPS, seed=seed,
                  loops={"Work": LoopSpec("Work", kind, instances=Fixed(n))})
        out = run(p, b)
        rows.append(Check(f"{kind} multi-instance, n = {n}, exp. service mean {mean:g}s, ample staff",
                          f"activity time = {what}", formula, per_rep(out, lambda o, r: cycle_times(o, r).mean())))
    return rows


def check_event_subprocess(seed: int = 27) -> list[Check]:
    mean, timer = 600.0, 300.0
    nodes = {"Start": "startEvent", "Work": "serviceTask", "End": "endEvent",
             "Esc": {"type": "subProcess", "triggered_by_event": True},
             "EStart": {"type": "startEvent", "parent": "Esc", "event": "timer", "interrupting": True,
                        "timer": {"kind": "timeDuration", "value": "PT5M"}},
             "EEnd": {"type": "endEvent", "parent": "Esc"}}
    p = build(nodes, [("Start", "Work"), ("Work", "End"), ("EStart", "EEnd")])
    b = bound({"Work": TaskSpec("Work", Exponential(mean=mean))}, interarrival=Exponential(mean=3600.0),
              cases=1000, replications=REPS, seed=seed)
    out = run(p, b)
    return [Check("interrupting timer event sub-process (T = 300 s) over exp. work (mean 600 s)",
                  "P(fires) = exp(-T/mean)", math.exp(-timer / mean),
                  per_rep(out, lambda o, r: count(o, r, "EStart", "pass") / ncases(o, r)))]


def check_timer_cycle(seed: int = 28) -> list[Check]:
    mean, period, reps = 600.0, 300.0, 3
    nodes = {"Start": "startEvent", "Work": "serviceTask", "End": "endEvent",
             "Remind": {"type": "boundaryEvent", "attached_to": "Work", "cancel_activity": False,
                        "event": "timer", "timer": {"kind": "timeCycle", "value": "R3/PT5M"}},
             "REnd": "endEvent"}
    p = build(nodes, [("Start", "Work"), ("Work", "End"), ("Remind", "REnd")])
    b = bound({"Work": TaskSpec("Work", Exponential(mean=mean))}, interarrival=Exponential(mean=3600.0),
              cases=1000, replications=REPS, seed=seed)
    out = run(p, b)
    return [Check("repeating timer R3/PT5M, non-interrupting, on exp. work (mean 600 s)",
                  "firings per ticket = sum_k exp(-kT/mean)", sum(math.exp(-k * period / mean) for k in range(1, reps + 1)),
                  per_rep(out, lambda o, r: count(o, r, "Remind", "pass") / ncases(o, r)))]


ALL = {
    "mm1": lambda: check_mmc(1, 60.0, 40.0),
    "mm2": lambda: check_mmc(2, 60.0, 100.0, cases=10000),
    "mm5": lambda: check_mmc(5, 20.0, 80.0),
    "tandem": check_tandem,
    "priority": check_priority,
    "fork_join": check_fork_join,
    "exclusive": check_exclusive,
    "inclusive": check_inclusive,
    "event_gateway": check_event_gateway,
    "boundary_timer": check_boundaries,
    "error_boundary": check_error_boundary,
    "terminate": check_terminate,
    "subprocess": check_subprocess,
    "call_activity": check_call_activity,
    "loop": check_loop,
    "loop_marker": check_loop_marker,
    "multi_instance": check_multi_instance,
    "event_subprocess": check_event_subprocess,
    "timer_cycle": check_timer_cycle,
}

__all__ = ["ALL", "Check", "REPS", "Arrival"]

from .fidelity_behaviour import BEHAVIOUR  # noqa: E402  (customer and staff behaviour rows)

ALL.update(BEHAVIOUR)
