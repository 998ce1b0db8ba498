"""Every named API endpoint of the Space, called by a program through ``gradio_client``.

The Space serves the demo boards (OpenING, General-Level, EvalMi-50K metrics, Judges) on loopback.
The endpoints are enumerated from ``view_api``, so an endpoint added later fails here until it has a
call below: none can go untested.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from leaderboard_helpers import serving, zip_folder

from genjudge.benchmarks.evalmi.sample import sample_dir as evalmi_sample
from genjudge.benchmarks.general_level.sample import sample_results_paths
from genjudge.benchmarks.opening.judges_board import sample_arena_dir
from genjudge.benchmarks.opening.sample import sample_output_dirs as sample_submissions
from genjudge.benchmarks.plugin import Scope
from genjudge.demo.boards import run_demo_board
from genjudge.leaderboard.board import display_labels
from genjudge.leaderboard.service import MODEL_QUEUE_COLUMNS, QUEUE_COLUMNS, LeaderboardService

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="module")
def demo_space(tmp_path_factory):
    """The demo boards, evaluated, served on 127.0.0.1: (service, client, a scratch folder)."""
    folder = tmp_path_factory.mktemp("space-api")
    service = run_demo_board(folder / "lb", progress=False).service()
    with serving(service, folder / "lb" / "board") as url:
        yield service, gradio_client.Client(url, verbose=False), folder


def wait_for(predicate: Callable[[], Any], timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.5)
    raise AssertionError("timed out waiting")


def same_upload(board_id: str) -> Path:
    """The file the demo uploaded to a board (uploading it again is a no-op that says so)."""
    files = {
        "general-level": sample_results_paths()[0],
        "evalmi-metrics": evalmi_sample() / "metric_scores.csv",
        "opening-judges": sample_arena_dir() / "length-judge_modelAB_results.json",
    }
    return files[board_id]


def check_board(service: LeaderboardService, board_id: str, scope: Scope, answer: Any) -> None:
    """One shape for every board: (table, pictures), pictures a list of (image, caption)."""
    assert isinstance(answer, tuple) and len(answer) == 2, answer
    table, pictures = answer
    spec = service.spec(board_id)
    assert table["headers"] == display_labels(spec, scope)
    assert len(table["data"]) == len(service.views[board_id].refresh())
    assert [p["caption"] for p in pictures] == [label for _, label in spec.charts]
    assert all(Path(p["image"]).read_bytes().startswith(b"\x89PNG") for p in pictures)


def test_every_named_endpoint_answers_with_plain_data(demo_space):
    service, client, folder = demo_space
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    api_names = {board_id.replace("-", "_"): board_id for board_id in service.boards}

    def board_of(endpoint: str, prefix: str) -> str:
        return api_names[endpoint.removeprefix(prefix)]

    tickets: dict[str, str] = {}
    called = []
    # Ballots before casts: a cast needs the ticket of the pair the same session was shown.
    for endpoint in sorted(endpoints, key=lambda e: (e.startswith("/vote_cast_"), e)):
        called.append(endpoint)
        if endpoint.startswith("/board_"):
            board_id = board_of(endpoint, "/board_")
            for scope in service.spec(board_id).all_scopes():
                answer = client.predict("", "Rank", False, scope.name, api_name=endpoint)
                check_board(service, board_id, scope, answer)
        elif endpoint.startswith("/submit_"):
            board_id = board_of(endpoint, "/submit_")
            if board_id == "opening-test":  # a new model: its status is followed below
                source = sample_submissions()[1]
                upload = zip_folder(source, folder / "Api-Model.zip", prefix=f"{source.name}/")
                message = client.predict(
                    gradio_client.handle_file(str(upload)), "Api-Model", "", "", api_name=endpoint
                )
                assert message.startswith("✅ Queued Api-Model for opening-test as submission "), message
            else:
                upload = same_upload(board_id)
                message = client.predict(
                    gradio_client.handle_file(str(upload)), "Again", "", "", api_name=endpoint
                )
                assert message.startswith("ℹ️ This file was already submitted as "), message
                assert "FINISHED" in message and "nothing changed" in message
        elif endpoint == "/submission_status":
            unknown = client.predict("0123456789abcdef0123", api_name=endpoint)
            assert unknown.startswith("No submission '0123456789abcdef0123'"), unknown
        elif endpoint == "/queue":
            queue = client.predict(api_name=endpoint)
            assert queue["headers"] == list(QUEUE_COLUMNS.values())
            assert len(queue["data"]) == len(service.store.requests())
        elif endpoint.startswith("/request_model_"):
            board_id = board_of(endpoint, "/request_model_")
            kind = service.generation(board_id)[1].kinds[0]
            answer = client.predict(
                f"someone/model-{board_id}", "", kind, "", "", f"Hub-{board_id}", api_name=endpoint
            )
            message = answer if isinstance(answer, str) else answer[0]
            assert message.startswith("⏳ Pending:") and "waits for a GPU worker" in message, message
        elif endpoint == "/model_queue":
            queue = client.predict(api_name=endpoint)
            assert queue["headers"] == list(MODEL_QUEUE_COLUMNS.values())
            assert len(queue["data"]) == len(service.model_requests.all())
        elif endpoint == "/model_request_status":
            unknown = client.predict("0123456789abcdef0123", api_name=endpoint)
            assert unknown.startswith("No model request '0123456789abcdef0123'"), unknown
        elif endpoint.startswith("/vote_next_"):
            ballot = client.predict(api_name=endpoint)
            assert ballot["ok"] is True and ballot["A"] and ballot["B"], ballot
            tickets[board_of(endpoint, "/vote_next_")] = ballot["ticket"]
        elif endpoint.startswith("/vote_cast_"):
            outcome = client.predict(tickets[board_of(endpoint, "/vote_cast_")], "A", "", api_name=endpoint)
            assert outcome["ok"] is True, outcome
        elif endpoint.startswith("/vote_live_"):
            live = client.predict(api_name=endpoint)
            assert set(live) == {"ok", "agreement", "win_rates", "votes", "counted"} and live["ok"] is True
        else:
            pytest.fail(f"the Space has an endpoint {endpoint} that this test does not call yet: add it")
    assert {f"/board_{api}" for api in api_names} <= set(called)
    assert {"/queue", "/submission_status", "/model_queue", "/model_request_status"} <= set(called)
    documented = [re.compile(re.escape(name).replace("<board>", r"\w+")) for name in documented_endpoints()]
    assert [e for e in called if not any(d.fullmatch(e) for d in documented)] == []


def documented_endpoints() -> list[str]:
    """The endpoints the Space's README lists for programs (``/board_<board>``, ...)."""
    readme = (Path(__file__).resolve().parents[2] / "spaces" / "leaderboard" / "README.md").read_text()
    section = readme.split("## For programs", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(/[a-z_<>]+)`", section)


def test_a_program_follows_its_submission_to_the_board(demo_space):
    service, client, folder = demo_space
    source = sample_submissions()[2]
    upload = zip_folder(source, folder / "Follow-Me.zip", prefix=f"{source.name}/")
    message = client.predict(
        gradio_client.handle_file(str(upload)), "Follow-Me", "", "", api_name="/submit_opening_test"
    )
    sid = message.rstrip(".").rsplit(" ", 1)[-1]
    first = client.predict(sid, api_name="/submission_status")
    assert first.startswith(
        ("⏳ Queued: Follow-Me on opening-test", "⏳ Evaluating Follow-Me", "✅ Finished")
    )
    done = wait_for(
        lambda: (line := client.predict(sid, api_name="/submission_status")).startswith("✅") and line
    )
    rank = int(service.views["opening-test"].refresh().set_index("model").loc["Follow-Me", "rank"])
    assert done.startswith(
        f"✅ Finished: Follow-Me on opening-test (submission {sid}) is on the board at rank {rank} ("
    )


def test_messages_come_back_as_plain_text(demo_space):
    """A refusal names the field as it is spelled (no Markdown escapes such as ``model\\_name``) and
    quotes what was sent verbatim."""
    _, client, folder = demo_space
    sheet = folder / "Plain.csv"
    rows = sample_results_paths()[1].read_text().splitlines()
    sheet.write_text("\n".join([rows[0], *rows[2:]]) + "\n")  # a sheet not submitted yet
    upload = gradio_client.handle_file(str(sheet))
    empty = client.predict(upload, "", "", "", api_name="/submit_general_level")
    assert empty == "❌ Refused: field 'model_name': the model name is empty"
    hostile = "**bold** <b>x</b>"
    refused = client.predict(upload, hostile, "", "", api_name="/submit_general_level")
    assert refused.startswith(f"❌ Refused: field 'model_name': the model name {hostile!r} may only use")
