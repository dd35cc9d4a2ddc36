"""Shared fixtures: where the repository, the bundled models and the shared corpus are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_files(*folders: str, suffixes=(".bpmn", ".bpmn20.xml")) -> list[Path]:
    """Files below ``../shared/corpus/<folder>`` with one of ``suffixes`` (sorted)."""
    found: list[Path] = []
    for folder in folders:
        base = CORPUS / folder
        if base.is_dir():
            found += [p for p in base.rglob("*") if p.is_file() and p.name.endswith(suffixes)]
    return sorted(found)


def require_corpus() -> None:
    """Skip (visibly) when ../shared/corpus is not beside the clone; CI always has it."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (CI has ../shared beside the clone)")


@pytest.fixture
def corpus() -> Path:
    require_corpus()
    return CORPUS
