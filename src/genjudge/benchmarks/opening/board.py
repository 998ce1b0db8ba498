"""OpenING on the leaderboard: the plug-in the generic store, worker, board and Space run.

A submission is one model's interleaved outputs for every instance of a split (a zip or folder in
the official ``gen_outputs/<Model>_output/`` layout). Its evaluate step:

1. samples battles against the models already on the board (``newcomer_pairs``: seeded by the
   submission, every pair involves the new model, so no old pair is ever re-judged),
2. judges them through the judging runner with the board's verdict cache (content hashes + judge
   identity + order shown), so a killed job resumes with only the missing pairs and a model whose
   outputs were judged before costs nothing,
3. folds the new battles into the running board statistics and re-rates the whole board
   (win rates as OpenING defines them, Bradley–Terry with 95% sandwich intervals).

The battles themselves are exported to the leaderboard dataset's ``verdicts`` config, from which
the board statistics are rebuilt after a restart.

The board also takes people's A/B votes (``SPEC.voting``): :meth:`OpeningBoard.vote_pool` offers the
members' outputs, the gold answers and the judge's verdicts to :mod:`genjudge.votes`, which shows them
and makes control pairs through the hooks in :mod:`~genjudge.benchmarks.opening.voting`; the votes
are kept in the dataset's ``votes`` config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from matplotlib.figure import Figure

from genjudge.benchmarks.opening.citation import CITATION
from genjudge.benchmarks.opening.submission import validate_submission
from genjudge.benchmarks.opening.voting import VOTING, gold_answers
from genjudge.benchmarks.plugin import (
    BenchmarkSpec,
    BoardData,
    BoardOption,
    Column,
    ColumnKind,
    Evaluation,
    ExportSpec,
    Job,
    OptionValue,
    Payload,
    SortKey,
    SubmissionForm,
    json_values,
)
from genjudge.core.records import Instance, ModelOutput, Step
from genjudge.judges.protocol import PairwiseItem, PairwiseJudge
from genjudge.safe_io.uploads import SubmissionLimits
from genjudge.scoring.incremental import BoardState
from genjudge.scoring.pairs import newcomer_pairs
from genjudge.scoring.rating_columns import empty_ratings
from genjudge.scoring.vocabulary import BOARD_WIN_RATE_NAMES, INTERVAL, RATING, RATING_LONG, interval_name
from genjudge.votes.pool import BATTLE_COLUMNS, VotePool

TOP_CHARTED = 20

COLUMNS = (
    Column(
        "winrate_fdt",
        f"Win rate, {BOARD_WIN_RATE_NAMES['winrate_fdt']} (%)",
        ColumnKind.PERCENT,
        "Force-dividing tie, the headline number: a tie counts as a win for the side it leans to.",
        short="FDT %",
    ),
    Column(
        "winrate_with_tie",
        f"Win rate, {BOARD_WIN_RATE_NAMES['winrate_with_tie']} (%)",
        ColumnKind.PERCENT,
        "Ties count as battles the model did not win.",
        short="with tie %",
    ),
    Column(
        "winrate_without_tie",
        f"Win rate, {BOARD_WIN_RATE_NAMES['winrate_without_tie']} (%)",
        ColumnKind.PERCENT,
        "Ties are left out.",
        short="without tie %",
    ),
    Column(
        "rating",
        RATING,
        ColumnKind.NUMBER,
        "Bradley–Terry rating on the Elo scale (mean 1000; a plain tie is half a win), fitted on all "
        "battles of the board.",
        short="BT",
    ),
    Column(
        "rating_interval",
        interval_name("sandwich"),
        ColumnKind.INTERVAL,
        "95% interval of the BT rating from sandwich standard errors; open (∞) on the side of a model "
        "that never lost or never won.",
        short=INTERVAL,
        bounds_of="rating",
    ),
    Column(
        "bt_rank",
        "BT rank",
        ColumnKind.RANK,
        "1 + the number of models whose 95% interval lies entirely above this one's: models whose "
        "intervals overlap share a BT rank.",
        short="BT #",
    ),
    Column(
        "battles", "Battles", ColumnKind.COUNT, "How many comparisons the numbers rest on.", short="Battles"
    ),
)

VERDICT_EXPORT = ExportSpec(
    "verdicts",
    {
        "benchmark": "string",
        "submission_id": "string",
        "uid": "string",
        "model_a": "string",
        "model_b": "string",
        "hash_a": "string",
        "hash_b": "string",
        "judge_id": "string",
        "judge_revision": "string",
        "prompt_version": "string",
        "winner": "string",
    },
    "Every battle: instance, both models, content hashes of both outputs (in the order shown), judge "
    "id/revision/prompt version and verdict, so the board can be recomputed from scratch.",
)

INSTRUCTIONS = """**What to upload:** one zip (or, from the CLI, a folder) with your model's outputs in the
official OpenING layout, for **every** instance of the split:

