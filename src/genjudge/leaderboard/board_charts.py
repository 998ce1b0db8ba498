"""The board's two pictures, drawn once per finished job (never per page view).

The figures themselves are the arena's (:mod:`genjudge.arena_plots`); this module picks what the board
shows — the top models in board order, their head-to-head FDT rates from the running statistics —
and writes PNG files next to the board, so the page only serves images.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from genjudge.arena_plots import rating_chart as arena_rating_chart
from genjudge.arena_plots import win_rate_heatmap
from genjudge.scoring.incremental import BoardState

TOP = 20


def _placeholder(message: str, title: str) -> Figure:
    figure = Figure(figsize=(6.0, 2.5), layout="constrained")
    ax = figure.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.set_axis_off()
    ax.set_title(title)
    return figure


def rating_chart(board: pd.DataFrame, path: Path, title: str) -> Path:
    """Ratings with their 95% intervals for the top models, best at the top."""
    top = board.dropna(subset=["rating"]).head(TOP)
    if top.empty:
        figure = _placeholder("No ratings yet: a model needs an opponent", title)
    else:
        ratings = top.rename(columns={"rating_lower": "lower", "rating_upper": "upper"})
        figure = arena_rating_chart(ratings, title=title)
        figure.axes[0].set_xlabel("Bradley–Terry rating (Elo scale), 95% sandwich interval")
    figure.savefig(path, format="png", dpi=100)
    return path


def winrate_heatmap(state: BoardState, board: pd.DataFrame, path: Path, title: str) -> Path:
    """Head-to-head FDT win rates of the top models, in board order."""
    models = board.dropna(subset=["rating"])["model"].head(TOP).tolist()
    if len(models) < 2 or state.n_battles == 0:
        figure = _placeholder("No battles yet", title)
    else:
        figure = win_rate_heatmap(state.head_to_head(models), variant="fdt", title=title)
    figure.savefig(path, format="png", dpi=100)
    return path
