"""How fast is bpsim's engine? M/M/2 through bpsim.engine.run against a lean simpy model.

One agent pair, tickets every 60 s on average (Poisson), 100 s of work each (exponential):
the textbook M/M/2 queue (Erlang C: Wq = 227.27 s). The model is a BPMN file written inline
(start -> "Serve" user task -> end), read by bpsim, and simulated with full event records;
the baseline is the twenty-line simpy model in ``benchmarks/_lean.py``. Both run in this
process, alternately, best of ``--repeat``, timed in CPU seconds of this process (other jobs
on a shared machine slow the wall clock, much less the CPU time); compare only the ratio.

    python benchmarks/mm2.py                 # 10^5 customers, speed of both and their ratio
    python benchmarks/mm2.py --million       # + 10^6 customers: time and peak memory
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # run from a checkout without installing

from _lean import lean_mmc  # noqa: E402

import bpsim.engine  # noqa: E402
from bpsim.scenario.distributions import Exponential  # noqa: E402
from bpsim.scenario.spec import Arrival, BoundScenario, Role, Shift, TaskSpec  # noqa: E402

LAM_MEAN, MU_MEAN, C = 60.0, 100.0, 2

MM2_BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="bench">
  <process id="Process_MM2" name="M/M/2">
    <laneSet><lane id="Lane_Server" name="Server">
      <flowNodeRef>Start</flowNodeRef><flowNodeRef>Serve</flowNodeRef><flowNodeRef>End</flowNodeRef>
    </lane></laneSet>
    <startEvent id="Start" name="Customer arrives"/>
    <userTask id="Serve" name="Serve"/>
    <endEvent id="End" name="Customer leaves"/>
    <sequenceFlow id="F1" sourceRef="Start" targetRef="Serve"/>
    <sequenceFlow id="F2" sourceRef="Serve" targetRef="End"/>
  </process>
</definitions>"""


def mm2(customers: int, seed: int = 1):
    """The M/M/2 process (read from the inline BPMN) and its bound scenario."""
    from bpsim.io.bpmn import read_bpmn

    process = read_bpmn(MM2_BPMN)
    import datetime as dt

    bound = BoundScenario(
        name="M/M/2", seed=seed, replications=1, horizon=None, cases=customers, warmup=0.0,
        start=dt.datetime(2026, 1, 5),
        arrivals={"Start": Arrival(start="Start", interarrival=Exponential(mean=LAM_MEAN))},
        roles={"Server": Role(name="Server", shifts=[Shift(staff=C)])},
        tasks={"Serve": TaskSpec("Serve", Exponential(mean=MU_MEAN), role="Server")},
    )
    return process, bound


def erlang_c_wq(lam: float, mu: float, c: int) -> float:
    from math import factorial

    a = lam / mu
    rho = a / c
    top = a**c / factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def time_engine(customers: int, seed: int = 1) -> tuple[float, float]:
    process, bound = mm2(customers, seed)
    gc.collect()
    t = time.process_time()
    out = bpsim.engine.run(process, bound)
    elapsed = time.process_time() - t
    ev = out.events
    start = ev.time[ev.lifecycle == "start"].to_numpy()
    enabled = ev.time[ev.lifecycle == "enabled"].to_numpy()
    n = min(len(start), len(enabled))
    # both are in case order only per case; compute by case to be exact
    s = ev[ev.lifecycle == "start"].set_index("case").time
    e = ev[ev.lifecycle == "enabled"].set_index("case").time
    wq = float((s - e.reindex(s.index)).mean()) if n else float("nan")
    return elapsed, wq


def time_lean(customers: int, seed: int = 1) -> tuple[float, float]:
    gc.collect()
    t = time.process_time()
    waits = lean_mmc(customers, 1 / LAM_MEAN, 1 / MU_MEAN, C, seed)
    elapsed = time.process_time() - t
    return elapsed, sum(waits) / len(waits)


def peak_memory(customers: int) -> tuple[float, float]:
    """(tracemalloc peak MB, max resident set MB) of one engine run of ``customers``."""
    process, bound = mm2(customers)
    gc.collect()
    tracemalloc.start()
    out = bpsim.engine.run(process, bound)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak / 2**20, rss


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--million", action="store_true", help="also run 10^6 customers (time, memory)")
    args = ap.parse_args(argv)
    n = args.customers
    print(f"M/M/2, lambda = 1/{LAM_MEAN:g} s, mu = 1/{MU_MEAN:g} s, {n:,} customers; "
          f"Erlang C Wq = {erlang_c_wq(1 / LAM_MEAN, 1 / MU_MEAN, C):.2f} s")
    best_e = best_l = float("inf")
    ratios = []
    for k in range(args.repeat):
        te, wq_e = time_engine(n, seed=k + 1)
        tl, wq_l = time_lean(n, seed=k + 1)
        best_e, best_l = min(best_e, te), min(best_l, tl)
        ratios.append(tl / te)
        print(f"  round {k + 1}: bpsim {n / te:10,.0f} cases/s (Wq {wq_e:6.1f} s)   "
              f"lean simpy {n / tl:10,.0f} cases/s (Wq {wq_l:6.1f} s)   ratio {tl / te:.2f}")
    print(f"best: bpsim.engine.run {n / best_e:,.0f} cases/s, lean simpy {n / best_l:,.0f} cases/s, "
          f"ratio of bests {best_l / best_e:.2f}x, median ratio per round "
          f"{statistics.median(ratios):.2f}x (>1: bpsim faster; CPU time)")
    if args.million:
        m = 1_000_000
        te, wq = time_engine(m)
        print(f"10^6 customers: bpsim {m / te:,.0f} cases/s (Wq {wq:.1f} s)")
        peak, rss = peak_memory(m)
        print(f"10^6 customers: peak traced memory {peak:.0f} MB, max RSS of this process {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
