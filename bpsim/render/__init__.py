"""Drawings of a process, as SVG or PNG, where the user drew it.

A manager sees the bottleneck on their own diagram: :func:`draw_process` places every pool,
lane, task, event, gateway, boundary event, sub-process, flow (with its waypoints) and label
where the BPMN diagram interchange or the draw.io geometry puts it (a model without a drawing
gets bpsim's own layout, :func:`bpsim.modeling.layout`), and an :class:`Overlay` adds colours,
figure badges, tooltips, flow widths, a colour bar and a legend. The result is a
:class:`Drawing`, plain data that writes itself as SVG or PNG (via matplotlib).

The API (stable; the HTML report, ``--annotate`` and the service blueprint use it)::

    from bpsim.render import ColorScale, Overlay, draw_process

    drawing = draw_process(process)                   # the plain process
    scale = ColorScale(0.0, 1.0, label="utilisation")
    ov = Overlay(fill={"Task_Triage": scale(0.82)},   # element id -> colour
                 badge={"Task_Triage": "82 %"},       # short figure beside the shape
                 title={"Task_Triage": "Triage: 82 % busy"},   # tooltip (SVG <title>)
                 data={"Task_Triage": {"wait": "2.3 h"}},      # data-* attributes
                 flow_width={"Flow_1": 6.0},          # flow id -> stroke width (px)
                 flow_label={"Flow_1": "812 / rep"},
                 scale=scale,                         # colour bar below the drawing
                 legend=[(None, "flow width: tickets that took it")])
    drawing = draw_process(process, ov, title="Service desk: utilisation")
    svg_text = drawing.to_svg()                       # or drawing.to_svg(width=900)
    drawing.save("desk.svg"); drawing.save("desk.png")     # by suffix, atomically
    png_bytes = drawing.to_png(scale=2)

Lower level, for other pictures (e.g. a service blueprint): build a :class:`Drawing` from
:class:`Group`, :class:`Rect`, :class:`Ellipse`, :class:`Polygon`, :class:`Line` and
:class:`Text` (coordinates in pixels, y downwards); :func:`colorbar` draws a scale;
:func:`diagram_of` gives the :class:`~bpsim.model.Diagram` (bounds and waypoints) a process is
drawn from; ``Drawing.groups("node")`` lists the element groups. In the SVG each flow node is
``<g class="node <kind> <type>" data-id="ID">`` (kind: ``activity``, ``event``,
``gateway``), each sequence flow ``<g class="flow" data-id="ID">``, each message flow
``class="message-flow"``, pools and lanes ``class="pool"`` / ``class="lane"``.
"""

from bpsim.render.colors import NO_DATA, YLORRD, ColorScale, colorbar
from bpsim.render.process import Overlay, diagram_of, draw_process, visible_nodes
from bpsim.render.scene import (
    Drawing,
    Ellipse,
    Group,
    Line,
    Polygon,
    Rect,
    Text,
    arrow_head,
    text_width,
)

__all__ = [
    "draw_process", "Overlay", "diagram_of", "visible_nodes",
    "ColorScale", "colorbar", "YLORRD", "NO_DATA",
    "Drawing", "Group", "Rect", "Ellipse", "Polygon", "Line", "Text", "arrow_head",
    "text_width",
]
