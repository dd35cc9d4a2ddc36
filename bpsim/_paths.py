"""Read an input file as hostile: a regular file, of bounded size, named in every error.

A path given to bpsim may be anything: ``''``, a name longer than the system allows, a
folder, ``/dev/zero`` (whose size ``stat`` reports as 0 while reading never ends), a FIFO
(opening it waits for a writer forever) or ``/proc/...`` (size 0, content not). Every reader
(models, scenarios, trace CSVs, configuration) goes through :func:`read_limited`, which
refuses what is not a regular file before opening it, and reads at most ``limit + 1`` bytes
whatever ``stat`` said.
"""

from __future__ import annotations

import errno
import os
import stat

from bpsim.errors import BpsimError, ReadError

__all__ = ["check_file", "read_limited"]


def check_file(path: str | os.PathLike, *, what: str = "file",
               error: type[BpsimError] = ReadError) -> os.stat_result:
    """``os.stat`` of ``path``, or ``error`` saying in words why it is not a readable file."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if name == "":
        raise error(f"no {what} name given (the path is an empty string).",
                    hint=f"pass the path of the {what}.")
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise error(f"no such file (the {what} does not exist).", file=name,
                    hint="check the path (relative paths start from the current folder).",
                    ) from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise error(f"the {what} name is longer than this system allows.", file=name[:80]
                        + "...", hint="shorten the file or folder names.") from None
        raise error(f"cannot open the {what}: {exc.strerror or exc}.", file=name) from None
    except ValueError as exc:  # an embedded NUL byte
        raise error(f"the {what} name is not a valid path ({exc}).", file=repr(name)) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"this is a directory (a folder), not a {what}.", file=name,
                    hint=f"name the {what} inside it.")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise error(f"this is {kind}, not a regular {what}; bpsim reads files only.",
                    file=name, hint=f"save the {what} to disk and pass its path.")
    return info


def read_limited(path: str | os.PathLike, limit: int, *, what: str = "file",
                 error: type[BpsimError] = ReadError,
                 too_big: type[BpsimError] | None = None, hint: str | None = None) -> bytes:
    """The bytes of the regular file ``path``, refusing more than ``limit`` bytes.

    ``error`` is raised for a path that is not a readable regular file, ``too_big`` (default
    ``error``) for one larger than ``limit`` (with ``hint``). The size is checked twice:
    from ``stat`` before opening, and by reading at most ``limit + 1`` bytes.
    """
    too_big = too_big or error
    name = os.fspath(path)
    info = check_file(path, what=what, error=error)

    def refuse(size: int | None) -> BpsimError:
        said = f"{size:,} bytes, more than" if size is not None else "larger than"
        return too_big(f"the {what} is {said} the {limit:,} bytes bpsim reads.", file=name,
                       hint=hint)

    if info.st_size > limit:
        raise refuse(info.st_size)
    try:
        with open(name, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read the {what}: {exc.strerror or exc}.", file=name) from None
    if len(data) > limit:
        raise refuse(None)
    return data
