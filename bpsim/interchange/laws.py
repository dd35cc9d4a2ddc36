"""Parameter values: BPSim constants and distributions to bpsim laws, and back.

A BPSim parameter (``ProcessingTime``, ``InterTriggerTimer``, ``Quantity``...) holds one or
more *parameter values*: a constant (``FloatingParameter``, ``NumericParameter``,
``DurationParameter``...), a distribution (``NegativeExponentialDistribution mean=..``,
``TriangularDistribution min mode max``...), an ``EnumParameter`` (one of several constants,
equally likely), a ``UserDistribution`` (values with probabilities) or an
``ExpressionParameter``. Times are in the scenario's ``baseTimeUnit`` unless the value carries
its own ``timeUnit``.

:func:`read_law` gives the scenario text of a bpsim law in seconds
(``"exponential(mean=6m)"``) or raises :class:`Unsupported` with the reason;
:func:`law_element` writes a :class:`~bpsim.scenario.distributions.Distribution` back.
"""

from __future__ import annotations

import math
from typing import Any

from lxml import etree

from bpsim.errors import ScenarioError
from bpsim.scenario import distributions as d
from bpsim.scenario.durations import duration_text, parse_duration

__all__ = ["UNIT_SECONDS", "Unsupported", "local", "values_of", "read_number", "read_law",
           "law_element", "number_element"]

#: Seconds in each BPSim ``TimeUnit``.
UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "min": 60.0, "hour": 3600.0, "day": 86400.0,
                "year": 365 * 86400.0}

_CONSTANTS = {"FloatingParameter", "NumericParameter", "DurationParameter", "StringParameter",
              "BooleanParameter", "DateTimeParameter"}


class Unsupported(ValueError):
    """A parameter value bpsim cannot use; ``str(exc)`` says what and why."""


def local(el: Any) -> str:
    """The local name of an element (``"NormalDistribution"``), namespace dropped."""
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def values_of(parameter: Any) -> list[Any]:
    """The parameter values inside a parameter element (``ResultRequest`` skipped)."""
    return [c for c in parameter if isinstance(c.tag, str) and local(c) != "ResultRequest"]


