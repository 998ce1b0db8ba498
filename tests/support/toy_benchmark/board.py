"""The toy board: reads an ``id,answer`` CSV and ranks models by the share of reversed words."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from genjudge.benchmarks.plugin import (
    BenchmarkSpec,
    BoardOption,
    Column,
    ColumnKind,
    Job,
    OptionValue,
    Payload,
    SortKey,
    SubmissionForm,
)
from genjudge.benchmarks.sections import DemoContext, DemoUpload
from genjudge.benchmarks.single_file_board import SingleFileBoard
from genjudge.safe_io.uploads import SubmissionError, SubmissionLimits

SAMPLE = Path(__file__).parent / "sample"


def read_words(release: Path) -> dict[str, str]:
    with (release / "words.csv").open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row["word"] for row in csv.DictReader(handle)}


class ToyBoard(SingleFileBoard):
    def __init__(self, words: dict[str, str]) -> None:
        super().__init__(SPEC, "toy-spelling")
        self.words = words

    def describe(self) -> str:
        return f"{len(self.words)} words to spell backwards."

    def parse(self, source: Path, limits: SubmissionLimits) -> Payload:
        answers = {row["id"]: row["answer"] for row in csv.DictReader(io.StringIO(source.read_text()))}
        missing = sorted(set(self.words) - set(answers))
        if missing:
            raise SubmissionError(f"no answer for {', '.join(missing)}", file=source.name)
        return Payload(pa.table({"id": list(answers), "answer": list(answers.values())}), len(answers))

    def score(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        answers = dict(zip(*job.payload(sid).to_pydict().values(), strict=True))
        right = sum(answers[key] == word[::-1] for key, word in self.words.items())
        return {"accuracy": right / len(self.words), "words": len(self.words)}


def open_board(options: Mapping[str, OptionValue]) -> ToyBoard:
    return ToyBoard(read_words(Path(str(options["release"])) if options["release"] else SAMPLE))


def demo_board(context: DemoContext) -> ToyBoard:
    return ToyBoard(read_words(SAMPLE))


def demo_uploads() -> list[DemoUpload]:
    return [(SAMPLE / "mirror-model.csv", "Mirror-Model")]


SPEC = BenchmarkSpec(
    name="toy-spelling",
    title="Toy Spelling",
    summary="Spell each word backwards.",
    citation="@misc{toy, title={Toy Spelling}}",
    columns=(
        Column("accuracy", "Accuracy (%)", ColumnKind.PERCENT, "Share of words spelled backwards.", "Acc"),
        Column("words", "Words", ColumnKind.COUNT, "Words in the release."),
    ),
    sort=(SortKey("accuracy"),),
    sort_note="Sorted by accuracy.",
    submission=SubmissionForm((".csv",), "Answers (csv)", "One `id,answer` row per word."),
    options=(BoardOption("release", "Toy release folder (default: the bundled sample)."),),
    opener=open_board,
)
