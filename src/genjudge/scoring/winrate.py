"""OpenING win rates: the four variants of the official ``calculate_model_winrate.py``.

For each model, a win rate is (credit earned) / (battles counted):

============  ===========================================  ==========================
variant       credit per battle                            battles counted
============  ===========================================  ==========================
``fdt``       A/Tie(A) win for A; B/Tie(B) win for B        all
``with_tie_0``  outright wins only (ties earn 0)             all
``with_tie_05`` outright wins, ties 0.5 to each side         all
``without_tie`` outright wins                                outright (A/B) only
============  ===========================================  ==========================

The OpenING maintainers recommend FDT as the headline metric. A plain ``Tie`` is treated as
documented in :mod:`genjudge.scoring.battles`. Rates are fractions in [0, 1]; a model with no
counted battle under a variant gets NaN there (the official script leaves it out of that list).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from genjudge.scoring.battles import EncodedBattles, PreparedBattles, encode_battles

Variant = Literal["fdt", "with_tie_0", "with_tie_05", "without_tie"]
VARIANTS: tuple[Variant, ...] = ("fdt", "with_tie_0", "with_tie_05", "without_tie")

# Per outcome code (A, B, Tie(A), Tie(B), Tie): credit to side A, credit to side B, counted?
_CREDIT_A: dict[str, np.ndarray] = {
    "fdt": np.array([1.0, 0.0, 1.0, 0.0, 0.5]),
    "with_tie_0": np.array([1.0, 0.0, 0.0, 0.0, 0.0]),
    "with_tie_05": np.array([1.0, 0.0, 0.5, 0.5, 0.5]),
    "without_tie": np.array([1.0, 0.0, 0.0, 0.0, 0.0]),
}
_COUNTED: dict[str, np.ndarray] = {
    "fdt": np.ones(5),
    "with_tie_0": np.ones(5),
    "with_tie_05": np.ones(5),
    "without_tie": np.array([1.0, 1.0, 0.0, 0.0, 0.0]),
}


def _credit_b(variant: str) -> np.ndarray:
    # Side B's credit mirrors side A's with the outcomes swapped (A<->B, Tie(A)<->Tie(B)).
    return _CREDIT_A[variant][[1, 0, 3, 2, 4]]


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown win-rate variant {variant!r}; expected one of {list(VARIANTS)}")


def _per_model(encoded: EncodedBattles, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """Credit and counted battles per model for one variant."""
    m = encoded.n_models
    counted = _COUNTED[variant][encoded.outcome]
    credit = np.bincount(encoded.a, _CREDIT_A[variant][encoded.outcome], m) + np.bincount(
        encoded.b, _credit_b(variant)[encoded.outcome], m
    )
    total = np.bincount(encoded.a, counted, m) + np.bincount(encoded.b, counted, m)
    return credit, total


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
    m = encoded.n_models
    columns: dict[str, np.ndarray] = {}
    for variant in VARIANTS:
        credit, total = _per_model(encoded, variant)
        columns[variant] = _ratio(credit, total)
    # Outcome counts from each model's point of view: code 0 = own win, 1 = own loss,
    # 2 = tie leaning to self, 3 = tie leaning to the other side, 4 = plain tie.
    own_outcome_b = np.array([1, 0, 3, 2, 4])[encoded.outcome]
    counts = np.bincount(encoded.a * 5 + encoded.outcome, minlength=m * 5) + np.bincount(
        encoded.b * 5 + own_outcome_b, minlength=m * 5
    )
    counts = counts.reshape(m, 5)
    columns["battles"] = counts.sum(axis=1)
    for position, name in enumerate(("wins", "losses", "ties_lean_self", "ties_lean_other", "ties_plain")):
        columns[name] = counts[:, position]
    columns["decisive"] = counts[:, 0] + counts[:, 1]
    order = np.argsort(-columns["fdt"], kind="stable")
    return pd.DataFrame(
        {name: values[order] for name, values in columns.items()},
        index=encoded.model_index.take(order),
    )


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
    return _matrix(encode_battles(battles), variant)


def win_rate_matrices(battles: pd.DataFrame | PreparedBattles) -> dict[str, pd.DataFrame]:
    """All four head-to-head matrices at once (validates and encodes the battles only once)."""
    encoded = encode_battles(battles)
    return {variant: _matrix(encoded, variant) for variant in VARIANTS}


def _matrix(encoded: EncodedBattles, variant: str) -> pd.DataFrame:
    m = encoded.n_models
    outcome = encoded.outcome
    credit_a = _CREDIT_A[variant][outcome]
    credit_b = _credit_b(variant)[outcome]
    counted = _COUNTED[variant][outcome]
    forward = encoded.a * m + encoded.b
    backward = encoded.b * m + encoded.a
    credit = np.bincount(forward, credit_a, m * m) + np.bincount(backward, credit_b, m * m)
    total = np.bincount(forward, counted, m * m) + np.bincount(backward, counted, m * m)
    rates = _ratio(credit, total).reshape(m, m)
    overall = _ratio(credit.reshape(m, m).sum(axis=1), total.reshape(m, m).sum(axis=1))
    order = np.argsort(-np.nan_to_num(overall, nan=-1.0), kind="stable")
    index = encoded.model_index.take(order)
    return pd.DataFrame(rates[np.ix_(order, order)], index=index, columns=index.rename("opponent"))
