"""Paths of the committed General-Bench fixtures (written by make_fixtures.py) and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from genjudge.benchmarks.general_level.bench import cli as general_bench_cli

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE = FIXTURES / "General-Bench-Openset"
PREDICTIONS = FIXTURES / "predictions"
SOTA = FIXTURES / "sota_result.xlsx"


@pytest.fixture
def release_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture release, for tests that break it."""
    return Path(shutil.copytree(RELEASE, tmp_path / "release"))


@pytest.fixture
def predictions_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PREDICTIONS, tmp_path / "predictions"))


@pytest.fixture
def cli():
    """The General-Bench commands on a local app, the way the genjudge app mounts them."""
    app = typer.Typer(pretty_exceptions_enable=False)
    app.command("build")(general_bench_cli.build)
    app.command("evaluate")(general_bench_cli.evaluate)
    app.command("coverage")(general_bench_cli.coverage)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return invoke
