"""Event logs for pm4py, in memory.

:func:`to_pm4py` gives the simulated event log as the DataFrame pm4py works on: the columns of
:mod:`bpsim.report.eventlog` (``case:concept:name``, ``concept:name``, ``time:timestamp``,
``lifecycle:transition``, ``org:resource``, ...) with timestamps as real datetimes, formatted by
``pm4py.format_dataframe`` so that every pm4py discovery, conformance and organisational
mining function takes it as it is::

    log = results.to_pm4py()
    net, im, fm = pm4py.discover_petri_net_inductive(log)

pm4py is optional (``pip install 'bpsim[mining]'``; it is AGPL-licensed, which is why bpsim
does not depend on it).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bpsim.errors import BpsimError

__all__ = ["to_pm4py"]


def _replications(results: Any, which: str | list[int]) -> list[int] | None:
    ids = list(results.replication_ids)
    if which == "all":
        return None
    if which == "first":
        return ids[:1]
    if isinstance(which, (list, tuple)):
        unknown = [r for r in which if r not in ids]
        if unknown:
            raise BpsimError(f"no replication {unknown[0]!r} in these results.",
                             hint=f"choose among {ids[:10]}.")
        return list(which)
    raise BpsimError(f"replications={which!r} is not 'first', 'all' or a list of numbers.",
                     hint="pass replications='first', 'all' or [0, 1].")


def to_pm4py(results: Any, replications: str | list[int] = "first") -> pd.DataFrame:
    """The event log of ``results`` as a pm4py-formatted DataFrame.

    Parameters
    ----------
    results : Results
        A simulation's results.
    replications : "first", "all" or list of int
        Which replications' tickets go into the log (each case id is ``"<replication>-<case>"``).

    Raises
    ------
    BpsimError
        pm4py is not installed, or an unknown replication.
    """
    try:
        import pm4py
    except ImportError:
        raise BpsimError("pm4py is not installed.",
                         hint="pip install 'bpsim[mining]' (or pip install pm4py), or write "
                              "the log with results.to_event_log('events.xes').") from None
    from bpsim.report.eventlog import event_log

    log = event_log(results, _replications(results, replications))
    log["time:timestamp"] = pd.to_datetime(log["time:timestamp"], format="ISO8601")
    return pm4py.format_dataframe(log, case_id="case:concept:name", activity_key="concept:name",
                                  timestamp_key="time:timestamp")
