"""The leaderboard's Gradio Blocks page: one tab per board (its table, pictures and Submit form, and
a Vote tab where the board takes votes: :mod:`~genjudge.leaderboard.vote_tab`), then the Queue and
About tabs.

Only layout and formatting live here: what a board shows, how it sorts, what its Submit form
accepts and the instructions beside it all come from the board's plug-in spec, and every callback
is one call into :class:`~genjudge.leaderboard.service.LeaderboardService`. A ``gr.Timer`` re-reads
the (cached) boards and the queue every few seconds, so a finished job's row appears without a reload;
another follows an upload from "Queued" to its outcome on the Submit tab.

The named API endpoints (``/board_<board>``, ``/submit_<board>``, ``/submission_status``, ``/queue``
and the Vote tab's) return plain data: every board endpoint the same shape (its table and a list of
its pictures), and messages as plain text, shown in text boxes rather than rendered as Markdown, so
nothing a submitter typed needs escaping and a program reads exactly what a person sees.
"""

from __future__ import annotations

import re
from typing import Any

import gradio as gr

from genjudge.benchmarks.plugin import Board, Scope
from genjudge.benchmarks.sections import GenerationSection
from genjudge.generation.options import parse_option_pairs
from genjudge.generation.protocol import GenerationError
from genjudge.leaderboard.board import display_labels
from genjudge.leaderboard.model_requests import ModelRequestRefused
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.vote_tab import CSS as VOTE_CSS
from genjudge.leaderboard.vote_tab import KEYS_JS, vote_tab
from genjudge.safe_io.uploads import SubmissionError

# Headers stay on one line (the default wrapping broke them mid-word: "Ran k"), and long cells
# such as a failure reason get room instead of one character's width.
CSS = (
    """
.gj-table th, .gj-table th * { white-space: nowrap !important; word-break: keep-all !important; }
.gj-table td, .gj-table td * { word-break: normal !important; overflow-wrap: anywhere; }
"""
    + VOTE_CSS
)
EMPTY_BOARD = "*No models on this board yet: the first finished submission will appear here.*"


def about_markdown(service: LeaderboardService) -> str:
    """The About tab: for each board, what is measured, how, what each column means, how to cite it."""
    parts = []
    for board in service.boards.values():
        spec = board.spec
        columns = "\n".join(f"- **{c.label}**: {c.help}" for c in spec.columns)
        votes = (
            f"**Votes.** Its Vote tab collects people's A/B votes; the judge's agreement with them and the "
            f"crowd's win rates are shown there as votes arrive. {spec.voting.about}\n\n"
            if spec.voting is not None
            else ""
        )
        parts.append(
            f"## {spec.title} (`{board.board_id}`)\n{spec.summary}\n\n{board.describe()}\n\n{votes}"
            f"**Order.** {spec.sort_note} **Rank** is the position in that order; models with equal numbers "
            f"share a rank.\n\n{columns}\n\n```bibtex\n{spec.citation}\n```"
        )
    return "\n\n".join(parts) + (f"\n\n{service.about}" if service.about else "")


