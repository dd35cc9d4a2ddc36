"""Event logs for process mining: CSV and XES (IEEE 1849), readable by pm4py.

Every record the engine wrote becomes one event of the ticket's trace, named the way process
mining tools expect:

=========================  ===============================================================
``case:concept:name``      the ticket: ``"<replication>-<case>"`` (unique across runs)
``concept:name``           the element's name (its id when unnamed)
``time:timestamp``         ISO 8601: the scenario's start date + the simulation seconds
``lifecycle:transition``   XES standard lifecycle: enabled -> ``schedule``, start ->
                           ``start``, complete -> ``complete``, interrupted -> ``ate_abort``,
                           withdrawn -> ``withdraw``; arrive / end / pass (start events, end
                           events, throw and boundary events) -> ``complete``
``org:resource``           the staff member; ``system`` for every event no person
                           performs (automatic steps, start / end / catch events, a task
                           being enabled before someone takes it), so that handover and
                           resource analyses (pm4py) see no empty value
``org:role``               the role; ``system`` when none
``case:priority``          the ticket's priority class
``case:channel``           the start event the ticket came in by (its name)
``case:replication``       the replication number (``replication``: the same, per event)
``case:sla:<name>:breached``  ``true`` / ``false`` when the ticket's SLA outcome is known
``element``                the BPMN element id
``bpsim:lifecycle``        bpsim's own lifecycle word
=========================  ===============================================================

Tokens passing gateways are left out (gateways are routing, not steps of the work).
CSV and XES carry the same attributes: in XES the ``case:`` ones are trace attributes
(``concept:name``, ``priority``, ``replication``, ``channel``, ``sla:<name>:breached``), which
pm4py reads back as the CSV's ``case:`` columns. Timestamps are the scenario's local wall-clock
times: without ``timezone:`` they carry no offset (naive local time, everywhere in the file);
with ``timezone: Europe/Rome`` each carries that zone's offset at that instant (``+01:00`` in
winter, ``+02:00`` in summer), so pm4py and ProM show the hours the desk works. The XES file declares the Concept, Time, Lifecycle and Organizational extensions, global
trace and event attributes and classifiers, and is written as a stream.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from bpsim._atomic import atomic_path

__all__ = ["LIFECYCLE_XES", "event_log", "write_csv", "write_xes", "write_event_log"]

#: bpsim lifecycle -> XES standard lifecycle transition.
LIFECYCLE_XES = {
    "enabled": "schedule", "start": "start", "complete": "complete",
    "interrupted": "ate_abort", "withdrawn": "withdraw",
    "arrive": "complete", "end": "complete", "pass": "complete",
    "abandoned": "withdraw", "blocked": "withdraw", "suspend": "suspend", "resume": "resume",
}

XES_NS = "http://www.xes-standard.org/"
_EXTENSIONS = [
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
]


#: ``org:resource`` / ``org:role`` of the events no person performs.
SYSTEM_RESOURCE = "system"


def _start(results) -> dt.datetime:
    start = getattr(results.scenario, "start", None)
    return start if isinstance(start, dt.datetime) else dt.datetime(1970, 1, 1)


def event_log(results, replications: list[int] | None = None) -> pd.DataFrame:
    """The event log as a DataFrame with the process-mining column names above.

    ``replications`` keeps only those replications (``None``: all).
    """
    return _event_frame(results, replications).drop(columns=["_case"])


def _event_frame(results, replications: list[int] | None = None) -> pd.DataFrame:
    from bpsim.analysis.stages import element_name, element_type

    ev = results.output.events
    if replications is not None:
        ev = ev.loc[ev["replication"].astype(int).isin(list(replications))]
    elements = ev["element"].astype(object)
    gateways = {e for e in elements.unique()
                if (element_type(results.process, e) or "").endswith("Gateway")}
    keep = ~(elements.isin(gateways) & (ev["lifecycle"].astype(str) == "pass"))
    ev = ev.loc[keep]
    elements = ev["element"].astype(object)
    names = {e: element_name(results.process, e) for e in elements.unique()}
    start = pd.Timestamp(_start(results))
    base = np.datetime64(start.tz_localize(None) if start.tzinfo else start, "ms")
    millis = np.round(ev["time"].astype(float).to_numpy() * 1000.0).astype("timedelta64[ms]")
    iso = pd.Series(np.datetime_as_string(base + millis, unit="ms"), index=ev.index,
                    dtype=object)
    zone = getattr(results.scenario, "timezone", None)
    if zone:
        iso = iso + _offsets(base + millis, zone)
    elif start.tzinfo is not None:
        iso = iso + start.strftime("%z")[:3] + ":" + start.strftime("%z")[3:]
    lc = ev["lifecycle"].astype(str)
    resource = ev["resource"].astype(object).where(ev["resource"].notna(), SYSTEM_RESOURCE)
    role = ev["role"].astype(object).where(ev["role"].notna(), SYSTEM_RESOURCE)
    info = _case_columns(results)
    log = pd.DataFrame({
        "case:concept:name": ev["replication"].astype(int).astype(str) + "-"
        + ev["case"].astype(int).astype(str),
        "concept:name": elements.map(names),
        "time:timestamp": iso,
        "lifecycle:transition": lc.map(LIFECYCLE_XES).fillna("complete"),
        "org:resource": resource,
        "org:role": role,
        "case:priority": ev["cls"].astype(object),
        "replication": ev["replication"].astype(int),
        "element": elements,
        "bpsim:lifecycle": lc,
        "_case": ev["case"].astype(int),
    })
    log["case:replication"] = log["replication"]
    if not info.empty:
        log = log.merge(info, how="left", left_on="case:concept:name", right_index=True)
    return log.reset_index(drop=True)


def _offsets(naive: np.ndarray, zone: str) -> np.ndarray:
    """``"+01:00"``-style UTC offsets of local wall-clock times in ``zone`` (a time that a
    daylight-saving change skips is moved forward; a repeated hour counts as standard time)."""
    local = pd.DatetimeIndex(naive).tz_localize(zone, ambiguous=np.zeros(len(naive), bool),
                                                nonexistent="shift_forward")
    seconds = (local.tz_localize(None) - local.tz_convert("UTC").tz_localize(None)) \
        .total_seconds().astype(int)
    table = {s: f"{'+' if s >= 0 else '-'}{abs(s) // 3600:02d}:{abs(s) % 3600 // 60:02d}"
             for s in np.unique(seconds)}
    return np.array([table[s] for s in seconds], dtype=object)


def _case_columns(results) -> pd.DataFrame:
    """Per ticket (index ``"<rep>-<case>"``): ``case:channel`` and each SLA's
    ``case:sla:<name>:breached`` (``"true"`` / ``"false"``, empty when not known)."""
    from bpsim.analysis.stages import element_name

    cases = results.cases
    if cases.empty:
        return pd.DataFrame()
    key = cases["replication"].astype(int).astype(str) + "-" + cases["case"].astype(int).astype(str)
    start = cases["start_event"].astype(object)
    names = {e: element_name(results.process, e) for e in start.dropna().unique()}
    out = pd.DataFrame({"case:channel": start.map(names).to_numpy()}, index=key.to_numpy())
    for name, slug in cases.attrs.get("slas", {}).items():
        col = cases[f"sla_{slug}_breached"]
        text = col.map({True: "true", False: "false"}).astype(object)
        out[f"case:sla:{name}:breached"] = text.where(col.notna(), None).to_numpy()
    return out


def write_csv(results, path: str | os.PathLike,
              replications: list[int] | None = None) -> Path:
    """Write the event log as CSV (one row per event, header = the names above)."""
    log = event_log(results, replications)
    with atomic_path(path) as tmp:
        log.to_csv(tmp, index=False)
    return Path(path)


@functools.lru_cache(maxsize=4096)
def _quote(text: str) -> str:
    return quoteattr(text)


def _attr(kind: str, key: str, value) -> str:
    return f"<{kind} key={_quote(key)} value={_quote(str(value))}/>"


def _q(values: pd.Series) -> np.ndarray:
    """Attribute values XML-quoted (each distinct value escaped once); None for missing."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    quoted = np.array([quoteattr(str(u)) for u in uniques] + [None], dtype=object)
    return quoted[codes]


