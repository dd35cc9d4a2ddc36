"""The ``slas:`` and ``updates:`` sections: the service levels the desk promises.

An :class:`SLAModel` measures the time between two points of a ticket's path (``from`` an
element, ``to`` an element or its ``.start``) against a ``target``, counted on a calendar's
working time (``"4h"``, ``"2wd"``), possibly one target per priority class; an
:class:`UpdatesModel` says how often the customer hears about an open ticket.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, model_validator

from bpsim.scenario.durations import duration_text
from bpsim.scenario.fields import (
    Law,
    Names,
    Probability,
    Seconds,
    Section,
    invalid,
    read_calendar_seconds,
    read_each,
)
from bpsim.scenario.parse import parse_distribution

__all__ = ["SLAModel", "UpdatesModel"]


#: An SLA target: one duration, or one per priority class (``{P1: 4h, P2: 2wd}``).
_target = read_each(read_calendar_seconds)


def _one_text(x: Any) -> Any:
    text = getattr(x, "text", "")
    return text if text and getattr(x, "working_days", 0) else duration_text(x)


def _text_target(v: float | dict[str, float]) -> Any:
    return {k: _one_text(x) for k, x in v.items()} if isinstance(v, dict) else _one_text(v)


Target = Annotated[Any, BeforeValidator(_target), PlainSerializer(_text_target)]


class SLAModel(Section):
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


class UpdatesModel(Section):
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
            raise invalid("every must be positive.", "e.g. every: 1d.")
        return self
