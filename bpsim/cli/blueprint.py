"""``bpsim blueprint MODEL [--scenario S.yaml] -o OUT.svg|.png|.drawio|.html``: the service
blueprint of a model.

The classic grid: rows evidence, customer actions, line of interaction, frontstage, line of
visibility, backstage, line of internal interaction, support processes; columns the
journey's phases (BPMN groups, or the scenario's ``blueprint: {phases: ...}``); each element
in its cell, touchpoints (flows crossing the line of interaction) in red. With
``--scenario`` the scenario is simulated and two rows are added: each phase's customer time
and the emotional thermometer (the phase's satisfaction score). ``.drawio`` opens and edits
in draw.io; ``.html`` is one self-contained page with the drawing and the journey and
satisfaction tables. See docs/experience.md.

Exit codes: 0 written; 1 invalid model or scenario; 2 unreadable input or unwritable output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bpsim.errors import ReadError

HELP = "draw the service blueprint of a model (SVG, PNG, draw.io, HTML), with journey figures"

SUFFIXES = (".svg", ".png", ".drawio", ".html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from bpsim.cli.simulate import add_run_options

    parser.add_argument("file", metavar="MODEL", help="a BPMN 2.0 XML or draw.io file")
    parser.add_argument("--scenario", "-s", metavar="S.yaml",
                        help="simulate this scenario and draw each phase's customer time and "
                             "the emotional thermometer")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="blueprint.svg, blueprint.png, blueprint.drawio or blueprint.html")
    add_run_options(parser)


def run(args: argparse.Namespace) -> int:
    from bpsim.cli.simulate import _require_file, simulate
    from bpsim.experience.draw import write_blueprint
    from bpsim.io import read

    out = Path(args.output)
    if out.suffix.lower() not in SUFFIXES:
        raise ReadError(f"a blueprint is written as {', '.join(SUFFIXES)}, not "
                         f"{out.suffix or out.name!r}.", file=str(out),
                         hint="name the output e.g. blueprint.svg.")
    _require_file(args.file, "model")
    process = read(args.file)
    results = None
    scenario = None
    if args.scenario:
        from bpsim.scenario import load_scenario

        _require_file(args.scenario, "scenario")
        scenario = load_scenario(args.scenario)
        results = simulate(process, scenario, args, quiet=True)
    for p in (args.file, args.scenario):
        if p and Path(p).resolve() == out.resolve():
            raise ReadError("the output would overwrite an input file.", file=str(out),
                             hint="write the blueprint to another file.")
    try:
        write_blueprint(process, out, results, scenario=scenario)
    except OSError as exc:
        raise ReadError(f"cannot write {out}: {exc.strerror or exc}.", file=str(out),
                         hint="choose a folder you can write to.") from exc
    from bpsim.experience.blueprint import blueprint

    bp = blueprint(process, scenario)
    phases = ", ".join(bp.phases.order) if bp.phases else "none (one column)"
    touch = sum(1 for c in bp.crossings if c.touchpoint)
    line = f"Wrote {out}: phases {phases}; {touch} touchpoints"
    if results is not None:
        line += f"; CSAT {results.experience.csat:.2f}"
    print(line, file=sys.stderr)
    return 0
