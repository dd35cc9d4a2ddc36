"""Does the 95 % CI of the mean wait cover the truth? With and without ``warmup: auto``.

The heavy-traffic M/M/1 of issue 13: one agent, tickets every 10.53 min on average (Poisson),
10 min of work each (exponential): rho = 0.95, true mean wait in queue
Wq = rho / (mu - lambda) = 190 min (``--service`` changes the service time, hence how many
relaxation times, about E[S] / (1 - sqrt(rho))^2 = 1,550 service times, the horizon holds).
Each *experiment* is one ``bpsim.simulate`` of
``--replications`` replications over a ``--horizon`` run from an empty desk; its 95 % CI of the
mean wait (across replications) either covers 190 min or not. Over ``--experiments``
independent experiments (different seeds) the share that covers is the CI's coverage, which
should be 95 %. Three warm-up settings: 0 (the default), ``auto`` (MSER-5, see
docs/analysis.md) and, for reference, a fixed warm-up of a quarter of the horizon.

    python benchmarks/warmup_coverage.py                    # 200 experiments, 4 days, 10 reps
    python benchmarks/warmup_coverage.py --experiments 50   # quicker, coarser
    python benchmarks/warmup_coverage.py --service 1 --replications 5 --experiments 60 --no-fixed

Prints, per setting: coverage (with its binomial standard error), the mean estimate, the
mean CI half-width and the mean warm-up chosen.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]  # run from a checkout without installing

import bpsim  # noqa: E402
from bpsim.build import ProcessBuilder  # noqa: E402

RHO = 0.95


def model():
    b = ProcessBuilder("M/M/1", pool="Desk")
    lane = b.lane("Agent")
    start, serve, done = lane.start("Arrive"), lane.user_task("Serve"), lane.end("Done")
    start >> serve >> done
    return b.process


def scenario(warmup, seed: int, horizon: str, replications: int, service: float):
    return bpsim.Scenario.from_dict({
        "name": "M/M/1 rho 0.95", "seed": seed, "replications": replications,
        "horizon": horizon, "warmup": warmup,
        "arrivals": {"Arrive": {"interarrival":
                                f"exponential(mean={service / RHO:.6f}m)"}},
        "roles": {"Agent": {"staff": 1}},
        "tasks": {"Serve": {"duration": f"exponential(mean={service}m)"}}})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiments", type=int, default=200)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--horizon", default="4d")
    ap.add_argument("--service", type=float, default=10.0, help="mean service time (min)")
    ap.add_argument("--no-fixed", action="store_true", help="skip the fixed-warm-up row")
    args = ap.parse_args(argv)
    true_wq = RHO * args.service / (1.0 - RHO)   # rho / (mu - lambda)
    process = model()
    from bpsim.scenario.durations import parse_duration

    quarter = parse_duration(args.horizon) / 4
    settings = [("warmup 0", 0), ("warmup auto (MSER-5)", "auto"),
                (f"warmup {quarter / 3600:g}h (fixed)", quarter)][: 2 if args.no_fixed else 3]
    print(f"M/M/1, rho = {RHO}, service {args.service:g} min, true Wq = {true_wq:.0f} min; "
          f"{args.experiments} experiments x {args.replications} replications x "
          f"{args.horizon}")
    print(f"{'setting':28s} {'coverage':>14s} {'mean Wq':>9s} {'CI half':>9s} "
          f"{'warm-up':>9s} {'time':>6s}", flush=True)
    for label, warm in settings:
        hits, means, halves, warms = 0, [], [], []
        t0 = time.perf_counter()
        for e in range(args.experiments):
            r = bpsim.simulate(process, scenario(warm, 1000 + e, args.horizon,
                                                 args.replications, args.service))
            row = r.stages.set_index("name").loc["Serve"]
            mean, half = row["wait_mean"] / 60.0, row["wait_ci95"] / 60.0
            hits += abs(mean - true_wq) <= half
            means.append(mean)
            halves.append(half)
            warms.append(float(r.windows["warmup"].mean()) / 3600.0)
        n = args.experiments
        cov = hits / n
        se = math.sqrt(cov * (1 - cov) / n)
        print(f"{label:28s} {cov:8.1%} ± {se:4.1%} {sum(means) / n:7.0f} m "
              f"{sum(halves) / n:7.0f} m {sum(warms) / n:7.1f} h "
              f"{time.perf_counter() - t0:5.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
