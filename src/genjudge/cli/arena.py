"""``genjudge arena``: win rates, Bradley–Terry ratings and judge–human agreement for battles.

Reads verdict files in OpenING's Interleaved Arena format, calls :mod:`genjudge.scoring`, and
shows the result as a terminal table, CSV/JSON files and PNG plots.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from genjudge.benchmarks.opening.arena import ArenaFormatError, read_verdicts
from genjudge.benchmarks.opening.judges_board.human import UNSEEN_HELP, parse_unseen
from genjudge.charts.arena import rating_chart, win_rate_heatmap
from genjudge.cli.console import FormatOption, OutputFormat, Report, ResultColumn, ResultTable, make_console
from genjudge.scoring.agreement import Agreement, judge_agreement
from genjudge.scoring.battles import prepare_battles
from genjudge.scoring.bradley_terry import fit_bradley_terry
from genjudge.scoring.bt_core import PROVISIONAL_RULE
from genjudge.scoring.vocabulary import (
    AGREEMENT_NAMES,
    BATTLES,
    DEFAULT_SORT,
    RANK,
    RANK_RULE,
    RATING,
    SORT_NAMES,
    TIES,
    WIN_RATE_MEANINGS,
    WIN_RATE_NAMES,
    IntervalMethod,
    SortOrder,
    interval_name,
)
from genjudge.scoring.winrate import VARIANTS, win_rate_matrices, win_rates

app = typer.Typer(
    help="Arena scoring: win rates, Bradley–Terry ratings, judge–human agreement.", no_args_is_help=True
)
errors = make_console(stderr=True, soft_wrap=True)


PROVISIONAL = "provisional"


class OnDuplicate(str, Enum):
    """What to do with a pair that was judged twice."""

    error = "error"
    last = "last"


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=2)


def _ratings_table(
    rates: pd.DataFrame, ratings: pd.DataFrame, bootstrap: int, sort: SortOrder
) -> ResultTable:
    """One row per model, sorted by ``sort``; the caption says the order, how ranks are counted and
    which rows are provisional."""
    method = ratings.attrs.get("interval_method", IntervalMethod.bootstrap.value)
    has_interval = method == IntervalMethod.sandwich.value or bootstrap > 0
    columns = [
        ResultColumn(RANK, "count"),
        ResultColumn("model"),
        ResultColumn(RATING, "number", 0),
        ResultColumn(interval_name(method), "interval", 0),
        *(ResultColumn(WIN_RATE_NAMES[v], "percent") for v in VARIANTS),
        ResultColumn(TIES, "percent"),
        ResultColumn(BATTLES, "count"),
        ResultColumn(PROVISIONAL, "flag"),
    ]
    by_model = ratings.set_index("model")
    order = rates.index if sort is SortOrder.fdt else by_model.index
    rows = []
    for model in order:
        rate, row = rates.loc[model], by_model.loc[model]
        ties = rate["ties_lean_self"] + rate["ties_lean_other"] + rate["ties_plain"]
        rows.append(
            [
                int(row["rank"]),
                str(model),
                row["rating"],
                (row["lower"], row["upper"]) if has_interval else None,
                *(rate[variant] for variant in VARIANTS),
                ties / rate["battles"],
                int(rate["battles"]),
                bool(row["provisional"]),
            ]
        )
    meanings = "; ".join(f"{WIN_RATE_NAMES[v]}: {WIN_RATE_MEANINGS[v]}" for v in VARIANTS)
    caption = (
        f"sorted by {SORT_NAMES[sort]}"
        + (" (the official OpenING order)" if sort is SortOrder.fdt else "")
        + f". Rank, from the {interval_name(method)} of the BT rating: {RANK_RULE}. Win rates: {meanings}. "
        + f"{PROVISIONAL}: {PROVISIONAL_RULE}."
    )
    return ResultTable(
        "Models (win rates as OpenING defines them; BT = Bradley–Terry, Elo scale)", columns, rows, caption
    )


def _agreement_table(result: Agreement) -> ResultTable:
    columns = [
        ResultColumn("pairs"),
        *(ResultColumn(name, "percent") for name in AGREEMENT_NAMES.values()),
        ResultColumn("pairs without tie", "count"),
    ]
    rows = [
        [f"{row.Index} ({row.pairs})", row.fdt, row.with_tie, row.without_tie, row.pairs_without_tie]
        for row in result.table.itertuples()
    ]
    counts = result.counts
    caption = (
        f"matched {counts['matched']} pairs; only in judge file {counts['judge_only']}, "
        f"only in human file {counts['human_only']}; ties dropped for 'without tie' "
        f"{counts['tie_pairs_dropped']}; duplicates dropped judge {counts['judge_duplicates_dropped']}, "
        f"human {counts['human_duplicates_dropped']}"
    )
    return ResultTable("Judge–human agreement", columns, rows, caption)


def _read(path: Path, what: str) -> pd.DataFrame:
    try:
        return read_verdicts(path)
    except ArenaFormatError as error:
        raise _fail(f"cannot read the {what} file: {error}") from None


@app.command()
def report(
    verdicts: Annotated[
        Path, typer.Argument(help="verdicts JSON (Interleaved Arena format), e.g. a judge's results")
    ],
    human: Annotated[
        Path | None, typer.Option(help="human verdicts JSON: adds the judge–human agreement table")
    ] = None,
    unseen: Annotated[str, typer.Option(help=UNSEEN_HELP + " (needs --human)")] = "auto",
    plots: Annotated[Path | None, typer.Option(help="folder for PNG plots (heatmap, ratings)")] = None,
    out: Annotated[Path | None, typer.Option(help="folder for CSV and JSON results")] = None,
    sort: Annotated[
        SortOrder, typer.Option(help="sort the models by FDT win rate (official order) or by BT rating")
    ] = DEFAULT_SORT,
    interval: Annotated[
        IntervalMethod, typer.Option(help="how the 95% interval of the BT rating is computed")
    ] = IntervalMethod.bootstrap,
    bootstrap: Annotated[int, typer.Option(min=0, help="bootstrap rounds for the rating intervals")] = 1000,
    seed: Annotated[int, typer.Option(help="seed for the bootstrap")] = 0,
    anchor: Annotated[str | None, typer.Option(help="model pinned to --anchor-rating")] = None,
    anchor_rating: Annotated[float, typer.Option(help="rating of the --anchor model")] = 1000.0,
    on_duplicate: Annotated[
        OnDuplicate,
        typer.Option(help="a pair judged twice: refuse it ('error') or keep the last (the official script)"),
    ] = OnDuplicate.error,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Score the battles in VERDICTS; with --human, also the judge's agreement with humans."""
    unseen_models = list(parse_unseen(unseen)) or None
    if unseen.strip().lower() != "auto" and human is None:
        raise _fail("--unseen only applies to agreement: give --human too")
    battles = _read(verdicts, "verdicts")
    human_battles = _read(human, "human verdicts") if human is not None else None
    try:
        prepared = prepare_battles(battles, name=str(verdicts))
        rates = win_rates(prepared)
        matrices = win_rate_matrices(prepared)
        ratings = fit_bradley_terry(
            prepared,
            bootstrap_rounds=bootstrap,
            seed=seed,
            anchor=anchor,
            anchor_rating=anchor_rating,
            interval=interval,
            progress=interval is IntervalMethod.bootstrap and bootstrap > 0,
        )
        agreement = (
            judge_agreement(
                prepared,
                prepare_battles(human_battles, name=str(human)),
                unseen_models=unseen_models,
                on_duplicate=on_duplicate.value,
            )
            if human_battles is not None
            else None
        )
    except ValueError as error:
        raise _fail(str(error)) from None

    shown = Report(output_format)
    shown.table(_ratings_table(rates, ratings, bootstrap, sort))
    if ratings.attrs.get("unbounded_models"):
        errors.print(
            f"[yellow]warning:[/] {ratings.attrs['unbounded_models']} never won or never lost: "
            "their Bradley–Terry ratings are not finite estimates, only their direction is meaningful"
        )
    if agreement is not None:
        shown.table(_agreement_table(agreement))
        if agreement.absent_unseen_models:
            errors.print(
                f"[yellow]warning:[/] --unseen model(s) {list(agreement.absent_unseen_models)} "
                + (
                    "of the official calculate_agreement.py list appear in no matched pair (kept as the "
                    "official script spells them; its 'GPT-4+DALL-E3' is 'GPT-4o+DALL-E3' in the release)"
                    if unseen.strip().lower() == "auto"
                    else "appear in no matched pair (typo?)"
                )
            )
    if out is not None:
        _write_results(
            out,
            rates,
            ratings,
            matrices,
            agreement,
            settings={"bootstrap": bootstrap, "seed": seed, "interval": interval.value, "sort": sort.value},
        )
        shown.line(f"results written to {out}")
    if plots is not None:
        plots.mkdir(parents=True, exist_ok=True)
        win_rate_heatmap(matrices["fdt"], variant="fdt").savefig(plots / "win_rate_heatmap.png", dpi=120)
        rating_chart(ratings).savefig(plots / "ratings.png", dpi=120)
        shown.line(f"plots written to {plots}")
    shown.close()


def _write_results(out, rates, ratings, matrices, agreement, settings) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rates.to_csv(out / "win_rates.csv")
    ratings.to_csv(out / "ratings.csv", index=False)
    for variant, matrix in matrices.items():
        matrix.to_csv(out / f"win_rate_matrix_{variant}.csv")
    payload = {
        "settings": settings,
        "win_rates": json.loads(rates.reset_index().to_json(orient="records")),
        "ratings": json.loads(ratings.to_json(orient="records")),
    }
    if agreement is not None:
        agreement.table.to_csv(out / "agreement.csv")
        payload["agreement"] = agreement.to_dict()
    (out / "report.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
