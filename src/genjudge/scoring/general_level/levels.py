"""Levels 2–5 from aligned per-task values, for many models at once.

Everything is arrays: ``raw`` has one row per model and one column per reference task. Each task
contributes to its group (the eight modality × paradigm sheets, then NLP) a Level-2 part (its
normalised score, 0 if unsupported) and a Level-3 part (the same score if the model matches or
beats the specialist, else 0). Group means are one matrix product, and the level formulas work on
group means of any leading shape, which is what lets the bootstrap reuse them unchanged.

Formulas (FORMATS.md, ``ranker.py``), per modality m with comprehension C and generation G:
``L2_m = (mean2(C) + mean2(G)) / 2``, ``L3_m`` likewise with the Level-3 parts,
``L4_m = 0 if L3(C) == 0 or L3(G) == 0 else 2 L3(C) L3(G) / (L3(C) + L3(G))``; Levels 2–4 are the
plain mean over the four modalities (an absent one counts 0); ``Level-5 = Level-4 * S / 100`` with
S the Level-3 mean over the NLP tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genjudge.scoring.general_level.errors import GeneralLevelFormatError
from genjudge.scoring.general_level.metrics import (
    IDENTITY,
    lower_is_better,
    normalise_corrected,
    normalise_official,
    official_nlp_rmse,
)
from genjudge.scoring.general_level.tables import MODALITIES, NLP_SHEET, Reference

OFFICIAL_EPSILON = 1e-6
"""The official harmonic mean adds this to its denominator; genjudge's never divides by zero
without it, because both inputs are positive whenever it divides."""
LEVELS = ("level_2", "level_3", "level_4", "level_5")


@dataclass(frozen=True)
class Contributions:
    """Per model and task: normalised scores and what each adds to Levels 2 and 3."""

    model_scores: np.ndarray
    """Normalised model values (NaN where the model gave none)."""
    sota_scores: np.ndarray
    """Normalised specialist values, one per task."""
    level_2: np.ndarray
    level_3: np.ndarray
    supported: np.ndarray
    win: np.ndarray
    """The win used by the level formulas."""
    counted_win: np.ndarray
    """The win counted in "Wins" (differs only for the official NLP RMSE row, compared raw there)."""


def contributions(raw: np.ndarray, reference: Reference, *, official: bool) -> Contributions:
    """Per-task parts of Levels 2 and 3 under the official or the corrected rules."""
    raw = np.atleast_2d(np.asarray(raw, dtype=float))
    return _official(raw, reference) if official else _corrected(raw, reference)


def _corrected(raw: np.ndarray, reference: Reference) -> Contributions:
    model = normalise_corrected(raw, reference.kinds, reference.temperatures)
    sota = normalise_corrected(reference.sota, reference.kinds, reference.temperatures)
    present = np.isfinite(raw)
    downward = lower_is_better(reference.kinds)
    with np.errstate(invalid="ignore"):
        beats = np.where(downward, raw <= reference.sota, raw >= reference.sota)
    win = present & beats
    level_2 = np.where(present, model, 0.0)
    return Contributions(model, sota, level_2, np.where(win, model, 0.0), present, win, win)


def _official(raw: np.ndarray, reference: Reference) -> Contributions:
    nlp = reference.sheet_slices[NLP_SHEET]
    kinds, temperatures = reference.official_kinds, reference.official_temperatures
    with np.errstate(invalid="ignore"):
        negative = np.flatnonzero(((kinds != IDENTITY) & (raw < 0)).any(axis=0))
    if negative.size:
        task = reference.tasks.iloc[negative[0]]
        raise GeneralLevelFormatError(
            f"sheet {task['sheet']!r}, task {task['task']!r}: a negative {task['metric']} fails the official "
            "ranker's assert; score it without --official"
        )
    model = normalise_official(raw, kinds, temperatures)
    sota = normalise_official(reference.sota, kinds, temperatures)
    model[:, nlp] = raw[:, nlp]
    sota[nlp] = reference.sota[nlp]
    rmse = reference.official_nlp_rmse_index
    if rmse is not None:
        if np.any(raw[:, rmse] == 0.0):
            raise GeneralLevelFormatError(
                f"NLP task {reference.tasks['task'].iloc[rmse]!r}: an RMSE of 0 makes the official "
                "Level-5 divide by zero; score it without --official"
            )
        model[:, rmse] = official_nlp_rmse(np.where(np.isnan(raw[:, rmse]), np.inf, raw[:, rmse]))
    present = np.isfinite(model)
    with np.errstate(invalid="ignore"):
        win = present & np.isfinite(sota) & (model >= sota)
    supported = present & np.isfinite(sota) & (sota != 0.0) & (model != 0.0)
    counted_win = win.copy()
    supported[:, nlp] = np.isfinite(raw[:, nlp]) & np.isfinite(reference.sota[nlp])
    with np.errstate(invalid="ignore"):
        counted_win[:, nlp] = np.isfinite(raw[:, nlp]) & (raw[:, nlp] >= reference.sota[nlp])
    level_2 = np.where(present, model, 0.0)
    return Contributions(model, sota, level_2, np.where(win, model, 0.0), supported, win, counted_win)


def group_means(parts: np.ndarray, reference: Reference) -> np.ndarray:
    """Mean of per-task parts within each of the nine groups (last axis: groups).

    A group without tasks (an empty sheet, which only official mode scores) has mean 0, as the
    official ``get_level_2_mono`` and ``get_level_mono`` return for an empty list.
    """
    sums = parts @ reference.group_matrix
    sizes = reference.group_sizes
    return np.divide(sums, sizes, out=np.zeros_like(sums), where=sizes > 0)


def levels_from_group_means(
    level_2: np.ndarray, level_3: np.ndarray, *, official: bool
) -> dict[str, np.ndarray]:
    """Levels 2–5 and the per-modality parts from group means (last axis: the nine groups).

    Returns arrays with the leading shape of the inputs: ``level_2`` … ``level_5``, and per
    modality (last axis of length 4, in :data:`MODALITIES` order) ``comprehension``,
    ``generation`` (Level-2 means), ``comprehension_level_3``, ``generation_level_3``,
    ``modality_level_2``, ``modality_level_3``, ``modality_level_4``; ``nlp`` is S.
    """
    c2, g2 = level_2[..., 0:8:2], level_2[..., 1:8:2]
    c3, g3 = level_3[..., 0:8:2], level_3[..., 1:8:2]
    modality_2 = (c2 + g2) / 2
    modality_3 = (c3 + g3) / 2
    epsilon = OFFICIAL_EPSILON if official else 0.0
    either_zero = (c3 == 0) | (g3 == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        harmonic = 2 * (c3 * g3) / (c3 + g3 + epsilon)
    modality_4 = np.where(either_zero, 0.0, harmonic)
    count = len(MODALITIES)
    level_4 = modality_4.sum(axis=-1) / count
    nlp = level_3[..., 8]
    return {
        "level_2": modality_2.sum(axis=-1) / count,
        "level_3": modality_3.sum(axis=-1) / count,
        "level_4": level_4,
        "level_5": level_4 * (nlp / 100),
        "comprehension": c2,
        "generation": g2,
        "comprehension_level_3": c3,
        "generation_level_3": g3,
        "modality_level_2": modality_2,
        "modality_level_3": modality_3,
        "modality_level_4": modality_4,
        "nlp": nlp,
    }


def score_levels(parts: Contributions, reference: Reference, *, official: bool) -> dict[str, np.ndarray]:
    """:func:`levels_from_group_means` on the groups of ``parts`` (one entry per model)."""
    return levels_from_group_means(
        group_means(parts.level_2, reference), group_means(parts.level_3, reference), official=official
    )


def bootstrap_intervals(
    parts: Contributions,
    reference: Reference,
    *,
    official: bool,
    rounds: int,
    seed: int,
    confidence: float = 0.95,
) -> dict[str, np.ndarray]:
    """Percentile intervals of Levels 2–5, resampling tasks with replacement within each group.

    Every model sees the same resampled task sets (one multinomial draw per group and round), so
    intervals of models scored together are comparable and scoring one model alone with the same
    seed gives the same interval. Returns ``{level: array (models, 2)}`` of lower and upper bounds.
    """
    rng = np.random.default_rng(seed)
    models = parts.level_2.shape[0]
    means_2 = np.zeros((models, rounds, len(reference.group_sizes)))
    means_3 = np.zeros_like(means_2)
    for group, size in enumerate(reference.group_sizes.astype(int)):
        if size == 0:
            continue  # an empty sheet's means stay 0, as in group_means
        columns = reference.group == group
        counts = rng.multinomial(size, np.full(size, 1.0 / size), size=rounds).astype(float)
        means_2[:, :, group] = parts.level_2[:, columns] @ counts.T / size
        means_3[:, :, group] = parts.level_3[:, columns] @ counts.T / size
    resampled = levels_from_group_means(means_2, means_3, official=official)
    tail = (1 - confidence) / 2 * 100
    return {level: np.percentile(resampled[level], [tail, 100 - tail], axis=1).T for level in LEVELS}
