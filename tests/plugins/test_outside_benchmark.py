"""A benchmark from another installed package plugs in through the ``genjudge.benchmarks`` entry
point alone: once registered, it shows up in ``data build``, its own command group, ``leaderboard
options``, the store and worker, the Space's tabs and the demo, with no genjudge file edited.

The toy benchmark lives in ``tests/support/toy_benchmark/``; the fixture registers it the way pip
would, with a ``*.dist-info/entry_points.txt`` on the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from genjudge.benchmarks import benchmark_names, load_spec, registered_benchmarks

TOY_PACKAGE = Path(__file__).resolve().parents[1] / "support" / "toy_benchmark"


@pytest.fixture
def toy_installed(tmp_path, monkeypatch):
    """``toy_benchmark`` installed into a site folder of its own, entry point included."""
    site = tmp_path / "site"
    shutil.copytree(TOY_PACKAGE, site / "toy_benchmark")
    dist_info = site / "toy_benchmark-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-benchmark\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(
        "[genjudge.benchmarks]\ntoy-spelling = toy_benchmark.plugin:BENCHMARK\n"
    )
    monkeypatch.syspath_prepend(str(site))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    return site, env


def genjudge(env, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "genjudge", *args], env=env, cwd=cwd, capture_output=True, text=True
    )


def test_the_registry_sees_the_toy_board_beside_the_bundled_ones(toy_installed):
    assert {"opening", "general-level", "evalmi-metrics", "toy-spelling"} <= set(benchmark_names())
    assert load_spec("toy-spelling").title == "Toy Spelling"
    assert "toy-spelling" in [benchmark.name for benchmark in registered_benchmarks()]


def test_data_build_and_its_own_command_group(toy_installed, tmp_path):
    site, env = toy_installed
    built = genjudge(
        env,
        "data",
        "build",
        "toy-spelling",
        "--source",
        str(site / "toy_benchmark" / "sample"),
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    assert "3 words" in built.stdout
    assert (tmp_path / "out" / "test.parquet").is_file()
    listed = genjudge(env, "data", "build", "--help", cwd=tmp_path)
    assert "toy-spelling" in listed.stdout and "opening" in listed.stdout
    counted = genjudge(env, "toy", "count", cwd=tmp_path)
    assert counted.returncode == 0 and counted.stdout.strip() == "3 words"
    assert "toy" in genjudge(env, "--help", cwd=tmp_path).stdout


def test_leaderboard_options_submit_and_worker(toy_installed, tmp_path):
    site, env = toy_installed
    options = genjudge(env, "leaderboard", "options", cwd=tmp_path)
    assert options.returncode == 0, options.stderr
    assert "toy-spelling" in options.stdout
    upload = site / "toy_benchmark" / "sample" / "mirror-model.csv"
    store = tmp_path / "lb"
    submitted = genjudge(
        env,
        "leaderboard",
        "submit",
        str(upload),
        "--benchmark",
        "toy-spelling",
        "--model",
        "Mirror",
        "--store",
        str(store),
        "--run",
        cwd=tmp_path,
    )
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    shown = genjudge(
        env, "leaderboard", "show", "--board", "toy-spelling", "--store", str(store), cwd=tmp_path
    )
    assert shown.returncode == 0, shown.stderr
    assert "Mirror" in shown.stdout and "66.7" in shown.stdout


def test_the_space_shows_a_tab_for_the_toy_board(toy_installed, tmp_path):
    pytest.importorskip("gradio")
    from genjudge.leaderboard.config import LeaderboardConfig
    from genjudge.leaderboard.service import LeaderboardService
    from genjudge.leaderboard.ui import build_app

    config = LeaderboardConfig(store_dir=tmp_path / "lb", benchmarks=("toy-spelling",))
    boards = config.open_boards()
    service = LeaderboardService(config.open_store(list(boards.values())), boards)
    app = build_app(service)
    labels = [getattr(block, "label", None) for block in app.blocks.values()]
    assert "Toy Spelling · toy-spelling" in labels


def test_the_demo_runs_the_toy_sample(toy_installed, tmp_path):
    _, env = toy_installed
    demo = genjudge(env, "demo", "--benchmark", "toy-spelling", "--out", str(tmp_path / "demo"), cwd=tmp_path)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "toy-spelling leaderboard" in demo.stdout
    assert "Mirror-Model" in demo.stdout


def test_each_bundled_benchmark_declares_modules_that_ship_and_install_by_benchmark(tmp_path):
    from typer.testing import CliRunner

    from genjudge.cli import app
    from genjudge.evaluate_glue.install import available_modules, metric_sources

    shipped = set(available_modules(metric_sources()))
    declared = [module for benchmark in registered_benchmarks() for module in benchmark.modules]
    assert set(declared) == shipped and len(declared) == len(shipped)  # each module has one owner
    result = CliRunner().invoke(
        app, ["install-metrics", "--benchmark", "general-level", "--modules-cache", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "installed general_level" in result.output and "installed intjudge" not in result.output
    refused = CliRunner().invoke(app, ["install-metrics", "--benchmark", "nope"])
    assert refused.exit_code == 2 and "unknown benchmark(s) nope" in refused.output
