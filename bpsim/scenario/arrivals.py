"""The ``arrivals:`` section: how tickets arrive at each start event.

One :class:`ArrivalModel` per start event, with exactly one source: an ``interarrival`` law,
a weekly rate ``profile`` (:class:`ProfileModel`, read into
:class:`~bpsim.scenario.profile.WeeklyRateProfile`) or a recorded ``trace``; ``classes`` is
the priority mix of the channel.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from bpsim.scenario.fields import (
    Count,
    Law,
    Probability,
    Rate,
    Seconds,
    Section,
    invalid,
    read_each,
    read_number,
)

__all__ = ["ProfileModel", "ArrivalModel"]


#: Tickets per hour: one rate, or a rate per stretch of the week (``{mon-fri 09-12: 20}``).
_per_hour = read_each(read_number(0.0))


def _mix(value: dict[str, float]) -> dict[str, float]:
    total = sum(value.values())
    if not value or abs(total - 1.0) > 1e-9:
        raise invalid(
            f"class shares sum to {total:.6g}, not 1.", "make the priority mix add up to 1 (100 %)."
        )
    return value


class ProfileModel(Section):
    """``{calendar: office, per_hour: {mon-fri 09-12: 20, mon-fri 12-18: 12}}``."""

    per_hour: Annotated[Any, BeforeValidator(_per_hour)]
    calendar: str | None = None
    holidays: list[dt.date] = Field(default_factory=list)


class ArrivalModel(Section):
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
            raise invalid(
                "give exactly one of interarrival, profile or trace"
                + (f" (got {' and '.join(given)})." if given else "."),
                "e.g. interarrival: exponential(mean=6m).",
            )
        return self
