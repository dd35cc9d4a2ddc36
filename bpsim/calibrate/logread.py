"""Read a ticket tool's event log (CSV, XES, gzip of either) into one tidy DataFrame.

Whatever the export calls its columns, the result uses the process-mining names pm4py uses:

=====================  ============================================================
``case:concept:name``  the ticket
``concept:name``       the activity or state
``time:timestamp``     when it completed (wall-clock time, no time zone)
``start_timestamp``    when it started (only when the log has start times)
``org:resource``       who did it (when known)
``case:priority``      the ticket's class, e.g. its priority (when known)
``case:channel``       how the ticket came in (when known)
=====================  ============================================================

Columns are found by these names first, then by common export headers ("Case ID",
"Activity", "Complete Timestamp", "Resource", "Priority", ...), compared without case, spaces,
underscores or colons; flags name them explicitly. Rows with an XES ``lifecycle:transition``
are paired: a ``start`` row gives the start time of the next ``complete`` row of the same
ticket and activity. A **state-change export** (a ticket tool that writes one row per field
change, so that a ticket has many consecutive rows in the same state) is recognised when
more than a third of the rows repeat the row before them in the same ticket; each run of
rows in one state then becomes one event that starts at the run's first row and completes
at its last. The ``--from``/``--until`` window keeps the tickets *opened* in it (a ticket's
first event), with all their events.
"""

from __future__ import annotations

import gzip
import io
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bpsim.errors import ReadError

__all__ = ["read_log", "COLUMNS", "LogError"]

CASE, ACT, TIME, START = "case:concept:name", "concept:name", "time:timestamp", "start_timestamp"
RES, CLS, CHAN, LIFE = "org:resource", "case:priority", "case:channel", "lifecycle:transition"

#: Our column -> export headers recognised for it (compared folded: lower case, no
#: spaces, underscores, dashes, dots or colons). The first match wins.
COLUMNS: dict[str, list[str]] = {
    CASE: ["case:concept:name", "case id", "caseid", "case", "case_id", "ticket id", "ticket",
           "ticket number", "incident id", "incident", "number", "issue key", "issue id",
           "request id", "id"],
    ACT: ["concept:name", "activity", "activity name", "event", "event name", "state",
          "status", "task", "action", "step"],
    TIME: ["time:timestamp", "complete timestamp", "completetimestamp", "end timestamp",
           "end time", "endtime", "completed", "completion time", "timestamp", "time",
           "date", "datetime", "event time", "updated", "sys_updated_on", "changed at"],
    START: ["start_timestamp", "start timestamp", "start time", "starttime", "started"],
    RES: ["org:resource", "resource", "agent", "user", "assignee", "assigned to",
          "assigned_to", "owner", "performer", "operator", "updated by", "sys_updated_by"],
    CLS: ["case:priority", "priority", "case:seriousness", "severity", "urgency", "impact"],
    CHAN: ["case:channel", "channel", "contact type", "contact_type", "origin", "source",
           "via"],
    LIFE: ["lifecycle:transition", "lifecycle", "transition", "event type"],
}

_FLAG = {CASE: "--case", ACT: "--activity", TIME: "--timestamp", START: "--start-timestamp",
         RES: "--resource", CLS: "--class", CHAN: "--channel", LIFE: "--lifecycle"}

#: Largest log (bytes, after gunzip) bpsim reads; BPSIM_MAX_LOG_BYTES overrides.
MAX_LOG_BYTES = int(os.environ.get("BPSIM_MAX_LOG_BYTES", 2 * 1024 ** 3))
_PROGRESS_BYTES = 8 * 1024 * 1024


class LogError(ReadError):
    """The event log cannot be used: a column is missing, dates do not parse, nothing is
    left in the window (exit 2, like every unreadable input)."""


def _fold(text: object) -> str:
    return re.sub(r"[\s_\-.:]+", "", str(text).casefold())


