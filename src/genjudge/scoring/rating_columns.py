"""The per-model numbers the board shows, by name, and the row of a model with no battles yet."""

from __future__ import annotations

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


def empty_ratings(models: list[str]) -> pd.DataFrame:
    """Rows for models without battles yet (the first model on a board): no numbers, 0 battles."""
    frame = pd.DataFrame({"model": models})
    for column in RATING_COLUMNS[1:]:
        frame[column] = np.nan
    frame["battles"] = 0
    frame["rank"] = 1
    return frame[list(RATING_COLUMNS)]