- one `<total_uid>.json` per instance (e.g. `0101001.json`; `.jsonl` holding one JSON object also
  works): the official record with your model's steps in the `output` list, each step
  `{"text": ..., "image": "<file>" | null}`;
- the images it names, beside it: `<total_uid>-o-<k>.jpg` (JPEG, PNG or WebP).

The files may sit at the zip's root or in one folder inside it (e.g. `MyModel_output/`), not spread
over several folders. Image paths may be the bare file name or `./<Model>_output/<file>`.
Outputs only: nothing you upload is executed. An output with an empty text or a missing image loses
its battles, as OpenING's maintainers recommend."""


def _step_type() -> pa.DataType:
    return pa.struct([("text", pa.string()), ("image", pa.binary())])


def outputs_table(outputs: Sequence[ModelOutput]) -> pa.Table:
    """Model outputs → the table the store keeps (image bytes as submitted)."""
    return pa.table(
        {
            "total_uid": pa.array([o.total_uid for o in outputs], pa.string()),
            "model": pa.array([o.model for o in outputs], pa.string()),
            "content_hash": pa.array([o.content_hash for o in outputs], pa.string()),
            "steps": pa.array(
                [[{"text": s.text, "image": s.image} for s in o.steps] for o in outputs],
                pa.list_(_step_type()),
            ),
        }
    )


def outputs_from_table(table: pa.Table) -> dict[str, ModelOutput]:
    """The stored table → model outputs by instance id."""
    return {
        row["total_uid"]: ModelOutput(
            total_uid=row["total_uid"],
            model=row["model"],
            steps=tuple(Step(text=s["text"], image=s["image"]) for s in row["steps"]),
        )
        for row in table.to_pylist()
    }


@dataclass
class _Statistics:
    """The board's running statistics and which submissions are folded into them."""

    state: BoardState = field(default_factory=BoardState)
    folded: set[str] = field(default_factory=set)

    def fold(self, sid: str, verdicts: Sequence[Mapping[str, Any]]) -> None:
        self.state.add(
            [v["model_a"] for v in verdicts],
            [v["model_b"] for v in verdicts],
            [v["winner"] for v in verdicts],
        )
        self.folded.add(sid)


