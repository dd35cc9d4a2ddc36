"""The baseline: a lean hand-written simpy M/M/c model (a process per customer, a Resource).

This is how a simpy user writes a staffed queue in twenty lines; bpsim's general engine is
measured against it (benchmarks/mm2.py).
"""

from __future__ import annotations

import random

import simpy

__all__ = ["lean_mmc"]


def lean_mmc(customers: int, lam: float, mu: float, c: int, seed: int = 1) -> list[float]:
    """Simulate ``customers`` through M/M/c; return their waits in queue (seconds)."""
    rnd = random.Random(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=c)
    waits: list[float] = []
    expo = rnd.expovariate

    def customer():
        arrived = env.now
        with desk.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(expo(mu))

    def source():
        for _ in range(customers):
            yield env.timeout(expo(lam))
            env.process(customer())

    env.process(source())
    env.run()
    return waits
