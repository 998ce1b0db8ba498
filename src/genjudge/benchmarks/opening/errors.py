"""The one error every OpenING reader raises, so callers can catch bad releases without tracebacks."""

from __future__ import annotations

from pathlib import Path

from genjudge.safe_io.located_error import LocatedError


class OpeningFormatError(LocatedError):
    """A release or model-output file does not follow the OpenING format; the message names the
    file and line or ``total_uid`` when known, and the JSON field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        uid: str | None = None,
        field: str | None = None,
    ) -> None:
        self.uid = uid
        places = [f"total_uid {uid}" if uid is not None else None]
        super().__init__(message, file=file, line=line, field=field, places=places)
