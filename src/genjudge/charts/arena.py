"""Figures for arena results: a head-to-head win-rate heatmap and a rating chart with intervals.

Built on matplotlib's object API (``Figure`` with the Agg canvas) rather than ``pyplot``, so
they work on headless machines and in servers (the CLI, the leaderboard Space) without
touching the global backend or leaking open figures. Save with ``figure.savefig(path)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from genjudge.scoring.vocabulary import RATING_LONG, WIN_RATE_NAMES, IntervalMethod, interval_name


def win_rate_heatmap(matrix: pd.DataFrame, *, variant: str = "fdt", title: str | None = None) -> Figure:
    """Heatmap of a :func:`~genjudge.scoring.winrate.win_rate_matrix` (row model's rate vs column model).

    Cells are annotated in percent; pairs that never met stay blank.
    """
    if matrix.empty:
        raise ValueError("the win-rate matrix is empty: nothing to plot")
    n = len(matrix)
    size = max(4.0, 0.55 * n + 2.0)
    figure = Figure(figsize=(size + 1.0, size), layout="constrained")
    ax = figure.add_subplot()
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(n), [str(c) for c in matrix.columns], rotation=45, ha="right")
    ax.set_yticks(range(n), [str(i) for i in matrix.index])
    ax.set_xlabel("opponent")
    ax.set_ylabel("model")
    if n <= 20:
        for row in range(n):
            for column in range(n):
                if np.isfinite(values[row, column]):
                    ax.text(column, row, f"{values[row, column]:.0%}", ha="center", va="center", fontsize=7)
    figure.colorbar(image, ax=ax, label="win rate", format=lambda value, _: f"{value:.0%}")
    ax.set_title(title or f"Head-to-head win rate, {WIN_RATE_NAMES.get(variant, variant)}")
    return figure


def rating_chart(ratings: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Horizontal chart of Bradley–Terry ratings with their 95% intervals, best model on top.

    ``ratings`` is the frame :func:`~genjudge.scoring.bradley_terry.fit_bradley_terry` returns
    (columns ``model``, ``rating``, ``lower``, ``upper``, ``rank``); the axis names the interval
    method its ``attrs`` record (bootstrap unless it says sandwich).
    """
    missing = [c for c in ("model", "rating", "lower", "upper", "rank") if c not in ratings.columns]
    if missing:
        raise ValueError(f"ratings frame is missing column(s) {missing}")
    if ratings.empty:
        raise ValueError("the ratings frame is empty: nothing to plot")
    table = ratings.sort_values("rating")
    n = len(table)
    figure = Figure(figsize=(7.0, max(2.5, 0.4 * n + 1.2)), layout="constrained")
    ax = figure.add_subplot()
    positions = np.arange(n)
    rating = table["rating"].to_numpy(float)
    lower, upper = table["lower"].to_numpy(float), table["upper"].to_numpy(float)
    # An infinite bound (a model that never lost or never won) is drawn to the plot's edge with
    # an arrow head, so the picture says "open" instead of inventing an end.
    finite = np.concatenate([rating, lower[np.isfinite(lower)], upper[np.isfinite(upper)]])
    span = max(float(np.ptp(finite)), 1.0)
    left, right = float(finite.min()) - 0.15 * span, float(finite.max()) + 0.15 * span
    ax.hlines(positions, np.maximum(lower, left), np.minimum(upper, right), color="tab:gray")
    ax.plot(rating, positions, "o", color="tab:blue")
    ax.plot(np.full(np.isinf(upper).sum(), right), positions[np.isinf(upper)], ">", color="tab:gray")
    ax.plot(np.full(np.isinf(lower).sum(), left), positions[np.isinf(lower)], "<", color="tab:gray")
    ax.set_xlim(left, right)
    ax.set_yticks(
        positions, [f"{rank}. {model}" for model, rank in zip(table["model"], table["rank"], strict=True)]
    )
    method = ratings.attrs.get("interval_method", IntervalMethod.bootstrap.value)
    ax.set_xlabel(f"{RATING_LONG}, {interval_name(method)}")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title or "Model ratings")
    return figure
