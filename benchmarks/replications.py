"""Replications on one core, on every core, on a Dask LocalCluster: the speed-up in one run.

A what-if study is many independent *variant x replication* work items. This benchmark
runs the same 8 replications of one scenario (default: the bundled service desk,
models/service_desk.bpmn + models/service_desk.yaml, with the horizon given below) three
ways, in this order and in one process, each through :class:`bpsim.whatif.executors.Runner`
exactly as ``bpsim sweep`` runs them (simulation + headline figures per replication):

1. serially, in this process;
2. on a ``ProcessPoolExecutor`` with one worker per core;
3. on a Dask ``LocalCluster`` (one single-threaded worker process per core), timed with and
   without the cluster's start-up.

It checks that the three give identical figures and prints each time and speed-up. Dask's
figure is given with and without the start-up (starting the worker processes and importing
bpsim in each: 1 to 3 s on a small machine), which a long study pays once. On a
machine shared with other work the figures are noisy: compare only ratios from one run,
and run it twice.

    python benchmarks/replications.py                       # service desk, 8 x 180 days
    python benchmarks/replications.py --horizon 10d --replications 8
    python benchmarks/replications.py --model M.bpmn --scenario S.yaml
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]  # run from a checkout without installing


def main(argv: list[str] | None = None) -> int:
    import bpsim
    from bpsim.whatif.executors import Runner
    from bpsim.whatif.metrics import WorkItem, run_item

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(HERE.parent / "models" / "service_desk.bpmn"))
    parser.add_argument("--scenario", default=str(HERE.parent / "models" / "service_desk.yaml"))
    parser.add_argument("--horizon", default="180d", help="simulated time per replication")
    parser.add_argument("--replications", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster")
    args = parser.parse_args(argv)

    process = bpsim.read(args.model)
    scenario = bpsim.load_scenario(args.scenario)
    if args.horizon:
        scenario = scenario.vary({"horizon": args.horizon})
    seed = scenario.seed if scenario.seed is not None else 1
    items = [WorkItem(0, r, process, scenario, seed) for r in range(args.replications)]
    print(f"{args.replications} replications of {Path(args.model).name} / "
          f"{Path(args.scenario).name}, horizon {args.horizon}, {args.workers} worker(s), "
          f"{os.cpu_count()} core(s)")

    t0 = time.perf_counter()
    serial = Runner("serial").map(run_item, items)
    t_serial = time.perf_counter() - t0
    print(f"serial        {t_serial:7.2f} s")

    t0 = time.perf_counter()
    with Runner("process", workers=args.workers) as runner:
        pooled = runner.map(run_item, items)
    t_pool = time.perf_counter() - t0
    same = _equal(serial, pooled)
    print(f"process pool  {t_pool:7.2f} s   speed-up {t_serial / t_pool:4.2f}x   "
          f"identical figures: {same}")

    if not args.no_dask:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print('dask          skipped: pip install "bpsim[dask]"')
            return 0
        t0 = time.perf_counter()
        with Runner("dask", workers=args.workers) as runner:
            runner._get_client().run(_warm)  # start the workers and import bpsim in each
            t_start = time.perf_counter() - t0
            t1 = time.perf_counter()
            dasked = runner.map(run_item, items)
            t_work = time.perf_counter() - t1
        t_dask = time.perf_counter() - t0
        same = _equal(serial, dasked)
        print(f"dask cluster  {t_dask:7.2f} s   speed-up {t_serial / t_dask:4.2f}x "
              f"(cluster start {t_start:.2f} s; work alone {t_work:.2f} s, "
              f"{t_serial / t_work:4.2f}x)   identical figures: {same}")
    return 0


def _warm() -> None:
    """Import what a work item needs (a fresh Dask worker process starts without it)."""
    import bpsim.analysis  # noqa: F401
    import bpsim.engine  # noqa: F401
    import bpsim.whatif.metrics  # noqa: F401


def _equal(a: list[dict], b: list[dict]) -> bool:
    import math

    def same(x: float, y: float) -> bool:
        return x == y or (math.isnan(x) and math.isnan(y))

    return all(x.keys() == y.keys() and all(same(x[k], y[k]) for k in x) for x, y in zip(a, b))


if __name__ == "__main__":  # the guard process pools and Dask need under spawn
    raise SystemExit(main())
