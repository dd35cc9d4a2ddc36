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
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bpsim.errors import ScenarioError
from bpsim.scenario.distributions import Distribution
from bpsim.scenario.durations import duration_text, parse_duration
from bpsim.scenario.loader import Loc, scenario_error
from bpsim.scenario.parse import parse_distribution

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
]

#: Calendar anchor when the scenario gives no ``start``: Monday 5 January 2026, 00:00.
DEFAULT_START = dt.datetime(2026, 1, 5)


def _custom(
    exc: ScenarioError | str, hint: str | None = None, key: str | None = None
) -> PydanticCustomError:
    message = exc.message if isinstance(exc, ScenarioError) else exc
    hint = exc.hint if isinstance(exc, ScenarioError) else hint
    ctx = {"message": message, "hint": hint}
    if key is not None:  # a whole-file check about one top-level key
        ctx["at"] = key
    return PydanticCustomError("bpsim", "{message}", ctx)


def _seconds(value: Any) -> float:
    try:
        return parse_duration(value)
    except ScenarioError as exc:
        raise _custom(exc) from None


def _law(value: Any) -> Distribution:
    try:
        return parse_distribution(value)
    except ScenarioError as exc:
        raise _custom(exc) from None


def _zone(value: str) -> str:
    """An IANA time zone name (``Europe/Rome``), checked against the zone database."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _custom(f"{value!r} is not a time zone name.",
                      "write an IANA name such as Europe/Rome, Europe/Warsaw or UTC.") from None
    return str(value)


def _probability(value: Any) -> float:
    hint = 'write a share between 0 and 1 (0.25) or a percentage ("25%").'
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str) and value.strip().endswith("%"):
            p = float(value.strip()[:-1]) / 100
        else:
            p = float(value)
    except (TypeError, ValueError):
        raise _custom(f"{value!r} is not a probability.", hint) from None
    if not (0.0 <= p <= 1.0) or math.isnan(p):
        raise _custom(f"{value!r} is not between 0 and 1 (0 % and 100 %).", hint)
    return p


def _number(minimum: float):
    def check(value: Any) -> float:
        hint = f"write a number >= {minimum:g}."
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _custom(f"{value!r} is not a number.", hint)
        try:
            x = float(value)
        except ValueError:
            raise _custom(f"{value!r} is not a number.", hint) from None
        if not math.isfinite(x) or x < minimum:
            raise _custom(f"{value!r} is not a finite number >= {minimum:g}.", hint)
        return x

    return check


def _whole(minimum: int):
    def check(value: Any) -> int:
        hint = f"write a whole number >= {minimum}."
        if isinstance(value, bool):
            raise _custom(f"{value!r} is not a whole number.", hint)
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise _custom(f"{value!r} is not a whole number.", hint) from None
        if not x.is_integer() or x < minimum:
            raise _custom(f"{value!r} is not a whole number >= {minimum}.", hint)
        return int(x)

    return check


def _calendar_seconds(value: Any) -> float:
    from bpsim.scenario.durations import parse_calendar_duration

    try:
        return parse_calendar_duration(value)
    except ScenarioError as exc:
        raise _custom(exc) from None


def _target(value: Any) -> float | dict[str, float]:
    if isinstance(value, dict):
        return {str(k): _calendar_seconds(v) for k, v in value.items()}
    return _calendar_seconds(value)


def _one_text(x: Any) -> Any:
    text = getattr(x, "text", "")
    return text if text and getattr(x, "working_days", 0) else duration_text(x)


def _text_target(v: float | dict[str, float]) -> Any:
    return {k: _one_text(x) for k, x in v.items()} if isinstance(v, dict) else _one_text(v)


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(x, (str, int, float)) for x in value):
        return [str(x) for x in value]
    raise _custom(f"{value!r} is not a name or a list of names.", "write [Name 1, Name 2].")


def _per_hour(value: Any) -> float | dict[str, float]:
    if isinstance(value, dict):
        return {str(k): _number(0.0)(v) for k, v in value.items()}
    return _number(0.0)(value)


def _hours(value: Any) -> Any:
    def text(v: Any) -> bool:
        return isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))

    if text(value) or (isinstance(value, dict) and all(text(v) for v in value.values())):
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value
    raise _custom(
        f"{value!r} is not opening hours.",
        'write "09:00-18:00", "09:00-12:30, 13:30-18:00" or {mon-thu: "09-18", fri: "09-16"}; '
        "quote times in YAML.",
    )


def _mix(value: dict[str, float]) -> dict[str, float]:
    total = sum(value.values())
    if not value or abs(total - 1.0) > 1e-9:
        raise _custom(
            f"class shares sum to {total:.6g}, not 1.", "make the priority mix add up to 1 (100 %)."
        )
    return value


Seconds = Annotated[float, BeforeValidator(_seconds), PlainSerializer(duration_text)]


def _warmup(value: Any) -> float | str:
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    return _seconds(value)


#: A warm-up: a duration, or "auto" (the MSER-5 rule of :mod:`bpsim.analysis.warmup`).
Warmup = Annotated[float | str, BeforeValidator(_warmup),
                   PlainSerializer(lambda v: v if isinstance(v, str) else duration_text(v))]
Law = Annotated[Any, BeforeValidator(_law), PlainSerializer(lambda d: d.spec())]
Probability = Annotated[float, BeforeValidator(_probability)]
Rate = Annotated[float, BeforeValidator(_number(0.0))]
Count = Annotated[int, BeforeValidator(_whole(0))]
Positive = Annotated[int, BeforeValidator(_whole(1))]
Target = Annotated[Any, BeforeValidator(_target), PlainSerializer(_text_target)]
Names = Annotated[list[str], BeforeValidator(_names)]


def _patience(value: Any) -> dict[str | None, Distribution]:
    """A patience law, or a mapping class / start event -> law (``None`` key: everyone)."""
    if isinstance(value, dict):
        try:
            return {None: parse_distribution(value)}  # a law written as a mapping
        except ScenarioError:
            pass
        out: dict[str | None, Distribution] = {}
        for k, v in value.items():
            key = None if str(k) in ("*", "other", "others") else str(k)
            out[key] = _law(v)
        return out
    return {None: _law(value)}


def _text_patience(v: dict) -> Any:
    if set(v) == {None}:
        return v[None].spec()
    return {("other" if k is None else k): d.spec() for k, d in v.items()}


def _share(value: Any) -> float:
    p = _probability(value)
    if p >= 1.0:
        raise _custom(f"{value!r}: a share of 100 % leaves no time at all.",
                      'write a share below 1, e.g. shrinkage: 30%.')
    return p


def _roles_list(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(x, str) for x in value):
        if len(set(value)) != len(value):
            raise _custom(f"{list(value)!r} names a role twice.", "give each role once, in order of preference.")
        return list(value)
    raise _custom(f"{value!r} is not a role or a list of roles.",
                  "write role: Agent, or role: [Agent, Specialist] (order of preference).")


Patience = Annotated[Any, BeforeValidator(_patience), PlainSerializer(_text_patience)]
Share = Annotated[float, BeforeValidator(_share)]
RoleNames = Annotated[Any, BeforeValidator(_roles_list)]


def _duration_shorthand(data: Any) -> Any:
    """``Triage ticket: exponential(mean=6m)`` means ``{duration: exponential(mean=6m)}``."""
    if isinstance(data, (str, int, float)) and not isinstance(data, bool):
        return {"duration": data}
    if isinstance(data, Distribution):
        return {"duration": data}
    if isinstance(data, dict) and data and not set(map(str, data)) & {
        "duration", "role", "by_class", "pauses_sla", "probability", "loop", "instances", "cycles",
        "patience", "on_abandon", "capacity", "on_full", "retrial",
    }:  # fmt: skip
        return {"duration": data}  # a law written as a mapping: {exponential: {mean: 6m}}
    return data


class _Section(BaseModel):
    """Common settings: unknown keys are errors (with the closest known key as a hint)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, arbitrary_types_allowed=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = set()
            for name, f in cls.model_fields.items():
                known.add(name)
                if f.alias:
                    known.add(f.alias)
            public = sorted(k for k in known if not k.endswith("_"))
            for key in data:
                if str(key) not in known:
                    close = difflib.get_close_matches(str(key), public, n=1, cutoff=0.6)
                    hint = (f"did you mean {close[0]!r}? " if close else "") + (
                        f"known keys here: {', '.join(public)}."
                    )
                    if re.search(r"^\s*[\w.=]+\s*\)?\s*$", str(key)) and (
                        ")" in str(key) or re.match(r"^\s*[\d.]+\s*[a-z]*\s*$", str(key))
                    ):
                        hint = (
                            "a law with commas inside {...} must be quoted, e.g. "
                            '{duration: "triangular(3m, 5m, 10m)"}; ' + hint
                        )
                    raise PydanticCustomError(
                        "bpsim_unknown_key",
                        "{message}",
                        {"message": f"unknown key {str(key)!r}.", "hint": hint, "key": str(key)},
                    )
        return data


