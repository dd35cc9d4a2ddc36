"""The scenario as the user writes it: one pydantic model per section of the YAML file.

A scenario says what the drawing cannot: how many tickets arrive and when, how long each task
takes, who does it and at what cost, which way a ticket goes at each decision, what the
service levels are. The models below mirror the file key by key (see ``docs/scenario.md``);
they check *form* (a duration is a duration, a probability lies in [0, 1], no unknown key) as
soon as a scenario is loaded or built. Checks against a process (does "Triage ticket"
exist?) happen in :mod:`bpsim.scenario.bind`.

Field values keep the user's vocabulary: element names, role and calendar names, dotted SLA
points; durations are already seconds and laws already
:class:`~bpsim.scenario.distributions.Distribution` objects (written back as text by
``to_dict``).

One module per part of the file, all re-exported here: :mod:`~bpsim.scenario.fields` (how
one value is read, and the :class:`~bpsim.scenario.fields.Section` base),
:mod:`~bpsim.scenario.arrivals`, :mod:`~bpsim.scenario.roles` (roles and calendars),
:mod:`~bpsim.scenario.tasks` (tasks, events, boundaries), :mod:`~bpsim.scenario.slas` (SLAs
and progress updates) and :mod:`~bpsim.scenario.customers` (retrial, satisfaction, survey,
blueprint). This module holds the whole file, :class:`ScenarioModel`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    PrivateAttr,
    model_validator,
)

from bpsim.errors import ScenarioError
from bpsim.scenario.arrivals import ArrivalModel, ProfileModel
from bpsim.scenario.customers import BlueprintModel, RetrialModel, SatisfactionModel, SurveyModel
from bpsim.scenario.durations import duration_text
from bpsim.scenario.fields import (
    Count,
    Names,
    Positive,
    Probability,
    Seconds,
    Section,
    invalid,
    read_seconds,
)
from bpsim.scenario.loader import Loc, scenario_error
from bpsim.scenario.roles import BreakModel, CalendarModel, RoleModel, ShiftModel
from bpsim.scenario.slas import SLAModel, UpdatesModel
from bpsim.scenario.tasks import BoundaryModel, EventModel, LoopModel, TaskModel

__all__ = [
    "DEFAULT_START",
    "CalendarModel",
    "ProfileModel",
    "ArrivalModel",
    "ShiftModel",
    "RoleModel",
    "TaskModel",
    "EventModel",
    "BoundaryModel",
    "SLAModel",
    "ScenarioModel",
    "BlueprintModel",
    "UpdatesModel",
    "SatisfactionModel",
    "SurveyModel",
    "RetrialModel",
    "BreakModel",
    "LoopModel",
]


#: Calendar anchor when the scenario gives no ``start``: Monday 5 January 2026, 00:00.
DEFAULT_START = dt.datetime(2026, 1, 5)


def _zone(value: str) -> str:
    """An IANA time zone name (``Europe/Rome``), checked against the zone database."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise invalid(f"{value!r} is not a time zone name.",
                      "write an IANA name such as Europe/Rome, Europe/Warsaw or UTC.") from None
    return str(value)


def _warmup(value: Any) -> float | str:
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    return read_seconds(value)


#: A warm-up: a duration, or "auto" (the MSER-5 rule of :mod:`bpsim.analysis.warmup`).
Warmup = Annotated[float | str, BeforeValidator(_warmup),
                   PlainSerializer(lambda v: v if isinstance(v, str) else duration_text(v))]


class ScenarioModel(Section):
    """The whole file (see :class:`bpsim.scenario.Scenario`, which adds the behaviour)."""

    # Where the scenario came from: set by :class:`~bpsim.scenario.Scenario` when it is
    # loaded, so that every check downstream (binding, validation) can name file and line.
    _source: str | None = PrivateAttr(default=None)
    _lines: dict = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> str | None:
        """The file the scenario was loaded from, or ``None``."""
        return self._source

    def error(self, message: str, loc: Loc, hint: str | None = None, **extra: Any) -> ScenarioError:
        """A :class:`ScenarioError` at key path ``loc`` of this scenario (file and line)."""
        return scenario_error(
            message, loc, hint=hint, file=self._source, lines=self._lines, **extra
        )


    name: str = "scenario"
    seed: Count | None = None
    replications: Positive = 1
    horizon: Seconds | None = None
    cases: Positive | None = None
    warmup: Warmup = 0.0
    start: dt.datetime = DEFAULT_START
    calendars: dict[str, CalendarModel] = Field(default_factory=dict)
    arrivals: dict[str, ArrivalModel] = Field(default_factory=dict)
    roles: dict[str, RoleModel] = Field(default_factory=dict)
    tasks: dict[str, TaskModel] = Field(default_factory=dict)
    gateways: dict[str, dict[str, Probability]] = Field(default_factory=dict)
    events: dict[str, EventModel] = Field(default_factory=dict)
    boundaries: dict[str, BoundaryModel] = Field(default_factory=dict)
    slas: list[SLAModel] = Field(default_factory=list)
    classes: Names | None = None
    blueprint: BlueprintModel | None = None
    updates: UpdatesModel | None = None
    satisfaction: SatisfactionModel | None = None
    survey: SurveyModel | None = None
    allow_unstaffed: bool = False
    retrial: RetrialModel | None = None
    timezone: Annotated[str, AfterValidator(_zone)] | None = None

    @model_validator(mode="after")
    def _end_of_run(self) -> ScenarioModel:
        if self.horizon is None and self.cases is None:
            raise invalid(
                "a run needs an end: give horizon (simulated time) or cases (tickets).",
                "e.g. horizon: 30d.",
            )
        if self.horizon is not None and self.horizon <= 0:
            raise invalid("horizon must be positive.", "e.g. horizon: 30d.")
        if self.horizon is not None and not math.isfinite(self.horizon):
            raise invalid("horizon must be a finite time (a run must end).",
                          "e.g. horizon: 30d, or cases: 10000 to stop after that many tickets.",
                          key="horizon")
        warmup = self.warmup
        if isinstance(warmup, (int, float)) and not math.isfinite(warmup):
            raise invalid("warmup must be a finite time.", "e.g. warmup: 2d.", key="warmup")
        if self.horizon is not None and isinstance(warmup, (int, float)) \
                and warmup >= self.horizon:
            raise invalid(
                f"warmup ({duration_text(warmup)}) is not shorter than horizon "
                f"({duration_text(self.horizon)}): every ticket would arrive during the warm-up "
                "and none would be counted.",
                "make horizon longer than warmup (e.g. horizon: 30d with warmup: 2d), or "
                "shorten warmup.", key="warmup")
        return self

    def class_order(self) -> list[str]:
        """Priority classes, most urgent first: ``classes`` if given, else the classes of the
        arrivals (natural order when all end in a number, P1 < P2 < P10; else as first
        seen); ``["default"]`` when none."""
        if self.classes:
            return list(self.classes)
        seen: list[str] = []
        for arrival in self.arrivals.values():
            for c in arrival.classes or {}:
                if c not in seen:
                    seen.append(c)
        if not seen:
            return ["default"]
        numbers = [re.search(r"\d+$", c) for c in seen]
        if all(numbers):
            order = {c: int(m.group()) for c, m in zip(seen, numbers) if m is not None}
            return sorted(seen, key=lambda c: (order[c], c))
        return seen
