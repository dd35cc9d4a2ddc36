"""The clock of one replication: simulated time and the calendar of what happens next.

Every future moment of a run (a ticket's work is done, a shift opens, the next e-mail
arrives) is a :class:`~bpsim.engine.tokens.Call` waiting on simpy's event queue: a heap of
``(time, priority, sequence, call)``. The earliest comes first; at the same time
:data:`URGENT` (shifts, breaks, the end of the run) before :data:`NORMAL` (tickets); then the
order in which they were scheduled, so that a run is repeatable to the bit.

:class:`Clock` is a ``simpy.Environment`` whose loop, :meth:`Clock.run_calls`, pops that heap
and calls each Call's one callback: no generator, no event object beyond the Call, no
per-event method call. The time is a plain attribute, :attr:`Clock.now` (simpy's is a
property); simpy's own ``step`` and ``run`` still work on the same queue. Hot callbacks push onto :attr:`Clock.calls` directly (``push(calls,
(now + delay, NORMAL, next(seq), call))``, the very tuple :meth:`Clock.call` builds).
"""

from __future__ import annotations

from heapq import heappop, heappush

import simpy

from bpsim.engine.tokens import Call

__all__ = ["Clock", "Stop", "URGENT", "NORMAL"]

#: Priorities at the same moment: staff and the run's end first, then tickets.
URGENT, NORMAL = 0, 1


class Stop(Exception):
    """Raised by a callback to end the run now."""


class Clock(simpy.Environment):
    """simpy's environment, with a typed calendar of Calls and a loop that runs them."""

    #: The simulated time (seconds), a plain attribute: the callbacks read it a few million
    #: times a run, and simpy's ``now`` is a property (a Python call per read). The loop
    #: keeps simpy's ``_now`` equal to it.
    now: float = 0.0

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        # simpy types its heap as one of simpy Events; the engine puts only Calls on it
        # (duck-typed events: ``callbacks`` and ``_ok``), so it is typed here as such.
        self.calls: list[tuple[float, int, int, Call]] = self._queue  # type: ignore[assignment]
        #: The sequence numbers that order calls scheduled for the same time and priority.
        self.seq = self._eid

    def call(self, call: Call, priority: int, delay: float) -> None:
        """Schedule ``call`` ``delay`` seconds from now (what simpy's ``schedule`` does)."""
        heappush(self.calls, (self.now + delay, priority, next(self.seq), call))

    def step(self) -> None:
        """simpy's ``step`` (so that simpy's ``run`` works too), with :attr:`now` moved to
        the time of the event it processes before its callbacks run."""
        if self._queue:
            self.now = self._queue[0][0]
        super().step()

    def run_calls(self) -> None:
        """Run the calls in order until none is left or one raises :class:`Stop`."""
        calls = self.calls
        try:
            while calls:
                now, _p, _s, call = heappop(calls)
                self.now = self._now = now
                call.callbacks[0](call)
        except Stop:
            pass
