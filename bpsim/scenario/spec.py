"""The bound scenario: what the engine and the analyses consume.

A scenario file speaks the user's language: element *names*, human durations ("4h"), weekday
ranges ("mon-fri"). :meth:`bpsim.scenario.Scenario.bind` checks it against one
:class:`~bpsim.model.Process` and returns a :class:`BoundScenario`, in which

* every element is named by its **id** in the process graph (gateway branches by flow id),
* every duration is **seconds** (float), every law a :class:`Distribution`,
* every calendar a :class:`Calendar` anchored at the scenario's ``start`` date
  (time 0.0 = ``start``),

so the engine never parses, guesses or looks a name up. This module holds only the data
shapes and the small protocols (distribution, calendar, rate profile) the other modules
implement; it is the contract between ``bpsim.scenario``, ``bpsim.engine``,
``bpsim.analysis`` and ``bpsim.whatif``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "Distribution",
    "Calendar",
    "RateProfile",
    "Arrival",
    "Shift",
    "Role",
    "TaskSpec",
    "Route",
    "Retrial",
    "GatewaySpec",
    "EventSpec",
    "BoundarySpec",
    "LoopSpec",
    "StartTrigger",
    "SLAPoint",
    "SLA",
    "BoundScenario",
]


@runtime_checkable
class Distribution(Protocol):
    """A law of durations in seconds, e.g. ``Exponential(mean=360.0)``.

    ``sample(rng)`` draws one non-negative value; ``sample_many(rng, n)`` draws ``n`` at once
    (numpy array); ``mean`` is the exact mean in seconds (``inf`` when none exists).
    """

    mean: float

    def sample(self, rng: np.random.Generator) -> float: ...

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray: ...


@runtime_checkable
class Calendar(Protocol):
    """Opening hours on the simulation clock (seconds since the scenario start).

    Open intervals are half-open ``[open, close)``. All methods take and return seconds
    since the scenario start; ``inf`` means "never" (e.g. a calendar with no open hour left).
    """

    name: str

    def is_open(self, t: float) -> bool: ...

    def next_open(self, t: float) -> float:
        """``t`` itself when open at ``t``, else the next opening instant."""
        ...

    def next_close(self, t: float) -> float:
        """When open at ``t``: the end of the current open interval; else the end of the
        next open interval."""
        ...

    def working_time(self, t0: float, t1: float) -> float:
        """Open seconds within ``[t0, t1]`` (0 when ``t1 <= t0``)."""
        ...

    def add_working(self, t: float, seconds: float) -> float:
        """The instant at which ``seconds`` of open time have elapsed after ``t``."""
        ...


@runtime_checkable
class RateProfile(Protocol):
    """A time-varying arrival rate (non-homogeneous Poisson process)."""

    def next_arrival(self, t: float, rng: np.random.Generator) -> float:
        """The next arrival after ``t`` (``inf`` when the rate stays 0 forever).

        Exact across long zero-rate lulls (nights, weekends): inverts the integrated
        rate rather than thinning a fixed grid.
        """
        ...

    def rate(self, t: float) -> float:
        """Arrivals per second at ``t``."""
        ...


@dataclass
class Arrival:
    """How tickets arrive at one start event (a channel: e-mail, phone, portal ...).

    Exactly one of ``interarrival``, ``profile`` and ``trace`` is set. ``trace`` holds
    absolute arrival times (seconds since start, sorted). ``classes`` maps priority class
    to probability (sums to 1; order = priority, first served first). ``scale`` multiplies
    the demand (1.3 = 30 % more tickets; divides inter-arrival times, multiplies rates).
    ``limit`` caps the number of arrivals from this source (``None``: no cap).
    """

    start: str
    interarrival: Distribution | None = None
    profile: RateProfile | None = None
    trace: list[float] | None = None
    classes: dict[str, float] = field(default_factory=lambda: {"default": 1.0})
    scale: float = 1.0
    first_at: float = 0.0
    limit: int | None = None
    trace_classes: list[str] | None = None  # the class of each trace arrival (None: drawn)


@dataclass
class Shift:
    """``staff`` people who work when ``calendar`` is open (``None``: around the clock)."""

    staff: int
    calendar: Calendar | None = None
    name: str | None = None


@dataclass
class Role:
    """A pool of interchangeable people: "Agent", "Specialist".

    ``shifts`` lists who works when; the head-count of the role is the sum over shifts.
    Staff members are named ``f"{name} {i}"`` for i = 1..staff, numbered across shifts in
    order. ``cost_per_hour`` is charged on time worked; ``billing_increment`` (seconds) is
    the step in which each task's time is billed to the customer, rounded up
    (``None``: no rounding); ``bill_rate`` is the customer's hourly price
    (``None``: same as ``cost_per_hour``).
    """

    name: str
    shifts: list[Shift]
    cost_per_hour: float = 0.0
    billing_increment: float | None = None
    bill_rate: float | None = None
    preemptive: str | None = None  # "resume" / "restart": higher classes interrupt lower ones
    shrinkage: float = 0.0  # share of paid time unavailable (breaks, training, meetings)
    breaks: tuple[Distribution, Distribution] | None = None  # (every, duration) laws
    concurrency: int = 1  # tickets one person handles at once
    slowdown: float = 0.0  # each extra ticket in hand stretches the work by this share

    @property
    def staff(self) -> int:
        return sum(s.staff for s in self.shifts)


@dataclass
class Route:
    """Where a ticket goes instead: the element ``element`` (reached by flow ``flow`` when a
    flow was named)."""

    element: str
    flow: str | None = None


@dataclass
class Retrial:
    """A customer who abandoned or was blocked comes back after ``delay`` with
    ``probability`` (at most ``attempts`` times per visit; ``None``: no cap).
    ``virtual_hold``: a customer whose patience runs out keeps their place in the queue and
    is called back when their turn comes, instead of abandoning."""

    probability: float = 1.0
    delay: Distribution | None = None
    attempts: int | None = None
    virtual_hold: bool = False


@dataclass
class TaskSpec:
    """A task (or call activity / collapsed sub-process treated as one step).

    ``role`` is ``None`` for automatic work that holds no staff (a system step).
    ``by_class`` optionally overrides the duration per priority class. ``roles`` lists
    the qualified roles in order of preference (``role`` is the first; skills-based routing
    when there are several).

    ``patience`` maps a class name, a start event id (a channel) or ``None`` (everyone else)
    to the law of how long a customer waits in the queue before abandoning; ``on_abandon``
    and ``on_full`` say where the ticket goes then (``None``: it leaves, ``"retry"``: it
    comes back under ``retrial``, or a :class:`Route`); ``capacity`` is the number of
    waiting places (``None``: unbounded; 0: none, a customer is served at once or blocked).
    """

    element: str
    duration: Distribution
    role: str | None = None
    by_class: dict[str, Distribution] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    patience: dict[str | None, Distribution] | None = None
    on_abandon: Route | str | None = None
    capacity: int | None = None
    on_full: Route | str | None = None
    retrial: Retrial | None = None

    def __post_init__(self) -> None:
        if not self.roles and self.role is not None:
            self.roles = [self.role]
        if self.roles and self.role is None:
            self.role = self.roles[0]


@dataclass
class GatewaySpec:
    """Branch probabilities of a splitting exclusive/inclusive gateway, by outgoing flow id.

    For an exclusive gateway they sum to 1. For an inclusive gateway each is the probability
    that the branch is taken, independently (at least one is always taken: if the draw
    takes none, the default flow, else the most probable branch, is taken).
    """

    element: str
    probabilities: dict[str, float]


@dataclass
class EventSpec:
    """A delay at an intermediate catch event (or receive task) that holds no staff, e.g.
    the customer's reply. ``pauses_sla``: SLA clocks stop while a ticket waits here."""

    element: str
    duration: Distribution
    pauses_sla: bool = False


