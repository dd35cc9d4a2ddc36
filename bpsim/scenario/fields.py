"""How one value of a scenario file is read: durations, laws, shares, counts, names.

Each section of the file (:mod:`bpsim.scenario.schema`) is a pydantic model built on
:class:`Section`, whose fields use the annotated types below: ``Seconds`` reads ``"4h"`` as
14400.0 and writes it back as text, ``Law`` reads ``"exponential(mean=6m)"`` into a
:class:`~bpsim.scenario.distributions.Distribution`, ``Probability`` reads ``0.25`` or
``"25%"``. A value of the wrong form fails with :func:`invalid`, which carries the message and
the fix to the located :class:`~bpsim.errors.ScenarioError` of the loader.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, model_validator
from pydantic_core import PydanticCustomError

from bpsim.errors import ScenarioError
from bpsim.scenario.distributions import Distribution
from bpsim.scenario.durations import CalendarDuration, duration_text, parse_duration
from bpsim.scenario.parse import parse_distribution

__all__ = [
    "Section", "invalid",
    "Seconds", "Law", "Probability", "Rate", "Count", "Positive", "Names",
    "read_seconds", "read_calendar_seconds", "read_law", "read_probability", "read_number",
    "read_whole", "read_names", "read_each",
]

_T = TypeVar("_T")


def invalid(
    exc: ScenarioError | str, hint: str | None = None, key: str | None = None
) -> PydanticCustomError:
    """The error a field reader raises: ``message`` and ``hint`` (or those of ``exc``) for the
    loader to locate; ``key`` names the top-level key of a whole-file check."""
    message = exc.message if isinstance(exc, ScenarioError) else exc
    hint = exc.hint if isinstance(exc, ScenarioError) else hint
    ctx = {"message": message, "hint": hint}
    if key is not None:  # a whole-file check about one top-level key
        ctx["at"] = key
    return PydanticCustomError("bpsim", "{message}", ctx)


def read_seconds(value: Any) -> float:
    """A duration in seconds (``"4h"`` -> 14400.0)."""
    try:
        return parse_duration(value)
    except ScenarioError as exc:
        raise invalid(exc) from None


def read_law(value: Any) -> Distribution:
    """A law of durations (``"exponential(mean=6m)"``)."""
    try:
        return parse_distribution(value)
    except ScenarioError as exc:
        raise invalid(exc) from None


def read_probability(value: Any) -> float:
    """A share in [0, 1] from ``0.25`` or ``"25%"``."""
    hint = 'write a share between 0 and 1 (0.25) or a percentage ("25%").'
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str) and value.strip().endswith("%"):
            p = float(value.strip()[:-1]) / 100
        else:
            p = float(value)
    except (TypeError, ValueError):
        raise invalid(f"{value!r} is not a probability.", hint) from None
    if not (0.0 <= p <= 1.0) or math.isnan(p):
        raise invalid(f"{value!r} is not between 0 and 1 (0 % and 100 %).", hint)
    return p


def read_number(minimum: float) -> Callable[[Any], float]:
    """A reader of finite numbers >= ``minimum``."""

    def check(value: Any) -> float:
        hint = f"write a number >= {minimum:g}."
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise invalid(f"{value!r} is not a number.", hint)
        try:
            x = float(value)
        except ValueError:
            raise invalid(f"{value!r} is not a number.", hint) from None
        if not math.isfinite(x) or x < minimum:
            raise invalid(f"{value!r} is not a finite number >= {minimum:g}.", hint)
        return x

    return check


def read_whole(minimum: int) -> Callable[[Any], int]:
    """A reader of whole numbers >= ``minimum`` (``3.0`` is 3; ``3.5`` and ``true`` are not)."""

    def check(value: Any) -> int:
        hint = f"write a whole number >= {minimum}."
        if isinstance(value, bool):
            raise invalid(f"{value!r} is not a whole number.", hint)
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise invalid(f"{value!r} is not a whole number.", hint) from None
        if not x.is_integer() or x < minimum:
            raise invalid(f"{value!r} is not a whole number >= {minimum}.", hint)
        return int(x)

    return check


def read_calendar_seconds(value: Any) -> CalendarDuration:
    """A duration that may count working days (``"2wd"``; see
    :func:`~bpsim.scenario.durations.parse_calendar_duration`)."""
    from bpsim.scenario.durations import parse_calendar_duration

    try:
        return parse_calendar_duration(value)
    except ScenarioError as exc:
        raise invalid(exc) from None


def read_each(read: Callable[[Any], _T]) -> Callable[[Any], _T | dict[str, _T]]:
    """A reader of one value, or of a mapping name -> value (``{P1: 4h, P2: 1d}``, keys as
    text), each value read by ``read``."""

    def check(value: Any) -> _T | dict[str, _T]:
        if isinstance(value, dict):
            return {str(k): read(v) for k, v in value.items()}
        return read(value)

    return check


def read_names(value: Any) -> list[str]:
    """A list of names from one name or a list (numbers become text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(x, (str, int, float)) for x in value):
        return [str(x) for x in value]
    raise invalid(f"{value!r} is not a name or a list of names.", "write [Name 1, Name 2].")


#: A duration: ``"4h"``, ``"1h30m"`` or seconds; seconds inside, text again in ``to_dict``.
Seconds = Annotated[float, BeforeValidator(read_seconds), PlainSerializer(duration_text)]
#: A law of durations: ``"exponential(mean=6m)"``, ``{exponential: {mean: 6m}}`` or a bare duration.
Law = Annotated[Any, BeforeValidator(read_law), PlainSerializer(lambda d: d.spec())]
#: A share in [0, 1]: ``0.25`` or ``"25%"``.
Probability = Annotated[float, BeforeValidator(read_probability)]
#: A finite number >= 0 (a cost, a rate, a number of points).
Rate = Annotated[float, BeforeValidator(read_number(0.0))]
#: A whole number >= 0.
Count = Annotated[int, BeforeValidator(read_whole(0))]
#: A whole number >= 1.
Positive = Annotated[int, BeforeValidator(read_whole(1))]
#: One name or a list of names (always a list inside).
Names = Annotated[list[str], BeforeValidator(read_names)]


class Section(BaseModel):
    """One section of the scenario file: unknown keys are errors (with the closest known key
    as a hint)."""

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
