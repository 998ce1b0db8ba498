"""``genjudge generate`` and ``genjudge run``: a model in, a benchmark's outputs (and a board row) out.

Both only parse arguments and call :mod:`genjudge.leaderboard.model_run`; which benchmarks can
generate, with which generator kinds, comes from the benchmarks' plug-ins.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from genjudge.cli.console import make_console
from genjudge.generation.options import parse_option_pairs
from genjudge.generation.protocol import GenerationError
from genjudge.generation.ray_pool import RaySettings
from genjudge.generation.request import GenerationRequest

console = make_console(stderr=True)
out = make_console()


def _benchmarks_help() -> str:
    from genjudge.leaderboard.model_run import generating_benchmarks

    return "The benchmark: " + "; ".join(
        f"{benchmark.name} ({benchmark.generation.summary}; kinds: {', '.join(benchmark.generation.kinds)})"
        for benchmark in generating_benchmarks()
        if benchmark.generation is not None
    )


BenchmarkArg = Annotated[str, typer.Argument(help=_benchmarks_help())]
ModelOpt = Annotated[
    str,
    typer.Option(
        "--model", help="Hub id or local folder of the model (for an endpoint kind: the served model name)."
    ),
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind", help="Generator kind (default: the benchmark's first): diffusers, images-endpoint…"
    ),
]
NameOpt = Annotated[
    str | None,
    typer.Option("--name", help="Model name for the outputs and the board (default: from --model)."),
]
OptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--option",
        "-o",
        help="A generator or benchmark setting NAME=VALUE (repeatable), e.g. steps=30, device=cuda, "
        "endpoint=http://host:8000/v1, bench=path/to/release.",
    ),
]
BatchOpt = Annotated[int, typer.Option("--batch-size", min=1, help="Items per model call.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Base seed; each item's seed is derived from it.")]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", min=1, help="Generate only the first N items (a quick look).")
]
RayActorsOpt = Annotated[
    int,
    typer.Option(
        "--ray-actors",
        min=0,
        help="Spread the model over this many Ray actors, one copy each (0: in this process).",
    ),
]
GpusPerActorOpt = Annotated[float, typer.Option("--gpus-per-actor", min=0, help="GPUs each Ray actor holds.")]
RayAddressOpt = Annotated[
    str | None, typer.Option("--ray-address", help="Ray cluster to join (default: RAY_ADDRESS, else local).")
]
StartOverOpt = Annotated[
    bool, typer.Option("--start-over", help="Discard outputs of an earlier, different run in the folder.")
]


def _request(
    benchmark: str,
    model: str,
    kind: str | None,
    name: str | None,
    options: list[str] | None,
    out_dir: Path,
    batch_size: int,
    seed: int,
    limit: int | None,
    start_over: bool,
    ray: RaySettings | None = None,
) -> GenerationRequest:
    from genjudge.leaderboard.model_run import generation_section

    section = generation_section(benchmark)
    model_name = name or Path(model.rstrip("/")).name
    return GenerationRequest(
        model=model,
        kind=kind or section.kinds[0],
        out_dir=out_dir,
        model_name=model_name,
        options=parse_option_pairs(options or []),
        batch_size=batch_size,
        seed=seed,
        limit=limit,
        start_over=start_over,
        ray=ray,
    )


def _fail(exc: Exception, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]Error[/]: {exc}", highlight=False)
    return typer.Exit(code)


def generate(
    benchmark: BenchmarkArg,
    model: ModelOpt,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the outputs.")],
    kind: KindOpt = None,
    name: NameOpt = None,
    option: OptionOpt = None,
    batch_size: BatchOpt = 1,
    seed: SeedOpt = 0,
    limit: LimitOpt = None,
    start_over: StartOverOpt = False,
    ray_actors: RayActorsOpt = 0,
    gpus_per_actor: GpusPerActorOpt = 0.0,
    ray_address: RayAddressOpt = None,
) -> None:
    """Generate a benchmark's outputs with a model, in the layout its board and scorers read.

    Resumable: run it again after a stop and only the missing items are made. A run manifest
    (model, revision, settings, seeds) is written beside the outputs; items the model failed to
    make are recorded there too and counted."""
    from genjudge.leaderboard.model_run import generate as run_generation

    try:
        ray = RaySettings(ray_actors, gpus_per_actor, ray_address) if ray_actors else None
        request = _request(
            benchmark, model, kind, name, option, out_dir, batch_size, seed, limit, start_over, ray
        )
        outputs = run_generation(benchmark, request)
    except GenerationError as exc:
        raise _fail(exc) from None
    out.print(f"{outputs.submission}: {outputs.report.summary()}", highlight=False)
    if not outputs.report.complete:
        raise typer.Exit(1)


def run(
    benchmark: BenchmarkArg,
    model: ModelOpt,
    kind: KindOpt = None,
    name: NameOpt = None,
    option: OptionOpt = None,
    board_option: Annotated[
        list[str] | None,
        typer.Option("--board-option", help="A board option NAME=VALUE (repeatable; `leaderboard options`)."),
    ] = None,
    store: Annotated[Path, typer.Option("--store", help="Leaderboard folder (created if missing).")] = Path(
        "leaderboard-data"
    ),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the outputs (default: `<store>/generated/<benchmark>`)."),
    ] = None,
    link: Annotated[str, typer.Option(help="Link to the model (default: its Hub page for a Hub id).")] = "",
    batch_size: BatchOpt = 1,
    seed: SeedOpt = 0,
    start_over: StartOverOpt = False,
    ray_actors: RayActorsOpt = 0,
    gpus_per_actor: GpusPerActorOpt = 0.0,
    ray_address: RayAddressOpt = None,
    push_eval_results: Annotated[
        bool,
        typer.Option(
            "--push-eval-results",
            help="Write `.eval_results/<benchmark>.yaml` and open a pull request adding it to the model's "
            "Hub repo (offline: write it and say what would be pushed).",
        ),
    ] = False,
    eval_dataset: Annotated[
        str | None,
        typer.Option(
            "--eval-dataset", help="Hub dataset id the eval results refer to (the benchmark's repo)."
        ),
    ] = None,
) -> None:
    """Generate a benchmark's outputs with a model, submit them to its board, evaluate, print the row."""
    from genjudge.leaderboard.config import LeaderboardConfig
    from genjudge.leaderboard.model_run import agree_on_shared_options, generation_section, run_model
    from genjudge.safe_io.uploads import SubmissionError

    try:
        section = generation_section(benchmark)
        request = _request(
            benchmark,
            model,
            kind,
            name,
            option,
            out_dir or store / "generated" / benchmark,
            batch_size,
            seed,
            None,
            start_over,
            RaySettings(ray_actors, gpus_per_actor, ray_address) if ray_actors else None,
        )
        generation_options, board_options = agree_on_shared_options(
            section, request.options, parse_option_pairs(board_option or [])
        )
        request = replace(request, options=generation_options)
    except GenerationError as exc:
        raise _fail(exc) from None
    if push_eval_results and not eval_dataset:
        raise _fail(
            ValueError("--push-eval-results needs --eval-dataset: the Hub dataset the results refer to")
        )
    config = LeaderboardConfig(
        store_dir=store, benchmarks=(section.board,), options={section.board: board_options}
    )
    try:
        boards = config.open_boards()
    except ValueError as exc:
        raise _fail(exc) from None
    board = boards[next(iter(boards))]
    is_hub_id = not Path(model).exists() and "/" in model
    try:
        result = run_model(
            benchmark,
            request,
            config.open_store(list(boards.values())),
            board,
            link=link or (f"https://huggingface.co/{model}" if is_hub_id else ""),
        )
    except GenerationError as exc:
        raise _fail(exc) from None
    except SubmissionError as exc:
        raise _fail(f"the board refused the generated outputs: {exc}", 1) from None
    out.print(f"{result.outputs.submission}: {result.outputs.report.summary()}", highlight=False)
    status = result.request.get("status")
    if result.row is None:
        raise _fail(
            RuntimeError(
                f"{request.model_name} on {section.board}: {status} ({result.request.get('reason')})"
            ),
            1,
        )
    import pandas as pd

    from genjudge.cli.leaderboard import print_board

    print_board(pd.DataFrame([result.row]), f"{request.model_name} on {section.board}", board.spec)
    if push_eval_results and eval_dataset:
        _eval_results(benchmark, section, result, store, model, eval_dataset, is_hub_id)


