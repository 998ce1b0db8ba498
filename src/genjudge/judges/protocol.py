"""The pairwise-judge protocol every backend implements.

OpenING verdicts are one of four labels: a side wins outright, or the two are tied with a lean
to one side (``Tie(A)``/``Tie(B)``). Keeping the lean lets every win-rate variant (force-dividing
tie, with tie, without tie) be computed from the same stored verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from genjudge.records import Step

VerdictLabel = Literal["A", "B", "Tie(A)", "Tie(B)"]
VERDICT_LABELS: tuple[VerdictLabel, ...] = ("A", "B", "Tie(A)", "Tie(B)")


class JudgeError(RuntimeError):
    """A backend failed in a way the user must fix (bad credentials, unreachable server...).

    Front ends catch this one type to show a message instead of a traceback, whatever the backend.
    """


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


@runtime_checkable
class PairwiseJudge(Protocol):
    """What every pairwise backend provides.

    ``judge_id``, ``revision`` and ``prompt_version`` identify the verdicts for the cache: change
    any of them and earlier verdicts no longer count.
    """

    judge_id: str
    revision: str
    prompt_version: str

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        """Judge a batch in the order given; one verdict per item."""
        ...
