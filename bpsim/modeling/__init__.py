"""Modelling in Python: build a process in code, edit one read from a file, lay it out.

* :class:`ProcessBuilder` (:mod:`~bpsim.modeling.builder`) draws a process the way one talks
  about it: lanes, tasks, decisions with named branches, forks, catch events, boundary timers,
  ``a >> b`` for a sequence flow;
* :class:`ProcessEditor` (:mod:`~bpsim.modeling.editor`) changes any process consistently:
  add, remove (bridging), rename, retype, reconnect, insert on a flow, move between lanes,
  split and merge lanes; split by what it edits into :mod:`~bpsim.modeling.ids`,
  :mod:`~bpsim.modeling.nodes`, :mod:`~bpsim.modeling.flows` and :mod:`~bpsim.modeling.lanes`;
* :func:`layout` (:mod:`~bpsim.modeling.layout`) places shapes left to right in lane bands
  with orthogonal routes (:mod:`~bpsim.modeling.routing`), for processes without a drawing.

``bpsim.build``, ``bpsim.edit`` and ``bpsim.layout`` (the modules' first home) still import.
"""

from __future__ import annotations

from bpsim.modeling.builder import Lane, Node, ProcessBuilder, SubProcess, iso_duration
from bpsim.modeling.editor import ProcessEditor
from bpsim.modeling.ids import id_prefix
from bpsim.modeling.layout import EVENT_SIZE, GATEWAY_SIZE, TASK_SIZE, layout, node_size

__all__ = ["ProcessBuilder", "ProcessEditor", "Lane", "Node", "SubProcess", "iso_duration",
           "id_prefix", "layout", "node_size", "TASK_SIZE", "EVENT_SIZE", "GATEWAY_SIZE"]
