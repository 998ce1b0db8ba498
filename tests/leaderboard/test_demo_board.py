"""The demo's leaderboard step on the bundled sample: every sample model submitted and judged."""

from __future__ import annotations

import pytest
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
    assert all(result.created for _, result in again.submissions)  # a fresh board each run
    assert len(again.store.requests()) == len(models)
    assert judge.items == judged  # nothing re-judged: the verdict cache is kept
    columns = [c for c in board.table.columns if c != "Submitted"]
    assert again.table[columns].equals(board.table[columns])


def test_the_demo_refuses_to_empty_a_folder_that_is_not_a_leaderboard(tmp_path):
    (tmp_path / "lb").mkdir()
    (tmp_path / "lb" / "thesis.tex").write_text("precious")
    with pytest.raises(FileExistsError, match="not a leaderboard folder"):
        run_demo_board(tmp_path / "lb", judge=WordCountJudge(), progress=False)
    assert (tmp_path / "lb" / "thesis.tex").read_text() == "precious"
