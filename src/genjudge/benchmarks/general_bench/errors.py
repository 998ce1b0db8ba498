"""The errors General-Bench readers and scorers raise, so callers can report bad input without tracebacks."""

from __future__ import annotations

from pathlib import Path


class GeneralBenchFormatError(Exception):
    """A release, prediction or reference-sheet file does not follow the General-Bench format.

    The message always says where the problem is (file, record id or index, JSON field), because
    the fix is an edit in that file and people need to find the spot.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.record = record
        self.field = field
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.record is not None:
            where.append(f"record {self.record}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class MetricUnavailableError(Exception):
    """A metric needs something that is not here (model weights, an optional package).

    The message names what to download or install and how to point genjudge at it.
    """
