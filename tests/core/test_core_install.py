"""``pip install genjudge`` with no extras: every help page, and the commands that need no extra.

``scripts/core_check.sh`` runs this file in a virtual environment holding genjudge's core
dependencies only (the test command runs it after the main suite); in the full environment it runs
too, minus the test that needs an extra to be missing.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from genjudge.benchmarks.general_level.sample import sample_reference_path, sample_results_paths
from genjudge.benchmarks.opening.judges_board import sample_arena_dir
from genjudge.benchmarks.opening.sample import sample_dir
from genjudge.cli import app


def genjudge(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "genjudge", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def command_paths(command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under ``command`` (lazy groups included: listing them loads them)."""
    paths = []
    if hasattr(command, "list_commands"):
        context = typer.Context(command)
        for name in command.list_commands(context):
            path = (*prefix, name)
            paths += [path, *command_paths(command.get_command(context, name), path)]
    return paths


def test_every_help_page_works():
    paths = command_paths(typer.main.get_command(app))
    assert {("data", "build", "opening"), ("general-level", "score"), ("arena", "report")} <= set(paths)
    for path in paths:
        shown = CliRunner().invoke(app, [*path, "--help"])
        assert shown.exit_code == 0, f"genjudge {' '.join(path)} --help: {shown.output}{shown.exception!r}"
        assert "Usage" in shown.output


def test_data_build_opening(tmp_path):
    built = genjudge("data", "build", "opening", "--source", str(sample_dir()), "--out", "out", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "README.md").is_file()
    assert sorted(path.name for path in (tmp_path / "out" / "data").iterdir())


def test_general_level_score(tmp_path):
    results = next(path for path in sample_results_paths() if path.suffix == ".xlsx")
    scored = genjudge(
        "general-level",
        "score",
        "--sota",
        str(sample_reference_path()),
        "--results",
        str(results),
        cwd=tmp_path,
    )
    assert scored.returncode == 0, scored.stderr
    assert "Level" in scored.stdout


def test_arena_report(tmp_path):
    reported = genjudge(
        "arena",
        "report",
        str(sample_arena_dir() / "judge_modelAB_results.json"),
        "--bootstrap",
        "0",
        cwd=tmp_path,
    )
    assert reported.returncode == 0, reported.stderr
    assert "FDT" in reported.stdout


@pytest.mark.skipif(
    importlib.util.find_spec("gradio") is not None, reason="the space extra is installed here"
)
def test_a_command_whose_extra_is_missing_names_the_extra(tmp_path):
    served = genjudge("leaderboard", "serve", "--store", "lb", cwd=tmp_path)
    assert served.returncode == 3
    assert "pip install 'genjudge[space]'" in served.stderr
    assert "Traceback" not in served.stderr