class RetrialModel(_Section):
    """``retrial: {probability: 0.6, delay: exponential(mean=10m)}``: a customer who abandoned or
    was blocked comes back after ``delay`` with ``probability`` (each time); ``attempts`` caps
    the returns per visit. ``virtual_hold: true``: a customer whose patience runs out keeps
    their place and the desk calls back when their turn comes (no abandonment)."""

    probability: Probability = 1.0
    delay: Law | None = None
    attempts: Positive | None = None
    virtual_hold: bool = False

    @model_validator(mode="after")
    def _delay(self) -> RetrialModel:
        if self.delay is None and not self.virtual_hold:
            raise _custom("retrial needs a delay (the time before the customer comes back).",
                          "e.g. retrial: {probability: 0.6, delay: exponential(mean=10m)}.")
        return self


class BreakModel(_Section):
    """``{every: 2h, duration: 15m}``: each person stops for ``duration`` after ``every`` of
    availability (laws or fixed durations), finishing the task in hand first."""

    every: Law
    duration: Law


class CalendarModel(_Section):
    """``office: {days: mon-fri, hours: "09:00-18:00", holidays: [2026-01-06]}``."""

    days: str | list[str] | None = None
    hours: Annotated[Any, BeforeValidator(_hours)] = "09:00-18:00"
    holidays: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"hours": data} if isinstance(data, str) else data  # support: "24/7"


