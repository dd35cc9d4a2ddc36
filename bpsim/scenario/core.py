"""The user-facing scenario: load it, build it in Python, vary it, bind it to a process.

>>> import bpsim
>>> s = bpsim.Scenario(name="two agents", horizon="30d",
...                    arrivals={"Ticket received": {"interarrival": "exponential(mean=6m)"}},
...                    roles={"Agent": {"staff": 2}})
>>> s.roles["Agent"].staff
2
>>> s.vary({"roles.Agent.staff": 3}).roles["Agent"].staff
3

Every problem is a :class:`~bpsim.errors.ScenarioError` naming the file, the dotted key path
(``roles.Agent.staff``), the line, and a hint.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bpsim.errors import ScenarioError
from bpsim.scenario.bind import bind
from bpsim.scenario.loader import Loc, format_key, read_yaml, scenario_error
from bpsim.scenario.schema import ScenarioModel
from bpsim.scenario.sources import check_form

if TYPE_CHECKING:
    from bpsim.model import Process
    from bpsim.scenario.spec import BoundScenario

__all__ = ["Scenario", "load_scenario", "scenario_error"]

#: (file, lines) of the scenario being built by from_dict (pydantic calls __init__).
_ORIGIN: ContextVar[tuple[str | None, dict | None]] = ContextVar(
    "scenario_origin", default=(None, None)
)

_GENERIC_HINTS = {
    "missing": "add this key.",
    "bool_type": "write true or false.",
    "bool_parsing": "write true or false.",
    "string_type": "write text.",
    "dict_type": "write a mapping (key: value lines, or {key: value}).",
    "list_type": "write a list ([a, b] or '- a' lines).",
    "model_type": "write a mapping (key: value lines, or {key: value}).",
    "datetime_parsing": "write an ISO date and time, e.g. 2026-01-05T00:00.",
    "datetime_from_date_parsing": "write an ISO date and time, e.g. 2026-01-05T00:00.",
    "datetime_type": "write an ISO date and time, e.g. 2026-01-05T00:00.",
    "date_parsing": "write dates as YYYY-MM-DD, e.g. 2026-01-06.",
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD, e.g. 2026-01-06.",
    "date_type": "write dates as YYYY-MM-DD, e.g. 2026-01-06.",
}


def _from_validation(exc: ValidationError, file: str | None, lines: dict | None) -> ScenarioError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(first["loc"])
    ctx = first.get("ctx") or {}
    if first["type"] == "bpsim_unknown_key":
        loc = (*loc, ctx["key"])
    elif first["type"] == "bpsim" and ctx.get("at"):
        loc = (*loc, ctx["at"])
    if first["type"].startswith("bpsim"):
        message, hint = ctx["message"], ctx.get("hint")
    else:
        message = first["msg"].rstrip(".") + "."
        if first["type"] != "missing":
            message = message[:-1] + f" (got {first.get('input')!r})."
        hint = _GENERIC_HINTS.get(first["type"], "see docs/scenario.md for this key.")
    if len(errors) > 1:
        message += f" ({len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} in the file.)"
    return scenario_error(message, loc, hint=hint, file=file, lines=lines)


class Scenario(ScenarioModel):
    """A simulation scenario: arrivals, durations, roles, calendars, SLAs, costs.

    Build it from a YAML file (:func:`load_scenario`), from a dict (:meth:`from_dict`) or with
    keywords mirroring the file's keys (``from`` is spelled ``from_`` in Python or passed in a
    dict). See ``docs/scenario.md`` for every key.

    Raises
    ------
    ScenarioError
        On any malformed value, naming the key path (and file and line when loaded).
    """

    def __init__(self, **data: Any) -> None:
        source, lines = _ORIGIN.get()
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _from_validation(exc, source, lines) from None
        self._source, self._lines = source, dict(lines or {})
        self._check()

    def _check(self) -> None:
        check_form(self)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, lines: dict | None = None
    ) -> Scenario:
        """A scenario from plain data (as YAML would give). ``source`` is the file it came
        from (for messages and for trace paths relative to it); ``lines`` maps key paths to
        line numbers."""
        if not isinstance(data, Mapping):
            raise ScenarioError(
                f"a scenario is a mapping of keys, not a {type(data).__name__}.", file=source
            )
        token = _ORIGIN.set((source, lines))
        try:
            return cls(**dict(data))
        finally:
            _ORIGIN.reset(token)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (text durations and laws) that :meth:`from_dict` reads back."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    # -- what-if --------------------------------------------------------------------------
    def vary(self, changes: Mapping[str, Any]) -> Scenario:
        """A copy with some values changed, by dotted key path.

        Parameters
        ----------
        changes : mapping
            ``{"roles.Agent.staff": 3, "arrivals.E-mail received.scale": 1.3,
            "tasks.Triage ticket.duration": "exponential(mean=8m)"}``. Keys may contain
            spaces and dots: each step takes the longest existing key that fits. SLAs are
            reached by name or position: ``"slas.taken in charge.attain"``, ``"slas.0.attain"``.
            The last step may name a key not yet set (``roles.Agent.bill_rate``).

        Raises
        ------
        ScenarioError
            A path naming nothing, or a new value that does not fit its key.
        """
        if not isinstance(changes, Mapping):
            raise ScenarioError(
                f"vary() takes a mapping of key paths to new values, not {type(changes).__name__}.",
                file=self._source, hint='e.g. scenario.vary({"roles.Agent.staff": 3}).')
        data = copy.deepcopy(self.to_dict())
        lines = dict(self._lines)
        for path, value in changes.items():
            container, last, loc = _locate(data, str(path), self)
            if len(loc) == 3 and loc[0] == "roles" and last == "staff" \
                    and isinstance(container, dict) and container.get("shifts") is not None:
                shifts = [f"roles.{loc[1]}.shifts.{sh.get('name', i)}.staff"
                          for i, sh in enumerate(container["shifts"]) if isinstance(sh, dict)]
                raise self.error(
                    f"role {loc[1]!r} works shifts: it has no single head-count to vary.",
                    loc[:2], f"vary each shift's staff: {', '.join(shifts)}.")
            container[last] = value
            lines = {k: v for k, v in lines.items() if k[: len(loc)] != loc}
        return type(self).from_dict(data, source=self._source, lines=lines)

    # -- binding --------------------------------------------------------------------------
    def bind(self, process: Process) -> BoundScenario:
        """Check this scenario against ``process``; return the engine's
        :class:`~bpsim.scenario.spec.BoundScenario` (ids, seconds, objects)."""
        return bind(self, process)

    # -- interchange ----------------------------------------------------------------------
    def to_bpsim(self, process: Process, path: str | Path) -> Path:
        """Write ``process`` with this scenario as BPSim 2.0 parameters to ``path``.

        Other BPSim tools (jBPM/KIE, Trisotech, Bizagi, Sparx) read the file; what BPSim
        cannot hold travels in a vendor extension that :func:`bpsim.read_bpsim` reads back.
        See :mod:`bpsim.interchange`.
        """
        from bpsim.interchange import write_bpsim

        return write_bpsim(self, process, path)

    def __repr__(self) -> str:
        private = getattr(self, "__pydantic_private__", None) or {}
        where = f" from {private['_source']}" if private.get("_source") else ""
        return f"<Scenario {getattr(self, 'name', '?')!r}{where}>"


_SECTION_FIELDS = {"roles", "tasks", "arrivals", "gateways", "events", "boundaries", "calendars"}
#: Sections whose entries name model elements: a new entry is checked when the scenario is
#: bound (a name no element carries is an error there), so ``vary`` may add one.
_ELEMENT_SECTIONS = {"tasks", "arrivals", "gateways", "events", "boundaries"}
#: Mapping-valued fields inside an entry that ``vary`` may create (``tasks.X.by_class.P1``).
_MAPPING_FIELDS = {"by_class", "profile", "per_hour", "classes", "loop", "target"}


def _entry_fields(section: str) -> set[str]:
    from bpsim.scenario import schema
    from bpsim.scenario.fields import Section

    models: dict[str, type[Section]] = {
        "tasks": schema.TaskModel, "arrivals": schema.ArrivalModel,
        "events": schema.EventModel, "boundaries": schema.BoundaryModel,
        "roles": schema.RoleModel, "calendars": schema.CalendarModel}
    model = models.get(section)
    return set(model.model_fields) if model is not None else set()


def _split_new_entry(section: str, rest: str) -> tuple[str, str]:
    """``("Resolution overdue", "duration")`` from ``"Resolution overdue.duration"``: the
    entry name ends before the last step that is a field of the section's entries (names
    may contain dots); gateway entries end before their last step (the branch)."""
    fields = _entry_fields(section)
    parts = rest.split(".")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] in fields:
            return ".".join(parts[:i]), ".".join(parts[i:])
    if "." in rest:
        name, _, tail = rest.rpartition(".")
        return name, tail
    return rest, ""


def _typo(rest: str, keys: list[str], section: str) -> bool:
    """Whether a new entry's name looks like a misspelt existing one (then refuse it)."""
    import difflib

    name, _ = _split_new_entry(section, rest)
    return bool(difflib.get_close_matches(name, keys, n=1, cutoff=0.8))


