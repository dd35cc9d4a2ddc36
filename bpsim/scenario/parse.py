"""Reading laws of durations from scenario text: ``"exponential(mean=6m)"`` and friends.

A scenario file says how long a task takes in one of three ways::

    duration: exponential(mean=6m)              # text: law(arguments)
    duration: {exponential: {mean: 6m}}         # mapping: law -> arguments
    duration: {dist: exponential, mean: 6m}     # mapping with a "dist" key
    duration: 30m                               # a bare duration: always 30 minutes

Arguments are positional (in the order shown by :data:`LAWS`) or ``name=value``; durations
inside are human strings ("6m", "1h30m") or numbers of seconds; lists are written ``[..]``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from bpsim.errors import ScenarioError
from bpsim.scenario import distributions as d
from bpsim.scenario.durations import parse_duration

__all__ = ["parse_distribution", "LAWS", "SYNTAX"]

# law -> (class, [(parameter, kind)], {alias: parameter}); kind: dur, num, int, durs, nums
LAWS: dict[str, tuple[type, list[tuple[str, str]], dict[str, str]]] = {
    "fixed": (d.Fixed, [("value", "dur")], {}),
    "exponential": (d.Exponential, [("mean", "dur")], {}),
    "uniform": (d.Uniform, [("low", "dur"), ("high", "dur")], {"min": "low", "max": "high"}),
    "triangular": (
        d.Triangular,
        [("low", "dur"), ("mode", "dur"), ("high", "dur")],
        {"min": "low", "max": "high", "likely": "mode"},
    ),
    "normal": (d.Normal, [("mean", "dur"), ("sd", "dur")], {"std": "sd", "sigma": "sd"}),
    "lognormal": (d.LogNormal, [("mean", "dur"), ("sd", "dur")], {"std": "sd"}),
    "gamma": (
        d.Gamma,
        [("shape", "num"), ("scale", "dur"), ("mean", "dur"), ("sd", "dur")],
        {"std": "sd"},
    ),
    "erlang": (d.Erlang, [("k", "int"), ("mean", "dur")], {}),
    "empirical": (d.Empirical, [("values", "durs"), ("weights", "nums")], {}),
    "histogram": (d.Histogram, [("bins", "durs"), ("weights", "nums")], {}),
    "weibull": (d.Weibull, [("shape", "num"), ("scale", "dur")], {}),
    "truncnormal": (
        d.TruncatedNormal,
        [("mean", "dur"), ("sd", "dur"), ("low", "dur"), ("high", "dur")],
        {"std": "sd", "min": "low", "max": "high"},
    ),
}
_ALIASES = {
    "exp": "exponential", "constant": "fixed", "const": "fixed", "deterministic": "fixed",
    "tri": "triangular", "triang": "triangular", "gauss": "normal", "gaussian": "normal",
    "lognorm": "lognormal", "log_normal": "lognormal", "log-normal": "lognormal",
    "resample": "empirical", "hist": "histogram", "truncated_normal": "truncnormal",
    "truncatednormal": "truncnormal", "discrete": "empirical",
}  # fmt: skip

SYNTAX = (
    "exponential(mean=6m), fixed(30m), uniform(5m, 15m), triangular(5m, 10m, 30m), "
    "normal(mean=10m, sd=2m), lognormal(mean=10m, sd=5m), gamma(shape=2, scale=5m), "
    "gamma(mean=10m, sd=5m), erlang(k=3, mean=9m), empirical([4m, 6m, 9m]), "
    "histogram(bins=[0, 5m, 15m], weights=[3, 1]), weibull(shape=1.5, scale=10m), "
    "truncnormal(mean=10m, sd=5m, low=2m, high=30m), or a bare duration such as 30m"
)
_EXAMPLES = "exponential(mean=6m), uniform(5m, 15m), triangular(5m, 10m, 30m) or 30m"
_CALL = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*\((.*)\)\s*$", re.S)


def _fail(value: object, why: str, key: str | None) -> ScenarioError:
    return ScenarioError(
        f"cannot read {value!r} as a duration law: {why.rstrip('.')}.",
        key=key,
        hint=f"write e.g. {_EXAMPLES} (all laws: docs/scenario.md).",
    )


def _law(name: str, value: object, key: str | None) -> str:
    low = name.strip().lower()
    low = _ALIASES.get(low, low)
    if low in LAWS:
        return low
    close = difflib.get_close_matches(low, [*LAWS, *_ALIASES], n=1)
    why = f"unknown law {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    raise _fail(value, why, key)


def _split(text: str) -> list[str]:
    """Split on commas outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    if current.strip() or parts:
        parts.append(current)
    return [p.strip() for p in parts]


def _atom(text: str) -> Any:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_atom(p) for p in _split(text[1:-1]) if p]
    return text


