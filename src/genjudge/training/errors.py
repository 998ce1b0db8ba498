"""The one error the judge-training data builder raises, so the CLI can print it instead of a traceback."""

from __future__ import annotations

from pathlib import Path

from genjudge.safe_io.located_error import LocatedError


class TrainingDataError(LocatedError):
    """Verdicts, outputs or a built training set cannot make a training set; the message names the
    file, the record (its position in the file and its ``data_id``) and the field when known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        record: int | None = None,
        uid: str | None = None,
        field: str | None = None,
    ) -> None:
        self.record = record
        self.uid = uid
        places = [
            f"record {record}" if record is not None else None,
            f"data_id {uid}" if uid is not None else None,
        ]
        super().__init__(message, file=file, field=field, places=places)
