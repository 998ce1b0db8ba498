"""Batching, caching, image capping and resume, done once around any scoring judge.

The scoring counterpart of :mod:`genjudge.judges.runner`, built from the same pieces: the
:class:`~genjudge.judges.cache.VerdictCache` file (its ``scores`` table, keyed by
:class:`~genjudge.judges.cache.ScoreKey`), :func:`~genjudge.judges.runner.cap_image` and
:class:`~genjudge.judges.runner.IncompleteRun`.

* **Cache first.** Every item is looked up by the content hashes of its *original* image bytes
  and of the prompt and question where the judge shows them; only misses reach the judge, and each
  scored batch is committed before the next starts, so a killed run loses at most one batch and a
  re-run scores only what is missing. The same image scored twice in one run is scored once.
* **Image cap.** Images whose longest side exceeds ``max_image_side`` are downscaled before the
  judge sees them; the cap is part of the key.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from genjudge.judges.cache import ScoreKey, VerdictCache
from genjudge.judges.runner import IncompleteRun, cap_image
from genjudge.judges.scoring_protocol import PartialScores, Scores, ScoringIdentity, ScoringItem, ScoringJudge


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


@dataclass(frozen=True)
class ScoreJob:
    """One item to score: its cache digest and its index in ``items``."""

    digest: str
    index: int


JobScores = list[tuple[str, Scores | None, str | None]]
"""One scored batch: per job its digest, the scores (``None`` when the judge gave none) and why not."""

ScoreBatches = Callable[[Sequence[ScoringItem], Sequence[ScoreJob]], Iterable[JobScores]]
"""How a run's jobs get scored, batch by batch: in this process, or by actors on a Ray cluster."""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def score_key(judge: ScoringIdentity, item: ScoringItem, max_image_side: int | None = None) -> ScoreKey:
    """The cache key of one item: not pairwise, so no order shown; the prompt and the question
    only count for judges that show them to the model."""
    question = item.question if judge.uses_question else None
    return ScoreKey(
        judge_id=judge.judge_id,
        revision=judge.revision,
        prompt_version=judge.prompt_version,
        prompt_hash=text_hash(item.prompt) if judge.uses_prompt else "",
        image_hash=hashlib.sha256(item.image).hexdigest(),
        question_hash=None if question is None else text_hash(question),
        max_image_side=max_image_side,
    )


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
    :class:`IncompleteRun` naming the items the judge could not score (after caching the rest);
    raises ``ValueError`` if the judge returns a non-finite number or leaves out a score name.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")

    def in_process(items: Sequence[ScoringItem], jobs: Sequence[ScoreJob]) -> Iterator[JobScores]:
        for start in range(0, len(jobs), batch_size):
            batch = jobs[start : start + batch_size]
            outcomes = score_as_shown(judge, [items[job.index] for job in batch], max_image_side, start)
            yield [(job.digest, *outcome) for job, outcome in zip(batch, outcomes, strict=True)]

    return run_score_jobs(
        judge, items, in_process, cache=cache, max_image_side=max_image_side, progress=progress
    )


def run_score_jobs(
    identity: ScoringIdentity,
    items: Sequence[ScoringItem],
    score_jobs: ScoreBatches,
    *,
    cache: VerdictCache | str | Path | None = None,
    max_image_side: int | None = None,
    progress: bool = True,
) -> ScoreRun:
    """The part of :func:`score_items` that does not depend on where the judge runs: cache
    look-ups, only the misses to ``score_jobs``, each yielded batch stored as it arrives."""
    if max_image_side is not None and max_image_side < 1:
        raise ValueError(f"max_image_side must be a positive number of pixels, got {max_image_side}")
    if identity.uses_question:
        missing = [i for i, item in enumerate(items) if not item.question]
        if missing:
            raise ValueError(
                f"judge {identity.judge_id!r} answers a question about each image, but items {missing[:5]} "
                "have no question"
            )
    if isinstance(cache, (str, Path)):
        with VerdictCache(cache) as opened:
            return run_score_jobs(
                identity, items, score_jobs, cache=opened, max_image_side=max_image_side, progress=progress
            )

    keys = [score_key(identity, item, max_image_side) for item in items]
    known: dict[str, Scores] = dict(cache.get_scores(keys)) if cache is not None else {}
    cached_digests = set(known)
    pending: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key.digest not in known and key.digest not in pending:
            pending[key.digest] = index
    jobs = [ScoreJob(digest, index) for digest, index in pending.items()]
    by_digest = {key.digest: key for key in keys}
    failed: dict[str, str] = {}
    with tqdm(
        total=len(jobs),
        desc=f"scoring with {identity.judge_id}",
        unit="image",
        disable=not progress,
        postfix={"cached": len(cached_digests)},
    ) as bar:
        for outcomes in score_jobs(items, jobs) if jobs else ():
            done = [(digest, scores) for digest, scores, _ in outcomes if scores is not None]
            if cache is not None and done:
                cache.put_scores([(by_digest[digest], scores) for digest, scores in done])
            known.update(done)
            failed.update((digest, why) for digest, _, why in outcomes if why)
            bar.update(len(outcomes))

    if failed:
        failures = {index: failed[key.digest] for index, key in enumerate(keys) if key.digest in failed}
        raise IncompleteRun(failures, len(items), cache is not None)
    return ScoreRun(
        items=tuple(ScoredItem(known[key.digest], key.digest in cached_digests) for key in keys),
        judge_id=identity.judge_id,
        revision=identity.revision,
        prompt_version=identity.prompt_version,
        score_names=tuple(identity.score_names),
        n_scored=len(jobs),
        n_cached=len(cached_digests),
    )


def score_as_shown(
    judge: ScoringJudge, items: Sequence[ScoringItem], max_image_side: int | None, offset: int
) -> list[tuple[Scores | None, str | None]]:
    """Score one batch with images capped; per item the scores, or ``None`` and why the judge
    gave none. ``offset`` (the batch's first job number) only names jobs in error messages."""
    scores, reasons = _score_batch(judge, [_capped(item, max_image_side) for item in items], offset)
    return list(zip(scores, reasons, strict=True))


def _capped(item: ScoringItem, max_side: int | None) -> ScoringItem:
    if max_side is None:
        return item
    return ScoringItem(prompt=item.prompt, image=cap_image(item.image, max_side), question=item.question)


def _score_batch(
    judge: ScoringJudge, shown: list[ScoringItem], offset: int
) -> tuple[list[Scores | None], list[str | None]]:
    """Run one batch; per item the scores or ``None`` plus the reason it failed."""
    try:
        returned: list[Scores | None] = list(judge.score_batch(shown))
        failures: dict[int, str] = {}
    except PartialScores as err:
        returned, failures = err.scores, dict(err.failures)
    if len(returned) != len(shown):
        raise RuntimeError(
            f"judge {judge.judge_id!r} returned {len(returned)} score sets for a batch of {len(shown)} "
            f"(batch starting at job {offset}); a judge must return one per item"
        )
    why: list[str | None] = []
    for position, scores in enumerate(returned):
        if scores is None:
            why.append(failures.get(position, "no scores returned"))
            continue
        absent = [name for name in judge.score_names if name not in scores]
        bad = {name: value for name, value in scores.items() if not math.isfinite(value)}
        if absent or bad:
            raise ValueError(
                f"judge {judge.judge_id!r} returned {dict(scores)} for job {offset + position}: "
                + (f"missing {absent}" if absent else f"non-finite {bad}")
            )
        why.append(None)
    return returned, why
