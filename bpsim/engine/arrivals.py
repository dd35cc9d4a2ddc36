"""Arrivals: when tickets come in, at each start event (channel).

E-mails arrive around the clock, calls only in office hours, portal requests mostly on weekday
mornings. Each start event of the scenario's ``arrivals`` is a source of tickets:

* a renewal process: inter-arrival times drawn from a law (``interarrival``), the first one
  draw after ``first_at``; ``scale`` divides the gaps (1.3 = 30 % more tickets);
* a rate profile (non-homogeneous Poisson process): the profile inverts its integrated rate
  (exact over nights and weekends; through its ``sampler(rng)`` when it has one); ``scale`` s multiplies the rate (``profile.scaled(s)``
  when the profile offers it, else ceil(s) independent copies each thinned to s / ceil(s),
  which is again Poisson with s times the rate);
* a trace of absolute arrival times (``scale`` does not apply).

Each new ticket gets a priority class drawn from the source's class mix (a block of draws
per numpy call). ``limit`` caps the
number of tickets of a source. Arrivals stop at the horizon.
"""

from __future__ import annotations

import math
from functools import partial
from heapq import heappush
from itertools import accumulate, chain, count, repeat

import numpy as np

from bpsim.engine.streams import BLOCK, Streams
from bpsim.engine.tokens import Call
from bpsim.errors import SimulationError

__all__ = ["schedule_arrivals"]

NORMAL = 1


def schedule_arrivals(env, schedule, node, arrival, streams: Streams, cls_index, arrive, count_arrival, source_done,
            horizon) -> None:
    """Schedule the arrivals of one start event (one channel)."""
    start = node.index
    calls, seq = env.calls, env.seq  # the clock's calendar (bpsim.engine.clock): pushed onto directly
    names = list(arrival.classes)
    for c in names:
        if c not in cls_index:
            raise SimulationError(f"arrival class {c!r} is not one of the scenario's classes",
                                  element_id=node.id, element_name=node.name,
                                  hint="list it under classes: or fix the arrival's class mix")
    weights = [float(arrival.classes[c]) for c in names]
    codes = [cls_index[c] for c in names] or [0]
    if len(codes) > 1:  # a block of classes per numpy call: bisect_right(cum, u * total)
        cum = np.array(list(accumulate(weights)))
        table, total = np.array(codes), cum[-1]
        uniform = streams.rng(f"class:{node.id}").random  # (not `rng`: reassigned below)

        def classes(_: int) -> list[int]:
            k = np.searchsorted(cum, uniform(BLOCK) * total, side="right")
            return table[np.minimum(k, len(table) - 1)].tolist()
        next_class = chain.from_iterable(map(classes, count())).__next__
    else:
        next_class = repeat(codes[0]).__next__
    limit = arrival.limit if arrival.limit is not None else math.inf
    scale = float(arrival.scale or 1.0)
    made = [0]  # tickets of this source so far
    end = math.inf if horizon is None else float(horizon)

    def one(now: float, given: int | None = None) -> bool:
        if made[0] >= limit or not count_arrival(now):
            return False
        made[0] += 1
        arrive(start, next_class() if given is None else given, now)
        return made[0] < limit

    if arrival.trace is not None:
        trace = [float(t) for t in arrival.trace]
        given = getattr(arrival, "trace_classes", None)
        if given is not None:
            for c in dict.fromkeys(given):
                if c not in cls_index:
                    raise SimulationError(f"trace class {c!r} is not one of the scenario's "
                                          "classes", element_id=node.id, element_name=node.name,
                                          hint="list it under classes:")
            given = [cls_index[c] for c in given]
        order = sorted(range(len(trace)), key=trace.__getitem__)
        trace = [trace[i] for i in order]
        given = None if given is None else [given[i] for i in order]

        def by_trace(ev: Call) -> None:
            k = ev.arg
            if one(env.now, None if given is None else given[k]) and k + 1 < len(trace) \
                    and trace[k + 1] < end:
                schedule(Call(by_trace, None, k + 1), NORMAL, trace[k + 1] - env.now)
            else:
                source_done()
        if trace and trace[0] < end:
            schedule(Call(by_trace, None, 0), NORMAL, trace[0])
        else:
            source_done()
        return

    if arrival.interarrival is not None:
        gap = streams.law(f"interarrival:{node.id}", arrival.interarrival)

        def renewal(_ev: Call) -> None:
            now = env.now
            if one(now):
                d = gap() / scale
                if now + d < end:
                    heappush(calls, (now + d, NORMAL, next(seq), Call(renewal, None, None)))
                    return
            source_done()
        d0 = float(arrival.first_at or 0.0) + gap() / scale
        if d0 < end:
            schedule(Call(renewal, None, None), NORMAL, d0)
        else:
            source_done()
        return

    if arrival.profile is None:
        raise SimulationError("arrival has no inter-arrival law, rate profile or trace",
                              element_id=node.id, element_name=node.name,
                              hint="give the start event an interarrival: under arrivals:")
    profile = arrival.profile
    if scale != 1.0 and hasattr(profile, "scaled"):  # the profile scales its own rate
        profile, scale = profile.scaled(scale), 1.0
    # Otherwise: ceil(scale) independent copies, each thinned to scale/ceil(scale).
    copies = max(1, math.ceil(scale))
    keep = scale / copies
    running = [copies]

    def copy_done() -> None:
        running[0] -= 1
        if running[0] == 0:
            source_done()

    for c in range(copies):
        rng = streams.rng(f"profile:{node.id}:{c}")
        thin = streams.uniform(f"thinning:{node.id}:{c}") if keep < 1.0 else None
        # The profile's own sampler when it has one (same numbers as next_arrival, cheaper:
        # the rng is this copy's alone, so it may draw ahead).
        sampler = getattr(profile, "sampler", None)
        draw = sampler(rng) if sampler is not None else partial(profile.next_arrival, rng=rng)

        def nhpp(ev: Call, draw=draw, thin=thin) -> None:
            now = env.now
            if thin is None or thin() < keep:
                if not one(now):
                    copy_done()
                    return
            t = draw(now)
            if t < end and math.isfinite(t):
                heappush(calls, (now + max(t - now, 0.0), NORMAL, next(seq), Call(nhpp, None, True)))
            else:
                copy_done()
        t0 = draw(float(arrival.first_at or 0.0))
        if t0 < end and math.isfinite(t0):
            schedule(Call(nhpp, None, True), NORMAL, t0)
        else:
            copy_done()
