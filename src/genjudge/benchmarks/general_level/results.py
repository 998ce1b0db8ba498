"""Reading one model's result sheet: the official workbook layout, a CSV or a JSON file.

- **xlsx** (what the official ``register.py`` writes): the SoTA workbook's sheets, each with the
  ``Task Name`` (and usually ``Metrics``) column and one column named after the model, matched
  case-insensitively; an empty cell is an unsupported task. With no model name given, the one
  column that is not a standard column is the model.
- **CSV**: one row per task with the columns ``sheet, task, score`` (``metric`` and ``model``
  optional; header case ignored); an empty score is an unsupported task.
- **JSON**: ``{"model": str, "results": [{"sheet", "task", "score"[, "metric"]}, ...]}``, or
  ``{"model": str, "scores": {sheet: {task: score | null}}}``.

Rows keep their file, sheet, row and column so that every later error can name them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from genjudge.benchmarks.general_level.reference import METRIC_COLUMN, SHORT_COLUMN, SOTA_COLUMN, TASK_COLUMN
from genjudge.benchmarks.general_level.workbook import (
    Sheet,
    cell_score,
    cell_text,
    check_file_size,
    read_csv_sheet,
    read_json_sheet,
    read_workbook,
)
from genjudge.scoring.general_level import SHEETS, GeneralLevelFormatError, Reference, Results, SheetScores
from genjudge.scoring.general_level.tables import SKIPPED_SHEET

_STANDARD_COLUMNS = {
    " ".join(name.lower().split()) for name in ("No", TASK_COLUMN, SHORT_COLUMN, METRIC_COLUMN, SOTA_COLUMN)
}


def read_results(
    path: str | Path, reference: Reference, *, model: str | None = None, official: bool = False
) -> Results:
    """One model's results from ``path`` (.xlsx, .csv or .json), checked against ``reference``'s
    sheets. ``model`` picks the model column of a workbook (case-insensitive) and names the model
    of a CSV/JSON file (default: the file's own model field, else its stem).

    Raises :class:`GeneralLevelFormatError` naming sheet, row and column for a non-workbook or
    zip bomb, formulas, sheets missing or extra, a missing model column, and cells that are not
    finite numbers. Task names, metrics and signs are checked when scoring
    (:func:`genjudge.scoring.general_level.score_general_level`).

    ``official=True`` reads workbook cells as ``ranker.py`` does: ``∞``, ``inf``, ``N/A`` and other
    text are unsupported tasks, like an empty cell (CSV and JSON, which ranker.py does not read,
    stay strict).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _from_workbook(path, reference, model, official=official)
    check_file_size(path)
    if suffix == ".csv":
        return _from_csv(path, model)
    if suffix == ".json":
        return _from_json(path, model)
    raise GeneralLevelFormatError(
        f"{path}: results must be .xlsx, .csv or .json, not {suffix or 'no suffix'!r}"
    )


def _from_workbook(path: Path, reference: Reference, model: str | None, *, official: bool) -> Results:
    workbook = read_workbook(path)
    skipped = tuple(
        f"sheet {name!r} (the official ranker skips it too)"
        for name in workbook
        if name.lower() == SKIPPED_SHEET
    )
    sheets = {name: sheet for name, sheet in workbook.items() if name.lower() != SKIPPED_SHEET}
    if set(sheets) != set(SHEETS):
        raise GeneralLevelFormatError(
            f"{path}: the sheets must be those of the SoTA workbook ({reference.source}); "
            f"missing {sorted(set(SHEETS) - set(sheets))}, unexpected {sorted(set(sheets) - set(SHEETS))}"
        )
    column_name = model or _only_model_column(path, sheets)
    scores = {
        name: _sheet_scores(path, sheet, column_name, official=official) for name, sheet in sheets.items()
    }
    return Results(model=column_name, sheets=scores, skipped=skipped)


def _only_model_column(path: Path, sheets: dict[str, Sheet]) -> str:
    candidates = {
        name.lower(): name
        for sheet in sheets.values()
        for name in sheet.header
        if name and " ".join(name.lower().split()) not in _STANDARD_COLUMNS
    }
    if len(candidates) != 1:
        raise GeneralLevelFormatError(
            f"{path}: cannot tell which column holds the model's scores "
            f"(found {sorted(candidates.values())}); "
            "name the model"
        )
    return next(iter(candidates.values()))


def _sheet_scores(path: Path, sheet: Sheet, model: str, *, official: bool) -> SheetScores:
    task_index = sheet.column(TASK_COLUMN)
    matches = [index for index, name in enumerate(sheet.header) if name.lower() == model.lower()]
    if task_index is None:
        raise GeneralLevelFormatError(
            f"{path}, sheet {sheet.name!r}: no {TASK_COLUMN!r} column in {list(sheet.header)}"
        )
    if len(matches) != 1:
        problem = "no column" if not matches else "more than one column"
        raise GeneralLevelFormatError(
            f"{path}, sheet {sheet.name!r}: {problem} named {model!r} (case ignored) in {list(sheet.header)}"
        )
    value_index = matches[0]
    metric_index = sheet.column(METRIC_COLUMN)
    column = f"{sheet.header[value_index]} ({sheet.letter(value_index)})"
    tasks, values, metrics = [], [], []
    for row, number in zip(sheet.rows, sheet.numbers, strict=True):
        tasks.append(cell_text(row[task_index], sheet.where(path, number, task_index), "the task name"))
        values.append(cell_score(row[value_index], sheet.where(path, number, value_index), official=official))
        if metric_index is not None:
            metric = row[metric_index]
            metrics.append(metric.strip() if isinstance(metric, str) else None)
    return SheetScores(
        tasks=tuple(tasks),
        values=np.array(values, dtype=float),
        rows=sheet.numbers,
        metrics=tuple(metrics) if metric_index is not None else None,
        source=str(path),
        column=column,
    )


def _from_csv(path: Path, model: str | None) -> Results:
    frame = read_csv_sheet(path)
    missing = [name for name in ("sheet", "task", "score") if name not in frame.columns]
    if missing:
        raise GeneralLevelFormatError(
            f"{path}: the CSV needs the columns sheet, task, score; missing {missing}"
        )
    if "model" in frame.columns:
        names = sorted(set(frame["model"]) - {""})
        if len(names) > 1:
            raise GeneralLevelFormatError(f"{path}: one model per file, found {names}")
        model = model or (names[0] if names else None)
    records = [
        {
            "sheet": row["sheet"],
            "task": row["task"],
            "score": row["score"],
            "metric": row.get("metric") or None,
        }
        for row in frame.to_dict("records")
    ]
    return Results.from_records(model or path.stem, records, source=str(path), row_label="line", first_row=2)


def _from_json(path: Path, model: str | None) -> Results:
    document = read_json_sheet(path)
    if not isinstance(document, dict) or not ("results" in document or "scores" in document):
        raise GeneralLevelFormatError(
            f"{path}: expected {{'model': ..., 'results': [{{'sheet', 'task', 'score'}}, ...]}} "
            "or {'model': ..., 'scores': {sheet: {task: score}}}"
        )
    name = model or document.get("model") or path.stem
    if not isinstance(name, str):
        raise GeneralLevelFormatError(f"{path}: field 'model' must be a string")
    if "results" in document:
        records = document["results"]
        if not isinstance(records, list):
            raise GeneralLevelFormatError(f"{path}: field 'results' must be a list of records")
        return Results.from_records(name, records, source=str(path))
    scores = document["scores"]
    if not isinstance(scores, dict) or not all(isinstance(tasks, dict) for tasks in scores.values()):
        raise GeneralLevelFormatError(f"{path}: field 'scores' must map each sheet to {{task: score}}")
    records = [
        {"sheet": sheet, "task": task, "score": score}
        for sheet, tasks in scores.items()
        for task, score in tasks.items()
    ]
    return Results.from_records(name, records, source=str(path))
