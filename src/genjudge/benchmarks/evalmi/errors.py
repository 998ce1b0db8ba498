"""The one error every EvalMi-50K reader raises, so callers can catch bad input without tracebacks."""

from __future__ import annotations

from pathlib import Path


class EvalMiFormatError(Exception):
    """A release file or a submission does not follow the EvalMi-50K format.

    The message always says where (file, then sheet and spreadsheet row, or line, and the column or
    field), because the fix is an edit at that spot. Spreadsheet rows are numbered as Excel shows
    them: the header is row 1, the first data row is row 2.
    """

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
        self.file = str(file) if file is not None else None
        self.sheet = sheet
        self.row = row
        self.line = line
        self.field = field
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file + (f":{self.line}" if self.line is not None else ""))
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"column {self.field!r}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason
