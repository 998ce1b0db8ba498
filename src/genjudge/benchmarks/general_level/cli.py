"""``genjudge general-level``: score a model's result sheet against the SoTA sheet.

Reads the sheets with :mod:`genjudge.benchmarks.general_level`, scores with
:mod:`genjudge.scoring.general_level`, and shows the result as terminal tables, a JSON file, a
margins CSV and PNG plots.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from genjudge.benchmarks.general_level import GeneralLevelFormatError, read_reference, read_results
from genjudge.benchmarks.general_level.bench import cli as general_bench
from genjudge.benchmarks.general_level.plots import level_chart, modality_bars
from genjudge.cli.console import FormatOption, OutputFormat, Report, ResultColumn, ResultTable, make_console
from genjudge.scoring.general_level import MODALITIES, GeneralLevelScore, score_general_level

app = typer.Typer(help="General-Level: Levels 2–5 of a multimodal generalist.", no_args_is_help=True)
errors = make_console(stderr=True, soft_wrap=True)


def _levels_table(score: GeneralLevelScore) -> ResultTable:
    columns = [
        ResultColumn("level"),
        ResultColumn("score", "number"),
        ResultColumn("95% interval", "interval"),
    ]
    rows = []
    for index in range(2, 6):
        value = score.levels[f"level_{index}"]
        interval = (value.lower, value.upper) if score.bootstrap_rounds else None
        rows.append([f"Level-{index}", value.score, interval])
    return ResultTable("Levels", columns, rows)


def _modality_table(score: GeneralLevelScore) -> ResultTable:
    columns = [
        ResultColumn("modality"),
        *(ResultColumn(header, "number") for header in ("C", "G", "Level-2", "Level-3", "Level-4")),
        ResultColumn("supported", "count"),
        ResultColumn("wins", "count"),
    ]
    rows = []
    for modality in MODALITIES:
        part = score.modalities[modality]
        rows.append(
            [
                modality,
                part.comprehension,
                part.generation,
                part.level_2,
                part.level_3,
                part.level_4,
                f"{part.supported}/{part.tasks}",
                part.wins,
            ]
        )
    nlp = score.nlp
    rows.append(["NLP (S)", "", "", "", nlp.score, "", f"{nlp.supported}/{nlp.tasks}", nlp.wins])
    return ResultTable("Per modality (C = comprehension, G = generation)", columns, rows)


def _look_swapped(sota: Path, results: Path, model: str | None, official: bool) -> bool:
    """Whether ``results`` reads as a SoTA sheet and ``sota`` as a model's results against it.

    Asked only once ``sota`` failed to read as a SoTA sheet, so that the error can say the two
    options were swapped instead of blaming a column the file was never meant to have.
    """
    try:
        read_results(sota, read_reference(results, official=official), model=model, official=official)
    except GeneralLevelFormatError:
        return False
    return True


@app.command()
def score(
    sota: Annotated[Path, typer.Option(help="SoTA sheet: the official sota_result.xlsx, or CSV/JSON")],
    results: Annotated[Path, typer.Option(help="the model's results: xlsx (official layout), CSV or JSON")],
    model: Annotated[str | None, typer.Option(help="model column of the workbook (case ignored)")] = None,
    official: Annotated[bool, typer.Option(help="reproduce the official ranker.py, flaws included")] = False,
    bootstrap: Annotated[
        int, typer.Option(min=0, help="bootstrap rounds over tasks for the intervals")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="seed for the bootstrap")] = 0,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="write the full result as JSON here")
    ] = None,
    margins: Annotated[Path | None, typer.Option(help="write the per-task margin table as CSV here")] = None,
    plots: Annotated[Path | None, typer.Option(help="folder for PNG plots (modality bars, levels)")] = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Levels 2–5 of the model in RESULTS against the specialists in SOTA."""
    try:
        reference = read_reference(sota, official=official)
    except GeneralLevelFormatError as error:
        if _look_swapped(sota, results, model, official):
            errors.print(
                f"[bold red]error:[/] --sota and --results look swapped: {escape(str(sota))} reads as a "
                f"model's results sheet and {escape(str(results))} as a SoTA sheet; run again with "
                f"--sota {escape(str(results))} --results {escape(str(sota))}",
                highlight=False,
            )
        else:
            errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(code=2) from None
    try:
        with errors.status(f"Scoring with {bootstrap} bootstrap rounds…"):
            result = score_general_level(
                read_results(results, reference, model=model, official=official),
                reference,
                official=official,
                bootstrap=bootstrap,
                seed=seed,
            )
    except GeneralLevelFormatError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(code=2) from None
    mode = "official ranker.py rules" if official else "genjudge's corrected rules"
    shown = Report(output_format)
    shown.line(f"{result.model}: Level-{result.level} ({mode})")
    shown.table(_levels_table(result))
    shown.table(_modality_table(result))
    shown.line(
        f"supported {result.supported}/{result.tasks} tasks, wins over the specialist {result.wins}; "
        "level = the highest level with a positive score (the official code states no such rule)"
    )
    for note in result.notes:
        shown.line(f"note: {note}")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        shown.line(f"wrote {json_out}")
    if margins is not None:
        margins.parent.mkdir(parents=True, exist_ok=True)
        result.margins.to_csv(margins, index=False)
        shown.line(f"wrote {margins}")
    if plots is not None:
        plots.mkdir(parents=True, exist_ok=True)
        for name, figure in (("modalities.png", modality_bars(result)), ("levels.png", level_chart(result))):
            figure.savefig(plots / name, dpi=120)
            shown.line(f"wrote {plots / name}")
    shown.close()


app.command("evaluate")(general_bench.evaluate)
app.command("coverage")(general_bench.coverage)
