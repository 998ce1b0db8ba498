"""The leaderboard table of any benchmark: built once when a job finishes, served from a cached frame.

:func:`build_board` adds what every board has — the rank in the benchmark's default order, the
submission date and link — to the rows a plug-in's evaluate step returns; the worker runs it on
write. :class:`BoardView` is what a page callback uses: it re-reads the board file only when its
modification time changes and otherwise filters and sorts a frame already formatted for display,
so a page view costs milliseconds even for 1,000 models. Which columns exist, how they are shown
and how the board is sorted all come from the benchmark's :class:`~genjudge.benchmarks.plugin.BenchmarkSpec`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from genjudge.benchmarks.plugin import BenchmarkSpec, Column, ColumnKind, Scope, SortKey

META_COLUMNS = ("model", "submitted_at", "model_link", "submission_id")
RANK_LABEL, MODEL_LABEL, SUBMITTED_LABEL, LINK_LABEL = "Rank", "Model", "Submitted", "Link"


def board_columns(spec: BenchmarkSpec) -> list[str]:
    """The fields of a stored board, in order."""
    return [
        "benchmark",
        "board",
        "rank",
        "model",
        *spec.stored_fields(),
        "submitted_at",
        "model_link",
        "submission_id",
    ]


def competition_rank(frame: pd.DataFrame, sort: Sequence[SortKey]) -> np.ndarray:
    """1 + the number of rows strictly ahead in the ``sort`` order: equal keys share a rank (1, 1, 3);
    a missing number sorts last."""
    if frame.empty:
        return np.zeros(0, dtype=np.int64)
    keys = []
    for key in sort:
        values = frame[key.key].to_numpy(dtype=float)
        values = np.where(np.isnan(values), -np.inf if key.descending else np.inf, values)
        keys.append(-values if key.descending else values)
    order = np.lexsort(keys[::-1])
    ordered = np.stack([k[order] for k in keys], axis=1)
    starts = np.r_[True, np.any(ordered[1:] != ordered[:-1], axis=1)]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = first + 1
    return rank


def build_board(spec: BenchmarkSpec, rows: pd.DataFrame, requests: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per model on the board: the plug-in's numbers, the rank, date and link; best first.

    Rows of models that were never submitted (a benchmark's reference rows, such as the generators
    people rated) are kept, with no date, link or submission id."""
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
        columns=list(META_COLUMNS),
    )
    board = meta.merge(rows, on="model", how="outer", sort=False)
    board[["submitted_at", "model_link", "submission_id"]] = board[
        ["submitted_at", "model_link", "submission_id"]
    ].fillna("")
    for name, dtype in spec.stored_fields().items():
        if name not in board:
            raise ValueError(f"the {spec.name} evaluation returned no {name!r} column")
        if dtype == "int64":
            board[name] = board[name].fillna(0).astype("int64")
    board["benchmark"] = spec.name
    board["board"] = requests[0]["board"] if requests else spec.name
    board["rank"] = competition_rank(board, spec.sort)
    order = np.lexsort((board["model"].str.lower().to_numpy(), board["rank"].to_numpy()))
    return board.iloc[order][board_columns(spec)].reset_index(drop=True)


def _bound(value: float, digits: int) -> str:
    """An interval end; infinite for a model that never lost (or never won)."""
    return f"{value:.{digits}f}" if np.isfinite(value) else ("∞" if value > 0 else "−∞")


def _display(column: Column, board: pd.DataFrame, spec: BenchmarkSpec) -> pd.Series | list[str]:
    if column.kind is ColumnKind.INTERVAL:
        lower, upper = (board[name].to_numpy(float) for name in column.stored_keys)
        of = next((c for c in spec.columns if c.key == column.bounds_of), None)
        if of is not None and of.kind is ColumnKind.PERCENT:  # shown on the same scale as its number
            lower, upper = lower * 100, upper * 100
        return [
            "" if np.isnan(lo) else f"{_bound(lo, column.digits)} – {_bound(hi, column.digits)}"
            for lo, hi in zip(lower, upper, strict=True)
        ]
    values = board[column.key]
    if column.kind is ColumnKind.PERCENT:
        return (values.astype(float) * 100).round(column.digits)
    if column.kind is ColumnKind.NUMBER:
        return values.astype(float).round(column.digits)
    if column.kind in (ColumnKind.RANK, ColumnKind.COUNT):
        return values.astype("int64")
    return values.fillna("").astype(str)


