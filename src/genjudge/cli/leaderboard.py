"""``genjudge leaderboard``: serve the Space, submit, follow the queue, print a board — for any benchmark."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from genjudge.benchmarks import benchmark_names, load_spec, registered_benchmarks
from genjudge.cli.console import FormatOption, OutputFormat

app = typer.Typer(
    help="The leaderboard: a local folder (default) or a Hub dataset repo, one board per benchmark.",
    no_args_is_help=True,
)

BenchmarkName = Enum("BenchmarkName", {name.replace("-", "_"): name for name in benchmark_names()}, type=str)

DEFAULT_BENCHMARK = BenchmarkName("opening")
GeneratingName = Enum(
    "GeneratingName",
    {b.name.replace("-", "_"): b.name for b in registered_benchmarks() if b.generation is not None},
    type=str,
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
BenchmarksOpt = Annotated[
    list[BenchmarkName] | None,
    typer.Option(
        "--benchmark",
        "-b",
        metavar="<" + "|".join(benchmark_names()) + ">",
        help="Benchmark to serve, one board each; repeat for several "
        "(env GENJUDGE_BENCHMARKS; default: every benchmark).",
    ),
]
BoardOptionsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--option",
        "-o",
        metavar="[BENCHMARK.]KEY=VALUE",
        help="A board option, e.g. opening.split=dev or opening.judge=intjudge; the benchmark may be left "
        "out when only one is served. `genjudge leaderboard options` lists every key.",
    ),
]


def _parse_options(values: list[str], benchmarks: tuple[str, ...]) -> dict[str, dict[str, str]]:
    options: dict[str, dict[str, str]] = {}
    for value in values:
        key, sep, setting = value.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--option")
        benchmark, dot, name = key.rpartition(".")
        if not dot:
            if len(benchmarks) != 1:
                raise typer.BadParameter(
                    f"{value!r}: say which benchmark it is for (e.g. opening.{key}=...)",
                    param_hint="--option",
                )
            benchmark = benchmarks[0]
        if benchmark not in benchmarks:
            raise typer.BadParameter(
                f"{value!r}: {benchmark!r} is not served here ({', '.join(benchmarks)})",
                param_hint="--option",
            )
        known = [option.name for option in load_spec(benchmark).options]
        if name not in known:
            raise typer.BadParameter(
                f"{value!r}: {benchmark} has no option {name!r}; its options: {', '.join(known)}",
                param_hint="--option",
            )
        options.setdefault(benchmark, {})[name] = setting
    return options


def _config(
    store: Path | None,
    repo: str | None,
    benchmarks: list[BenchmarkName] | None = None,
    options: list[str] | None = None,
):
    from genjudge.leaderboard.config import LeaderboardConfig

    base = LeaderboardConfig.from_env(tuple(b.value for b in benchmarks) if benchmarks else None)
    names = base.benchmarks
    given = _parse_options(options or [], names)
    merged = {name: {**base.options.get(name, {}), **given.get(name, {})} for name in names}
    config = LeaderboardConfig(
        store_dir=store or base.store_dir, repo_id=repo or base.repo_id, benchmarks=names, options=merged
    )
    try:
        settled, notes = config.with_remembered_options()
    except ValueError as exc:
        typer.echo(f"Cannot open the leaderboard: {exc}", err=True)
        raise typer.Exit(2) from None
    for note in notes:
        typer.echo(note, err=True)
    return settled


def _open_store(config, boards):
    """The store of ``config`` serving ``boards``; a Hub repo that cannot be reached is a message."""
    from genjudge.hub.errors import HubError

    try:
        return config.open_store(list(boards.values()))
    except HubError as exc:
        typer.echo(f"Cannot open the leaderboard: {exc}", err=True)
        raise typer.Exit(3) from None


def _open_boards(config):
    from genjudge.judges.protocol import JudgeError

    try:
        return config.open_boards()
    except (ValueError, OSError, JudgeError) as exc:
        typer.echo(f"Cannot open the board: {exc}", err=True)
        raise typer.Exit(2) from None


def _read_store(store: Path | None):
    """The store for commands that only read it: a clear error instead of creating a folder."""
    from genjudge.leaderboard.store import LeaderboardStore, StoreNotFound

    root = store or Path(os.environ.get("GENJUDGE_LEADERBOARD_DIR", "leaderboard-data"))
    try:
        return LeaderboardStore(root, create=False)
    except StoreNotFound as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


def print_board(table, title: str, spec, note: str = "", output_format: str = "table") -> None:
    """Print a board table (as built by ``BoardView.table``) with the spec's short headers, without
    the link column when no model has a link; numbers with their column's decimals, never cut.

    A row is provisional when an interval of it is open (∞: a model that never lost or never won)
    or, on a board that counts battles, it rests on fewer than ``MIN_BATTLES`` of them.
    """
    import numpy as np

    from genjudge.benchmarks.plugin import ColumnKind
    from genjudge.cli.console import Report, ResultColumn, ResultTable
    from genjudge.scoring.bt_core import MIN_BATTLES, PROVISIONAL_RULE

    by_label = {c.label: c for c in spec.columns}
    short = {"Rank": "#", "Model": "Model", "Submitted": "Date", "Link": "Link"}
    short |= {c.label: c.short or c.label for c in spec.columns}
    kinds = {
        ColumnKind.RANK: "count",
        ColumnKind.COUNT: "count",
        ColumnKind.NUMBER: "number",
        ColumnKind.PERCENT: "number",
        ColumnKind.INTERVAL: "interval",
    }
    labels = [c for c in table.columns if c != "Link" or table[c].astype(bool).any()]
    columns = []
    for label in labels:
        column = by_label.get(label)
        kind = {"Rank": "count", "Submitted": "fixed"}.get(label) or (
            kinds.get(column.kind) if column else None
        )
        kind = kind or "text"
        columns.append(ResultColumn(short.get(label, str(label)), kind, column.digits if column else 0))
    provisional = np.zeros(len(table), dtype=bool)
    for column in spec.columns:
        if column.label not in table.columns:
            continue
        if column.kind is ColumnKind.INTERVAL:
            provisional |= table[column.label].astype(str).str.contains("∞", regex=False).to_numpy()
        elif column.key == "battles":
            provisional |= table[column.label].to_numpy() < MIN_BATTLES
    if provisional.any():
        columns.append(ResultColumn("provisional", "flag"))
        note = f"{note} Provisional: {PROVISIONAL_RULE}.".strip()
    rows = [
        [
            *(None if isinstance(v, float) and np.isnan(v) else v for v in row),
            *([flag] if provisional.any() else []),
        ]
        for row, flag in zip(table[labels].itertuples(index=False), provisional, strict=True)
    ]
    shown = Report(output_format)
    shown.table(ResultTable(title, columns, rows, note))
    shown.close()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 7860,
    store: StoreOpt = None,
    repo: RepoOpt = None,
    benchmark: BenchmarksOpt = None,
    option: BoardOptionsOpt = None,
) -> None:
    """Serve the leaderboard Space (with its background worker) on HOST:PORT."""
    from genjudge.leaderboard.service import LeaderboardService
    from genjudge.leaderboard.ui import launch

    config = _config(store, repo, benchmark, option)
    boards = _open_boards(config)
    service = LeaderboardService(_open_store(config, boards), boards)
    typer.echo(f"Serving {', '.join(boards)} from {service.store.root} on http://{host}:{port}/")
    launch(service, host=host, port=port)


@app.command()
def submit(
    source: Annotated[
        Path, typer.Argument(help="The submission file (or folder), in the benchmark's format.")
    ],
    model: Annotated[str, typer.Option("--model", help="Model name shown on the board.")],
    benchmark: Annotated[
        BenchmarkName, typer.Option("--benchmark", "-b", help="Benchmark whose board it is for.")
    ] = DEFAULT_BENCHMARK,
    link: Annotated[str, typer.Option(help="Link to the model.")] = "",
    description: Annotated[str, typer.Option(help="Short description.")] = "",
    run: Annotated[bool, typer.Option("--run/--queue-only", help="Evaluate the queue right away.")] = False,
    store: StoreOpt = None,
    repo: RepoOpt = None,
    option: BoardOptionsOpt = None,
) -> None:
    """Validate a submission and queue it (--run also processes the queue now)."""
    from genjudge.safe_io.uploads import SubmissionError, SubmissionLimits, check_model_name

    config = _config(store, repo, [benchmark], option)
    boards = _open_boards(config)
    board = next(iter(boards.values()))
    try:  # validate before the store (and the libraries it writes with) is even opened
        payload = board.read_submission(source, check_model_name(model), SubmissionLimits())
        st = _open_store(config, boards)
        result = st.submit(
            source, board, model_name=model, link=link, description=description, payload=payload
        )
    except SubmissionError as exc:
        config.remember_boards(list(boards.values()))
        typer.echo(f"Refused: {exc}", err=True)
        typer.echo(_checked_against(board, config.options.get(board.spec.name, {})), err=True)
        raise typer.Exit(1) from exc
    typer.echo(result.message)
    if run:
        _work(st, boards)


def _checked_against(board, options: dict[str, str]) -> str:
    """Which board (its release, split…) a submission was checked against, and the options that
    pick another: a refusal for names or ids is often a submission meant for another release."""
    import re

    settings = []
    for option in board.spec.options:
        if option.kind != "text":
            continue
        value = options.get(option.name, option.default)
        default = re.search(r"\(default: ([^)]*)\)", option.help)
        settings.append(f"{option.name}={value or (f'({default.group(1)})' if default else '(unset)')}")
    picks = [o.name for o in board.spec.options if o.kind == "text"][:2]
    changes = " ".join(f"-o {board.spec.name}.{name}=..." for name in picks)
    return (
        f"(checked against the {board.board_id} board: {', '.join(settings)}; to check against another "
        f"release pass {changes}, which the store then remembers; `genjudge leaderboard options` lists "
        "every option)"
    )


def _work(st, boards) -> None:
    from genjudge.hub.errors import HubError
    from genjudge.leaderboard.worker import Worker

    for sid in Worker(st, boards, progress=True).run_until_empty():
        request = st.request(sid)
        reason = f" ({request['reason']})" if request.get("reason") else ""
        typer.echo(f"{request['model']} on {request['board']}: {request['status']}{reason}")
    if st.hub is not None:
        try:
            st.hub.flush()  # the batched Hub commit, now rather than at exit
        except HubError as exc:
            typer.echo(f"The results are in {st.root}, but pushing them failed: {exc}", err=True)
            raise typer.Exit(3) from None


@app.command()
def work(
    store: StoreOpt = None,
    repo: RepoOpt = None,
    benchmark: BenchmarksOpt = None,
    option: BoardOptionsOpt = None,
) -> None:
    """Process every queued (or interrupted) submission of the served boards, then exit."""
    config = _config(store, repo, benchmark, option)
    boards = _open_boards(config)
    _work(_open_store(config, boards), boards)


@app.command("submit-model")
def submit_model(
    model: Annotated[str, typer.Argument(help="The model's Hub id (namespace/name).")],
    benchmark: Annotated[
        GeneratingName,
        typer.Option(
            "--benchmark",
            "-b",
            metavar="<" + "|".join(member.value for member in GeneratingName) + ">",
            help="The benchmark to run it on (one that generates its outputs from a model).",
        ),
    ],
    revision: Annotated[str, typer.Option(help="Branch, tag or commit (resolved to a commit online).")] = "",
    kind: Annotated[str, typer.Option(help="Generator kind (default: the benchmark's first).")] = "",
    name: Annotated[str, typer.Option("--name", help="Model name on the board (default: from the id).")] = "",
    generation_option: Annotated[
        list[str] | None,
        typer.Option("--generation-option", help="A generator setting NAME=VALUE (repeatable)."),
    ] = None,
    submitter: Annotated[str, typer.Option(help="Who submits (for the per-submitter limit).")] = "",
    store: StoreOpt = None,
    repo: RepoOpt = None,
    option: BoardOptionsOpt = None,
) -> None:
    """Queue a model by Hub id, as the Space's "a model on the Hub" form does; a worker
    (`genjudge leaderboard worker`, on a machine with GPUs) generates, judges and publishes it."""
    from genjudge.generation.options import parse_option_pairs
    from genjudge.generation.protocol import GenerationError
    from genjudge.leaderboard.model_requests import ModelRequestRefused, ModelRequests
    from genjudge.leaderboard.model_run import generation_section

    try:
        board_name = generation_section(benchmark.value).board
        settings = parse_option_pairs(generation_option or [])
    except GenerationError as exc:
        typer.echo(f"Refused: {exc}", err=True)
        raise typer.Exit(2) from None
    config = _config(store, repo, [BenchmarkName(board_name)], option)
    boards = _open_boards(config)
    st = _open_store(config, boards)
    try:
        record = ModelRequests(st).submit(
            benchmark=benchmark.value,
            board=next(iter(boards.values())),
            model=model,
            revision=revision,
            kind=kind,
            options=settings,
            model_name=name,
            submitter=submitter,
        )
    except ModelRequestRefused as exc:
        typer.echo(f"Refused: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Queued {record['model']}@{record['revision']} for {record['board']} as model request "
        f"{record['request_id']} (PENDING until a worker takes it)."
    )


@app.command()
def worker(
    store: StoreOpt = None,
    repo: RepoOpt = None,
    benchmark: BenchmarksOpt = None,
    option: BoardOptionsOpt = None,
    once: Annotated[bool, typer.Option("--once", help="Process what is waiting, then exit.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between looks at an empty queue.")] = 30.0,
) -> None:
    """The GPU worker: take each model request (generate the outputs, submit them), then evaluate
    the queue; repeat until stopped (--once: until nothing is waiting)."""
    import time

    from genjudge.leaderboard.model_requests import ModelRequests

    config = _config(store, repo, benchmark, option)
    boards = _open_boards(config)
    st = _open_store(config, boards)
    requests = ModelRequests(st)
    while True:
        for record in requests.run_until_empty(boards, board_options=config.options, progress=True):
            reason = f" ({record['reason']})" if record.get("reason") else ""
            model = f"{record['model']}@{record['revision']}"
            typer.echo(f"model {model} on {record['board']}: {record['status']}{reason}")
        _work(st, boards)
        if once:
            return
        time.sleep(poll)


@app.command()
def status(
    submission: Annotated[str | None, typer.Argument(help="A submission id; all when omitted.")] = None,
    store: StoreOpt = None,
) -> None:
    """Show the queue: each submission's board and status, and the reason when it failed."""
    from genjudge.leaderboard.model_requests import ModelRequests

    st = _read_store(store)
    if submission is None:
        for r in ModelRequests(st).all():
            made = f"  -> submission {r['submission_id']}" if r.get("submission_id") else ""
            reason = f"  ({r['reason']})" if r.get("reason") else ""
            typer.echo(
                f"{r['request_id']}  {r['status']:<8}  {r['board']:<16}  model {r['model']}@{r['revision']}"
                f"{made}{reason}"
            )
    rows = st.requests() if submission is None else [r for r in [st.request(submission)] if r]
    if not rows:
        typer.echo("No submissions." if submission is None else f"No submission {submission}.")
        raise typer.Exit(0 if submission is None else 1)
    for r in rows:
        reason = f"  ({r['reason']})" if r.get("reason") else ""
        typer.echo(f"{r['submission_id']}  {r['status']:<8}  {r['board']:<16}  {r['model']}{reason}")