# -- bytes ---------------------------------------------------------------------------------
def _read_bytes(path: Path, progress: bool | None) -> bytes:
    if not path.exists():
        raise LogError("no such file.", file=str(path), hint="check the path of --log.")
    if path.is_dir():
        raise LogError("is a directory, not an event log.", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise LogError("the file is empty.", file=str(path), hint="export the log again.")
    with open(path, "rb") as f:
        head = f.read(2)
    try:
        if head == b"\x1f\x8b":
            with gzip.open(path, "rb") as f:
                data = _read_stream(f, size, progress, path, "unzipping")
        else:
            with open(path, "rb") as f:
                data = _read_stream(f, size, progress, path, "reading")
    except (OSError, EOFError) as exc:
        raise LogError(f"cannot read the file: {exc}.", file=str(path),
                       hint="a .gz file must be complete gzip data.") from None
    return data


def _read_stream(f, size: int, progress: bool | None, path: Path, verb: str) -> bytes:
    show = progress if progress is not None else size > _PROGRESS_BYTES
    bar = None
    if show:
        from tqdm.auto import tqdm
        bar = tqdm(total=size, unit="B", unit_scale=True, desc=f"{verb} {path.name}",
                   leave=False)
    parts, total = [], 0
    raw = getattr(f, "fileobj", None)  # gzip: advance the bar by compressed bytes read
    try:
        while True:
            chunk = f.read(4 * 1024 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_LOG_BYTES:
                raise LogError(f"the log is larger than {MAX_LOG_BYTES:,} bytes.",
                               file=str(path),
                               hint="set BPSIM_MAX_LOG_BYTES to a larger limit, or export a "
                                    "shorter period.")
            parts.append(chunk)
            if bar is not None:
                bar.n = min(raw.tell(), size) if raw is not None else min(total, size)
                bar.refresh()
    finally:
        if bar is not None:
            bar.close()
    return b"".join(parts)


# -- CSV -----------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")  # pragma: no cover (latin-1 always decodes)


def _read_csv(data: bytes, file: str) -> pd.DataFrame:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    seps = {s: first.count(s) for s in (",", ";", "\t", "|")}
    sep = max(seps, key=seps.__getitem__)
    if seps[sep] == 0:
        raise LogError("the first line has no column separator (, ; tab |): not a CSV "
                       "event log with a header row.", file=file,
                       hint="export the log as CSV with a header line, or as XES.")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[-1]
        line = re.search(r"line (\d+)", msg)
        raise LogError(f"cannot read the CSV: {msg}", file=file,
                       line=int(line.group(1)) if line else None,
                       hint="every row needs as many fields as the header.") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


# -- XES -----------------------------------------------------------------------------------
def _read_xes(data: bytes, file: str) -> pd.DataFrame:
    from lxml import etree

    from bpsim.io.safexml import parse_xml

    if len(data) > MAX_LOG_BYTES:  # pragma: no cover (checked while reading)
        raise LogError("the XES file is too large.", file=file)
    root = parse_xml(data, file=file)
    if etree.QName(root).localname != "log":
        raise LogError(f"the XML root is <{etree.QName(root).localname}>, not an XES <log>.",
                       file=file, line=root.sourceline,
                       hint="give an XES event log, or a CSV export.")
    rows: list[dict[str, Any]] = []
    for trace in root:
        if not isinstance(trace.tag, str) or etree.QName(trace).localname != "trace":
            continue
        head: dict[str, Any] = {}
        events = []
        for child in trace:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "event":
                events.append(child)
            elif child.get("key") is not None:
                head["case:" + child.get("key")] = child.get("value")
        for ev in events:
            row = dict(head)
            for a in ev:
                if isinstance(a.tag, str) and a.get("key") is not None:
                    row[a.get("key")] = a.get("value")
            row["_line"] = ev.sourceline
            rows.append(row)
    if not rows:
        raise LogError("the XES log holds no events.", file=file,
                       hint="export the log again with its traces and events.")
    return pd.DataFrame(rows)


# -- columns -------------------------------------------------------------------------------
def _pick(frame: pd.DataFrame, given: dict[str, str | None], file: str) -> dict[str, str]:
    folded: dict[str, str] = {}
    for c in frame.columns:
        folded.setdefault(_fold(c), c)
    chosen: dict[str, str] = {}
    for ours, name in given.items():
        if name is None:
            continue
        if name in frame.columns:
            chosen[ours] = name
        elif _fold(name) in folded:
            chosen[ours] = folded[_fold(name)]
        else:
            import difflib
            close = difflib.get_close_matches(name, list(frame.columns), n=1)
            raise LogError(
                f"{_FLAG[ours]} {name!r}: the log has no such column.", file=file,
                hint=(f"did you mean {close[0]!r}? " if close else "")
                + "columns: " + ", ".join(map(str, frame.columns[:30])) + ".")
    used = set(chosen.values())
    for ours, aliases in COLUMNS.items():
        if ours in chosen:
            continue
        for alias in aliases:
            col = folded.get(_fold(alias))
            if col is not None and col not in used:
                chosen[ours] = col
                used.add(col)
                break
    for ours, what in ((CASE, "case (ticket)"), (ACT, "activity"), (TIME, "timestamp")):
        if ours not in chosen:
            raise LogError(
                f"no {what} column found.", file=file,
                hint=f"name it with {_FLAG[ours]} COLUMN; the log's columns are: "
                + ", ".join(map(str, frame.columns[:30])) + ".")
    return chosen


def _detect_dayfirst(values: pd.Series) -> bool | None:
    """True/False when the dates' first two numeric fields tell day from month, else None."""
    sample = values.dropna().astype(str)
    sample = sample.iloc[:: max(1, len(sample) // 5000)]
    m = sample.str.extract(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})")
    m = m.dropna().astype(int)
    if m.empty:
        return None  # year first (ISO): no question
    if (m[0] > 12).any():
        return True
    if (m[1] > 12).any():
        return False
    return None


def _parse_times(values: pd.Series, dayfirst: bool | None, file: str, column: str,
                 lines: pd.Series) -> tuple[pd.Series, str]:
    """Parse timestamps to naive wall-clock datetimes; raise naming the first bad row."""
    text = values.astype("string").str.strip()
    note = ""
    if dayfirst is None:
        dayfirst = _detect_dayfirst(text)
        if dayfirst is None and text.str.match(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]").any():
            note = ("dates are ambiguous (no day above 12): read month first; give --dayfirst "
                    "if they are day first.")
            dayfirst = False
        elif dayfirst:
            note = "day-first dates detected."
    parsed = None
    iso = text.str.match(r"^\s*\d{4}-\d{2}-\d{2}").all() if len(text) else True
    offsets = text.str.extract(r"([+-]\d{2}:?\d{2}|Z)$")[0]
    has_tz = offsets.notna().any()
    try:
        if iso:
            parsed = pd.to_datetime(text, format="ISO8601", utc=has_tz, errors="coerce")
        else:
            parsed = pd.to_datetime(text, dayfirst=bool(dayfirst), format="mixed",
                                    utc=has_tz, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        parsed = pd.to_datetime(text, dayfirst=bool(dayfirst), format="mixed", utc=has_tz,
                                errors="coerce")
    if has_tz:
        common = offsets.mode().iloc[0] if offsets.notna().any() else "Z"
        shift = pd.Timedelta(0)
        if common != "Z":
            sign = -1 if common[0] == "-" else 1
            hh, mm = int(common[1:3]), int(common[-2:])
            shift = sign * pd.Timedelta(hours=hh, minutes=mm)
        parsed = (parsed + shift).dt.tz_localize(None)
        note = (note + " " if note else "") + f"times converted to the offset {common}."
    bad = parsed.isna() & text.notna() & (text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise LogError(
            f"column {column!r}: cannot read {str(text.iloc[i])!r} as a date and time "
            f"({int(bad.sum()):,} such values).", file=file, line=int(lines.iloc[i]),
            hint="give dates as 2024-03-01 14:05:00, or --dayfirst for 01/03/2024 14:05; "
                 "check that the right column is the timestamp (--timestamp).")
    return parsed, note


def read_log(
    path: str | os.PathLike | pd.DataFrame,
    *,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    start_timestamp: str | None = None,
    resource: str | None = None,
    klass: str | None = None,
    channel: str | None = None,
    dayfirst: bool | None = None,
    since: Any = None,
    until: Any = None,
    progress: bool | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Read an event log into a DataFrame with pm4py column names, sorted by ticket and time.

    Parameters
    ----------
    path : path or DataFrame
        A CSV or XES file (``.gz`` of either works: the content decides), or a DataFrame
        already in memory (its columns are recognised the same way).
    case, activity, timestamp, start_timestamp, resource, klass, channel : str, optional
        The log's column holding the ticket id, the activity or state, the completion time,
        the start time, the agent, the ticket's class (priority) and its channel. Default:
        recognised by name (see :data:`COLUMNS`).
    dayfirst : bool, optional
        Read ``01/03/2024`` as 1 March. Default: detected from the data (a first field
        above 12); ambiguous dates are read month first, and the report says so.
    since, until : date or str, optional
        Keep the tickets opened (first event) at or after ``since`` and before ``until``.
        ``from_`` is accepted for ``since``.
    progress : bool, optional
        A progress bar while reading (default: for files above 8 MB).

    Returns
    -------
    pandas.DataFrame
        Columns ``case:concept:name``, ``concept:name``, ``time:timestamp`` and, when the log
        has them, ``start_timestamp``, ``org:resource``, ``case:priority``, ``case:channel``.
        ``frame.attrs["bpsim"]`` holds what reading found (file, columns used, notes).

    Raises
    ------
    LogError
        No case, activity or timestamp column; dates that do not parse; nothing in the
        window; not a CSV or XES file. The message names the file, the row and the fix.
    """
    if "from_" in options:
        since = options.pop("from_")
    if options:
        raise TypeError(f"read_log() got unexpected arguments: {', '.join(options)}")
    notes: list[str] = []
    if isinstance(path, pd.DataFrame):
        file = "<DataFrame>"
        frame = path.astype(object).where(path.notna(), None).copy()
        frame = frame.astype({c: "string" for c in frame.columns
                              if not pd.api.types.is_datetime64_any_dtype(path[c])})
        lines = pd.Series(np.arange(len(frame)) + 2, index=frame.index)
    else:
        file = str(path)
        data = _read_bytes(Path(path), progress)
        stripped = data.lstrip()[:200]
        if stripped.startswith(b"<") or stripped.startswith(b"\xef\xbb\xbf<"):
            frame = _read_xes(data, file)
            lines = frame.pop("_line")
        else:
            frame = _read_csv(data, file)
            lines = pd.Series(np.arange(len(frame)) + 2, index=frame.index)
        del data
    given = {CASE: case, ACT: activity, TIME: timestamp, START: start_timestamp,
             RES: resource, CLS: klass, CHAN: channel}
    chosen = _pick(frame, given, file)
    if frame.empty:
        raise LogError("the log has a header but no rows.", file=file,
                       hint="export the log again.")
    out = pd.DataFrame(index=frame.index)
    for ours in (CASE, ACT):
        col = frame[chosen[ours]].astype("string").str.strip()
        missing = col.isna() | (col == "")
        if missing.all():
            raise LogError(f"column {chosen[ours]!r} ({_FLAG[ours]}) is empty on every row.",
                           file=file, hint=f"name the right column with {_FLAG[ours]}.")
        out[ours] = col
    for ours in (TIME, START):
        if ours not in chosen:
            continue
        col = frame[chosen[ours]]
        if pd.api.types.is_datetime64_any_dtype(col):
            out[ours] = col.dt.tz_localize(None) if col.dt.tz is not None else col
            continue
        out[ours], note = _parse_times(col, dayfirst, file, chosen[ours], lines)
        if note and note not in notes:
            notes.append(note)
    for ours in (RES, CLS, CHAN):
        if ours in chosen:
            out[ours] = frame[chosen[ours]].astype("string").str.strip()
    if LIFE in chosen:
        out[LIFE] = frame[chosen[LIFE]].astype("string").str.strip().str.casefold()
    dropped = out[CASE].isna() | out[ACT].isna() | out[TIME].isna()
    if dropped.any():
        notes.append(f"{int(dropped.sum()):,} rows without ticket, activity or time skipped.")
        out = out.loc[~dropped]
    out["_line"] = lines.loc[out.index].to_numpy()
    out["_order"] = np.arange(len(out))
    if LIFE in out.columns:
        out, note = _pair_lifecycle(out)
        if note:
            notes.append(note)
    out = out.sort_values([CASE, TIME, "_order"], kind="stable")
    if START not in out.columns:
        out, note = _collapse_states(out)
        if note:
            notes.append(note)
    out = _window(out, since, until, file)
    # ticket attributes are per case: the first non-empty value wins
    for ours in (CLS, CHAN):
        if ours in out.columns:
            out[ours] = out.groupby(CASE, sort=False)[ours].transform("first")
    cols = [c for c in (CASE, ACT, TIME, START, RES, CLS, CHAN) if c in out.columns]
    result = out[cols].reset_index(drop=True)
    result.attrs["bpsim"] = {"file": file, "columns": {k: v for k, v in chosen.items()},
                             "notes": notes}
    return result


def _pair_lifecycle(out: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    life = out[LIFE].fillna("complete")
    if not life.isin(["start"]).any():
        keep = life.isin(["complete", "completed", "end", "done", ""]) | ~life.isin(
            ["schedule", "assign", "withdraw", "ate_abort", "pi_abort", "suspend", "resume",
             "reassign", "manualskip", "autoskip"])
        out = out.loc[keep].drop(columns=[LIFE])
        return out, ("" if keep.all() else f"{int((~keep).sum()):,} non-complete lifecycle "
                     "rows skipped.")
    starts = out.loc[life == "start"].sort_values([CASE, TIME, "_order"], kind="stable")
    comps = out.loc[life.isin(["complete", "completed", "end"])]
    comps = comps.sort_values([CASE, TIME, "_order"], kind="stable")
    # the k-th start of (case, activity) pairs with the k-th complete of the same pair
    starts = starts.assign(_k=starts.groupby([CASE, ACT], sort=False).cumcount())
    comps = comps.assign(_k=comps.groupby([CASE, ACT], sort=False).cumcount())
    merged = comps.merge(starts[[CASE, ACT, "_k", TIME]].rename(columns={TIME: START}),
                         on=[CASE, ACT, "_k"], how="left")
    merged.index = comps.index
    merged = merged.drop(columns=["_k", LIFE])
    bad = merged[START] > merged[TIME]
    merged.loc[bad, START] = pd.NaT
    return merged, (f"start and complete rows paired ({int(merged[START].notna().sum()):,} "
                    "events with a start time).")


def _collapse_states(out: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    case, act = out[CASE].to_numpy(), out[ACT].to_numpy()
    if len(out) < 2:
        return out, ""
    same = np.r_[False, (case[1:] == case[:-1]) & (act[1:] == act[:-1])]
    if same.mean() <= 1 / 3:
        return out, ""
    run = np.cumsum(~same)
    g = out.groupby(run, sort=False)
    first_time = g[TIME].transform("min")
    last = ~np.r_[same[1:], False]
    res = out.loc[last].copy()
    res[START] = first_time.loc[last].to_numpy()
    return res, (f"state-change export recognised ({int(same.sum()):,} of {len(out):,} rows "
                 "repeat their ticket's previous state): each run of rows in one state is one "
                 "event, from its first row to its last.")


def _to_time(value: Any, what: str) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        t = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise LogError(f"{what} {value!r} is not a date.",
                       hint="write it as 2012-07-01 or 2012-07-01T08:00.") from None
    return t.tz_localize(None) if t.tzinfo is not None else t


def _window(out: pd.DataFrame, since: Any, until: Any, file: str) -> pd.DataFrame:
    lo, hi = _to_time(since, "--from"), _to_time(until, "--until")
    if lo is None and hi is None:
        return out
    opened = out.groupby(CASE, sort=False)[TIME].transform("min")
    keep = pd.Series(True, index=out.index)
    if lo is not None:
        keep &= opened >= lo
    if hi is not None:
        keep &= opened < hi
    if not keep.any():
        first, last = out[TIME].min(), out[TIME].max()
        raise LogError(
            f"no ticket was opened in the window [{lo or '...'}, {hi or '...'}).", file=file,
            hint=f"the log's tickets run from {first:%Y-%m-%d} to {last:%Y-%m-%d}; choose "
                 "--from/--until inside that range.")
    return out.loc[keep]
