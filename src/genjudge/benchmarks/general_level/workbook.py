"""Opening an untrusted ``.xlsx`` safely and reading its sheets as plain cell values.

An xlsx is a zip archive. Before openpyxl touches it, the archive's declared entry sizes are
summed and checked against :data:`MAX_UNCOMPRESSED_BYTES` (Python's zip reader never inflates an
entry past its declared size, so the declaration bounds the memory used), and the file itself
against :data:`MAX_FILE_BYTES`. Cells holding formulas are refused, never evaluated: a score
sheet holds numbers, and a formula's cached result may be stale or absent.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from genjudge.scoring.general_level import GeneralLevelFormatError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1000
_FORMULA_TYPES = (ArrayFormula, DataTableFormula)


@dataclass(frozen=True)
class Sheet:
    """A sheet as a header and data rows; ``numbers[i]`` is the Excel row number of ``rows[i]``."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numbers: tuple[int, ...]

    def column(self, wanted: str) -> int | None:
        """Index of the column whose header equals ``wanted`` ignoring case and spacing."""
        key = " ".join(wanted.lower().split())
        for index, name in enumerate(self.header):
            if " ".join(name.lower().split()) == key:
                return index
        return None

    def letter(self, index: int) -> str:
        return get_column_letter(index + 1)


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
    bomb, a formula in any cell, or an empty row between data rows (positions matter to the
    official ranker, so a gap would shift every row after it).
    """
    check_file_size(path)
    check_archive(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise GeneralLevelFormatError(f"{path}: not a readable Excel workbook ({error})") from None
    try:
        return {worksheet.title: _read_sheet(path, worksheet) for worksheet in workbook.worksheets}
    finally:
        workbook.close()


def _read_sheet(path: Path, worksheet) -> Sheet:
    grid: list[tuple[object, ...]] = []
    for row_number, cells in enumerate(worksheet.iter_rows(), start=1):
        values = []
        for column_number, cell in enumerate(cells, start=1):
            if getattr(cell, "data_type", None) == "f" or isinstance(cell.value, _FORMULA_TYPES):
                raise GeneralLevelFormatError(
                    f"{path}, sheet {worksheet.title!r}, "
                    f"cell {get_column_letter(column_number)}{row_number}: "
                    "holds a formula; enter the number itself (formulas are never evaluated)"
                )
            values.append(cell.value)
        grid.append(tuple(values))
    while grid and all(value is None for value in grid[-1]):
        grid.pop()
    if not grid:
        return Sheet(worksheet.title, (), (), ())
    width = max((i + 1 for row in grid for i, value in enumerate(row) if value is not None), default=0)
    header_cells = list(grid[0][:width]) + [None] * (width - len(grid[0]))
    header = tuple("" if value is None else str(value).strip() for value in header_cells)
    rows, numbers = [], []
    for row_number, row in enumerate(grid[1:], start=2):
        padded = tuple(row[:width]) + (None,) * (width - len(row))
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in padded):
            raise GeneralLevelFormatError(
                f"{path}, sheet {worksheet.title!r}, row {row_number}: "
                "an empty row between data rows; delete it"
            )
        rows.append(padded)
        numbers.append(row_number)
    return Sheet(worksheet.title, header, tuple(rows), tuple(numbers))
