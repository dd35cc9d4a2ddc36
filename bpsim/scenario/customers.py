"""The customer's side of a scenario: ``retrial:``, ``satisfaction:``, ``survey:``, ``blueprint:``.

How customers behave and feel: whether one who gave up comes back (:class:`RetrialModel`),
how the satisfaction score of a ticket is made (:class:`SatisfactionModel`), who answers the
closing survey (:class:`SurveyModel`), and how the drawing maps onto a service blueprint's
layers, phases, touchpoints and channels (:class:`BlueprintModel`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from bpsim.scenario.fields import (
    Law,
    Positive,
    Probability,
    Rate,
    Seconds,
    Section,
    invalid,
    read_names,
    read_number,
    read_whole,
)

__all__ = ["RetrialModel", "SatisfactionModel", "SurveyModel", "BlueprintModel"]


class RetrialModel(Section):
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
            raise invalid("retrial needs a delay (the time before the customer comes back).",
                          "e.g. retrial: {probability: 0.6, delay: exponential(mean=10m)}.")
        return self


class SatisfactionModel(Section):
    """The per-ticket satisfaction score (CSAT); every number is in points of the scale
    (defaults for a 1-5 scale, reasoning in docs/experience.md)."""

    scale: Annotated[int, BeforeValidator(read_whole(2))] = 5
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
    abandoned: Rate | None = None  # score of a ticket that left the queue (default: 1, the lowest)
    blocked: Rate | None = None  # score of a ticket turned away by a full queue (default: 1)

    @model_validator(mode="after")
    def _unserved_scores(self) -> SatisfactionModel:
        for key in ("abandoned", "blocked"):
            v = getattr(self, key)
            if v is not None and not 1 <= v <= self.scale:
                raise invalid(f"satisfaction.{key}: {v:g} is outside the scale 1-{self.scale}.",
                              f"give the score of a ticket that {'abandoned' if key == 'abandoned' else 'was blocked'}"
                              f", e.g. {key}: 1 (the lowest, the default).")
        return self


class SurveyModel(Section):
    """``survey: {response_rate: 30%, bias: 2}``: the share of customers who answer the
    closing survey; ``bias`` = how much likelier the least satisfied are to answer than the
    most satisfied (1: no bias)."""

    response_rate: Probability = 0.3
    bias: Annotated[float, BeforeValidator(read_number(0.0))] = 1.0

    @model_validator(mode="after")
    def _rate(self) -> SurveyModel:
        if self.response_rate <= 0:
            raise invalid("response_rate must be above 0.", "e.g. response_rate: 30%.")
        if self.bias <= 0:
            raise invalid("bias must be above 0 (1 = no bias).", "e.g. bias: 2.")
        return self


def _layer(value: Any) -> str:
    from bpsim.experience.layers import LAYERS, normalise_layer

    layer = normalise_layer(str(value)) if isinstance(value, str) else None
    if layer is None:
        raise invalid(f"{value!r} is not a blueprint layer.",
                      f"write one of {', '.join(LAYERS[1:])}.")
    return layer


def _touch_type(value: Any) -> str:
    text = " ".join(str(value).lower().replace("_", " ").replace("-", " ").split())
    if text in ("digital", "phone", "in person"):
        return text
    raise invalid(f"{value!r} is not a touchpoint type.", "write digital, phone or in person.")


def _phases(value: Any) -> Any:
    hint = ("write a list of phase names in journey order ([Contact, Diagnosis]) or a mapping "
            "of phase -> elements ({Contact: [Ticket received, Triage]}).")
    if isinstance(value, list):
        for x in value:
            if isinstance(x, dict) and len(x) == 1:
                continue
            if not isinstance(x, (str, int, float)) or isinstance(x, bool):
                raise invalid(f"{x!r} is not a phase name.", hint)
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[str(k)] = read_names(v) if v is not None else []
        return out
    raise invalid(f"{value!r} is not a list of phases.", hint)


class BlueprintModel(Section):
    """``blueprint: {layers: {Customer: customer, ...}, phases: [Contact, ...],
    touchpoints: {Call back: phone}, channels: {Phone call received: phone}}``."""

    layers: dict[str, Annotated[str, BeforeValidator(_layer)]] = Field(default_factory=dict)
    phases: Annotated[Any, BeforeValidator(_phases)] = None
    touchpoints: dict[str, Annotated[str, BeforeValidator(_touch_type)]] = Field(
        default_factory=dict)
    channels: dict[str, Annotated[str, BeforeValidator(_touch_type)]] = Field(
        default_factory=dict)
