"""Several tickets in hand at once: a chat agent holding up to N conversations.

``roles: {Chat agent: {staff: 4, concurrency: 3, slowdown: 0.2}}`` gives each person of the
role three **places**. A ticket needs one place, not a whole person: a person with a free
place takes the next ticket even while two other conversations are open.

* **Routing**: a ticket goes to the person on shift with the fewest tickets in hand (among
  those, the one whose place has been free the longest); the role's free places are kept in
  a :class:`FreePlaces` deque that holds each person once per free place.
* **Slowdown law**: with ``k`` tickets in hand, every one of them progresses at the pace
  ``1 / (1 + a (k - 1))`` of a one-at-a-time person (``a = slowdown``, default 0: no
  slowdown). A ticket's duration drawn from its task's law is its work alone; when a
  ticket joins or leaves the hand, the time left of each other one is stretched or shrunk
  by the ratio of the two factors. With exponential work, a person in state ``k`` thus
  completes tickets at the rate ``k mu / (1 + a (k - 1))``.
* **Busy time**: place-seconds occupied divided by the number of places, so that
  utilisation (busy / time at work) is the share of the role's places in use; ``engaged``
  counts the seconds with at least one ticket in hand (for one-at-a-time staff it equals
  ``busy``).
* **Breaks** (shrinkage) start when the last ticket in hand is done; meanwhile the person
  takes no new ticket. Proactive updates sent by such a person take a place for their
  duration and are not slowed down (they count in ``k`` for the tickets, though).

Only roles with ``concurrency`` above 1 use this module; their people have ``hand`` (a list)
instead of ``tok``.
"""

from __future__ import annotations

from collections import deque
from typing import cast

from bpsim.engine.tokens import Call, StaffMember, Token, take_next

__all__ = ["FreePlaces", "hand_builder"]

NORMAL = 1


class FreePlaces(deque):
    """A role's free places: each person once per free place, earliest freed first.

    :meth:`popleft` gives a place of the person holding the fewest tickets (the earliest
    freed among them), so that conversations spread over the people of the role.
    """

    def popleft(self) -> StaffMember:  # type: ignore[override]
        best, at, low = None, 0, 1 << 30
        for i, m in enumerate(self):
            k = len(m.hand)
            if k < low:
                best, at, low = m, i, k
                if k == 0:
                    break
        del self[at]
        return best  # type: ignore[return-value]


def hand_builder(env, warmup: float, starters: list, begin_break, n_nodes: int):
    """``(hold, let_go, offer, settle)`` for the people of roles with ``concurrency`` > 1.

    ``hold(tok, m, now, work, fn, arg)`` puts ``tok`` in ``m``'s hand with ``work`` seconds of
    work (at one-at-a-time pace) and schedules ``Call(fn, tok, arg)`` when it is done (the
    call is current while ``tok.aux`` is it). ``let_go(tok, m, now)`` takes it out of the
    hand and gives the free place to the next ticket. ``offer(m, now)`` gives every free
    place of a person who comes on shift. ``settle(m, now)`` adds the busy time so far.
    """
    schedule = env.call

    def settle(m: StaffMember, now: float) -> None:
        k = len(cast(list, m.hand))
        if k and now > warmup:
            s = m.since
            a = s if s > warmup else warmup
            if now > a:
                m.busy += k * (now - a) / m.slots
                m.engaged += now - a
        m.since = now

    def restretch(m: StaffMember, now: float, old: int, new: int) -> None:
        """``old`` -> ``new`` tickets in hand: each ticket's time left changes with the pace."""
        a = m.slowdown
        ratio = (1.0 + a * (new - 1)) / (1.0 + a * (old - 1))
        for t in cast(list, m.hand):
            ev = t.aux
            if t.node >= n_nodes or not isinstance(ev, Call):
                continue  # proactive updates keep their pace
            left = max(t.work - now, 0.0) * ratio
            t.work = now + left
            nxt = t.aux = Call(ev.callbacks[0], t, ev.arg)
            schedule(nxt, NORMAL, left)

    def hold(tok: Token, m: StaffMember, now: float, work: float, fn, arg) -> None:
        settle(m, now)
        hand = cast(list, m.hand)
        k = len(hand)
        if m.slowdown and k:
            restretch(m, now, k, k + 1)
            if tok.node < n_nodes:
                work *= 1.0 + m.slowdown * k
        hand.append(tok)
        tok.staff = m
        tok.work = now + work
        ev = tok.aux = Call(fn, tok, arg)
        schedule(ev, NORMAL, work)

    def let_go(tok: Token, m: StaffMember, now: float) -> None:
        settle(m, now)
        hand = cast(list, m.hand)
        try:
            hand.remove(tok)
        except ValueError:
            pass
        if m.slowdown and hand:
            restretch(m, now, len(hand) + 1, len(hand))
        if m.on_shift:
            take_next(m, now, starters)
        elif m.due and not hand:
            begin_break(m, now)

    def offer(m: StaffMember, now: float) -> None:
        pool = m.pool
        free = m.slots - len(cast(list, m.hand))
        while free > 0:
            tok = pool.pull()
            if tok is None:
                pool.idle.extend([m] * free)
                return
            starters[tok.node](tok, m, now)
            free -= 1

    return hold, let_go, offer, settle
