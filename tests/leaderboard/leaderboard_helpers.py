"""Helpers for the leaderboard room's tests: a tiny benchmark, submission writers and a judge.

The benchmark has a handful of instances; a submission is written in the official OpenING
output layout (``<total_uid>.json`` + ``<total_uid>-o-<k>.jpg``), as a folder or a zip.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import socket
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from PIL import Image

from genjudge.core.records import Instance, Step
from genjudge.judges.protocol import PairwiseItem, Verdict

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

UIDS = ("0101001", "0101002", "0302005", "1502046")


def jpeg(color: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def make_instances(uids: Sequence[str] = UIDS) -> list[Instance]:
    return [
        Instance(
            total_uid=uid,
            meta_task_id=str(int(uid[:2])),
            meta_task_name="Task",
            subtask_id=str(int(uid[2:4])),
            subtask_name="Subtask",
            data_id=str(int(uid[4:])),
            input_steps=(Step(f"question {uid} <image>", jpeg((10, 10, 10))),),
            output_steps=(Step(f"gold answer {uid}"),),
        )
        for uid in uids
    ]


def output_record(uid: str, texts: Sequence[str], with_images: bool = True) -> dict:
    return {
        "meta_task_id": str(int(uid[:2])),
        "meta_task_name": "Task",
        "subtask_id": str(int(uid[2:4])),
        "subtask_name": "Subtask",
        "data_id": str(int(uid[4:])),
        "conversations": [
            {"input": [{"image": "./images/Subtask/1-i-1.jpg", "text": "question"}]},
            {
                "output": [
                    {"text": text, "image": f"{uid}-o-{k}.jpg" if with_images else None}
                    for k, text in enumerate(texts)
                ]
            },
        ],
    }


def write_submission_folder(folder: Path, model: str, quality: int = 1, uids: Sequence[str] = UIDS) -> Path:
    """A model's outputs; ``quality`` sets how many words each answer has (the test judge likes more)."""
    folder.mkdir(parents=True, exist_ok=True)
    for uid in uids:
        texts = [f"{model} answer {uid} " + "word " * quality]
        (folder / f"{uid}.json").write_text(json.dumps(output_record(uid, texts), indent=2))
        (folder / f"{uid}-o-0.jpg").write_bytes(jpeg((quality * 20 % 255, 100, 100)))
    return folder


def zip_folder(folder: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


def make_zip(tmp: Path, model: str, quality: int = 1, uids: Sequence[str] = UIDS) -> Path:
    folder = write_submission_folder(tmp / f"{model}_output", model, quality, uids)
    return zip_folder(folder, tmp / f"{model}.zip", prefix=f"{model}_output/")


class WordCountJudge:
    """A deterministic judge: the output with more words wins; equal counts tie, leaning by hash.

    ``delay`` seconds per item makes it slow enough to kill mid-run in the reliability test.
    """

    judge_id = "test-wordcount"
    revision = "1"
    prompt_version = "1"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0
        self.items = 0

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        self.calls += 1
        self.items += len(items)
        verdicts = []
        for item in items:
            if self.delay:
                time.sleep(self.delay)
            a = sum(len(s.text.split()) for s in item.output_a)
            b = sum(len(s.text.split()) for s in item.output_b)
            if a != b:
                winner = "A" if a > b else "B"
            else:
                lean = hashlib.sha256(repr((item.output_a, item.output_b)).encode()).digest()[0] % 2
                winner = "Tie(A)" if lean == 0 else "Tie(B)"
            verdicts.append(Verdict(winner=winner, probabilities={winner: 1.0}))
        return verdicts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(service, board_dir: Path) -> Iterator[str]:
    """Serve the Space for ``service`` on a free loopback port with its worker running; yield the URL."""
    from genjudge.leaderboard.ui import CSS, build_app

    service.start_worker(poll_seconds=0.2)
    app = build_app(service, refresh_seconds=1.0)
    port = free_port()
    app.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        allowed_paths=[str(board_dir)],
        quiet=True,
        css=CSS,
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()
        service.stop_worker()


def connect_when_serving(server, port: int, timeout: float):
    """A ``gradio_client.Client`` for a server started as a subprocess, once it answers.

    Fails at once if the process exits before serving, instead of waiting out the timeout.
    """
    import gradio_client

    deadline = time.monotonic() + timeout
    while True:
        try:
            return gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
        except Exception:
            assert server.poll() is None, "the server exited before serving"
            assert time.monotonic() < deadline, f"nothing served on port {port} within {timeout} s"
            time.sleep(1)


def opening_board(instances: Sequence[Instance], judge=None, **options):
    """An OpenING board over the test instances, with id ``opening`` (the tests' board)."""
    from genjudge.benchmarks.opening.board import OpeningBoard

    return OpeningBoard(instances, judge or WordCountJudge(), board_id="opening", **options)


def worker_for(store, instances: Sequence[Instance], judge=None, **options):
    """A worker serving the tests' OpenING board with ``judge``."""
    from genjudge.leaderboard.worker import Worker

    board = opening_board(instances, judge, **options)
    return Worker(store, {board.board_id: board})


def voting_service(tmp_path: Path, instances: Sequence[Instance], models: Sequence[tuple[int, str]]):
    """A service over the tests' OpenING board with ``models`` ((quality, name) pairs) submitted and
    judged: a board people can vote on."""
    from genjudge.leaderboard.service import LeaderboardService
    from genjudge.leaderboard.store import LeaderboardStore

    board = opening_board(instances)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    for quality, model in models:
        folder = tmp_path / model
        folder.mkdir()
        store.submit(make_zip(folder, model, quality), board, model_name=model)
    service = LeaderboardService(store, {"opening": board})
    service.worker.run_until_empty()
    return service
