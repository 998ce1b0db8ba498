"""``genjudge judge``: run a pairwise judge over OpenING model outputs and write official verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from genjudge.benchmarks.opening import OpeningFormatError, read_benchmark, read_model_outputs
from genjudge.cli.console import make_console
from genjudge.durable import atomic_write_json
from genjudge.judges.interleaved import win_rate_table
from genjudge.judges.pair_jobs import (
    Battle,
    BattleError,
    battles_from_rows,
    build_items,
    model_ids,
    read_pairs_file,
    verdict_records,
)
from genjudge.judges.protocol import JudgeError
from genjudge.judges.registry import judge_names, load_judge
from genjudge.judges.runner import IncompleteRun, judge_pairs
from genjudge.scoring.pairs import sample_pairs

app = typer.Typer(help="Judge pairs of model outputs with a pairwise judge.", no_args_is_help=True)
console = make_console(stderr=True)


def parse_options(options: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; values that parse as JSON (numbers, true/false, null) are decoded."""
    parsed: dict[str, Any] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"expected key=value, got {option!r}", param_hint="--option")
        try:
            parsed[key] = json.loads(value)
        except json.JSONDecodeError:
            parsed[key] = value
    return parsed


@app.command()
def pairs(
    benchmark: Annotated[
        Path, typer.Option(help="OpenING release folder (holding OpenING-benchmark/, or that folder itself).")
    ],
    outputs: Annotated[
        list[Path], typer.Option("--outputs", help="A gen_outputs/<Model>_output/ folder; repeat per model.")
    ],
    judge: Annotated[str, typer.Option(help=f"Judge backend: {', '.join(judge_names())}.")] = "reference",
    option: Annotated[
        list[str] | None,
        typer.Option("--option", help="Judge option key=value (e.g. model=/models/IntJudge); repeatable."),
    ] = None,
    split: Annotated[str, typer.Option(help="Benchmark split.")] = "test",
    pairs_file: Annotated[
        Path | None,
        typer.Option("--pairs", help="Official pairs file (data_instance_modelAB.json) instead of sampling."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for pair sampling.")] = 0,
    cache: Annotated[Path | None, typer.Option(help="SQLite verdict cache to reuse and extend.")] = None,
    swap: Annotated[bool, typer.Option(help="Also judge B|A and combine (cancels position bias).")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per judge call.")] = 8,
    max_image_side: Annotated[
        int | None, typer.Option(min=1, help="Downscale images larger than this many pixels per side.")
    ] = None,
    allow_missing_images: Annotated[
        bool, typer.Option(help="Judge steps whose image file is missing as text-only instead of stopping.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Verdict JSON (official format) to write.")] = Path(
        "verdicts.json"
    ),
) -> None:
    """Judge model pairs on an OpenING split and write verdicts as the official JSON list."""
    if judge not in judge_names():
        console.print(f"[red]error:[/red] unknown judge {judge!r}; choose one of {', '.join(judge_names())}")
        raise typer.Exit(code=2)
    try:
        instances = read_benchmark(benchmark, split, allow_missing_images=allow_missing_images)
        by_model = {}
        for folder in outputs:
            model_outputs = read_model_outputs(folder, allow_missing_images=allow_missing_images)
            model = model_outputs[0].model
            if model in by_model:
                raise BattleError(
                    f"{folder}: outputs of model {model!r} were already given by another --outputs"
                )
            by_model[model] = model_outputs
        ids = model_ids(list(by_model))
        battles = read_pairs_file(pairs_file) if pairs_file else _sample(instances, by_model, ids, seed)
        items = build_items(instances, by_model, battles)
        judge_impl = load_judge(judge, **parse_options(option or []))
    # OSError: unreadable files, and judge checkpoints that cannot be loaded (IntJudge's error).
    except (OpeningFormatError, BattleError, ValueError, ImportError, OSError) as err:
        console.print(f"[red]error:[/red] {err}", soft_wrap=True)
        raise typer.Exit(code=2) from err

    try:
        run = judge_pairs(
            judge_impl, items, cache=cache, batch_size=batch_size, max_image_side=max_image_side, swap=swap
        )
    except (IncompleteRun, JudgeError) as err:
        console.print(f"[red]error:[/red] {err} No verdict file was written.", soft_wrap=True)
        raise typer.Exit(code=1) from err
    atomic_write_json(out, verdict_records(battles, run.winners), indent=4)
    _summarise(run.judge_id, battles, run.winners, run.n_judged, run.n_cached, run.consistency_rate, out)


def _sample(instances, by_model, ids, seed: int) -> list[Battle]:  # type: ignore[no-untyped-def]
    if len(by_model) < 2:
        raise BattleError(f"need outputs of at least two models to form pairs, got {len(by_model)}")
    covered = set.intersection(*({o.total_uid for o in outs} for outs in by_model.values()))
    uids = [instance.total_uid for instance in instances if instance.total_uid in covered]
    skipped = len(instances) - len(uids)
    if skipped:
        console.print(
            f"[yellow]note:[/yellow] {skipped} instances lack an output from some model; not paired"
        )
    # OpenING judges two battles per instance; with two models only one distinct pair exists.
    n_models = len(by_model)
    frame = sample_pairs(uids, list(by_model), seed=seed, per_instance=min(2, n_models * (n_models - 1) // 2))
    return battles_from_rows(frame[["uid", "model_a", "model_b"]].itertuples(index=False), ids)


def _summarise(judge_id, battles, winners, n_judged, n_cached, consistency, out) -> None:  # type: ignore[no-untyped-def]
    rates = win_rate_table(winners, [b.model_a for b in battles], [b.model_b for b in battles])
    table = Table(
        title=f"FDT win rates over {len(battles)} pairs",
        caption=f"judge: {judge_id}; more scores: genjudge arena report {out}",
    )
    table.add_column("model")
    table.add_column("FDT win rate", justify="right")
    table.add_column("battles", justify="right")
    for model, row in rates.items():  # already sorted, best first
        table.add_row(model, f"{row['fdt']:.1%}", str(int(row["battles"])))
    console.print(table)
    line = f"{n_judged} verdicts computed, {n_cached} reused from the cache"
    if consistency is not None:
        line += f"; swap consistency {consistency:.1%}"
    console.print(f"{line}. Wrote {out}")
