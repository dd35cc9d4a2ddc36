"""Human formatting of seconds, shares and amounts for reports and plot labels.

Reports speak hours and minutes, not seconds: ``fmt_duration(7560)`` is ``"2.1 h"``.
"""

from __future__ import annotations

import math

from bpsim._words import plural

__all__ = ["fmt_duration", "fmt_pm", "fmt_pct", "fmt_num", "fmt_count", "plural",
           "duration_unit"]


def _bad(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def duration_unit(seconds: float) -> tuple[str, float]:
    """The unit that reads best for ``seconds``: ``("s", 1)``, ``("min", 60)``, ``("h", 3600)``
    or ``("d", 86400)``."""
    s = abs(seconds) if not _bad(seconds) else 0.0
    if s < 90:
        return "s", 1.0
    if s < 90 * 60:
        return "min", 60.0
    if s < 48 * 3600:
        return "h", 3600.0
    return "d", 86400.0


def _num(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 1 else f"{x:.1f}"


def fmt_duration(seconds: float, unit: tuple[str, float] | None = None) -> str:
    """``"42 s"``, ``"35 min"``, ``"2.1 h"``, ``"3.5 d"`` (``"n/a"`` for NaN)."""
    if _bad(seconds):
        return "n/a"
    name, scale = unit or duration_unit(seconds)
    return f"{_num(seconds / scale)} {name}"


def fmt_pm(mean: float, ci: float, kind: str = "duration") -> str:
    """``"2.1 h ± 0.3 h"``; the ± part is left out when the half-width is unknown."""
    if kind == "duration":
        unit = duration_unit(mean)
        text = fmt_duration(mean, unit)
        return text if _bad(ci) or _bad(mean) else f"{text} ± {fmt_duration(ci, unit)}"
    if kind == "pct":
        text = fmt_pct(mean)
        return text if _bad(ci) or _bad(mean) else f"{text} ± {fmt_pct(ci)}"
    text = fmt_num(mean)
    return text if _bad(ci) or _bad(mean) else f"{text} ± {fmt_num(ci)}"


def fmt_pct(share: float, digits: int | None = None) -> str:
    """``0.943 -> "94 %"``; small shares keep a decimal (``"1.5 %"``)."""
    if _bad(share):
        return "n/a"
    p = share * 100
    if digits is None:
        digits = 0 if abs(p) >= 10 or p == 0 else 1
    return f"{p:.{digits}f} %"


def fmt_num(x: float, digits: int = 2) -> str:
    """A count or amount: thousands separated, sensible decimals."""
    if _bad(x):
        return "n/a"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:,.{digits}f}"


def fmt_count(x: float, per_replication: bool) -> str:
    """A count of tickets, visits or tasks, the same way everywhere in a report.

    With ``per_replication`` (a mean over several replications) one decimal always
    (``"1,210.3"``, ``"2.0"``), so a column never mixes whole and fractional figures; else
    (one replication: real counts) a whole number (``"1,210"``).

    >>> fmt_count(5.3, True), fmt_count(288.0, True), fmt_count(288.0, False)
    ('5.3', '288.0', '288')
    """
    if _bad(x):
        return "n/a"
    return f"{x:,.1f}" if per_replication else f"{x:,.0f}"


