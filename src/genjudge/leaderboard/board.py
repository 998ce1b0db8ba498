"""The leaderboard table: built once when a job finishes, served from a cached frame.

``build_board`` joins the per-model numbers with the submissions' metadata (date, link) and is
run by the worker, on write. ``BoardView`` is what a page callback uses: it re-reads the board
file only when its modification time changes and otherwise just filters and sorts a frame that
is already formatted for display, so a page view costs milliseconds even for 1,000 models.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from genjudge.scoring.rating_columns import RATING_COLUMNS

BOARD_COLUMNS = (
    "benchmark",
    *RATING_COLUMNS,
    "submitted_at",
    "model_link",
    "submission_id",
)
DISPLAY_COLUMNS = {
    "rank": "Rank",
    "model": "Model",
    "rating": "BT rating",
    "ci": "95% CI",
    "winrate_fdt": "Win rate FDT (%)",
    "winrate_with_tie": "Win rate with tie (%)",
    "winrate_without_tie": "Win rate without tie (%)",
    "battles": "Battles",
    "submitted": "Submitted",
    "model_link": "Link",
}
SORTABLE = {
    "Rank": "rank",
    "BT rating": "rating",
    "Win rate FDT (%)": "winrate_fdt",
    "Win rate with tie (%)": "winrate_with_tie",
    "Win rate without tie (%)": "winrate_without_tie",
    "Battles": "battles",
    "Model": "model_key",
    "Submitted": "submitted_at",
}


def build_board(benchmark: str, ratings: pd.DataFrame, requests: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per finished model: its numbers plus submission date and link, best first."""
    meta = pd.DataFrame(
        [
            {
                "model": r["model"],
                "submitted_at": r["submitted_at"],
                "model_link": r.get("model_link") or "",
                "submission_id": r["submission_id"],
            }
            for r in requests
        ],
        columns=["model", "submitted_at", "model_link", "submission_id"],
    )
    board = meta.merge(ratings, on="model", how="left")
    board["battles"] = board["battles"].fillna(0).astype("int64")
    board["rank"] = board["rank"].fillna(1).astype("int64")
    board.insert(0, "benchmark", benchmark)
    order = np.lexsort((board["model"].str.lower().to_numpy(), -board["rating"].fillna(-np.inf).to_numpy()))
    return board.iloc[order][list(BOARD_COLUMNS)].reset_index(drop=True)


def _bound(value: float) -> str:
    """An interval end; infinite for a model that never lost (or never won)."""
    return f"{value:.1f}" if np.isfinite(value) else ("∞" if value > 0 else "−∞")


def _pct(values: pd.Series) -> pd.Series:
    return (values * 100).round(1)


def display_frame(board: pd.DataFrame) -> pd.DataFrame:
    """Board → what people read: rounded numbers, the interval as text, sort keys kept aside."""
    frame = pd.DataFrame(
        {
            "rank": board["rank"].astype("int64"),
            "model": board["model"],
            "rating": board["rating"].round(1),
            "ci": [
                "" if np.isnan(lo) else f"{_bound(lo)} – {_bound(hi)}"
                for lo, hi in zip(
                    board["rating_lower"].to_numpy(float), board["rating_upper"].to_numpy(float), strict=True
                )
            ],
            "winrate_fdt": _pct(board["winrate_fdt"]),
            "winrate_with_tie": _pct(board["winrate_with_tie"]),
            "winrate_without_tie": _pct(board["winrate_without_tie"]),
            "battles": board["battles"].astype("int64"),
            "submitted": board["submitted_at"].str.slice(0, 10),
            "model_link": board["model_link"].fillna(""),
        }
    )
    frame = frame.rename(columns=DISPLAY_COLUMNS)
    # Hidden helpers for the callback: lower-cased name for search, full timestamp for sorting.
    frame["model_key"] = board["model"].str.lower().to_numpy()
    frame["submitted_at"] = board["submitted_at"].to_numpy()
    return frame


class BoardView:
    """A cached, display-ready board for one benchmark; safe to share between callback threads."""

    def __init__(self, store: Any, benchmark: str) -> None:
        self.store = store
        self.benchmark = benchmark
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._board = pd.DataFrame(columns=list(BOARD_COLUMNS))
        self._display = display_frame(self._board)

    def refresh(self) -> pd.DataFrame:
        """The raw board, re-read only when the file changed since the last call."""
        stamp = self.store.board_mtime(self.benchmark)
        with self._lock:
            if stamp != self._stamp:
                board = self.store.read_board(self.benchmark)
                self._board = board if board is not None else pd.DataFrame(columns=list(BOARD_COLUMNS))
                self._display = display_frame(self._board)
                self._stamp = stamp
            return self._board

    def table(self, search: str = "", sort_by: str = "Rank", descending: bool | None = None) -> pd.DataFrame:
        """The rows to show: models whose name contains ``search`` (any case), sorted by ``sort_by``."""
        self.refresh()
        frame = self._display
        needle = (search or "").strip().lower()
        if needle:
            frame = frame[frame["model_key"].str.contains(needle, regex=False)]
        key = SORTABLE.get(sort_by, "rank")
        source = key if key in ("model_key", "submitted_at") else sort_by if sort_by in frame else "Rank"
        if descending is None:
            descending = source not in ("Rank", "model_key")
        frame = frame.sort_values(source, ascending=not descending, kind="stable", na_position="last")
        return frame[list(DISPLAY_COLUMNS.values())]
