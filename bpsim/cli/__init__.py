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
            "compare", "scenario-from-bpsim", "export", "blueprint"]


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
    previous = _on_sigterm()
    try:
        if sys.stdout is None:  # started with stdout closed (>&-)
            sys.stdout = _ClosedStream()
        else:
            _checked_stdout()
        code = int(args._run(args) or 0)
        _flush_stdout()
        return code
    except BpsimError as exc:
        if args.debug:
            raise
        print(f"bpsim {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except Terminated:
        print(f"bpsim {args.command}: terminated (SIGTERM); no partial output was left.",
              file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(f"bpsim {args.command}: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as cat does
        _silence_stdout()
        return 0
    except OSError as exc:  # the file system said no: a full disk, a read-only folder ...
        if args.debug:
            raise
        print(f"bpsim {args.command}: {_os_message(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in bpsim, not a user error
        if args.debug:
            raise
        print(
            f"bpsim {args.command}: internal error: {type(exc).__name__}: {exc}. "
            "This is a bug in bpsim; run again with --debug and report the traceback.",
            file=sys.stderr,
        )
        return 3
    finally:
        _restore_sigterm(previous)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that every ``finally`` (temporary files,
    locks) runs, as for Ctrl-C."""


def _on_sigterm():
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):
        raise Terminated()

    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        return None


def _restore_sigterm(previous) -> None:
    if previous is not None:
        import signal

        signal.signal(signal.SIGTERM, previous)


class _ClosedStream:
    """Stands for a closed standard output: writing says so (an OSError), never crashes."""

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "standard output is closed", "<stdout>")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _WholeWrites:
    """A raw writer for a file on disk that writes every byte or raises: Python's buffered
    stdout accepts a short write (a file-size limit reached) and drops the rest in silence."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.failed = False  # after the error was raised (and reported), drop the rest quietly

    def write(self, data) -> int:
        import os

        view = memoryview(data)
        if self.failed:
            return len(view)
        done = 0
        try:
            while done < len(view):
                done += os.write(self.fd, view[done:])  # EFBIG / ENOSPC past the limit
        except OSError:
            self.failed = True
            raise
        return done


def _checked_stdout() -> None:
    """When stdout is a regular file (``> f``), write it with :class:`_WholeWrites`."""
    import io
    import os
    import stat

    try:
        out = sys.stdout
        replaced = out is not sys.__stdout__  # (a test's capture, a notebook): left alone
        fd = out.fileno()
        if replaced or not stat.S_ISREG(os.fstat(fd).st_mode):
            return
        out.flush()
        raw = io.RawIOBase()
        raw.writable = lambda: True  # type: ignore[method-assign]
        raw.write = _WholeWrites(fd).write  # type: ignore[method-assign]
        raw.fileno = lambda: fd  # type: ignore[method-assign]
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=out.encoding,
                                      errors=out.errors, newline=None,
                                      line_buffering=False, write_through=False)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return


def _flush_stdout() -> None:
    """Flush standard output now, so a full disk or a file-size limit is an error (exit 1)
    rather than a report cut short while bpsim exits 0."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.filename is None:
            exc.filename = "<stdout>"
        raise


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so Python's exit flush stays quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _os_message(exc: OSError) -> str:
    name = exc.filename
    where = "standard output" if name in (None, "<stdout>") else str(name)
    reason = exc.strerror or str(exc)
    fix = {28: "free disk space, or write somewhere else.",
           27: "the file-size limit (ulimit -f) is too small for the output; raise it.",
           13: "choose a folder you can write to.", 30: "choose a folder you can write to.",
           21: "name a file, not a folder.", 20: "a part of the path is a file, not a folder; "
           "fix the path.", 9: "run bpsim with its standard output open (or use -o/--out)."}
    hint = fix.get(exc.errno or 0, "check the path and the disk.")
    return f"{where}: cannot write: {reason}. Fix: {hint}"
