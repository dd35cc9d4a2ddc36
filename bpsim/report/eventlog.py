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
``org:resource``           the staff member (empty when none)
``org:role``               the role (empty when none)
``case:priority``          the ticket's priority class
``replication``            the replication number
``element``                the BPMN element id
``bpsim:lifecycle``        bpsim's own lifecycle word
=========================  ===============================================================

Tokens passing gateways are left out (gateways are routing, not steps of the work).
In XES, the ``case:`` attributes are trace attributes (``concept:name``, ``priority``,
``replication``, ``channel``, and ``sla:<name>`` true/false when the ticket's SLA outcome is
known); the file declares the Concept, Time, Lifecycle and Organizational extensions, global
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
    if start.tzinfo is not None:
        iso = iso + start.strftime("%z")[:3] + ":" + start.strftime("%z")[3:]
    lc = ev["lifecycle"].astype(str)
    log = pd.DataFrame({
        "case:concept:name": ev["replication"].astype(int).astype(str) + "-"
        + ev["case"].astype(int).astype(str),
        "concept:name": elements.map(names),
        "time:timestamp": iso,
        "lifecycle:transition": lc.map(LIFECYCLE_XES).fillna("complete"),
        "org:resource": ev["resource"].astype(object),
        "org:role": ev["role"].astype(object),
        "case:priority": ev["cls"].astype(object),
        "replication": ev["replication"].astype(int),
        "element": elements,
        "bpsim:lifecycle": lc,
        "_case": ev["case"].astype(int),
    })
    return log.reset_index(drop=True)


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


def _case_info(results) -> tuple[dict, list[str]]:
    cases = results.cases
    sla_cols = [c for c in cases.columns if c.endswith(" breached")]
    info = {}
    for row in cases.to_dict("records"):
        key = f"{int(row['replication'])}-{int(row['case'])}"
        info[key] = row
    return info, sla_cols


def _q(values: pd.Series) -> np.ndarray:
    """Attribute values XML-quoted (each distinct value escaped once); None for missing."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    quoted = np.array([quoteattr(str(u)) for u in uniques] + [None], dtype=object)
    return quoted[codes]


def _traces_header(results, log: pd.DataFrame) -> pd.Series:
    info, sla_cols = _case_info(results)
    heads = {}
    for case, prio, rep in log[["case:concept:name", "case:priority", "replication"]] \
            .drop_duplicates("case:concept:name").itertuples(index=False, name=None):
        text = (f'  <trace>\n    <string key="concept:name" value="{case}"/>\n    '
                + _attr("string", "priority", prio) + "\n    "
                + _attr("int", "replication", rep) + "\n")
        row = info.get(case)
        if row is not None:
            text += "    " + _attr("string", "channel", row.get("start")) + "\n"
            for c in sla_cols:
                v = row.get(c)
                if v is not None and not (isinstance(v, float) and math.isnan(v)):
                    key = "sla:" + c[: -len(" breached")] + ":breached"
                    text += "    " + _attr("boolean", key, "true" if v else "false") + "\n"
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
    heads = _traces_header(results, log).to_numpy()
    stamps = log["time:timestamp"].to_numpy(dtype=object)   # ISO digits: nothing to escape
    columns = zip(first, last, heads, _q(log["concept:name"]), stamps,
                  _q(log["lifecycle:transition"]), _q(log["org:resource"]),
                  _q(log["org:role"]), _q(log["element"]), _q(log["bpsim:lifecycle"]))
    parts = []
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
          + _attr("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00") + "\n    "
          + _attr("string", "lifecycle:transition", "complete") + "\n  </global>\n")
        w('  <classifier name="Activity" keys="concept:name"/>\n')
        w('  <classifier name="Activity and transition" '
          'keys="concept:name lifecycle:transition"/>\n')
        w('  <classifier name="Resource" keys="org:resource"/>\n')
        w("  " + _attr("string", "concept:name", results.scenario_name or "bpsim run") + "\n")
        w("".join(parts))
        w("</log>\n")
    return Path(path)


def write_event_log(results, path: str | os.PathLike) -> Path:
    """Write the event log to ``path``: XES for ``.xes``, CSV for ``.csv``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xes":
        return write_xes(results, path)
    if suffix == ".csv":
        return write_csv(results, path)
    raise ValueError(f"unknown event-log format {suffix!r}: use a .csv or .xes file name")
