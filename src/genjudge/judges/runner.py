"""Batching, caching, image capping and position swap, done once around any pairwise judge.

Backends only implement ``judge_batch``; everything that makes a judging run reproducible and
cheap to repeat lives here:

* **Cache first.** Every (item, order shown) is looked up in the :class:`VerdictCache` by content
  hashes of the *original* bytes; only the misses go to the judge, and each judged batch is
  committed before the next starts, so a killed run loses at most the batch in flight.
* **Image cap.** Images whose longest side exceeds ``max_image_side`` are downscaled before the
  judge sees them (hashes stay on the original bytes, and the cap is part of the cache key).
* **Position swap.** With ``swap=True`` each pair is also judged in the order B|A; that verdict is
  mapped back (A↔B, Tie(A)↔Tie(B)) and the two are combined by averaging probabilities. The
  run reports how often the two orders agree on the favoured side.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from tqdm.auto import tqdm

from genjudge.core.records import Step, content_hash
from genjudge.judges.cache import CacheKey, VerdictCache
from genjudge.judges.protocol import (
    VERDICT_LABELS,
    CacheIdentity,
    PairwiseItem,
    PairwiseJudge,
    PartialVerdicts,
    Verdict,
)

_SWAP_LABEL = {"A": "B", "B": "A", "Tie(A)": "Tie(B)", "Tie(B)": "Tie(A)"}


@dataclass(frozen=True)
class JudgedPair:
    """The outcome for one input item, always in the item's own A/B orientation.

    ``verdict`` is the final verdict (the combined one when swapped). ``forward`` is the A|B
    verdict and ``swapped`` the B|A verdict mapped back to A/B terms (``None`` without swap).
    ``cached`` is true when every verdict for this item came from the cache rather than the judge.
    ``consistent`` says whether both orders favoured the same side (``None`` without swap).
    """

    verdict: Verdict
    forward: Verdict
    swapped: Verdict | None
    cached: bool
    consistent: bool | None


@dataclass(frozen=True)
class JudgeRun(Sequence[JudgedPair]):
    """All results of :func:`judge_pairs`, in input order; indexable like a list."""

    pairs: tuple[JudgedPair, ...]
    judge_id: str
    revision: str
    prompt_version: str
    n_judged: int
    n_cached: int
    consistency_rate: float | None

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> JudgedPair:  # type: ignore[override]
        return self.pairs[index]

    def __iter__(self) -> Iterator[JudgedPair]:
        return iter(self.pairs)

    @property
    def winners(self) -> list[str]:
        return [pair.verdict.winner for pair in self.pairs]


class IncompleteRun(RuntimeError):
    """Some items got no verdict (the judge reported them as failed); everything else was judged.

    ``failures`` maps each failed item's index in ``items`` to the reason. The verdicts that did
    come back are in the cache, so re-running with the same cache retries only the failed items.
    """

    def __init__(self, failures: dict[int, str], total: int, cached: bool) -> None:
        self.failures = dict(sorted(failures.items()))
        shown = "; ".join(f"item {i}: {why}" for i, why in list(self.failures.items())[:5])
        more = "" if len(self.failures) <= 5 else f"; and {len(self.failures) - 5} more"
        retry = (
            "Re-run with the same cache to retry only these."
            if cached
            else "Pass a cache to keep the other verdicts across a retry."
        )
        super().__init__(f"{len(self.failures)} of {total} items got no verdict ({shown}{more}). {retry}")


def swap_verdict(verdict: Verdict) -> Verdict:
    """Re-express a verdict given on the order B|A in terms of the original A|B."""
    probabilities = {_SWAP_LABEL[label]: p for label, p in verdict.probabilities.items()}
    return Verdict(winner=_SWAP_LABEL[verdict.winner], probabilities=probabilities, raw=verdict.raw)


def side(label: str) -> str:
    """The side a verdict favours: ``"A"`` for A and Tie(A), ``"B"`` for B and Tie(B)."""
    return "A" if label in ("A", "Tie(A)") else "B"


def combine_swapped(forward: Verdict, swapped_back: Verdict) -> Verdict:
    """Average the two orders' probabilities and pick the winner from the average.

    The favoured side is the one with more probability mass (decisive + leaning tie, the
    force-dividing-tie view); within it, a decisive win needs more probability than the tie.
    A dead heat between sides becomes a tie leaning to the forward verdict's side. A verdict
    without probabilities counts as certain of its own label.
    """
    first = probabilities_of(forward)
    second = probabilities_of(swapped_back)
    averaged = {label: (first[label] + second[label]) / 2 for label in VERDICT_LABELS}
    mass_a = averaged["A"] + averaged["Tie(A)"]
    mass_b = averaged["B"] + averaged["Tie(B)"]
    if mass_a > mass_b:
        winner = "A" if averaged["A"] > averaged["Tie(A)"] else "Tie(A)"
    elif mass_b > mass_a:
        winner = "B" if averaged["B"] > averaged["Tie(B)"] else "Tie(B)"
    else:
        winner = f"Tie({side(forward.winner)})"
    return Verdict(winner=winner, probabilities=averaged, raw=None)


def cap_image(data: bytes, max_side: int) -> bytes:
    """Downscale an encoded image so its longest side is at most ``max_side``.

    Images already small enough come back unchanged (same bytes). The format is kept where it
    can hold the image mode, else PNG. Bytes that do not decode are passed through so that the
    judge, which knows how it treats broken images, decides.
    """
    try:
        with Image.open(io.BytesIO(data)) as img:
            if max(img.size) <= max_side:
                return data
            fmt = img.format or "PNG"
            img.load()
            small = img.copy()
    except (UnidentifiedImageError, OSError):
        return data
    small.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if fmt == "JPEG" and small.mode not in ("RGB", "L", "CMYK"):
        fmt = "PNG"
    out = io.BytesIO()
    small.save(out, format=fmt)
    return out.getvalue()


@dataclass(frozen=True)
class PairJob:
    """One verdict to compute: the item (its index in ``items``) and whether it is shown B|A."""

    digest: str
    index: int
    swapped: bool


JobVerdicts = list[tuple[str, Verdict | None, str | None]]
"""One judged batch: per job its digest, the verdict (``None`` when the judge gave none) and why not."""

VerdictBatches = Callable[[Sequence[PairwiseItem], Sequence[PairJob]], Iterable[JobVerdicts]]
"""How a run's jobs get judged, batch by batch: in this process, or by actors on a Ray cluster."""


