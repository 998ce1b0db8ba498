"""``genjudge evalmi``: how well a metric's per-image scores agree with the EvalMi-50K humans.

Also holds :func:`build_dataset`, the ``genjudge data build evalmi-50k`` command (mounted by the
data command group). Both only parse options, call :mod:`genjudge.benchmarks.evalmi` and print.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import pandas as pd
import typer
from rich.markup import escape

from genjudge.benchmarks.evalmi import (
    MetricEvaluation,
    evaluate_metric,
    evaluation_to_json,
    load_ratings,
    read_metric_submission,
    sample_dir,
)
from genjudge.benchmarks.evalmi.metric_scoring import GROUPINGS
from genjudge.benchmarks.evalmi.peers.pyiqa_metric import DEFAULT_PYIQA_METRIC
from genjudge.benchmarks.evalmi.peers.run import PEERS
from genjudge.benchmarks.evalmi.plots import ranking_figure, scatter_figure
from genjudge.benchmarks.evalmi.repo import build_repo
from genjudge.cli.console import FormatOption, OutputFormat, Report, ResultColumn, ResultTable, make_console
from genjudge.cli.dataset_upload import OverwriteOpt, PushOpt, TokenOpt, upload_built
from genjudge.cli.judge import ActorsOpt, Backend, BackendOpt, GpusPerActorOpt, RayAddressOpt, parse_options
from genjudge.judges.registry import scoring_judge_names
from genjudge.safe_io.located_error import FormatError
from genjudge.scoring.correlation import CorrelationResult

if TYPE_CHECKING:
    from genjudge.judges.scoring_runner import ScoreRun

app = typer.Typer(
    help="EvalMi-50K: score a text-to-image model's generations, and rank metrics by agreement with "
    "human opinion scores.",
    no_args_is_help=True,
)
ScoringJudgeName = Enum("ScoringJudgeName", {n.replace("-", "_"): n for n in scoring_judge_names()}, type=str)
DEFAULT_SCORING_JUDGE = ScoringJudgeName("lmm4lmm-perception")
console = make_console()
errors = make_console(stderr=True, soft_wrap=True)


def _interval(result: CorrelationResult, name: str) -> str:
    """A statistic with its 95% interval, always four decimals: ``0.1234 [0.1000, 0.1500]``."""
    value = getattr(result, name)
    if value is None:
        return "—"
    if name in result.intervals:
        low, high = result.intervals[name]
        return f"{value:.4f} [{low:.4f}, {high:.4f}]"
    return f"{value:.4f}"


def dimension_table(evaluation: MetricEvaluation) -> ResultTable:
    """One row per MOS dimension: the four statistics with their intervals."""
    mode = "official (MOS as bfloat16)" if evaluation.official else "full precision"
    columns = [
        ResultColumn("dimension"),
        ResultColumn("score column"),
        *(
            ResultColumn(header, "number")
            for header in ("SRCC", "PLCC (raw)", "KRCC", "PLCC (4-param logistic)", "model-level SRCC")
        ),
    ]
    rows = []
    for name, result in evaluation.dimensions.items():
        model = result.model_level
        model_text = f"{model.srcc:.4f}"
        if model.interval is not None:
            model_text += f" [{model.interval[0]:.4f}, {model.interval[1]:.4f}]"
        rows.append(
            [
                name,
                result.score_column,
                *(_interval(result.overall, s) for s in ("srcc", "plcc", "krcc", "plcc_logistic")),
                model_text,
            ]
        )
    caption = ""
    if evaluation.qa is not None:
        qa = evaluation.qa
        text = f"{qa.accuracy:.4f}" + (
            f" [{qa.interval[0]:.4f}, {qa.interval[1]:.4f}]" if qa.interval else ""
        )
        caption = f"QA accuracy: {text} over {qa.n:,} answers"
    title = f"Agreement with human MOS, {evaluation.images:,} images, {mode}"
    return ResultTable(title, columns, rows, caption)


def generator_table(evaluation: MetricEvaluation, dimension: str) -> ResultTable:
    """Per generator: mean metric score and mean MOS with both ranks, and the SRCC within it."""
    result = evaluation.dimensions[dimension]
    within = result.groups.get("generator", {})
    columns = [
        ResultColumn("generator"),
        ResultColumn("images", "count"),
        ResultColumn("mean MOS", "number"),
        ResultColumn("human rank", "count"),
        ResultColumn("mean score", "number", 4),
        ResultColumn("metric rank", "count"),
        ResultColumn("SRCC within", "number"),
    ]
    rows = []
    for row in result.model_level.table.itertuples(index=False):
        inside = within.get(row.generator)
        rows.append(
            [
                row.generator,
                row.images,
                row.mos_mean,
                row.mos_rank,
                row.metric_mean,
                row.metric_rank,
                _interval(inside, "srcc") if inside is not None else "—",
            ]
        )
    return ResultTable(f"Generators, {dimension} (rank 1 = best)", columns, rows)


def group_table(evaluation: MetricEvaluation, dimension: str, grouping: str) -> ResultTable:
    columns = [
        ResultColumn(grouping),
        ResultColumn("images", "count"),
        ResultColumn("SRCC", "number"),
        ResultColumn("PLCC", "number"),
    ]
    rows = [
        [key, result.n, _interval(result, "srcc"), _interval(result, "plcc")]
        for key, result in evaluation.dimensions[dimension].groups[grouping].items()
    ]
    return ResultTable(f"SRCC / PLCC within each {grouping}, {dimension}", columns, rows)


def _bench_choice(bench: Path | None) -> tuple[Path, str]:
    """The EvalMi-50K folder to read and how to name it to the user.

    Without ``--bench`` the commands read the bundled sample (a few generators and prompts): every
    message that depends on it says so, since scores made for the full release do not fit it.
    """
    if bench is None:
        return sample_dir(), "the bundled EvalMi-50K sample, not the full release"
    return bench, f"the EvalMi-50K release at {bench}"


BENCH_HINT = "--bench PATH reads another release"


def _only_incomplete(scores: Path, ratings: pd.DataFrame) -> bool:
    """Whether the submission was refused only for leaving images unscored (``--allow-partial``
    would take it): the parser's own error is also what the Space shows, where no flag exists."""
    try:
        return bool(read_metric_submission(scores, ratings, allow_partial=True).missing)
    except (FormatError, ValueError):
        return False


@app.command()
def report(
    scores: Annotated[
        Path, typer.Option("--scores", help="Metric submission CSV: image_name + score column(s).")
    ],
    bench: Annotated[
        Path | None,
        typer.Option(
            "--bench",
            help="EvalMi-50K release folder (with MOS&QA/) or a folder built by `genjudge data build "
            "evalmi-50k`. Default: the embedded sample.",
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write every number to this JSON file.")
    ] = None,
    plots: Annotated[
        Path | None, typer.Option("--plots", help="Folder for the scatter and ranking plots (PNG).")
    ] = None,
    official: Annotated[
        bool, typer.Option("--official", help="Reproduce the official evaluation: MOS cast to bfloat16.")
    ] = False,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap rounds (0: none).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 0,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help=f"Also break down by: {', '.join(GROUPINGS)} (repeatable)."),
    ] = None,
    lower_is_better: Annotated[
        bool, typer.Option("--lower-is-better", help="The metric's low scores mean good images.")
    ] = False,
    allow_partial: Annotated[
        bool, typer.Option("--allow-partial", help="Score only the images the CSV has instead of refusing.")
    ] = False,
    krcc_interval: Annotated[
        bool, typer.Option("--krcc-interval/--no-krcc-interval", help="Bootstrap KRCC too (slower).")
    ] = True,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Per-dimension and per-generator agreement tables, optional JSON and plots."""
    groupings = tuple(dict.fromkeys(["generator", *(by or [])]))
    root, read_from = _bench_choice(bench)
    try:
        ratings = load_ratings(root)
    except (FormatError, ValueError) as exc:
        errors.print(f"[bold red]EvalMi-50K input error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    try:
        submission = read_metric_submission(scores, ratings, allow_partial=allow_partial)
        evaluation = evaluate_metric(
            submission,
            ratings,
            official=official,
            bootstrap_rounds=bootstrap,
            seed=seed,
            groupings=groupings,
            higher_is_better=not lower_is_better,
            krcc_interval=krcc_interval,
        )
    except (FormatError, ValueError) as exc:
        partial = not allow_partial and _only_incomplete(scores, ratings)
        hint = "; pass --allow-partial to score only the images the CSV has" if partial else ""
        errors.print(
            f"[bold red]EvalMi-50K input error[/]: {escape(str(exc))}{hint}\n(checked against "
            f"{escape(read_from)}, {len(ratings):,} rated images; {BENCH_HINT})",
            highlight=False,
        )
        raise typer.Exit(2) from None
    if submission.missing:
        errors.print(
            f"[yellow]{len(submission.missing):,} benchmark images have no score and are left out[/]"
        )
    shown = Report(output_format)
    shown.line(f"Benchmark: {read_from}, {len(ratings):,} rated images ({BENCH_HINT})")
    shown.table(dimension_table(evaluation))
    for dimension in evaluation.dimensions:
        shown.table(generator_table(evaluation, dimension))
        for grouping in groupings[1:]:
            shown.table(group_table(evaluation, dimension, grouping))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(evaluation_to_json(evaluation), indent=2), encoding="utf-8")
        shown.line(f"Wrote {json_out}")
    if plots is not None:
        plots.mkdir(parents=True, exist_ok=True)
        for dimension in evaluation.dimensions:
            for kind, figure in (
                ("scatter", scatter_figure(evaluation, dimension)),
                ("ranking", ranking_figure(evaluation, dimension)),
            ):
                path = plots / f"{dimension}_{kind}.png"
                figure.savefig(path, dpi=120)
                shown.line(f"Wrote {path}")
    shown.close()


def build_dataset(
    source: Annotated[
        Path,
        typer.Option("--source", help="Release folder holding MOS&QA/, prompts/ and (optionally) data/."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Dataset repository folder to write.")],
    images: Annotated[
        Path | None,
        typer.Option("--images", help="Folder holding `<generator>/<NNN>.png` (default: `--source`)."),
    ] = None,
    push_to_hub_repo: PushOpt = None,
    overwrite: OverwriteOpt = False,
    require_images: Annotated[
        bool, typer.Option("--require-images", help="Refuse to build when any rated image is missing.")
    ] = False,
    token: TokenOpt = None,
) -> None:
    """Convert the EvalMi-50K release into Parquet shards, a README.md card and eval.yaml."""
    try:
        report = build_repo(
            source, out, images_dir=images, overwrite=overwrite, require_images=require_images
        )
    except FormatError as exc:
        errors.print(f"[bold red]EvalMi-50K format error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    except (FileExistsError, FileNotFoundError) as exc:
        errors.print(f"[bold red]Error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    sizes = "; ".join(
        f"{name}: " + ", ".join(f"{split}={count:,}" for split, count in splits.items())
        for name, splits in report.configs.items()
    )
    errors.print(
        f"[green]Wrote[/] {report.out_dir}: {sizes}; "
        f"{report.images:,} images ({report.image_bytes / 1e6:.1f} MB)",
        highlight=False,
    )
    release = report.release
    if release is not None and release.shared_cells:
        errors.print(f"Split two questions sharing one cell in {len(release.shared_cells)} prompt(s).")
    if release is not None:
        for mismatch in release.prompt_mismatches:
            errors.print(
                f"Prompt {mismatch.index} differs between question.xlsx and prompt_tasks.jsonl; "
                "the sheet's text is used (see the card)."
            )
    if report.missing_images:
        errors.print(f"[yellow]{report.missing_images.summary()}[/]\nThey are stored as null images.")
    if push_to_hub_repo:
        upload_built(report.out_dir, push_to_hub_repo, token, errors)


@app.command()
def score(
    images: Annotated[
        Path, typer.Option("--images", help="Folder of one model's generations, `<NNN>.png` per prompt.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="CSV to write: one row per image (per question for QA).")
    ],
    judge: Annotated[
        ScoringJudgeName, typer.Option("--judge", help="The scoring judge.")
    ] = DEFAULT_SCORING_JUDGE,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            metavar="KEY=VALUE",
            help="A judge option: model (a local checkpoint folder or Hub id), device, dtype, revision.",
        ),
    ] = None,
    bench: Annotated[
        Path | None, typer.Option("--bench", help="EvalMi-50K release folder (default: the bundled sample).")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option("--cache", help="SQLite score cache: a rerun scores only what is new.")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Images per forward pass.", min=1)] = 8,
    allow_partial: Annotated[
        bool, typer.Option("--allow-partial", help="Score the images present when some prompts have none.")
    ] = False,
    backend: BackendOpt = Backend.local,
    ray_address: RayAddressOpt = None,
    actors: ActorsOpt = 1,
    gpus_per_actor: GpusPerActorOpt = None,
) -> None:
    """Score a text-to-image model's generations for the EvalMi-50K prompts with LMM4LMM."""
    from genjudge.benchmarks.evalmi.generated import read_generations
    from genjudge.benchmarks.evalmi.release import read_release
    from genjudge.judges.protocol import JudgeError, JudgeModelNotFound
    from genjudge.judges.running import JudgeSpec, RayPool, ready_judge
    from genjudge.judges.scored_images import score_columns, scoring_items

    options = parse_options(option or [])
    try:
        generations = read_generations(
            images, read_release(_bench_choice(bench)[0]).prompts, allow_partial=allow_partial
        )
        ready = ready_judge(
            JudgeSpec(judge.value, options), backend, RayPool(ray_address, actors, gpus_per_actor)
        )
        scorer = ready.identity
    except FormatError as exc:
        errors.print(
            f"[bold red]Cannot score[/]: {escape(str(exc))}\n(prompts of {escape(_bench_choice(bench)[1])}; "
            f"{BENCH_HINT})",
            highlight=False,
        )
        raise typer.Exit(2) from None
    except (ValueError, JudgeError, JudgeModelNotFound, ImportError) as exc:
        errors.print(f"[bold red]Cannot score[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    rows = [
        (image, question_number, question)
        for image in generations
        for question_number, question in (
            enumerate(image.prompt.questions, start=1) if scorer.uses_question else [(None, None)]
        )
    ]
    items = scoring_items(
        [image.data for image, _, _ in rows],
        [image.prompt.prompt for image, _, _ in rows],
        [question for _, _, question in rows] if scorer.uses_question else None,
    )
    run = ready.run(items, cache=cache, batch_size=batch_size)
    result = score_columns(cast("ScoreRun", run))
    table = {"image_name": [image.name for image, _, _ in rows]}
    if scorer.uses_question:
        table["question"] = [number for _, number, _ in rows]
    table |= {name: result[name] for name in scorer.score_names}
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(table).to_csv(out, index=False)
    means = ", ".join(f"{name} {result[f'mean_{name}']:.3f}" for name in scorer.score_names)
    cached = sum(result["cached"])
    console.print(
        f"Scored {len(generations)} images with {result['judge']} ({cached} rows from the cache): {means}"
    )
    console.print(f"Wrote {out}")


