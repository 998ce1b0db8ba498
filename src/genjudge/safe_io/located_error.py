"""The one format error every reader raises: a reason, and where the fix has to be made.

OpenING, EvalMi-50K, General-Bench and the judge-training builder read files they do not control;
when one does not follow its format the reader raises :class:`FormatError`, so the CLI, the boards
and the Space catch one type and print it the same way: the file (with ``:line`` when known), then
the places inside it that the format has (a sheet and row, a record, a ``total_uid`` or
``data_id``), then the field or column, then the reason — because the fix is an edit at that spot
and people need to find it.
"""

from __future__ import annotations

from pathlib import Path


class FormatError(Exception):
    """An input file that does not follow its format; the message names where.

    Each place is named the way the format calls it: ``sheet``/``row`` in a spreadsheet (rows as
    Excel numbers them), ``record`` (an index or id in a JSON list), ``total_uid`` (an OpenING
    instance), ``data_id`` (an Interleaved Arena pair); ``field`` is a JSON field and ``column`` a
    spreadsheet or CSV column (give one of the two).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        sheet: str | None = None,
        row: int | None = None,
        record: str | int | None = None,
        total_uid: str | None = None,
        data_id: str | None = None,
        field: str | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.sheet = sheet
        self.row = row
        self.record = record
        self.total_uid = total_uid
        self.data_id = data_id
        self.field = field if field is not None else column
        self.reason = message
        where = [self.file + (f":{line}" if line is not None else "")] if self.file is not None else []
        places = (
            (sheet, f"sheet {sheet!r}"),
            (row, f"row {row}"),
            (record, f"record {record}"),
            (total_uid, f"total_uid {total_uid}"),
            (data_id, f"data_id {data_id}"),
            (field, f"field {field!r}"),
            (column, f"column {column!r}"),
        )
        where += [text for value, text in places if value is not None]
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
