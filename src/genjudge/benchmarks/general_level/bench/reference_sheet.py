"""Reading the task list of the General-Level reference workbook (``references/sota_result.xlsx``).

The workbook has one sheet per modality x paradigm (plus ``NLP``) with the columns
``No | Task Name | Task Short Name | Metrics | SoTA Performance``; ``template_result.xlsx`` has the
same rows without the SoTA column. General-Bench uses it for two things: the metric and specialist
score of each task (joined into the dataset), and the row order of a model's result sheet (the
official ranker pairs rows by position).
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from genjudge.safe_io.located_error import FormatError

SHEETS = (
    "NLP",
    "Image-Comprehension",
    "Image-Generation",
    "Video-Comprehension",
    "Video-Generation",
    "Audio-Comprehension",
    "Audio-Generation",
    "3D-Comprehension",
    "3D-Generation",
)
KEY_COLUMNS = ("No", "Task Name", "Task Short Name", "Metrics")
SOTA_COLUMN = "SoTA Performance"


@dataclass(frozen=True)
class ReferenceTask:
    """One row of the reference workbook."""

    sheet: str
    row: int
    no: int | str | None
    name: str
    short_name: str | None
    metric: str
    sota: float | None


def task_key(name: str) -> str:
    """Task names compared without case, spaces or punctuation (folders say ``AccentClassification``,
    the sheet says ``Accent Classification``)."""
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def read_reference_sheet(path: str | Path) -> list[ReferenceTask]:
    """All task rows of a reference or template workbook, sheet by sheet in the file's row order."""
    file = Path(path)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except FileNotFoundError:
        raise FormatError("file not found", file=file) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormatError(f"not an xlsx workbook ({exc})", file=file) from None
    tasks: list[ReferenceTask] = []
    try:
        for sheet in SHEETS:
            if sheet not in workbook.sheetnames:
                raise FormatError(f"sheet {sheet!r} is missing (found {workbook.sheetnames})", file=file)
            rows = workbook[sheet].iter_rows(values_only=True)
            header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
            columns = {name: header.index(name) for name in (*KEY_COLUMNS, SOTA_COLUMN) if name in header}
            for name in KEY_COLUMNS:
                if name not in columns:
                    raise FormatError(f"sheet {sheet!r} has no column {name!r} (header {header})", file=file)
            for number, values in enumerate(rows, start=2):
                if not values or all(v is None for v in values):
                    continue
                tasks.append(_row(file, sheet, number, values, columns))
    finally:
        workbook.close()
    seen: dict[tuple[str, str], ReferenceTask] = {}
    for task in tasks:
        first = seen.setdefault((task.sheet, task_key(task.name)), task)
        if first is not task:
            raise FormatError(
                f"task {task.name!r} appears twice (rows {first.row} and {task.row})",
                file=file,
                record=f"sheet {task.sheet!r} row {task.row}",
                field="Task Name",
            )
    return tasks


def _row(file: Path, sheet: str, number: int, values: tuple, columns: dict[str, int]) -> ReferenceTask:
    def cell(name: str):
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    where = f"sheet {sheet!r} row {number}"
    name, metric = cell("Task Name"), cell("Metrics")
    if not isinstance(name, str) or not name.strip():
        raise FormatError("empty task name", file=file, record=where, field="Task Name")
    if not isinstance(metric, str) or not metric.strip():
        raise FormatError("empty metric", file=file, record=where, field="Metrics")
    sota = cell(SOTA_COLUMN)
    if sota is not None and not (isinstance(sota, int | float) and math.isfinite(sota)):
        raise FormatError(f"not a finite number: {sota!r}", file=file, record=where, field=SOTA_COLUMN)
    short = cell("Task Short Name")
    return ReferenceTask(
        sheet=sheet,
        row=number,
        no=cell("No"),
        name=name.strip(),
        short_name=None if short is None else str(short).strip(),
        metric=metric.strip(),
        sota=None if sota is None else float(sota),
    )


class ReferenceIndex:
    """Reference rows looked up by sheet and task name (see :func:`task_key`)."""

    def __init__(self, tasks: list[ReferenceTask]) -> None:
        self.tasks = tasks
        self._by_key = {(task.sheet, task_key(task.name)): task for task in tasks}

    def find(self, sheet: str, *names: str) -> ReferenceTask | None:
        """The row of ``sheet`` whose task name matches the first of ``names`` that matches any."""
        for name in names:
            found = self._by_key.get((sheet, task_key(name)))
            if found is not None:
                return found
        return None
