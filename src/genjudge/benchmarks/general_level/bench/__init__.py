"""General-Bench: the released task tree, its Hub dataset, and scoring a model's predictions on it.

Read the tree (:func:`find_tasks`, :func:`read_annotation`), build the Hub-ready dataset repository
(:func:`build_repo`), score ``prediction.json`` files task by task (:func:`evaluate_tree`) and write
the per-task scores as a General-Level result sheet (:func:`write_result_sheet`). Which library
computes which sheet metric is the one table :data:`METRICS`; :func:`coverage` counts the reference
sheet's tasks it covers.
"""

from genjudge.benchmarks.general_level.bench.errors import MetricUnavailableError
from genjudge.benchmarks.general_level.bench.evaluation import EvaluationOptions, TaskScore, evaluate_tree
from genjudge.benchmarks.general_level.bench.metric_table import (
    METRICS,
    coverage,
    find_metric,
    markdown_table,
)
from genjudge.benchmarks.general_level.bench.reference_sheet import ReferenceIndex, read_reference_sheet
from genjudge.benchmarks.general_level.bench.repo import BuildReport, build_repo
from genjudge.benchmarks.general_level.bench.result_sheet import result_json, write_result_sheet
from genjudge.benchmarks.general_level.bench.schema import FEATURES
from genjudge.benchmarks.general_level.bench.tree import TaskFolder, find_tasks, read_annotation

__all__ = [
    "FEATURES",
    "METRICS",
    "BuildReport",
    "EvaluationOptions",
    "MetricUnavailableError",
    "ReferenceIndex",
    "TaskFolder",
    "TaskScore",
    "build_repo",
    "coverage",
    "evaluate_tree",
    "find_metric",
    "find_tasks",
    "markdown_table",
    "read_annotation",
    "read_reference_sheet",
    "result_json",
    "write_result_sheet",
]
