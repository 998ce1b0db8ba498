"""The errors General-Bench readers and scorers raise, so callers can report bad input without tracebacks."""

from __future__ import annotations

from pathlib import Path

from genjudge.safe_io.located_error import LocatedError


class GeneralBenchFormatError(LocatedError):
    """A release, prediction or reference-sheet file does not follow the General-Bench format; the
    message names the file, the record id or index, and the JSON field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.record = record
        places = [f"record {record}" if record is not None else None]
        super().__init__(message, file=file, field=field, places=places)


class MetricUnavailableError(Exception):
    """A metric needs something that is not here (model weights, an optional package).

    The message names what to download or install and how to point genjudge at it.
    """
