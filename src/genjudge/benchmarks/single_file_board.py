"""The base of a board that scores one uploaded file, a submission at a time.

EvalMi-50K's Metrics board (a metric's scores), General-Level (a model's score sheet), OpenING's
Judges board (a judge's verdicts) and EvalMi-50K's Models board (a model's images) share a shape:
a submission's row depends only on that submission and the board's data, never on the other
members, so each is scored once per process and a job's board is the members' rows (plus any
reference rows) and its own. What is the same is written here, driven by the spec: the upload is
one file of an accepted suffix (``spec.submission.file_types``) within the size limit, a format
error becomes a message that names only the file, the results are the spec's result fields and the
config its ``config_fields``. A board keeps only what differs: :meth:`parse`, :meth:`score`,
:meth:`describe`, and where it has them, reference rows, charts and a config of its own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from matplotlib.figure import Figure

from genjudge.benchmarks.plugin import BenchmarkSpec, BoardOption, Evaluation, Job, Payload, json_values
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.uploads import SubmissionError, SubmissionLimits, check_source

BOOTSTRAP_OPTIONS = (
    BoardOption("bootstrap", "Bootstrap rounds for the intervals.", "1000", "integer"),
    BoardOption("seed", "Seed of the bootstrap.", "0", "integer"),
)
"""The options of a board whose rows carry bootstrap intervals; they are recorded in its results
(:data:`BOOTSTRAP_CONFIG`), so a number can be reproduced."""
BOOTSTRAP_CONFIG = {"bootstrap": "int64", "seed": "int64"}


class SingleFileBoard(ABC):
    """A :class:`~genjudge.benchmarks.plugin.Board` whose rows are scored one submission at a time.

    ``format_errors`` are the exceptions :meth:`parse` raises for a file that does not follow the
    format; each is shown to the submitter with the server's path of the upload cut to its name.
    """

    format_errors: ClassVar[tuple[type[Exception], ...]] = (FormatError,)

    def __init__(self, spec: BenchmarkSpec, board_id: str) -> None:
        self.spec = spec
        self.board_id = board_id
        self._rows: dict[str, dict[str, Any]] = {}

    @abstractmethod
    def describe(self) -> str:
        """Markdown for the About tab: the data this board uses and how it evaluates."""

    @abstractmethod
    def parse(self, source: Path, limits: SubmissionLimits) -> Payload:
        """The upload (past :meth:`check_upload`) as the payload the store keeps,
        checked as far as the board can without the other members (raising one of
        ``format_errors`` or a :class:`SubmissionError`)."""

    @abstractmethod
    def score(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        """The board fields of the submission ``sid``, from its stored payload (``job.payload(sid)``)."""

    def reference_rows(self, job: Job) -> list[dict[str, Any]]:
        """Rows the board shows for comparison beside the members (none by default)."""
        return []

    def config(self) -> dict[str, Any]:
        """How a submission was evaluated: the board's attributes named by ``spec.config_fields``."""
        return {name: getattr(self, name) for name in self.spec.config_fields}

    def charts(self, board: pd.DataFrame) -> dict[str, Figure]:
        """The board's pictures, drawn from the new board (none by default)."""
        return {}

    def check_upload(self, source: Path, limits: SubmissionLimits) -> None:
        """Refuse anything but one file of an accepted suffix within the size limit."""
        types = self.spec.submission.file_types
        if check_source(source) or source.suffix.lower() not in types:
            accepted = " or ".join(filter(None, (", ".join(types[:-1]), types[-1])))
            raise SubmissionError(f"{self.spec.title} takes one {accepted} file", file=source.name)
        if source.stat().st_size > limits.max_archive_bytes:
            raise SubmissionError(f"is larger than {limits.max_archive_bytes:,} bytes", file=source.name)

    def read_submission(self, source: Path, model: str, limits: SubmissionLimits) -> Payload:
        self.check_upload(source, limits)
        try:
            return self.parse(source, limits)
        except self.format_errors as exc:
            # Only the file's own name: an upload sits in a server temp folder.
            raise SubmissionError(str(exc).replace(str(source), source.name), file=source.name) from None

    def _row(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        if sid not in self._rows:
            self._rows[sid] = {**self.score(job, sid, model), "model": model}
        return self._rows[sid]

    def evaluate(self, job: Job) -> Evaluation:
        references = self.reference_rows(job)
        members = [self._row(job, m["submission_id"], m["model"]) for m in job.members]
        new = self._row(job, job.submission_id, job.model)
        board = pd.DataFrame([*references, *members, new])
        results = {self.board_id: json_values(new, self.spec.result_fields())}
        return Evaluation(board, results, self.config(), charts=self.charts(board))
