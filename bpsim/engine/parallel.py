"""Replications on every core: the same records as a serial run, in the same order.

A replication's output depends only on the root seed and its number (each draws from its
own :class:`~bpsim.engine.streams.Streams`), so replications can run in separate processes
and their record columns be put back together in order: the result is bit for bit the one
of a serial run. Each worker compiles the plan once per replication it runs (cheap) and
sends back plain arrays, nothing else.

:func:`run_parts` is what :func:`bpsim.engine.run` calls when ``workers`` is more than 1.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["resolve_workers", "run_parts"]


def resolve_workers(workers: int | None, jobs: int) -> int:
    """The number of processes to use: ``None`` or 0 means every core; never more than
    the number of replications."""
    if workers is None or workers <= 0:
        workers = os.cpu_count() or 1
    return max(1, min(int(workers), int(jobs)))


def _one(job: tuple) -> tuple[int, dict]:
    """Worker side: simulate one replication (module-level, so it pickles)."""
    from bpsim.engine.plan import compile_plan
    from bpsim.engine.replication import run_replication
    from bpsim.engine.streams import Streams

    process, bound, entropy, r, record_events, collect, *rest = job
    plan = compile_plan(process, bound)
    sink = None
    if rest and rest[0]:  # streaming statistics (records=False): fold in the worker
        from bpsim.stream.collect import make_collector

        sink = make_collector(plan, bound, r, process=process, only_mser=rest[0] == "mser")
    result = run_replication(plan, bound, Streams(entropy, r), record_events=record_events,
                             collect=sink)
    if collect is not None:  # reduce in the worker: only the summary crosses back
        result = collect(plan, bound, r, result)
    return r, result


def run_parts(process, bound, entropy: int, ids: Sequence[int], *, workers: int,
              record_events: bool = True, on_done: Callable[[], None] | None = None,
              collect: Callable[..., Any] | None = None,
              streaming: bool | str = False) -> list[tuple[int, Any]]:
    """Run replications ``ids`` on ``workers`` processes; return ``(r, result)`` in the
    order of ``ids``. ``collect(plan, bound, r, result)``, when given, runs in the worker on
    each replication's raw result and its return value is sent back instead.
    ``streaming``: fold each replication into streaming statistics in the worker
    (:mod:`bpsim.stream`) instead of keeping its records."""
    results: dict[int, Any] = {}
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_one, (process, bound, entropy, r, record_events, collect,
                                      streaming))
                   for r in ids]
        try:
            for future in cf.as_completed(futures):
                r, res = future.result()
                results[r] = res
                if on_done is not None:
                    on_done()
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return [(r, results[r]) for r in ids]
