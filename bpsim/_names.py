"""Fresh names: ``base``, else ``base_2``, ``base_3`` ... whichever is not taken yet.

Every writer that gives things ids or keys (draw.io cells, BPMN ids, blueprint cells) needs
the same rule, so that a second "Triage" becomes ``Triage_2`` everywhere.

>>> first_free("Triage", {"Triage", "Triage_2"})
'Triage_3'
"""

from __future__ import annotations

from collections.abc import Container

__all__ = ["first_free"]


def first_free(base: str, *taken: Container[str]) -> str:
    """``base``, or the first of ``base_2``, ``base_3`` ... that none of ``taken`` holds
    (the caller records it as taken)."""
    out, n = base, 1
    while any(out in t for t in taken):
        n += 1
        out = f"{base}_{n}"
    return out
