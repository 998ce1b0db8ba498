"""EvalMi-50K (LMM4LMM, Wang et al., ICCV 2025): text-to-image images rated by humans.

Public interface shared with the other parts of genjudge:

- :func:`read_release` -- the official layout (two .xlsx sheets, prompt_tasks.jsonl, images, folds)
- :func:`build_repo` -- a Hub-ready dataset repository (Parquet + card + eval.yaml)
- :func:`load_ratings` -- the human ratings as one table, from a release or a built repository
- :func:`read_metric_submission` / :func:`parse_metric_submission` -- a metric's per-image scores
- :func:`evaluate_metric` and :func:`board_row` -- agreement with the humans, one board row
- :func:`score_metric_upload` -- an uploaded CSV's bytes straight to (evaluation, board row)
- :func:`sample_dir` -- the embedded sample release
"""

from genjudge.benchmarks.evalmi.metric_scoring import (
    BOARD_COLUMNS,
    DIMENSIONS,
    MetricEvaluation,
    board_row,
    evaluate_metric,
    evaluation_to_json,
    score_metric_upload,
)
from genjudge.benchmarks.evalmi.names import image_name, parse_image_name
from genjudge.benchmarks.evalmi.ratings import load_ratings
from genjudge.benchmarks.evalmi.release import MissingImages, Release, read_release
from genjudge.benchmarks.evalmi.repo import BuildReport, build_repo
from genjudge.benchmarks.evalmi.sample import sample_dir
from genjudge.benchmarks.evalmi.schema import FOLD_FEATURES, IMAGE_FEATURES, PROMPT_FEATURES
from genjudge.benchmarks.evalmi.submission import (
    MetricSubmission,
    parse_metric_submission,
    read_metric_submission,
)

__all__ = [
    "BOARD_COLUMNS",
    "DIMENSIONS",
    "FOLD_FEATURES",
    "IMAGE_FEATURES",
    "PROMPT_FEATURES",
    "BuildReport",
    "MetricEvaluation",
    "MetricSubmission",
    "MissingImages",
    "Release",
    "board_row",
    "build_repo",
    "evaluate_metric",
    "evaluation_to_json",
    "image_name",
    "load_ratings",
    "parse_image_name",
    "parse_metric_submission",
    "read_metric_submission",
    "read_release",
    "sample_dir",
    "score_metric_upload",
]
