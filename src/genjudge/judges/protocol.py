"""The two judge protocols: pairwise (two outputs in, a verdict out) and scoring (one piece of media
in, named numbers out). Backends implement only ``judge_batch`` / ``score_batch``; batching, the
cache, image capping and resume are done once around them by :mod:`genjudge.judges.jobs`.

OpenING verdicts are one of four labels (defined once, in :mod:`genjudge.core.verdicts`): a side wins
outright, or the two are tied with a lean to one side (``Tie(A)``/``Tie(B)``). Keeping the lean
lets every win-rate variant (force-dividing tie, with tie, without tie) be computed from the same
stored verdicts.

A scoring judge rates one generated image (or video) on its own: perceptual quality, agreement
with the prompt, the answer to a yes/no question about it.

``PartialVerdicts`` and ``PartialScores`` are part of the protocols: they are how a backend reports
items it got nothing for (unreadable replies, requests that kept failing, media that does not
decode) without losing the results it did get; the runner catches their base, ``PartialResults``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from genjudge.core.records import Step
from genjudge.core.verdicts import VERDICT_LABELS, VerdictLabel

__all__ = [
    "VERDICT_LABELS",
    "JudgeError",
    "Media",
    "PairwiseItem",
    "PairwiseJudge",
    "PartialResults",
    "PartialScores",
    "PartialVerdicts",
    "Scores",
    "ScoringItem",
    "ScoringJudge",
    "Unparseable",
    "Verdict",
    "VerdictLabel",
]


class JudgeError(RuntimeError):
    """A backend failed in a way the user must fix (bad credentials, unreachable server...).

    Front ends catch this one type to show a message instead of a traceback, whatever the backend.
    """


@dataclass(frozen=True)
class Unparseable:
    """A reply that names no verdict; ``raw`` keeps the reply for the report."""

    raw: str


class PartialResults(RuntimeError):
    """Some items of a batch got no result; the others are kept.

    ``results`` has one entry per item, ``None`` where it failed; ``failures`` maps each failed
    position to why. Callers that cache results store the good ones and report the rest, so a
    re-run only repeats the failed items.
    """

    def __init__(self, results: Sequence[Any], failures: Mapping[int, object], message: str) -> None:
        self.results = list(results)
        self.failures = dict(failures)
        super().__init__(message)


class PartialVerdicts(PartialResults):
    """Some items of a batch got no verdict: ``failures`` says why for each, ``Unparseable`` (the
    reply named no verdict) or the exception of a request that kept failing."""

    def __init__(
        self, verdicts: Sequence[Verdict | None], failures: Mapping[int, Unparseable | Exception]
    ) -> None:
        hint = ""
        if any(isinstance(why, Unparseable) for why in failures.values()):
            hint = (
                " Pass on_unparseable='official' to apply the official leaning rule to unparseable replies."
            )
        listing = describe_failures({i: _describe(why) for i, why in failures.items()})
        super().__init__(
            verdicts, failures, f"{len(failures)} of {len(verdicts)} items got no verdict ({listing}).{hint}"
        )
        self.verdicts: list[Verdict | None] = self.results


class PartialScores(PartialResults):
    """Some items of a batch got no scores; ``failures`` maps each failed position to the reason."""

    def __init__(self, scores: Sequence[Scores | None], failures: Mapping[int, str]) -> None:
        listing = describe_failures(failures)
        super().__init__(
            scores, failures, f"{len(failures)} of {len(scores)} items got no scores ({listing})"
        )
        self.scores: list[Scores | None] = self.results


def describe_failures(failures: Mapping[int, object]) -> str:
    """The first five failures by position, and how many more."""
    shown = "; ".join(f"item {i}: {why}" for i, why in sorted(failures.items())[:5])
    return shown + ("" if len(failures) <= 5 else f"; and {len(failures) - 5} more")


def _describe(why: Unparseable | Exception) -> str:
    if isinstance(why, Unparseable):
        return f"reply names no verdict: {why.raw[:80]!r}"
    return f"{type(why).__name__}: {str(why)[:160]}"


@dataclass(frozen=True)
class PairwiseItem:
    """One comparison: the instance's input steps, two candidate outputs and, optionally, the gold answer."""

    question: tuple[Step, ...]
    output_a: tuple[Step, ...]
    output_b: tuple[Step, ...]
    reference: tuple[Step, ...] | None = None


