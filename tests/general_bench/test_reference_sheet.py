"""Reading the reference workbook the tasks are joined with."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from genjudge.benchmarks.general_level.bench import (
    ReferenceIndex,
    read_reference_sheet,
)
from genjudge.safe_io.located_error import FormatError

SOTA = Path(__file__).parent / "fixtures" / "sota_result.xlsx"


def test_rows_keep_sheet_order_and_are_found_by_loose_task_names():
    tasks = read_reference_sheet(SOTA)
    assert [t.name for t in tasks if t.sheet == "NLP"][:2] == [
        "Commonsense Reasoning",
        "Multi-Hop Question Answering",
    ]
    index = ReferenceIndex(tasks)
    found = index.find("Audio-Comprehension", "AccentClassification")
    assert (found.name, found.metric, found.sota, found.row) == ("Accent Classification", "ACC", 75.2, 2)
    assert index.find("NLP", "Accent Classification") is None  # sheets are kept apart


def test_duplicate_tasks_name_both_rows(tmp_path):
    workbook = load_workbook(SOTA)
    workbook["NLP"].append([2, "commonsense reasoning", "Dup", "ACC", 1.0])
    workbook.save(tmp_path / "dup.xlsx")
    with pytest.raises(FormatError, match=r"sheet 'NLP' row 6, field 'Task Name': .* \(rows 2 and 6\)"):
        read_reference_sheet(tmp_path / "dup.xlsx")


def test_missing_sheets_and_non_workbooks_are_refused(tmp_path):
    workbook = Workbook()
    workbook.active.title = "NLP"
    workbook.save(tmp_path / "short.xlsx")
    with pytest.raises(FormatError, match=r"sheet 'NLP' has no column 'No'"):
        read_reference_sheet(tmp_path / "short.xlsx")
    (tmp_path / "fake.xlsx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(FormatError, match=r"fake.xlsx: not an xlsx workbook"):
        read_reference_sheet(tmp_path / "fake.xlsx")


def test_non_numeric_sota_cells_are_named(tmp_path):
    workbook = load_workbook(SOTA)
    workbook["NLP"]["E2"] = "n/a"
    workbook.save(tmp_path / "bad.xlsx")
    with pytest.raises(FormatError, match=r"sheet 'NLP' row 2, field 'SoTA Performance': not a finite"):
        read_reference_sheet(tmp_path / "bad.xlsx")
