"""A metric submission turns into correlations per dimension, per generator, and one board row."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from genjudge.benchmarks.evalmi import (
    BOARD_COLUMNS,
    board_row,
    evaluate_metric,
    evaluation_to_json,
    load_ratings,
    read_metric_submission,
    sample_dir,
    score_metric_upload,
)
from genjudge.benchmarks.evalmi.plots import ranking_figure, scatter_figure


@pytest.fixture(scope="module")
def sample_evaluation():
    ratings = load_ratings(sample_dir())
    submission = read_metric_submission(sample_dir() / "metric_scores.csv", ratings)
    return (
        ratings,
        submission,
        evaluate_metric(submission, ratings, bootstrap_rounds=200, groupings=("generator", "tag")),
    )


def test_ratings_load_the_same_from_a_release_and_from_a_built_repo(
    fixture_release: Path, built_repo: Path
) -> None:
    from_release = load_ratings(fixture_release)
    from_repo = load_ratings(built_repo)
    assert from_release["image_name"].tolist() == from_repo["image_name"].tolist()
    np.testing.assert_array_equal(from_release["mos_perception"], from_repo["mos_perception"])
    assert [list(a) for a in from_repo["answers"]] == from_release["answers"].tolist()


def test_one_score_column_is_compared_with_both_dimensions(sample_evaluation) -> None:
    ratings, submission, evaluation = sample_evaluation
    assert submission.score_columns == ("score",)
    assert list(evaluation.dimensions) == ["perception", "correspondence"]
    scores = submission.scores.set_index("image_name").loc[ratings["image_name"], "score"]
    expected = stats.spearmanr(ratings["mos_perception"], scores).statistic
    assert evaluation.dimensions["perception"].overall.srcc == pytest.approx(expected)
    assert set(evaluation.dimensions["perception"].groups) == {"generator", "tag"}
    assert len(evaluation.dimensions["perception"].groups["generator"]) == 5


def test_board_row_has_every_column_with_intervals(sample_evaluation) -> None:
    _, _, evaluation = sample_evaluation
    row = board_row(evaluation)
    assert list(row) == BOARD_COLUMNS
    assert row["images"] == 60
    for dimension in ("perception", "correspondence"):
        for statistic in ("srcc", "plcc", "krcc"):
            low, value, high = (row[f"{dimension}_{statistic}{s}"] for s in ("_low", "", "_high"))
            assert low <= value <= high
    assert 0 <= row["qa_accuracy_low"] <= row["qa_accuracy"] <= row["qa_accuracy_high"] <= 1
    json.dumps(evaluation_to_json(evaluation))  # plain JSON types throughout


def test_separate_columns_per_dimension_and_a_partial_submission(
    fixture_release: Path, tmp_path: Path
) -> None:
    ratings = load_ratings(fixture_release)
    rows = ["image_name,perception,correspondence"] + [
        f"{name},{p + 0.01 * i},{-c}"
        for i, (name, p, c) in enumerate(
            zip(
                ratings["image_name"][:18],
                ratings["mos_perception"],
                ratings["mos_correspondence"],
                strict=False,
            )
        )
    ]
    path = tmp_path / "scores.csv"
    path.write_text("\n".join(rows) + "\n")
    submission = read_metric_submission(path, ratings, allow_partial=True)
    assert len(submission.missing) == 6
    evaluation = evaluate_metric(submission, ratings, bootstrap_rounds=0, groupings=())
    assert evaluation.images == 18
    assert evaluation.dimensions["correspondence"].overall.srcc == pytest.approx(-1.0)
    assert board_row(evaluation)["qa_accuracy"] is None


def test_plots_draw_for_each_dimension(sample_evaluation, tmp_path: Path) -> None:
    _, _, evaluation = sample_evaluation
    for figure in (scatter_figure(evaluation, "perception"), ranking_figure(evaluation, "correspondence")):
        path = tmp_path / "figure.png"
        figure.savefig(path)
        assert path.stat().st_size > 1000
    with pytest.raises(ValueError, match="no 'aesthetics' scores"):
        scatter_figure(evaluation, "aesthetics")


def test_the_sample_is_small_and_in_the_official_layout() -> None:
    root = sample_dir()
    total = sum(path.stat().st_size for path in root.rglob("*") if path.is_file())
    assert total < 300 * 1024
    for required in ("MOS&QA/AIGI2025_MOS_yn.xlsx", "MOS&QA/question.xlsx", "prompts/prompt_tasks.jsonl"):
        assert (root / required).is_file()
    assert len(list(root.glob("*/0*.png"))) == 60


def test_an_upload_goes_straight_to_a_board_row(sample_evaluation) -> None:
    ratings, _, evaluation = sample_evaluation
    data = (sample_dir() / "metric_scores.csv").read_bytes()
    uploaded, row = score_metric_upload(data, ratings, file="scores.csv", bootstrap_rounds=200)
    assert row == board_row(evaluation)
    assert uploaded.file == "scores.csv"
