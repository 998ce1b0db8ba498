"""Reading the specialists' SoTA sheet (``references/sota_result.xlsx`` of the official repo).

Accepted forms: the official workbook (sheets ``NLP``, ``Image-Comprehension`` … ``3D-Generation``;
columns ``No | Task Name | Task Short Name | Metrics | SoTA Performance``), a CSV with the
columns ``sheet, task, metric, sota`` (``short_name`` optional), or a JSON list of such records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from genjudge.benchmarks.general_level.workbook import (
    Sheet,
    cell_score,
    cell_text,
    check_file_size,
    read_csv_sheet,
    read_json_sheet,
    read_workbook,
)
from genjudge.scoring.general_level import SHEETS, GeneralLevelFormatError, Reference
from genjudge.scoring.general_level.metrics import MAY_BE_NEGATIVE, metric_key
from genjudge.scoring.general_level.tables import SKIPPED_SHEET

TASK_COLUMN = "Task Name"
SHORT_COLUMN = "Task Short Name"
METRIC_COLUMN = "Metrics"
SOTA_COLUMN = "SoTA Performance"


def read_reference(path: str | Path, *, official: bool = False) -> Reference:
    """The SoTA sheet at ``path`` (.xlsx, .csv or .json), validated.

    Raises :class:`GeneralLevelFormatError` naming sheet, row and column for a missing or extra
    sheet, a missing column, an empty task name or metric, a SoTA value that is not a finite
    number (or is negative where the metric cannot be), or a task listed twice in a sheet.

    ``official=True`` reads a workbook as ``ranker.py`` does: a SoTA cell that is empty or holds
    ``∞``, ``inf``, ``N/A`` or other text is a missing value (NaN), and a sheet with a header but
    no tasks is kept as an empty sheet. Only official scoring accepts either.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    empty: list[str] = []
    if suffix == ".xlsx":
        records = _workbook_records(path, official=official, empty=empty)
    elif suffix in (".csv", ".json"):
        check_file_size(path)
        records = _table_records(path)
    else:
        raise GeneralLevelFormatError(
            f"{path}: a SoTA sheet must be .xlsx, .csv or .json, not {suffix or 'no suffix'!r}"
        )
    frame = pd.DataFrame.from_records(
        records, columns=["sheet", "task", "short_name", "metric", "sota", "row"]
    )
    return Reference(frame, source=str(path), empty_sheets=empty)


def _workbook_records(path: Path, *, official: bool, empty: list[str]) -> list[dict]:
    """Every task of the workbook; names of sheets without tasks go to ``empty`` (official only)."""
    sheets = {name: sheet for name, sheet in read_workbook(path).items() if name.lower() != SKIPPED_SHEET}
    _check_sheet_names(path, set(sheets))
    records = []
    for name, sheet in sheets.items():
        columns = {wanted: sheet.column(wanted) for wanted in (TASK_COLUMN, METRIC_COLUMN, SOTA_COLUMN)}
        absent = [wanted for wanted, index in columns.items() if index is None]
        if absent:
            raise GeneralLevelFormatError(
                f"{path}, sheet {name!r}: no column {absent} in the header {list(sheet.header)}"
            )
        short = sheet.column(SHORT_COLUMN)
        if not sheet.rows:
            if not official:
                raise GeneralLevelFormatError(
                    f"{path}, sheet {name!r}: no tasks (--official scores it as ranker.py does: as 0)"
                )
            empty.append(name)
        for row, number in zip(sheet.rows, sheet.numbers, strict=True):
            records.append(
                _record(
                    name,
                    task=row[columns[TASK_COLUMN]],
                    metric=row[columns[METRIC_COLUMN]],
                    sota=row[columns[SOTA_COLUMN]],
                    short_name=row[short] if short is not None else None,
                    row=number,
                    where=_cell(path, sheet, number, columns),
                    official=official,
                )
            )
    return records


def _cell(path: Path, sheet: Sheet, number: int, columns: dict[str, int]) -> Callable[[str], str]:
    """Names a cell of this row by the logical column it holds."""

    def where(column: str) -> str:
        return sheet.where(path, number, columns[column])

    return where


def _record(
    sheet: str,
    *,
    task,
    metric,
    sota,
    short_name,
    row: int,
    where: Callable[[str], str],
    official: bool = False,
) -> dict:
    """One validated task; ``where(column)`` names the cell of a logical column for messages.
    ``official`` reads the SoTA cell as ``ranker.py`` does (a missing one is NaN)."""
    task = cell_text(task, where(TASK_COLUMN), "the task name")
    metric = cell_text(metric, where(METRIC_COLUMN), "the metric")
    value = cell_score(sota, where(SOTA_COLUMN), official=official)
    if value != value and not official:
        raise GeneralLevelFormatError(
            f"{where(SOTA_COLUMN)}: the SoTA value is empty (--official reads it as ranker.py does: "
            "a task nobody can win)"
        )
    if value < 0 and metric_key(metric) not in MAY_BE_NEGATIVE:
        raise GeneralLevelFormatError(
            f"{where(SOTA_COLUMN)}: {value:g} is negative, but {metric!r} cannot be"
        )
    return {
        "sheet": sheet,
        "task": task.strip(),
        "short_name": short_name.strip()
        if isinstance(short_name, str) and short_name.strip()
        else task.strip(),
        "metric": metric.strip(),
        "sota": value,
        "row": row,
    }


def _table_records(path: Path) -> list[dict]:
    if path.suffix.lower() == ".csv":
        rows = read_csv_sheet(path).to_dict("records")
        label, first = "line", 2
    else:
        rows = read_json_sheet(path)
        if isinstance(rows, dict):
            rows = rows.get("tasks")
        if not isinstance(rows, list):
            raise GeneralLevelFormatError(f"{path}: expected a list of task records (or {{'tasks': [...]}})")
        label, first = "record", 1
    fields = {TASK_COLUMN: "task", METRIC_COLUMN: "metric", SOTA_COLUMN: "sota"}
    records = []
    for number, row in enumerate(rows, start=first):
        if not isinstance(row, dict):
            raise GeneralLevelFormatError(f"{path}, {label} {number}: expected an object")
        missing = [name for name in ("sheet", "task", "metric", "sota") if name not in row]
        if missing:
            raise GeneralLevelFormatError(f"{path}, {label} {number}: missing fields {missing}")
        sheet = str(row["sheet"]).strip()
        records.append(
            _record(
                sheet,
                task=row["task"],
                metric=row["metric"],
                sota=row["sota"],
                short_name=row.get("short_name"),
                row=number,
                where=lambda column, number=number: f"{path}, {label} {number}, field {fields[column]!r}",
            )
        )
    _check_sheet_names(path, {record["sheet"] for record in records})
    return records


def _check_sheet_names(path: Path, names: set[str]) -> None:
    if names != set(SHEETS):
        raise GeneralLevelFormatError(
            f"{path}: a SoTA sheet needs exactly the sheets {list(SHEETS)}; "
            f"missing {sorted(set(SHEETS) - names)}, unexpected {sorted(names - set(SHEETS))}"
        )