def _columns(spec: BenchmarkSpec, scope: Scope) -> list[Column]:
    return [spec.column(key) for key in scope.columns]


def display_frame(spec: BenchmarkSpec, board: pd.DataFrame, scope: Scope | None = None) -> pd.DataFrame:
    """Board → what people read in ``scope`` (default: every column): rounded numbers, intervals as
    text, the rank in the scope's order, sort keys kept aside."""
    scope = scope or spec.all_scopes()[0]
    rank = board["rank"] if scope.sort == spec.sort else competition_rank(board, scope.sort)
    frame = pd.DataFrame({RANK_LABEL: np.asarray(rank, dtype=np.int64), MODEL_LABEL: board["model"]})
    for column in _columns(spec, scope):
        frame[column.label] = _display(column, board, spec)
    frame[SUBMITTED_LABEL] = board["submitted_at"].astype(str).str.slice(0, 10)
    frame[LINK_LABEL] = board["model_link"].fillna("")
    # Hidden helpers for the callback: lower-cased name for search, full timestamp for sorting.
    frame["model_key"] = board["model"].str.lower().to_numpy()
    frame["submitted_at"] = board["submitted_at"].to_numpy()
    return frame.sort_values([RANK_LABEL, "model_key"], kind="stable").reset_index(drop=True)


def display_labels(spec: BenchmarkSpec, scope: Scope | None = None) -> list[str]:
    """The headers of the table people see, in order."""
    scope = scope or spec.all_scopes()[0]
    return [RANK_LABEL, MODEL_LABEL, *(c.label for c in _columns(spec, scope)), SUBMITTED_LABEL, LINK_LABEL]


def sort_choices(spec: BenchmarkSpec, scope: Scope | None = None) -> dict[str, tuple[str, bool]]:
    """Header → (hidden or visible field to sort by, descending by default)."""
    scope = scope or spec.all_scopes()[0]
    choices = {RANK_LABEL: (RANK_LABEL, False), MODEL_LABEL: ("model_key", False)}
    for column in _columns(spec, scope):
        if column.kind is not ColumnKind.INTERVAL:
            choices[column.label] = (column.label, column.kind not in (ColumnKind.RANK, ColumnKind.TEXT))
    choices[SUBMITTED_LABEL] = ("submitted_at", True)
    return choices


class BoardView:
    """A cached, display-ready board with all its scopes; safe to share between callback threads."""

    def __init__(self, store: Any, board_id: str, spec: BenchmarkSpec) -> None:
        self.store = store
        self.board_id = board_id
        self.spec = spec
        self.scopes = {scope.name: scope for scope in spec.all_scopes()}
        self.default_scope = next(iter(self.scopes))
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._board = pd.DataFrame(columns=board_columns(spec))
        self._display = self._frames()

    def _frames(self) -> dict[str, pd.DataFrame]:
        return {name: display_frame(self.spec, self._board, scope) for name, scope in self.scopes.items()}

    def sorts(self, scope: str | None = None) -> dict[str, tuple[str, bool]]:
        return sort_choices(self.spec, self.scopes[scope or self.default_scope])

    def refresh(self) -> pd.DataFrame:
        """The raw board, re-read only when the file changed since the last call."""
        stamp = self.store.board_mtime(self.board_id)
        with self._lock:
            if stamp != self._stamp:
                board = self.store.read_board(self.board_id)
                self._board = board if board is not None else pd.DataFrame(columns=board_columns(self.spec))
                self._display = self._frames()
                self._stamp = stamp
            return self._board

    def table(
        self,
        search: str = "",
        sort_by: str = RANK_LABEL,
        descending: bool | None = None,
        scope: str | None = None,
    ) -> pd.DataFrame:
        """The rows to show in ``scope``: models whose name contains ``search`` (any case), sorted by
        ``sort_by`` (a header; the scope's own order when it is ``Rank``)."""
        self.refresh()
        name = scope if scope in self.scopes else self.default_scope
        frame = self._display[name]
        needle = (search or "").strip().lower()
        if needle:
            frame = frame[frame["model_key"].str.contains(needle, regex=False)]
        sorts = self.sorts(name)
        field, default_descending = sorts.get(sort_by, sorts[RANK_LABEL])
        descending = default_descending if descending is None else descending
        frame = frame.sort_values(field, ascending=not descending, kind="stable", na_position="last")
        return frame[display_labels(self.spec, self.scopes[name])]
