"""The demo's leaderboard step on the bundled samples: every sample submitted and evaluated, on the
OpenING board (judged) and the General-Level board (scored), in one store."""

from __future__ import annotations

import pytest
from leaderboard_helpers import WordCountJudge

from genjudge.benchmarks.general_level.sample import sample_results_paths
from genjudge.benchmarks.opening.sample import sample_output_dirs as sample_submissions
from genjudge.demo.boards import run_demo_board
from genjudge.leaderboard.store import FINISHED


def test_the_bundled_samples_make_both_boards(tmp_path):
    judge = WordCountJudge()
    demo = run_demo_board(tmp_path / "lb", judge=judge, progress=False)
    assert all(result.created for _, _, result in demo.submissions)
    assert {r["status"] for r in demo.store.requests()} == {FINISHED}

    opening = demo.tables["opening-test"]
    assert sorted(opening["Model"]) == sorted(f.name.removesuffix("_output") for f in sample_submissions())
    assert (opening["Battles"] > 0).all()
    assert [p.name for p in demo.charts] == [
        "opening-test-ratings.png",
        "opening-test-heatmap.png",
        "opening-judges-agreement.png",
        "general-level-levels.png",
        "evalmi-metrics-srcc.png",
    ]  # the registered benchmarks in their listing order, each board's charts in its spec's order

    levels = demo.tables["general-level"]
    assert sorted(levels["Model"]) == sorted(p.stem for p in sample_results_paths())
    assert levels["Level"].tolist() == sorted(levels["Level"], reverse=True)  # ranked by level first
    assert levels["Rank"].tolist() == [1, 2, 3]

    metrics = demo.tables["evalmi-metrics"]
    assert metrics["Model"].tolist() == ["Sample-Metric"]
    assert 0.5 < metrics["Perception SRCC"].iloc[0] <= 1

    judges = demo.tables["opening-judges"].set_index("Model")
    assert judges.loc["Length-Heuristic", "Row"] == "submitted"
    assert judges.loc[f"Reference judge ({judge.judge_id})", "Row"] == "reference: computed here"

    judged = judge.items
    again = run_demo_board(tmp_path / "lb", judge=judge, progress=False)
    assert all(result.created for _, _, result in again.submissions)  # a fresh board each run
    assert len(again.store.requests()) == len(demo.submissions)
    assert judge.items == judged  # nothing re-judged: the verdict cache is kept
    for board_id, table in demo.tables.items():
        columns = [c for c in table.columns if c != "Submitted"]
        assert again.tables[board_id][columns].equals(table[columns])


def test_the_demo_refuses_to_empty_a_folder_that_is_not_a_leaderboard(tmp_path):
    (tmp_path / "lb").mkdir()
    (tmp_path / "lb" / "thesis.tex").write_text("precious")
    with pytest.raises(FileExistsError, match="not a leaderboard folder"):
        run_demo_board(tmp_path / "lb", judge=WordCountJudge(), progress=False)
    assert (tmp_path / "lb" / "thesis.tex").read_text() == "precious"
