"""The Space on 127.0.0.1, driven like a user would through ``gradio_client``."""

from __future__ import annotations

import time

import pytest
from leaderboard_helpers import make_zip, opening_board, serving

from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture
def running_app(tmp_path, instances):
    board = opening_board(instances)
    service = LeaderboardService(LeaderboardStore(tmp_path / "lb", boards=[board]), {"opening": board})
    with serving(service, tmp_path / "lb" / "board") as url:
        yield service, url


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


def test_submit_watch_the_queue_and_read_the_board(running_app, tmp_path):
    _, url = running_app
    client = gradio_client.Client(url, verbose=False)
    for quality, model in [(1, "Alpha"), (4, "Beta")]:
        folder = tmp_path / model
        folder.mkdir()
        archive = make_zip(folder, model, quality)
        message = client.predict(
            gradio_client.handle_file(str(archive)),
            model,
            f"https://example.org/{model}",
            "",
            api_name="/submit_opening",
        )
        assert message.startswith("✅ Queued")

    def finished():
        queue = client.predict(api_name="/queue")
        statuses = [row[2] for row in queue["data"]]
        return statuses == ["FINISHED", "FINISHED"] and queue

    wait_for(finished)
    table, pictures = client.predict("", "Rank", False, api_name="/board_opening")
    assert [row[1] for row in table["data"]] == ["Beta", "Alpha"]
    assert table["headers"][:3] == ["Rank", "Model", "Win rate, FDT (%)"]
    assert table["data"][0][-1] == "https://example.org/Beta"
    assert [p["caption"] for p in pictures] == ["Ratings", "Head-to-head win rates (FDT)"]
    found = client.predict("alp", "Rank", False, api_name="/board_opening")[0]["data"]
    assert [row[1] for row in found] == ["Alpha"]


def test_bad_uploads_get_a_clear_message(running_app, tmp_path):
    _, url = running_app
    client = gradio_client.Client(url, verbose=False)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    message = client.predict(gradio_client.handle_file(str(bad)), "M", "", "", api_name="/submit_opening")
    assert message.startswith("❌ Refused: file 'bad.zip'")
    archive = make_zip(tmp_path, "Good")
    message = client.predict(gradio_client.handle_file(str(archive)), "", "", "", api_name="/submit_opening")
    assert "field 'model_name': the model name is empty" in message
    message = client.predict(None, "M", "", "", api_name="/submit_opening")
    assert "Choose a file" in message
