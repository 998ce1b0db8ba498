"""A metric's agreement with the EvalMi-50K humans: per dimension, per group, per generator.

Joins a validated :class:`~genjudge.benchmarks.evalmi.submission.MetricSubmission` with the
ratings and calls the pure functions of :mod:`genjudge.scoring.correlation`. The result feeds the
CLI report, the leaderboard's Metrics board (:func:`board_row`) and JSON output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from genjudge.benchmarks.evalmi.submission import MetricSubmission, parse_metric_submission
from genjudge.safe_io.located_error import FormatError
from genjudge.scoring.correlation import (
    AccuracyResult,
    CorrelationError,
    CorrelationResult,
    ModelLevelResult,
    correlations,
    grouped_correlations,
    model_level,
    qa_accuracy,
)

DIMENSIONS = {"perception": "mos_perception", "correspondence": "mos_correspondence"}
"""Report dimension -> the human MOS column it is compared with (MOS1, MOS2)."""

GROUPINGS = ("generator", "tag")


@dataclass(frozen=True)
class DimensionResult:
    """Everything computed for one dimension (perception or correspondence)."""

    dimension: str
    score_column: str
    overall: CorrelationResult
    model_level: ModelLevelResult
    groups: dict[str, dict[str, CorrelationResult]] = field(default_factory=dict)
    """``{"generator": {name: result}, "tag": {...}}`` for the groupings asked for."""


@dataclass(frozen=True)
class MetricEvaluation:
    """A whole submission's evaluation."""

    file: str
    images: int
    dimensions: dict[str, DimensionResult]
    qa: AccuracyResult | None
    frame: pd.DataFrame
    """The joined rows: ratings plus the submission's score columns (for plots and tables)."""
    official: bool


def score_column_for(dimension: str, submission: MetricSubmission) -> str | None:
    if dimension in submission.score_columns:
        return dimension
    return "score" if "score" in submission.score_columns else None


def evaluate_metric(
    submission: MetricSubmission,
    ratings: pd.DataFrame,
    *,
    official: bool = False,
    logistic: bool = True,
    bootstrap_rounds: int = 1000,
    seed: int = 0,
    groupings: tuple[str, ...] = ("generator",),
    higher_is_better: bool = True,
    krcc_interval: bool = True,
) -> MetricEvaluation:
    """Correlate the submission's scores with the MOS of each dimension it covers.

    ``krcc_interval`` bootstraps KRCC too, which costs one ``scipy.stats.kendalltau`` per round
    (on all 50,400 images that dominates: SRCC and PLCC intervals together take about 2 s for
    1,000 rounds, see perf/RESULTS.md).
    Undefined correlations (constant scores, in all or in one group) raise
    :class:`FormatError` naming the submission file and column.
    """
    unknown = sorted(set(groupings) - set(GROUPINGS))
    if unknown:
        raise ValueError(f"unknown grouping(s) {unknown}; choose from {list(GROUPINGS)}")
    frame = ratings.merge(submission.scores, on="image_name", how="inner", validate="one_to_one")
    options = {"official": official, "bootstrap_rounds": bootstrap_rounds, "seed": seed}
    dimensions: dict[str, DimensionResult] = {}
    for dimension, mos_column in DIMENSIONS.items():
        column = score_column_for(dimension, submission)
        if column is None:
            continue
        scores = frame[column].to_numpy(dtype=float)
        signed = scores if higher_is_better else -scores
        mos = frame[mos_column].to_numpy(dtype=float)
        try:
            overall = correlations(signed, mos, logistic=logistic, krcc_interval=krcc_interval, **options)
            groups = {
                grouping: grouped_correlations(signed, mos, frame[grouping].astype(str).tolist(), **options)
                for grouping in groupings
            }
            ranking = model_level(
                scores,
                mos,
                frame["generator"].tolist(),
                bootstrap_rounds=bootstrap_rounds,
                seed=seed,
                higher_is_better=higher_is_better,
            )
        except CorrelationError as exc:
            raise FormatError(f"{dimension}: {exc.reason}", file=submission.file, column=column) from exc
        dimensions[dimension] = DimensionResult(dimension, column, overall, ranking, groups)
    qa = _qa(submission, frame, official=official, bootstrap_rounds=bootstrap_rounds, seed=seed)
    return MetricEvaluation(
        file=submission.file,
        images=len(frame),
        dimensions=dimensions,
        qa=qa,
        frame=frame,
        official=official,
    )


