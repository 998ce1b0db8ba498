"""EvalMi-50K's Metrics board on the leaderboard: image-quality and alignment metrics ranked by how
well they agree with people.

A submission is one metric's per-image scores for the benchmark's rated images (a CSV; never
executed). The evaluate step joins them with the human opinion scores and computes SRCC, PLCC and
KRCC with bootstrap intervals per dimension (perception, text–image correspondence), the
generator-level SRCC and, when yes/no answers are given, QA accuracy. A metric's numbers depend only
on its own scores and the ratings, so each submission is evaluated once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from matplotlib.figure import Figure

from genjudge.benchmarks.board_charts import interval_bars
from genjudge.benchmarks.evalmi.card import CITATION
from genjudge.benchmarks.evalmi.metric_scoring import DIMENSIONS, score_metric_upload
from genjudge.benchmarks.evalmi.ratings import load_ratings
from genjudge.benchmarks.evalmi.sample import sample_dir
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
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.uploads import SubmissionLimits
from genjudge.scoring.correlation import CorrelationError

STATISTICS = {"srcc": "SRCC", "plcc": "PLCC", "krcc": "KRCC"}


def _dimension_columns(dimension: str) -> tuple[Column, ...]:
    title = dimension.capitalize()
    columns = []
    for key, name in STATISTICS.items():
        base = f"{dimension}_{key}"
        columns.append(
            Column(
                base,
                f"{title} {name}",
                ColumnKind.NUMBER,
                f"{name} with the {dimension} MOS.",
                f"{title[:4]} {name}",
                3,
            )
        )
        columns.append(
            Column(
                f"{base}_interval",
                f"{title} {name} 95% interval (bootstrap)",
                ColumnKind.INTERVAL,
                f"95% interval of the {dimension} {name}, resampling images.",
                short="95%",
                bounds_of=base,
                digits=3,
            )
        )
    columns.append(
        Column(
            f"{dimension}_model_srcc",
            f"{title} generator SRCC",
            ColumnKind.NUMBER,
            f"SRCC between the generators ranked by mean metric score and by mean {dimension} MOS.",
            digits=3,
        )
    )
    return tuple(columns)


COLUMNS = (
    *(column for dimension in DIMENSIONS for column in _dimension_columns(dimension)),
    Column("qa_accuracy", "QA accuracy", ColumnKind.PERCENT, "Yes/no answers that match the people's."),
    Column(
        "qa_accuracy_interval",
        "QA accuracy 95% interval (bootstrap)",
        ColumnKind.INTERVAL,
        "95% interval of the QA accuracy.",
        short="95%",
        bounds_of="qa_accuracy",
    ),
    Column("images", "Images", ColumnKind.COUNT, "Images the metric scored."),
)


def _scope(dimension: str) -> Scope:
    keys = tuple(c.key for c in _dimension_columns(dimension))
    return Scope(
        dimension.capitalize(),
        (*keys, "images"),
        (SortKey(f"{dimension}_srcc"), SortKey(f"{dimension}_plcc")),
        f"Sorted by SRCC with the {dimension} MOS, then PLCC.",
    )


SCOPES = (
    Scope(
        "Overview",
        (
            "perception_srcc",
            "perception_srcc_interval",
            "perception_plcc",
            "correspondence_srcc",
            "correspondence_srcc_interval",
            "correspondence_plcc",
            "qa_accuracy",
            "images",
        ),
        (SortKey("perception_srcc"), SortKey("correspondence_srcc")),
        "Sorted by SRCC with the perception MOS, then with the correspondence MOS.",
    ),
    *(_scope(dimension) for dimension in DIMENSIONS),
    Scope(
        "QA",
        ("qa_accuracy", "qa_accuracy_interval", "images"),
        (SortKey("qa_accuracy"),),
        "Sorted by QA accuracy.",
    ),
)

INSTRUCTIONS = """**What to upload:** one CSV with your metric's score for each rated image of the benchmark
(nothing you upload is executed):

- a column `image_name` (`<generator>/<NNN>.png`, as in `AIGI2025_MOS_yn.xlsx`; 4 digits from 1000);
- then either one column `score` (compared with both MOS dimensions) or the columns `perception`
  and `correspondence`;
- optionally `qa`: the metric's yes/no answers to the image's questions, in order, separated by `;`.

Peer metrics as reference rows, each scoring every rated image into exactly this format:

- CLIP score: `genjudge evalmi metric clip-score --weights <CLIP folder> --out clip.csv`
  (download `openai/clip-vit-large-patch14` first);
