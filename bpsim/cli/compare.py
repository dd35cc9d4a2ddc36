"""``bpsim compare MODEL --scenario S.yaml --log LOG``: does the model reproduce the log?

"Fitted on last year, how close is the model to this quarter?"::

    bpsim compare models/helpdesk.bpmn --scenario models/helpdesk.yaml \\
        --log ../shared/data/helpdesk/helpdesk.csv --until 2012-07-01
    bpsim compare desk.bpmn -s fitted.yaml --log q3.csv --from 2024-07-01 --out check/ --json

simulates the log's window (same start, same length, after a warm-up lead-in) and prints
observed vs simulated with the simulated 95 % CIs: tickets per week, cycle time (mean, P50,
P90, and to each SLA end point), events per ticket per activity, waiting and processing time
where the log has start times, and the distances (cycle-time Wasserstein in hours, 3-gram,
circadian). ``--out DIR`` writes kpis.csv, profiles.csv, comparison.json and the plots
cycle_time_ecdf.png and arrivals_by_hour.png.

Exit codes: 0 ok; 1 invalid model or scenario, or the log does not fit the model; 2 the
model, scenario or log is unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys

from bpsim.cli.fit import add_log_options, log_options

HELP = "simulate the log's window and print observed vs simulated KPIs and distances"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="MODEL", help="the diagram: BPMN 2.0 XML or draw.io")
    parser.add_argument("--scenario", "-s", required=True, metavar="S.yaml",
                        help="the scenario to check (e.g. from bpsim fit)")
    add_log_options(parser)
    parser.add_argument("--replications", "-r", type=int, metavar="N",
                        help="independent runs (default: the scenario's)")
    parser.add_argument("--seed", type=int, metavar="N", help="root seed")
    parser.add_argument("--lead-in", metavar="DURATION",
                        help="simulated time before the window (default: the scenario's "
                             "warm-up, at least 7d)")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    parser.add_argument("--out", metavar="DIR",
                        help="write kpis.csv, profiles.csv, comparison.json and the plots")


def run(args: argparse.Namespace) -> int:
    from bpsim.calibrate.comparison import compare
    from bpsim.cli.simulate import _require_file
    from bpsim.io import read
    from bpsim.scenario import load_scenario

    _require_file(args.file, "model")
    _require_file(args.scenario, "scenario")
    process = read(args.file)
    scenario = load_scenario(args.scenario)
    scenario.bind(process)
    result = compare(process, scenario, args.log, since=args.since, until=args.until,
                     replications=args.replications, seed=args.seed, lead_in=args.lead_in,
                     mapping=args.map, progress=bool(args.progress), **log_options(args))
    if args.out:
        result.write(args.out)
    if args.json:
        json.dump(dict(result.to_dict(), model=args.file, scenario=args.scenario),
                  sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(result.summary())
        if args.out:
            print(f"\nwrote kpis.csv, profiles.csv, comparison.json and plots to {args.out}")
    return 0
