"""Writing per-task scores as a General-Level result sheet (the official xlsx layout).

One sheet per modality x paradigm plus ``NLP``, each with the columns
``No | Task Name | Task Short Name | Metrics | <model name>`` and the rows of the reference sheet
in its order (the official ranker pairs rows by position, so the order is kept exactly). A task
the model was not scored on has an empty cell, which the level scorer reads as unsupported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook

from genjudge.benchmarks.general_level.bench.evaluation import TaskScore
from genjudge.benchmarks.general_level.bench.reference_sheet import KEY_COLUMNS, SHEETS, ReferenceTask


def result_rows(scores: list[TaskScore], reference: list[ReferenceTask]) -> dict[str, list[list]]:
    """The rows of every sheet: the reference's key columns plus the model's value or None."""
    values = {
        (s.reference.sheet, s.reference.row): s.value
        for s in scores
        if s.reference is not None and s.value is not None
    }
    sheets: dict[str, list[list]] = {sheet: [] for sheet in SHEETS}
    for task in reference:
        value = values.get((task.sheet, task.row))
        sheets[task.sheet].append([task.no, task.name, task.short_name, task.metric, value])
    return sheets


def result_json(scores: list[TaskScore], reference: list[ReferenceTask], model_name: str) -> dict:
    """The same results as JSON: ``{"model", "results": [{"sheet", "task", "metric", "score"}]}``,
    every reference row in order, ``score`` null where unsupported (the General-Level reader's JSON form)."""
    rows = result_rows(scores, reference)
    return {
        "model": model_name,
        "results": [
            {"sheet": sheet, "task": row[1], "metric": row[3], "score": row[4]}
            for sheet, sheet_rows in rows.items()
            for row in sheet_rows
        ],
    }


def write_result_sheet(
    scores: list[TaskScore], reference: list[ReferenceTask], model_name: str, out: str | Path
) -> Path:
    """Write the result workbook to ``out`` (atomically: a temporary file renamed into place)."""
    if not model_name.strip():
        raise ValueError("the model name (the result column's header) must not be empty")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in result_rows(scores, reference).items():
        worksheet = workbook.create_sheet(sheet)
        worksheet.append([*KEY_COLUMNS, model_name])
        for row in rows:
            worksheet.append(row)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".xlsx", dir=target.parent)
    os.close(handle)
    try:
        workbook.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
