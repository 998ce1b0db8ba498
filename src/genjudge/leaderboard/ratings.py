"""Battles → the per-model numbers the board shows, through the project's scoring functions.

The scoring itself (win-rate variants, Bradley–Terry with bootstrap intervals) is pure and lives
in :mod:`genjudge.scoring`; this module only selects the columns the board needs and gives them
stable names, so the worker can take any ``rate`` callable with the same output.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

RATING_COLUMNS = (
    "model",
    "winrate_fdt",
    "winrate_with_tie",
    "winrate_without_tie",
    "rating",
    "rating_lower",
    "rating_upper",
    "rank",
    "battles",
)
RateFn = Callable[[pd.DataFrame], pd.DataFrame]


def empty_ratings(models: list[str]) -> pd.DataFrame:
    """Rows for models without battles yet (the first model on a board): no numbers, 0 battles."""
    frame = pd.DataFrame({"model": models})
    for column in RATING_COLUMNS[1:]:
        frame[column] = np.nan
    frame["battles"] = 0
    frame["rank"] = 1
    return frame[list(RATING_COLUMNS)]


def rate_battles(battles: pd.DataFrame, *, bootstrap_rounds: int = 100, seed: int = 0) -> pd.DataFrame:
    """Win rates (FDT, with tie = ties earn 0, without tie) and BT rating with 95% interval and rank.

    ``battles`` has the columns ``uid, model_a, model_b, winner``.
    """
    from genjudge.scoring.bradley_terry import fit_bradley_terry
    from genjudge.scoring.winrate import win_rates

    rates = win_rates(battles)
    bt = fit_bradley_terry(battles, bootstrap_rounds=bootstrap_rounds, seed=seed)
    bt = bt.reset_index() if "model" not in bt.columns else bt
    frame = pd.DataFrame(
        {
            "model": rates.index.astype(str),
            "winrate_fdt": rates["fdt"].to_numpy(float),
            "winrate_with_tie": rates["with_tie_0"].to_numpy(float),
            "winrate_without_tie": rates["without_tie"].to_numpy(float),
            "battles": rates["battles"].to_numpy(int),
        }
    )
    bt = bt.rename(columns={"lower": "rating_lower", "upper": "rating_upper"})
    frame = frame.merge(
        bt[["model", "rating", "rating_lower", "rating_upper", "rank"]], on="model", how="left"
    )
    return frame[list(RATING_COLUMNS)]
