"""The demo's leaderboard step on the bundled sample: every sample model submitted and judged."""

from __future__ import annotations

from leaderboard_helpers import WordCountJudge

from genjudge.leaderboard.sample_board import run_demo_board, sample_submissions
from genjudge.leaderboard.store import FINISHED


def test_the_bundled_sample_models_make_a_board(tmp_path):
    judge = WordCountJudge()
    board = run_demo_board(tmp_path / "lb", judge=judge, progress=False)
    models = [model for model, _ in board.submissions]
    assert len(models) == len(sample_submissions()) >= 2
    assert all(result.created for _, result in board.submissions)
    assert {r["status"] for r in board.store.requests()} == {FINISHED}
    assert sorted(board.table["Model"]) == sorted(models)
    assert (board.table["Battles"] > 0).all()
    assert [p.name for p in board.charts] == ["opening-test-ratings.png", "opening-test-heatmap.png"]

    judged = judge.items
    again = run_demo_board(tmp_path / "lb", judge=judge, progress=False)
    assert not any(result.created for _, result in again.submissions)
    assert judge.items == judged  # nothing re-judged
    assert again.table.equals(board.table)