def _locate(data: dict, path: str, scenario: Scenario) -> tuple[Any, Any, Loc]:
    """(container, key, loc) of a dotted path, keys matched greedily (longest first).

    What the scenario lacks is created on the way when its meaning is clear: a section
    (``boundaries``), an entry of a section naming a model element (``tasks.Close ticket``:
    the element is checked when the scenario is bound), a mapping inside an entry
    (``by_class``), and the last key. A new role or calendar is refused (nothing would use
    it: a typo would vary nothing)."""
    node: Any = data
    rest = path
    loc: Loc = ()
    while True:
        if isinstance(node, list):
            head, _, tail = rest.partition(".")
            names = [str(x.get("name")) if isinstance(x, dict) else None for x in node]
            # an SLA name may itself contain dots: longest match first
            match = sorted(
                (
                    (i, n)
                    for i, n in enumerate(names)
                    if n is not None and (rest == n or rest.startswith(n + "."))
                ),
                key=lambda m: -len(m[1]),
            )
            if match:
                i, name = match[0]
                tail = rest[len(name) + 1 :]
            elif head.isdigit() and int(head) < len(node):
                i = int(head)
            else:
                raise _unknown(path, loc, [n for n in names if n], scenario, data)
            if not tail:
                return node, i, (*loc, i)
            node, rest, loc = node[i], tail, (*loc, i)
            continue
        if not isinstance(node, dict):
            raise _unknown(path, loc, [], scenario, data)
        keys = sorted(map(str, node), key=len, reverse=True)
        hit = next((k for k in keys if rest == k or rest.startswith(k + ".")), None)
        if hit is None:
            section = loc[0] if len(loc) == 1 else None
            if not loc and rest.split(".")[0] in _SECTION_FIELDS and "." in rest:
                hit = rest.split(".")[0]  # a section the scenario does not have yet
                node[hit] = {}
            elif isinstance(section, str) and section in _ELEMENT_SECTIONS \
                    and not _typo(rest, keys, section):
                name, tail = _split_new_entry(section, rest)
                node[name] = {}
                if not tail:
                    return node, name, (*loc, name)
                hit = name
            elif section is None and "." not in rest:
                return node, rest, (*loc, rest)  # a key not set yet
            elif section is None and rest.split(".")[0] in _MAPPING_FIELDS:
                hit = rest.split(".")[0]
                node[hit] = {}
            else:
                raise _unknown(path, loc, keys, scenario, data)
        if rest == hit:
            return node, hit, (*loc, hit)
        node, rest, loc = node[hit], rest[len(hit) + 1 :], (*loc, hit)
        if node is None:
            raise _unknown(path, loc, [], scenario, data)


