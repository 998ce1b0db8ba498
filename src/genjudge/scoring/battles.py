"""Validate pairwise battles and encode them as integer arrays for the scoring functions.

A battles frame has one row per judged pair: ``uid`` (the instance), ``model_a`` and
``model_b`` (the order shown) and ``winner``, one of OpenING's four labels ``A``, ``B``,
``Tie(A)``, ``Tie(B)`` or a plain ``Tie`` (judges that cannot lean, e.g. some human raters);
the labels and their outcome codes are defined once in :mod:`genjudge.core.verdicts`.

How a plain ``Tie`` counts, decided once here so every function agrees:

- FDT (force dividing tie) win rate: half a win to each side. The official script gives it to
  neither side (a match with no winner), which makes the two sides' rates not sum to one; with
  only leaning ties in the official files this choice does not change any official number.
- with tie (tie = 0 / tie = 0.5): a tie like ``Tie(A)``/``Tie(B)`` (as the official script).
- without tie: dropped like every tie (as the official script).
- Bradley–Terry: half a win to each side, like every tie.
- Judge agreement: see :mod:`genjudge.scoring.agreement`.

Every check fails with a ``ValueError`` that names the offending row, because a silently
mis-scored battle is worse than a refused one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from genjudge.core.verdicts import OUTCOME_CODES, WINNER_LABELS

BATTLE_COLUMNS: tuple[str, ...] = ("uid", "model_a", "model_b", "winner")


@dataclass(frozen=True)
class EncodedBattles:
    """Battles as integer codes: ``models[a[i]]`` met ``models[b[i]]`` with outcome ``outcome[i]``.

    Encoding once lets every win-rate variant and the Bradley–Terry fit work on ``bincount``s
    instead of Python loops over rows. ``model_index`` is ``models`` as a ``pd.Index`` built
    once, so each output frame only takes from it.
    """

    models: np.ndarray
    a: np.ndarray
    b: np.ndarray
    outcome: np.ndarray
    model_index: pd.Index

    @property
    def n_models(self) -> int:
        return len(self.models)


class PreparedBattles:
    """A validated battles frame as integer codes (the fast path shared by scoring functions).

    ``encoded`` holds models and outcomes; ``frame`` is the caller's frame (rows are named by
    position), kept to name rows in later error messages; ``uid`` is its ``uid`` column, taken
    out once because a pandas column lookup costs more than the arithmetic on a small arena.
    """

    def __init__(self, frame: pd.DataFrame, encoded: EncodedBattles, uid: pd.Series) -> None:
        self.frame = frame
        self.encoded = encoded
        self.uid = uid

    def __len__(self) -> int:
        return len(self.frame)

    def row_label(self, position: int) -> str:
        """``row N (uid=…, model_a=…, model_b=…, winner=…)`` for error messages."""
        return _row_label(self.frame, position)


def _row_label(frame: pd.DataFrame, position: int) -> str:
    row = frame.iloc[position]
    return (
        f"row {position} (uid={row['uid']!r}, model_a={row['model_a']!r}, "
        f"model_b={row['model_b']!r}, winner={row['winner']!r})"
    )


def _is_arrow_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"


def arrow_text(series: pd.Series) -> pa.Array | None:
    """The Arrow array behind an Arrow-backed text column (pandas' default ``str``), else None.

    Zero copy unless the column is in several chunks (e.g. after ``pd.concat``).
    """
    if not _is_arrow_text(series):
        return None
    array = pa.array(series.array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def factorize_text(*columns: pd.Series) -> tuple[list[np.ndarray], np.ndarray]:
    """Integer codes (one array per column) over the shared unique values of ``columns``.

    Values are compared as strings: identifiers that arrive as ints (uid 1502046) become the
    strings they stand for. Missing values get code -1. Arrow-backed text columns (pandas'
    default ``str`` dtype) are dictionary-encoded by pyarrow directly, about twice as fast as
    ``pd.factorize``; anything else goes through ``pd.factorize``.
    """
    lengths = np.cumsum([len(column) for column in columns])[:-1]
    arrays = [pa.array(column) for column in columns] if all(map(_is_arrow_text, columns)) else []
    if arrays and len({array.type for array in arrays}) == 1:
        combined = pa.chunked_array(arrays, type=arrays[0].type).combine_chunks()
        encoded = combined.dictionary_encode()
        indices = pc.fill_null(encoded.indices, -1) if encoded.null_count else encoded.indices
        codes = indices.to_numpy().astype(np.int64)
        uniques = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
        return np.split(codes, lengths), uniques
    parts = []
    for column in columns:
        if not (isinstance(column.dtype, pd.StringDtype) or pd.api.types.infer_dtype(column) == "string"):
            column = column.astype(str).where(column.notna())
        parts.append(column.astype(object))
    codes, uniques = pd.factorize(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0])
    return np.split(codes.astype(np.int64), lengths), np.asarray(uniques, dtype=object)


def _outcome_codes(winner: pd.Series) -> np.ndarray:
    """Position of each winner label in ``WINNER_LABELS``; -1 for anything else."""
    (codes,), values = factorize_text(winner)
    return np.array([OUTCOME_CODES.get(value, -1) for value in values], dtype=np.int64)[codes]


def prepare_battles(battles: pd.DataFrame | PreparedBattles, *, name: str = "battles") -> PreparedBattles:
    """Validate ``battles`` once and encode it as integer codes.

    Every scoring function accepts the result in place of the frame, so a report that needs
    win rates, matrices and agreement validates each frame once. Raises ``ValueError`` naming
    the first offending row (see :func:`validate_battles`).
    """
    if isinstance(battles, PreparedBattles):
        return battles
    if not isinstance(battles, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(battles).__name__}")
    missing = [column for column in BATTLE_COLUMNS if column not in battles.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; expected columns {list(BATTLE_COLUMNS)}")
    if len(battles) == 0:
        raise ValueError(f"{name} is empty: at least one battle is needed")
    frame = battles
    columns = [frame[column] for column in BATTLE_COLUMNS]
    arrays = [arrow_text(column) for column in columns]
    if all(array is not None for array in arrays) and len({array.type for array in arrays}) == 1:
        a, b, outcome, models, null = _encode_arrow(*arrays)
    else:
        a, b, outcome, models, null = _encode_columns(*columns)
    if null.any():
        raise ValueError(f"{name}: {_row_label(frame, int(np.flatnonzero(null)[0]))} has a missing value")
    unknown = np.flatnonzero(outcome < 0)
    if len(unknown):
        raise ValueError(
            f"{name}: {_row_label(frame, int(unknown[0]))} has an unknown winner label; "
            f"expected one of {list(WINNER_LABELS)} ({len(unknown)} row(s) affected)"
        )
    self_pairs = np.flatnonzero(a == b)
    if len(self_pairs):
        raise ValueError(
            f"{name}: {_row_label(frame, int(self_pairs[0]))} pairs a model with itself "
            f"({len(self_pairs)} row(s) affected)"
        )
    encoded = EncodedBattles(
        models=models, a=a, b=b, outcome=outcome, model_index=pd.Index(models, dtype=object, name="model")
    )
    return PreparedBattles(frame, encoded, columns[0])


_Encoded = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _encode_arrow(uid: pa.Array, model_a: pa.Array, model_b: pa.Array, winner: pa.Array) -> _Encoded:
    """(a, b, outcome, models, missing) from Arrow text columns, with one hashing pass.

    ``model_a``, ``model_b`` and ``winner`` are dictionary-encoded together: values are numbered
    in order of first appearance, so the models (all seen before the first winner label) take
    codes ``0 .. n_models - 1`` and the few distinct labels are looked up afterwards.
    """
    n = len(uid)
    missing = np.zeros(n, dtype=bool)
    for array in (uid, model_a, model_b, winner):
        if array.null_count:
            missing |= array.is_null().to_numpy(zero_copy_only=False)
    encoded = pa.concat_arrays([model_a, model_b, winner]).dictionary_encode()
    codes = pc.fill_null(encoded.indices, 0) if encoded.null_count else encoded.indices
    codes = codes.to_numpy().astype(np.int64)
    a, b, labels = codes[:n], codes[n : 2 * n], codes[2 * n :]
    values = encoded.dictionary.to_pylist()
    n_models = int(max(a.max(), b.max())) + 1
    outcome = np.array([OUTCOME_CODES.get(value, -1) for value in values], dtype=np.int64)[labels]
    return a, b, outcome, np.array(values[:n_models], dtype=object), missing


def _encode_columns(uid: pd.Series, model_a: pd.Series, model_b: pd.Series, winner: pd.Series) -> _Encoded:
    """(a, b, outcome, models, missing) from columns of any dtype (the general path)."""
    (a, b), models = factorize_text(model_a, model_b)
    missing = uid.isna().to_numpy() | winner.isna().to_numpy() | (a < 0) | (b < 0)
    return a, b, _outcome_codes(winner), models, missing


def validate_battles(battles: pd.DataFrame, *, name: str = "battles") -> pd.DataFrame:
    """Check a battles frame and return a copy with the four columns as strings.

    Raises ``ValueError`` naming the first offending row for: missing columns, no rows, a
    missing value, an unknown ``winner`` label, or a model paired with itself. Extra columns
    are kept. ``uid`` is compared as a string, so ``1502046`` and ``"1502046"`` are one instance.
    """
    columns = prepare_battles(battles, name=name)
    return columns.frame.reset_index(drop=True).astype({column: str for column in BATTLE_COLUMNS})


def encode_battles(battles: pd.DataFrame | PreparedBattles, *, name: str = "battles") -> EncodedBattles:
    """Validate ``battles`` and encode models and outcomes as integer arrays.

    Models are numbered in order of first appearance (``model_a`` column first), which keeps
    outputs stable for a given input.
    """
    return prepare_battles(battles, name=name).encoded
