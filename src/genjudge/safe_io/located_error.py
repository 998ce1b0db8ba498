"""The shape every benchmark's format error shares: a reason, and where the fix has to be made.

Each benchmark reader raises its own error class (so callers can catch one benchmark's bad input),
and all of them print the same way: the file (with ``:line`` when known), then the places inside
it that the format has (a ``total_uid``, a sheet and row, a record), then the field, then the
reason — because the fix is an edit at that spot and people need to find it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class LocatedError(Exception):
    """An input error whose message names where it is. ``field_word`` is how the format calls a
    field (``field`` in JSON, ``column`` in a spreadsheet)."""

    field_word = "field"

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        places: Sequence[str | None] = (),
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.reason = message
        where = [self.file + (f":{line}" if line is not None else "")] if self.file is not None else []
        where += [place for place in places if place is not None]
        if field is not None:
            where.append(f"{self.field_word} {field!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
