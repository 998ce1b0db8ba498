"""The leaderboard's Gradio Blocks page: Leaderboard, Submit, Queue and About tabs.

Only layout and formatting live here; every callback is one call into
:class:`~genjudge.leaderboard.service.LeaderboardService`. A ``gr.Timer`` re-reads the (cached)
board and the queue every few seconds, so a finished job's row appears without a reload.
"""

from __future__ import annotations

import gradio as gr
import pandas as pd

from genjudge.leaderboard.board import DISPLAY_COLUMNS, SORTABLE
from genjudge.leaderboard.service import LeaderboardService
from genjudge.submissions import SubmissionError

OPENING_CITATION = """@inproceedings{zhou2025opening,
  title={OpenING: A Comprehensive Benchmark for Judging Open-ended Interleaved Image-Text Generation},
  author={Zhou, Pengfei and Peng, Xiaopeng and Song, Jiajun and Li, Chuanhao and Xu, Zhaopan and Yang, Yue
          and Guo, Ziyao and Zhang, Hao and Lin, Yuqi and He, Yefei and others},
  booktitle={Proceedings of the Computer Vision and Pattern Recognition Conference},
  pages={56--66},
  year={2025}
}"""


def about_markdown(service: LeaderboardService) -> str:
    """The About tab: what is measured, by which judge, and how to cite it."""
    judge = service.judge
    benchmarks = "\n".join(
        f"- `{name}`: {len(items):,} instances" for name, items in service.benchmarks.items()
    )
    return f"""## Benchmark
OpenING: open-ended interleaved image–text generation. Each instance gives a task and its input
steps; a model answers with interleaved text and images.

{benchmarks}

## Judge
`{judge.judge_id}` (revision `{judge.revision}`, prompt `{judge.prompt_version}`). It compares two
models' answers to the same instance and says which is better (`A`, `B`, or a tie leaning to one side).
Every verdict is stored with the content hashes of both answers, so adding a model only judges its
own new battles.

## Metrics
- **Win rate FDT** (force-dividing tie, the headline number): a tie counts as a win for the side it leans to.
- **Win rate with tie**: ties count as non-wins. **Without tie**: ties are left out.
- **BT rating**: Bradley–Terry rating (Elo scale, mean 1000; ties count as half a win) fitted on all
  battles, with a 95% interval from sandwich standard errors; rank = 1 + the number of models whose
  interval lies entirely above. A model that never lost (or never won) has no finite rating: its
  interval is open (∞) on that side.
- **Battles**: how many comparisons the numbers rest on.

## Submitting
Upload a zip in the OpenING output layout: one `<total_uid>.json` per benchmark instance (the official
record with your model's steps in the `output` list) and the images it names (`<total_uid>-o-<k>.jpg`).
Outputs only: nothing you upload is executed.

## Citation
```bibtex
{OPENING_CITATION}
```
{service.about}"""


def build_app(service: LeaderboardService, *, refresh_seconds: float = 3.0) -> gr.Blocks:
    """The Space's page for ``service`` (which should have its worker started)."""

    def board(search: str, sort_by: str, descending: bool) -> tuple[pd.DataFrame, str | None, str | None]:
        table = service.board_table(search=search, sort_by=sort_by, descending=descending)
        return table, service.chart("ratings"), service.chart("heatmap")

    def queue() -> pd.DataFrame:
        return service.queue_table()

    def submit(file: str | None, model: str, link: str, description: str) -> tuple[str, pd.DataFrame]:
        if not file:
            return "❌ Choose a zip file with your model's outputs first.", queue()
        try:
            result = service.submit(file, model, link, description)
        except SubmissionError as exc:
            return f"❌ Refused: {exc}", queue()
        mark = "✅" if result.created else "ℹ️"
        return f"{mark} {result.message}", queue()

    with gr.Blocks(title="genjudge leaderboard") as app:
        gr.Markdown(
            "# genjudge leaderboard\nInterleaved image–text generation models, judged pairwise on "
            f"**{service.default_benchmark}** by `{service.judge.judge_id}`."
        )
        with gr.Tabs():
            with gr.Tab("Leaderboard", id="leaderboard"):
                with gr.Row():
                    search = gr.Textbox(label="Search models", placeholder="model name", scale=3)
                    sort_by = gr.Dropdown(choices=list(SORTABLE), value="Rank", label="Sort by", scale=2)
                    descending = gr.Checkbox(value=False, label="Descending", scale=1)
                    refresh = gr.Button("Refresh", scale=1)
                table = gr.Dataframe(
                    value=service.board_table(),
                    headers=list(DISPLAY_COLUMNS.values()),
                    interactive=False,
                    wrap=True,
                    elem_id="board-table",
                )
                with gr.Row():
                    ratings = gr.Image(label="Ratings", type="filepath", interactive=False)
                    heatmap = gr.Image(label="Head-to-head win rates", type="filepath", interactive=False)
            with gr.Tab("Submit", id="submit"):
                upload = gr.File(
                    label="Model outputs (zip)", file_types=[".zip"], type="filepath", elem_id="upload"
                )
                model = gr.Textbox(label="Model name", placeholder="letters, digits and . _ + -")
                link = gr.Textbox(label="Model link", placeholder="https://...")
                description = gr.Textbox(label="Description", lines=2)
                send = gr.Button("Submit", variant="primary", elem_id="submit-button")
                message = gr.Markdown(elem_id="submit-message")
            with gr.Tab("Queue", id="queue"):
                queue_table = gr.Dataframe(value=queue(), interactive=False, wrap=True, elem_id="queue-table")
            with gr.Tab("About", id="about"):
                gr.Markdown(about_markdown(service))

        board_inputs = [search, sort_by, descending]
        board_outputs = [table, ratings, heatmap]
        for trigger in (search.submit, sort_by.change, descending.change, refresh.click, app.load):
            trigger(board, board_inputs, board_outputs, api_name=False, show_progress="hidden")
        gr.Button(visible=False).click(board, board_inputs, board_outputs, api_name="board")
        send.click(
            submit,
            [upload, model, link, description],
            [message, queue_table],
            api_name="submit",
            concurrency_limit=8,
        )
        gr.Button(visible=False).click(queue, None, queue_table, api_name="queue")
        timer = gr.Timer(refresh_seconds)
        timer.tick(board, board_inputs, board_outputs, api_name=False, show_progress="hidden")
        timer.tick(queue, None, queue_table, api_name=False, show_progress="hidden")
    return app


def launch(
    service: LeaderboardService, *, host: str = "127.0.0.1", port: int | None = None, **options
) -> None:
    """Start the worker and serve the page (blocking)."""
    service.start_worker()
    app = build_app(service)
    app.launch(
        server_name=host, server_port=port, allowed_paths=[str(service.store.root / "board")], **options
    )
