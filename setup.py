"""Build hook: ship the repository's ``models/`` folder inside the package.

``models/`` stays the readable copy at the root of the repository; when a wheel is built, its
model, scenario and diagram files are copied to ``bpsim/data/models/`` so that
``pip install bpsim`` followed by ``bpsim demo`` works from any folder. Everything else is
declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODEL_SUFFIXES = (".bpmn", ".drawio", ".yaml", ".yml", ".csv", ".py")


class build_py_with_models(build_py):  # noqa: N801 - setuptools' naming
    """``build_py`` that also copies ``models/*`` into ``bpsim/data/models``."""

    def run(self) -> None:
        super().run()
        source = Path(__file__).resolve().parent / "models"
        if not source.is_dir():  # building from an sdist made without models/
            return
        target = Path(self.build_lib) / "bpsim" / "data" / "models"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.iterdir()):
            if path.is_file() and path.suffix in MODEL_SUFFIXES:
                shutil.copy2(path, target / path.name)


setup(cmdclass={"build_py": build_py_with_models})
