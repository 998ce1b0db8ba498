"""General-Level on the leaderboard: the second plug-in of the generic store, worker, board and Space.

A submission is one model's per-task score sheet (the official xlsx layout, a CSV or a JSON file;
never executed). There is no judge: the evaluate step normalises the scores against the board's
SoTA sheet and computes Levels 2–5 with bootstrap intervals. A model's levels depend only on its
own sheet and the SoTA sheet, so each submission is scored once and the board is the scored rows
of its members, ranked by level, then by the score at that level.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from matplotlib.figure import Figure

from genjudge.benchmarks.board_charts import interval_bars
from genjudge.benchmarks.general_level.citation import CITATION
from genjudge.benchmarks.general_level.reference import read_reference
from genjudge.benchmarks.general_level.results import read_results
from genjudge.benchmarks.general_level.sample import sample_reference_path
from genjudge.benchmarks.plugin import (
    BenchmarkSpec,
    BoardOption,
    Column,
    ColumnKind,
    Job,
    OptionValue,
    Payload,
    Scope,
    SortKey,
    SubmissionForm,
)
from genjudge.benchmarks.single_file_board import BOOTSTRAP_CONFIG, BOOTSTRAP_OPTIONS, SingleFileBoard
from genjudge.safe_io.uploads import SubmissionLimits
from genjudge.scoring.general_level import (
    MODALITIES,
    GeneralLevelFormatError,
    GeneralLevelScore,
    Reference,
    Results,
    score_general_level,
)

LEVELS = ("level_2", "level_3", "level_4", "level_5")


def _level_columns() -> tuple[Column, ...]:
    columns = []
    for name in LEVELS:
        number = name[-1]
        columns.append(
            Column(
                name,
                f"Level-{number}",
                ColumnKind.NUMBER,
                f"The Level-{number} score (0–100).",
                f"L{number}",
                2,
            )
        )
        columns.append(
            Column(
                f"{name}_interval",
                f"Level-{number} 95% interval (bootstrap)",
                ColumnKind.INTERVAL,
                f"95% interval of the Level-{number} score, resampling tasks within each sheet.",
                short="95%",
                bounds_of=name,
                digits=2,
            )
        )
    return tuple(columns)


def _modality_columns() -> tuple[Column, ...]:
    columns = []
    for modality in MODALITIES:
        key = modality.lower()
        for part, label in (("comprehension", "C"), ("generation", "G")):
            columns.append(
                Column(
                    f"{key}_{part}",
                    f"{modality} {label}",
                    ColumnKind.NUMBER,
                    f"{modality} {part}: mean normalised score over its tasks (unsupported = 0).",
                    digits=2,
                )
            )
        for level in ("level_2", "level_3", "level_4"):
            columns.append(
                Column(
                    f"{key}_{level}",
                    f"{modality} Level-{level[-1]}",
                    ColumnKind.NUMBER,
                    f"{modality}'s own Level-{level[-1]}.",
                    digits=2,
                )
            )
    return tuple(columns)


def _scope_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            f"{paradigm}_{level}",
            f"{paradigm.capitalize()}-only Level-{level[-1]}",
            ColumnKind.NUMBER,
            f"Level-{level[-1]} from {paradigm} tasks alone, averaged over the four modalities.",
            digits=2,
        )
        for paradigm in ("comprehension", "generation")
        for level in ("level_2", "level_3")
    )


COLUMNS = (
    Column(
        "level",
        "Level",
        ColumnKind.COUNT,
        "The highest of Levels 2–5 with a positive score (1 when none is). The paper reads levels this "
        "way; the official code prints the scores but states no rule.",
        short="Lvl",
    ),
    Column(
        "level_score", "Score at its level", ColumnKind.NUMBER, "The score of the model's level.", "Score", 2
    ),
    *_level_columns(),
    Column("nlp", "NLP (S)", ColumnKind.NUMBER, "The NLP score that weights Level-5.", "NLP", 2),
    Column("supported", "Tasks supported", ColumnKind.COUNT, "Tasks the sheet gives a score for.", "Tasks"),
    Column(
        "wins",
        "Wins over SoTA",
        ColumnKind.COUNT,
        "Tasks where the model matches or beats the specialist.",
        "Wins",
    ),
    *_modality_columns(),
    *_scope_columns(),
)

SCOPES = (
    Scope(
        "Comprehension only",
        ("comprehension_level_2", "comprehension_level_3", "supported"),
        (SortKey("comprehension_level_3"), SortKey("comprehension_level_2")),
        "Comprehension tasks alone (a comprehension-only board stops at Level-3), sorted by Level-3.",
    ),
    Scope(
        "Generation only",
        ("generation_level_2", "generation_level_3", "supported"),
        (SortKey("generation_level_3"), SortKey("generation_level_2")),
        "Generation tasks alone (a generation-only board stops at Level-3), sorted by Level-3.",
    ),
    *(
        Scope(
            modality,
            tuple(
                f"{modality.lower()}_{suffix}"
                for suffix in ("comprehension", "generation", "level_2", "level_3", "level_4")
            ),
            (SortKey(f"{modality.lower()}_level_4"), SortKey(f"{modality.lower()}_level_3")),
            f"{modality} alone, sorted by its Level-4, then Level-3.",
        )
        for modality in MODALITIES
    ),
)
MAIN_COLUMNS = ("level", "level_score", *(c.key for c in _level_columns()), "nlp", "supported", "wins")

INSTRUCTIONS = """**What to upload:** one file with your model's score on each task of the SoTA sheet (the
board's reference), in one of three formats; nothing you upload is executed, formulas are refused.

