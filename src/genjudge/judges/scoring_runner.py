"""Scoring: the score kind of the cached-job runner (:mod:`genjudge.judges.jobs`), with image
capping done once around any scoring judge.

* **Cache first, resume.** See :mod:`genjudge.judges.jobs`: every item is looked up by the content
  hashes of its *original* media bytes and of the prompt and question where the judge shows them;
  only misses reach the judge. The same image scored twice in one run is scored once.
* **Image cap.** Images whose longest side exceeds ``max_image_side`` are downscaled before the
  judge sees them; the cap is part of the key. Other media (video) reach the judge as given.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from genjudge.judges.cache import ScoreKey, VerdictCache
from genjudge.judges.jobs import BatchStrategy, in_process, judge_batch, run_cached_jobs
from genjudge.judges.protocol import Media, Scores, ScoringIdentity, ScoringItem, ScoringJudge
from genjudge.judges.runner import cap_image


@dataclass(frozen=True)
class ScoredItem:
    """The scores of one input item and whether they came from the cache."""

    scores: Scores
    cached: bool


@dataclass(frozen=True)
class ScoreRun(Sequence[ScoredItem]):
    """All results of :func:`score_items`, in input order; indexable like a list."""

    items: tuple[ScoredItem, ...]
    judge_id: str
    revision: str
    prompt_version: str
    score_names: tuple[str, ...]
    n_scored: int
    n_cached: int

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> ScoredItem:  # type: ignore[override]
        return self.items[index]

    def __iter__(self) -> Iterator[ScoredItem]:
        return iter(self.items)

    def column(self, name: str) -> list[float]:
        """One score for every item, in input order (e.g. ``run.column("perception")``)."""
        return [float(item.scores[name]) for item in self.items]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def score_key(judge: ScoringIdentity, item: ScoringItem, max_image_side: int | None = None) -> ScoreKey:
    """The cache key of one item: not pairwise, so no order shown; the prompt and the question
    only count for judges that show them to the model, the image cap only for images."""
    question = item.question if judge.uses_question else None
    return ScoreKey(
        judge_id=judge.judge_id,
        revision=judge.revision,
        prompt_version=judge.prompt_version,
        prompt_hash=text_hash(item.prompt) if judge.uses_prompt else "",
        media_hash=hashlib.sha256(item.media.data).hexdigest(),
        question_hash=None if question is None else text_hash(question),
        max_image_side=max_image_side if item.media.kind == "image" else None,
        media_type=item.media.media_type,
    )


@dataclass(frozen=True)
class ScoringJobs:
    """The :class:`~genjudge.judges.jobs.JobKind` of scores: one job per item, keyed by a
    :class:`ScoreKey`; the payload is the item itself."""

    noun = "score set"
    verb = "scoring"

    def keys(
        self, identity: ScoringIdentity, item: ScoringItem, max_image_side: int | None
    ) -> tuple[ScoreKey]:
        return (score_key(identity, item, max_image_side),)

    def payload(self, item: ScoringItem, variant: int) -> ScoringItem:
        return item

    def run_shown(
        self, judge: ScoringJudge, payloads: list[ScoringItem], max_image_side: int | None, offset: int
    ) -> list[tuple[Scores | None, str | None]]:
        return score_as_shown(judge, payloads, max_image_side, offset)

    def read(self, cache: VerdictCache, keys: list[ScoreKey]) -> Mapping[str, Scores]:
        return cache.get_scores(keys)

    def write(self, cache: VerdictCache, entries: list[tuple[ScoreKey, Scores]]) -> None:
        cache.put_scores(entries)


def score_items(
    judge: ScoringJudge,
    items: Sequence[ScoringItem],
    *,
    cache: VerdictCache | str | Path | None = None,
    batch_size: int = 8,
    max_image_side: int | None = None,
    progress: bool = True,
) -> ScoreRun:
    """Score every item with ``judge``, reusing and filling the cache.

    ``cache`` is a :class:`VerdictCache` or a path to one (opened and closed here). Raises
    :class:`~genjudge.judges.jobs.IncompleteRun` naming the items the judge could not score (after
    caching the rest); raises ``ValueError`` if the judge returns a non-finite number or leaves out
    a score name.
    """
    batches = in_process(judge, batch_size)
    return run_score_jobs(
        judge, items, batches, cache=cache, max_image_side=max_image_side, progress=progress
    )


def run_score_jobs(
    identity: ScoringIdentity,
    items: Sequence[ScoringItem],
    batches: BatchStrategy,
    *,
    cache: VerdictCache | str | Path | None = None,
    max_image_side: int | None = None,
    progress: bool = True,
) -> ScoreRun:
    """:func:`score_items` with the scoring done by ``batches`` (wherever the judge runs)."""
    if identity.uses_question:
        missing = [i for i, item in enumerate(items) if not item.question]
        if missing:
            raise ValueError(
                f"judge {identity.judge_id!r} answers a question about each image, but items {missing[:5]} "
                "have no question"
            )
    done = run_cached_jobs(
        ScoringJobs(), identity, items, batches, cache=cache, max_image_side=max_image_side, progress=progress
    )
    return ScoreRun(
        items=tuple(
            ScoredItem(scores, cached) for (scores,), cached in zip(done.results, done.cached, strict=True)
        ),
        judge_id=identity.judge_id,
        revision=identity.revision,
        prompt_version=identity.prompt_version,
        score_names=tuple(identity.score_names),
        n_scored=done.n_run,
        n_cached=done.n_cached,
    )


def score_as_shown(
    judge: ScoringJudge, items: Sequence[ScoringItem], max_image_side: int | None, offset: int
) -> list[tuple[Scores | None, str | None]]:
    """Score one batch with images capped; per item the scores, or ``None`` and why the judge
    gave none. ``offset`` (the batch's first job number) only names jobs in error messages."""

    def check(scores: Scores, job: int) -> None:
        absent = [name for name in judge.score_names if name not in scores]
        bad = {name: value for name, value in scores.items() if not math.isfinite(value)}
        if absent or bad:
            raise ValueError(
                f"judge {judge.judge_id!r} returned {dict(scores)} for job {job}: "
                + (f"missing {absent}" if absent else f"non-finite {bad}")
            )

    shown = [_capped(item, max_image_side) for item in items]
    return judge_batch(
        judge.score_batch, shown, judge_id=judge.judge_id, noun="score set", offset=offset, check=check
    )


def _capped(item: ScoringItem, max_side: int | None) -> ScoringItem:
    if max_side is None or item.media.kind != "image":
        return item
    return replace(item, media=Media(cap_image(item.media.data, max_side), item.media.media_type))
