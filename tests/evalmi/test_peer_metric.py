"""`genjudge evalmi metric clip-score`: a real peer metric (torchmetrics' CLIPScore, here on a tiny
random CLIP checkpoint folder) scores the EvalMi images into a CSV the Metrics board ranks."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from genjudge.benchmarks.evalmi import load_ratings, sample_dir
from genjudge.benchmarks.evalmi.board import MetricsBoard
from genjudge.cli import app
from genjudge.leaderboard.store import FINISHED, LeaderboardStore
from genjudge.leaderboard.worker import Worker

runner = CliRunner()


def test_clip_score_writes_a_metric_submission_that_the_board_ranks(tmp_path):
    from support.random_clip import save_random_clip

    clip = save_random_clip(tmp_path / "clip")
    out = tmp_path / "clip_score.csv"
    result = runner.invoke(app, ["evalmi", "metric", "clip-score", "--model", str(clip), "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out)
    ratings = load_ratings(sample_dir())
    assert scores["image_name"].tolist() == ratings["image_name"].tolist()
    assert scores["score"].between(0, 100).all() and scores["score"].nunique() > 1

    board = MetricsBoard(ratings, bootstrap=50)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    store.submit(out, board, model_name="CLIP-score-random")
    Worker(store, {board.board_id: board}).run_until_empty()
    assert store.requests()[0]["status"] == FINISHED


def test_without_the_weights_it_says_what_to_download(tmp_path):
    out = tmp_path / "x.csv"
    result = runner.invoke(
        app, ["evalmi", "metric", "clip-score", "--model", str(tmp_path / "no-clip"), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "hf download openai/clip-vit-large-patch14" in " ".join(result.output.split())
    assert not out.exists()
