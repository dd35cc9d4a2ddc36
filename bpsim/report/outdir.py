"""A run's output folder, written whole or not at all.

``bpsim simulate --out results/`` writes some twenty files. Written one by one into
``results/``, a Ctrl-C, a SIGTERM or a full disk halfway leaves a folder that looks like a run
but is half of one, and a second run into the same folder would mix its files with an older
``events.xes`` of another seed. :func:`staged_dir` prevents both:

1. it takes a lock (``.results.lock`` beside the folder, holding the process id) so two runs
   never write into one folder at once;
2. every file is written into a hidden temporary folder beside the target
   (``.results.tmp-XXXX``), ``manifest.json`` last (what was written, seed, model, scenario);
3. only then the temporary folder is renamed onto ``results/``. A folder that held the files
   of an earlier run (only names bpsim writes) is replaced whole, and the caller is told so; a
   folder that holds anything else is refused, nothing is deleted.

On any failure or interrupt the temporary folder and the lock are removed and ``results/`` is
left as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bpsim.errors import BpsimError

__all__ = ["staged_dir", "check_out_dir", "MANIFEST", "OutputDirError"]

MANIFEST = "manifest.json"


class OutputDirError(BpsimError):
    """The output folder cannot be used (locked by another run, or holds other files)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


@contextlib.contextmanager
def _lock(target: Path) -> Iterator[None]:
    lock = target.parent / f".{target.name}.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and pid != os.getpid() and not _alive(pid):
                with contextlib.suppress(OSError):
                    lock.unlink()  # left by a run that was killed (SIGKILL): take it over
                continue
            raise OutputDirError(
                f"another bpsim run (process {pid or 'unknown'}) is writing into this folder "
                f"(lock file {lock}).", file=str(target),
                hint="wait for it to finish, write into another folder, or delete the lock "
                "file if no bpsim run is going.") from None
        with os.fdopen(fd, "w") as f:
            f.write(str(os.getpid()))
        break
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def _previous_run(target: Path, ours: set[str]) -> dict | None:
    """What ``target`` holds: ``None`` when it is empty, the old manifest (or ``{}``) when it
    holds only files bpsim writes; refuses a folder holding anything else."""
    names = {p.name for p in target.iterdir()}
    if not names:
        return None
    foreign = sorted(n for n in names if n not in ours | {MANIFEST})
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise OutputDirError(
            f"the folder holds files bpsim did not write ({shown}); bpsim replaces a run's "
            "folder whole and will not mix its files with others, nor delete them.",
            file=str(target), hint="write into a new or empty folder (--out DIR).")
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class Staging:
    """The temporary folder being filled (``path``) and what the move replaced."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.replaced: dict | None = None  # the manifest of the run that was replaced


def check_out_dir(out_dir: str | os.PathLike, ours: set[str]) -> None:
    """Refuse, before a run, an output folder :func:`staged_dir` would refuse after it: a
    file, a folder holding other files, a folder another run is writing into."""
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise OutputDirError("this is a file, not a folder.", file=str(target),
                             hint="name a folder for --out (it is created when missing).")
    if target.is_dir():
        _previous_run(target, ours)
    lock = target.parent / f".{target.name}.lock"
    if lock.exists():
        with _lock(target):  # raises when a live run holds it; clears a stale one
            pass


@contextlib.contextmanager
def staged_dir(out_dir: str | os.PathLike, ours: set[str],
               manifest: dict | None = None) -> Iterator[Staging]:
    """Yield a :class:`Staging` whose ``path`` the caller fills; then write the manifest and
    move the folder onto ``out_dir`` (see the module docstring). ``ours`` are the file names
    a run writes (a folder holding only these is an earlier run and is replaced)."""
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise OutputDirError("this is a file, not a folder.", file=str(target),
                             hint="name a folder for --out (it is created when missing).")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target):
        if target.exists():
            _previous_run(target, ours)  # refuse early, before the run's files are written
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        staging = Staging(tmp)
        old: Path | None = None
        try:
            yield staging
            files = sorted(p.name for p in tmp.iterdir())
            info = {**(manifest or {}), "files": files, "complete": True}
            (tmp / MANIFEST).write_text(json.dumps(info, indent=2, default=str) + "\n",
                                        encoding="utf-8")
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; a folder as mkdir would
            if target.exists():
                staging.replaced = _previous_run(target, ours)
                if staging.replaced is None:
                    target.rmdir()
                else:
                    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-",
                                                dir=target.parent))
                    os.rmdir(old)
                    os.rename(target, old)
            os.rename(tmp, target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
            if old is not None:
                if not target.exists():  # the final rename failed: put the old run back
                    with contextlib.suppress(OSError):
                        os.rename(old, target)
                shutil.rmtree(old, ignore_errors=True)
