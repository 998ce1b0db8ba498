"""OpenING's Judges board: pairwise judges ranked by how often they agree with people.

A submission is a judge's verdicts on the human-voted pairs of the Interleaved Arena, in the
official ``*_modelAB_results.json`` shape: outputs only, nothing is executed. The evaluate step
compares them with the board's human verdicts exactly as ``genjudge arena report --human`` does
(FDT, with tie, without tie, the seen/unseen split), adds bootstrap intervals from resampling the
compared pairs, and position-swap consistency where the file gives both orders of a pair. A
judge's numbers depend only on its own verdicts, so each submission is scored once.

Reference rows: the official IntJudge and GPT-4o verdict files when the human verdicts are the
official ones (their folder holds them), and genjudge's offline reference judge on the bundled
sample (see :mod:`genjudge.benchmarks.opening.judges_board.reference`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from genjudge.benchmarks.opening.citation import CITATION
from genjudge.benchmarks.opening.judges_board.human import HumanVerdicts, load_human_verdicts, parse_unseen
from genjudge.benchmarks.opening.judges_board.reference import (
    official_reference_verdicts,
    reference_judge_verdicts,
)
from genjudge.benchmarks.opening.judges_board.rows import judge_row
from genjudge.benchmarks.opening.judges_board.submission import (
    read_judge_submission,
    verdicts_from_table,
    verdicts_table,
)
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
from genjudge.judges.protocol import PairwiseJudge
from genjudge.safe_io.uploads import SubmissionLimits
from genjudge.scoring.vocabulary import AGREEMENT_NAMES

TOP_CHARTED = 20
SUBMITTED, OFFICIAL, COMPUTED = "submitted", "reference: official file", "reference: computed here"


def _variant_columns(variant: str, help_text: str) -> tuple[Column, Column]:
    name = AGREEMENT_NAMES[variant]
    return (
        Column(variant, f"Agreement, {name} (%)", ColumnKind.PERCENT, help_text, short=f"{name} %"),
        Column(
            f"{variant}_interval",
            f"{name[0].upper()}{name[1:]} 95% interval (bootstrap)",
            ColumnKind.INTERVAL,
            f"95% percentile interval of the {name} agreement, resampling the compared pairs.",
            short="95%",
            bounds_of=variant,
        ),
    )


COLUMNS = (
    *_variant_columns(
        "fdt",
        "Force-dividing tie, the headline number: Tie(A) counts as A and Tie(B) as B; the share of "
        "compared pairs where judge and people favour the same output.",
    ),
    *_variant_columns("with_tie", "Every tie is one class: A, B or tie must match."),
    *_variant_columns("without_tie", "Pairs where either side called a tie are left out."),
    Column(
        "pairs",
        "Pairs compared",
        ColumnKind.COUNT,
        "Human-voted pairs the judge gave a verdict for, in the order people saw them.",
    ),
    Column(
        "pairs_without_tie",
        "Pairs without tie",
        ColumnKind.COUNT,
        "Compared pairs left once ties are dropped.",
    ),
    Column(
        "seen_fdt",
        "Seen models, FDT (%)",
        ColumnKind.PERCENT,
        "FDT agreement on the pairs of models the judge was trained on (neither model in the board's "
        "unseen list); blank without a split or without such a pair.",
        short="seen %",
    ),
    Column(
        "unseen_fdt",
        "Unseen models, FDT (%)",
        ColumnKind.PERCENT,
        "FDT agreement on the pairs involving a model of the board's unseen list (the official "
        "calculate_agreement.py split); blank without such a pair.",
        short="unseen %",
    ),
    Column(
        "harmonic_fdt",
        "Seen/unseen harmonic mean, FDT (%)",
        ColumnKind.PERCENT,
        "Harmonic mean of the seen and unseen FDT agreement, as the OpenING paper reports; blank when "
        "either is.",
        short="H-mean %",
    ),
    Column("seen_pairs", "Seen pairs", ColumnKind.COUNT, "Compared pairs of seen models only."),
    Column("unseen_pairs", "Unseen pairs", ColumnKind.COUNT, "Compared pairs involving an unseen model."),
    Column(
        "swap_consistency",
        "Position-swap consistency (%)",
        ColumnKind.PERCENT,
        "Of the pairs the file judges in both orders (A|B and B|A), the share whose verdict follows the "
        "outputs when they trade places (same favoured output, FDT view); blank when the file gives no "
        "pair in both orders.",
        short="swap %",
    ),
    Column("swap_pairs", "Pairs in both orders", ColumnKind.COUNT, "Pairs the swap consistency rests on."),
    Column(
        "unvoted",
        "Pairs without a human verdict",
        ColumnKind.COUNT,
        "Records whose pair people did not vote on in either order (not compared).",
        short="unvoted",
    ),
    Column(
        "verdicts_of",
        "Row",
        ColumnKind.TEXT,
        "submitted; reference: official file (the OpenING authors' verdicts); reference: computed here "
        "(genjudge's offline reference judge).",
    ),
)

SCOPES = (
    Scope(
        "Agreement",
        (
            "fdt",
            "fdt_interval",
            "with_tie",
            "with_tie_interval",
            "without_tie",
            "without_tie_interval",
            "pairs",
            "swap_consistency",
            "verdicts_of",
        ),
        (SortKey("fdt"), SortKey("with_tie")),
        "Sorted by FDT agreement with people, then with-tie agreement, as the OpenING paper ranks judges.",
    ),
    Scope(
        "Seen / unseen",
        ("fdt", "seen_fdt", "unseen_fdt", "harmonic_fdt", "seen_pairs", "unseen_pairs", "verdicts_of"),
        (SortKey("harmonic_fdt"), SortKey("fdt")),
        "Sorted by the harmonic mean of seen and unseen FDT agreement, then overall FDT.",
    ),
    Scope(
        "Position swap",
        ("swap_consistency", "swap_pairs", "fdt", "pairs", "pairs_without_tie", "unvoted", "verdicts_of"),
        (SortKey("swap_consistency"), SortKey("fdt")),
        "Sorted by position-swap consistency, then FDT agreement; blank: no pair judged in both orders.",
    ),
)

INSTRUCTIONS = """**What to upload:** one JSON file with your judge's verdicts on the board's human-voted
pairs, in the official Interleaved Arena shape (`Interleaved_Arena/*judge_modelAB_results.json`):
a list of records such as

