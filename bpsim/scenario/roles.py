"""The ``roles:`` and ``calendars:`` sections: who works, when, and at what cost.

A :class:`RoleModel` is a head-count (``staff``) or a list of shifts (:class:`ShiftModel`),
each on a calendar (:class:`CalendarModel`: opening days, hours and holidays), with the cost
of an hour, the billing step, the share of paid time not spent on tickets (``shrinkage``) or
explicit breaks (:class:`BreakModel`), and how many tickets one person handles at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from bpsim.scenario.fields import (
    Count,
    Law,
    Positive,
    Rate,
    Seconds,
    Section,
    invalid,
    read_probability,
)

__all__ = ["CalendarModel", "ShiftModel", "BreakModel", "RoleModel"]


def _hours(value: Any) -> Any:
    def text(v: Any) -> bool:
        return isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))

    if text(value) or (isinstance(value, dict) and all(text(v) for v in value.values())):
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value
    raise invalid(
        f"{value!r} is not opening hours.",
        'write "09:00-18:00", "09:00-12:30, 13:30-18:00" or {mon-thu: "09-18", fri: "09-16"}; '
        "quote times in YAML.",
    )


def _share(value: Any) -> float:
    p = read_probability(value)
    if p >= 1.0:
        raise invalid(f"{value!r}: a share of 100 % leaves no time at all.",
                      'write a share below 1, e.g. shrinkage: 30%.')
    return p


Share = Annotated[float, BeforeValidator(_share)]


class CalendarModel(Section):
    """``office: {days: mon-fri, hours: "09:00-18:00", holidays: [2026-01-06]}``."""

    days: str | list[str] | None = None
    hours: Annotated[Any, BeforeValidator(_hours)] = "09:00-18:00"
    holidays: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"hours": data} if isinstance(data, str) else data  # support: "24/7"


class ShiftModel(Section):
    """``{staff: 2, calendar: early, name: early shift}``."""

    staff: Count
    calendar: str | None = None
    name: str | None = None


class BreakModel(Section):
    """``{every: 2h, duration: 15m}``: each person stops for ``duration`` after ``every`` of
    availability (laws or fixed durations), finishing the task in hand first."""

    every: Law
    duration: Law


class RoleModel(Section):
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
            raise invalid(f"preemptive: {self.preemptive!r} is not resume or restart.",
                          "write preemptive: resume (the interrupted work goes on where it stopped) "
                          "or preemptive: restart (it starts again).")
        if self.shrinkage and self.breaks is not None:
            raise invalid("give shrinkage (a share of paid time) or breaks (explicit blocks), not both.",
                          "e.g. shrinkage: 30%, or breaks: {every: 2h, duration: 15m}.")
        if self.concurrency > 1 and self.preemptive is not None:
            raise invalid("preemptive priority is for roles that handle one ticket at a time.",
                          "remove preemptive:, or set concurrency: 1.")
        return self

    @model_validator(mode="after")
    def _staff_or_shifts(self) -> RoleModel:
        if (self.staff is None) == (self.shifts is None):
            raise invalid(
                "give either staff (a head-count) or shifts (a list), exactly one.",
                "e.g. staff: 2, or shifts: [{staff: 2, calendar: early}].",
            )
        if self.billing_increment == 0:
            raise invalid("billing_increment must be positive.", "e.g. billing_increment: 30m.")
        return self