@dataclass
class BoundarySpec:
    """A boundary event on an activity.

    Timer boundaries fire after ``duration`` (from the scenario, else the BPMN timer value)
    measured from the moment the token reaches the activity. Error / other boundaries fire
    with ``probability`` when the activity completes (the activity's outcome is then the
    boundary path instead of the normal one).
    """

    element: str
    duration: Distribution | None = None
    probability: float | None = None
    cycles: float | None = None  # non-interrupting timers: firings while the activity runs


@dataclass
class LoopSpec:
    """How often an activity with a loop or multi-instance marker runs.

    ``kind`` is ``"standard"`` (the activity repeats), ``"parallel"`` or ``"sequential"``
    (multi-instance). Standard loops repeat with probability ``repeat`` after each
    iteration, or run ``iterations`` times (a law, rounded, at least 1); ``maximum`` caps the
    number of iterations. Multi-instance activities run ``instances`` times (a law, rounded,
    0 skips the activity), all at once (parallel) or one after another (sequential).
    """

    element: str
    kind: str = "standard"
    repeat: float | None = None
    iterations: Distribution | None = None
    instances: Distribution | None = None
    maximum: int | None = None


@dataclass
class StartTrigger:
    """When the start event of an event sub-process fires in a running scope.

    With ``probability`` p the trigger happens, ``duration`` (a law) after the enclosing
    scope started (timer starts: probability 1, the timer's duration).
    """

    element: str
    probability: float = 1.0
    duration: Distribution | None = None


