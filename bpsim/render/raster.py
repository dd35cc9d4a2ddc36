"""PNG output of a :class:`~bpsim.render.scene.Drawing`, drawn with matplotlib (Agg).

Each primitive becomes the matching matplotlib patch or line on an axes whose data
coordinates are the drawing's pixels (y downwards), so the PNG shows what the SVG shows.
matplotlib is already a core dependency; an SVG converter (cairosvg) would need the system
cairo library, which a fresh machine with only Python and pip lacks.
"""

from __future__ import annotations

import io
import os
from typing import Any

from bpsim.render.scene import Drawing, Ellipse, Group, Line, Polygon, Rect, Text

__all__ = ["to_png"]

_DPI = 96.0


def _dash(dash: str | None):
    if not dash:
        return "solid"
    values = [float(v) for v in dash.replace(",", " ").split()]
    return (0, tuple(v * 0.75 for v in values)) if values else "solid"


def _color(value: str | None):
    return "none" if value in (None, "none") else value


def to_png(drawing: Drawing, path: str | os.PathLike | None = None, *, scale: float = 1.0
           ) -> bytes:
    """Render ``drawing`` to PNG bytes (and write them to ``path`` atomically, if given)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import patches
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    dpi = _DPI * scale
    fig = Figure(figsize=(drawing.width / _DPI, drawing.height / _DPI), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(drawing.x, drawing.x + drawing.width)
    ax.set_ylim(drawing.y + drawing.height, drawing.y)
    ax.set_axis_off()
    fig.patch.set_facecolor(drawing.background or "none")
    # a line width in drawing pixels -> points at this dpi (1 px = 72/96 pt at scale 1)
    pt = 72.0 / _DPI
    z = [0.0]

    def common(item) -> dict:
        z[0] += 1
        return {"linewidth": item.stroke_width * pt * (1 if item.stroke else 0),
                "edgecolor": _color(item.stroke), "linestyle": _dash(item.dash),
                "alpha": item.opacity, "zorder": z[0]}

    def draw(items) -> None:
        for it in items:
            if isinstance(it, Group):
                draw(it.items)
            elif isinstance(it, Rect):
                p: Any
                if it.rx:
                    pad = min(it.rx, it.width / 2, it.height / 2)
                    p = patches.FancyBboxPatch(
                        (it.x + pad, it.y + pad), max(it.width - 2 * pad, 0.01),
                        max(it.height - 2 * pad, 0.01), boxstyle=f"round,pad={pad}",
                        facecolor=_color(it.fill), **common(it))
                else:
                    p = patches.Rectangle((it.x, it.y), it.width, it.height,
                                          facecolor=_color(it.fill), **common(it))
                ax.add_patch(p)
            elif isinstance(it, Ellipse):
                ax.add_patch(patches.Ellipse((it.cx, it.cy), 2 * it.rx, 2 * it.ry,
                                             facecolor=_color(it.fill), **common(it)))
            elif isinstance(it, Polygon):
                ax.add_patch(patches.Polygon(it.points, closed=True,
                                             facecolor=_color(it.fill), **common(it)))
            elif isinstance(it, Line):
                z[0] += 1
                xs, ys = zip(*it.points) if it.points else ((), ())
                ax.add_line(Line2D(xs, ys, linewidth=it.stroke_width * pt,
                                   color=_color(it.stroke), linestyle=_dash(it.dash),
                                   alpha=it.opacity, zorder=z[0], solid_capstyle="round",
                                   solid_joinstyle="round"))
            elif isinstance(it, Text):
                z[0] += 1
                ha = {"start": "left", "middle": "center", "end": "right"}[it.anchor]
                ax.text(it.x, it.y, "\n".join(it.lines), fontsize=it.size * pt, ha=ha,
                        va="center", fontweight=it.weight, color=it.fill,
                        rotation=-it.rotate, rotation_mode="anchor", zorder=z[0],
                        linespacing=1.2, family="sans-serif")

    draw(drawing.items)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor=fig.get_facecolor())
    data = buf.getvalue()
    if path is not None:
        from bpsim._atomic import write_bytes

        write_bytes(path, data)
    return data
