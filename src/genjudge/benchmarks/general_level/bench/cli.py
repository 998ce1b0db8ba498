"""CLI commands for General-Bench: build the dataset repository, score predictions, report coverage.

These are plain typer command functions; the ``genjudge`` app mounts them as
``genjudge data build general-bench`` (:func:`build`), ``genjudge general-level evaluate``
(:func:`evaluate`) and ``genjudge general-level coverage`` (:func:`coverage`).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from tqdm.auto import tqdm

from genjudge.benchmarks.general_level.bench import (
    EvaluationOptions,
    MetricUnavailableError,
    ReferenceIndex,
    build_repo,
    evaluate_tree,
    read_reference_sheet,
    result_json,
    write_result_sheet,
)
from genjudge.benchmarks.general_level.bench import coverage as metric_coverage
from genjudge.benchmarks.general_level.bench.media_metrics import DEFAULT_CLIP_MODEL
from genjudge.cli.console import make_console
from genjudge.cli.dataset_upload import OverwriteOpt, PushOpt, TokenOpt, upload_built
from genjudge.safe_io.located_error import FormatError

console = make_console(stderr=True)
out_console = make_console()

SotaOption = Annotated[
    Path,
    typer.Option(
        "--sota",
        help="The reference sheet (references/sota_result.xlsx of path2generalist/General-Level).",
        exists=True,
        dir_okay=False,
    ),
]


def _fail(kind: str, exc: Exception, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]{kind}[/]: {exc}", highlight=False)
    return typer.Exit(code)


def build(
    source: Annotated[Path, typer.Option("--source", help="The released tree (holding image/, nlp/, ...).")],
    out: Annotated[Path, typer.Option("--out", help="Dataset repository folder to write.")],
    sota: Annotated[
        Path | None,
        typer.Option("--sota", help="references/sota_result.xlsx, to join each task's metric and SoTA."),
    ] = None,
    push_to_hub_repo: PushOpt = None,
    overwrite: OverwriteOpt = False,
    allow_missing_media: Annotated[
        bool,
        typer.Option(
            "--allow-missing-media", help="Write records whose media files are missing (and count them)."
        ),
    ] = False,
    token: TokenOpt = None,
) -> None:
    """Convert the General-Bench release into Parquet configs, a README.md card and eval.yaml."""
    try:
        report = build_repo(source, out, sota, overwrite=overwrite, allow_missing_media=allow_missing_media)
    except FormatError as exc:
        raise _fail("General-Bench format error", exc) from None
    except FileExistsError as exc:
        raise _fail("Error", exc) from None
    sizes = ", ".join(f"{config}={count}" for config, count in report.config_sizes.items())
    megabytes = report.media.bytes / 1e6
    console.print(
        f"[green]Wrote[/] {report.out_dir}: {sizes}; {report.media.files} media files ({megabytes:.1f} MB)",
        highlight=False,
    )
    if report.unmatched_tasks:
        console.print(
            f"[yellow]{len(report.unmatched_tasks)} tasks are not in the reference sheet[/] (metric and SoTA "
            f"left empty): {', '.join(report.unmatched_tasks[:10])}",
            highlight=False,
        )
    if report.media.missing:
        console.print(f"[yellow]{report.media.summary()}[/]", highlight=False)
    if push_to_hub_repo:
        upload_built(report.out_dir, push_to_hub_repo, token, console)


def evaluate(
    bench: Annotated[Path, typer.Option("--bench", help="The released tree (with answers: the open set).")],
    out: Annotated[Path, typer.Option("--out", help="Result sheet (.xlsx) to write.")],
    sota: SotaOption,
    predictions: Annotated[
        Path | None,
        typer.Option(
            "--predictions",
            help="Tree holding `<task folder>/prediction.json` (default: next to each `annotation.json`).",
        ),
    ] = None,
    model_name: Annotated[str, typer.Option("--model-name", help="Header of the result column.")] = "model",
    allow_missing: Annotated[
        bool, typer.Option("--allow-missing", help="Score tasks whose prediction.json lacks some ids.")
    ] = False,
    clip_model: Annotated[
        str, typer.Option("--clip-model", help="CLIP checkpoint (Hub id or local folder) for CLIP score.")
    ] = DEFAULT_CLIP_MODEL,
    answer_field: Annotated[
        list[str] | None,
        typer.Option(
            "--answer-field",
            metavar="TASK=FIELD",
            help="Output field (dotted) with a task's answer, where the default lookup fails; repeatable.",
        ),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json-out", help="Also write the results as JSON (model + per-task scores)."),
    ] = None,
) -> None:
    """Score prediction.json files task by task and write a General-Level result sheet."""
    try:
        reference = read_reference_sheet(sota)
        options = EvaluationOptions(
            clip_model=clip_model,
            allow_missing=allow_missing,
            answer_fields=_answer_fields(answer_field or []),
        )
        scores = evaluate_tree(
            bench,
            predictions,
            ReferenceIndex(reference),
            options,
            progress=lambda tasks: tqdm(tasks, desc="General-Bench tasks", unit="task"),
        )
        written = write_result_sheet(scores, reference, model_name, out)
        if json_out is not None:
            payload = json.dumps(result_json(scores, reference, model_name), indent=1, ensure_ascii=False)
            json_out.write_text(payload + "\n", encoding="utf-8")
    except FormatError as exc:
        raise _fail("General-Bench format error", exc) from None
    except MetricUnavailableError as exc:
        raise _fail("Metric unavailable", exc, code=3) from None
    table = Table(title=f"General-Bench scores of {model_name}")
    for column in ("Sheet", "Task", "Metric", "Score", "SoTA", "Status"):
        table.add_column(column, justify="right" if column in ("Score", "SoTA") else "left")
    for score in scores:
        sota_value = score.reference.sota if score.reference is not None else None
        table.add_row(
            score.sheet,
            score.task,
            score.metric or "",
            "" if score.value is None else f"{score.value:.2f}",
            "" if sota_value is None else f"{sota_value:.2f}",
            score.status,
        )
    out_console.print(table)
    statuses = Counter(score.status for score in scores)
    console.print(
        f"[green]Wrote[/] {written}: " + ", ".join(f"{n} {status}" for status, n in statuses.most_common()),
        highlight=False,
    )
    _print_coverage(reference)


def _answer_fields(pairs: list[str]) -> dict[str, str]:
    fields = {}
    for pair in pairs:
        task, sep, name = pair.rpartition("=")
        if not sep or not task.strip() or not name.strip():
            raise typer.BadParameter(f"expected TASK=FIELD, got {pair!r}", param_hint="--answer-field")
        fields[task.strip()] = name.strip()
    return fields


def _print_coverage(reference) -> None:
    lines = metric_coverage(reference).lines()
    console.print(f"[bold]Metric coverage of the reference sheet[/]: {lines[0]}", highlight=False)
    for line in lines[1:]:
        console.print(f"  {line}", highlight=False)


def coverage(sota: SotaOption) -> None:
    """How many tasks of a reference sheet have an implemented metric, by metric name."""
    try:
        reference = read_reference_sheet(sota)
    except FormatError as exc:
        raise _fail("Reference sheet error", exc) from None
    cov = metric_coverage(reference)
    table = Table(title=f"Metric coverage: {cov.covered} of {cov.total} tasks")
    table.add_column("Metric")
    table.add_column("Tasks", justify="right")
    table.add_column("Implemented")
    for name, count in (cov.implemented + cov.missing).most_common():
        table.add_row(name, str(count), "yes" if name in cov.implemented else "no")
    out_console.print(table)
    _print_coverage(reference)
