"""How each battle outcome counts, per win-rate variant and for Bradley–Terry: the tables, once.

Win rates (:mod:`genjudge.scoring.winrate`, the arena report) and the board's running statistics
(:mod:`genjudge.scoring.incremental`) both read these tables, so the two cannot disagree on
what a tie is worth. Outcome codes are those of :mod:`genjudge.core.verdicts`; the win-rate tables
are indexed by the outcome *from the model's own point of view* (0 = won outright, 1 = lost
outright, 2 = tie leaning to itself, 3 = tie leaning to the other side, 4 = plain tie), which is
the battle's code for side A and :data:`~genjudge.core.verdicts.AS_SEEN_BY_B` of it for side B.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from genjudge.core.verdicts import AS_SEEN_BY_B

Variant = Literal["fdt", "with_tie_0", "with_tie_05", "without_tie"]
VARIANTS: tuple[Variant, ...] = ("fdt", "with_tie_0", "with_tie_05", "without_tie")
"""The four OpenING win-rate variants, in the column order of the tables below."""

CREDIT = np.array(
    [
        [1.0, 1.0, 1.0, 1.0],  # won
        [0.0, 0.0, 0.0, 0.0],  # lost
        [1.0, 0.0, 0.5, 0.0],  # tie leaning to self
        [0.0, 0.0, 0.5, 0.0],  # tie leaning to the other side
        [0.5, 0.0, 0.5, 0.0],  # plain tie
    ]
)
"""Credit a model earns for each own-view outcome (rows) under each variant (columns)."""

COUNTED = np.array(
    [
        [1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 0.0],
        [1.0, 1.0, 1.0, 0.0],
        [1.0, 1.0, 1.0, 0.0],
    ]
)
"""Whether a battle with that own-view outcome counts in the variant's denominator."""

SEEN_BY_B = np.array(AS_SEEN_BY_B)
"""``SEEN_BY_B[outcome]``: side B's own-view outcome of a battle."""

BT_SCORE_A = np.array([1.0, 0.0, 0.5, 0.5, 0.5])
"""Side A's Bradley–Terry score per outcome code: a win, a loss, and every tie half a win
(FastChat's convention; the lean of ``Tie(A)``/``Tie(B)`` is ignored)."""
