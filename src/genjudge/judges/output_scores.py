"""7-criterion scores of interleaved outputs (``GPT_score_A.py``), run through the scoring runner.

The API judge's scorer rates one (request, answer) pair at a time; this module hands those pairs
to :func:`~genjudge.judges.scoring_runner.run_score_jobs`, so they get what every scoring run
gets: a look-up in the SQLite cache first, each scored batch committed before the next, a
killed run resumed by re-running with the same cache, and items that failed reported together in
:class:`~genjudge.judges.runner.IncompleteRun`. Requests go over the judge's endpoint pool.

An item is keyed by the content hashes of its request and its answer (texts and image bytes), and
the scorer's identity (model, revision, scoring prompt version). The cache keeps the seven
numbers; the judge's justifications are not kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from genjudge.core.records import Instance, ModelOutput, Step, content_hash
from genjudge.judges.cache import VerdictCache
from genjudge.judges.jobs import Job, JobKind, Outcome
from genjudge.judges.parsing import OutputScores
from genjudge.judges.prompts import SCORE_CRITERIA
from genjudge.judges.protocol import Media, ScoringItem
from genjudge.judges.scoring_runner import ScoreRun, run_score_jobs

if TYPE_CHECKING:
    from genjudge.judges.api import ApiJudge

ScoreEntry = tuple[Sequence[Step], Sequence[Step]]
"""One item to score: the request's steps and the answer's steps."""


@dataclass(frozen=True)
class CriteriaScorer:
    """The cache identity of an API judge's 7-criterion scorer (a ``ScoringIdentity``)."""

    judge_id: str
    revision: str
    prompt_version: str
    score_names: tuple[str, ...] = SCORE_CRITERIA
    uses_prompt: bool = True
    uses_question: bool = False

    @classmethod
    def of(cls, judge: ApiJudge) -> CriteriaScorer:
        return cls(
            judge_id=f"api-score:{judge.model}",
            revision=judge.revision,
            prompt_version=judge.score_prompt_version,
        )


@dataclass(frozen=True)
class ScoredOutput:
    """Which output an entry is: the model and the instance (``total_uid``) it answers."""

    model: str
    uid: str


def score_plan(
    instances: Sequence[Instance], by_model: dict[str, list[ModelOutput]]
) -> tuple[list[ScoredOutput], list[ScoreEntry]]:
    """Every output of every model for an instance of ``instances`` (models in the given order,
    instances in split order), and the (request, answer) entry the scorer is shown for each."""
    requests = {instance.total_uid: instance.input_steps for instance in instances}
    plan: list[ScoredOutput] = []
    entries: list[ScoreEntry] = []
    for model, outputs in by_model.items():
        answers = {output.total_uid: output.steps for output in outputs}
        for uid, request in requests.items():
            if uid in answers:
                plan.append(ScoredOutput(model, uid))
                entries.append((request, answers[uid]))
    return plan, entries


def score_records(plan: Sequence[ScoredOutput], run: ScoreRun) -> list[dict[str, object]]:
    """The records of the official ``gpt-score_results.json`` (its output-directory mode), without
    the justifications, which the cache does not keep."""
    return [
        {
            "instance_id": output.uid,
            "model": {"name": output.model},
            "score": {name: {"Score": int(item.scores[name])} for name in SCORE_CRITERIA},
        }
        for output, item in zip(plan, run, strict=True)
    ]


def as_scoring_item(entry: ScoreEntry) -> ScoringItem:
    """The runner's item for one entry: the request's content hash as the prompt and the answer's
    as the media bytes, so the cache key is a hash of exactly what the scorer is shown."""
    question, output = entry
    return ScoringItem(
        prompt=content_hash(question), media=Media(content_hash(output).encode("ascii"), "text/plain")
    )


def criterion_numbers(scores: OutputScores) -> dict[str, float]:
    return {name: float(scores.scores[name].score) for name in SCORE_CRITERIA}


def score_interleaved(
    judge: ApiJudge,
    entries: Sequence[ScoreEntry],
    *,
    cache: VerdictCache | str | Path | None = None,
    batch_size: int = 16,
    progress: bool = True,
) -> ScoreRun:
    """The seven criterion scores of every entry, in order (``run[i].scores[criterion]``).

    ``batch_size`` entries are sent at once (at most ``judge.max_concurrency`` in flight) and
    committed to ``cache`` together. Raises :class:`~genjudge.judges.runner.IncompleteRun` naming
    the entries whose replies were not the expected JSON or whose requests kept failing, after
    caching the others.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")

    def batches(
        kind: JobKind, items: Sequence[ScoringItem], jobs: Sequence[Job], max_image_side: int | None
    ) -> Iterator[list[Outcome]]:
        for start in range(0, len(jobs), batch_size):
            batch = jobs[start : start + batch_size]
            results = judge.score_outputs([entries[job.index] for job in batch], return_exceptions=True)
            yield [
                (job.digest, None, f"{type(result).__name__}: {result}")
                if isinstance(result, Exception)
                else (job.digest, criterion_numbers(result), None)
                for job, result in zip(batch, results, strict=True)
            ]

    items = [as_scoring_item(entry) for entry in entries]
    return run_score_jobs(CriteriaScorer.of(judge), items, batches, cache=cache, progress=progress)
