"""One cached-job runner for every judge kind: cache look-up, only the misses to the judge, one cache
write per arriving batch, progress, failures and the results in input order.

What differs between pairwise verdicts and scores is a :class:`JobKind`: how an item's cache keys
are made (a swapped pair has two), how the cache reads and writes its results, what one job shows
the judge and how a batch of those is judged. Where the judge runs is a :data:`BatchStrategy`
handed in: :func:`in_process` here, or actors on a Ray cluster (:mod:`genjudge.judges.ray_runner`).
The runners of each kind (:func:`genjudge.judges.runner.judge_pairs`,
:func:`genjudge.judges.scoring_runner.score_items`) only assemble what comes back.

* **Cache first.** Items are looked up by content hashes of their *original* bytes plus the judge's
  identity (id, revision, prompt version); only misses become jobs, and a job shared by several
  items (the same image scored twice) is done once.
* **Nothing done is lost.** Each batch is committed, in one transaction, as it arrives and before
  the next is asked for, so a run that is killed, interrupted or fails keeps every batch that came
  back; a re-run does only the rest. Items the judge reports as failed end the run with
  :class:`IncompleteRun` naming them, after the others are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tqdm.auto import tqdm

from genjudge.judges.cache import VerdictCache
from genjudge.judges.protocol import CacheIdentity, PartialResults, describe_failures


@dataclass(frozen=True)
class Job:
    """One result to compute: its cache digest, its item (index in ``items``) and which of the
    item's keys it is (``variant``: 0, or 1 for the B|A order of a swapped pair)."""

    digest: str
    index: int
    variant: int = 0


Outcome = tuple[str, Any, str | None]
"""One job's outcome: its digest, the result (``None`` when the judge gave none) and why not."""

ShownBatch = Callable[[Any, list[Any], int | None, int], list[tuple[Any, str | None]]]
"""Judges one batch where the judge lives: (judge, payloads, max_image_side, first job number) ->
per payload its result, or ``None`` and why the judge gave none."""


class JobKind(Protocol):
    """What a runner needs to know of one kind of judging (pairwise verdicts, scores): the cache
    keys of an item (one per job; each has a ``digest``), the payload a job hands to ``run_shown``
    (it may cross processes), how to judge a batch of payloads (a :data:`ShownBatch`), and how the
    cache reads and writes its results. ``noun`` and ``verb`` word the progress bar and errors."""

    noun: str
    verb: str

    def keys(self, identity: Any, item: Any, max_image_side: int | None) -> tuple[Any, ...]: ...

    def payload(self, item: Any, variant: int) -> Any: ...

    def run_shown(
        self, judge: Any, payloads: list[Any], max_image_side: int | None, offset: int
    ) -> list[tuple[Any, str | None]]: ...

    def read(self, cache: VerdictCache, keys: list[Any]) -> Mapping[str, Any]: ...

    def write(self, cache: VerdictCache, entries: list[tuple[Any, Any]]) -> None: ...


BatchStrategy = Callable[[JobKind, Sequence[Any], Sequence[Job], int | None], Iterable[list[Outcome]]]
"""How a run's jobs get done, batch by batch: (kind, items, jobs, max_image_side) -> each finished
batch's outcomes, in any order. :func:`in_process` or ``ray_runner.on_ray``."""


@dataclass(frozen=True)
class JobResults:
    """What :func:`run_cached_jobs` returns: per item its results (one per key, in key order) and
    whether all of them came from the cache; how many jobs ran and how many keys were cached."""

    results: list[tuple[Any, ...]]
    cached: list[bool]
    n_run: int
    n_cached: int


class IncompleteRun(RuntimeError):
    """Some items got no result (the judge reported them as failed); everything else was done.

    ``failures`` maps each failed item's index in ``items`` to the reason. The results that did
    come back are in the cache, so re-running with the same cache retries only the failed items.
    """

    def __init__(self, failures: dict[int, str], total: int, cached: bool) -> None:
        self.failures = dict(sorted(failures.items()))
        retry = (
            "Re-run with the same cache to retry only these."
            if cached
            else "Pass a cache to keep the other verdicts across a retry."
        )
        super().__init__(
            f"{len(self.failures)} of {total} items got no verdict ({describe_failures(failures)}). {retry}"
        )


