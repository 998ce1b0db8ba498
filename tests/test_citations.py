"""One citation per benchmark: every card, module and page that cites OpenING carries the same entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from genjudge.benchmarks.opening.citation import CITATION

ROOT = Path(__file__).resolve().parents[1]
CITING = sorted(
    path
    for pattern in (
        "metrics/*/README.md",
        "model_cards/**/*.md",
        "dataset_scripts/*/README.md",
        "metrics/*/*.py",
    )
    for path in ROOT.glob(pattern)
    if "zhou2025opening" in path.read_text(encoding="utf-8") or "citation import CITATION" in path.read_text()
)


def test_the_opening_citation_is_cited_somewhere():
    assert len(CITING) >= 5


@pytest.mark.parametrize("path", CITING, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_copy_is_the_one_constant(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        assert "zhou2025opening" not in text  # modules import the constant instead of copying it
    else:
        assert CITATION in text
        assert text.count("zhou2025opening") == 1