@dataclass(frozen=True)
class Verdict:
    """A judge's decision on one item, as shown (A is whatever was shown first).

    ``probabilities`` maps each label in ``VERDICT_LABELS`` to the judge's probability for it;
    ``raw`` keeps the judge's own text where there is one, so parsing can be audited.
    """

    winner: VerdictLabel
    probabilities: Mapping[str, float] = field(default_factory=dict)
    raw: str | None = None


class CacheIdentity(Protocol):
    """What keys a judge's verdicts in the cache: every :class:`PairwiseJudge` has it, and so does
    the description of a judge that lives in other processes (see ``genjudge.judges.ray_runner``).

    ``judge_id``, ``revision`` and ``prompt_version`` identify the verdicts: change any of them and
    earlier verdicts no longer count.
    """

    judge_id: str
    revision: str
    prompt_version: str


@runtime_checkable
class PairwiseJudge(CacheIdentity, Protocol):
    """What every pairwise backend provides: a :class:`CacheIdentity` and the judging itself."""

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        """Judge a batch in the order given; one verdict per item."""
        ...


Scores = Mapping[str, float]
"""Named numbers for one item, e.g. ``{"perception": 61.2}`` or ``{"yes": 1.0, "p_yes": 0.93}``."""

# Leading bytes of the image formats a judge may be given; what they are decides how a judge reads them.
_IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"BM": "image/bmp",
}


@dataclass(frozen=True)
class Media:
    """Encoded media and what it is: ``media_type`` is a MIME type such as ``image/png`` or
    ``video/mp4``, so one item type serves image and video judges, and a judge can refuse media it
    cannot read instead of failing inside a decoder."""

    data: bytes
    media_type: str

    @property
    def kind(self) -> str:
        """The top-level type: ``"image"``, ``"video"``, ``"audio"``…"""
        return self.media_type.partition("/")[0]

    @classmethod
    def image(cls, data: bytes) -> Media:
        """Bytes known to be an image; the subtype is read from the leading bytes (``image/*`` when
        they name no common format: the judge that decodes them reports what is wrong)."""
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return cls(data, "image/webp")
        found = (kind for magic, kind in _IMAGE_SIGNATURES.items() if data.startswith(magic))
        return cls(data, next(found, "image/*"))


@dataclass(frozen=True)
class ScoringItem:
    """One piece of media to score: the text prompt it was generated for, the media and, for
    question-answering judges, the question asked about it."""

    prompt: str
    media: Media
    question: str | None = None


class ScoringIdentity(CacheIdentity, Protocol):
    """What keys a scoring judge's scores in the cache and shapes its run: every
    :class:`ScoringJudge` has it, and so does the description of a judge in other processes.

    ``score_names`` lists the keys every returned :data:`Scores` mapping has, so front ends can lay
    out columns before any item is scored. ``uses_prompt`` and ``uses_question`` say whether
    ``ScoringItem.prompt`` / ``.question`` are shown to the model: only what the model sees is part
    of the cache key, so a perception judge scores an image once whatever prompt it came with.
    """

    score_names: tuple[str, ...]
    uses_prompt: bool
    uses_question: bool


@runtime_checkable
class ScoringJudge(ScoringIdentity, Protocol):
    """What every scoring backend provides: a :class:`ScoringIdentity` and the scoring itself."""

    def score_batch(self, items: Sequence[ScoringItem]) -> list[Scores]:
        """Score a batch in the order given; one mapping with every name in ``score_names`` per item."""
        ...


class JudgeModelNotFound(OSError):
    """A judge's checkpoint could not be loaded (offline, wrong path, or not downloaded); the message
    names what to download and how to point the judge at a local folder."""
