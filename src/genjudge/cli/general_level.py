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
from rich.table import Table

from genjudge.benchmarks.general_level import GeneralLevelFormatError, read_reference, read_results
from genjudge.benchmarks.general_level.plots import level_chart, modality_bars
from genjudge.cli import general_bench
from genjudge.cli.console import make_console
from genjudge.scoring.general_level import MODALITIES, GeneralLevelScore, score_general_level

app = typer.Typer(help="General-Level: Levels 2–5 of a multimodal generalist.", no_args_is_help=True)
console = make_console()
errors = make_console(stderr=True, soft_wrap=True)


def _levels_table(score: GeneralLevelScore) -> Table:
    table = Table(title="Levels")
    for header in ("level", "score", "95% interval"):
        table.add_column(header, justify="left" if header == "level" else "right")
    for index in range(2, 6):
        value = score.levels[f"level_{index}"]
        interval = f"{value.lower:.2f}–{value.upper:.2f}" if score.bootstrap_rounds else "—"
        table.add_row(f"Level-{index}", f"{value.score:.2f}", interval)
    return table


def _modality_table(score: GeneralLevelScore) -> Table:
    table = Table(title="Per modality (C = comprehension, G = generation)")
    for header in ("modality", "C", "G", "Level-2", "Level-3", "Level-4", "supported", "wins"):
        table.add_column(header, justify="left" if header == "modality" else "right")
    for modality in MODALITIES:
        part = score.modalities[modality]
        table.add_row(
            modality,
            *(
                f"{v:.2f}"
                for v in (part.comprehension, part.generation, part.level_2, part.level_3, part.level_4)
            ),
            f"{part.supported}/{part.tasks}",
            str(part.wins),
        )
    nlp = score.nlp
    table.add_row(
        "NLP (S)", "", "", "", f"{nlp.score:.2f}", "", f"{nlp.supported}/{nlp.tasks}", str(nlp.wins)
    )
    return table


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
) -> None:
    """Levels 2–5 of the model in RESULTS against the specialists in SOTA."""
    try:
        reference = read_reference(sota, official=official)
        with console.status(f"Scoring with {bootstrap} bootstrap rounds…"):
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
    console.print(f"[bold]{result.model}: Level-{result.level}[/] ({mode})", highlight=False)
    console.print(_levels_table(result))
    console.print(_modality_table(result))
    console.print(
        f"supported {result.supported}/{result.tasks} tasks, wins over the specialist {result.wins}; "
        "level = the highest level with a positive score (the official code states no such rule)",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        console.print(f"wrote {json_out}")
    if margins is not None:
        margins.parent.mkdir(parents=True, exist_ok=True)
        result.margins.to_csv(margins, index=False)
        console.print(f"wrote {margins}")
    if plots is not None:
        plots.mkdir(parents=True, exist_ok=True)
        for name, figure in (("modalities.png", modality_bars(result)), ("levels.png", level_chart(result))):
            figure.savefig(plots / name, dpi=120)
            console.print(f"wrote {plots / name}")


app.command("evaluate")(general_bench.evaluate)
app.command("coverage")(general_bench.coverage)