- pyiqa's no-reference models (MUSIQ, TOPIQ, CNNIQA, …; `pip install 'genjudge[pyiqa]'`):
  `genjudge evalmi metric pyiqa --pyiqa-metric musiq --weights <metric .pth> --out musiq.csv`
  (the checkpoint is in the Hub repo `chaofengc/IQA-PyTorch-Weights`, e.g.
  `musiq_koniq_ckpt-e95806b9.pth`).

Higher scores must mean better images. Every rated image needs a score; an unknown or repeated
image name, a missing or non-numeric score, or a constant column is refused with its line."""


def _bound_name(key: str) -> str:
    """The scorer's ``_low``/``_high`` bounds under the board's ``_lower``/``_upper`` names."""
    if key.endswith("_low"):
        return key.removesuffix("_low") + "_lower"
    if key.endswith("_high"):
        return key.removesuffix("_high") + "_upper"
    return key


def _renamed(row: Mapping[str, Any]) -> dict[str, Any]:
    return {_bound_name(key): value for key, value in row.items()}


class MetricsBoard(SingleFileBoard):
    """EvalMi-50K's human ratings, against which submitted metrics are correlated."""

    format_errors = (FormatError, CorrelationError)

    def __init__(
        self,
        ratings: pd.DataFrame,
        *,
        board_id: str = "evalmi-metrics",
        official: bool = False,
        bootstrap: int = 1000,
        seed: int = 0,
        source: str = "",
    ) -> None:
        super().__init__(SPEC, board_id)
        self.ratings = ratings
        self.official = official
        self.bootstrap = bootstrap
        self.seed = seed
        self.source = source

    def describe(self) -> str:
        mode = (
            "the official code's way (raw values, MOS cast to bfloat16)" if self.official else "plain scipy"
        )
        return (
            f"**Ratings:** {len(self.ratings):,} rated images "
            f"({self.source or 'the bundled sample, invented ratings'}). Correlations are computed "
            f"{mode}; PLCC is on the raw scores (the logistic-fit PLCC is in the mos_correlation module); "
            f"intervals come from {self.bootstrap} bootstrap rounds over images."
        )

    def _evaluate(self, data: bytes, file: str, bootstrap: int) -> dict[str, Any]:
        _, row = score_metric_upload(
            data, self.ratings, file=file, official=self.official, bootstrap_rounds=bootstrap, seed=self.seed
        )
        return _renamed(row)

    def parse(self, source: Path, limits: SubmissionLimits) -> Payload:
        data = source.read_bytes()
        row = self._evaluate(data, source.name, bootstrap=0)
        return Payload(pa.table({"file": [source.name], "data": [data]}), int(row["images"]))

    def score(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        stored = job.payload(sid).to_pylist()[0]
        return self._evaluate(stored["data"], stored["file"], self.bootstrap)

    def charts(self, board: pd.DataFrame) -> dict[str, Figure]:
        srcc = interval_bars(
            board,
            {f"{dimension.capitalize()} SRCC": f"{dimension}_srcc" for dimension in DIMENSIONS},
            self.spec.sort,
            title="Each metric's SRCC with the human MOS, 95% bootstrap intervals",
            xlabel="SRCC",
        )
        return {"srcc": srcc}


def open_board(options: Mapping[str, OptionValue]) -> MetricsBoard:
    """The board the Space and the CLI serve, from its options (see ``SPEC.options``)."""
    source = options["bench"]
    return MetricsBoard(
        load_ratings(source or sample_dir()),
        official=options["official"],
        bootstrap=options["bootstrap"],
        seed=options["seed"],
        source=source,
    )


SPEC = BenchmarkSpec(
    name="evalmi-metrics",
    title="EvalMi-50K metrics",
    summary=(
        "Text-to-image evaluation against people (Wang et al., ICCV 2025): 50,400 images of 24 generators "
        "rated for perception and text–image correspondence, with yes/no questions. A submission is a "
        "metric's per-image scores; it is ranked by how well it agrees with the human opinion scores."
    ),
    citation=CITATION,
    columns=COLUMNS,
    sort=SCOPES[0].sort,
    sort_note=SCOPES[0].note,
    submission=SubmissionForm((".csv",), "Per-image metric scores (CSV)", INSTRUCTIONS),
    options=(
        BoardOption("bench", "EvalMi-50K release folder or built dataset (default: the bundled sample)."),
        BoardOption(
            "official", "1 to correlate the official code's way (MOS cast to bfloat16).", "0", "flag"
        ),
        *BOOTSTRAP_OPTIONS,
    ),
    opener=open_board,
    scopes=SCOPES,
    config_fields={"official": "bool", **BOOTSTRAP_CONFIG},
    charts=(("srcc", "SRCC with the human MOS, 95% intervals"),),
)
