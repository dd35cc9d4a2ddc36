"""Write a fitted scenario as YAML with a comment on every fitted value.

The scenario is plain data (as :meth:`bpsim.Scenario.to_dict` gives); ``comments`` maps a key
path (a tuple of keys) to the text written after that key, so a reader sees where each number
came from (``# n=2,366, gamma, W1 on held-back 2h 05m``). The output is YAML that bpsim's own
strict loader reads back (strings quoted where YAML 1.1 would misread them).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["dump"]

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_ ./()=,\-+]*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        if (_PLAIN.match(value) and value.strip() == value and value.lower() not in _RESERVED
                and ": " not in value and " #" not in value and "," not in value):
            return value
        return yaml.safe_dump(value, default_style='"', width=10 ** 9).strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return str(int(value)) if value == int(value) and abs(value) < 1e15 \
            else repr(round(value, 6))
    return str(value)


def _key(key: Any) -> str:
    text = str(key)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and "," not in text:
        return text
    return yaml.safe_dump(text, default_style='"', width=10 ** 9).strip()


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str) and "," in value and "(" in value:
        return yaml.safe_dump(value, default_style='"', width=10 ** 9).strip()
    return _scalar(value)


def _emit(value: Any, path: tuple, indent: int, comments: dict, out: list[str]) -> None:
    pad = "  " * indent
    for k, v in value.items():
        here = path + (k,)
        note = comments.get(here)
        tail = f"  # {note}" if note else ""
        if isinstance(v, dict) and v:
            out.append(f"{pad}{_key(k)}:{tail}")
            _emit(v, here, indent + 1, comments, out)
        elif isinstance(v, list) and v and all(isinstance(i, dict) for i in v):
            out.append(f"{pad}{_key(k)}:{tail}")
            for item in v:
                out.append(f"{pad}  - {_flow(item)}")
        elif isinstance(v, (dict, list)):
            out.append(f"{pad}{_key(k)}: {_flow(v)}{tail}")
        else:
            text = _scalar(v)
            if isinstance(v, str) and "," in v:
                text = yaml.safe_dump(v, default_style='"', width=10 ** 9).strip()
            out.append(f"{pad}{_key(k)}: {text}{tail}")


def dump(data: dict, comments: dict[tuple, str] | None = None,
         header: list[str] | None = None) -> str:
    """YAML text of ``data`` with ``comments`` after the keys they name."""
    out = [f"# {line}" if line else "#" for line in (header or [])]
    _emit(data, (), 0, comments or {}, out)
    return "\n".join(out) + "\n"