def _leaf_paths(node: Any, prefix: str, out: list[str], limit: int = 400) -> list[str]:
    """Every dotted path to a value under ``node`` (SLAs by name), as ``vary`` reads them."""
    if len(out) >= limit:
        return out
    if isinstance(node, dict):
        for k, v in node.items():
            _leaf_paths(v, f"{prefix}.{k}" if prefix else str(k), out, limit)
    elif isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        for i, x in enumerate(node):
            label = str(x.get("name", i))
            _leaf_paths(x, f"{prefix}.{label}" if prefix else label, out, limit)
    else:
        out.append(prefix)
    return out


def valid_paths(scenario: Scenario, under: str = "") -> list[str]:
    """The dotted paths ``vary`` accepts that exist in ``scenario`` (under a prefix)."""
    paths = _leaf_paths(scenario.to_dict(), "", [])
    return [p for p in paths if not under or p == under or p.startswith(under + ".")]


def _unknown(path: str, loc: Loc, candidates: list[str], scenario: Scenario,
             data: dict | None = None) -> ScenarioError:
    import difflib

    rest = path[len(format_key(loc)) :].lstrip(".") if loc else path
    close = difflib.get_close_matches(rest.split(".")[0], candidates, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(map(repr, close))}? " if close else ""
    prefix = ".".join(str(x) for x in loc)
    paths = _leaf_paths(data, "", []) if data is not None else []
    if prefix:
        paths = [p for p in paths if p.startswith(prefix + ".")]
    last = path.rsplit(".", 1)[-1]
    same_end = [p for p in paths if p.endswith("." + last)]
    shown = (same_end or paths)[:8]
    if shown:
        more = f" and {len(paths) - len(shown)} more" if len(paths) > len(shown) else ""
        hint += f"valid paths here: {', '.join(shown)}{more}."
    elif candidates:
        hint += f"keys here: {', '.join(map(repr, sorted(candidates)[:12]))}."
    return scenario_error(
        f"the path {path!r} names nothing in the scenario (stuck at {rest!r}).",
        loc,
        hint=hint or "check the key path.",
        file=scenario.source,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML file.

    Parameters
    ----------
    path : str or Path
        The ``.yaml`` file. Trace files it names are read relative to its folder.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Unreadable file, YAML syntax, unknown key, wrong type, bad duration or law, naming
        the file, the key path and the line.

    Examples
    --------
    >>> import bpsim
    >>> s = bpsim.load_scenario("models/service_desk.yaml")            # doctest: +SKIP
    """
    data, lines = read_yaml(path)
    return Scenario.from_dict(data, source=str(path), lines=lines)
