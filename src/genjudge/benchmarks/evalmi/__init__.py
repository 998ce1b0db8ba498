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

from genjudge.core.lazy import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BOARD_COLUMNS": "genjudge.benchmarks.evalmi.metric_scoring",
        "DIMENSIONS": "genjudge.benchmarks.evalmi.metric_scoring",
        "MetricEvaluation": "genjudge.benchmarks.evalmi.metric_scoring",
        "board_row": "genjudge.benchmarks.evalmi.metric_scoring",
        "evaluate_metric": "genjudge.benchmarks.evalmi.metric_scoring",
        "evaluation_to_json": "genjudge.benchmarks.evalmi.metric_scoring",
        "score_metric_upload": "genjudge.benchmarks.evalmi.metric_scoring",
        "image_name": "genjudge.benchmarks.evalmi.names",
        "parse_image_name": "genjudge.benchmarks.evalmi.names",
        "load_ratings": "genjudge.benchmarks.evalmi.ratings",
        "MissingImages": "genjudge.benchmarks.evalmi.release",
        "Release": "genjudge.benchmarks.evalmi.release",
        "read_release": "genjudge.benchmarks.evalmi.release",
        "BuildReport": "genjudge.benchmarks.evalmi.repo",
        "build_repo": "genjudge.benchmarks.evalmi.repo",
        "sample_dir": "genjudge.benchmarks.evalmi.sample",
        "FOLD_FEATURES": "genjudge.benchmarks.evalmi.schema",
        "IMAGE_FEATURES": "genjudge.benchmarks.evalmi.schema",
        "PROMPT_FEATURES": "genjudge.benchmarks.evalmi.schema",
        "MetricSubmission": "genjudge.benchmarks.evalmi.submission",
        "parse_metric_submission": "genjudge.benchmarks.evalmi.submission",
        "read_metric_submission": "genjudge.benchmarks.evalmi.submission",
    },
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
