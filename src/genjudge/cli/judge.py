"""``genjudge judge``: run a pairwise judge over OpenING model outputs and write official verdicts;
``judge score``: the official 7-criterion scores of each output, summarised per model."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.markup import escape
from rich.table import Table

from genjudge.benchmarks.opening import read_benchmark, read_model_outputs
from genjudge.benchmarks.opening.pair_jobs import (
    Battle,
    BattleError,
    battles_from_rows,
    build_items,
    common_instances,
    model_ids,
    read_pairs_file,
    sort_battles,
    verdict_records,
)
from genjudge.cli import judge_train
from genjudge.cli.console import make_console
from genjudge.cli.interrupt import INTERRUPTED_EXIT_CODE, interrupted_message, stored_verdicts
from genjudge.cli.opening_options import DEFAULT_SPLIT, BenchmarkOpt, OpeningSplit, OutputsOpt
from genjudge.core.records import Instance, ModelOutput
from genjudge.judges.endpoint_pool import EndpointStats
from genjudge.judges.interleaved import win_rate_table
from genjudge.judges.jobs import IncompleteRun
from genjudge.judges.protocol import JudgeError
from genjudge.judges.registry import JUDGES, JudgeName, check_options, judge_names, judge_options
from genjudge.judges.runner import JudgeRun
from genjudge.judges.running import Backend, JudgeSpec, RayPool, ready_judge
from genjudge.safe_io.durable import atomic_write_json
from genjudge.safe_io.located_error import FormatError
from genjudge.scoring.pairs import sample_pairs

app = typer.Typer(help="Judge pairs of model outputs with a pairwise judge.", no_args_is_help=True)
judge_train.register(app)
console = make_console(stderr=True)

DEFAULT_JUDGE = JudgeName("reference")


class OutsideBattles(str, enum.Enum):
    """What ``judge pairs`` does with battles of a ``--pairs`` file that the loaded data cannot judge.

    ``fail`` is the default: a pairs file says which battles to judge, and judging only part of
    it gives win rates that no longer line up with other verdicts on the same file (human,
    GPT-4o, IntJudge). A mismatch is more often a wrong ``--split`` or a forgotten ``--outputs``
    than intent, so the user opts in to ``skip`` after seeing the counts.
    """

    fail = "fail"
    skip = "skip"


BackendOpt = Annotated[
    Backend,
    typer.Option(help="`local`: judge in this process; `ray`: actors on a Ray cluster (`genjudge[ray]`)."),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="Ray cluster to join (default: RAY_ADDRESS, a `ray start` cluster, or a new one).",
    ),
]
ActorsOpt = Annotated[int, typer.Option(min=1, help="With --backend ray: judge actors (model copies).")]
GpusPerActorOpt = Annotated[
    float | None,
    typer.Option(min=0, help="With --backend ray: GPUs per actor (default: 1 if the cluster has GPUs)."),
]


def _judge_help() -> str:
    return "Judge backend: " + "; ".join(f"`{name}`: {JUDGES[name].description}" for name in judge_names())


OPTION_HELP = (
    "Judge option `key=value`, repeatable; values that parse as JSON are decoded "
    "(e.g. `model=/models/IntJudge`, `include_reference=true`). The keys of each judge are listed below."
)


def _option_epilog() -> str:
    sections = []
    for name in judge_names():
        keys = "\n".join(f"- `{key}`: {text}" for key, text in judge_options(name).items())
        sections.append(f"**`--option` keys of `--judge {name}`:**\n\n{keys}")
    return "\n\n".join(sections)


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


@app.command(epilog=_option_epilog())
def pairs(
    benchmark: BenchmarkOpt,
    outputs: OutputsOpt,
    judge: Annotated[JudgeName, typer.Option(help=_judge_help())] = DEFAULT_JUDGE,
    option: Annotated[
        list[str] | None, typer.Option("--option", metavar="KEY=VALUE", help=OPTION_HELP)
    ] = None,
    endpoint: Annotated[
        list[str] | None,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="`--judge api` only: an OpenAI-compatible API root serving the judge, e.g. "
            "`http://gpu1:8000/v1`; repeat to spread the requests over several servers "
            "(same as `--option base_urls=[...]`).",
        ),
    ] = None,
    split: Annotated[OpeningSplit, typer.Option(help="Benchmark split to judge.")] = DEFAULT_SPLIT,
    pairs_file: Annotated[
        Path | None,
        typer.Option(
            "--pairs", help="Official pairs file (`data_instance_modelAB.json`) instead of sampling."
        ),
    ] = None,
    outside: Annotated[
        OutsideBattles,
        typer.Option(
            help="Battles of `--pairs` that the loaded data cannot judge (instance not in `--split`, model "
            "without `--outputs`, or no output for that instance): `fail` stops with their count, `skip` "
            "judges the others and prints the count."
        ),
    ] = OutsideBattles.fail,
    seed: Annotated[int, typer.Option(help="Seed for pair sampling.")] = 0,
    cache: Annotated[Path | None, typer.Option(help="SQLite verdict cache to reuse and extend.")] = None,
    swap: Annotated[
        bool, typer.Option("--swap", help="Also judge B|A and combine (cancels position bias).")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per judge call.")] = 8,
    max_image_side: Annotated[
        int | None, typer.Option(min=1, help="Downscale images larger than this many pixels per side.")
    ] = None,
    allow_missing_images: Annotated[
        bool,
        typer.Option(
            "--allow-missing-images",
            help="Judge steps whose image file is missing as text-only instead of stopping.",
        ),
    ] = False,
    out: Annotated[Path, typer.Option(help="Verdict JSON (official format) to write.")] = Path(
        "verdicts.json"
    ),
    backend: BackendOpt = Backend.local,
    ray_address: RayAddressOpt = None,
    actors: ActorsOpt = 1,
    gpus_per_actor: GpusPerActorOpt = None,
) -> None:
    """Judge model pairs on an OpenING split and write verdicts as the official JSON list."""
    try:
        judge_settings = parse_options(option or [])
        if endpoint:
            judge_settings.update(_endpoint_options(judge.value, judge_settings, endpoint))
        check_options(judge.value, judge_settings)
        instances = read_benchmark(benchmark, split.value, allow_missing_images=allow_missing_images)
        by_model = _read_outputs(outputs, allow_missing_images)
        if pairs_file:
            battles = _battles_from_file(pairs_file, instances, by_model, outside, split.value)
        else:
            battles = _sample(instances, by_model, seed)
        items = build_items(instances, by_model, battles)
        pool = RayPool(ray_address, actors, gpus_per_actor)
        ready = ready_judge(JudgeSpec(judge.value, judge_settings), backend, pool)
        stored_before = stored_verdicts(cache)
    # OSError: unreadable files, and judge checkpoints that cannot be loaded (IntJudge's error).
    except (FormatError, BattleError, ValueError, ImportError, OSError) as err:
        console.print(f"[red]error:[/red] {escape(str(err))}", soft_wrap=True, highlight=False)
        raise typer.Exit(code=2) from err

    try:
        run = cast(
            JudgeRun,
            ready.run(items, cache=cache, batch_size=batch_size, max_image_side=max_image_side, swap=swap),
        )
    except (IncompleteRun, JudgeError) as err:
        console.print(f"[red]error:[/red] {err} No verdict file was written.", soft_wrap=True)
        raise typer.Exit(code=1) from err
    except KeyboardInterrupt:
        message = interrupted_message(cache, stored_before)
        console.print(message, soft_wrap=True, highlight=False, markup=False)
        raise typer.Exit(code=INTERRUPTED_EXIT_CODE) from None
    finally:
        stats = ready.endpoint_stats()
        if stats:
            console.print(endpoint_table(stats))
    atomic_write_json(out, verdict_records(battles, run.winners), indent=4)
    _summarise(run.judge_id, battles, run.winners, run.n_judged, run.n_cached, run.consistency_rate, out)


@app.command(
    epilog="**`--option` keys (those of `--judge api`):**\n\n"
    + "\n".join(f"- `{key}`: {text}" for key, text in judge_options("api").items())
)
def score(
    benchmark: BenchmarkOpt,
    outputs: OutputsOpt,
    option: Annotated[
        list[str] | None, typer.Option("--option", metavar="KEY=VALUE", help=OPTION_HELP)
    ] = None,
    endpoint: Annotated[
        list[str] | None,
        typer.Option("--endpoint", metavar="URL", help="An OpenAI-compatible API root; repeat for several."),
    ] = None,
    split: Annotated[OpeningSplit, typer.Option(help="Benchmark split to score.")] = DEFAULT_SPLIT,
    cache: Annotated[
        Path | None, typer.Option(help="SQLite cache to reuse and extend (resumes a run).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Outputs per committed batch.")] = 16,
    allow_missing_images: Annotated[
        bool, typer.Option("--allow-missing-images", help="Score steps whose image is missing as text-only.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Scores JSON (official gpt-score_results format).")] = Path(
        "scores.json"
    ),
    summary: Annotated[Path | None, typer.Option(help="Per-model summary CSV to write.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Per-model summary table PNG to write.")] = None,
) -> None:
    """Score every output on an OpenING split on the 7 criteria of GPT_score_A.py (API judge) and
    summarise them per model as summarize_GPT_scores.py does."""
    from genjudge.judges.output_scores import score_interleaved, score_plan, score_records
    from genjudge.judges.score_summary import summarize_scores, summary_figure

    try:
        settings = parse_options(option or [])
        if endpoint:
            settings.update(_endpoint_options("api", settings, endpoint))
        check_options("api", settings)
        instances = read_benchmark(benchmark, split.value, allow_missing_images=allow_missing_images)
        plan, entries = score_plan(instances, _read_outputs(outputs, allow_missing_images))
        if not entries:
            raise BattleError(f"no output answers an instance of the {split.value} split")
        scorer = JudgeSpec("api", settings).build()
    except (FormatError, BattleError, ValueError, ImportError, OSError) as err:
        console.print(f"[red]error:[/red] {escape(str(err))}", soft_wrap=True, highlight=False)
        raise typer.Exit(code=2) from err
    try:
        run = score_interleaved(scorer, entries, cache=cache, batch_size=batch_size)
    except (IncompleteRun, JudgeError) as err:
        console.print(f"[red]error:[/red] {escape(str(err))} No score file was written.", soft_wrap=True)
        raise typer.Exit(code=1) from err
    finally:
        console.print(endpoint_table(scorer.endpoint_stats()))
    atomic_write_json(out, score_records(plan, run), indent=4)
    table = summarize_scores((output.model, item.scores) for output, item in zip(plan, run, strict=True))
    if summary is not None:
        table.to_csv(summary, index=False)
    if plot is not None:
        summary_figure(table).savefig(plot, dpi=150)
    console.print(_summary_table(table))
    console.print(f"{run.n_scored} outputs scored, {run.n_cached} reused from the cache. Wrote {out}")


def _summary_table(summary: Any) -> Table:
    table = Table(title="7-criterion scores per model (0-10), ranked by Overall")
    for column in summary.columns:
        table.add_column(str(column), justify="left" if column == "Model_Name" else "right")
    for row in summary.itertuples(index=False):
        table.add_row(*(f"{value:.2f}" if isinstance(value, float) else escape(str(value)) for value in row))
    return table


def _endpoint_options(judge: str, settings: dict[str, Any], endpoints: list[str]) -> dict[str, Any]:
    """The judge options that ``--endpoint`` stands for; refused where they would clash or not apply."""
    if judge != "api":
        raise typer.BadParameter(
            f"only --judge api takes endpoints, not --judge {judge}", param_hint="--endpoint"
        )
    given = sorted({"base_url", "base_urls"} & set(settings))
    if given:
        raise typer.BadParameter(
            f"give the endpoints either as --endpoint or as --option {given[0]}=..., not both",
            param_hint="--endpoint",
        )
    return {"base_urls": list(endpoints)}


def endpoint_table(stats: list[EndpointStats]) -> Table:
    """Per-endpoint counts of an API judge run: who served how much, and who failed."""
    table = Table(title="API endpoints")
    table.add_column("endpoint")
    for column in ("served", "failures", "taken out"):
        table.add_column(column, justify="right")
    table.add_column("last error")
    for row in stats:
        state = "" if row.live else " (out)"
        table.add_row(
            escape(row.url) + state,
            str(row.served),
            str(row.failures),
            str(row.taken_out),
            escape(row.last_error or ""),
        )
    return table


def _read_outputs(folders: list[Path], allow_missing_images: bool) -> dict[str, list[ModelOutput]]:
    by_model: dict[str, list[ModelOutput]] = {}
    for folder in folders:
        model_outputs = read_model_outputs(folder, allow_missing_images=allow_missing_images)
        model = model_outputs[0].model
        if model in by_model:
            raise BattleError(f"{folder}: outputs of model {model!r} were already given by another --outputs")
        by_model[model] = model_outputs
    return by_model


def _battles_from_file(
    path: Path,
    instances: list[Instance],
    by_model: dict[str, list[ModelOutput]],
    outside: OutsideBattles,
    split: str,
) -> list[Battle]:
    coverage = sort_battles(instances, by_model, read_pairs_file(path))
    if not coverage.unjudgeable:
        return coverage.judgeable
    problem = f"{path}: {coverage.describe(split)}."
    if not coverage.judgeable:
        raise BattleError(f"{problem} None is left to judge.")
    if outside is OutsideBattles.fail:
        raise BattleError(
            f"{problem} Pass --outside skip to judge the other {len(coverage.judgeable)}, "
            "or load what they need (--split, --outputs)."
        )
    console.print(
        f"note: skipping {coverage.unjudgeable} battles; {problem}",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )
    return coverage.judgeable


def _sample(instances: list[Instance], by_model: dict[str, list[ModelOutput]], seed: int) -> list[Battle]:
    uids = common_instances(instances, by_model)
    skipped = len(instances) - len(uids)
    if skipped:
        console.print(
            f"[yellow]note:[/yellow] {skipped} of {len(instances)} instances lack an output from some model; "
            "not paired"
        )
    # OpenING judges two battles per instance; with two models only one distinct pair exists.
    n_models = len(by_model)
    frame = sample_pairs(uids, list(by_model), seed=seed, per_instance=min(2, n_models * (n_models - 1) // 2))
    return battles_from_rows(
        frame[["uid", "model_a", "model_b"]].itertuples(index=False), model_ids(list(by_model))
    )


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