class ProfileModel(_Section):
    """``{calendar: office, per_hour: {mon-fri 09-12: 20, mon-fri 12-18: 12}}``."""

    per_hour: Annotated[Any, BeforeValidator(_per_hour)]
    calendar: str | None = None
    holidays: list[dt.date] = Field(default_factory=list)


class ArrivalModel(_Section):
    """How tickets arrive at one start event; exactly one of interarrival/profile/trace."""

    interarrival: Law | None = None
    profile: ProfileModel | None = None
    trace: str | list[Any] | None = None
    classes: Annotated[dict[str, Probability], AfterValidator(_mix)] | None = None
    scale: Rate = 1.0
    first_at: Seconds = 0.0
    limit: Count | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ArrivalModel:
        given = [k for k in ("interarrival", "profile", "trace") if getattr(self, k) is not None]
        if len(given) != 1:
            raise _custom(
                "give exactly one of interarrival, profile or trace"
                + (f" (got {' and '.join(given)})." if given else "."),
                "e.g. interarrival: exponential(mean=6m).",
            )
        return self


class ShiftModel(_Section):
    """``{staff: 2, calendar: early, name: early shift}``."""

    staff: Count
    calendar: str | None = None
    name: str | None = None


class RoleModel(_Section):
    """``Agent: {staff: 2, calendar: office, cost_per_hour: 65, billing_increment: 30m}``."""

    staff: Count | None = None
    shifts: list[ShiftModel] | None = None
    calendar: str | None = None
    cost_per_hour: Rate = 0.0
    billing_increment: Seconds | None = None
    bill_rate: Rate | None = None
    preemptive: str | None = None
    shrinkage: Share = 0.0
    breaks: BreakModel | None = None
    concurrency: Positive = 1
    slowdown: Rate = 0.0

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"staff": data} if isinstance(data, int) and not isinstance(data, bool) else data

    @model_validator(mode="after")
    def _behaviour(self) -> RoleModel:
        if self.preemptive not in (None, "resume", "restart"):
            raise _custom(f"preemptive: {self.preemptive!r} is not resume or restart.",
                          "write preemptive: resume (the interrupted work goes on where it stopped) "
                          "or preemptive: restart (it starts again).")
        if self.shrinkage and self.breaks is not None:
            raise _custom("give shrinkage (a share of paid time) or breaks (explicit blocks), not both.",
                          "e.g. shrinkage: 30%, or breaks: {every: 2h, duration: 15m}.")
        if self.concurrency > 1 and self.preemptive is not None:
            raise _custom("preemptive priority is for roles that handle one ticket at a time.",
                          "remove preemptive:, or set concurrency: 1.")
        return self

    @model_validator(mode="after")
    def _staff_or_shifts(self) -> RoleModel:
        if (self.staff is None) == (self.shifts is None):
            raise _custom(
                "give either staff (a head-count) or shifts (a list), exactly one.",
                "e.g. staff: 2, or shifts: [{staff: 2, calendar: early}].",
            )
        if self.billing_increment == 0:
            raise _custom("billing_increment must be positive.", "e.g. billing_increment: 30m.")
        return self


