"""Reading scenario files safely, remembering where every key was written.

A scenario file is YAML written by people, so mistakes must point at the line:
``service_desk.yaml:23: key roles.Agent.staf: unknown key 'staf'. Fix: did you mean 'staff'?``.
:func:`read_yaml` parses with PyYAML's *safe* loader (no Python objects, no code) under
bpsim's rules, and returns the data together with a map from key paths (tuples such as
``("roles", "Agent", "staff")``, list positions as ints) to 1-based line numbers, taken from
the composed node tree.

Rules on top of ``yaml.safe_load``:

* Size caps: at most :data:`MAX_BYTES` of text and :data:`MAX_NODES` nodes *after*
  expanding aliases, so an "alias bomb" (a billion laughs) is refused, not expanded.
* ``yes``/``no``/``on``/``off`` stay text (so a gateway's ``{Yes: 0.25, No: 0.75}`` keeps
  its branch names); only ``true``/``false`` are booleans.
* ``1:30`` stays text (YAML 1.1 would read base-60 ``90``, a silent trap for durations).
* Mapping keys are text (``2026: ...`` gives the key ``"2026"``); a key written twice is an
  error (YAML would silently keep the last one).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bpsim._paths import read_limited
from bpsim.errors import ScenarioError

__all__ = ["read_yaml", "format_key", "line_of", "MAX_BYTES", "MAX_NODES", "scenario_error"]

MAX_BYTES = 5_000_000
MAX_NODES = 1_000_000

Loc = tuple[str | int, ...]


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when available


class _Loader(_SAFE):  # type: ignore[misc,valid-type]
    """SafeLoader with YAML 1.2-like scalars: no yes/no booleans, no base-60 numbers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}  # fmt: skip
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
        r"|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def format_key(loc: Loc) -> str:
    """``("slas", 0, "target")`` -> ``"slas[0].target"``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def line_of(lines: dict[Loc, int] | None, loc: Loc) -> int | None:
    """The line of ``loc`` or of its nearest enclosing key."""
    if not lines:
        return None
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), None)


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], file: str, budget: list[int],
          path: frozenset[int] = frozenset()) -> None:
    budget[0] -= 1
    if id(node) in path:
        raise ScenarioError(
            "a recursive alias: this value contains itself (an anchor &x used inside its own "
            "value as *x).", file=file, line=node.start_mark.line + 1,
            key=format_key(loc) or None, hint="write the value out without the alias.")
    if len(loc) > MAX_DEPTH:
        raise ScenarioError(
            f"values are nested more than {MAX_DEPTH} levels deep.", file=file,
            line=node.start_mark.line + 1, hint="a scenario nests a few levels; flatten it.")
    path = path | {id(node)} if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) else path
    if budget[0] < 0:
        raise ScenarioError(
            f"the scenario expands to more than {MAX_NODES} values (too many aliases?).",
            file=file,
            hint="write the scenario out plainly; bpsim refuses alias bombs.",
        )
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ScenarioError(
                    "YAML merge keys (<<) are not supported in scenarios.",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    key=format_key(loc) or None,
                    hint="write the keys out.",
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(
                    "a key must be plain text.",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    key=format_key(loc) or None,
                    hint="write names as keys, e.g. Agent: {staff: 2}.",
                )
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ScenarioError(
                    f"key {key!r} is written twice (lines {seen[key]} and {line}).",
                    file=file,
                    line=line,
                    key=format_key((*loc, key)),
                    hint="keep one of them.",
                )
            seen[key] = line
            lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), lines, file, budget, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault((*loc, i), item.start_mark.line + 1)
            _walk(item, (*loc, i), lines, file, budget, path)
    elif isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS \
            and len(node.value) > MAX_DIGITS:
        raise ScenarioError(
            f"a number of {len(node.value):,} characters; bpsim reads numbers of at most "
            f"{MAX_DIGITS} digits.", file=file, line=node.start_mark.line + 1,
            key=format_key(loc) or None, hint="write a number of sensible size.")


#: Deepest nesting of values in a scenario (real ones nest four or five levels).
MAX_DEPTH = 50
#: Longest number (characters) a scenario may hold; 5,000-digit integers are a typo or an attack.
MAX_DIGITS = 100
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _bad_scalar(loader: Any, node: yaml.Node, depth: int = 0) -> yaml.ScalarNode | None:
    """The first scalar below ``node`` its constructor refuses (for the error's line)."""
    if isinstance(node, yaml.ScalarNode):
        try:
            loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            return node
        return None
    if depth > MAX_DEPTH:
        return None
    children = node.value if isinstance(node, yaml.SequenceNode) else [
        v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else []
    for child in children:
        found = _bad_scalar(loader, child, depth + 1)
        if found is not None:
            return found
    return None


def _stringify_keys(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _stringify_keys(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_stringify_keys(v) for v in data]
    return data


def read_yaml(source: str | Path | bytes, *, file: str | None = None) -> tuple[Any, dict[Loc, int]]:
    """Parse a scenario YAML document; return ``(data, lines)``.

    Parameters
    ----------
    source : path or bytes
        A file path, or the document itself as bytes.
    file : str, optional
        Name used in messages (defaults to the path).

    Raises
    ------
    ScenarioError
        Unreadable or oversize file, YAML syntax error (with its line), alias bomb, duplicate
        key, or a document that is not a mapping.
    """
    if isinstance(source, bytes):
        raw, file = source, file or "<scenario>"
    else:
        file = file or str(source)
        raw = read_limited(source, MAX_BYTES, what="scenario file", error=ScenarioError,
                           hint="scenarios are short; put long traces in a CSV file "
                           "(trace: file.csv).")
    if len(raw) > MAX_BYTES:
        raise ScenarioError(f"the scenario is larger than {MAX_BYTES} bytes.", file=file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"the scenario is not UTF-8 text (byte {exc.start}).",
            file=file,
            hint="save the file as UTF-8.",
        ) from None
    try:
        loader = _Loader(text)  # a SafeLoader: plain data only
        try:
            node = loader.get_single_node()
            lines: dict[Loc, int] = {}
            data = None
            if node is not None:
                _walk(node, (), lines, file, [MAX_NODES])  # before expanding any alias
                try:
                    data = loader.construct_document(node)
                except (ValueError, OverflowError) as exc:  # e.g. a date 2026-02-30
                    bad = _bad_scalar(loader, node)
                    raise ScenarioError(
                        f"a value cannot be read: {exc}"
                        + (f" ({bad.value!r})." if bad is not None else "."), file=file,
                        line=bad.start_mark.line + 1 if bad is not None else None,
                        hint="write dates as real calendar dates (YYYY-MM-DD), numbers "
                        "plainly; quote the value to keep it as text.") from None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in str(exc.problem or ""):  # PyYAML >= 6.0.4 stops deep nesting itself
            raise ScenarioError(
                f"values are nested more than {MAX_DEPTH} levels deep.", file=file,
                line=mark.line + 1 if mark else None,
                hint="a scenario nests a few levels; flatten it.") from None
        raise ScenarioError(
            f"not valid YAML: {exc.problem or exc.context}.",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint='check indentation, colons and quotes on that line (quote times like "09:00").',
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not valid YAML: {exc}.", file=file) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            f"a scenario is a mapping of keys (name:, arrivals:, ...), not a {type(data).__name__}.",
            file=file,
            line=1,
            hint="start the file with keys such as 'name: my scenario'.",
        )
    return _stringify_keys(data), lines


def scenario_error(
    message: str,
    loc: Loc,
    *,
    hint: str | None = None,
    file: str | None = None,
    lines: dict[Loc, int] | None = None,
    **extra: Any,
) -> ScenarioError:
    """A :class:`ScenarioError` at key path ``loc`` (a tuple), with its file and line."""
    return ScenarioError(
        message,
        key=format_key(loc) or None,
        line=line_of(lines, loc),
        file=file,
        hint=hint,
        **extra,
    )
