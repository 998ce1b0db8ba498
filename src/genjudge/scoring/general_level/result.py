"""What scoring one model returns: levels with intervals, the per-modality board, the margins."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from genjudge.scoring.general_level.tables import MODALITIES


@dataclass(frozen=True)
class LevelValue:
    """A level's score and its bootstrap 95% interval (equal to the score without a bootstrap)."""

    score: float
    lower: float
    upper: float


@dataclass(frozen=True)
class ModalityScore:
    """One modality: Level-2 means of comprehension (C) and generation (G), their Level-3 parts,
    the modality's Levels 2–4, and how many of its tasks are supported and won."""

    comprehension: float
    generation: float
    comprehension_level_3: float
    generation_level_3: float
    level_2: float
    level_3: float
    level_4: float
    supported: int
    wins: int
    tasks: int


@dataclass(frozen=True)
class NlpScore:
    """The NLP sheet: S (the Level-3 mean that weights Level-5), supported tasks and wins."""

    score: float
    supported: int
    wins: int
    tasks: int


@dataclass(frozen=True)
class GeneralLevelScore:
    """One model's General-Level result.

    ``level`` is the highest of Levels 2–5 with a positive score (1 when none is): the paper's
    reading of the levels; the official code prints the scores but states no such rule.
    ``margins`` has one row per task: ``sheet``, ``task``, ``metric``, ``sota`` and ``value`` (raw),
    ``sota_score`` and ``model_score`` (normalised), ``margin`` (model − specialist, NaN when
    unsupported), ``supported`` and ``win``.
    """

    model: str
    official: bool
    levels: dict[str, LevelValue]
    level: int
    modalities: dict[str, ModalityScore]
    nlp: NlpScore
    supported: int
    wins: int
    tasks: int
    margins: pd.DataFrame
    bootstrap_rounds: int
    seed: int
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Everything as JSON-ready builtins (NaN becomes None)."""
        return {
            "model": self.model,
            "official": self.official,
            "level": self.level,
            "levels": {name: vars(value) for name, value in self.levels.items()},
            "modalities": {name: vars(value) for name, value in self.modalities.items()},
            "nlp": vars(self.nlp),
            "supported": self.supported,
            "wins": self.wins,
            "tasks": self.tasks,
            "bootstrap_rounds": self.bootstrap_rounds,
            "seed": self.seed,
            "notes": list(self.notes),
            "margins": [
                {key: _plain(value) for key, value in row.items()} for row in self.margins.to_dict("records")
            ],
        }

    def scope_scores(self) -> dict[str, float]:
        """The comprehension-only and generation-only boards (which stop at Level-3): Levels 2 and
        3 from one paradigm alone, averaged over the four modalities (an absent one counts 0)."""
        parts = [self.modalities[modality] for modality in MODALITIES]
        count = len(parts)
        return {
            "comprehension_level_2": sum(part.comprehension for part in parts) / count,
            "comprehension_level_3": sum(part.comprehension_level_3 for part in parts) / count,
            "generation_level_2": sum(part.generation for part in parts) / count,
            "generation_level_3": sum(part.generation_level_3 for part in parts) / count,
        }

    def summary_row(self) -> dict[str, object]:
        """One flat row for a leaderboard: level, each level with its interval, the per-modality
        comprehension/generation and Level-2–4 scores, the :meth:`scope_scores`, NLP, supported
        tasks and wins."""
        row: dict[str, object] = {"model": self.model, "level": self.level}
        for name, value in self.levels.items():
            row[name] = value.score
            row[f"{name}_lower"] = value.lower
            row[f"{name}_upper"] = value.upper
        for modality in MODALITIES:
            part = self.modalities[modality]
            prefix = modality.lower()
            row[f"{prefix}_comprehension"] = part.comprehension
            row[f"{prefix}_generation"] = part.generation
            row[f"{prefix}_level_2"] = part.level_2
            row[f"{prefix}_level_3"] = part.level_3
            row[f"{prefix}_level_4"] = part.level_4
        row |= self.scope_scores()
        row["nlp"] = self.nlp.score
        row["supported"] = self.supported
        row["wins"] = self.wins
        row["tasks"] = self.tasks
        return row


def _plain(value: object) -> object:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
