"""``genjudge leaderboard``: serve the Space, submit outputs, follow the queue, print the board."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="The leaderboard: a local folder (default) or a Hub dataset repo.", no_args_is_help=True
)

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Leaderboard folder (env GENJUDGE_LEADERBOARD_DIR; default ./leaderboard-data)."
    ),
]
RepoOpt = Annotated[
    str | None,
    typer.Option("--repo", help="Hub dataset repo to mirror the folder to (token from env HF_TOKEN)."),
]
JudgeOpt = Annotated[
    str | None, typer.Option("--judge", help="Judge name (env GENJUDGE_JUDGE; default reference).")
]
OpeningOpt = Annotated[
    Path | None, typer.Option("--opening-dir", help="OpenING release folder (default: the embedded sample).")
]
SplitOpt = Annotated[str | None, typer.Option("--split", help="Benchmark split (default: test).")]


def _config(store: Path | None, repo: str | None, judge: str | None, opening: Path | None, split: str | None):
    from genjudge.leaderboard.service import LeaderboardConfig

    base = LeaderboardConfig.from_env()
    return LeaderboardConfig(
        store_dir=store or base.store_dir,
        repo_id=repo or base.repo_id,
        judge=judge or base.judge,
        opening_dir=opening or base.opening_dir,
        opening_split=split or base.opening_split,
        allow_missing_images=base.allow_missing_images,
    )


TERMINAL_HEADERS = {
    "Rank": "#",
    "Model": "Model",
    "BT rating": "Rating",
    "95% CI": "95% CI",
    "Win rate FDT (%)": "FDT %",
    "Win rate with tie (%)": "Tie %",
    "Win rate without tie (%)": "No-tie %",
    "Battles": "Battles",
    "Submitted": "Submitted",
    "Link": "Link",
}


def print_board(table, title: str) -> None:
    """Render a board table (as built by ``BoardView.table``) in the terminal, compact headers,
    without the link column when no model has a link."""
    from rich.table import Table

    from genjudge.cli.console import make_console

    columns = [c for c in table.columns if c != "Link" or table[c].astype(bool).any()]
    out = Table(title=title)
    for column in columns:
        out.add_column(
            TERMINAL_HEADERS.get(column, str(column)),
            justify="left" if column in ("Model", "Link", "95% CI", "Submitted") else "right",
            overflow="fold",
        )
    for row in table[columns].itertuples(index=False):
        out.add_row(*("" if str(v) == "nan" else str(v) for v in row))
    make_console().print(out)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 7860,
    store: StoreOpt = None,
    repo: RepoOpt = None,
    judge: JudgeOpt = None,
    opening_dir: OpeningOpt = None,
    split: SplitOpt = None,
) -> None:
    """Serve the leaderboard Space (with its background worker) on HOST:PORT."""
    from genjudge.leaderboard.service import LeaderboardService
    from genjudge.leaderboard.ui import launch

    service = LeaderboardService.from_config(_config(store, repo, judge, opening_dir, split))
    typer.echo(f"Serving the leaderboard from {service.store.root} on http://{host}:{port}/")
    launch(service, host=host, port=port)


@app.command()
def submit(
    source: Annotated[
        Path, typer.Argument(help="Zip (or folder) in the OpenING output layout.", exists=True)
    ],
    model: Annotated[str, typer.Option("--model", help="Model name shown on the board.")],
    link: Annotated[str, typer.Option(help="Link to the model.")] = "",
    description: Annotated[str, typer.Option(help="Short description.")] = "",
    run: Annotated[bool, typer.Option("--run/--queue-only", help="Judge the queue right away.")] = False,
    store: StoreOpt = None,
    repo: RepoOpt = None,
    judge: JudgeOpt = None,
    opening_dir: OpeningOpt = None,
    split: SplitOpt = None,
) -> None:
    """Validate a submission and queue it (``--run`` also processes the queue now)."""
    from genjudge.submissions import SubmissionError

    config = _config(store, repo, judge, opening_dir, split)
    st = config.open_store()
    instances = config.load_instances()
    try:
        result = st.submit(
            source,
            benchmark=config.benchmark_name,
            instances=instances,
            model_name=model,
            link=link,
            description=description,
        )
    except SubmissionError as exc:
        typer.echo(f"Refused: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(result.message)
    if run:
        _work(config, st, instances)


def _work(config, st, instances) -> None:
    from genjudge.leaderboard.worker import Worker

    worker = Worker(st, {config.benchmark_name: instances}, config.load_judge(), progress=True)
    for sid in worker.run_until_empty():
        request = st.request(sid)
        reason = f" ({request['reason']})" if request.get("reason") else ""
        typer.echo(f"{request['model']}: {request['status']}{reason}")


@app.command()
def work(
    store: StoreOpt = None,
    repo: RepoOpt = None,
    judge: JudgeOpt = None,
    opening_dir: OpeningOpt = None,
    split: SplitOpt = None,
) -> None:
    """Process every queued (or interrupted) submission, then exit."""
    config = _config(store, repo, judge, opening_dir, split)
    _work(config, config.open_store(), config.load_instances())


@app.command()
def status(
    submission: Annotated[str | None, typer.Argument(help="A submission id; all when omitted.")] = None,
    store: StoreOpt = None,
) -> None:
    """Show the queue: each submission's status, and the reason when it failed."""
    from genjudge.leaderboard.store import LeaderboardStore

    st = LeaderboardStore(store or Path(os.environ.get("GENJUDGE_LEADERBOARD_DIR", "leaderboard-data")))
    rows = st.requests() if submission is None else [r for r in [st.request(submission)] if r]
    if not rows:
        typer.echo("No submissions." if submission is None else f"No submission {submission}.")
        raise typer.Exit(0 if submission is None else 1)
    for r in rows:
        reason = f"  ({r['reason']})" if r.get("reason") else ""
        typer.echo(f"{r['submission_id']}  {r['status']:<8}  {r['model']}{reason}")


@app.command()
def show(
    benchmark: Annotated[str, typer.Option(help="Benchmark board to print.")] = "opening-test",
    search: Annotated[str, typer.Option(help="Only models whose name contains this.")] = "",
    store: StoreOpt = None,
) -> None:
    """Print the leaderboard table."""
    from genjudge.leaderboard.board import BoardView
    from genjudge.leaderboard.store import LeaderboardStore

    st = LeaderboardStore(store or Path(os.environ.get("GENJUDGE_LEADERBOARD_DIR", "leaderboard-data")))
    table = BoardView(st, benchmark).table(search)
    if table.empty:
        typer.echo(f"The {benchmark} board is empty.")
        return
    print_board(table, f"{benchmark} leaderboard")
