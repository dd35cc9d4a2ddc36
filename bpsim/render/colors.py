"""Colour scales for figures on a diagram: low is pale, high is dark red.

A manager reads "where is it hot" at a glance, so every metric uses one sequential scale
(pale yellow -> orange -> dark red, ColorBrewer's YlOrRd, readable by the colour-blind and in
grey print). :class:`ColorScale` maps a value to a fill colour and picks a text colour that
stays readable on it; :func:`colorbar` draws the scale with its ticks as a
:class:`~bpsim.render.scene.Group`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bpsim.render.scene import Group, Line, Rect, Text

__all__ = ["ColorScale", "colorbar", "YLORRD", "NO_DATA"]

#: ColorBrewer YlOrRd, 9 classes (pale to dark)
YLORRD = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
          "#bd0026", "#800026"]
#: fill of an element that has no figure for the metric (not staffed, never reached ...)
NO_DATA = "#f4f4f4"


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG) of a ``#rrggbb`` colour, 0 (black) to 1 (white)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@dataclass
class ColorScale:
    """Maps values in ``[low, high]`` onto ``colors`` (linear interpolation).

    ``label`` names the metric and its unit for the colour bar; ``format`` writes a value
    for humans (ticks, badges); ``unit`` is the size of one display unit (3600 for a scale
    in seconds shown in hours), so ticks fall on round numbers of it.

    >>> s = ColorScale(0.0, 1.0, label="utilisation")
    >>> s(0.0), s(1.0)
    ('#ffffcc', '#800026')
    """

    low: float
    high: float
    label: str = ""
    colors: tuple[str, ...] = tuple(YLORRD)
    format: Callable[[float], str] = staticmethod(lambda v: f"{v:.3g}")  # type: ignore[assignment]
    unit: float = 1.0

    def position(self, value: float) -> float:
        """Where ``value`` falls on the scale, 0 to 1 (clipped)."""
        if value is None or not math.isfinite(value):
            return float("nan")
        span = self.high - self.low
        if span <= 0:
            return 1.0 if value > self.low else 0.0
        return max(0.0, min(1.0, (value - self.low) / span))

    def __call__(self, value: float | None) -> str:
        """The fill colour of ``value`` (:data:`NO_DATA` for ``None``/NaN)."""
        if value is None:
            return NO_DATA
        t = self.position(value)
        if math.isnan(t):
            return NO_DATA
        k = t * (len(self.colors) - 1)
        i = min(int(k), len(self.colors) - 2)
        f = k - i
        a, b = _rgb(self.colors[i]), _rgb(self.colors[i + 1])
        return _hex(x + (y - x) * f for x, y in zip(a, b))

    def stroke(self, value: float | None) -> str:
        """A darker shade of the fill, for the outline."""
        fill = self(value)
        if fill == NO_DATA:
            return "#9a9a9a"
        return _hex(c * 0.55 for c in _rgb(fill))

    @staticmethod
    def text_color(fill: str) -> str:
        """Black or white, whichever reads better on ``fill``."""
        return "#111111" if luminance(fill) > 0.22 else "#ffffff"

    def ticks(self, n: int = 5) -> list[float]:
        """About ``n`` round values between ``low`` and ``high``."""
        span = (self.high - self.low) / self.unit
        if span <= 0:
            return [self.low]
        raw = span / max(n - 1, 1)
        mag = 10 ** math.floor(math.log10(raw))
        step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
        low, high = self.low / self.unit, self.high / self.unit
        first = math.ceil(low / step - 1e-9) * step
        out = []
        v = first
        while v <= high + step * 1e-9:
            out.append(round(v, 12) * self.unit)
            v += step
        return out


def colorbar(scale: ColorScale, x: float, y: float, width: float = 260.0,
             height: float = 12.0, steps: int = 48) -> Group:
    """The scale as a horizontal bar at ``(x, y)`` with its label above and ticks below
    (class ``colorbar``)."""
    g = Group(cls="colorbar")
    if scale.label:
        g.add(Text(x, y - 9, [scale.label], size=11, anchor="start", weight="bold"))
    w = width / steps
    for i in range(steps):
        v = scale.low + (scale.high - scale.low) * (i + 0.5) / steps
        g.add(Rect(x + i * w, y, w + 0.6, height, fill=scale(v), stroke=None))
    g.add(Rect(x, y, width, height, fill=None, stroke="#555555", stroke_width=0.8))
    span = scale.high - scale.low
    for v in scale.ticks():
        tx = x + (width * (v - scale.low) / span if span > 0 else 0)
        g.add(Line([(tx, y + height), (tx, y + height + 4)], stroke="#555555", stroke_width=0.8))
        g.add(Text(tx, y + height + 12, [scale.format(v)], size=10))
    return g
