"""The one error every OpenING reader raises, so callers can catch bad releases without tracebacks."""

from __future__ import annotations

from pathlib import Path


class OpeningFormatError(Exception):
    """A release or model-output file does not follow the OpenING format.

    The message always says where the problem is (file, and line or ``total_uid`` when known, and
    the JSON field), because the fix is an edit in that file and people need to find the spot.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        uid: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.uid = uid
        self.field = field
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file + (f":{self.line}" if self.line is not None else ""))
        if self.uid is not None:
            where.append(f"total_uid {self.uid}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason
