"""DPO pairs for training generators, from the same judged comparisons.

A decisive verdict (``A`` or ``B``) says which of two answers to the same request is better: the
winner is ``chosen`` and the loser ``rejected``, the instance's input is the ``prompt``. Ties say
too little about a preference to train on and are left out (a leaning tie names a side, but the
person judged the two about equally good).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from genjudge.training.comparisons import Comparison
from genjudge.training.schema import steps_to_rows


def dpo_row(comparison: Comparison) -> dict[str, Any] | None:
    """The :data:`~genjudge.training.schema.DPO_FEATURES` row of a comparison; ``None`` for a tie."""
    if comparison.winner not in ("A", "B"):
        return None
    a_won = comparison.winner == "A"
    chosen, rejected = (
        (comparison.steps_a, comparison.steps_b) if a_won else (comparison.steps_b, comparison.steps_a)
    )
    chosen_model, rejected_model = (
        (comparison.model_a, comparison.model_b) if a_won else (comparison.model_b, comparison.model_a)
    )
    return {
        "uid": comparison.uid,
        "prompt": steps_to_rows(comparison.instance.input_steps),
        "chosen": steps_to_rows(chosen),
        "rejected": steps_to_rows(rejected),
        "chosen_model": chosen_model,
        "rejected_model": rejected_model,
        "source": comparison.source,
    }


def dpo_rows(comparisons: Iterable[Comparison]) -> tuple[list[dict[str, Any]], int]:
    """The DPO rows of the decisive comparisons, and how many ties were left out."""
    rows, ties = [], 0
    for comparison in comparisons:
        row = dpo_row(comparison)
        if row is None:
            ties += 1
        else:
            rows.append(row)
    return rows, ties
