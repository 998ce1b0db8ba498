"""Models submitted by Hub id: the rules a request must pass, and a worker that turns a request into
a row (tiny random diffusers pipeline in the offline Hub cache, tiny random LMM4LMM judges)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from genjudge.benchmarks import load_spec
from genjudge.leaderboard.model_requests import (
    HubModelFacts,
    ModelRequestRefused,
    ModelRequestRules,
    ModelRequests,
)
from genjudge.leaderboard.store import PENDING, LeaderboardStore


def facts(commit="c0ffee", safetensors=True, remote_code=False):
    return lambda repo, revision: HubModelFacts(commit, safetensors, remote_code)


@pytest.fixture
def queue(tmp_path):
    board = load_spec("evalmi-models").open({})
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    return ModelRequests(store, facts=facts(), rules=ModelRequestRules(max_pending_per_submitter=2)), board


def test_a_request_is_queued_pending_with_its_revision_resolved(queue):
    requests, board = queue
    record = requests.submit(benchmark="evalmi-50k", board=board, model="me/sd-tiny", submitter="ana")
    assert record["status"] == PENDING and record["revision"] == "c0ffee" and record["revision_resolved"]
    assert record["kind"] == "diffusers" and record["model_name"] == "sd-tiny"
    assert [r["request_id"] for r in requests.all()] == [record["request_id"]]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"model": "./local/folder"}, "not a Hub model id"),
        ({"model": "me/x", "kind": "chat"}, "generates with diffusers, images-endpoint"),
        ({"model": "me/x", "benchmark": "general-level"}, "cannot generate|go to the"),
        ({"model": "me/x", "revision": "bad revision!"}, "not a branch, tag or commit"),
        ({"model": "me/x", "options": {"steps": "2\x1b[31m"}}, "control"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(queue, change, reason):
    requests, board = queue
    with pytest.raises(ModelRequestRefused, match=reason):
        requests.submit(**{"benchmark": "evalmi-50k", "board": board, **change})
    assert requests.all() == []


def test_remote_code_and_pickle_only_models_are_refused(tmp_path):
    board = load_spec("evalmi-models").open({})
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    with pytest.raises(ModelRequestRefused, match="trust_remote_code"):
        ModelRequests(store, facts=facts(remote_code=True)).submit(
            benchmark="evalmi-50k", board=board, model="a/b"
        )
    with pytest.raises(ModelRequestRefused, match="safetensors"):
        ModelRequests(store, facts=facts(safetensors=False)).submit(
            benchmark="evalmi-50k", board=board, model="a/b"
        )


def test_one_pending_request_per_model_and_a_limit_per_submitter(queue):
    requests, board = queue
    requests.submit(benchmark="evalmi-50k", board=board, model="me/a", submitter="ana")
    with pytest.raises(ModelRequestRefused, match="already queued"):
        requests.submit(benchmark="evalmi-50k", board=board, model="me/a", model_name="Other", submitter="bo")
    requests.submit(benchmark="evalmi-50k", board=board, model="me/b", submitter="ana")
    with pytest.raises(ModelRequestRefused, match="limit is 2"):
        requests.submit(benchmark="evalmi-50k", board=board, model="me/c", submitter="ana")


@pytest.mark.slow
def test_a_worker_generates_judges_and_publishes_a_requested_model(tmp_path, tiny_pipeline_dir):
    from support.hub_cache import put_in_hub_cache
    from support.random_internvl import save_random_checkpoint

    judge = save_random_checkpoint(tmp_path / "tiny-lmm4lmm")
    put_in_hub_cache(tiny_pipeline_dir, "tiny/sd", tmp_path / "hub")
    env = dict(os.environ, HF_HUB_CACHE=str(tmp_path / "hub"), HF_HUB_OFFLINE="1")
    board_options = [
        "-o",
        f"evalmi-models.perception_model={judge}",
        "-o",
        f"evalmi-models.correspondence_model={judge}",
        "-o",
        "evalmi-models.device=cpu",
    ]

    def genjudge(*args):
        return subprocess.run(
            [sys.executable, "-m", "genjudge", "leaderboard", *args, "--store", str(tmp_path / "lb")],
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )

    queued = genjudge(
        "submit-model", "tiny/sd", "-b", "evalmi-50k", "--generation-option", "steps=2", *board_options
    )
    assert queued.returncode == 0, queued.stderr
    assert "PENDING until a worker takes it" in queued.stdout
    worked = genjudge("worker", "--once", "-b", "evalmi-models", *board_options)
    assert worked.returncode == 0, worked.stdout + worked.stderr
    assert "model tiny/sd@main on evalmi-models: FINISHED" in worked.stdout
    status = genjudge("status")
    assert "FINISHED" in status.stdout and "-> submission" in status.stdout
    result = json.loads(next((tmp_path / "lb" / "results").glob("*.json")).read_text())
    assert json.loads(result["config"]["generation"])["generator"]["model"] == "tiny/sd"
    assert result["config"]["model_name"] == "sd"