def _traces_header(log: pd.DataFrame) -> pd.Series:
    """The ``<trace>`` opening of each ticket: its ``case:`` columns as trace attributes."""
    case_cols = [c for c in log.columns if c.startswith("case:") and c not in
                 ("case:concept:name", "case:priority", "case:replication")]
    heads = {}
    first = log.drop_duplicates("case:concept:name")
    for row in first[["case:concept:name", "case:priority", "replication", *case_cols]] \
            .itertuples(index=False, name=None):
        case, prio, rep, *rest = row
        text = (f'  <trace>\n    <string key="concept:name" value="{case}"/>\n    '
                + _attr("string", "priority", prio) + "\n    "
                + _attr("int", "replication", rep) + "\n")
        for c, v in zip(case_cols, rest):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            kind = "boolean" if c.endswith(":breached") else "string"
            text += "    " + _attr(kind, c[len("case:"):], v) + "\n"
        heads[case] = text
    return log["case:concept:name"].map(heads)


def write_xes(results, path: str | os.PathLike,
              replications: list[int] | None = None) -> Path:
    """Write the event log as XES 1849-2016: one trace per ticket, events in time order."""
    log = _event_frame(results, replications)
    log["_order"] = range(len(log))
    log = log.sort_values(["replication", "_case", "_order"], kind="stable")
    case = log["case:concept:name"]
    first = case.ne(case.shift()).to_numpy()
    last = case.ne(case.shift(-1)).to_numpy()
    heads = _traces_header(log).to_numpy()
    stamps = log["time:timestamp"].to_numpy(dtype=object)   # ISO digits: nothing to escape
    columns = zip(first, last, heads, _q(log["concept:name"]), stamps,
                  _q(log["lifecycle:transition"]), _q(log["org:resource"]),
                  _q(log["org:role"]), _q(log["element"]), _q(log["bpsim:lifecycle"]))
    parts: list[str] = []
    add = parts.append
    for is_first, is_last, head, name, ts, trans, res, role, elem, raw in columns:
        if is_first:
            add(head)
        add(f'    <event>\n      <string key="concept:name" value={name}/>\n'
            f'      <date key="time:timestamp" value="{ts}"/>\n'
            f'      <string key="lifecycle:transition" value={trans}/>\n')
        if res is not None:
            add(f'      <string key="org:resource" value={res}/>\n')
        if role is not None:
            add(f'      <string key="org:role" value={role}/>\n')
        add(f'      <string key="element" value={elem}/>\n'
            f'      <string key="bpsim:lifecycle" value={raw}/>\n    </event>\n')
        if is_last:
            add("  </trace>\n")
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        w = f.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        w(f'<log xes.version="1849-2016" xes.features="nested-attributes" '
          f'xmlns="{XES_NS}">\n')
        for name, prefix, uri in _EXTENSIONS:
            w(f'  <extension name="{name}" prefix="{prefix}" uri="{uri}"/>\n')
        w('  <global scope="trace">\n    ' + _attr("string", "concept:name", "__INVALID__")
          + "\n  </global>\n")
        w('  <global scope="event">\n    '
          + _attr("string", "concept:name", "__INVALID__") + "\n    "
          + _attr("date", "time:timestamp", _epoch(log)) + "\n    "
          + _attr("string", "lifecycle:transition", "complete") + "\n  </global>\n")
        w('  <classifier name="Activity" keys="concept:name"/>\n')
        w('  <classifier name="Activity and transition" '
          'keys="concept:name lifecycle:transition"/>\n')
        w('  <classifier name="Resource" keys="org:resource"/>\n')
        w("  " + _attr("string", "concept:name", results.scenario_name or "bpsim run") + "\n")
        w("".join(parts))
        w("</log>\n")
    return Path(path)


def _epoch(log: pd.DataFrame) -> str:
    """The global default timestamp, written like the file's timestamps (offset or none)."""
    ts = str(log["time:timestamp"].iloc[0]) if len(log) else ""
    offset = ts[23:] if len(ts) > 23 else ""
    return "1970-01-01T00:00:00.000" + offset


def write_event_log(results, path: str | os.PathLike) -> Path:
    """Write the event log to ``path``: XES for ``.xes``, CSV for ``.csv``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xes":
        return write_xes(results, path)
    if suffix == ".csv":
        return write_csv(results, path)
    raise ValueError(f"unknown event-log format {suffix!r}: use a .csv or .xes file name")
