"""A metric submission: one CSV row per benchmark image with the metric's score(s).

::

    image_name,perception,correspondence,qa
    DALLE3/001.png,0.71,0.64,yes
    DALLE3/1000.png,0.55,0.80,yes;no;yes

Score columns: ``perception`` (correlated with MOS1), ``correspondence`` (with MOS2), or a single
``score`` (correlated with both). ``qa`` optionally answers the image's questions in order (overall
question first, ``;`` between answers). ``ImageName`` is accepted for ``image_name``. Everything is
checked against the benchmark's image list before any number is computed, and every problem names
the file, the CSV line (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from genjudge.safe_io.located_error import FormatError
from genjudge.scoring.correlation import parse_yes_no

SCORE_COLUMNS = ("perception", "correspondence", "score")
NAME_COLUMNS = ("image_name", "ImageName")
QA_COLUMN = "qa"
MAX_SUBMISSION_BYTES = 64 * 1024 * 1024
"""Far above 50,400 rows of a few numbers each; anything bigger is not a metric submission."""


@dataclass(frozen=True)
class MetricSubmission:
    """Validated scores: ``scores`` has ``image_name`` and the score columns given, in file order."""

    file: str
    scores: pd.DataFrame
    score_columns: tuple[str, ...]
    qa: dict[str, list[bool]] | None
    """Predicted answers per image (aligned with the image's questions), when the file has ``qa``."""
    missing: list[str]
    """Benchmark images the file does not score (empty unless read with ``allow_partial``)."""


def read_metric_submission(
    path: str | Path,
    benchmark: pd.DataFrame,
    *,
    allow_partial: bool = False,
    max_bytes: int = MAX_SUBMISSION_BYTES,
) -> MetricSubmission:
    """Read and validate a metric submission CSV against ``benchmark`` (see ``load_ratings``).

    Refused: a file that is not CSV or too large, no image-name or score column, names that are
    not benchmark images, duplicate names, scores that are empty, NaN or infinite, QA answers
    that are not yes/no or do not match the image's number of questions, and (unless
    ``allow_partial``) benchmark images without a score.
    """
    file = Path(path)
    if not file.is_file():
        raise FormatError("file not found", file=file)
    if file.stat().st_size > max_bytes:
        raise FormatError(f"is {file.stat().st_size:,} bytes, above the limit of {max_bytes:,}", file=file)
    return parse_metric_submission(file.read_bytes(), benchmark, file=str(file), allow_partial=allow_partial)


def parse_metric_submission(
    data: bytes, benchmark: pd.DataFrame, *, file: str = "<upload>", allow_partial: bool = False
) -> MetricSubmission:
    """:func:`read_metric_submission` on bytes already in memory (an upload)."""
    try:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FormatError(f"not a UTF-8 CSV file: {exc}", file=file) from exc
    if not rows:
        raise FormatError("the file is empty", file=file)
    header = [cell.strip() for cell in rows[0]]
    name_column = next((c for c in NAME_COLUMNS if c in header), None)
    if name_column is None:
        raise FormatError(f"no image_name column; the header is {header}", file=file, line=1)
    score_columns = tuple(c for c in SCORE_COLUMNS if c in header)
    if not score_columns:
        raise FormatError(
            f"no score column: expected one of {list(SCORE_COLUMNS)}; the header is {header}",
            file=file,
            line=1,
        )
    if "score" in score_columns and len(score_columns) > 1:
        raise FormatError(
            "give either one 'score' column or 'perception'/'correspondence', not both", file=file, line=1
        )
    index = {column: header.index(column) for column in (name_column, *score_columns)}
    qa_index = header.index(QA_COLUMN) if QA_COLUMN in header else None
    questions = dict(zip(benchmark["image_name"], benchmark["questions"], strict=True))
    seen: dict[str, int] = {}
    records = []
    qa: dict[str, list[bool]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise FormatError(f"{len(row)} cells but the header has {len(header)}", file=file, line=line)
        name = row[index[name_column]].strip()
        if name not in questions:
            raise FormatError(
                f"{name!r} is not an image of the benchmark (names look like 'DALLE3/001.png')",
                file=file,
                line=line,
                column=name_column,
            )
        if name in seen:
            raise FormatError(
                f"{name} is scored twice (first on line {seen[name]})",
                file=file,
                line=line,
                column=name_column,
            )
        seen[name] = line
        record: dict[str, object] = {"image_name": name}
        for column in score_columns:
            record[column] = _score(row[index[column]], file=file, line=line, column=column)
        records.append(record)
        if qa_index is not None and row[qa_index].strip():
            qa[name] = _answers(row[qa_index], len(questions[name]), file=file, line=line)
    if not records:
        raise FormatError("no rows after the header", file=file)
    missing = [name for name in benchmark["image_name"] if name not in seen]
    if missing and not allow_partial:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise FormatError(
            f"{len(missing)} benchmark image(s) have no score: {shown}; score every image "
            f"({len(questions)} in all)",
            file=file,
        )
    return MetricSubmission(
        file=file,
        scores=pd.DataFrame(records, columns=["image_name", *score_columns]),
        score_columns=score_columns,
        qa=qa or None,
        missing=missing,
    )


def _score(cell: str, *, file: str, line: int, column: str) -> float:
    text = cell.strip()
    try:
        value = float(text)
    except ValueError:
        raise FormatError(f"{text!r} is not a number", file=file, line=line, column=column) from None
    if not math.isfinite(value):
        raise FormatError(f"score {text!r} is not finite", file=file, line=line, column=column)
    return value


def _answers(cell: str, expected: int, *, file: str, line: int) -> list[bool]:
    parts = [part.strip() for part in cell.split(";")]
    if len(parts) != expected:
        raise FormatError(
            f"{len(parts)} answer(s) but the image has {expected} question(s)",
            file=file,
            line=line,
            column=QA_COLUMN,
        )
    answers = []
    for part in parts:
        parsed = parse_yes_no(part)
        if parsed is None:
            raise FormatError(
                f"answer {part!r} is neither yes nor no", file=file, line=line, column=QA_COLUMN
            )
        answers.append(parsed)
    return answers
