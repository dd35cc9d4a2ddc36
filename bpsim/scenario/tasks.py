"""The ``tasks:``, ``events:`` and ``boundaries:`` sections: what each element of the flow does.

A :class:`TaskModel` gives an activity its duration (per priority class if need be), its
role (or roles, in order of preference), its loop (:class:`LoopModel`) or multi-instance
count, and the customer's patience in its queue; an :class:`EventModel` gives an
intermediate event its delay; a :class:`BoundaryModel` gives a boundary event its timer or
its probability. ``Triage ticket: exponential(mean=6m)`` is short for
``{duration: exponential(mean=6m)}``.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, model_validator

from bpsim.errors import ScenarioError
from bpsim.scenario.customers import RetrialModel
from bpsim.scenario.distributions import Distribution
from bpsim.scenario.fields import (
    Count,
    Law,
    Positive,
    Probability,
    Section,
    invalid,
    read_law,
)
from bpsim.scenario.parse import parse_distribution

__all__ = ["LoopModel", "TaskModel", "EventModel", "BoundaryModel"]


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
            out[key] = read_law(v)
        return out
    return {None: read_law(value)}


def _text_patience(v: dict) -> Any:
    if set(v) == {None}:
        return v[None].spec()
    return {("other" if k is None else k): d.spec() for k, d in v.items()}


Patience = Annotated[Any, BeforeValidator(_patience), PlainSerializer(_text_patience)]


def _roles_list(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(x, str) for x in value):
        if len(set(value)) != len(value):
            raise invalid(f"{list(value)!r} names a role twice.", "give each role once, in order of preference.")
        return list(value)
    raise invalid(f"{value!r} is not a role or a list of roles.",
                  "write role: Agent, or role: [Agent, Specialist] (order of preference).")


RoleNames = Annotated[Any, BeforeValidator(_roles_list)]


def _duration_shorthand(data: Any) -> Any:
    """``Triage ticket: exponential(mean=6m)`` means ``{duration: exponential(mean=6m)}``."""
    if isinstance(data, (str, int, float)) and not isinstance(data, bool):
        return {"duration": data}
    if isinstance(data, Distribution):
        return {"duration": data}
    if isinstance(data, dict) and data and not set(map(str, data)) & _entry_keys():
        return {"duration": data}  # a law written as a mapping: {exponential: {mean: 6m}}
    return data


@cache
def _entry_keys() -> frozenset[str]:
    """Every key of a task, event or boundary entry: a mapping with none of them is a law."""
    return frozenset().union(*(m.model_fields for m in (TaskModel, EventModel, BoundaryModel)))


class LoopModel(Section):
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
            raise invalid("give repeat (a probability) or iterations (a number or law), exactly one.",
                          "e.g. loop: {repeat: 0.3} or loop: {iterations: 3}.")
        if self.repeat is not None and self.repeat >= 1 and self.maximum is None:
            raise invalid("repeat: 1 never stops.", "give a probability below 1, or a maximum.")
        return self


class TaskModel(Section):
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


class EventModel(Section):
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


class BoundaryModel(Section):
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
            raise invalid("give duration or probability, not both.", None)
        return self
