"""Editing a process: the changes a service-desk lead makes on the whiteboard, kept consistent.

"Add a check before triage", "the specialist now also creates contacts", "split the Agent lane
into first and second line", "drop the survey and send the closure notice directly": each is
one call on a :class:`ProcessEditor`, and after each call the :class:`~bpsim.model.Process` is
whole again:

* no sequence flow points at a node that is gone (removing a node removes its flows, or with
  ``bridge=True`` reconnects its predecessors to its successors);
* ``process.flows`` and the graph edges agree, duplicates included (an edge's ``ids`` lists
  every flow between the same two nodes);
* each node's ``lane`` and the lanes' ``nodes`` lists agree;
* ids are unique and stable; generated ids read like the element (``Task_TriageTicket``,
  ``Gateway_3``) and are never handed out twice, not even after the element is removed.

Mistakes raise :class:`~bpsim.errors.ModelError` naming the element and the fix. The editor
works on any process, read from a file or built with :mod:`bpsim.modeling.builder` (whose
:class:`~bpsim.modeling.ProcessBuilder` is an editor too)::

    >>> from bpsim.modeling import ProcessEditor
    >>> desk = ProcessEditor(bpsim.read("models/service_desk.bpmn"))      # doctest: +SKIP
    >>> desk.remove("Send satisfaction survey", bridge=True)               # doctest: +SKIP
    >>> desk.insert("Flow_NeedInfoNo", "userTask", "Check entitlement")    # doctest: +SKIP

Shapes and waypoints of removed elements are dropped from ``process.diagram``; new elements
have none until :func:`bpsim.modeling.layout` places them (the writers do that by themselves).

The editor is split by what it edits: :mod:`~bpsim.modeling.ids` (names and ids),
:mod:`~bpsim.modeling.flows`, :mod:`~bpsim.modeling.nodes` and :mod:`~bpsim.modeling.lanes`;
:class:`ProcessEditor` is all of them together.
"""

from __future__ import annotations

from bpsim.modeling.lanes import LaneEdits
from bpsim.modeling.nodes import NodeEdits

__all__ = ["ProcessEditor"]


class ProcessEditor(NodeEdits, LaneEdits):
    """Consistent edits of one :class:`~bpsim.model.Process` (changed in place).

    Elements are named by id or by name (a name must then be unique), or by the handles
    :mod:`bpsim.modeling.builder` returns.

    Parameters
    ----------
    process : Process
        The process to edit; ``editor.process`` is the same object.
    """

    # -- drawing -------------------------------------------------------------------------
    def layout(self, *, relayout: bool = False) -> None:
        """Give the process a diagram (``process.diagram``) from :func:`bpsim.modeling.layout`.

        Writers lay out by themselves; call this to inspect positions, or to silence
        ``bpsim.validate``'s "no diagram" warning on a process built in code.
        """
        from bpsim.modeling.layout import layout

        self.process.diagram = layout(self.process, relayout=relayout)
