"""The one error every EvalMi-50K reader raises, so callers can catch bad input without tracebacks."""

from __future__ import annotations

from pathlib import Path

from genjudge.safe_io.located_error import LocatedError


class EvalMiFormatError(LocatedError):
    """A release file or a submission does not follow the EvalMi-50K format.

    The message says where: the file, then the sheet and spreadsheet row, or line, and the column.
    Spreadsheet rows are numbered as Excel shows them: the header is row 1, the first data row is 2.
    """

    field_word = "column"

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        row: int | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.sheet = sheet
        self.row = row
        places = [
            f"sheet {sheet!r}" if sheet is not None else None,
            f"row {row}" if row is not None else None,
        ]
        super().__init__(message, file=file, line=line, field=field, places=places)