PeerMetric = Enum("PeerMetric", {n.replace("-", "_"): n for n in PEERS}, type=str)


@app.command()
def metric(
    name: Annotated[PeerMetric, typer.Argument(help="The peer metric to run on the EvalMi-50K images.")],
    out: Annotated[
        Path, typer.Option("--out", help="CSV to write, in the Metrics board's submission format.")
    ],
    bench: Annotated[
        Path | None,
        typer.Option(
            "--bench",
            help="EvalMi-50K release folder: ratings, prompts and images (default: the bundled sample).",
        ),
    ] = None,
    images: Annotated[
        Path | None,
        typer.Option("--images", help="Folder holding `<generator>/<NNN>.png` (default: `--bench`)."),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            "--model",
            help="The peer's checkpoint: for clip-score a CLIP folder or Hub id (default "
            "openai/clip-vit-large-patch14); for pyiqa the metric's .pth file (default: pyiqa downloads it).",
        ),
    ] = None,
    pyiqa_metric: Annotated[
        str, typer.Option("--pyiqa-metric", help="pyiqa's no-reference metric name (pyiqa.list_models()).")
    ] = DEFAULT_PYIQA_METRIC,
    device: Annotated[str, typer.Option("--device", help="Torch device for the peer's model.")] = "cpu",
    batch_size: Annotated[int, typer.Option("--batch-size", help="Images per forward pass.", min=1)] = 8,
) -> None:
    """Score every rated EvalMi-50K image with a peer metric, ready to submit to the Metrics board."""
    from genjudge.benchmarks.evalmi.peers import PeerUnavailable, write_submission
    from genjudge.benchmarks.evalmi.peers.run import PeerOptions, peer_scores
    from genjudge.benchmarks.evalmi.release import read_release
    from genjudge.judges.clip_score import ClipModelNotFound

    options = PeerOptions(weights=weights, pyiqa_metric=pyiqa_metric, device=device, batch_size=batch_size)
    try:
        release = read_release(_bench_choice(bench)[0], images)
        scores, used = peer_scores(name.value, release, options)
        write_submission(release, scores, out)
    except FormatError as exc:
        errors.print(
            f"[bold red]Cannot run {name.value}[/]: {escape(str(exc))}\n(read from "
            f"{escape(_bench_choice(bench)[1])}; {BENCH_HINT})",
            highlight=False,
        )
        raise typer.Exit(2) from None
    except (ClipModelNotFound, PeerUnavailable, ValueError) as exc:
        errors.print(f"[bold red]Cannot run {name.value}[/]: {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"Scored {len(scores)} images with {name.value} ({used}); wrote {out}")