def _eval_results(
    benchmark, section, result, store: Path, model: str, dataset_id: str, is_hub_id: bool
) -> None:
    """Write the model's ``.eval_results`` file under ``<store>/eval_results/`` and, for a Hub model
    online, open the pull request that adds it to the model's repository."""
    from huggingface_hub.constants import HF_HUB_OFFLINE

    from genjudge.hub.errors import HubError
    from genjudge.hub.eval_results import eval_result_entries, open_eval_results_pr, write_eval_results
    from genjudge.leaderboard.store import LeaderboardStore

    stored = result.request
    record = LeaderboardStore(store, create=False).result(stored["submission_id"]) or {}
    results = (record.get("results") or {}).get(stored["board"], {})
    entries = eval_result_entries(
        dataset_id, section.eval_tasks, results, source_url=stored.get("model_link") or str(store)
    )
    path = write_eval_results(store / "eval_results" / model.replace("/", "--"), benchmark, entries)
    out.print(f"Wrote {path} ({len(entries)} results)", highlight=False)
    if not is_hub_id:
        out.print(f"{model} is not a Hub model id: add {path.name} to its repo's .eval_results/ yourself.")
        return
    if HF_HUB_OFFLINE:
        out.print(
            f"Offline (HF_HUB_OFFLINE): would open a pull request on {model} adding .eval_results/{path.name}"
        )
        return
    try:
        url = open_eval_results_pr(model, path, token=os.environ.get("HF_TOKEN"))
    except HubError as exc:
        raise _fail(exc, 3) from None
    out.print(f"Opened {url}")
