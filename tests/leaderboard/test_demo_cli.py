"""`genjudge demo` end to end with the real offline reference judge, and `--serve` in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from leaderboard_helpers import connect_when_serving, free_port, zip_folder
from typer.testing import CliRunner

from genjudge.benchmarks.opening.sample import sample_output_dirs as sample_submissions
from genjudge.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"


def test_demo_prints_the_board_and_writes_the_plots(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "opening-test leaderboard (judge: reference-similarity/" in result.output
    assert "general-level leaderboard" in result.output
    assert "evalmi-metrics leaderboard" in result.output
    assert "opening-judges leaderboard" in result.output
    for folder in sample_submissions():
        model = folder.name.removesuffix("_output")
        assert f"Queued {model}" in result.output
    board = tmp_path / "demo" / "leaderboard" / "board"
    assert (board / "opening-test-ratings.png").stat().st_size > 5_000
    assert (board / "opening-test-heatmap.png").stat().st_size > 5_000

    again = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert again.exit_code == 0, again.output
    first = result.output.count("Queued")
    assert first == len(sample_submissions()) + 3 + 1 + 1  # OpenING, General-Level, EvalMi, Judges samples
    assert again.output.count("Queued") == first  # a fresh board, same models


@pytest.mark.slow
def test_demo_serve_shows_the_board_and_takes_a_new_submission(tmp_path):
    gradio_client = pytest.importorskip("gradio_client")

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC), "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genjudge",
            "demo",
            "--out",
            str(tmp_path / "demo"),
            "--serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        client = connect_when_serving(server, port, timeout=120)
        table = client.predict("", "Rank", False, api_name="/board_opening_test")[0]
        assert len(table["data"]) == len(sample_submissions())

        archive = zip_folder(sample_submissions()[0], tmp_path / "copy.zip", prefix="Copy_output/")
        message = client.predict(
            gradio_client.handle_file(str(archive)), "Copy", "", "", api_name="/submit_opening_test"
        )
        assert "Queued Copy" in message
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = client.predict(api_name="/queue")["data"]
            if rows[0][0] == "Copy" and rows[0][2] == "FINISHED":
                break
            time.sleep(1)
        table = client.predict("copy", "Rank", False, api_name="/board_opening_test")[0]
        assert [row[1] for row in table["data"]] == ["Copy"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
