"""``bpsim validate FILE [--scenario S.yaml] [--json] [--page P]``: check a model before use.

Prints every finding as ``file:line: severity rule element_id "name": message``, grouped by
process and sorted by line, then ``N errors, M warnings``. With ``--scenario`` the simulation
parameters are checked too (missing probabilities, durations, roles, staff, arrivals, and
scenario keys naming elements the model lacks). A ``.bpsim.toml`` beside the model or a
``[tool.bpsim.validate]`` table in a ``pyproject.toml`` above it turns rules off or changes
their severity (docs/validator.md).

Exit codes: 0 no error finding; 1 some error finding (or an invalid scenario or configuration
file); 2 unreadable, unsafe or not a process file.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

HELP = "check a BPMN or draw.io model (and a scenario) for modelling, behaviour and parameter errors"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a BPMN 2.0 XML or draw.io file")
    parser.add_argument("--scenario", "-s", metavar="S.yaml",
                        help="also check the simulation parameters of this scenario file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--page", metavar="P",
                        help="draw.io: the page to check (its name or 0-based index)")
    parser.add_argument("--config", metavar="TOML",
                        help="take rule severities from this file instead of the .bpsim.toml / "
                             "pyproject.toml found beside or above the model")


def _read(args: argparse.Namespace):
    from bpsim.errors import BpsimError
    from bpsim.io import read, sniff
    from bpsim.io.safexml import parse_xml, read_source

    options: dict[str, Any] = {"lenient": True}
    if args.page is not None:
        data, name = read_source(args.file)
        if sniff(parse_xml(data, file=name)) != "drawio":
            raise BpsimError("--page applies to draw.io files only; this is BPMN 2.0 XML.",
                             file=name, hint="drop --page.")
        options["page"] = int(args.page) if str(args.page).isdigit() else args.page
    return read(args.file, **options)


def run(args: argparse.Namespace) -> int:
    from bpsim.validate import has_errors, validate
    from bpsim.validate.report import format_text, to_json

    process = _read(args)
    if not process.processes and not process.graph.number_of_nodes() and not process.participants:
        from bpsim.errors import NotAProcessError

        raise NotAProcessError(
            "the file holds no process: its <definitions> declare no <process> and no pool.",
            file=args.file, hint="export the diagram again with its process, or check that "
            "this is the model file.")
    scenario = None
    if args.scenario:
        from bpsim.scenario import load_scenario

        scenario = load_scenario(args.scenario)
    findings = validate(process, scenario, config=args.config)
    if args.json:
        json.dump(to_json(findings, process, args.file), sys.stdout, indent=2,
                  ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(findings, process) + "\n")
    return 1 if has_errors(findings) else 0
