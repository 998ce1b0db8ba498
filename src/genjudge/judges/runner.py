"""Pairwise judging: the verdict kind of the cached-job runner (:mod:`genjudge.judges.jobs`), with
image capping and position swap done once around any pairwise judge.

* **Cache first, resume.** See :mod:`genjudge.judges.jobs`: every (item, order shown) is looked up
  in the :class:`VerdictCache` by content hashes of the *original* bytes; only misses are judged.
* **Image cap.** Images whose longest side exceeds ``max_image_side`` are downscaled before the
  judge sees them (hashes stay on the original bytes, and the cap is part of the cache key).
* **Position swap.** With ``swap=True`` each pair is also judged in the order B|A; that verdict is
  mapped back (A↔B, Tie(A)↔Tie(B)) and the two are combined by averaging probabilities. The
  run reports how often the two orders agree on the favoured side.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from genjudge.core.records import Step, content_hash
from genjudge.judges.cache import CacheKey, VerdictCache
from genjudge.judges.jobs import BatchStrategy, in_process, judge_batch, run_cached_jobs
from genjudge.judges.protocol import VERDICT_LABELS, CacheIdentity, PairwiseItem, PairwiseJudge, Verdict

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
class PairwiseJobs:
    """The :class:`~genjudge.judges.jobs.JobKind` of pairwise verdicts: one job per order shown
    (two with ``swap``), each keyed by a :class:`CacheKey`; the payload is (item, shown B|A)."""

    swap: bool = False
    noun = "verdict"
    verb = "judging"

    def keys(
        self, identity: CacheIdentity, item: PairwiseItem, max_image_side: int | None
    ) -> tuple[CacheKey, ...]:
        input_hash = content_hash(item.question)
        hash_a = content_hash(item.output_a)
        hash_b = content_hash(item.output_b)
        reference_hash = None if item.reference is None else content_hash(item.reference)

        def key(first: str, second: str) -> CacheKey:
            return CacheKey(
                judge_id=identity.judge_id,
                revision=identity.revision,
                prompt_version=identity.prompt_version,
                input_hash=input_hash,
                shown_first_hash=first,
                shown_second_hash=second,
                reference_hash=reference_hash,
                max_image_side=max_image_side,
            )

        return (key(hash_a, hash_b), key(hash_b, hash_a)) if self.swap else (key(hash_a, hash_b),)

    def payload(self, item: PairwiseItem, variant: int) -> tuple[PairwiseItem, bool]:
        return item, variant == 1

    def run_shown(
        self,
        judge: PairwiseJudge,
        payloads: list[tuple[PairwiseItem, bool]],
        max_image_side: int | None,
        offset: int,
    ) -> list[tuple[Verdict | None, str | None]]:
        return judge_as_shown(judge, payloads, max_image_side, offset)

    def read(self, cache: VerdictCache, keys: list[CacheKey]) -> Mapping[str, Verdict]:
        return {digest: row.verdict for digest, row in cache.get_many(keys).items()}

    def write(self, cache: VerdictCache, entries: list[tuple[CacheKey, Verdict]]) -> None:
        cache.put_many(entries)


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
    batches = in_process(judge, batch_size)
    return run_pair_jobs(
        judge, items, batches, cache=cache, max_image_side=max_image_side, swap=swap, progress=progress
    )


def run_pair_jobs(
    identity: CacheIdentity,
    items: Sequence[PairwiseItem],
    batches: BatchStrategy,
    *,
    cache: VerdictCache | str | Path | None = None,
    max_image_side: int | None = None,
    swap: bool = False,
    progress: bool = True,
) -> JudgeRun:
    """:func:`judge_pairs` with the judging done by ``batches`` (wherever the judge runs): the
    cached-job run, then each pair's verdict (the two orders combined with ``swap``)."""
    done = run_cached_jobs(
        PairwiseJobs(swap),
        identity,
        items,
        batches,
        cache=cache,
        max_image_side=max_image_side,
        progress=progress,
    )
    pairs = []
    for verdicts, cached in zip(done.results, done.cached, strict=True):
        forward = verdicts[0]
        if not swap:
            pairs.append(JudgedPair(forward, forward, None, cached, None))
            continue
        back = swap_verdict(verdicts[1])
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
        n_judged=done.n_run,
        n_cached=done.n_cached,
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

    def check(verdict: Verdict, job: int) -> None:
        if verdict.winner not in VERDICT_LABELS:
            raise ValueError(
                f"judge {judge.judge_id!r} returned winner {verdict.winner!r} for job {job}; "
                f"expected one of {VERDICT_LABELS}"
            )

    return judge_batch(
        judge.judge_batch,
        [capper.item(item, swapped) for item, swapped in shown],
        judge_id=judge.judge_id,
        noun="verdict",
        offset=offset,
        check=check,
    )


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
