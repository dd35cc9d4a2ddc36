"""``bpsim optimize FILE --scenario S.yaml``: the cheapest staffing that meets the SLAs.

::

    bpsim optimize models/service_desk.bpmn --scenario models/service_desk.yaml \\
        --roles Agent,Specialist --sla "taken in charge"

starts from a queueing-theory estimate (Erlang C), confirms and refines it by simulation,
and prints the chosen head-count per role, its cost and SLA figures, the plans tried, and
the next cheaper plan that failed and why. ``--out DIR`` writes ``staffing.json`` and
``candidates.csv``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bpsim.cli.sweep import add_common, check_html, executor_options, load_inputs, write_html_report

HELP = "find the cheapest staffing per role that meets every SLA"


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [t.strip() for t in text.split(",") if t.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--roles", metavar="R1,R2", help="roles to staff (default: every role "
                        "some task uses)")
    parser.add_argument("--sla", action="append", metavar="NAME",
                        help="an SLA to meet (repeatable; default: every SLA)")
    parser.add_argument("--max-staff", type=int, default=20, metavar="N",
                        help="most people per role (default 20)")
    parser.add_argument("--confidence", type=float, default=0.95, metavar="P",
                        help="confidence that each breach rate is below its limit (default 0.95)")
    parser.add_argument("--shifts", action="append", metavar="ROLE=S1,S2",
                        help="staff these shifts of ROLE separately (repeatable)")
    parser.add_argument("--min-csat", type=float, metavar="X",
                        help="also require the mean satisfaction score (CSAT, "
                             "docs/experience.md) to be at least X, with --confidence")


def _shifts(specs: list[str] | None) -> dict[str, list[str]] | None:
    from bpsim.errors import ScenarioError

    if not specs:
        return None
    out: dict[str, list[str]] = {}
    for spec in specs:
        role, sep, names = spec.partition("=")
        if not sep or not role.strip() or not _names(names):
            raise ScenarioError(f"--shifts {spec!r} is not ROLE=SHIFT1,SHIFT2.",
                                hint="write it like --shifts Agent=early,late.")
        out[role.strip()] = _names(names) or []
    return out


def run(args: argparse.Namespace) -> int:
    from bpsim._atomic import atomic_path, write_text
    from bpsim.whatif.optimize import optimize_staffing

    check_html(args)
    process, scenario = load_inputs(args)
    result = optimize_staffing(
        process, scenario, roles=_names(args.roles), max_staff=args.max_staff,
        confidence=args.confidence, replications=args.replications,
        shifts=_shifts(args.shifts), slas=args.sla, seed=args.seed, progress=args.progress,
        min_csat=args.min_csat,
        **executor_options(args))
    data = result.to_dict()
    if args.out:
        out = Path(args.out)
        write_text(out / "staffing.json", json.dumps(data, indent=2, default=str) + "\n")
        with atomic_path(out / "candidates.csv") as tmp:
            result.candidates.to_csv(tmp, index=False)
        from bpsim.report.html_whatif import staffing_html

        staffing_html(result, out / "report.html", process=process)
        print(f"wrote staffing.json, candidates.csv and report.html to {out}",
              file=sys.stderr)
    if args.html:
        from bpsim.report.html_whatif import staffing_html

        write_html_report(lambda path: staffing_html(result, path, process=process),
                          args.html)
    if args.json:
        json.dump(data, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(result.summary())
    return 0 if result.feasible else 1
