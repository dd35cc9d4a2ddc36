"""One error hierarchy for every stage of bpsim.

Every error a user can cause (a malformed file, a hostile XML document, a scenario key that
names no element, a model the engine cannot run) is a :class:`BpsimError`. Each carries the
facts a person needs to fix the input: the file, the element's id and name, the XML line, and
a hint that says what to do. ``str(error)`` renders them on one line, the way compilers do::

    models/desk.bpmn:42: element Task_1 "Triage": flow Flow_3 names no target 'Task_9'.
    Fix: point targetRef at an existing element or delete the flow.

The command-line interface maps the classes to exit codes (see ``bpsim.cli``); nothing below
:class:`BpsimError` ever reaches a user as a traceback.

Hierarchy::

    BpsimError
     +-- ReadError            the file cannot be read as a process (exit 2)
     |    +-- UnsafeInputError   refused for safety: DTD, entities, size caps (exit 2)
     |    +-- NotAProcessError   well-formed, but not BPMN / draw.io (exit 2)
     +-- ModelError           read, but the model is unusable (dangling refs, ...) (exit 1)
     +-- ScenarioError        the scenario is invalid or does not fit the model (exit 1)
     +-- SimulationError      the engine cannot run the model as given (exit 1)
"""

from __future__ import annotations

__all__ = [
    "BpsimError",
    "ReadError",
    "UnsafeInputError",
    "NotAProcessError",
    "ModelError",
    "ScenarioError",
    "SimulationError",
]


def _rebuild(cls, args, state):
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(state)
    return err


class BpsimError(Exception):
    """Base class of every error bpsim raises on bad input.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file : str, optional
        The file the problem is in.
    line, column : int, optional
        Position in that file (XML line numbers are 1-based).
    element_id, element_name : str, optional
        The model element concerned (BPMN id / draw.io cell id and its label).
    key : str, optional
        A dotted key path inside a scenario file (``roles.Agent.staff``).
    hint : str, optional
        What the user should do about it.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        element_id: str | None = None,
        element_name: str | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.column = column
        self.element_id = element_id
        self.element_name = element_name
        self.key = key
        self.hint = hint

    def __reduce__(self):
        # errors raised in a worker process (parallel replications, sweeps) arrive whole
        return (_rebuild, (type(self), self.args, self.__dict__))

    @property
    def location(self) -> str:
        """``file:line:column`` as far as known (empty when nothing is known)."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        text = ""
        if self.location:
            text += self.location + ": "
        if self.key:
            text += f"key {self.key}: "
        if self.element_id is not None:
            text += f"element {self.element_id}"
            if self.element_name:
                text += f' "{self.element_name}"'
            text += ": "
        text += _one_line(self.message)
        if self.hint:
            text += f" Fix: {_one_line(self.hint)}"
        return text

    def to_dict(self) -> dict:
        """The error as plain data (for ``--json`` outputs)."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "element_id": self.element_id,
            "element_name": self.element_name,
            "key": self.key,
            "hint": self.hint,
        }


def _one_line(text: str) -> str:
    """``text`` on one line: messages quoted from lxml or YAML may end in a newline."""
    return " ".join(str(text).split())


class ReadError(BpsimError):
    """The file cannot be read as a process: missing, malformed XML, truncated, wrong format."""

    exit_code = 2


class UnsafeInputError(ReadError):
    """The input was refused for safety: a DTD, an entity, an oversize file or payload."""


class NotAProcessError(ReadError):
    """The file is well-formed but is neither BPMN 2.0 XML nor a draw.io diagram."""


class ModelError(BpsimError):
    """The process was read but is unusable as it stands (e.g. a flow names no element)."""


class ScenarioError(BpsimError):
    """The scenario is invalid, or names elements the model lacks, or misses a parameter."""


class SimulationError(BpsimError):
    """The engine cannot run the model with this scenario (e.g. a token with nowhere to go)."""