def _board_tab(service: LeaderboardService, board: Board, refresh_seconds: float) -> None:
    spec, board_id = board.spec, board.board_id
    view = service.views[board_id]
    scopes = spec.all_scopes()

    def rows(search: str, sort_by: str, descending: bool, scope: str) -> tuple[Any, list[tuple[str, str]]]:
        """The API's view, one shape for every board: the rows and the pictures drawn so far
        (a list of (path, caption), empty for a board without pictures)."""
        return service.board_table(board_id, search, sort_by, descending, scope), service.charts(board_id)

    def table(search: str, sort_by: str, descending: bool, scope: str) -> tuple[Any, ...]:
        """The rows, the "no models yet" note, and the pictures; the table and pictures are hidden
        while the board is empty, so a new board shows the note instead of blank boxes."""
        frame = service.board_table(board_id, search, sort_by, descending, scope)
        filled = not view.refresh().empty
        files = service.chart_files(board_id)
        pictures = [
            gr.update(value=files.get(name), visible=filled and name in files) for name, _ in spec.charts
        ]
        return gr.update(value=frame, visible=filled), gr.update(visible=not filled), *pictures

    def submit(file: str | None, model: str, link: str, description: str) -> tuple[str, str]:
        """The message for the submitter, and the id of the submission to follow ("" when refused)."""
        if not file:
            return "❌ Choose a file with your model's submission first.", ""
        try:
            result = service.submit(board_id, file, model, link, description)
        except SubmissionError as exc:
            return f"❌ Refused: {exc}", ""
        return f"{'✅' if result.created else 'ℹ️'} {result.message}", result.submission_id

    def follow(sid: str) -> Any:
        """Poll while there is a submission to follow."""
        return gr.Timer(active=bool(sid))

    def progress(sid: str, shown: str) -> tuple[str, Any]:
        """The submit message kept as the first line, the followed submission's status under it;
        polling stops once the status is final."""
        status = service.submission_progress(sid)
        first = shown.splitlines()[0] if shown else ""
        return f"{first}\n{status.message}", gr.Timer(active=not status.final)

    with gr.Tabs():
        with gr.Tab("Leaderboard", id=f"{board_id}-board"):
            note = gr.Markdown(_scope_note(scopes[0]))
            with gr.Row():
                search = gr.Textbox(label="Search models", placeholder="model name", scale=3)
                scope = gr.Dropdown(
                    choices=[s.name for s in scopes],
                    value=scopes[0].name,
                    label="Board",
                    visible=len(scopes) > 1,
                    scale=2,
                )
                sort_by = gr.Dropdown(choices=list(view.sorts()), value="Rank", label="Sort by", scale=2)
                descending = gr.Checkbox(value=False, label="Reverse order", scale=1)
                refresh = gr.Button("Refresh", scale=1)
            filled = not view.refresh().empty
            empty = gr.Markdown(EMPTY_BOARD, visible=not filled, elem_id=f"{board_id}-empty")
            frame = gr.Dataframe(
                value=service.board_table(board_id),
                headers=display_labels(spec),
                visible=filled,
                interactive=False,
                wrap=True,
                elem_id=f"{board_id}-table",
                elem_classes=["gj-table"],
            )
            files = service.chart_files(board_id)
            with gr.Row(elem_id=f"{board_id}-charts"):
                charts = [
                    gr.Image(
                        value=files.get(name),
                        label=label,
                        type="filepath",
                        interactive=False,
                        height=460,
                        visible=filled and name in files,
                    )
                    for name, label in spec.charts
                ]
        with gr.Tab("Submit", id=f"{board_id}-submit"):
            gr.Markdown(spec.submission.instructions)
            upload = gr.File(
                label=spec.submission.label,
                file_types=list(spec.submission.file_types),
                type="filepath",
                elem_id=f"{board_id}-upload",
            )
            model = gr.Textbox(label="Model name", placeholder="letters, digits and . _ + -")
            link = gr.Textbox(label="Model link", placeholder="https://...")
            description = gr.Textbox(label="Description", lines=2)
            send = gr.Button("Submit", variant="primary", elem_id=f"{board_id}-submit-button")
            message = gr.Textbox(
                label="Status", interactive=False, lines=2, elem_id=f"{board_id}-submit-message"
            )
            followed = gr.State("")
            poll = gr.Timer(refresh_seconds, active=False)
            generation = service.generation(board_id)
            if generation is not None:
                _model_form(service, board_id, generation[1], refresh_seconds)
        if board_id in service.booths:
            vote_tab(service.booths[board_id], board)

    inputs = [search, sort_by, descending, scope]
    outputs = [frame, empty, *charts]

    # A sort picked from the menu starts in that column's natural direction; the box reverses it.
    def ordered(search: str, sort_by: str, reverse: bool, scope: str):
        sorts = view.sorts(scope)
        default = sorts.get(sort_by, sorts["Rank"])[1]
        return table(search, sort_by, default != reverse, scope)

    def rescope(search: str, reverse: bool, scope: str):
        """Another board view: its own columns and order, its note, the sort reset to Rank."""
        chosen = next((s for s in scopes if s.name == scope), scopes[0])
        menu = gr.update(choices=list(view.sorts(chosen.name)), value="Rank")
        return _scope_note(chosen), menu, *ordered(search, "Rank", reverse, chosen.name)

    scope.change(rescope, [search, descending, scope], [note, sort_by, *outputs], api_name=False)
    for trigger in (search.submit, sort_by.change, descending.change, refresh.click):
        trigger(ordered, inputs, outputs, api_name=False, show_progress="hidden")

    listed = gr.Gallery(visible=False, type="filepath")
    gr.Button(visible=False).click(rows, inputs, [frame, listed], api_name=f"board_{_api(board_id)}")
    send.click(
        submit,
        [upload, model, link, description],
        [message, followed],
        api_name=f"submit_{_api(board_id)}",
        concurrency_limit=8,
    ).then(follow, followed, poll, api_name=False)
    poll.tick(progress, [followed, message], [message, poll], api_name=False, show_progress="hidden")
    timer = gr.Timer(refresh_seconds)
    timer.tick(ordered, inputs, outputs, api_name=False, show_progress="hidden")


