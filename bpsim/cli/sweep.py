"""``bpsim sweep FILE --scenario S.yaml --vary KEY=V1,V2 ...``: a what-if grid.

"What if we had 2, 3 or 4 agents, at today's volume and at +30 %?"::

    bpsim sweep models/service_desk.bpmn --scenario models/service_desk.yaml \\
        --vary roles.Agent.staff=2,3,4 --vary "arrivals.E-mail received.scale=1,1.3"

runs every combination with common random numbers and prints, per variant, the cycle time,
each SLA's breach rate, each role's utilisation and the cost per ticket, each with its 95 %
confidence interval, and the paired difference with the baseline (the scenario as given).
``--out DIR`` writes ``sweep.csv``, ``sweep.json`` and one plot per metric.
"""

from __future__ import annotations

import argparse
import json
import sys

from bpsim.whatif.executors import EXECUTORS

HELP = "run a what-if grid of scenario variants and compare each with the baseline"


def add_common(parser: argparse.ArgumentParser) -> None:
    """Arguments shared by ``sweep`` and ``optimize``."""
    parser.add_argument("file", metavar="FILE", help="a BPMN 2.0 XML or draw.io file")
    parser.add_argument("--scenario", "-s", required=True, metavar="S.yaml",
                        help="the scenario (YAML): arrivals, durations, roles, SLAs")
    parser.add_argument("--replications", "-r", type=int, metavar="N",
                        help="replications per variant (default: the scenario's)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="root seed shared by every variant (default: the scenario's)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--out", metavar="DIR", help="write CSV, JSON and plots into DIR")
    parser.add_argument("--executor", choices=EXECUTORS, default=None,
                        help="where replications run (default: process pool on every core)")
    parser.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="run on the Dask scheduler at ADDRESS (tcp://host:8786); "
                             "'local' starts a LocalCluster (needs bpsim[dask])")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes (default: every core)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--vary", action="append", default=[], metavar="KEY=V1,V2,...",
                        help="a scenario key and the values to try, e.g. "
                             "roles.Agent.staff=2,3,4 (repeat for a grid)")


def executor_options(args: argparse.Namespace) -> dict:
    """``executor``, ``dask_address`` and ``workers`` from the command line."""
    executor = args.executor or "process"
    address = args.dask
    if address is not None:
        executor = "dask"
        if address.strip().lower() in ("", "local"):
            address = None
    return {"executor": executor, "dask_address": address, "workers": args.workers}


def load_inputs(args: argparse.Namespace):
    """The process and the scenario named on the command line."""
    from bpsim.io import read
    from bpsim.scenario import load_scenario

    process = read(args.file)
    scenario = load_scenario(args.scenario)
    return process, scenario


def run(args: argparse.Namespace) -> int:
    from bpsim.errors import ScenarioError
    from bpsim.whatif.grid import parse_vary
    from bpsim.whatif.report import sweep_text, sweep_to_dict, write_sweep
    from bpsim.whatif.sweep import sweep

    if not args.vary:
        raise ScenarioError("nothing to vary.",
                            hint="add --vary KEY=V1,V2 (e.g. --vary roles.Agent.staff=2,3,4).")
    vary = parse_vary(args.vary)
    process, scenario = load_inputs(args)
    df = sweep(process, scenario, vary, replications=args.replications, seed=args.seed,
               progress=args.progress, **executor_options(args))
    if args.out:
        paths = write_sweep(df, args.out)
        print(f"wrote {len(paths)} files to {args.out}", file=sys.stderr)
    if args.json:
        json.dump(sweep_to_dict(df), sys.stdout, indent=2, allow_nan=False, default=str)
        sys.stdout.write("\n")
    else:
        print(sweep_text(df))
    return 0
