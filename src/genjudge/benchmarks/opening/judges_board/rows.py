"""One Judges board row: a judge's verdicts scored against the human verdicts.

Every number comes from :func:`genjudge.scoring.agreement.judge_agreement` (the function behind
``genjudge arena report``, so the two always agree) and
:func:`~genjudge.scoring.agreement.swap_consistency`; this module only names them as board fields.
A number that does not exist for a judge (no pair with an unseen model, no pair in both orders) is
NaN here, shown blank on the board and ``null`` in the results file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from genjudge.benchmarks.opening.judges_board.human import HumanVerdicts
from genjudge.scoring.agreement import AGREEMENT_VARIANTS, judge_agreement, swap_consistency

NAN = float("nan")


def judge_row(
    verdicts: pd.DataFrame,
    human: HumanVerdicts,
    *,
    unseen: Sequence[str] = (),
    bootstrap: int = 1000,
    seed: int = 0,
    name: str = "judge verdicts",
) -> dict[str, Any]:
    """The board fields of one judge (``verdicts`` a battles frame): agreement per variant with its
    bootstrap interval, pairs compared, the seen/unseen split, position-swap consistency and the
    pairs the human set has no verdict for."""
    agreement = judge_agreement(
        verdicts,
        human.verdicts,
        unseen_models=list(unseen) if unseen else None,
        bootstrap_rounds=bootstrap,
        seed=seed,
    )
    table = agreement.table
    row: dict[str, Any] = {variant: float(table.loc["all", variant]) for variant in AGREEMENT_VARIANTS}
    for variant in AGREEMENT_VARIANTS:
        for end in ("lower", "upper"):
            key = f"{variant}_{end}"
            row[key] = NAN if agreement.intervals is None else float(agreement.intervals.loc["all", key])
    row["pairs"] = int(table.loc["all", "pairs"])
    row["pairs_without_tie"] = int(table.loc["all", "pairs_without_tie"])
    split = unseen and "seen" in table.index
    for group in ("seen", "unseen"):
        row[f"{group}_fdt"] = float(table.loc[group, "fdt"]) if split else NAN
        row[f"{group}_pairs"] = int(table.loc[group, "pairs"]) if split else 0
    row["harmonic_fdt"] = float(table.loc["harmonic_mean", "fdt"]) if split else NAN
    swap = swap_consistency(verdicts, name=name)
    row["swap_consistency"] = swap.rate
    row["swap_pairs"] = swap.pairs
    row["unvoted"] = sum(
        (uid, frozenset((a, b))) not in human.pairs
        for uid, a, b in zip(verdicts["uid"], verdicts["model_a"], verdicts["model_b"], strict=True)
    )
    return row
