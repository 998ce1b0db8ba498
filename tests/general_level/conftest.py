"""Shared fixtures: the committed synthetic SoTA workbook and model sheets (see make_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from genjudge.benchmarks.general_level import read_reference

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def reference():
    return read_reference(FIXTURES / "sota.xlsx")