class LoopModel(_Section):
    """``loop: {repeat: 0.3}`` (another iteration with probability 0.3 after each one), or
    ``loop: {iterations: uniform(1, 4)}``; ``maximum: 5`` caps the iterations."""

    repeat: Probability | None = None
    iterations: Law | None = None
    maximum: Positive | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, (int, float)) and not isinstance(data, bool) and data >= 1:
            return {"iterations": data}
        return data

    @model_validator(mode="after")
    def _one(self) -> LoopModel:
        if (self.repeat is None) == (self.iterations is None):
            raise _custom("give repeat (a probability) or iterations (a number or law), exactly one.",
                          "e.g. loop: {repeat: 0.3} or loop: {iterations: 3}.")
        if self.repeat is not None and self.repeat >= 1 and self.maximum is None:
            raise _custom("repeat: 1 never stops.", "give a probability below 1, or a maximum.")
        return self


class TaskModel(_Section):
    """``Triage ticket: {duration: exponential(mean=6m), role: Agent}``; ``role: null`` is
    automatic work that holds no staff. ``loop:`` and ``instances:`` say how often an
    activity with a loop or multi-instance marker runs."""

    duration: Law | None = None
    role: RoleNames = None
    by_class: dict[str, Law] = Field(default_factory=dict)
    loop: LoopModel | None = None
    instances: Law | None = None
    patience: Patience | None = None
    on_abandon: str | None = None
    capacity: Count | None = None
    on_full: str | None = None
    retrial: RetrialModel | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _duration_shorthand(data)


class EventModel(_Section):
    """``Customer replies: {duration: exponential(mean=1d), pauses_sla: true}``. The start
    event of an event sub-process also takes ``probability`` (the trigger happens in that
    share of the enclosing scopes, ``duration`` after the scope started)."""

    duration: Law | None = None
    pauses_sla: bool = False
    probability: Probability | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _duration_shorthand(data)


class BoundaryModel(_Section):
    """Timer: ``{duration: 8h}``; error or other boundary: ``{probability: 0.05}``. A
    non-interrupting timer fires ``cycles`` times (every ``duration``) while its activity runs
    (default: the BPMN ``timeCycle`` repetitions, ``R3/PT1H``, else once)."""

    duration: Law | None = None
    probability: Probability | None = None
    cycles: Positive | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _duration_shorthand(data)

    @model_validator(mode="after")
    def _one(self) -> BoundaryModel:
        if self.duration is not None and self.probability is not None:
            raise _custom("give duration or probability, not both.", None)
        return self


class SLAModel(_Section):
    """``{name: taken in charge, from: E-mail received, to: Triage ticket.start, target: 4h,
    calendar: office, attain: 95%}``."""

    name: str
    from_: str = Field(alias="from")
    to: str
    target: Target
    calendar: str | None = None
    attain: Probability = 1.0
    pause_at: Names | None = None
    classes: Names | None = None


def _layer(value: Any) -> str:
    from bpsim.experience.layers import LAYERS, normalise_layer

    layer = normalise_layer(str(value)) if isinstance(value, str) else None
    if layer is None:
        raise _custom(f"{value!r} is not a blueprint layer.",
                      f"write one of {', '.join(LAYERS[1:])}.")
    return layer


def _touch_type(value: Any) -> str:
    text = " ".join(str(value).lower().replace("_", " ").replace("-", " ").split())
    if text in ("digital", "phone", "in person"):
        return text
    raise _custom(f"{value!r} is not a touchpoint type.", "write digital, phone or in person.")


