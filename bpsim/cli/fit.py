"""``bpsim fit MODEL --log LOG -o S.yaml``: fit a scenario to the diagram from a ticket log.

"What are our real arrival rates, handling times, loop-backs and staffing?"::

    bpsim fit models/helpdesk.bpmn --log tickets.csv -o fitted.yaml
    bpsim fit desk.bpmn --log export.csv.gz --case Number --activity State \\
        --timestamp "Updated" --resource "Assigned to" --dayfirst -o desk.yaml
    bpsim fit desk.bpmn --log log.xes --until 2024-01-01 --base desk.yaml -o fitted.yaml --json

prints the fit report (tickets, replay fitness, arrivals, each task's law with its sample
size and held-back distance, branch probabilities, roles) or, with ``--json``, the report as
JSON; writes the commented scenario, which ``bpsim simulate MODEL --scenario S.yaml`` runs as
it is.

Exit codes: 0 ok; 1 the log does not fit the model (no activity matches) or the base scenario
is invalid; 2 the model or the log is unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

HELP = "fit a scenario to the model from an event log (CSV/XES, gz) of the desk's tickets"


def add_log_options(parser: argparse.ArgumentParser) -> None:
    """The log and its column flags (shared with ``bpsim compare``)."""
    parser.add_argument("--log", "-l", required=True, metavar="LOG",
                        help="the event log: CSV or XES, optionally gzipped")
    g = parser.add_argument_group("log columns (default: recognised by name)")
    g.add_argument("--case", metavar="C", help="the ticket id column (e.g. 'Case ID')")
    g.add_argument("--activity", metavar="A", help="the activity / state column")
    g.add_argument("--timestamp", metavar="T", help="the completion time column")
    g.add_argument("--start-timestamp", metavar="S", help="the start time column, if any")
    g.add_argument("--resource", metavar="R", help="the agent column")
    g.add_argument("--class", dest="klass", metavar="K", help="the priority / class column")
    g.add_argument("--channel", metavar="H", help="the channel column")
    g.add_argument("--dayfirst", action="store_true", default=None,
                   help="dates are day first (01/03/2024 = 1 March); default: detected")
    parser.add_argument("--map", metavar="M.yaml",
                        help="YAML {log activity: element name or id, or null to ignore}")
    parser.add_argument("--from", dest="since", metavar="DATE",
                        help="only tickets opened on or after DATE")
    parser.add_argument("--until", metavar="DATE", help="only tickets opened before DATE")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="a progress bar while reading (default: for large files)")


def log_options(args: argparse.Namespace) -> dict[str, Any]:
    return {k: getattr(args, k) for k in ("case", "activity", "timestamp", "start_timestamp",
                                          "resource", "klass", "channel", "dayfirst")
            if getattr(args, k, None) is not None}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="MODEL", help="the diagram: BPMN 2.0 XML or draw.io")
    add_log_options(parser)
    parser.add_argument("--base", metavar="S.yaml",
                        help="keep this scenario's costs, billing, SLAs and task roles")
    parser.add_argument("--recent-weeks", type=int, default=8, metavar="N",
                        help="arrival and staff levels from the last N weeks of the window "
                             "(default 8; 0 = the whole window)")
    parser.add_argument("-o", "--output", required=True, metavar="S.yaml",
                        help="the fitted scenario to write")
    parser.add_argument("--json", action="store_true", help="print the fit report as JSON")


def run(args: argparse.Namespace) -> int:
    from bpsim.calibrate.fitting import fit
    from bpsim.cli.simulate import _require_file
    from bpsim.io import read

    _require_file(args.file, "model")
    process = read(args.file)
    result = fit(process, args.log, mapping=args.map, base=args.base,
                 recent_weeks=args.recent_weeks, since=args.since, until=args.until,
                 progress=args.progress, **log_options(args))
    result.to_yaml(args.output)
    report = dict(result.report, model=args.file, output=args.output)
    if args.json:
        json.dump(report, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(result.summary())
        print(f"\nwrote {args.output}; run it with: bpsim simulate {args.file} "
              f"--scenario {args.output}")
    return 0
