"""A board-wide picture shared by the boards whose rows are numbers with intervals (General-Level's
levels, EvalMi-50K's correlations and means): every model's numbers side by side, so the Space shows
at a glance what the CLI's per-model plots show one model at a time.

matplotlib's object API (``Figure``, no ``pyplot`` state), as in :mod:`genjudge.charts.arena`, so a
worker thread can draw on a headless server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from genjudge.benchmarks.plugin import SortKey

MAX_MODELS = 20
"""More bars than this are unreadable; the picture shows the board's top ``MAX_MODELS``."""


def interval_bars(
    board: pd.DataFrame,
    series: Mapping[str, str],
    sort: Sequence[SortKey],
    *,
    title: str,
    xlabel: str,
) -> Figure:
    """One group of horizontal bars per model, best first in ``sort`` order: a bar per ``series``
    (legend label → board field) with its 95% interval where the board has ``<field>_lower`` and
    ``<field>_upper``. A missing number draws no bar."""
    if board.empty:
        raise ValueError("the board is empty: nothing to draw")
    ordered = board.sort_values(
        [key.key for key in sort], ascending=[not key.descending for key in sort], na_position="last"
    )
    shown = ordered.head(MAX_MODELS)
    count, width = len(shown), 0.8 / len(series)
    figure = Figure(figsize=(8.0, max(3.0, 0.35 * count * len(series) + 2.0)), layout="constrained")
    ax = figure.add_subplot()
    positions = np.arange(count)
    for index, (label, key) in enumerate(series.items()):
        values = shown[key].to_numpy(dtype=float)
        errors = None
        if {f"{key}_lower", f"{key}_upper"} <= set(shown.columns):
            lower = shown[f"{key}_lower"].to_numpy(dtype=float)
            upper = shown[f"{key}_upper"].to_numpy(dtype=float)
            errors = np.nan_to_num(np.vstack([values - lower, upper - values]).clip(min=0))
        ax.barh(positions + (index - (len(series) - 1) / 2) * width, values, width, xerr=errors, label=label)
    ax.set_yticks(positions, [str(model) for model in shown["model"]])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel(xlabel)
    figure.legend(loc="outside lower center", ncols=len(series), fontsize=8, frameon=False)
    more = f" (top {count} of {len(board)})" if len(board) > count else ""
    ax.set_title(title + more)
    return figure
