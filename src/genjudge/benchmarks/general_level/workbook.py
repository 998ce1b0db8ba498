"""Opening an untrusted score sheet (``.xlsx``, or CSV/JSON) safely and reading it as plain cell values.

An xlsx is a zip archive. Before openpyxl touches it, the archive's declared entry sizes are
summed and checked against :data:`MAX_UNCOMPRESSED_BYTES` (Python's zip reader never inflates an
entry past its declared size, so the declaration bounds the memory used), and the file itself
against :data:`MAX_FILE_BYTES`. Cells holding formulas are refused, never evaluated: a score
sheet holds numbers, and a formula's cached result may be stale or absent.
"""

from __future__ import annotations

import datetime
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from genjudge.safe_io import bounded_json as safe_json
from genjudge.scoring.general_level import GeneralLevelFormatError
from genjudge.scoring.general_level.tables import score_value

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1000
# The area from A1 to a sheet's farthest cell: the official sheets span a few hundred rows by a few
# dozen columns; a stray cell far away would otherwise pad every row to its column.
MAX_SHEET_CELLS = 1_000_000
MAX_COLUMN = 16384  # XFD, Excel's last column
_FORMULA_TYPES = (ArrayFormula, DataTableFormula)


@dataclass(frozen=True)
class Sheet:
    """A sheet as a header and data rows; ``numbers[i]`` is the Excel row number of ``rows[i]``,
    and ``first_column`` the Excel column number (1 for A) of each row's first value."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numbers: tuple[int, ...]
    first_column: int = 1

    def column(self, wanted: str) -> int | None:
        """Index of the column whose header equals ``wanted`` ignoring case and spacing."""
        key = " ".join(wanted.lower().split())
        for index, name in enumerate(self.header):
            if " ".join(name.lower().split()) == key:
                return index
        return None

    def letter(self, index: int) -> str:
        """The Excel column letter of column ``index`` of the rows."""
        return get_column_letter(index + self.first_column)

    def where(self, path: Path, number: int, index: int) -> str:
        """Names the cell in Excel row ``number`` and column ``index`` of the rows for a message:
        the file, the sheet, the cell in A1 notation and its column's header."""
        return (
            f"{path}, sheet {self.name!r}, cell {self.letter(index)}{number} (column {self.header[index]!r})"
        )


def cell_score(value: object, where: str, *, official: bool = False) -> float:
    """A cell as a score (:func:`~genjudge.scoring.general_level.tables.score_value`), refusing by
    name a date or time: openpyxl reads a number formatted as a date as a ``datetime``, and which
    number was meant cannot be told back."""
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise GeneralLevelFormatError(
            f"{where}: holds a date or time ({value}), not a score; format the cell as a number"
        )
    return score_value(value, where, official=official)


def cell_text(value: object, where: str, what: str) -> str:
    """A cell that must hold text (``what`` names it in the message: "the task name"), stripped."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise GeneralLevelFormatError(f"{where}: {what} is empty")
    if not isinstance(value, str):
        raise GeneralLevelFormatError(f"{where}: {what} must be text, not {value!r}")
    return value.strip()


def read_csv_sheet(path: Path) -> pd.DataFrame:
    """A CSV results or SoTA sheet as text cells, its header stripped and lower-cased."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise GeneralLevelFormatError(f"{path}: not a readable CSV file ({error})") from None
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    return frame


def read_json_sheet(path: Path) -> Any:
    """A JSON results or SoTA sheet, read with :mod:`genjudge.safe_io.bounded_json`'s bounds (depth, digits,
    repeated keys, NaN); a refusal names the file, the field, the line and the column."""
    try:
        return safe_json.loads(path.read_bytes())
    except safe_json.JSONInputError as error:
        raise GeneralLevelFormatError(f"{path}: not valid JSON: {error}") from None


