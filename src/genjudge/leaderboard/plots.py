"""The board's two pictures, drawn once per finished job (never per page view).

* a rating chart: BT rating with its 95% interval for the top models;
* a head-to-head heatmap: FDT win rate of each row model against each column model.

Both are PNG files next to the board, so the page only serves images.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from genjudge.leaderboard.incremental import BoardState

TOP = 20


def rating_chart(board: pd.DataFrame, path: Path, title: str) -> Path:
    """Horizontal bars: rating with 95% interval, best at the top."""
    top = board.dropna(subset=["rating"]).head(TOP).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(top), 3) + 1.2), dpi=100)
    if top.empty:
        ax.text(0.5, 0.5, "No ratings yet: a model needs an opponent", ha="center", va="center")
        ax.set_axis_off()
    else:
        y = np.arange(len(top))
        ax.errorbar(
            top["rating"],
            y,
            xerr=[top["rating"] - top["rating_lower"], top["rating_upper"] - top["rating"]],
            fmt="o",
            color="#3b6ea8",
            ecolor="#9bb7d4",
            capsize=3,
        )
        ax.set_yticks(y, top["model"])
        ax.set_xlabel("Bradley–Terry rating (95% interval)")
        ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


def winrate_heatmap(state: BoardState, board: pd.DataFrame, path: Path, title: str) -> Path:
    """Head-to-head FDT win rates of the top models, in board order."""
    models = board.dropna(subset=["rating"])["model"].head(TOP).tolist()
    fig, ax = plt.subplots(
        figsize=(0.45 * max(len(models), 4) + 2.5, 0.45 * max(len(models), 4) + 1.5), dpi=100
    )
    if len(models) < 2 or state.n_battles == 0:
        ax.text(0.5, 0.5, "No battles yet", ha="center", va="center")
        ax.set_axis_off()
    else:
        matrix = state.head_to_head(models)
        image = ax.imshow(matrix.to_numpy(float), cmap="RdBu", vmin=0, vmax=1)
        ax.set_xticks(range(len(models)), models, rotation=60, ha="right")
        ax.set_yticks(range(len(models)), models)
        if len(models) <= 12:
            for i in range(len(models)):
                for j in range(len(models)):
                    value = matrix.iat[i, j]
                    if not np.isnan(value):
                        color = "white" if abs(value - 0.5) > 0.3 else "black"
                        ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7, color=color)
        fig.colorbar(image, ax=ax, label="win rate of row vs column (FDT)")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path