def _model_form(
    service: LeaderboardService, board_id: str, section: GenerationSection, refresh_seconds: float
) -> None:
    """The Submit tab's second way in: a model on the Hub, evaluated by a GPU worker."""
    gr.Markdown(
        "### Or: a model on the Hub\n"
        f"Give its repository id; a worker with GPUs generates the outputs ({section.summary}), then "
        "they are judged and ranked like an upload. Safetensors weights only; models that need code "
        "from their repository are refused; one pending request per model and revision."
    )
    with gr.Row():
        repo = gr.Textbox(
            label="Model (Hub id)", placeholder="namespace/name", scale=3, elem_id=f"{board_id}-hub-model"
        )
        revision = gr.Textbox(label="Revision", placeholder="main", scale=1)
        kind = gr.Dropdown(
            choices=list(section.kinds), value=section.kinds[0], label="Generator kind", scale=1
        )
    companion = gr.Textbox(
        label=section.companion[1] if section.companion else "", visible=section.companion is not None
    )
    settings = gr.Textbox(
        label="Settings (one NAME=VALUE per line, optional)", lines=2, elem_id=f"{board_id}-hub-settings"
    )
    name = gr.Textbox(label="Model name on the board (default: from the id)")
    ask = gr.Button("Request evaluation", elem_id=f"{board_id}-hub-button")
    answer = gr.Textbox(label="Request status", interactive=False, lines=2, elem_id=f"{board_id}-hub-message")
    followed = gr.State("")
    poll = gr.Timer(refresh_seconds, active=False)

    def request_model(
        model: str,
        rev: str,
        chosen: str,
        second: str,
        lines: str,
        shown_name: str,
        profile: gr.OAuthProfile | None,
        request: gr.Request,
    ) -> tuple[str, str]:
        try:
            options = parse_option_pairs(line for line in lines.splitlines() if line.strip())
            if section.companion is not None and second.strip():
                options[section.companion[0]] = second.strip()
            who = profile.username if profile is not None else (request.client.host if request.client else "")
            record = service.submit_model(
                board_id,
                model,
                revision=rev,
                kind=chosen,
                options=options,
                model_name=shown_name,
                submitter=who,
            )
        except (ModelRequestRefused, GenerationError) as exc:
            return f"❌ Refused: {exc}", ""
        return service.model_request_progress(record["request_id"]).message, record["request_id"]

    def progress(rid: str) -> tuple[str, Any]:
        status = service.model_request_progress(rid)
        return status.message, gr.Timer(active=not status.final)

    ask.click(
        request_model,
        [repo, revision, kind, companion, settings, name],
        [answer, followed],
        api_name=f"request_model_{_api(board_id)}",
    ).then(lambda rid: gr.Timer(active=bool(rid)), followed, poll, api_name=False)
    poll.tick(progress, followed, [answer, poll], api_name=False, show_progress="hidden")


def _scope_note(scope: Scope) -> str:
    return f"{scope.note} Ranks repeat where numbers are equal (1, 1, 3); see About."


def _api(board_id: str) -> str:
    """A board id as a Gradio API name (``opening-test`` → ``opening_test``)."""
    return re.sub(r"\W", "_", board_id)


def build_app(service: LeaderboardService, *, refresh_seconds: float = 3.0) -> gr.Blocks:
    """The Space's page for ``service`` (which should have its worker started)."""
    titles = ", ".join(board.spec.title for board in service.boards.values())
    with gr.Blocks(title="genjudge leaderboard") as app:
        gr.Markdown(f"# genjudge leaderboard\nMultimodal generation models on {titles}.")
        with gr.Tabs():
            for board_id, board in service.boards.items():
                with gr.Tab(f"{board.spec.title} · {board_id}", id=board_id):
                    _board_tab(service, board, refresh_seconds)
            with gr.Tab("Queue", id="queue"):
                queue_table = gr.Dataframe(
                    value=service.queue_table(),
                    interactive=False,
                    wrap=True,
                    elem_id="queue-table",
                    elem_classes=["gj-table"],
                    column_widths=["14%", "10%", "9%", "33%", "12%", "12%", "10%"],
                )
                gr.Markdown("Models submitted by Hub id (a GPU worker generates their outputs):")
                model_queue = gr.Dataframe(
                    value=service.model_queue_table(),
                    interactive=False,
                    wrap=True,
                    elem_id="model-queue-table",
                    elem_classes=["gj-table"],
                )
            with gr.Tab("About", id="about"):
                gr.Markdown(about_markdown(service))
        gr.Button(visible=False).click(service.queue_table, None, queue_table, api_name="queue")
        submission, status = gr.Textbox(visible=False), gr.Textbox(visible=False)
        gr.Button(visible=False).click(
            lambda sid: service.submission_progress(sid).message,
            submission,
            status,
            api_name="submission_status",
        )
        if service.booths:
            app.load(None, None, None, js=KEYS_JS)
        timer = gr.Timer(refresh_seconds)
        timer.tick(service.queue_table, None, queue_table, api_name=False, show_progress="hidden")
        timer.tick(service.model_queue_table, None, model_queue, api_name=False, show_progress="hidden")
        gr.Button(visible=False).click(service.model_queue_table, None, model_queue, api_name="model_queue")
        request_id, request_status = gr.Textbox(visible=False), gr.Textbox(visible=False)
        gr.Button(visible=False).click(
            lambda rid: service.model_request_progress(rid).message,
            request_id,
            request_status,
            api_name="model_request_status",
        )
    return app


def launch(
    service: LeaderboardService, *, host: str = "127.0.0.1", port: int | None = None, **options
) -> None:
    """Start the worker and serve the page (blocking)."""
    service.start_worker()
    app = build_app(service)
    app.launch(
        server_name=host,
        server_port=port,
        allowed_paths=[str(service.store.root / "board")],
        css=CSS,
        **options,
    )
