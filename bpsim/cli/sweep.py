"""``bpsim sweep FILE --scenario S.yaml --vary KEY=V1,V2 ...``: a what-if grid.

"What if we had 2, 3 or 4 agents, at today's volume and at +30 %?"::

    bpsim sweep models/service_desk.bpmn --scenario models/service_desk.yaml \\
        --vary roles.Agent.shifts.early.staff=2,3,4 --vary "arrivals.E-mail received.scale=1,1.3"

runs every combination with common random numbers and prints, per variant, the cycle time,
each SLA's breach rate, each role's utilisation and the cost per ticket, each with its 95 %
confidence interval, and the paired difference with the baseline (the scenario as given).
``--out DIR`` writes ``sweep.csv``, ``sweep.json`` and one plot per metric.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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
    parser.add_argument("--out", metavar="DIR", help="write CSV, JSON, plots and report.html "
                                                      "into DIR")
    parser.add_argument("--html", metavar="OUT.html",
                        help="write the self-contained HTML report (tables, charts, process)")
    parser.add_argument("--executor", choices=EXECUTORS, default=None,
                        help="where replications run (default: process pool on every core)")
    parser.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="run on the Dask scheduler at ADDRESS (tcp://host:8786); "
                             "'local' starts a LocalCluster (needs bpsim[dask])")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes (default: every core)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", default=None,
                        help="give up when no work item finishes for SECONDS (process pool "
                             "and Dask; default 3600)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--vary", action="append", default=[], metavar="KEY=V1,V2,...",
                        help="a scenario key and the values to try, e.g. "
                             "roles.Agent.staff=2,3,4 (repeat for a grid)")


def executor_options(args: argparse.Namespace) -> dict:
    """``executor``, ``dask_address``, ``workers`` (and ``timeout``) from the command line."""
    executor = args.executor or "process"
    address = args.dask
    if address is not None:
        executor = "dask"
        if address.strip().lower() in ("", "local"):
            address = None
    options = {"executor": executor, "dask_address": address, "workers": args.workers}
    if getattr(args, "timeout", None) is not None:
        options["timeout"] = args.timeout
    return options


def load_inputs(args: argparse.Namespace):
    """The process and the scenario named on the command line."""
    from bpsim.io import read
    from bpsim.scenario import load_scenario

    process = read(args.file)
    scenario = load_scenario(args.scenario)
    return process, scenario


def check_html(args: argparse.Namespace) -> None:
    """``--html`` must name an .html file (exit 2 before anything runs)."""
    from bpsim.errors import BpsimError

    html = getattr(args, "html", None)
    if html and Path(html).suffix.lower() not in (".html", ".htm"):
        err = BpsimError("--html writes an .html file.", file=html,
                         hint="name the output e.g. report.html.")
        err.exit_code = 2
        raise err


def write_html_report(write, path: str) -> None:
    """Call ``write(path)``; an unwritable path is a user error."""
    from bpsim.errors import BpsimError

    try:
        write(path)
    except OSError as exc:
        raise BpsimError(f"cannot write {path}: {exc.strerror or exc}.", file=path,
                         hint="choose a path in a folder you can write to.") from exc
    print(f"wrote {path}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from bpsim.errors import ScenarioError
    from bpsim.whatif.grid import parse_vary
    from bpsim.whatif.report import sweep_text, sweep_to_dict, write_sweep
    from bpsim.whatif.sweep import sweep

    if not args.vary:
        example = "roles.Agent.staff"
        try:
            from bpsim.scenario.core import valid_paths

            staff = [p for p in valid_paths(load_inputs(args)[1], "roles") if p.endswith(".staff")]
            example = staff[0] if staff else example
        except ScenarioError:
            pass
        raise ScenarioError("nothing to vary.",
                            hint=f"add --vary KEY=V1,V2 (e.g. --vary {example}=2,3,4).")
    vary = parse_vary(args.vary)
    process, scenario = load_inputs(args)
    check_html(args)
    df = sweep(process, scenario, vary, replications=args.replications, seed=args.seed,
               progress=args.progress, **executor_options(args))
    if args.out:
        from bpsim.report.html_whatif import sweep_html

        paths = write_sweep(df, args.out)
        sweep_html(df, Path(args.out) / "report.html", process=process)
        print(f"wrote {len(paths) + 1} files to {args.out}", file=sys.stderr)
    if args.html:
        from bpsim.report.html_whatif import sweep_html

        write_html_report(lambda path: sweep_html(df, path, process=process), args.html)
    if args.json:
        json.dump(sweep_to_dict(df), sys.stdout, indent=2, allow_nan=False, default=str)
        sys.stdout.write("\n")
    else:
        print(sweep_text(df))
    return 0