def _phases(value: Any) -> Any:
    hint = ("write a list of phase names in journey order ([Contact, Diagnosis]) or a mapping "
            "of phase -> elements ({Contact: [Ticket received, Triage]}).")
    if isinstance(value, list):
        for x in value:
            if isinstance(x, dict) and len(x) == 1:
                continue
            if not isinstance(x, (str, int, float)) or isinstance(x, bool):
                raise _custom(f"{x!r} is not a phase name.", hint)
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[str(k)] = _names(v) if v is not None else []
        return out
    raise _custom(f"{value!r} is not a list of phases.", hint)


class BlueprintModel(_Section):
    """``blueprint: {layers: {Customer: customer, ...}, phases: [Contact, ...],
    touchpoints: {Call back: phone}, channels: {Phone call received: phone}}``."""

    layers: dict[str, Annotated[str, BeforeValidator(_layer)]] = Field(default_factory=dict)
    phases: Annotated[Any, BeforeValidator(_phases)] = None
    touchpoints: dict[str, Annotated[str, BeforeValidator(_touch_type)]] = Field(
        default_factory=dict)
    channels: dict[str, Annotated[str, BeforeValidator(_touch_type)]] = Field(
        default_factory=dict)


class UpdatesModel(_Section):
    """``updates: {every: 9h, calendar: office, role: Agent, duration: 2m}``: while a ticket
    is open, a person of ``role`` sends the customer a progress update every ``every``
    (counted on ``calendar``'s open hours when given), taking ``duration`` of their time;
    ``role: owner``: the role of the ticket's current (or last) staffed task."""

    every: Seconds
    role: str | None = None
    duration: Law = Field(default_factory=lambda: parse_distribution("fixed(2m)"))
    calendar: str | None = None
    first: Seconds | None = None

    @model_validator(mode="after")
    def _positive(self) -> UpdatesModel:
        if self.every <= 0:
            raise _custom("every must be positive.", "e.g. every: 1d.")
        return self


class SatisfactionModel(_Section):
    """The per-ticket satisfaction score (CSAT); every number is in points of the scale
    (defaults for a 1-5 scale, reasoning in docs/experience.md)."""

    scale: Annotated[int, BeforeValidator(_whole(2))] = 5
    base: Rate | None = None
    noise: Rate | None = None
    satisfied: Rate | None = None
    breach: Rate | None = None
    late_per_hour: Rate | None = None
    late_max: Rate | None = None
    announced: Probability = 0.5
    silence_per_day: Rate | None = None
    silence_grace: Seconds = 86400.0
    silence_max: Rate | None = None
    update: Rate | None = None
    update_max: Rate | None = None
    repeat_contact: Rate | None = None
    reopen: Rate | None = None
    channel: dict[str, float] = Field(default_factory=dict)


class SurveyModel(_Section):
    """``survey: {response_rate: 30%, bias: 2}``: the share of customers who answer the
    closing survey; ``bias`` = how much likelier the least satisfied are to answer than the
    most satisfied (1: no bias)."""

    response_rate: Probability = 0.3
    bias: Annotated[float, BeforeValidator(_number(0.0))] = 1.0

    @model_validator(mode="after")
    def _rate(self) -> SurveyModel:
        if self.response_rate <= 0:
            raise _custom("response_rate must be above 0.", "e.g. response_rate: 30%.")
        if self.bias <= 0:
            raise _custom("bias must be above 0 (1 = no bias).", "e.g. bias: 2.")
        return self


class ScenarioModel(_Section):
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
            raise _custom(
                "a run needs an end: give horizon (simulated time) or cases (tickets).",
                "e.g. horizon: 30d.",
            )
        if self.horizon is not None and self.horizon <= 0:
            raise _custom("horizon must be positive.", "e.g. horizon: 30d.")
        if self.horizon is not None and not math.isfinite(self.horizon):
            raise _custom("horizon must be a finite time (a run must end).",
                          "e.g. horizon: 30d, or cases: 10000 to stop after that many tickets.",
                          key="horizon")
        warmup = self.warmup
        if isinstance(warmup, (int, float)) and not math.isfinite(warmup):
            raise _custom("warmup must be a finite time.", "e.g. warmup: 2d.", key="warmup")
        if self.horizon is not None and isinstance(warmup, (int, float)) \
                and warmup >= self.horizon:
            raise _custom(
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
        if all(re.search(r"\d+$", c) for c in seen):
            return sorted(seen, key=lambda c: (int(re.search(r"\d+$", c).group()), c))
        return seen
