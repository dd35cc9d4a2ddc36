"""Counted words: ``"1 pool"``, ``"2 pools"``, ``"1,250 tickets"``.

Every message and report that counts things (reports, the CLI, scenario warnings) uses the
same rule, so that no output says "1 pools" or "replication(s)".
"""

from __future__ import annotations

__all__ = ["plural"]


def plural(n: float, word: str, many: str | None = None) -> str:
    """``"1 pool"``, ``"2 pools"``, ``"1,250 tickets"``; ``many`` for an irregular plural.

    >>> plural(1, "pool"), plural(3, "process", "processes"), plural(0, "lane")
    ('1 pool', '3 processes', '0 lanes')
    """
    many = many if many is not None else word + "s"
    text = f"{int(n):,}" if float(n).is_integer() else f"{n:,.1f}"
    return f"{text} {word if n == 1 else many}"