class OpeningBoard:
    """One split of an OpenING release, judged pairwise by ``judge``."""

    def __init__(
        self,
        instances: Sequence[Instance],
        judge: PairwiseJudge,
        *,
        board_id: str = "opening-test",
        seed: int = 0,
        per_instance: int = 2,
        batch_size: int = 8,
        source: str = "",
    ) -> None:
        self.spec = SPEC
        self.board_id = board_id
        self.instances = {inst.total_uid: inst for inst in instances}
        self.judge = judge
        self.seed = seed
        self.per_instance = per_instance
        self.batch_size = batch_size
        self.source = source
        self._outputs: dict[str, dict[str, ModelOutput]] = {}
        self._stats = _Statistics()

    def describe(self) -> str:
        judge = self.judge
        return (
            f"**Data:** {len(self.instances):,} instances "
            f"({self.source or 'the bundled sample release'}).\n\n"
            f"**Judge:** `{judge.judge_id}` (revision `{judge.revision}`, prompt `{judge.prompt_version}`). "
            "It compares two models' answers to the same instance and says which is better (`A`, `B`, or a "
            f"tie leaning to one side). Each new model meets {self.per_instance} opponents per instance, "
            "drawn at random, in random A/B order. Every verdict is stored with the content hashes of both "
            "answers, so adding a model judges only its own new battles."
        )

    def read_submission(self, source: Path, model: str, limits: SubmissionLimits) -> Payload:
        submission = validate_submission(source, list(self.instances.values()), model, limits=limits)
        return Payload(outputs_table(submission.outputs), len(submission.outputs))

    # ---------------------------------------------------------------- evaluate
    def _outputs_of(self, source: Job | BoardData, sid: str) -> dict[str, ModelOutput]:
        if sid not in self._outputs:
            self._outputs[sid] = outputs_from_table(source.payload(sid))
        return self._outputs[sid]

    def vote_pool(self, data: BoardData) -> VotePool:
        """The members' outputs and every verdict the judge gave on them, for the Vote tab."""
        verdicts = [v for m in data.members for v in data.exported(VERDICT_EXPORT.name, m["submission_id"])]
        judge = pd.DataFrame([[v[c] for c in BATTLE_COLUMNS] for v in verdicts], columns=list(BATTLE_COLUMNS))
        outputs = {m["model"]: self._outputs_of(data, m["submission_id"]) for m in data.members}
        return VotePool(
            self.board_id,
            self.instances,
            outputs,
            VOTING,
            gold_answers(self.instances),
            judge,
            f"`{self.judge.judge_id}`",
        )

    def _statistics(self, job: Job) -> _Statistics:
        """Running statistics over the job's members: kept between jobs, rebuilt when they hold a
        submission that is not a member (a job that failed after its battles were folded in).

        Members are folded in the order they joined the board, as a worker that never stopped
        folded them: the fit's floating-point path then matches, so a restarted worker publishes
        exactly the numbers an uninterrupted one does."""
        members = [m["submission_id"] for m in job.members]
        if not self._stats.folded <= set(members):
            self._stats = _Statistics()
        for sid in members:
            if sid not in self._stats.folded:
                self._stats.fold(sid, job.exported(VERDICT_EXPORT.name, sid))
        return self._stats

    def _battles(self, job: Job) -> tuple[list[dict[str, Any]], list[PairwiseItem]]:
        sid_of = {m["model"]: m["submission_id"] for m in job.members} | {job.model: job.submission_id}
        pairs = newcomer_pairs(
            sorted(self.instances),
            job.model,
            [m["model"] for m in job.members],
            seed=self.seed,
            per_instance=self.per_instance,
        )
        rows, items = [], []
        for uid, model_a, model_b in pairs.itertuples(index=False):
            out_a = self._outputs_of(job, sid_of[model_a])[uid]
            out_b = self._outputs_of(job, sid_of[model_b])[uid]
            inst = self.instances[uid]
            rows.append(
                {
                    "benchmark": self.board_id,
                    "submission_id": job.submission_id,
                    "uid": uid,
                    "model_a": model_a,
                    "model_b": model_b,
                    "hash_a": out_a.content_hash,
                    "hash_b": out_b.content_hash,
                    "judge_id": self.judge.judge_id,
                    "judge_revision": self.judge.revision,
                    "prompt_version": self.judge.prompt_version,
                }
            )
            items.append(PairwiseItem(inst.input_steps, out_a.steps, out_b.steps, inst.output_steps))
        return rows, items

    def evaluate(self, job: Job) -> Evaluation:
        from genjudge.judges.runner import judge_pairs

        stats = self._statistics(job)
        rows, items = self._battles(job)
        verdicts: list[dict[str, Any]] = []
        judged = 0
        if items:  # the first model on a board has no opponent yet
            run = judge_pairs(
                self.judge,
                items,
                cache=job.work_dir / f"{self.board_id}-verdicts.sqlite",
                batch_size=self.batch_size,
                progress=job.progress,
            )
            verdicts = [{**row, "winner": pair.verdict.winner} for row, pair in zip(rows, run, strict=True)]
            judged = run.n_judged
        stats.fold(job.submission_id, verdicts)
        models = [m["model"] for m in job.members] + [job.model]
        # The refit starts from the published board's ratings (a few iterations instead of a cold
        # start), the same after a restart as without one, so a resumed job gives identical numbers.
        previous = job.previous_board
        warm = None if previous is None else dict(zip(previous["model"], previous["rating"], strict=True))
        board = self._ratings(stats.state, models, warm)
        row = board[board["model"] == job.model].iloc[0]
        extras = {"new_battles": len(verdicts), "judged": judged}
        results = {self.board_id: json_values({**row, **extras}, SPEC.result_fields())}
        config = {
            "judge_id": self.judge.judge_id,
            "judge_revision": self.judge.revision,
            "prompt_version": self.judge.prompt_version,
            "seed": self.seed,
        }
        charts = {
            "ratings": _ratings_chart(board, f"{self.board_id}: ratings"),
            "heatmap": _heatmap(stats.state, board, f"{self.board_id}: head to head"),
        }
        return Evaluation(board, results, config, {VERDICT_EXPORT.name: verdicts}, charts)

    @staticmethod
    def _ratings(state: BoardState, models: Sequence[str], warm: dict[str, float] | None) -> pd.DataFrame:
        if state.n_battles == 0:
            ratings = empty_ratings(list(models))
        else:
            ratings, _ = state.fit(warm_start=warm)
            missing = sorted(set(models) - set(ratings["model"]))
            if missing:
                ratings = pd.concat([ratings, empty_ratings(missing)], ignore_index=True)
        ratings = ratings.rename(columns={"rank": "bt_rank"})
        ratings["battles"] = ratings["battles"].fillna(0).astype("int64")
        ratings["bt_rank"] = ratings["bt_rank"].fillna(1).astype("int64")
        return ratings[ratings["model"].isin(models)].reset_index(drop=True)


