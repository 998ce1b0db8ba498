"""Figures for a General-Level result: where the model stands against the specialists.

matplotlib's object API (``Figure``, no ``pyplot`` state), as in :mod:`genjudge.charts.arena`, so
the CLI and the Space can draw on headless machines. Save with ``figure.savefig(path)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from genjudge.scoring.general_level import MODALITIES, GeneralLevelScore

_LEVELS = ("level_2", "level_3", "level_4", "level_5")


def modality_bars(score: GeneralLevelScore) -> Figure:
    """Per modality: the model's comprehension (C) and generation (G) scores — the Level-2 means
    of normalised task scores — next to the specialists' means over the same tasks."""
    margins = score.margins
    specialist = {
        (modality, paradigm): float(
            margins.loc[margins["sheet"] == f"{modality}-{paradigm}", "sota_score"].mean()
        )
        for modality in MODALITIES
        for paradigm in ("Comprehension", "Generation")
    }
    bars = {
        "model C": [score.modalities[m].comprehension for m in MODALITIES],
        "specialist C": [specialist[(m, "Comprehension")] for m in MODALITIES],
        "model G": [score.modalities[m].generation for m in MODALITIES],
        "specialist G": [specialist[(m, "Generation")] for m in MODALITIES],
    }
    colours = {
        "model C": "#1f77b4",
        "specialist C": "#aec7e8",
        "model G": "#d62728",
        "specialist G": "#ff9896",
    }
    figure = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = figure.add_subplot()
    positions = np.arange(len(MODALITIES))
    width = 0.2
    for offset, (label, values) in enumerate(bars.items()):
        ax.bar(positions + (offset - 1.5) * width, values, width, label=label, color=colours[label])
    ax.set_xticks(positions, list(MODALITIES))
    ax.set_ylabel("mean normalised score (0–100)")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    mode = "official rules" if score.official else "genjudge rules"
    ax.set_title(f"{score.model}: comprehension and generation against the specialists ({mode})")
    return figure


def level_chart(score: GeneralLevelScore) -> Figure:
    """Levels 2–5 as bars with their bootstrap 95% intervals; the model's level is highlighted."""
    values = np.array([score.levels[name].score for name in _LEVELS])
    lower = np.array([score.levels[name].lower for name in _LEVELS])
    upper = np.array([score.levels[name].upper for name in _LEVELS])
    errors = np.vstack([np.clip(values - lower, 0, None), np.clip(upper - values, 0, None)])
    figure = Figure(figsize=(6.0, 4.0), layout="constrained")
    ax = figure.add_subplot()
    colours = ["#2ca02c" if index + 2 == score.level else "#7f7f7f" for index in range(len(_LEVELS))]
    ax.bar([f"Level-{index}" for index in range(2, 6)], values, color=colours, yerr=errors, capsize=6)
    for index, value in enumerate(values):
        ax.annotate(f"{value:.2f}", (index, value), textcoords="offset points", xytext=(-6, 4), ha="right")
    ax.set_ylabel("score")
    interval = f"{score.bootstrap_rounds} bootstrap rounds" if score.bootstrap_rounds else "no intervals"
    ax.set_title(f"{score.model}: Level-{score.level} ({interval})")
    return figure
