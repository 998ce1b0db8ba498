"""Per-model summary of 7-criterion scores, as ``summarize_GPT_scores.py`` computes and draws it.

Each criterion's mean over a model's scored outputs is rounded to 2 decimals; ``Overall`` is the
mean of those rounded means, rounded again; models are ranked by ``Overall``, best first, with
ranks 1, 2, 3 … as there. Columns follow the official ``model_score_summaries.csv`` (its
``Model_ID`` left out: genjudge knows models by name). The figure is the official leaderboard
table: ``Overall`` first, then the criteria alphabetically, cells shaded by score band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from matplotlib.figure import Figure

from genjudge.judges.prompts import SCORE_CRITERIA

SUMMARY_COLUMNS = ("Rank", "Model_Name", *SCORE_CRITERIA, "Overall")
"""The columns of :func:`summarize_scores`, in the official CSV's order."""

FIGURE_COLUMNS = ("Overall", *sorted(SCORE_CRITERIA))
"""The score columns of the official table figure, in its order."""

_BANDS = ((8.0, "#E8F5E8"), (6.0, "#FFF8E1"), (4.0, "#FFEBEE"), (float("-inf"), "#FCE4EC"))
"""Cell shades of the official figure: from 8, from 6, from 4, below."""


def summarize_scores(scored: Iterable[tuple[str, Mapping[str, float]]]) -> pd.DataFrame:
    """One row per model from ``(model, {criterion: score})`` pairs, ranked by ``Overall``.

    >>> rows = [("m", {c: 7 for c in SCORE_CRITERIA}), ("m", {c: 8 for c in SCORE_CRITERIA})]
    >>> summarize_scores(rows)[["Rank", "Model_Name", "Overall"]].to_dict("records")
    [{'Rank': 1, 'Model_Name': 'm', 'Overall': 7.5}]
    """
    rows = [
        {"Model_Name": model, **{name: float(scores[name]) for name in SCORE_CRITERIA}}
        for model, scores in scored
    ]
    if not rows:
        raise ValueError("no scores to summarise")
    means = pd.DataFrame(rows).groupby("Model_Name", sort=False)[list(SCORE_CRITERIA)].mean().round(2)
    means["Overall"] = means.mean(axis=1).round(2)
    table = means.reset_index().sort_values("Overall", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "Rank", range(1, len(table) + 1))
    return table[list(SUMMARY_COLUMNS)]


def summary_figure(
    summary: pd.DataFrame, *, title: str = "Model Leaderboard Ranked by GPT-based Subjective Scores"
) -> Figure:
    """The official leaderboard table of :func:`summarize_scores`' result, as a figure."""
    labels = ["Model", *(name.replace(" ", "\n", 1) if len(name) > 16 else name for name in FIGURE_COLUMNS)]
    cells = [
        [f"{row.Rank}. {row.Model_Name}", *(f"{row[name]:.2f}" for name in FIGURE_COLUMNS)]
        for _, row in summary.iterrows()
    ]
    figure = Figure(figsize=(18, max(3.0, 0.75 * len(cells) + 1.5)), layout="constrained")
    ax = figure.add_subplot()
    ax.axis("off")
    table = ax.table(cellText=cells, colLabels=labels, cellLoc="center", loc="center", bbox=[0, 0, 1, 1])
    table.auto_set_font_size(False)
    table.set_fontsize(12)
    for column in range(len(labels)):
        table[(0, column)].set_facecolor("#E3F2FD")
        table[(0, column)].set_text_props(weight="bold", color="#1976D2")
    for row, (_, values) in enumerate(summary.iterrows(), start=1):
        table[(row, 0)].set_facecolor("#F3E5F5")
        table[(row, 0)].set_text_props(weight="bold", color="#7B1FA2")
        for column, name in enumerate(FIGURE_COLUMNS, start=1):
            shade = next(colour for floor, colour in _BANDS if values[name] >= floor)
            table[(row, column)].set_facecolor(shade)
    ax.set_title(title, fontsize=16, fontweight="bold", color="#424242")
    return figure