def _qa(
    submission: MetricSubmission, frame: pd.DataFrame, *, official: bool, bootstrap_rounds: int, seed: int
) -> AccuracyResult | None:
    if submission.qa is None:
        return None
    predicted: list[bool] = []
    truth: list[bool] = []
    for name, answers in zip(frame["image_name"], frame["answers"], strict=True):
        if name in submission.qa:
            predicted.extend(submission.qa[name])
            truth.extend(bool(a) for a in answers)
    return qa_accuracy(predicted, truth, official=official, bootstrap_rounds=bootstrap_rounds, seed=seed)


BOARD_COLUMNS = (
    [
        f"{d}_{s}{suffix}"
        for d in DIMENSIONS
        for s in ("srcc", "plcc", "krcc")
        for suffix in ("", "_low", "_high")
    ]
    + [f"{d}_model_srcc" for d in DIMENSIONS]
    + ["qa_accuracy", "qa_accuracy_low", "qa_accuracy_high", "images"]
)
"""The columns of one Metrics-board row; a dimension the submission lacks stays ``None``."""


def board_row(evaluation: MetricEvaluation) -> dict[str, float | int | None]:
    """One row for the Metrics leaderboard (SRCC/PLCC/KRCC with intervals per MOS dimension)."""
    row: dict[str, float | int | None] = dict.fromkeys(BOARD_COLUMNS)
    row["images"] = evaluation.images
    for dimension, result in evaluation.dimensions.items():
        for statistic in ("srcc", "plcc", "krcc"):
            row[f"{dimension}_{statistic}"] = getattr(result.overall, statistic)
            low, high = result.overall.intervals.get(statistic, (None, None))
            row[f"{dimension}_{statistic}_low"] = low
            row[f"{dimension}_{statistic}_high"] = high
        row[f"{dimension}_model_srcc"] = result.model_level.srcc
    if evaluation.qa is not None:
        row["qa_accuracy"] = evaluation.qa.accuracy
        if evaluation.qa.interval is not None:
            row["qa_accuracy_low"], row["qa_accuracy_high"] = evaluation.qa.interval
    return row


def evaluation_to_json(evaluation: MetricEvaluation) -> dict[str, object]:
    """Everything in plain JSON types: overall, per group, model level and QA."""
    dimensions = {}
    for name, result in evaluation.dimensions.items():
        dimensions[name] = {
            "score_column": result.score_column,
            "overall": result.overall.as_dict(),
            "model_level": {
                "srcc": result.model_level.srcc,
                "plcc": result.model_level.plcc,
                "interval": list(result.model_level.interval) if result.model_level.interval else None,
                "generators": json.loads(result.model_level.table.to_json(orient="records")),
            },
            "groups": {
                grouping: {key: value.as_dict() for key, value in groups.items()}
                for grouping, groups in result.groups.items()
            },
        }
    qa = None
    if evaluation.qa is not None:
        qa = {
            "accuracy": evaluation.qa.accuracy,
            "n": evaluation.qa.n,
            "correct": evaluation.qa.correct,
            "interval": list(evaluation.qa.interval) if evaluation.qa.interval else None,
        }
    return {
        "file": evaluation.file,
        "images": evaluation.images,
        "official": evaluation.official,
        "dimensions": dimensions,
        "qa": qa,
        "board_row": board_row(evaluation),
    }


def score_metric_upload(
    data: bytes,
    ratings: pd.DataFrame,
    *,
    file: str = "<upload>",
    official: bool = False,
    bootstrap_rounds: int = 1000,
    seed: int = 0,
    higher_is_better: bool = True,
) -> tuple[MetricEvaluation, dict[str, float | int | None]]:
    """An uploaded metric CSV straight to its evaluation and its board row (the Metrics tab's step).

    Everything is validated before anything is computed; any problem raises
    :class:`FormatError` naming ``file``, line and column, so nothing reaches the board.
    """
    submission = parse_metric_submission(data, ratings, file=file)
    evaluation = evaluate_metric(
        submission,
        ratings,
        official=official,
        bootstrap_rounds=bootstrap_rounds,
        seed=seed,
        higher_is_better=higher_is_better,
    )
    return evaluation, board_row(evaluation)
