"""Old module names that keep working after a module moved.

``import bpsim.build`` (the modelling API's first home) gives a module with the same public
names as :mod:`bpsim.modeling.builder`, so code written against the old names runs unchanged;
new code imports from :mod:`bpsim.modeling`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types

#: old module name -> where it lives now
ALIASES = {
    "bpsim.build": "bpsim.modeling.builder",
    "bpsim.edit": "bpsim.modeling.editor",
    "bpsim.layout": "bpsim.modeling.layout",
}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):  # noqa: ANN001 - importlib protocol
        return types.ModuleType(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        target = importlib.import_module(self.target)
        names = {k: v for k, v in vars(target).items()
                 if not (k.startswith("__") and k.endswith("__"))}
        exported = list(getattr(target, "__all__", []))
        if self.target == "bpsim.modeling.editor":
            from bpsim.modeling.ids import id_prefix

            names["id_prefix"] = id_prefix
            exported.append("id_prefix")
        module.__dict__.update(names)
        module.__dict__["__all__"] = exported
        module.__doc__ = f"Moved to :mod:`{self.target}`; this name keeps working."


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):  # noqa: ANN001 - importlib protocol
        if fullname in ALIASES:
            return importlib.util.spec_from_loader(fullname, _AliasLoader(ALIASES[fullname]))
        return None


def install() -> None:
    """Put the alias finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())
