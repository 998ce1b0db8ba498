"""The two inputs of General-Level scoring, as plain in-memory containers.

A :class:`Reference` is the SoTA sheet (``references/sota_result.xlsx`` of the official repo):
every task with its sheet, metric and the specialist's score. A :class:`Results` is one model's
scores, sheet by sheet, in the order they were read, each row remembering where it came from so
that an error can name the file, sheet, row and column. Readers in
:mod:`genjudge.benchmarks.general_level` build both from files; tests and the ``evaluate`` module
build them from records.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from genjudge.scoring.general_level.errors import GeneralLevelFormatError
from genjudge.scoring.general_level.metrics import corrected_kind, official_kind

MODALITIES = ("Image", "Video", "Audio", "3D")
PARADIGMS = ("Comprehension", "Generation")
NLP_SHEET = "NLP"
MODALITY_SHEETS = tuple(f"{modality}-{paradigm}" for modality in MODALITIES for paradigm in PARADIGMS)
SHEETS = (*MODALITY_SHEETS, NLP_SHEET)
"""The nine sheets of the official SoTA workbook; also the scoring groups, in this order."""
SKIPPED_SHEET = "level-scores"
"""A sheet the official ranker ignores (it can hold a model's own level summary)."""


def task_key(name: str) -> str:
    """How genjudge matches task names: Unicode-normalised (full-width brackets become plain),
    case-folded, runs of spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(name)).casefold().split())


class Reference:
    """The SoTA sheet: 699 tasks in the official release, each in one of the nine :data:`SHEETS`.

    ``tasks`` holds one row per task in sheet order (``SHEETS``), then row order within the sheet,
    with the columns ``sheet``, ``task``, ``short_name``, ``metric``, ``sota`` and ``row`` (the
    row number in the source, for messages). Everything the scorer needs per task is derived
    once here as arrays.

    ``empty_sheets`` names sheets the source has without any task (a header only), and ``sota``
    may be NaN where the source left the SoTA cell empty. The official ``ranker.py`` scores both
    (an empty paradigm counts 0; a missing SoTA is never beaten); genjudge's default refuses them
    when scoring (:func:`genjudge.scoring.general_level.align.aligned_values`).
    """

    def __init__(
        self, tasks: pd.DataFrame, *, source: str = "reference", empty_sheets: Iterable[str] = ()
    ) -> None:
        missing = [column for column in ("sheet", "task", "metric", "sota") if column not in tasks.columns]
        if missing:
            raise GeneralLevelFormatError(f"{source}: the reference table lacks the columns {missing}")
        self.source = source
        self.empty_sheets = tuple(sheet for sheet in SHEETS if sheet in set(empty_sheets))
        sheets = set(tasks["sheet"])
        both = sorted(sheets & set(self.empty_sheets))
        if both:
            raise GeneralLevelFormatError(f"{source}: sheets {both} are said to be empty but hold tasks")
        sheets |= set(empty_sheets)
        if sheets != set(SHEETS):
            raise GeneralLevelFormatError(
                f"{source}: a SoTA sheet must have exactly the sheets {list(SHEETS)}; "
                f"missing {sorted(set(SHEETS) - sheets)}, unexpected {sorted(sheets - set(SHEETS))}"
            )
        order = {sheet: index for index, sheet in enumerate(SHEETS)}
        frame = tasks.assign(_group=tasks["sheet"].map(order)).sort_values("_group", kind="stable")
        frame = frame.reset_index(drop=True)
        if "row" not in frame.columns:
            frame["row"] = frame.groupby("sheet").cumcount() + 2
        if "short_name" not in frame.columns:
            frame["short_name"] = frame["task"]
        self.tasks = frame.drop(columns="_group")
        self.group = frame["_group"].to_numpy(dtype=np.intp)
        self.group_sizes = np.bincount(self.group, minlength=len(SHEETS)).astype(float)
        self.group_matrix = np.zeros((len(frame), len(SHEETS)))
        self.group_matrix[np.arange(len(frame)), self.group] = 1.0
        self.sota = frame["sota"].to_numpy(dtype=float)
        metrics = frame["metric"].tolist()
        self.official_kinds, self.official_temperatures = (
            np.array(values) for values in zip(*(official_kind(name) for name in metrics), strict=True)
        )
        self.kinds, self.temperatures = (
            np.array(values) for values in zip(*(corrected_kind(n) for n in metrics), strict=True)
        )
        self.sheet_slices: dict[str, slice] = {}
        self.sheet_tasks: dict[str, tuple[str, ...]] = {}
        self.sheet_metrics: dict[str, tuple[str, ...]] = {}
        self.sheet_keys: dict[str, dict[str, int]] = {}
        for group, sheet in enumerate(SHEETS):
            start, stop = np.searchsorted(self.group, [group, group + 1])
            indices = np.arange(start, stop)
            self.sheet_slices[sheet] = slice(int(start), int(stop))
            names = tuple(frame["task"].iloc[indices])
            self.sheet_tasks[sheet] = names
            self.sheet_metrics[sheet] = tuple(frame["metric"].iloc[indices])
            keys: dict[str, int] = {}
            for offset, name in enumerate(names):
                key = task_key(name)
                if key in keys:
                    rows = frame["row"].iloc[indices]
                    raise GeneralLevelFormatError(
                        f"{source}, sheet {sheet!r}: task {name!r} appears twice "
                        f"(rows {rows.iloc[keys[key]]} and {rows.iloc[offset]})"
                    )
                keys[key] = offset
            self.sheet_keys[sheet] = keys
        nlp = self.sheet_slices[NLP_SHEET]
        rmse = [i for i, name in enumerate(metrics[nlp]) if isinstance(name, str) and name.upper() == "RMSE"]
        self.official_nlp_rmse_index = nlp.start + rmse[0] if rmse else None
        """The one NLP task the official Level-5 normalises (its first ``RMSE`` row), if any."""

    def __len__(self) -> int:
        return len(self.tasks)


@dataclass(frozen=True)
class SheetScores:
    """One sheet of a model's results, rows in the order read. ``values`` is NaN where the task is
    unsupported; ``metrics`` is None when the source gave no metric column."""

    tasks: tuple[str, ...]
    values: np.ndarray
    rows: tuple[int, ...]
    metrics: tuple[str, ...] | None = None
    source: str = "results"
    column: str = "score"
    row_label: str = "row"

    def where(self, sheet: str, index: int) -> str:
        """Where row ``index`` came from, for error messages."""
        return f"{self.source}, sheet {sheet!r}, {self.row_label} {self.rows[index]}, column {self.column!r}"


@dataclass(frozen=True)
class Results:
    """One model's per-task scores. ``skipped`` lists, in words, what the reader left out on
    purpose (for example the official ranker's own ``level-scores`` sheet), so nothing is dropped
    silently."""

    model: str
    sheets: Mapping[str, SheetScores]
    skipped: tuple[str, ...] = field(default=())

    @classmethod
    def from_records(
        cls,
        model: str,
        records: Iterable[Mapping[str, object]],
        *,
        source: str = "records",
        row_label: str = "record",
        first_row: int = 1,
    ) -> Results:
        """Results from ``{"sheet", "task", "score"[, "metric"]}`` records; a ``None`` score is an
        unsupported task. Rows keep their record number for messages."""
        grouped: dict[str, dict[str, list]] = {}
        for number, record in enumerate(records, start=first_row):
            where = f"{source}, {row_label} {number}"
            if not isinstance(record, Mapping):
                raise GeneralLevelFormatError(f"{where}: expected an object with sheet, task and score")
            for name in ("sheet", "task"):
                if not isinstance(record.get(name), str) or not record[name].strip():
                    raise GeneralLevelFormatError(f"{where}: field {name!r} must be a non-empty string")
            if "score" not in record:
                raise GeneralLevelFormatError(f"{where}: field 'score' is missing (use null for unsupported)")
            value = score_value(record["score"], f"{where}, field 'score'")
            metric = record.get("metric")
            if metric is not None and not isinstance(metric, str):
                raise GeneralLevelFormatError(f"{where}: field 'metric' must be a string")
            sheet = grouped.setdefault(
                record["sheet"].strip(), {"tasks": [], "values": [], "rows": [], "metrics": []}
            )
            sheet["tasks"].append(record["task"])
            sheet["values"].append(value)
            sheet["rows"].append(number)
            sheet["metrics"].append(metric)
        sheets = {
            name: SheetScores(
                tasks=tuple(parts["tasks"]),
                values=np.array(parts["values"], dtype=float),
                rows=tuple(parts["rows"]),
                metrics=tuple(parts["metrics"]) if all(m is not None for m in parts["metrics"]) else None,
                source=source,
                column="score",
                row_label=row_label,
            )
            for name, parts in grouped.items()
        }
        return cls(model=model, sheets=sheets)


def score_value(value: object, where: str, *, official: bool = False) -> float:
    """A cell or field as a float: a finite number, or NaN for an empty cell / null.

    Strings that spell numbers are accepted (spreadsheets store them); booleans, other strings,
    NaN and infinities are errors naming ``where`` — an unsupported task is an empty cell, never
    a NaN or an "inf" the scorer would have to guess about.

    ``official=True`` reads a cell as ``ranker.py`` does (its ``to_float_inf``, after pandas):
    ``∞``, ``inf``, ``N/A`` and any other text that is not a number, NaN and +infinity all mean
    "missing" (NaN here). Only -infinity is still refused: the official code would add it up.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    if official:
        return _official_value(value, where)
    if isinstance(value, bool):
        raise GeneralLevelFormatError(f"{where}: {value!r} is not a score")
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise GeneralLevelFormatError(f"{where}: {value!r} is not a number") from None
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
    else:
        raise GeneralLevelFormatError(f"{where}: {value!r} ({type(value).__name__}) is not a number")
    if not math.isfinite(number):
        raise GeneralLevelFormatError(
            f"{where}: {value!r} is not a finite score (leave the cell empty for an unsupported task)"
        )
    return number


def _official_value(value: object, where: str) -> float:
    """``score_value`` under the official reading (see there)."""
    if isinstance(value, bool):
        raise GeneralLevelFormatError(f"{where}: {value!r} is not a score")
    try:
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    if number == -math.inf:
        raise GeneralLevelFormatError(
            f"{where}: {value!r} would make the official ranker's sums -inf; leave the cell empty"
        )
    return number if math.isfinite(number) else math.nan