def judge_pairs(
    judge: PairwiseJudge,
    items: Sequence[PairwiseItem],
    *,
    cache: VerdictCache | str | Path | None = None,
    batch_size: int = 8,
    max_image_side: int | None = None,
    swap: bool = False,
    progress: bool = True,
) -> JudgeRun:
    """Judge every item with ``judge``, reusing and filling the cache.

    ``cache`` is a :class:`VerdictCache` or a path to one (opened and closed here). Returns a
    :class:`JudgeRun` whose entries follow ``items`` order and say which verdicts were cached.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")

    def in_process(items: Sequence[PairwiseItem], jobs: Sequence[PairJob]) -> Iterator[JobVerdicts]:
        for start in range(0, len(jobs), batch_size):
            batch = jobs[start : start + batch_size]
            outcomes = judge_as_shown(
                judge, [(items[job.index], job.swapped) for job in batch], max_image_side, start
            )
            yield [(job.digest, *outcome) for job, outcome in zip(batch, outcomes, strict=True)]

    return run_pair_jobs(
        judge, items, in_process, cache=cache, max_image_side=max_image_side, swap=swap, progress=progress
    )


def run_pair_jobs(
    identity: CacheIdentity,
    items: Sequence[PairwiseItem],
    judge_jobs: VerdictBatches,
    *,
    cache: VerdictCache | str | Path | None = None,
    max_image_side: int | None = None,
    swap: bool = False,
    progress: bool = True,
) -> JudgeRun:
    """The part of :func:`judge_pairs` that does not depend on where the judge runs.

    Looks every (item, order shown) up in the cache, hands only the misses to ``judge_jobs``, stores
    each batch it yields as it arrives (one transaction per batch), and assembles the run.
    """
    if max_image_side is not None and max_image_side < 1:
        raise ValueError(f"max_image_side must be a positive number of pixels, got {max_image_side}")
    if isinstance(cache, (str, Path)):
        with VerdictCache(cache) as opened:
            return run_pair_jobs(
                identity,
                items,
                judge_jobs,
                cache=opened,
                max_image_side=max_image_side,
                swap=swap,
                progress=progress,
            )

    keys = [_keys_for(identity, item, max_image_side, swap) for item in items]
    all_keys = [key for pair_keys in keys for key in pair_keys]
    known: dict[str, Verdict] = {}
    if cache is not None:
        known = {digest: row.verdict for digest, row in cache.get_many(all_keys).items()}
    cached_digests = set(known)

    pending: dict[str, tuple[int, bool]] = {}
    for index, pair_keys in enumerate(keys):
        for swapped, key in zip((False, True), pair_keys, strict=False):
            if key.digest not in known and key.digest not in pending:
                pending[key.digest] = (index, swapped)

    jobs = [PairJob(digest, index, swapped) for digest, (index, swapped) in pending.items()]
    failed: dict[str, str] = {}  # digest -> why the judge gave no verdict
    by_digest = {key.digest: key for key in all_keys}
    with tqdm(
        total=len(jobs),
        desc=f"judging with {identity.judge_id}",
        unit="verdict",
        disable=not progress,
        postfix={"cached": len(cached_digests)},
    ) as bar:
        for outcomes in judge_jobs(items, jobs) if jobs else ():
            done = [(digest, verdict) for digest, verdict, _ in outcomes if verdict is not None]
            if cache is not None and done:
                cache.put_many([(by_digest[digest], verdict) for digest, verdict in done])
            known.update(done)
            failed.update((digest, why) for digest, _, why in outcomes if why)
            bar.update(len(outcomes))

    if failed:
        failures = {
            index: failed[key.digest]
            for index, pair_keys in enumerate(keys)
            for key in reversed(pair_keys)
            if key.digest in failed
        }
        raise IncompleteRun(failures, len(items), cache is not None)
    pairs = []
    for pair_keys in keys:
        forward = known[pair_keys[0].digest]
        cached = all(key.digest in cached_digests for key in pair_keys)
        if not swap:
            pairs.append(JudgedPair(forward, forward, None, cached, None))
            continue
        back = swap_verdict(known[pair_keys[1].digest])
        consistent = side(forward.winner) == side(back.winner)
        pairs.append(JudgedPair(combine_swapped(forward, back), forward, back, cached, consistent))
    consistency = None
    if swap and pairs:
        consistency = sum(bool(pair.consistent) for pair in pairs) / len(pairs)
    return JudgeRun(
        pairs=tuple(pairs),
        judge_id=identity.judge_id,
        revision=identity.revision,
        prompt_version=identity.prompt_version,
        n_judged=len(jobs),
        n_cached=len(cached_digests),
        consistency_rate=consistency,
    )


def judge_as_shown(
    judge: PairwiseJudge,
    shown: Sequence[tuple[PairwiseItem, bool]],
    max_image_side: int | None,
    offset: int,
) -> list[tuple[Verdict | None, str | None]]:
    """Judge one batch of (item, swapped): each item shown B|A where asked and its images capped
    (each image once). Per item the verdict, or ``None`` and why the judge gave none; ``offset``
    (the batch's first job number) only names jobs in error messages."""
    capper = _ImageCapper(max_image_side)
    verdicts, reasons = _judge_batch(judge, [capper.item(item, swapped) for item, swapped in shown], offset)
    return list(zip(verdicts, reasons, strict=True))


def _keys_for(
    judge: CacheIdentity, item: PairwiseItem, max_image_side: int | None, swap: bool
) -> tuple[CacheKey, ...]:
    input_hash = content_hash(item.question)
    hash_a = content_hash(item.output_a)
    hash_b = content_hash(item.output_b)
    reference_hash = None if item.reference is None else content_hash(item.reference)

    def key(first: str, second: str) -> CacheKey:
        return CacheKey(
            judge_id=judge.judge_id,
            revision=judge.revision,
            prompt_version=judge.prompt_version,
            input_hash=input_hash,
            shown_first_hash=first,
            shown_second_hash=second,
            reference_hash=reference_hash,
            max_image_side=max_image_side,
        )

    return (key(hash_a, hash_b), key(hash_b, hash_a)) if swap else (key(hash_a, hash_b),)


def _judge_batch(
    judge: PairwiseJudge, shown: list[PairwiseItem], offset: int
) -> tuple[list[Verdict | None], list[str | None]]:
    """Run one batch; returns per item a verdict or ``None`` plus the reason it failed.

    A backend reports items it got no verdict for (an unreadable reply, a request that kept
    failing) by raising :class:`PartialVerdicts`, which carries ``verdicts`` (one per item, ``None``
    where it failed) and ``failures`` (position -> reason). The verdicts it did get are kept; any
    other exception propagates.
    """
    try:
        returned: list[Verdict | None] = list(judge.judge_batch(shown))
        failures: dict[int, object] = {}
    except PartialVerdicts as err:
        returned, failures = err.verdicts, dict(err.failures)
    if len(returned) != len(shown):
        raise RuntimeError(
            f"judge {judge.judge_id!r} returned {len(returned)} verdicts for a batch of {len(shown)} "
            f"(batch starting at job {offset}); a judge must return one verdict per item"
        )
    why: list[str | None] = []
    for position, verdict in enumerate(returned):
        if verdict is None:
            why.append(str(failures.get(position, "no verdict returned")))
        elif verdict.winner not in VERDICT_LABELS:
            raise ValueError(
                f"judge {judge.judge_id!r} returned winner {verdict.winner!r} for job {offset + position}; "
                f"expected one of {VERDICT_LABELS}"
            )
        else:
            why.append(None)
    return returned, why


def probabilities_of(verdict: Verdict) -> dict[str, float]:
    """The verdict's probabilities with every label present (one-hot when the judge gave none)."""
    if not verdict.probabilities:
        return {label: float(label == verdict.winner) for label in VERDICT_LABELS}
    return {label: float(verdict.probabilities.get(label, 0.0)) for label in VERDICT_LABELS}


class _ImageCapper:
    """Builds the items the judge sees: swapped if asked, images capped (each image once)."""

    def __init__(self, max_side: int | None) -> None:
        self.max_side = max_side
        self._done: dict[bytes, bytes] = {}

    def item(self, item: PairwiseItem, swapped: bool) -> PairwiseItem:
        first, second = (item.output_b, item.output_a) if swapped else (item.output_a, item.output_b)
        return PairwiseItem(
            question=self._steps(item.question),
            output_a=self._steps(first),
            output_b=self._steps(second),
            reference=None if item.reference is None else self._steps(item.reference),
        )

    def _steps(self, steps: Sequence[Step]) -> tuple[Step, ...]:
        if self.max_side is None:
            return tuple(steps)
        return tuple(Step(step.text, self._image(step.image)) for step in steps)

    def _image(self, data: bytes | None) -> bytes | None:
        if data is None or self.max_side is None:
            return data
        if data not in self._done:
            self._done[data] = cap_image(data, self.max_side)
        return self._done[data]
