"""OpenING win rates: the four variants of the official ``calculate_model_winrate.py``.

For each model, a win rate is (credit earned) / (battles counted):

- ``fdt`` (force dividing tie): A and Tie(A) are a win for A, B and Tie(B) a win for B; all
  battles count.
- ``with_tie_0``: outright wins only (ties earn 0); all battles count.
- ``with_tie_05``: outright wins, plus 0.5 to each side of a tie; all battles count.
- ``without_tie``: outright wins; only outright (A/B) battles count.

The OpenING maintainers recommend FDT as the headline metric. A plain ``Tie`` is treated as
documented in :mod:`genjudge.scoring.battles`; what each outcome earns is the table in
:mod:`genjudge.scoring.credit`. Rates are fractions in [0, 1]; a model with no
counted battle under a variant gets NaN there (the official script leaves it out of that list).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genjudge.scoring.battles import EncodedBattles, PreparedBattles, encode_battles
from genjudge.scoring.credit import COUNTED, CREDIT, SEEN_BY_B, VARIANTS, Variant

__all__ = ["VARIANTS", "Variant", "win_rate_matrices", "win_rate_matrix", "win_rates"]


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown win-rate variant {variant!r}; expected one of {list(VARIANTS)}")


def _head_to_head_counts(encoded: EncodedBattles) -> np.ndarray:
    """``counts[i, j, k]``: battles of model i against model j with outcome k from i's view."""
    m = encoded.n_models
    forward = (encoded.a * m + encoded.b) * 5 + encoded.outcome
    backward = (encoded.b * m + encoded.a) * 5 + SEEN_BY_B[encoded.outcome]
    counts = np.bincount(forward, minlength=m * m * 5) + np.bincount(backward, minlength=m * m * 5)
    return counts.reshape(m, m, 5).astype(np.float64)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def win_rates(battles: pd.DataFrame | PreparedBattles) -> pd.DataFrame:
    """Win rates of every model under all four OpenING variants, with the counts behind them.

    Returns one row per model (index ``model``), sorted by FDT win rate (highest first), with
    columns ``fdt``, ``with_tie_0``, ``with_tie_05``, ``without_tie`` (fractions) and
    ``battles``, ``wins`` (outright), ``losses`` (outright), ``ties_lean_self`` (ties leaning
    to this model), ``ties_lean_other``, ``ties_plain`` and ``decisive`` (outright battles).

    >>> import pandas as pd
    >>> b = pd.DataFrame({"uid": ["1", "2", "3"], "model_a": ["x", "x", "y"],
    ...                   "model_b": ["y", "y", "x"], "winner": ["A", "Tie(B)", "Tie(A)"]})
    >>> rates = win_rates(b)
    >>> [round(float(rates.loc["x", v]), 3) for v in VARIANTS]
    [0.333, 0.333, 0.667, 1.0]
    """
    encoded = encode_battles(battles)
    counts = _head_to_head_counts(encoded).sum(axis=1)  # (model, own outcome)
    rates = _ratio(counts @ CREDIT, counts @ COUNTED)
    order = np.argsort(-rates[:, 0], kind="stable")
    counts = counts[order].astype(np.int64)
    columns: dict[str, np.ndarray] = {variant: rates[order, k] for k, variant in enumerate(VARIANTS)}
    columns["battles"] = counts.sum(axis=1)
    for position, name in enumerate(("wins", "losses", "ties_lean_self", "ties_lean_other", "ties_plain")):
        columns[name] = counts[:, position]
    columns["decisive"] = counts[:, 0] + counts[:, 1]
    return pd.DataFrame(columns, index=encoded.model_index.take(order))


def win_rate_matrix(battles: pd.DataFrame | PreparedBattles, variant: Variant = "fdt") -> pd.DataFrame:
    """Head-to-head win rates: cell (row, column) is the row model's win rate against the column model.

    Battles are pooled over both A/B orders. The diagonal and pairs that never met are NaN.
    Models are ordered by their overall rate under the same variant (highest first), as the
    official script orders its CSV.

    The official script's *without tie* CSV divides outright wins by all battles of the pair,
    ties included (its overall numbers do drop ties); here the matrix drops ties too, so each
    cell is the rate the variant's name promises and the matrix agrees with the overall column.
    """
    _check_variant(variant)
    return _matrices(encode_battles(battles), [variant])[variant]


def win_rate_matrices(battles: pd.DataFrame | PreparedBattles) -> dict[str, pd.DataFrame]:
    """All four head-to-head matrices at once (the battles are counted only once)."""
    return _matrices(encode_battles(battles), VARIANTS)


def _matrices(encoded: EncodedBattles, variants) -> dict[str, pd.DataFrame]:
    counts = _head_to_head_counts(encoded)
    credit, counted = counts @ CREDIT, counts @ COUNTED  # (model, opponent, variant)
    rates = _ratio(credit, counted)
    overall = _ratio(credit.sum(axis=1), counted.sum(axis=1))
    orders = np.argsort(-np.nan_to_num(overall, nan=-1.0), axis=0, kind="stable")  # (rank, variant)
    result = {}
    for variant in variants:
        order = orders[:, VARIANTS.index(variant)]
        index = encoded.model_index.take(order)
        result[variant] = pd.DataFrame(
            rates[order][:, order, VARIANTS.index(variant)], index=index, columns=index.rename("opponent")
        )
    return result