def _convert(law: str, param: str, kind: str, raw: Any, value: object, key: str | None) -> Any:
    where = f"{law} {param}"
    try:
        if kind == "dur":
            return parse_duration(raw, key=key)
        if kind in ("durs", "nums"):
            if isinstance(raw, (str, int, float)) or not hasattr(raw, "__iter__"):
                raise _fail(value, f"{where} must be a list [..]", key)
            return [_convert(law, param, kind[:-1], x, value, key) for x in raw]
        number = float(raw)
        if kind == "int":
            if not number.is_integer():
                raise _fail(value, f"{where} must be a whole number, got {raw!r}", key)
            return int(number)
        return number
    except (TypeError, ValueError):
        raise _fail(value, f"{where} must be a number, got {raw!r}", key) from None
    except ScenarioError as exc:
        if exc.message.startswith("cannot read"):
            raise
        raise _fail(value, f"{where}: {exc.message}", key) from None


def _build(law: str, args: list[Any], kwargs: dict[str, Any], value: object, key: str | None):
    cls, params, aliases = LAWS[law]
    names = [p for p, _ in params]
    kinds = dict(params)
    if law == "gamma" and len(args) > 2:
        raise _fail(value, "gamma takes shape and scale positionally; give mean=, sd= by name", key)
    if len(args) > len(names):
        raise _fail(value, f"{law} takes at most {len(names)} arguments ({', '.join(names)})", key)
    final: dict[str, Any] = {}
    for name, raw in zip(names, args):
        final[name] = raw
    for name, raw in kwargs.items():
        name = aliases.get(str(name).lower(), str(name).lower())
        if name not in kinds:
            close = difflib.get_close_matches(name, names, n=1)
            why = f"{law} has no parameter {name!r}" + (
                f" (did you mean {close[0]!r}?)" if close else ""
            )
            raise _fail(value, why + f"; it takes {', '.join(names)}", key)
        if name in final:
            raise _fail(value, f"{law} parameter {name!r} given twice", key)
        final[name] = raw
    converted = {n: _convert(law, n, kinds[n], raw, value, key) for n, raw in final.items()}
    try:
        return cls(**converted)
    except TypeError:
        raise _fail(value, f"{law} needs {', '.join(names)}", key) from None
    except ScenarioError as exc:
        raise ScenarioError(exc.message, key=key, hint=exc.hint) from None


def parse_distribution(value: object, *, key: str | None = None) -> d.Distribution:
    """A :class:`~bpsim.scenario.distributions.Distribution` from scenario text or data.

    Parameters
    ----------
    value : str, number, mapping or Distribution
        ``"exponential(mean=6m)"``, ``"uniform(5m, 15m)"``, ``{"exponential": {"mean": "6m"}}``,
        ``{"dist": "exponential", "mean": "6m"}``, ``"30m"`` / ``1800`` (fixed), or a law
        object (returned as is).
    key : str, optional
        Dotted scenario key, put on errors.

    Raises
    ------
    ScenarioError
        Unknown law, wrong or missing parameter, unreadable duration.

    Examples
    --------
    >>> parse_distribution("exponential(mean=6m)")
    Exponential(mean=360.0)
    >>> parse_distribution({"uniform": ["5m", "15m"]})
    Uniform(low=300.0, high=900.0)
    >>> parse_distribution("30m")
    Fixed(value=1800.0)
    """
    if isinstance(value, d.Distribution):
        return value
    if isinstance(value, Mapping):
        items = {str(k): v for k, v in value.items()}
        law_key = next((k for k in ("dist", "distribution", "law") if k in items), None)
        if law_key is not None:
            law = _law(str(items.pop(law_key)), value, key)
            return _build(law, [], items, value, key)
        if len(items) != 1:
            raise _fail(value, "a mapping names one law, e.g. {exponential: {mean: 6m}} "
                        "or {dist: exponential, mean: 6m}", key)  # fmt: skip
        ((name, args),) = items.items()
        law = _law(name, value, key)
        if isinstance(args, Mapping):
            return _build(law, [], dict(args), value, key)
        if isinstance(args, (list, tuple)) and LAWS[law][1][0][1] not in ("durs", "nums"):
            return _build(law, list(args), {}, value, key)
        return _build(law, [args], {}, value, key)
    if isinstance(value, str):
        call = _CALL.match(value)
        if call is None:
            if re.search(r"[()=]", value):
                raise _fail(value, "expected law(arguments), e.g. exponential(mean=6m)", key)
            try:
                return d.Fixed(parse_duration(value, key=key))
            except ScenarioError as exc:
                raise _fail(value, exc.message.rstrip("."), key) from None
        law = _law(call.group(1), value, key)
        args, kwargs = [], {}
        for part in _split(call.group(2)):
            if not part:
                raise _fail(value, "empty argument", key)
            name, eq, raw = part.partition("=")
            if eq and not name.strip().startswith("["):
                if name.strip().lower() in kwargs:
                    raise _fail(value, f"parameter {name.strip()!r} given twice", key)
                kwargs[name.strip().lower()] = _atom(raw)
            elif kwargs:
                raise _fail(value, "positional arguments must come before name=value ones", key)
            else:
                args.append(_atom(part))
        return _build(law, args, kwargs, value, key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return d.Fixed(parse_duration(value, key=key))
    raise _fail(value, f"expected text, a number or a mapping, got {type(value).__name__}", key)