- **xlsx**, the official layout (what General-Level's `register.py` writes): the SoTA workbook's nine
  sheets (`NLP`, `Image-Comprehension`, …, `3D-Generation`), each with the `Task Name` column and one
  column of your model's scores; an empty cell means the task is not supported.
- **CSV**: one row per task with the columns `sheet,task,score` (`metric` optional); an empty score
  means unsupported.
- **JSON**: `{"model": "...", "results": [{"sheet": ..., "task": ..., "score": ...}, ...]}` or
  `{"model": "...", "scores": {"<sheet>": {"<task>": <score or null>}}}`.

Scores are the raw metric values the SoTA sheet uses (accuracy in 0–100, FID, WER, PSNR…): the board
normalises them. Task names must match the SoTA sheet; an unknown or repeated task is refused with
its sheet and row."""

PAYLOAD_SCHEMA = pa.schema(
    [("sheet", pa.string()), ("task", pa.string()), ("score", pa.float64()), ("metric", pa.string())]
)


def results_table(results: Results) -> pa.Table:
    """A model's results → the table the store keeps (sheet order and row order preserved)."""
    rows: dict[str, list[Any]] = {"sheet": [], "task": [], "score": [], "metric": []}
    for sheet, scores in results.sheets.items():
        for index, task in enumerate(scores.tasks):
            rows["sheet"].append(sheet)
            rows["task"].append(task)
            rows["score"].append(float(scores.values[index]))
            rows["metric"].append(None if scores.metrics is None else scores.metrics[index])
    return pa.table(rows, schema=PAYLOAD_SCHEMA)


def results_from_table(model: str, table: pa.Table) -> Results:
    """The stored table → results (NaN scores are unsupported tasks)."""
    records = []
    for row in table.to_pylist():
        record = {"sheet": row["sheet"], "task": row["task"], "score": row["score"]}
        if math.isnan(record["score"]):
            record["score"] = None
        if row["metric"] is not None:
            record["metric"] = row["metric"]
        records.append(record)
    return Results.from_records(model, records, source="stored results")


class GeneralLevelBoard(SingleFileBoard):
    """General-Level against one SoTA sheet, scored with genjudge's corrected rules (or the
    official code's, with ``official=True``)."""

    format_errors = (GeneralLevelFormatError,)

    def __init__(
        self,
        reference: Reference,
        *,
        board_id: str = "general-level",
        official: bool = False,
        bootstrap: int = 1000,
        seed: int = 0,
        source: str = "",
    ) -> None:
        super().__init__(SPEC, board_id)
        self.reference = reference
        self.official = official
        self.bootstrap = bootstrap
        self.seed = seed
        self.source = source

    def describe(self) -> str:
        mode = "the official code's rules, quirks included" if self.official else "genjudge's corrected rules"
        tasks = len(self.reference.tasks)
        return (
            f"**SoTA sheet:** {tasks} tasks ({self.source or 'the bundled sample sheet, invented tasks'}). "
            f"Scores are normalised to 0–100 with {mode} (see the general_level module card for every "
            "difference from the official code); intervals come from "
            f"{self.bootstrap} bootstrap rounds over tasks."
        )

    def _score(self, results: Results, bootstrap: int) -> GeneralLevelScore:
        return score_general_level(
            results, self.reference, official=self.official, bootstrap=bootstrap, seed=self.seed
        )

    def parse(self, source: Path, limits: SubmissionLimits) -> Payload:
        results = read_results(source, self.reference, official=self.official)
        self._score(results, bootstrap=0)  # task names, metrics and signs are checked here
        return Payload(results_table(results), sum(len(s.tasks) for s in results.sheets.values()))

    def score(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        score = self._score(results_from_table(model, job.payload(sid)), self.bootstrap)
        row = score.summary_row()
        row["level_score"] = row[f"level_{score.level}"] if score.level >= 2 else 0.0
        return row

    def charts(self, board: pd.DataFrame) -> dict[str, Figure]:
        levels = interval_bars(
            board,
            {f"Level-{name[-1]}": name for name in LEVELS},
            self.spec.sort,
            title="Levels 2–5 of every model, 95% bootstrap intervals",
            xlabel="score (0–100)",
        )
        return {"levels": levels}


def open_board(options: Mapping[str, OptionValue]) -> GeneralLevelBoard:
    """The board the Space and the CLI serve, from its options (see ``SPEC.options``)."""
    source = options["sota"]
    reference = read_reference(source or sample_reference_path(), official=options["official"])
    return GeneralLevelBoard(
        reference,
        official=options["official"],
        bootstrap=options["bootstrap"],
        seed=options["seed"],
        source=source,
    )


SPEC = BenchmarkSpec(
    name="general-level",
    title="General-Level",
    summary=(
        "How general a multimodal model is (Fei et al., ICML 2025): per-task scores over comprehension "
        "and generation in four modalities and NLP, compared with each task's specialist, give Levels 2–5 "
        "of a five-level scale. No judge: the submitted scores are normalised and compared."
    ),
    citation=CITATION,
    columns=COLUMNS,
    sort=(SortKey("level"), SortKey("level_score")),
    sort_note="Sorted by level, then by the score at that level, as General-Level ranks generalists.",
    submission=SubmissionForm((".xlsx", ".csv", ".json"), "Results sheet (xlsx, CSV or JSON)", INSTRUCTIONS),
    options=(
        BoardOption("sota", "SoTA sheet (references/sota_result.xlsx; default: the bundled sample)."),
        BoardOption(
            "official",
            "1 to score with the official code's rules instead of the corrected ones.",
            "0",
            "flag",
        ),
        *BOOTSTRAP_OPTIONS,
    ),
    opener=open_board,
    scopes=(
        Scope(
            "Full spectrum",
            MAIN_COLUMNS,
            (SortKey("level"), SortKey("level_score")),
            "Sorted by level, then by the score at that level, as General-Level ranks generalists.",
        ),
        *SCOPES,
    ),
    config_fields={"official": "bool", **BOOTSTRAP_CONFIG},
    result_extras={"tasks": "int64"},
    charts=(("levels", "Levels 2–5 with 95% intervals"),),
)
