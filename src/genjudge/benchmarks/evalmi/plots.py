"""Figures for a metric's evaluation: prediction vs MOS, and generators ranked both ways.

matplotlib's object API (``Figure``, no pyplot state), as in :mod:`genjudge.charts.arena`, so the
CLI and the Space can draw on headless machines. Save with ``figure.savefig(path)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from genjudge.benchmarks.evalmi.metric_scoring import DIMENSIONS, DimensionResult, MetricEvaluation

_MAX_POINTS = 20_000
"""A scatter of all 50,400 images is a solid blob and slow to save; a fixed sample shows the shape."""


def scatter_figure(evaluation: MetricEvaluation, dimension: str, *, seed: int = 0) -> Figure:
    """The metric's score against the human MOS of ``dimension``, one point per image."""
    result = _dimension(evaluation, dimension)
    frame = evaluation.frame
    if len(frame) > _MAX_POINTS:
        frame = frame.sample(_MAX_POINTS, random_state=seed)
    figure = Figure(figsize=(6.0, 5.0), layout="constrained")
    ax = figure.add_subplot()
    ax.scatter(frame[result.score_column], frame[DIMENSIONS[dimension]], s=6, alpha=0.35, linewidths=0)
    ax.set_xlabel(f"metric score ({result.score_column})")
    ax.set_ylabel(f"human MOS ({dimension})")
    overall = result.overall
    ax.set_title(f"{dimension}: SRCC {overall.srcc:.3f}, PLCC {overall.plcc:.3f} (n = {overall.n:,})")
    return figure


def ranking_figure(evaluation: MetricEvaluation, dimension: str) -> Figure:
    """Each generator's rank by the metric against its rank by the humans (1 = best)."""
    result = _dimension(evaluation, dimension)
    table = result.model_level.table
    count = len(table)
    figure = Figure(figsize=(6.0, max(4.0, 0.3 * count + 1.5)), layout="constrained")
    ax = figure.add_subplot()
    for row in table.itertuples(index=False):
        ax.plot([0, 1], [row.mos_rank, row.metric_rank], color="0.6", linewidth=1)
        ax.text(-0.03, row.mos_rank, row.generator, ha="right", va="center", fontsize=8)
        ax.text(1.03, row.metric_rank, row.generator, ha="left", va="center", fontsize=8)
    ax.scatter(np.zeros(count), table["mos_rank"], s=14)
    ax.scatter(np.ones(count), table["metric_rank"], s=14)
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(count + 0.5, 0.5)
    ax.set_xticks([0, 1], ["by humans (mean MOS)", "by the metric (mean score)"])
    ax.set_ylabel("rank")
    ax.set_title(f"Generators ranked, {dimension}: model-level SRCC {result.model_level.srcc:.3f}")
    return figure


def _dimension(evaluation: MetricEvaluation, dimension: str) -> DimensionResult:
    if dimension not in evaluation.dimensions:
        raise ValueError(f"the evaluation has no {dimension!r} scores (it has {list(evaluation.dimensions)})")
    return evaluation.dimensions[dimension]
