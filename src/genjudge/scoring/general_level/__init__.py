"""General-Level scoring (ICML 2025, "On Path to Multimodal Generalist"): Levels 2–5 of a model
from its per-task scores against the specialists' SoTA sheet.

``official=True`` reproduces ``ranker.py`` of path2generalist/General-Level to the printed digit,
flaws included; the default corrects them (see the corrections table in
``metrics/general_level/README.md``). Pure: containers in, numbers out, no files.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from genjudge.scoring.general_level.align import aligned_values
from genjudge.scoring.general_level.errors import GeneralLevelFormatError
from genjudge.scoring.general_level.levels import (
    LEVELS,
    Contributions,
    bootstrap_intervals,
    contributions,
    score_levels,
)
from genjudge.scoring.general_level.result import GeneralLevelScore, LevelValue, ModalityScore, NlpScore
from genjudge.scoring.general_level.tables import (
    MODALITIES,
    NLP_SHEET,
    SHEETS,
    Reference,
    Results,
    SheetScores,
)

__all__ = [
    "SHEETS",
    "GeneralLevelFormatError",
    "GeneralLevelScore",
    "LevelValue",
    "ModalityScore",
    "NlpScore",
    "Reference",
    "Results",
    "SheetScores",
    "model_level",
    "score_general_level",
    "score_many",
]


def model_level(level_scores: Sequence[float]) -> int:
    """The highest level (2–5) whose score is positive, given Levels 2–5 in order; 1 if none is."""
    for level in range(len(level_scores), 0, -1):
        if level_scores[level - 1] > 0:
            return level + 1
    return 1


def score_general_level(
    results: Results, reference: Reference, *, official: bool = False, bootstrap: int = 1000, seed: int = 0
) -> GeneralLevelScore:
    """Levels 2–5 of one model, the per-modality breakdown, wins and per-task margins.

    ``bootstrap`` rounds resample tasks within each sheet for 95% intervals (0: none, the bounds
    equal the score). Raises :class:`GeneralLevelFormatError` for results that cannot be scored.
    """
    raw, notes = aligned_values(results, reference, official=official)
    parts = contributions(raw[None, :], reference, official=official)
    levels = score_levels(parts, reference, official=official)
    intervals = (
        bootstrap_intervals(parts, reference, official=official, rounds=bootstrap, seed=seed)
        if bootstrap
        else None
    )
    level_values = {}
    for name in LEVELS:
        score = float(levels[name][0])
        lower, upper = (float(v) for v in intervals[name][0]) if intervals else (score, score)
        level_values[name] = LevelValue(score, lower, upper)
    supported = parts.supported[0]
    wins = parts.counted_win[0]
    modalities = {}
    for index, modality in enumerate(MODALITIES):
        columns = (reference.group == 2 * index) | (reference.group == 2 * index + 1)
        modalities[modality] = ModalityScore(
            comprehension=float(levels["comprehension"][0, index]),
            generation=float(levels["generation"][0, index]),
            comprehension_level_3=float(levels["comprehension_level_3"][0, index]),
            generation_level_3=float(levels["generation_level_3"][0, index]),
            level_2=float(levels["modality_level_2"][0, index]),
            level_3=float(levels["modality_level_3"][0, index]),
            level_4=float(levels["modality_level_4"][0, index]),
            supported=int(supported[columns].sum()),
            wins=int(wins[columns].sum()),
            tasks=int(columns.sum()),
        )
    nlp_columns = reference.group == SHEETS.index(NLP_SHEET)
    nlp = NlpScore(
        score=float(levels["nlp"][0]),
        supported=int(supported[nlp_columns].sum()),
        wins=int(wins[nlp_columns].sum()),
        tasks=int(nlp_columns.sum()),
    )
    return GeneralLevelScore(
        model=results.model,
        official=official,
        levels=level_values,
        level=model_level([level_values[name].score for name in LEVELS]),
        modalities=modalities,
        nlp=nlp,
        supported=int(supported.sum()),
        wins=int(wins.sum()),
        tasks=len(reference),
        margins=_margins(raw, parts, reference),
        bootstrap_rounds=bootstrap,
        seed=seed,
        notes=(*results.skipped, *notes),
    )


def score_many(
    results: Sequence[Results],
    reference: Reference,
    *,
    official: bool = False,
    bootstrap: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Levels 2–5 (with intervals when ``bootstrap`` > 0), level, supported and wins of many models
    in one vectorised pass: one row per model, in input order. The leaderboard's batch path."""
    raw = np.vstack([aligned_values(entry, reference, official=official)[0] for entry in results])
    parts = contributions(raw, reference, official=official)
    levels = score_levels(parts, reference, official=official)
    frame = pd.DataFrame({"model": [entry.model for entry in results]})
    stacked = np.column_stack([levels[name] for name in LEVELS])
    frame["level"] = [model_level(row) for row in stacked]
    intervals = (
        bootstrap_intervals(parts, reference, official=official, rounds=bootstrap, seed=seed)
        if bootstrap
        else None
    )
    for name in LEVELS:
        frame[name] = levels[name]
        frame[f"{name}_lower"] = intervals[name][:, 0] if intervals else levels[name]
        frame[f"{name}_upper"] = intervals[name][:, 1] if intervals else levels[name]
    frame["supported"] = parts.supported.sum(axis=1)
    frame["wins"] = parts.counted_win.sum(axis=1)
    return frame


def _margins(raw: np.ndarray, parts: Contributions, reference: Reference) -> pd.DataFrame:
    tasks = reference.tasks
    return pd.DataFrame(
        {
            "sheet": tasks["sheet"].to_numpy(),
            "task": tasks["task"].to_numpy(),
            "metric": tasks["metric"].to_numpy(),
            "sota": reference.sota,
            "value": raw,
            "sota_score": parts.sota_scores,
            "model_score": parts.model_scores[0],
            "margin": np.where(np.isfinite(raw), parts.model_scores[0] - parts.sota_scores, np.nan),
            "supported": parts.supported[0],
            "win": parts.win[0],
        }
    )
