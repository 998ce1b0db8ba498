"""EvalMi-50K's Metrics board through the generic leaderboard: a metric's per-image scores in, its
agreement with the human opinion scores out (the same numbers as the correlation scorer), bad
uploads refused with their line and nothing written."""

from __future__ import annotations

import pytest

from genjudge.benchmarks.evalmi.board import MetricsBoard
from genjudge.benchmarks.evalmi.metric_scoring import evaluate_metric
from genjudge.benchmarks.evalmi.ratings import load_ratings
from genjudge.benchmarks.evalmi.sample import sample_dir
from genjudge.benchmarks.evalmi.submission import read_metric_submission
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.store import FINISHED, LeaderboardStore
from genjudge.leaderboard.worker import Worker
from genjudge.safe_io.uploads import SubmissionError

SCORES = sample_dir() / "metric_scores.csv"


@pytest.fixture
def board():
    return MetricsBoard(load_ratings(sample_dir()), bootstrap=200)


def test_a_metric_is_ranked_by_its_agreement_with_people(tmp_path, board):
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    store.submit(SCORES, board, model_name="Sample-Metric")
    worse = tmp_path / "noisy.csv"
    lines = SCORES.read_text().splitlines()
    # The same metric with every other image's score negated: it agrees with people far less.
    flipped = [lines[0]] + [
        ",".join([name, str(-float(score)) if i % 2 else score, *rest])
        for i, (name, score, *rest) in enumerate(line.split(",") for line in lines[1:])
    ]
    worse.write_text("\n".join(flipped) + "\n")
    store.submit(worse, board, model_name="Noisy-Metric")
    Worker(store, {board.board_id: board}).run_until_empty()
    assert {r["status"] for r in store.requests()} == {FINISHED}
    view = BoardView(store, board.board_id, board.spec)
    assert view.table()["Model"].tolist() == ["Sample-Metric", "Noisy-Metric"]
    assert list(view.scopes) == ["Overview", "Perception", "Correspondence", "QA"]

    ratings = load_ratings(sample_dir())
    direct = evaluate_metric(read_metric_submission(SCORES, ratings), ratings, bootstrap_rounds=0)
    row = store.read_board(board.board_id).set_index("model").loc["Sample-Metric"]
    assert row["perception_srcc"] == pytest.approx(direct.dimensions["perception"].overall.srcc)
    assert row["perception_srcc_lower"] < row["perception_srcc"] < row["perception_srcc_upper"]


def test_a_bad_upload_is_refused_with_its_line_and_nothing_is_written(tmp_path, board):
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    bad = tmp_path / "bad.csv"
    bad.write_text("image_name,score\nAurora-XL/001.png,0.5\nNot-A-Generator/001.png,0.7\n")
    with pytest.raises(SubmissionError) as error:
        store.submit(bad, board, model_name="Bad")
    assert "Not-A-Generator/001.png" in str(error.value) and str(tmp_path) not in str(error.value)
    with pytest.raises(SubmissionError, match=r"one \.csv file"):
        store.submit(sample_dir() / "MOS&QA", board, model_name="Bad")
    assert store.requests() == []