def in_process(judge: Any, batch_size: int) -> BatchStrategy:
    """The strategy that judges batches of ``batch_size`` jobs one after the other in this process."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")

    def run(
        kind: JobKind, items: Sequence[Any], jobs: Sequence[Job], max_image_side: int | None
    ) -> Iterable[list[Outcome]]:
        for start in range(0, len(jobs), batch_size):
            batch = jobs[start : start + batch_size]
            payloads = [kind.payload(items[job.index], job.variant) for job in batch]
            outcomes = kind.run_shown(judge, payloads, max_image_side, start)
            yield [(job.digest, *outcome) for job, outcome in zip(batch, outcomes, strict=True)]

    return run


def run_cached_jobs(
    kind: JobKind,
    identity: CacheIdentity,
    items: Sequence[Any],
    batches: BatchStrategy,
    *,
    cache: VerdictCache | str | Path | None = None,
    max_image_side: int | None = None,
    progress: bool = True,
) -> JobResults:
    """Look every item's keys up in ``cache``, hand only the misses to ``batches``, store each batch
    it yields as it arrives, and return every item's results. ``cache`` is a :class:`VerdictCache`
    or a path to one (opened and closed here)."""
    if max_image_side is not None and max_image_side < 1:
        raise ValueError(f"max_image_side must be a positive number of pixels, got {max_image_side}")
    if isinstance(cache, (str, Path)):
        with VerdictCache(cache) as opened:
            return run_cached_jobs(
                kind, identity, items, batches, cache=opened, max_image_side=max_image_side, progress=progress
            )

    keys = [kind.keys(identity, item, max_image_side) for item in items]
    by_digest = {key.digest: key for item_keys in keys for key in item_keys}
    known: dict[str, Any] = dict(kind.read(cache, list(by_digest.values()))) if cache is not None else {}
    cached_digests = set(known)
    pending: dict[str, Job] = {}
    for index, item_keys in enumerate(keys):
        for variant, key in enumerate(item_keys):
            if key.digest not in known and key.digest not in pending:
                pending[key.digest] = Job(key.digest, index, variant)
    jobs = list(pending.values())

    failed: dict[str, str] = {}  # digest -> why the judge gave no result
    with tqdm(
        total=len(jobs),
        desc=f"{kind.verb} with {identity.judge_id}",
        unit=kind.noun,
        disable=not progress,
        postfix={"cached": len(cached_digests)},
    ) as bar:
        for outcomes in batches(kind, items, jobs, max_image_side) if jobs else ():
            done = [(digest, result) for digest, result, _ in outcomes if result is not None]
            if cache is not None and done:
                kind.write(cache, [(by_digest[digest], result) for digest, result in done])
            known.update(done)
            failed.update((digest, why) for digest, _, why in outcomes if why)
            bar.update(len(outcomes))

    if failed:
        failures = {
            index: failed[key.digest]
            for index, item_keys in enumerate(keys)
            for key in reversed(item_keys)  # the first order shown names the reason
            if key.digest in failed
        }
        raise IncompleteRun(failures, len(items), cache is not None)
    return JobResults(
        results=[tuple(known[key.digest] for key in item_keys) for item_keys in keys],
        cached=[all(key.digest in cached_digests for key in item_keys) for item_keys in keys],
        n_run=len(jobs),
        n_cached=len(cached_digests),
    )


def judge_batch(
    call: Callable[[list[Any]], Sequence[Any]],
    shown: list[Any],
    *,
    judge_id: str,
    noun: str,
    offset: int,
    check: Callable[[Any, int], None],
) -> list[tuple[Any, str | None]]:
    """Run one batch through a backend's ``call`` (``judge_batch`` or ``score_batch``): per item its
    result, or ``None`` and why not.

    A backend reports items it got nothing for by raising :class:`PartialResults`; the results it
    did get are kept. ``check(result, job number)`` raises ``ValueError`` for a result that must not
    be stored; a wrong count or any other exception propagates. ``offset`` (the batch's first job
    number) only names jobs in error messages.
    """
    try:
        returned: list[Any] = list(call(shown))
        failures: dict[int, object] = {}
    except PartialResults as err:
        returned, failures = err.results, err.failures
    if len(returned) != len(shown):
        raise RuntimeError(
            f"judge {judge_id!r} returned {len(returned)} {noun}s for a batch of {len(shown)} "
            f"(batch starting at job {offset}); a judge must return one {noun} per item"
        )
    why: list[str | None] = []
    for position, result in enumerate(returned):
        if result is None:
            why.append(str(failures.get(position, f"no {noun} returned")))
        else:
            check(result, offset + position)
            why.append(None)
    return list(zip(returned, why, strict=True))