@dataclass
class SLAPoint:
    """A point in a ticket's life: ``element`` id and which ``moment`` of it.

    ``moment`` is ``"arrive"`` (the token reaches the element: a start event's arrival, an
    end event's completion, a task being enabled), ``"start"`` (a person takes it in
    charge) or ``"end"`` (the element completes). ``element`` is ``None`` for the case
    itself (its arrival, or its completion).
    """

    element: str | None
    moment: str = "arrive"


@dataclass
class SLA:
    """A service-level target measured on a calendar clock.

    ``target`` maps priority class to seconds of *calendar* time (``None`` key: every class
    not listed). ``calendar`` ``None`` = the wall clock. The clock pauses while the ticket
    waits at any element in ``pause_at``. ``attain`` is the share of tickets that must meet
    the target (0.95 = 95 %).
    """

    name: str
    start: SLAPoint
    end: SLAPoint
    target: dict[str | None, float]
    calendar: Calendar | None = None
    attain: float = 1.0
    pause_at: frozenset[str] = frozenset()
    classes: frozenset[str] | None = None  # measure only these classes (None: all)


@dataclass
class UpdatePolicy:
    """Proactive updates: while a ticket is open, a person of ``role`` spends ``duration``
    telling the customer how it goes, every ``every`` seconds (of ``calendar``'s open time
    when given, else of the wall clock), the first ``first`` seconds after arrival."""

    every: float
    role: str
    duration: Distribution
    calendar: Calendar | None = None
    first: float | None = None


@dataclass
class BoundScenario:
    """A scenario checked against one process, ready for the engine.

    Either ``horizon`` (seconds of simulated time per replication) or ``cases`` (number of
    tickets per replication) ends a run; with both, whichever comes first. ``warmup``
    (seconds): statistics ignore tickets that arrive before it. ``classes`` lists the
    priority classes, most urgent first.
    """

    name: str
    seed: int | None
    replications: int
    horizon: float | None
    cases: int | None
    warmup: float
    start: dt.datetime
    arrivals: dict[str, Arrival]
    roles: dict[str, Role]
    tasks: dict[str, TaskSpec]
    gateways: dict[str, GatewaySpec] = field(default_factory=dict)
    events: dict[str, EventSpec] = field(default_factory=dict)
    boundaries: dict[str, BoundarySpec] = field(default_factory=dict)
    slas: list[SLA] = field(default_factory=list)
    calendars: dict[str, Calendar] = field(default_factory=dict)
    classes: list[str] = field(default_factory=lambda: ["default"])
    source: str | None = None
    loops: dict[str, LoopSpec] = field(default_factory=dict)  # activity id -> loop behaviour
    retrial: Retrial | None = None  # default of every task's retrial (patience / capacity)
    triggers: dict[str, StartTrigger] = field(default_factory=dict)  # event sub-process starts
    updates: UpdatePolicy | None = None  # proactive updates to the customer (staff time)
    blueprint: Any = None  # the scenario's blueprint: section (layers, phases, touchpoints)
    satisfaction: Any = None  # the satisfaction: section (None: the documented defaults)
    survey: Any = None  # the survey: section
    #: what would run silently wrong (a human task nobody does, a role with no staff), as
    #: the errors the engine raises before a run; the validator reports them as findings.
    problems: list = field(default_factory=list)
    allow_unstaffed: bool = False  # ``allow_unstaffed: true``: roles with no staff may run
    warmup_auto: bool = False  # warmup: auto (bpsim.simulate chooses it by MSER-5)
    timezone: str | None = None  # IANA zone of the wall-clock times (event-log offsets)