def _placeholder(message: str, title: str) -> Figure:
    figure = Figure(figsize=(6.0, 2.5), layout="constrained")
    ax = figure.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.set_axis_off()
    ax.set_title(title)
    return figure


def _charted(board: pd.DataFrame) -> pd.DataFrame:
    """The models the pictures show: those with a rating, best first, at most ``TOP_CHARTED``."""
    rated = board.dropna(subset=["rating"])
    return rated.sort_values(["winrate_fdt", "rating"], ascending=False, kind="stable").head(TOP_CHARTED)


def _ratings_chart(board: pd.DataFrame, title: str) -> Figure:
    from genjudge.charts.arena import rating_chart

    top = _charted(board)
    if top.empty:
        return _placeholder("No ratings yet: a model needs an opponent", title)
    ratings = top.rename(columns={"rating_lower": "lower", "rating_upper": "upper", "bt_rank": "rank"})
    figure = rating_chart(ratings, title=title)
    figure.axes[0].set_xlabel(f"{RATING_LONG}, {interval_name('sandwich')}")
    return figure


def _heatmap(state: BoardState, board: pd.DataFrame, title: str) -> Figure:
    from genjudge.charts.arena import win_rate_heatmap

    models = _charted(board)["model"].tolist()
    if len(models) < 2 or state.n_battles == 0:
        return _placeholder("No battles yet", title)
    return win_rate_heatmap(state.head_to_head(models), variant="fdt", title=title)


def open_board(options: Mapping[str, OptionValue]) -> OpeningBoard:
    """The board the Space and the CLI serve, from its options (see ``SPEC.options``)."""
    from genjudge.benchmarks.opening.release import read_benchmark
    from genjudge.benchmarks.opening.sample import sample_dir
    from genjudge.judges import load_judge

    split = options["split"]
    source = options["source"]
    folder = Path(source) if source else sample_dir() / "OpenING-benchmark"
    instances = read_benchmark(folder, split, allow_missing_images=options["allow_missing_images"])
    return OpeningBoard(
        instances,
        load_judge(options["judge"]),
        board_id=f"opening-{split}",
        seed=options["seed"],
        per_instance=options["per_instance"],
        source=source,
    )


SPEC = BenchmarkSpec(
    name="opening",
    title="OpenING",
    summary=(
        "Open-ended interleaved image–text generation (Zhou et al., CVPR 2025): each instance gives a task "
        "and its input steps; a model answers with interleaved text and images. Models are compared in "
        "A/B pairs by a judge and ranked by win rate and Bradley–Terry rating."
    ),
    citation=CITATION,
    columns=COLUMNS,
    sort=(SortKey("winrate_fdt"), SortKey("rating")),
    sort_note=(
        "Sorted by FDT win rate, then BT rating, as OpenING's official lists are; pick another column "
        "to sort by."
    ),
    submission=SubmissionForm((".zip",), "Model outputs (zip)", INSTRUCTIONS),
    options=(
        BoardOption("source", "OpenING release folder (default: the bundled sample)."),
        BoardOption("split", "Benchmark split to rank on.", "test"),
        BoardOption("judge", "Judge name (reference, intjudge, api).", "reference"),
        BoardOption(
            "allow_missing_images",
            "1 to accept a release whose input images are missing (the public repo ships only a few).",
            "0",
            "flag",
        ),
        BoardOption("seed", "Seed of the battle sampling.", "0", "integer"),
        BoardOption("per_instance", "Opponents a new model meets per instance.", "2", "integer"),
    ),
    opener=open_board,
    exports=(VERDICT_EXPORT,),
    charts=(("ratings", "Ratings"), ("heatmap", "Head-to-head win rates (FDT)")),
    config_fields={
        "judge_id": "string",
        "judge_revision": "string",
        "prompt_version": "string",
        "seed": "int64",
    },
    result_extras={"new_battles": "int64", "judged": "int64"},
    voting=VOTING,
)
