"""Writing General-Level sheets in the official workbook layout (what ``ranker.py`` reads)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from genjudge.benchmarks.general_level.reference import METRIC_COLUMN, SHORT_COLUMN, SOTA_COLUMN, TASK_COLUMN
from genjudge.scoring.general_level import SHEETS, Reference


def _sheet_frame(reference: Reference, sheet: str) -> pd.DataFrame:
    tasks = reference.tasks.iloc[reference.sheet_slices[sheet]]
    return pd.DataFrame(
        {
            "No": range(1, len(tasks) + 1),
            TASK_COLUMN: tasks["task"].to_numpy(),
            SHORT_COLUMN: tasks["short_name"].to_numpy(),
            METRIC_COLUMN: tasks["metric"].to_numpy(),
        }
    )


def write_reference_workbook(
    reference: Reference, path: str | Path, *, sota: np.ndarray | None = None
) -> Path:
    """The SoTA sheet as ``sota_result.xlsx`` lays it out: one sheet per :data:`SHEETS` entry
    (NLP first, as in the official file) with ``No | Task Name | Task Short Name | Metrics |
    SoTA Performance``; a sheet without tasks gets the header only.

    ``sota`` replaces the reference's values cell by cell (an object array may hold text such as
    ``"∞"``, which is how tests build the cells the official ranker reads as missing)."""
    path = Path(path)
    cells = reference.sota if sota is None else sota
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet in (SHEETS[-1], *SHEETS[:-1]):
            frame = _sheet_frame(reference, sheet)
            frame[SOTA_COLUMN] = cells[reference.sheet_slices[sheet]]
            frame.to_excel(writer, sheet_name=sheet, index=False)
    return path


def write_results_workbook(reference: Reference, model: str, values: np.ndarray, path: str | Path) -> Path:
    """A model's raw scores (one per reference task, NaN = unsupported, left empty) as the
    official ``register.py`` writes them: the template's columns plus one named after the model.
    An object array may hold text cells (``"N/A"``) as well."""
    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet in (SHEETS[-1], *SHEETS[:-1]):
            frame = _sheet_frame(reference, sheet)
            frame[model] = values[reference.sheet_slices[sheet]]
            frame.to_excel(writer, sheet_name=sheet, index=False)
    return path
