"""The pairwise-judge protocol every backend implements.

OpenING verdicts are one of four labels (defined once, in :mod:`genjudge.core.verdicts`): a side wins
outright, or the two are tied with a lean to one side (``Tie(A)``/``Tie(B)``). Keeping the lean
lets every win-rate variant (force-dividing tie, with tie, without tie) be computed from the same
stored verdicts.

``PartialVerdicts`` is part of the protocol: it is how a backend reports items it got no verdict
for (unreadable replies, requests that kept failing) without losing the verdicts it did get, and
the runner catches exactly this type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from genjudge.core.records import Step
from genjudge.core.verdicts import VERDICT_LABELS, VerdictLabel

__all__ = [
    "VERDICT_LABELS",
    "JudgeError",
    "PairwiseItem",
    "PairwiseJudge",
    "PartialVerdicts",
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


class PartialVerdicts(RuntimeError):
    """Some items of a batch got no verdict; the others are kept.

    ``verdicts`` has one entry per item, ``None`` where it failed; ``failures`` maps each failed
    position to why: ``Unparseable`` (the reply named no verdict) or the exception of a request
    that kept failing. Callers that cache verdicts store the good ones and report the rest, so a
    re-run only repeats the failed items.
    """

    def __init__(
        self, verdicts: Sequence[Verdict | None], failures: Mapping[int, Unparseable | Exception]
    ) -> None:
        self.verdicts = list(verdicts)
        self.failures = dict(failures)
        shown = "; ".join(f"item {i}: {_describe(why)}" for i, why in sorted(self.failures.items())[:5])
        more = "" if len(self.failures) <= 5 else f"; and {len(self.failures) - 5} more"
        hint = ""
        if any(isinstance(why, Unparseable) for why in self.failures.values()):
            hint = (
                " Pass on_unparseable='official' to apply the official leaning rule to unparseable replies."
            )
        super().__init__(
            f"{len(self.failures)} of {len(self.verdicts)} items got no verdict ({shown}{more}).{hint}"
        )


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


class JudgeModelNotFound(OSError):
    """A judge's checkpoint could not be loaded (offline, wrong path, or not downloaded); the message
    names what to download and how to point the judge at a local folder."""
