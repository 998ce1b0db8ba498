"""``genjudge demo``: the main job on the embedded default data, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genjudge.cli.console import ResultColumn, ResultTable, make_console, print_table
from genjudge.cli.leaderboard import print_board
from genjudge.demo.boards import run_demo_board
from genjudge.demo.dataset import DEFAULT_DEMO_DIR, DatasetSummary, build_sample_dataset, sample_datasets

console = make_console()


def show_summary(summary: DatasetSummary) -> None:
    """Print what ``load_dataset`` returned for the built folder."""
    sizes = ", ".join(f"{split}: {count}" for split, count in summary.split_sizes.items())
    console.print(f"load_dataset({str(summary.folder)!r}) -> splits {sizes}")
    columns = [ResultColumn("field", "fixed"), ResultColumn("value")]
    rows = [[field, value] for field, value in summary.example]
    print_table(ResultTable(f"{summary.name}: one row", columns, rows))


def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the demo's outputs (its *-dataset/ folders and leaderboard/ are replaced).",
        ),
    ] = DEFAULT_DEMO_DIR,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--benchmark",
            "-b",
            help="Run only this benchmark's samples (a benchmark or board name; repeatable). Default: all.",
        ),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Then serve the leaderboard Space on 127.0.0.1.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 7860,
) -> None:
    """Build the bundled OpenING sample into a dataset repo, submit every benchmark's bundled sample
    to a fresh local leaderboard, evaluate them offline and print the boards (`--serve` then opens
    the Space)."""
    from genjudge.demo.dataset import summarize_dataset

    chosen = tuple(only or ())
    try:
        datasets = sample_datasets(chosen)
        for section in datasets:
            folder = out / f"{section.name}-dataset"
            console.rule(f"Build the bundled {section.name} sample into a Hub-ready dataset folder")
            build_sample_dataset(section, folder)
            console.print(f"Wrote {folder}: " + ", ".join(sorted(p.name for p in folder.iterdir())))
            console.rule("Load it back with datasets.load_dataset")
            show_summary(summarize_dataset(section.name, folder))
        console.rule("Submit the bundled samples to a local leaderboard and evaluate them")
        demo_board = run_demo_board(out / "leaderboard", only=chosen)
    except (ValueError, FileExistsError) as exc:
        console.print(f"[bold red]Error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    for board_id, model, result in demo_board.submissions:
        console.print(f"{model} ({board_id}): {result.message}")
    for board_id, table in demo_board.tables.items():
        board = demo_board.boards[board_id]
        judge = getattr(board, "judge", None)
        title = f"{board_id} leaderboard" + (f" (judge: {judge.judge_id})" if judge is not None else "")
        print_board(table, title, board.spec, board.spec.all_scopes()[0].note)
    for chart in demo_board.charts:
        console.print(f"Wrote {chart}")
    console.print(f"Leaderboard dataset: {demo_board.store.root} (load_dataset(..., 'results'))")
    if serve:
        from genjudge.leaderboard.ui import launch

        console.rule("Serve the leaderboard Space")
        launch(demo_board.service(), host="127.0.0.1", port=port)