def check_file_size(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a missing file or one larger than ``limit`` bytes."""
    if not path.is_file():
        raise GeneralLevelFormatError(f"{path}: no such file")
    size = path.stat().st_size
    if size > limit:
        raise GeneralLevelFormatError(
            f"{path}: {size:,} bytes, more than the {limit:,} a score sheet may have"
        )


def check_archive(path: Path) -> None:
    """Refuse a file that is not a zip archive, or one that would inflate past the limits."""
    if not zipfile.is_zipfile(path):
        raise GeneralLevelFormatError(
            f"{path}: not an Excel workbook (.xlsx files are zip archives; this is not one)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise GeneralLevelFormatError(f"{path}: not a readable workbook ({error})") from None
    if len(entries) > MAX_ENTRIES:
        raise GeneralLevelFormatError(f"{path}: {len(entries)} archive entries, more than {MAX_ENTRIES}")
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise GeneralLevelFormatError(
            f"{path}: would inflate to {declared:,} bytes (limit {MAX_UNCOMPRESSED_BYTES:,}); "
            "refusing a possible zip bomb"
        )


def read_workbook(path: Path) -> dict[str, Sheet]:
    """Every sheet of ``path`` in workbook order, trailing empty rows and columns dropped.

    Raises :class:`GeneralLevelFormatError` for an oversized file, a non-workbook, a possible zip
    bomb, a cell that cannot be read as what it is marked to be (a number that is not one, a
    date that is not one…), a formula or an Excel error (``#DIV/0!``) in any cell, a sheet
    spread over more than :data:`MAX_SHEET_CELLS` cells, or an empty row between data rows
    (positions matter to the official ranker, so a gap would shift every row after it). Every
    message names the sheet, and the cell in A1 notation where there is one.
    """
    check_file_size(path)
    check_archive(path)
    with warnings.catch_warnings():
        # openpyxl warns about parts it skips (extensions, odd dates); the read refuses what matters.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as error:  # openpyxl raises whatever a malformed part triggers
            raise GeneralLevelFormatError(
                f"{path}: not a readable Excel workbook ({_short(error)})"
            ) from None
        try:
            return {worksheet.title: _read_sheet(path, worksheet) for worksheet in workbook.worksheets}
        finally:
            workbook.close()


class _UnreadableCell(Exception):
    """One cell the sheet parser could not take as it is marked; ``cell`` is its A1 name (or the
    row, when the cell's own reference is broken)."""

    def __init__(self, cell: str, problem: str) -> None:
        super().__init__(f"{cell}: {problem}")
        self.cell = cell
        self.problem = problem


def _shown(raw: str | None) -> str:
    text = raw or ""
    return repr(text if len(text) <= 40 else text[:40] + "…")


class _CellParser(WorkSheetParser):
    """openpyxl's own sheet parser, with a failure on any one cell turned into
    :class:`_UnreadableCell` naming it: openpyxl converts each cell as it reads it (a number,
    a shared string, a date), and its errors say neither which cell nor which sheet."""

    def parse_cell(self, element: Element) -> dict[str, Any]:
        name = self._cell_name(element)
        try:
            cell = super().parse_cell(element)
        except Exception:  # whatever the conversion raised, the cell is the news
            raise _UnreadableCell(name, _cell_problem(element)) from None
        if cell["data_type"] == "f" or isinstance(cell["value"], _FORMULA_TYPES):
            raise _UnreadableCell(
                name, "holds a formula; enter the number itself (formulas are never evaluated)"
            )
        if cell["data_type"] == "e":
            raise _UnreadableCell(
                name, f"holds the Excel error {cell['value']}; enter the value itself (or leave it empty)"
            )
        return cell

    def _cell_name(self, element: Element) -> str:
        reference = element.get("r")
        if not reference:
            return f"{get_column_letter(min(self.col_counter + 1, MAX_COLUMN))}{self.row_counter}"
        try:
            row, column = coordinate_to_tuple(reference)
        except (ValueError, TypeError):
            raise _UnreadableCell(
                f"in row {self.row_counter}", f"the cell reference {_shown(reference)} is not one (like B7)"
            ) from None
        return f"{get_column_letter(column)}{row}"


def _cell_problem(element: Element) -> str:
    """What is wrong with a cell openpyxl could not convert, told from how the file marks it."""
    kind = element.get("t", "n")
    raw = element.findtext(VALUE_TAG)
    style = element.get("s")
    if style is not None and not style.isdigit():
        return f"its style number {_shown(style)} is not a number"
    if kind == "n":
        return f"is marked as a number but holds {_shown(raw)}; enter a number (or leave the cell empty)"
    if kind == "s":
        return f"refers to shared text {_shown(raw)}, which the workbook does not have"
    if kind == "b":
        return f"is marked as true/false but holds {_shown(raw)}"
    if kind == "d":
        return f"is marked as a date but holds {_shown(raw)}, which is not an ISO 8601 date"
    return f"cannot be read as its type {_shown(kind)} ({_shown(raw)})"


def _short(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 200 else text[:200] + "…"


def _cells(path: Path, worksheet: ReadOnlyWorksheet) -> dict[int, dict[int, object]]:
    """The sheet's non-empty cells as ``{row: {column: value}}`` (1-based), straight from its XML.

    Only the cells the file holds are kept, so a sheet claiming a huge size (the ``dimension``
    element, or one cell at XFD1048576) costs what the file holds, not what it claims.
    """
    workbook = worksheet.parent
    rows: dict[int, dict[int, object]] = {}
    where = f"{path}, sheet {worksheet.title!r}"
    row_number = 0
    try:
        with worksheet._get_source() as source:
            parser = _CellParser(
                source,
                worksheet._shared_strings,
                data_only=False,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for row_number, cells in parser.parse():
                values = {cell["column"]: cell["value"] for cell in cells if cell["value"] is not None}
                if values:
                    rows.setdefault(row_number, {}).update(values)
    except _UnreadableCell as bad:
        raise GeneralLevelFormatError(f"{where}, cell {bad.cell}: {bad.problem}") from None
    except Exception as error:  # a malformed sheet part raises whatever its parser hits
        raise GeneralLevelFormatError(
            f"{where}: not readable after row {row_number} ({_short(error)})"
        ) from None
    return rows


def _read_sheet(path: Path, worksheet: ReadOnlyWorksheet) -> Sheet:
    """The table of a sheet: its first row holding a value is the header, its first column holding
    one is the table's first column (Excel saves a table placed at B3 as such)."""
    cells = _cells(path, worksheet)
    if not cells:
        return Sheet(worksheet.title, (), (), ())
    first_row, last_row = min(cells), max(cells)
    first_column = min(min(row) for row in cells.values())
    last_column = max(max(row) for row in cells.values())
    if (last_row - first_row + 1) * (last_column - first_column + 1) > MAX_SHEET_CELLS:
        raise GeneralLevelFormatError(
            f"{path}, sheet {worksheet.title!r}: the cells spread from "
            f"{get_column_letter(first_column)}{first_row} to {get_column_letter(last_column)}{last_row}, "
            f"more than the {MAX_SHEET_CELLS:,} cells a score sheet may span; delete the stray cells"
        )

    def row_values(number: int) -> tuple[object, ...]:
        row = cells.get(number, {})
        return tuple(row.get(column) for column in range(first_column, last_column + 1))

    header = tuple("" if value is None else str(value).strip() for value in row_values(first_row))
    rows, numbers = [], []
    for row_number in range(first_row + 1, last_row + 1):
        padded = row_values(row_number)
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in padded):
            raise GeneralLevelFormatError(
                f"{path}, sheet {worksheet.title!r}, row {row_number}: "
                "an empty row between data rows; delete it"
            )
        rows.append(padded)
        numbers.append(row_number)
    return Sheet(worksheet.title, header, tuple(rows), tuple(numbers), first_column)
