"""The scoring-judge protocol: prompt + image in, named numbers out.

This is the second judge protocol of DESIGN.md, next to the pairwise one in
:mod:`genjudge.judges.protocol`. A scoring judge rates one generated image on its own (perceptual
quality, agreement with the prompt, the answer to a yes/no question about it); a pairwise judge
compares two outputs. Backends implement only :meth:`ScoringJudge.score_batch`; batching, caching,
image capping and resume live in :func:`genjudge.judges.scoring_runner.score_items`.

``PartialScores`` is how a backend reports items it could not score (an image that does not
decode, for instance) without losing the scores of the rest of the batch; the runner catches
exactly this type, as it catches ``PartialVerdicts`` for pairwise judges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

Scores = Mapping[str, float]
"""Named numbers for one item, e.g. ``{"perception": 61.2}`` or ``{"yes": 1.0, "p_yes": 0.93}``."""


@dataclass(frozen=True)
class ScoringItem:
    """One image to score: the text prompt it was generated for, its encoded bytes and, for
    question-answering judges, the question asked about it."""

    prompt: str
    image: bytes
    question: str | None = None


class PartialScores(RuntimeError):
    """Some items of a batch got no scores; the others are kept.

    ``scores`` has one entry per item, ``None`` where it failed; ``failures`` maps each failed
    position to the reason, so the runner can cache the good ones and report the rest.
    """

    def __init__(self, scores: Sequence[Scores | None], failures: Mapping[int, str]) -> None:
        self.scores = list(scores)
        self.failures = dict(failures)
        shown = "; ".join(f"item {i}: {why}" for i, why in sorted(self.failures.items())[:5])
        more = "" if len(self.failures) <= 5 else f"; and {len(self.failures) - 5} more"
        super().__init__(f"{len(self.failures)} of {len(self.scores)} items got no scores ({shown}{more})")


class ScoringIdentity(Protocol):
    """What keys a scoring judge's scores in the cache and shapes its run: every
    :class:`ScoringJudge` has it, and so does the description of a judge in other processes.

    ``judge_id``, ``revision`` and ``prompt_version`` identify the scores for the cache: change any
    of them and earlier scores no longer count. ``score_names`` lists the keys every returned
    :data:`Scores` mapping has, so front ends can lay out columns before any item is scored.
    ``uses_prompt`` and ``uses_question`` say whether ``ScoringItem.prompt`` / ``.question`` are
    shown to the model: only what the model sees is part of the cache key, so a perception judge
    scores an image once whatever prompt it came with.
    """

    judge_id: str
    revision: str
    prompt_version: str
    score_names: tuple[str, ...]
    uses_prompt: bool
    uses_question: bool


@runtime_checkable
class ScoringJudge(ScoringIdentity, Protocol):
    """What every scoring backend provides: a :class:`ScoringIdentity` and the scoring itself."""

    def score_batch(self, items: Sequence[ScoringItem]) -> list[Scores]:
        """Score a batch in the order given; one mapping with every name in ``score_names`` per item."""
        ...