@app.command()
def show(
    board: Annotated[
        str | None,
        typer.Option("--board", help="Board to print (e.g. opening-test); needed when there are several."),
    ] = None,
    search: Annotated[str, typer.Option(help="Only models whose name contains this.")] = "",
    store: StoreOpt = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Print a board, in its benchmark's default order."""
    from genjudge.leaderboard.board import BoardView

    st = _read_store(store)
    boards = st.board_ids()
    if board is None:
        if len(boards) != 1:
            typer.echo(
                "No board has been published yet."
                if not boards
                else f"Pick a board with --board: {', '.join(boards)}"
            )
            raise typer.Exit(0 if not boards else 2)
        board = boards[0]
    if board not in boards:
        typer.echo(f"The {board} board is empty (published boards: {', '.join(boards) or 'none'}).")
        return
    frame = st.read_board(board)
    spec = load_spec(str(frame["benchmark"].iloc[0]))
    table = BoardView(st, board, spec).table(search)
    print_board(
        table, f"{board} leaderboard", spec, f"{spec.sort_note}{_opened_with(st.root, board)}", output_format
    )


def _opened_with(root: Path, board_id: str) -> str:
    """A sentence naming the options the store remembers this board was opened with (none: '')."""
    from genjudge.leaderboard.config import read_board_options

    try:
        remembered = read_board_options(root)
    except ValueError as exc:
        return f" ({exc})"
    for name, entry in remembered.items():
        if entry.board_id == board_id:
            shown = " ".join(f"-o {name}.{key}={value}" for key, value in entry.options.items())
            return f" Opened with {shown or 'the default options'}."
    return ""


@app.command()
def options() -> None:
    """List every benchmark's board options, with their defaults and environment variables."""
    from genjudge.leaderboard.config import option_variable

    for name in benchmark_names():
        spec = load_spec(name)
        typer.echo(f"{name} ({spec.title})")
        for option in spec.options:
            default = f" [default: {option.default}]" if option.default else ""
            typer.echo(
                f"  {name}.{option.name}: {option.help}{default}  (env {option_variable(name, option.name)})"
            )


votes_app = typer.Typer(help="People's A/B votes from the Space's Vote tab (the dataset's votes config).")
app.add_typer(votes_app, name="votes")
VoteBoardOpt = Annotated[str, typer.Option("--board", help="The board voted on, e.g. opening-test.")]


def _vote_ledger(store: Path | None, board: str):
    """The store and the vote ledger's path of ``board``; a board without voting is a message."""
    st = _read_store(store)
    benchmarks = {r["benchmark"] for r in st.requests(board=board)}
    voting = [load_spec(name).voting for name in benchmarks]
    if not voting or voting[0] is None:
        typer.echo(f"No votes: {board} is not a board people vote on (or nobody submitted to it).", err=True)
        raise typer.Exit(1)
    return st, st.ledger_path(voting[0].ledger.name, board)


def _vote_rows(store: Path | None, board: str):
    """The votes of ``board``; a damaged ledger is one line naming the file and line, exit 1."""
    from genjudge.votes.ledger import VoteLedger, VoteLedgerError

    st, path = _vote_ledger(store, board)
    try:
        return VoteLedger(path, st.lock).rows()
    except VoteLedgerError as exc:
        typer.echo(
            f"Error: {exc}. `genjudge leaderboard votes check --board {board}` says how to repair it.",
            err=True,
        )
        raise typer.Exit(1) from None


@votes_app.command("show")
def votes_show(
    board: VoteBoardOpt,
    last: Annotated[int, typer.Option(min=0, help="How many of the latest votes to list.")] = 10,
    store: StoreOpt = None,
) -> None:
    """Count a board's votes and list the latest ones (voters appear as their salted hashes; anything
    a terminal would act on in a reason is shown escaped)."""
    import datetime as dt

    from genjudge.votes.ledger import counted_votes, failed_voters
    from genjudge.votes.reason import terminal_safe

    rows = _vote_rows(store, board)
    counted = counted_votes(rows)
    controls = sum(r["kind"] != "battle" for r in rows)
    typer.echo(
        f"{board}: {len(rows)} vote(s), {len(counted)} counted; {controls} on control pairs; "
        f"{len(failed_voters(rows))} voter(s) excluded for failing a control."
    )
    for row in rows[-last:] if last else []:
        when = dt.datetime.fromtimestamp(row["voted_at"], dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        flags = f"  [{', '.join(row['flags'])}]" if row["flags"] else ""
        reason = f"  “{row['reason']}”" if row["reason"] else ""
        typer.echo(
            terminal_safe(
                f"{when}  {row['uid']}  A={row['model_a']}  B={row['model_b']}  {row['winner']:<6}  "
                f"voter {row['voter'][:8]}{flags}{reason}"
            )
        )


@votes_app.command("check")
def votes_check(
    board: VoteBoardOpt,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Move the damaged lines to the store's cache/quarantine/ and keep every good line as it is.",
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Check a board's vote ledger line by line (the Space stops voting while a line is damaged) and
    say how to repair it; exit 1 while it is damaged."""
    from genjudge.votes.reason import terminal_safe
    from genjudge.votes.repair import check_ledger, quarantine_damaged

    st, path = _vote_ledger(store, board)
    quarantine = st.work_dir / "quarantine"
    check, moved = quarantine_damaged(path, st.lock, quarantine) if repair else (check_ledger(path), None)
    for line in check.damaged:
        typer.echo(terminal_safe(f"{path}: line {line.line}: {line.problem}"))
    if check.missing_newline:
        typer.echo(f"{path}: the last line is a vote without its newline" + (": added." if repair else "."))
    if check.ok:
        typer.echo(f"{path}: {check.votes} vote(s), every line readable.")
    elif repair:
        lines = ", ".join(str(d.line) for d in check.damaged)
        typer.echo(
            f"Repaired: {len(check.damaged)} damaged line(s) moved"
            + (f" to {moved} (line {lines})" if moved else "")
            + f"; {check.votes} vote(s) kept as they were. Voting resumes with the next call."
        )
    else:
        typer.echo(
            f"{len(check.damaged) + check.missing_newline} problem(s): voting on {board} is stopped until "
            "they are repaired. Restore each damaged line from an earlier copy (the Hub dataset keeps every "
            f"version of {'/'.join(path.parts[-3:])}) or delete it, or run "
            f"`genjudge leaderboard votes check --board {board} --repair` to move the damaged lines to "
            f"{quarantine} and keep every other line as it is."
        )
        raise typer.Exit(1)


class VotesPerPair(str, Enum):
    """How many records a pair voted on by several people gets in an export."""

    all = "all"
    majority = "majority"


@votes_app.command("export")
def votes_export(
    board: VoteBoardOpt,
    out: Annotated[Path, typer.Option("--out", help="The JSON file to write (judge_modelAB_results.json).")],
    include_flagged: Annotated[
        bool, typer.Option(help="Keep the votes of voters who failed a control pair.")
    ] = False,
    per_pair: Annotated[
        VotesPerPair,
        typer.Option(
            help="`all`: every vote is a battle (for win rates); `majority`: one verdict per pair, its most "
            "common (for `arena report --human`, the Judges board and `judge train-data`)."
        ),
    ] = VotesPerPair.all,
    store: StoreOpt = None,
) -> None:
    """Write a board's counted votes in the official Interleaved Arena results format, which
    `genjudge arena report` reads (as the verdicts, or as --human)."""
    from genjudge.votes.export import write_official

    rows = _vote_rows(store, board)
    written = write_official(out, rows, include_flagged=include_flagged, per_pair=per_pair.value)
    typer.echo(f"{written} vote(s) written to {out}")
