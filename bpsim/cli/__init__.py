"""The ``bpsim`` command line: thin wrappers that parse arguments and call the library.

Each sub-command lives in its own module ``bpsim.cli.<command>`` with three names:
``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int`` (the exit code).
This module builds the parser and turns every :class:`~bpsim.errors.BpsimError` into a short
message on stderr and its exit code; no user error ever ends in a traceback (``--debug``
shows one for bug reports).

Exit codes: 0 ok; 1 invalid model or scenario (or, for ``validate``, error findings);
2 unreadable, unsafe or not a process file; 3 an internal error (a bug: please report it);
130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bpsim import __version__
from bpsim.errors import BpsimError

__all__ = ["main", "COMMANDS"]

#: Sub-commands in the order ``bpsim --help`` lists them.
COMMANDS = ["inspect", "validate", "simulate", "convert", "sweep", "optimize", "demo", "fit",
            "compare", "scenario-from-bpsim", "export"]


def _load(command: str):
    try:
        return importlib.import_module(f"bpsim.cli.{command.replace('-', '_')}")
    except ModuleNotFoundError as exc:
        if exc.name == f"bpsim.cli.{command.replace('-', '_')}":
            return None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bpsim",
        description="Simulate service processes drawn in BPMN 2.0 or draw.io.",
    )
    parser.add_argument("--version", action="version", version=f"bpsim {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show Python tracebacks (for bug reports)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        module = _load(command)
        if module is None:
            continue
        p = sub.add_parser(command, help=module.HELP, description=module.HELP)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show Python tracebacks (for bug reports)")
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except BpsimError as exc:
        if args.debug:
            raise
        print(f"bpsim {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"bpsim {args.command}: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug in bpsim, not a user error
        if args.debug:
            raise
        print(
            f"bpsim {args.command}: internal error: {type(exc).__name__}: {exc}. "
            "This is a bug in bpsim; run again with --debug and report the traceback.",
            file=sys.stderr,
        )
        return 3
