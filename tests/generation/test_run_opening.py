"""``genjudge run opening``: an endpoint pipeline (a chat model and an images model on a fake
OpenAI-compatible server) answers the bundled test split, the answers are judged against a model
already on the board by the offline reference judge, and the new model gets its row."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.chat_server import completion
from support.fake_openai_server import FakeOpenAIServer

from genjudge.benchmarks.opening.sample import sample_output_dirs


@pytest.fixture
def server():
    running = FakeOpenAIServer()
    running.respond_chat = lambda request: completion(
        "The fox looks up at the night sky. <IMG> It smiles at the first star. <IMG>"
    )
    yield running
    running.kill()


def genjudge(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "genjudge", *args], cwd=cwd, capture_output=True, text=True, timeout=1200
    )


@pytest.mark.slow
def test_run_puts_an_endpoint_pipeline_on_the_opening_board(server, tmp_path):
    first = genjudge(
        "leaderboard",
        "submit",
        str(sample_output_dirs()[0]),
        "--model",
        "Sample-Model",
        "--store",
        "lb",
        "--run",
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    ran = genjudge(
        "run",
        "opening",
        "--model",
        "tiny-chat",
        "--kind",
        "chat-endpoint",
        "--name",
        "Fox-Pipeline",
        "-o",
        f"endpoint={server.url}",
        "-o",
        "image_model=tiny-t2i",
        "-o",
        "image_kind=images-endpoint",
        "-o",
        f"image.endpoint={server.url}",
        "-o",
        "image.size=32x32",
        "--store",
        "lb",
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Fox-Pipeline on opening" in ran.stdout
    result = json.loads(
        next(
            path
            for path in (tmp_path / "lb" / "results").glob("*.json")
            if "Fox-Pipeline" in path.read_text()
        ).read_text()
    )
    assert result["results"]["opening-test"]["judged"] > 0  # battles against Sample-Model were judged
    generation = json.loads(result["config"]["generation"])
    assert generation["generator"]["kind"] == "pipeline" and "recipe" in json.dumps(generation)
    paths = [path for path, _ in server.requests]
    assert "/v1/chat/completions" in paths and "/v1/images/generations" in paths


def test_the_pipeline_needs_its_image_model(tmp_path):
    refused = genjudge(
        "generate",
        "opening",
        "--model",
        "tiny-chat",
        "--kind",
        "chat-endpoint",
        "-o",
        "endpoint=http://x/v1",
        "--out",
        "g",
        cwd=tmp_path,
    )
    assert refused.returncode == 2 and "image_model" in refused.stderr and "Traceback" not in refused.stderr
