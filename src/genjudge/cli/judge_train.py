"""``genjudge judge train-data`` and ``genjudge judge train``: build a judge-training set, fine-tune a judge.

Both only parse arguments, call :mod:`genjudge.training` and print what came out; the data build
needs nothing beyond genjudge, the fine-tuning needs the ``train`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from genjudge.benchmarks.opening import read_benchmark, read_model_outputs
from genjudge.cli.console import make_console
from genjudge.cli.dataset_upload import OverwriteOpt, PushOpt, TokenOpt, upload_built
from genjudge.cli.opening_options import DEFAULT_SPLIT, BenchmarkOpt, OpeningSplit, OutputsOpt
from genjudge.core.records import ModelOutput
from genjudge.safe_io.located_error import FormatError
from genjudge.scoring.agreement import Agreement
from genjudge.training.base_model import DEFAULT_BASE_MODEL
from genjudge.training.builder import DEFAULT_GOLD_MODEL, build_training_set
from genjudge.training.repo import write_training_repo

console = make_console(stderr=True)


def _fail(err: BaseException) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(str(err))}", soft_wrap=True, highlight=False)
    return typer.Exit(code=2)


def _outputs(folders: list[Path], allow_missing_images: bool) -> dict[str, list[ModelOutput]]:
    by_model: dict[str, list[ModelOutput]] = {}
    for folder in folders:
        answers = read_model_outputs(folder, allow_missing_images=allow_missing_images)
        if answers[0].model in by_model:
            raise FormatError(f"outputs of model {answers[0].model!r} were given twice", file=folder)
        by_model[answers[0].model] = answers
    return by_model


def _rag_outputs(specs: list[str], allow_missing_images: bool) -> dict[str, list[ModelOutput]]:
    by_model: dict[str, list[ModelOutput]] = {}
    for spec in specs:
        model, sep, folder = spec.partition("=")
        if not sep or not model or not folder:
            raise typer.BadParameter(f"expected MODEL=FOLDER, got {spec!r}", param_hint="--rag-outputs")
        by_model[model] = read_model_outputs(folder, model, allow_missing_images=allow_missing_images)
    return by_model


def train_data(
    benchmark: BenchmarkOpt,
    outputs: OutputsOpt,
    verdicts: Annotated[
        list[Path],
        typer.Option(
            "--verdicts",
            metavar="FILE",
            help="Human verdicts in the Interleaved Arena results shape (`judge_modelAB_results.json`, or "
            "exported votes); repeatable.",
        ),
    ],
    out: Annotated[Path, typer.Option(help="Dataset folder to write (Parquet, card, `holdout.json`).")],
    split: Annotated[OpeningSplit, typer.Option(help="Benchmark split the verdicts are on.")] = DEFAULT_SPLIT,
    rag_outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--rag-outputs",
            metavar="MODEL=FOLDER",
            help="Outputs of `MODEL` generated with the gold answer in the prompt (an output-shaped folder); "
            "each is preferred over the model's plain output. Repeatable.",
        ),
    ] = None,
    gold_rag: Annotated[
        bool,
        typer.Option(
            "--gold-rag/--no-gold-rag",
            help="Add pairs preferring the gold answer over each seen model's output.",
        ),
    ] = True,
    test_fraction: Annotated[float, typer.Option(help="Share of human-judged instances held out.")] = 0.2,
    test_instance: Annotated[
        list[str] | None,
        typer.Option("--test-instance", metavar="UID", help="Hold out this instance (instead of drawing)."),
    ] = None,
    unseen_model: Annotated[
        list[str] | None,
        typer.Option("--unseen-model", metavar="NAME", help="Hold out this model (instead of drawing)."),
    ] = None,
    unseen_models: Annotated[int, typer.Option(min=0, help="How many models to draw as unseen.")] = 1,
    gold_model: Annotated[
        str, typer.Option(help="Model name in the verdicts that stands for the gold answer.")
    ] = DEFAULT_GOLD_MODEL,
    seed: Annotated[int, typer.Option(help="Seed of the hold-out draw and the RAG pairs' sides.")] = 0,
    allow_missing_images: Annotated[
        bool,
        typer.Option("--allow-missing-images", help="Store steps whose image file is missing as text-only."),
    ] = False,
    overwrite: OverwriteOpt = False,
    push_to_hub_repo: PushOpt = None,
    token: TokenOpt = None,
) -> None:
    """Build a judge-training dataset (judge pairs and DPO pairs) from human verdicts and RAG pairs."""
    try:
        instances = read_benchmark(benchmark, split.value, allow_missing_images=allow_missing_images)
        training_set = build_training_set(
            instances,
            _outputs(outputs, allow_missing_images),
            verdicts,
            rag_outputs=_rag_outputs(rag_outputs or [], allow_missing_images),
            gold_rag=gold_rag,
            test_fraction=test_fraction,
            n_unseen_models=unseen_models,
            test_instances=test_instance,
            unseen_models=unseen_model,
            gold_model=gold_model,
            seed=seed,
        )
        report = write_training_repo(training_set, out, overwrite=overwrite)
    except (FormatError, FileExistsError, OSError) as err:
        raise _fail(err) from err
    table = Table(title=f"Judge-training set in {out}")
    for column in ("split", "source", "pairs"):
        table.add_column(column, justify="right" if column == "pairs" else "left")
    for name, counter in training_set.sources.items():
        for source, count in sorted(counter.items()):
            table.add_row(name, source, str(count))
    table.add_row("dpo", "decisive pairs", str(report.dpo_size))
    console.print(table)
    unseen = ", ".join(training_set.holdout.unseen_models) or "none"
    console.print(
        f"Held out {len(training_set.holdout.test_instances)} instances; unseen models: {escape(unseen)}; "
        f"{training_set.dropped_unseen} verdicts on training instances with an unseen model left out.",
        highlight=False,
    )
    if push_to_hub_repo:
        upload_built(report.out_dir, push_to_hub_repo, token, console)


def _agreement_table(before: Agreement | None, after: Agreement) -> Table:
    table = Table(title="Held-out agreement with human verdicts")
    for column in ("group", "pairs", "FDT", "with tie", "without tie", "FDT before"):
        table.add_column(column, justify="left" if column == "group" else "right")
    for group, row in after.table.iterrows():
        prior = "–"
        if before is not None and group in before.table.index:
            prior = f"{before.table.loc[group, 'fdt']:.1%}"
        table.add_row(
            str(group),
            str(int(row["pairs"])),
            f"{row['fdt']:.1%}",
            f"{row['with_tie']:.1%}",
            f"{row['without_tie']:.1%}",
            prior,
        )
    return table


def train(
    data: Annotated[Path, typer.Option(help="Dataset folder written by `genjudge judge train-data`.")],
    out: Annotated[Path, typer.Option(help="Folder for the trained judge (and its checkpoints).")],
    base_model: Annotated[
        str, typer.Option(help="Qwen2-VL checkpoint to fine-tune: local folder or Hub id.")
    ] = DEFAULT_BASE_MODEL,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue from the newest checkpoint in `--out`.")
    ] = False,
    epochs: Annotated[float, typer.Option(min=0, help="Passes over the training pairs.")] = 1.0,
    max_steps: Annotated[int, typer.Option(help="Optimiser steps; overrides `--epochs` when above 0.")] = -1,
    learning_rate: Annotated[float, typer.Option(min=0, help="LoRA learning rate.")] = 1e-4,
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per device step.")] = 1,
    gradient_accumulation: Annotated[int, typer.Option(min=1, help="Device steps per optimiser step.")] = 8,
    lora_rank: Annotated[int, typer.Option(min=1, help="LoRA rank.")] = 16,
    lora_alpha: Annotated[int, typer.Option(min=1, help="LoRA alpha.")] = 32,
    save_steps: Annotated[int, typer.Option(min=1, help="Checkpoint every this many optimiser steps.")] = 100,
    logging_steps: Annotated[int, typer.Option(min=1, help="Log the loss every this many steps.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the adapter's initialisation and the data order.")] = 0,
    bf16: Annotated[bool, typer.Option("--bf16", help="Train in bfloat16 (GPU).")] = False,
    gradient_checkpointing: Annotated[
        bool, typer.Option("--gradient-checkpointing", help="Trade compute for memory.")
    ] = False,
    include_reference: Annotated[
        bool, typer.Option("--include-reference", help="Show the gold answer to the judge (train and judge).")
    ] = False,
    builtin_system_prompt: Annotated[
        str,
        typer.Option(
            help="Built-in system message to train with (and judge with): 'intjudge', the official "
            "sentence IntJudge was fine-tuned with, or 'genjudge', genjudge's longer criteria prompt."
        ),
    ] = "intjudge",
    system_prompt: Annotated[
        Path | None, typer.Option(help="Text file with the system prompt to train with (and judge with).")
    ] = None,
    max_pixels: Annotated[int | None, typer.Option(min=1, help="Cap on pixels per image.")] = None,
    merge: Annotated[
        bool, typer.Option("--merge", help="Save merged weights instead of the LoRA adapter.")
    ] = False,
    measure_before: Annotated[
        bool,
        typer.Option("--measure-before/--no-measure-before", help="Also measure the base model's agreement."),
    ] = True,
    eval_batch_size: Annotated[int, typer.Option(min=1, help="Pairs per judge call when measuring.")] = 8,
    dataset_id: Annotated[
        str | None, typer.Option(help="Hub id of the dataset, for the model card (default: the folder name).")
    ] = None,
) -> None:
    """Fine-tune a Qwen2-VL judge with LoRA on a built set; measure held-out agreement; write a model card."""
    try:
        from genjudge.training.run import train_from_folder
        from genjudge.training.trainer import TrainOptions

        options = TrainOptions(
            epochs=epochs,
            max_steps=max_steps,
            learning_rate=learning_rate,
            batch_size=batch_size,
            gradient_accumulation=gradient_accumulation,
            lora_rank=lora_rank,
            lora_alpha=lora_alpha,
            save_steps=save_steps,
            logging_steps=logging_steps,
            seed=seed,
            bf16=bf16,
            gradient_checkpointing=gradient_checkpointing,
            include_reference=include_reference,
            system_prompt=builtin_system_prompt,
            system_prompt_path=str(system_prompt) if system_prompt else None,
            max_pixels=max_pixels,
            merge=merge,
        )
        report = train_from_folder(
            data,
            base_model,
            out,
            options,
            resume=resume,
            measure_before=measure_before,
            eval_batch_size=eval_batch_size,
            dataset_id=dataset_id,
        )
    # OSError covers a base checkpoint that cannot be loaded (IntJudge's JudgeModelNotFound).
    except (FormatError, FileExistsError, ValueError, ImportError, OSError) as err:
        raise _fail(err) from err
    console.print(_agreement_table(report.before, report.after))
    resumed = f" (resumed from {report.result.resumed_from})" if report.result.resumed_from else ""
    console.print(
        f"Trained {report.result.global_step} steps{resumed}. "
        f"Judge with: --judge intjudge --option model={out} ({report.card} lists any other option)",
        highlight=False,
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``train-data`` and ``train`` to the ``genjudge judge`` group."""
    app.command("train-data")(train_data)
    app.command("train")(train)
