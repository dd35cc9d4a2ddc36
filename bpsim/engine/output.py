"""What a simulation run leaves behind: event records, cases and staff time.

The engine writes one **event record** per ticket x element x lifecycle moment, kept in
columns (cheap to append, cheap to turn into a DataFrame). Everything the analyses report
(waits, queue lengths, utilisation, SLA clocks, costs) is computed from these records, so a
figure can always be traced back to the tickets behind it.

Lifecycle moments (``lifecycle`` column):

=============  ==========================================================================
``arrive``     a ticket is created at a start event (``element`` = the start event)
``enabled``    a token reaches an activity or a catch event and starts waiting
``start``      a person takes the task in charge (``resource`` = the person), or a delay
               without staff begins
``complete``   the activity or catch event finishes
``interrupted`` an interrupting boundary event abandoned the activity (queued or in service)
``withdrawn``  the token was withdrawn without completing (event-based gateway losers,
               terminate end events, the end of the run for unfinished work is *not* recorded)
``pass``       a token passes a gateway, a throw event or a boundary event
``end``        a token is consumed by an end event (``element`` = the end event)
``abandoned``  the ticket lost patience and left the queue of a task before anyone took it
               in charge (``patience:``)
``blocked``    the ticket found every waiting place of the task taken (``capacity:``) and
               did not join its queue
``suspend``    a more urgent ticket took the person away (``preemptive:``); ``resource``
               = the person
``resume``     a person took a suspended ticket up again (``resource`` = that person)
=============  ==========================================================================

Times are seconds since the scenario start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["LIFECYCLES", "RunOutput"]

LIFECYCLES = ["arrive", "enabled", "start", "complete", "interrupted", "withdrawn", "pass", "end",
              "abandoned", "blocked", "suspend", "resume"]


@dataclass
class RunOutput:
    """The raw output of :func:`bpsim.engine.run` over all replications.

    Attributes
    ----------
    events : DataFrame
        ``replication`` (int), ``case`` (int, unique within a replication), ``cls``
        (category: priority class), ``element`` (category: element id), ``lifecycle``
        (category, values in :data:`LIFECYCLES`), ``time`` (float s), ``resource``
        (category: staff member, NaN when none), ``role`` (category, NaN when none).
        Sorted by replication, then time (ties in the order they happened).
    cases : DataFrame
        One row per ticket: ``replication``, ``case``, ``cls``, ``start`` (start event id),
        ``arrival`` (s), ``end`` (s, NaN when unfinished at the end of the run),
        ``completed`` (bool: it reached its end; a ticket that left unserved did not),
        ``abandoned`` (bool: it left unserved after losing patience in a queue),
        ``blocked`` (bool: it was turned away by a full queue and left).
    staff : DataFrame
        One row per replication x staff member: ``replication``, ``role``, ``resource``,
        ``shift``, ``on_shift`` (seconds on shift within the measured window),
        ``busy`` (seconds working within it), ``tasks`` (tasks started within it),
        ``away`` (seconds on a break within it: ``shrinkage`` / ``breaks``; counted in
        ``on_shift``, which is paid time), ``engaged`` (seconds with at least one ticket in
        hand; for a role with ``concurrency: N``, ``busy`` is the place-seconds occupied / N
        and ``engaged`` may exceed it; otherwise the two are equal).
    windows : DataFrame
        One row per replication: ``replication``, ``warmup`` (s), ``end`` (s): the measured
        window is ``[warmup, end]``.
    updates : DataFrame or None
        Proactive updates sent to customers (scenario ``updates:``), one row each:
        ``replication``, ``case``, ``time`` (s), ``resource``; ``None`` without ``updates:``.
    summaries : list of bpsim.stream.Summary, or None
        With ``records=False`` (streaming statistics): one summary per replication, and
        ``events`` and ``cases`` are empty (:mod:`bpsim.stream`); ``None`` otherwise.
    """

    events: pd.DataFrame
    cases: pd.DataFrame
    staff: pd.DataFrame
    windows: pd.DataFrame
    seed: int | None = None
    replications: int = 1
    meta: dict[str, Any] = field(default_factory=dict)
    updates: pd.DataFrame | None = None
    summaries: list[Any] | None = None
