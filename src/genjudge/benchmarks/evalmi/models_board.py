"""EvalMi-50K's text-to-image models board: a model's generations for the EvalMi prompts, scored
by LMM4LMM, ranked among the generators people rated.

A submission is a zip (or folder) of ``<NNN>.png`` images, one per prompt; nothing in it is
executed. The evaluate step scores every image for perception and text–image correspondence with
the scoring judges (cached by content hash, so a rerun or an identical image costs nothing) and
averages them. The board also holds one reference row per human-rated generator of the release:
its mean human MOS, on the same scale the judges predict. The judges need LMM4LMM weights, so
this board is served only when named (``GENJUDGE_BENCHMARKS=...,evalmi-models``) with the
checkpoints as options.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from matplotlib.figure import Figure

from genjudge.benchmarks.board_charts import interval_bars
from genjudge.benchmarks.evalmi.card import CITATION
from genjudge.benchmarks.evalmi.generated import read_generations
from genjudge.benchmarks.evalmi.ratings import load_ratings
from genjudge.benchmarks.evalmi.release import Prompt, read_release
from genjudge.benchmarks.evalmi.sample import sample_dir
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
from genjudge.benchmarks.single_file_board import SingleFileBoard
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.uploads import SubmissionError, SubmissionLimits, check_source, copy_folder, extract_zip

DIMENSIONS = {"perception": "mos_perception", "correspondence": "mos_correspondence"}
JUDGED, RATED = "LMM4LMM", "people (MOS)"

COLUMNS = (
    Column("perception", "Perception", ColumnKind.NUMBER, "Mean perceptual quality (MOS scale).", digits=2),
    Column(
        "correspondence",
        "Correspondence",
        ColumnKind.NUMBER,
        "Mean text–image correspondence (MOS scale).",
        digits=2,
    ),
    Column(
        "scored_by",
        "Scored by",
        ColumnKind.TEXT,
        "LMM4LMM for submitted models; people for the release's generators (their mean human MOS).",
    ),
    Column("images", "Images", ColumnKind.COUNT, "Images the numbers average over."),
)

INSTRUCTIONS = """**What to upload:** one zip with your model's image for every EvalMi-50K prompt, named as
the release names them: `001.png`, `002.png`, …, `2100.png` (3 digits, 4 from 1000), at the zip's
root or in one folder inside it. Each image is scored for perception and text–image
correspondence by LMM4LMM and your model is ranked among the 24 generators people rated. Nothing
you upload is executed."""


def _folder_with_images(root: Path) -> Path:
    """The extracted upload's image folder: its root, or the one folder inside it."""
    entries = [p for p in root.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return root


class ModelsBoard(SingleFileBoard):
    """Text-to-image models on EvalMi-50K, scored by two LMM4LMM checkpoints."""

    def __init__(
        self,
        prompts: list[Prompt],
        ratings: pd.DataFrame,
        models: Mapping[str, str],
        *,
        board_id: str = "evalmi-models",
        batch_size: int = 8,
        source: str = "",
        judge_options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(SPEC, board_id)
        self.prompts = prompts
        self.ratings = ratings
        self.models = dict(models)
        self.batch_size = batch_size
        self.source = source
        self.judge_options = dict(judge_options or {})
        self._judges: dict[str, Any] = {}

    def describe(self) -> str:
        return (
            f"**Prompts:** {len(self.prompts):,} ({self.source or 'the bundled sample'}). **Judges:** "
            + ", ".join(f"`lmm4lmm-{dim}` ({model})" for dim, model in self.models.items())
            + f". Reference rows: the {self.ratings['generator'].nunique()} generators people rated, "
            "with their mean human MOS."
        )

    def check_upload(self, source: Path, limits: SubmissionLimits) -> None:
        """A zip or a folder of images: :func:`extract_zip` and :func:`copy_folder` check it member by
        member while :meth:`parse` unpacks it."""

    def parse(self, source: Path, limits: SubmissionLimits) -> Payload:
        with tempfile.TemporaryDirectory(prefix="genjudge-generations-") as tmp:
            workdir = Path(tmp)
            try:
                if check_source(source):
                    copy_folder(source, workdir / "upload", limits)
                else:
                    extract_zip(source, workdir, limits)
                images = read_generations(_folder_with_images(workdir), self.prompts)
            except SubmissionError as exc:
                raise exc.without_path(workdir) from None
            except FormatError as exc:
                raise SubmissionError(str(exc).replace(f"{workdir}/", ""), file=source.name) from None
        table = pa.table({"image_name": [i.name for i in images], "data": [i.data for i in images]})
        return Payload(table, len(images))

    def _judge(self, dimension: str) -> Any:
        if dimension not in self._judges:
            from genjudge.judges.registry import load_scoring_judge

            self._judges[dimension] = load_scoring_judge(
                f"lmm4lmm-{dimension}", model=self.models[dimension], **self.judge_options
            )
        return self._judges[dimension]

    def score(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        from genjudge.judges.scored_images import score_images

        by_name = {f"{p.index:03d}.png": p for p in self.prompts}
        stored = job.payload(sid).to_pylist()
        row: dict[str, Any] = {"scored_by": JUDGED, "images": len(stored)}
        for dimension in DIMENSIONS:
            scores = score_images(
                self._judge(dimension),
                [image["data"] for image in stored],
                [by_name[image["image_name"]].prompt for image in stored],
                cache=job.work_dir / f"{self.board_id}-scores.sqlite",
                batch_size=self.batch_size,
                progress=job.progress,
            )
            row[dimension] = scores[f"mean_{dimension}"]
        return row

    def reference_rows(self, job: Job) -> list[dict[str, Any]]:
        """One row per generator people rated: its mean human MOS."""
        means = self.ratings.groupby("generator")[list(DIMENSIONS.values())].mean()
        return [
            {
                "model": f"{generator} (human-rated)",
                "perception": row["mos_perception"],
                "correspondence": row["mos_correspondence"],
                "scored_by": RATED,
                "images": int((self.ratings["generator"] == generator).sum()),
            }
            for generator, row in means.iterrows()
        ]

    def config(self) -> dict[str, Any]:
        return {"judges": ", ".join(f"lmm4lmm-{d}={m}" for d, m in self.models.items())}

    def charts(self, board: pd.DataFrame) -> dict[str, Figure]:
        means = interval_bars(
            board,
            {name.capitalize(): name for name in DIMENSIONS},
            self.spec.sort,
            title=f"Mean scores: by {JUDGED} for submissions, by {RATED} for rated generators",
            xlabel="MOS scale",
        )
        return {"means": means}


def open_board(options: Mapping[str, OptionValue]) -> ModelsBoard:
    """The board the Space and the CLI serve, from its options (see ``SPEC.options``)."""
    source = options["bench"]
    folder = Path(source) if source else sample_dir()
    return ModelsBoard(
        read_release(folder).prompts,
        load_ratings(folder),
        {"perception": options["perception_model"], "correspondence": options["correspondence_model"]},
        source=source,
        judge_options={"device": options["device"]} if options["device"] else {},
    )


SPEC = BenchmarkSpec(
    name="evalmi-models",
    title="EvalMi-50K models",
    summary=(
        "Text-to-image models on the 2,100 EvalMi-50K prompts (Wang et al., ICCV 2025), scored for "
        "perception and text–image correspondence by LMM4LMM and ranked among the 24 generators people "
        "rated."
    ),
    citation=CITATION,
    columns=COLUMNS,
    sort=(SortKey("perception"), SortKey("correspondence")),
    sort_note="Sorted by perception, then correspondence; human-rated generators are reference rows.",
    submission=SubmissionForm((".zip",), "Generated images (zip of <NNN>.png)", INSTRUCTIONS),
    options=(
        BoardOption("bench", "EvalMi-50K release folder (default: the bundled sample)."),
        BoardOption(
            "perception_model",
            "LMM4LMM perception checkpoint (folder or Hub id).",
            "IntMeGroup/LMM4LMM-Perception",
        ),
        BoardOption(
            "correspondence_model",
            "LMM4LMM correspondence checkpoint (folder or Hub id).",
            "IntMeGroup/LMM4LMM-Correspondence",
        ),
        BoardOption("device", "Device for the judges (default: the judge's own choice)."),
    ),
    opener=open_board,
    served_by_default=False,
    config_fields={"judges": "string"},
    charts=(("means", "Mean perception and correspondence"),),
)
