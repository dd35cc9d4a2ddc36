"""What the parts of the draw.io page reader share: one page's cells and what is known so far.

:class:`bpsim.io.drawio_page._Page` reads a page with two mixins beside it,
:class:`~bpsim.io.drawio_lanes.Swimlanes` (pools and lanes) and
:class:`~bpsim.io.drawio_arrows.Arrows` (flows). All three work on one reader's state.
:class:`PageState`, their common base, declares that state (and the reader's methods the
mixins call), so that each mixin is checked against it on its own. It holds no code: the
page reader fills the attributes in and defines the methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bpsim.io.drawio_cells import Cell
    from bpsim.io.drawio_geometry import BoxIndex
    from bpsim.model import Process

__all__ = ["PageState"]


class PageState:
    """The state of one page reader (set by ``_Page.__init__`` unless said otherwise)."""

    cells: dict[str, Cell]  # cell id -> cell, in document order
    index: int  # the page's position in the file (0-based)
    page: str | None  # the page's name
    file: str | None  # the file, for findings
    token: str  # the page's XML-safe token, for ids made up on this page
    p: Process  # the process being built
    kind: dict[str, str]  # vertex id -> drawio_cells.Kind
    fold: dict[str, str]  # marker / band / label cell -> the cell it belongs to
    ids: dict[str, str]  # cell id -> XML-safe element id
    used: set[str]  # element ids given out
    labels: dict[str, list[str]]  # edge cell -> label texts of its child cells
    markers: dict[str, list[Cell]]  # task cell -> marker cells drawn inside it
    node_type: dict[str, str]  # node cell -> BPMN element type
    pools: dict[str, dict[str, Any]]  # pool cell -> {cell, kind, lanes, name, process ...}
    lane_pool: dict[str, str]  # lane cell -> its pool cell
    lane_parent: dict[str, str | None]  # lane cell -> the lane it is nested in
    implied: str | None  # the first pool made for lanes drawn without one
    frames: set[str]  # boxes drawn around a process (read as pools)
    consumed: set[str]  # cells read as part of something else (frame titles ...)
    edges: list[tuple[Cell, str, str]]  # arrows with their resolved (source, target)
    holds: dict[str, list[str]]  # box cell -> the nodes inside it (set by ``boxes``)
    attached: dict[str, str]  # boundary event cell -> its host (set by ``nodes``)
    _indexes: dict[str, BoxIndex]  # spatial indexes built on first use, by name

    if TYPE_CHECKING:  # defined by the page reader (_Page) or by the other mixin
        def finding(self, rule: str, severity: str, cell: Cell | None, message: str) -> None:
            ...

        def eid(self, cell_id: str) -> str: ...

        def ancestor_ids(self, cell: Cell) -> tuple[str, ...]: ...

        def ancestors(self, cell: Cell) -> list[Cell]: ...

        def descendants(self, cell_id: str) -> list[str]: ...

        def describe(self, cell_id: str) -> str: ...

        def candidates(self) -> list[Cell]: ...

        def folded_in(self, cell: Cell) -> str | None: ...

        def pool_of(self, cell: Cell) -> str | None: ...
