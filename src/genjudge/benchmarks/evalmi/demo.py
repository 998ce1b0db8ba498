"""EvalMi-50K's part of ``genjudge demo``: the Metrics board on the bundled rated images, and one
invented metric's per-image scores as the upload."""

from __future__ import annotations

from genjudge.benchmarks.evalmi.board import MetricsBoard
from genjudge.benchmarks.evalmi.ratings import load_ratings
from genjudge.benchmarks.evalmi.sample import sample_dir
from genjudge.benchmarks.sections import DemoContext, DemoUpload


def demo_board(context: DemoContext) -> MetricsBoard:
    return MetricsBoard(load_ratings(sample_dir()))


def demo_uploads() -> list[DemoUpload]:
    return [(sample_dir() / "metric_scores.csv", "Sample-Metric")]
