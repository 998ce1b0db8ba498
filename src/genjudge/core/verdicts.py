"""Pairwise verdict labels and their outcome codes: the one table judges and scoring share.

This is a bottom-layer module (it imports nothing from genjudge), so ``genjudge.judges`` (which
produces verdicts) and ``genjudge.scoring`` (which counts them) agree on the labels without
scoring importing the judges.

A judge says one of OpenING's four labels: a side wins outright (``A``, ``B``) or the two are
tied with a lean to one side (``Tie(A)``, ``Tie(B)``). Battle files may also hold a plain
``Tie`` (raters that cannot lean); scoring accepts it, judges never produce it.

The outcome code of a label is its position in :data:`WINNER_LABELS`; scoring works on these
integer codes instead of strings.
"""

from __future__ import annotations

from typing import Literal

VerdictLabel = Literal["A", "B", "Tie(A)", "Tie(B)"]
VERDICT_LABELS: tuple[VerdictLabel, ...] = ("A", "B", "Tie(A)", "Tie(B)")
"""What a pairwise judge may answer, in the order of its probability vectors."""

TIE = "Tie"
"""A tie without a lean (accepted in battle files, never produced by a judge)."""

WINNER_LABELS: tuple[str, ...] = (*VERDICT_LABELS, TIE)
"""Every accepted ``winner`` value; a label's position is its outcome code."""

OUTCOME_A, OUTCOME_B, OUTCOME_TIE_A, OUTCOME_TIE_B, OUTCOME_TIE = range(len(WINNER_LABELS))
OUTCOME_CODES: dict[str, int] = {label: code for code, label in enumerate(WINNER_LABELS)}
"""Label -> outcome code."""

AS_SEEN_BY_B: tuple[int, ...] = (OUTCOME_B, OUTCOME_A, OUTCOME_TIE_B, OUTCOME_TIE_A, OUTCOME_TIE)
"""The outcome code of a battle from side B's point of view (a win for A is a loss for B...)."""