def _float(el: Any, name: str) -> float:
    raw = el.get(name)
    if raw is None:
        raise Unsupported(f"{local(el)} lacks its {name!r} attribute")
    try:
        value = float(raw)
    except ValueError:
        raise Unsupported(f"{local(el)} {name}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise Unsupported(f"{local(el)} {name}={raw!r} is not finite")
    return value


def _unit(el: Any, base: float) -> float:
    unit = el.get("timeUnit")
    if unit is None:
        return base
    if unit not in UNIT_SECONDS:
        raise Unsupported(f"unknown timeUnit {unit!r} (BPSim knows {', '.join(UNIT_SECONDS)})")
    return UNIT_SECONDS[unit]


def read_number(value: Any) -> float | bool | str:
    """A constant parameter value as a Python number, bool or string."""
    kind = local(value)
    raw = value.get("value")
    if kind == "BooleanParameter":
        return str(raw).strip().lower() in ("true", "1")
    if kind in ("StringParameter", "DateTimeParameter", "DurationParameter"):
        if raw is None:
            raise Unsupported(f"{kind} without a value")
        return str(raw)
    if kind in ("FloatingParameter", "NumericParameter"):
        return _float(value, "value")
    if kind == "ExpressionParameter":
        raise Unsupported(f"the expression {raw!r} (bpsim does not evaluate BPSim expressions)")
    raise Unsupported(f"a {kind} where a constant is expected")


def _seconds(value: Any, base: float) -> float:
    """A constant time value in seconds."""
    kind = local(value)
    if kind == "DurationParameter":
        try:
            return parse_duration(str(value.get("value")))
        except ScenarioError as exc:
            raise Unsupported(f"DurationParameter {value.get('value')!r}: {exc.message}") from None
    number = read_number(value)
    if isinstance(number, bool) or isinstance(number, str):
        raise Unsupported(f"a {kind} where a time is expected")
    if number < 0:
        raise Unsupported(f"a negative time ({number})")
    return float(number) * _unit(value, base)


def _dur(seconds: float) -> str:
    return duration_text(float(seconds))


def read_law(parameter: Any, base: float, *, arrivals: bool = False) -> str:
    """The bpsim law text (seconds) of a time parameter element.

    Parameters
    ----------
    parameter : element
        ``ProcessingTime``, ``InterTriggerTimer``, ``WaitTime``... holding one value.
    base : float
        Seconds per base time unit of the scenario.
    arrivals : bool
        The parameter is a start event's time between arrivals: a ``PoissonDistribution``
        then means a Poisson arrival process, i.e. exponential times between arrivals.

    Raises
    ------
    Unsupported
        No value, several values (per calendar), or a law bpsim has no equivalent for.
    """
    values = values_of(parameter)
    if not values:
        raise Unsupported("no value")
    if len(values) > 1:
        raise Unsupported(f"{len(values)} values (one per calendar or instance); bpsim takes one")
    value = values[0]
    kind = local(value)
    if value.get("validFor") is not None:
        raise Unsupported(f"a value valid only for calendar {value.get('validFor')!r}")
    if kind in _CONSTANTS:
        return f"fixed({_dur(_seconds(value, base))})"
    if kind == "EnumParameter":
        options = [_seconds(v, base) for v in values_of(value)]
        if not options:
            raise Unsupported("an empty EnumParameter")
        return "empirical([" + ", ".join(_dur(x) for x in options) + "])"
    if kind == "UserDistribution":
        points, weights = [], []
        for point in value:
            if not isinstance(point.tag, str) or local(point) != "UserDistributionDataPoint":
                continue
            inner = values_of(point)
            if len(inner) != 1:
                raise Unsupported("a UserDistributionDataPoint without one value")
            points.append(_seconds(inner[0], _unit(value, base)))
            weights.append(_float(point, "probability"))
        if not points:
            raise Unsupported("a UserDistribution without data points")
        return ("empirical([" + ", ".join(_dur(x) for x in points) + "], weights=["
                + ", ".join(repr(w) for w in weights) + "])")
    unit = _unit(value, base)
    t = lambda name: _float(value, name) * unit  # noqa: E731 - a time attribute in seconds
    if kind == "NegativeExponentialDistribution" or (kind == "PoissonDistribution" and arrivals):
        mean = t("mean")
        return f"exponential(mean={_dur(mean)})" if mean > 0 else "fixed(0s)"
    if kind == "NormalDistribution":
        mean, sd = t("mean"), t("standardDeviation")
        if sd == 0:
            return f"fixed({_dur(max(mean, 0.0))})"
        if mean <= 0:
            return f"truncnormal(mean=0s, sd={_dur(sd)}, low=0s)"
        return f"normal(mean={_dur(mean)}, sd={_dur(sd)})"
    if kind == "TruncatedNormalDistribution":
        mean, sd, low, high = t("mean"), t("standardDeviation"), t("min"), t("max")
        return (f"truncnormal(mean={_dur(max(mean, 0.0))}, sd={_dur(sd)}, "
                f"low={_dur(max(low, 0.0))}, high={_dur(high)})")
    if kind == "LogNormalDistribution":
        mean, sd = t("mean"), t("standardDeviation")
        return f"lognormal(mean={_dur(mean)}, sd={_dur(sd)})" if mean > 0 else "fixed(0s)"
    if kind == "UniformDistribution":
        low, high = t("min"), t("max")
        if high < low:
            raise Unsupported(f"a UniformDistribution with max {high} below min {low}")
        return f"fixed({_dur(low)})" if high == low else f"uniform({_dur(low)}, {_dur(high)})"
    if kind == "TriangularDistribution":
        low, mode, high = t("min"), t("mode"), t("max")
        return f"triangular({_dur(low)}, {_dur(mode)}, {_dur(high)})"
    if kind == "ErlangDistribution":
        k, mean = _float(value, "k"), t("mean")
        if k >= 1 and float(k).is_integer():
            return f"erlang(k={int(k)}, mean={_dur(mean)})"
        return f"gamma(shape={k!r}, scale={_dur(mean / k)})"
    if kind == "GammaDistribution":
        return f"gamma(shape={_float(value, 'shape')!r}, scale={_dur(t('scale'))})"
    if kind == "WeibullDistribution":
        return f"weibull(shape={_float(value, 'shape')!r}, scale={_dur(t('scale'))})"
    if kind == "PoissonDistribution":
        raise Unsupported("a PoissonDistribution for a duration (bpsim reads Poisson only as an "
                          "arrival process on a start event)")
    if kind in ("BetaDistribution", "BinomialDistribution"):
        raise Unsupported(f"a {kind} (no bpsim law of durations matches it)")
    if kind == "ExpressionParameter":
        raise Unsupported(f"the expression {value.get('value')!r} (bpsim does not evaluate BPSim "
                          "expressions)")
    raise Unsupported(f"an unknown parameter value {kind!r}")


def _num(value: float) -> str:
    return repr(float(value))


def law_element(ns: str, law: d.Distribution) -> Any:
    """The BPSim parameter value for a bpsim law, times in seconds (``timeUnit="s"``)."""

    def el(kind: str, **attrs: float) -> Any:
        node = etree.Element(f"{{{ns}}}{kind}")
        for k, v in attrs.items():
            node.set(k, _num(v))
        node.set("timeUnit", "s")
        return node

    if isinstance(law, d.Fixed):
        node = etree.Element(f"{{{ns}}}FloatingParameter", value=_num(law.value))
        node.set("timeUnit", "s")
        return node
    if isinstance(law, d.Exponential):
        return el("NegativeExponentialDistribution", mean=law.mean)
    if isinstance(law, d.Uniform):
        return el("UniformDistribution", min=law.low, max=law.high)
    if isinstance(law, d.Triangular):
        return el("TriangularDistribution", min=law.low, mode=law.mode, max=law.high)
    if isinstance(law, d.Normal):
        return el("NormalDistribution", mean=law.mu, standardDeviation=law.sd)
    if isinstance(law, d.TruncatedNormal):
        high = law.high if math.isfinite(law.high) else 1e300
        return el("TruncatedNormalDistribution", mean=law.mu, standardDeviation=law.sd,
                  min=law.low, max=high)
    if isinstance(law, d.LogNormal):
        return el("LogNormalDistribution", mean=law.mean, standardDeviation=law.sd)
    if isinstance(law, d.Erlang):
        return el("ErlangDistribution", mean=law.mean, k=law.k)
    if isinstance(law, d.Gamma):
        node = el("GammaDistribution", shape=law.shape, scale=law.scale)
        return node
    if isinstance(law, d.Weibull):
        return el("WeibullDistribution", shape=law.shape, scale=law.scale)
    if isinstance(law, d.Empirical):
        weights = law.weights if law.weights is not None else [1.0] * len(law.values)
        total = float(sum(weights))
        node = etree.Element(f"{{{ns}}}UserDistribution", discrete="true")
        node.set("timeUnit", "s")
        for value, weight in zip(law.values, weights):
            point = etree.SubElement(node, f"{{{ns}}}UserDistributionDataPoint",
                                     probability=_num(weight / total))
            etree.SubElement(point, f"{{{ns}}}FloatingParameter", value=_num(value))
        return node
    raise Unsupported(f"{law.spec()} has no BPSim distribution")


def number_element(ns: str, value: float, kind: str = "FloatingParameter", **attrs: str) -> Any:
    """A constant parameter value (``FloatingParameter value=".."``)."""
    text = str(int(value)) if kind == "NumericParameter" else _num(value)
    return etree.Element(f"{{{ns}}}{kind}", value=text, **attrs)
