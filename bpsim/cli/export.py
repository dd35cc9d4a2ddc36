"""``bpsim export MODEL --scenario S.yaml -o OUT.bpmn``: the scenario as BPSim 2.0 in the model.

Other simulation tools (jBPM/KIE, Trisotech, Bizagi, Sparx, L-SIM) read simulation parameters
from BPSim data inside the BPMN file. This writes a copy of the model with the scenario as a
BPSim 2.0 scenario (ids, diagram and vendor extensions of the model kept; BPSim data it held
replaced); what BPSim cannot hold travels in a vendor extension that bpsim reads back::

    bpsim export models/service_desk.bpmn --scenario models/service_desk.yaml -o desk.bpsim.bpmn

Exit codes: 0 written; 1 the scenario does not fit the model; 2 unreadable input.
"""

from __future__ import annotations

import argparse
import sys

HELP = "write the model with the scenario as BPSim 2.0 simulation parameters (for other tools)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="MODEL", help="a BPMN 2.0 XML or draw.io file")
    parser.add_argument("--scenario", "-s", required=True, metavar="S.yaml",
                        help="the scenario to export")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.bpmn",
                        help="the BPMN file to write")
    parser.add_argument("--id", default="bpsim", metavar="ID",
                        help="the BPSim scenario id to write (default: bpsim)")


def run(args: argparse.Namespace) -> int:
    from bpsim.cli.simulate import _require_file
    from bpsim.interchange import write_bpsim
    from bpsim.io import read
    from bpsim.scenario import load_scenario

    _require_file(args.file, "model")
    _require_file(args.scenario, "scenario")
    process = read(args.file)
    scenario = load_scenario(args.scenario)
    path = write_bpsim(scenario, process, args.output, scenario_id=args.id)
    print(f"Wrote {path} with the scenario {scenario.name!r} as BPSim 2.0.", file=sys.stderr)
    return 0
