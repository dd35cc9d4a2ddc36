"""When did work start? Start-time estimation for logs with completion times only.

Most ticket tools log when a step was *done*, not when someone began it. Following the idea of
Chapela-Campa & Dumas ("Enhancing business process simulation models with extraneous activity
delays" / start-time estimation, 2022), a step could not start before

* it was **enabled**: the completion of the event of the same ticket whose token it consumed
  in the replay (see :mod:`bpsim.calibrate.replay`), or the ticket's arrival; and
* its **resource was available**: the completion of that resource's previous event, of any
  ticket.

So ``start = max(enabled, resource available)``. The processing time is ``completion -
start``, counted on the role's calendar (nights and weekends are not work); the rest,
``start - enabled``, is waiting. When the log has start times, they are used as they are.
The first event of a ticket without a logged start event has no enabled time: its start
is the resource's previous completion when that falls on the same day, else unknown (left
out of the fit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["estimate_starts"]


def estimate_starts(done: np.ndarray, enabled: np.ndarray, resource: pd.Series | None,
                    logged_start: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, str]:
    """Estimated start (seconds) per event, the resource-available times, and the method.

    ``done``: completion seconds; ``enabled``: enabled seconds (NaN: unknown);
    ``resource``: the resource per event (or None); ``logged_start``: logged start seconds
    (NaN where missing) or None.
    """
    n = len(done)
    avail = np.full(n, np.nan)
    if resource is not None:
        res = resource.to_numpy(dtype=object)
        has = pd.notna(res)
        if has.any():
            idx = np.flatnonzero(has)
            order = idx[np.lexsort((done[idx], pd.factorize(res[idx])[0]))]
            codes = pd.factorize(res[order])[0]
            prev = np.r_[np.nan, done[order][:-1]]
            same = np.r_[False, codes[1:] == codes[:-1]]
            avail[order] = np.where(same, prev, np.nan)
    start = np.where(np.isnan(enabled), np.nan, np.fmax(enabled, avail))
    first = np.isnan(enabled) & ~np.isnan(avail)
    same_day = first & (np.floor(avail / 86400) == np.floor(done / 86400))
    start[same_day] = avail[same_day]
    method = "estimated (enabled time, resource availability)"
    if logged_start is not None:
        known = ~np.isnan(logged_start)
        if known.any():
            start = np.where(known, logged_start, start)
            method = ("logged start times" if known.all()
                      else "logged start times, estimated where missing")
    start = np.minimum(start, done)
    return start, avail, method