```json
{"data_id": "0101001", "model_A": {"id": "3", "name": "gill"},
 "model_B": {"id": "1", "name": "SEED-X"}, "winner": "Tie(A)"}
```

with `winner` one of `A`, `B`, `Tie(A)`, `Tie(B)` (or a plain `Tie`). Take the pairs from the
board's human verdict file, in the order people saw them; add the same pairs with `model_A` and
`model_B` swapped to be scored for position-swap consistency. Outputs only: nothing you upload
is executed. An unknown label, an instance or model people did not vote on, a pair judged twice
in the same order, or a file with no human-voted pair is refused with its record."""


class JudgesBoard(SingleFileBoard):
    """Judges of OpenING's Interleaved Arena, ranked by agreement with ``human``.

    The official judges' files beside the human verdicts are read here, so a broken one stops the
    board from opening rather than failing a job. ``reference_judge`` judges the pairs of the
    bundled sample only (other human sets come without the outputs it would need) and is ignored
    for them.
    """

    def __init__(
        self,
        human: HumanVerdicts,
        *,
        board_id: str = "opening-judges",
        unseen: Sequence[str] = (),
        bootstrap: int = 1000,
        seed: int = 0,
        reference_judge: PairwiseJudge | None = None,
    ) -> None:
        super().__init__(SPEC, board_id)
        self.human = human
        self.unseen = tuple(unseen)
        self.bootstrap = bootstrap
        self.seed = seed
        self.reference_judge = reference_judge if human.is_sample else None
        self._official = official_reference_verdicts(human)
        self._references: list[dict[str, Any]] | None = None

    def describe(self) -> str:
        human = self.human
        absent = sorted(set(self.unseen) - human.models)
        split = (
            f"Unseen models: {', '.join(f'`{m}`' for m in self.unseen)}"
            + (f" (not in the human set: {', '.join(f'`{m}`' for m in absent)})" if absent else "")
            if self.unseen
            else "No seen/unseen split"
        )
        references = list(human.judge_files)
        if self.reference_judge is not None:
            references.append(f"genjudge's reference judge `{self.reference_judge.judge_id}`")
        return (
            f"**Human verdicts:** {len(human.verdicts):,} pairs over {len(human.uids):,} instances and "
            f"{len(human.models)} models ({human.source}). {split}. Intervals: {self.bootstrap} bootstrap "
            f"rounds over the compared pairs (seed {self.seed}).\n\n"
            f"**Reference rows:** {', '.join(references) if references else 'none'}."
        )

    def parse(self, source: Path, limits: SubmissionLimits) -> Payload:
        verdicts = read_judge_submission(source, self.human, limits)
        return Payload(verdicts_table(verdicts), len(verdicts))

    def row(self, verdicts: pd.DataFrame, name: str) -> dict[str, Any]:
        """The board fields of one judge's verdicts."""
        return judge_row(
            verdicts, self.human, unseen=self.unseen, bootstrap=self.bootstrap, seed=self.seed, name=name
        )

    def score(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        return {**self.row(verdicts_from_table(job.payload(sid)), model), "verdicts_of": SUBMITTED}

    def reference_rows(self, job: Job) -> list[dict[str, Any]]:
        """The reference rows (computed once per board; the reference judge's verdicts are cached
        in the job's working folder)."""
        if self._references is None:
            rows = [
                {**self.row(verdicts, name), "model": name, "verdicts_of": OFFICIAL}
                for name, verdicts in self._official.items()
            ]
            if self.reference_judge is not None:
                judge = self.reference_judge
                verdicts = reference_judge_verdicts(
                    judge,
                    self.human,
                    job.work_dir / f"{self.board_id}-reference-verdicts.sqlite",
                    progress=job.progress,
                )
                name = f"Reference judge ({judge.judge_id})"
                rows.append({**self.row(verdicts, name), "model": name, "verdicts_of": COMPUTED})
            self._references = rows
        return self._references

    def config(self) -> dict[str, Any]:
        return {
            "human": self.human.source,
            "unseen": ",".join(self.unseen),
            "bootstrap": self.bootstrap,
            "seed": self.seed,
        }

    def charts(self, board: pd.DataFrame) -> dict[str, Figure]:
        return {"agreement": agreement_chart(board, self.board_id)}


def agreement_chart(board: pd.DataFrame, title: str) -> Figure:
    """FDT agreement of the best ``TOP_CHARTED`` judges with their 95% intervals, best on top;
    reference rows in grey."""
    table = board.sort_values("fdt", ascending=False, na_position="last").head(TOP_CHARTED).iloc[::-1]
    figure = Figure(figsize=(9.0, max(2.8, 0.4 * len(table) + 1.6)), layout="constrained")
    ax = figure.add_subplot()
    positions = range(len(table))
    fdt = table["fdt"].to_numpy(float) * 100
    lower = table["fdt_lower"].to_numpy(float) * 100
    upper = table["fdt_upper"].to_numpy(float) * 100
    colours = ["tab:blue" if kind == SUBMITTED else "tab:gray" for kind in table["verdicts_of"]]
    ax.barh(positions, fdt, color=colours)
    # A percentile interval may miss its point estimate by a hair; the whisker then has no length.
    whiskers = [np.clip(fdt - lower, 0, None), np.clip(upper - fdt, 0, None)]
    ax.errorbar(fdt, positions, xerr=whiskers, fmt="none", ecolor="black", capsize=3)
    ax.set_yticks(list(positions), table["model"].tolist())
    ax.set_xlim(0, 100)
    ax.set_xlabel("FDT agreement with people (%)\nwhiskers: 95% bootstrap interval; grey: reference rows")
    ax.set_title(f"{title}: judge–human agreement", loc="left")
    return figure


def _unseen(option: str, human: HumanVerdicts) -> tuple[str, ...]:
    return parse_unseen(option, auto=human.default_unseen())


def open_board(options: Mapping[str, OptionValue]) -> JudgesBoard:
    """The board the Space and the CLI serve, from its options (see ``SPEC.options``)."""
    human = load_human_verdicts(options["human"])
    judge = None
    if human.is_sample and options["reference_judge"] != "none":
        from genjudge.judges import load_judge

        judge = load_judge(options["reference_judge"])
    return JudgesBoard(
        human,
        unseen=_unseen(options["unseen"], human),
        bootstrap=options["bootstrap"],
        seed=options["seed"],
        reference_judge=judge,
    )


SPEC = BenchmarkSpec(
    name="opening-judges",
    title="OpenING judges",
    summary=(
        "Judges of open-ended interleaved image–text generation (OpenING, Zhou et al., CVPR 2025), ranked "
        "by how often they agree with people on the Interleaved Arena's A/B pairs. A submission is a "
        "judge's verdicts on the human-voted pairs, in the official results format."
    ),
    citation=CITATION,
    columns=COLUMNS,
    sort=SCOPES[0].sort,
    sort_note=SCOPES[0].note,
    submission=SubmissionForm((".json",), "Judge verdicts (JSON, Interleaved Arena format)", INSTRUCTIONS),
    options=(
        BoardOption(
            "human",
            "Human verdicts: a judge_modelAB_results.json, the Interleaved_Arena folder holding it (its "
            "official IntJudge and GPT-4o files become reference rows) or a Hub dataset id "
            "(default: the bundled sample's invented votes).",
        ),
        BoardOption(
            "unseen",
            "Models the judges never saw, comma-separated, for the seen/unseen split; 'auto': the official "
            "script's list (the sample's Drift-Gen on the bundled sample); 'none': no split.",
            "auto",
        ),
        BoardOption(
            "reference_judge",
            "Judge that gives the sample's reference row ('none' for no such row).",
            "reference",
        ),
        *BOOTSTRAP_OPTIONS,
    ),
    opener=open_board,
    charts=(("agreement", "FDT agreement with people, 95% intervals"),),
    scopes=SCOPES,
    config_fields={"human": "string", "unseen": "string", **BOOTSTRAP_CONFIG},
)
