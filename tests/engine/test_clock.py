"""The clock: calls run in (time, priority, order scheduled) order, by its own loop or simpy's."""

from __future__ import annotations

import random

import pytest

from bpsim.engine.clock import NORMAL, URGENT, Clock, Stop
from bpsim.engine.tokens import Call


def _calendar(seed: int) -> tuple[Clock, list[tuple[float, int, int]]]:
    """A clock with 200 calls at random (often equal) times and priorities; each call, when
    run, notes (clock time, priority, its number) and may schedule a follow-up call."""
    rng = random.Random(seed)
    clock = Clock()
    seen: list[tuple[float, int, int]] = []

    def note(ev: Call) -> None:
        seen.append((clock.now, ev.arg[0], ev.arg[1]))
        if ev.arg[1] < 50:  # the first 50 schedule one more, 0 to 2 s later
            clock.call(Call(note, None, (NORMAL, ev.arg[1] + 1000)), NORMAL, float(rng.randint(0, 2)))

    for k in range(200):
        prio = rng.choice([URGENT, NORMAL])
        clock.call(Call(note, None, (prio, k)), prio, float(rng.randint(0, 20)))
    return clock, seen


def test_calls_run_in_time_priority_then_scheduling_order() -> None:
    clock, seen = _calendar(1)
    clock.run_calls()
    assert len(seen) == 250
    times = [t for t, _p, _k in seen]
    assert times == sorted(times)  # the clock never goes back
    # at one time, every urgent call before every normal one
    for t in set(times):
        prios = [p for tt, p, _k in seen if tt == t]
        assert prios == sorted(prios)
    # the initial calls of the same time and priority run in the order they were scheduled
    for t in set(times):
        for p in (URGENT, NORMAL):
            first = [k for tt, pp, k in seen if tt == t and pp == p and k < 1000]
            assert first == sorted(first)


def test_simpy_run_gives_the_same_order_and_times() -> None:
    own, seen_own = _calendar(2)
    own.run_calls()
    theirs, seen_simpy = _calendar(2)
    theirs.run()  # simpy's own loop over the same queue
    assert seen_simpy == seen_own
    assert theirs.now == own.now == seen_own[-1][0]


def test_stop_ends_the_run_and_keeps_the_rest() -> None:
    clock = Clock()
    ran: list[float] = []

    def note(ev: Call) -> None:
        ran.append(clock.now)

    def stop(ev: Call) -> None:
        raise Stop

    for t in (1.0, 2.0, 4.0):
        clock.call(Call(note, None, None), NORMAL, t)
    clock.call(Call(stop, None, None), URGENT, 2.0)  # urgent: before the call at 2.0
    clock.run_calls()
    assert ran == [1.0]
    assert clock.now == 2.0
    assert [entry[0] for entry in sorted(clock.calls)] == [2.0, 4.0]


def test_an_error_in_a_callback_is_not_swallowed() -> None:
    clock = Clock()

    def broken(ev: Call) -> None:
        raise IndexError("a bug in a callback")

    clock.call(Call(broken, None, None), NORMAL, 1.0)
    with pytest.raises(IndexError):
        clock.run_calls()
