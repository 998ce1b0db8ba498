"""The leaderboard dataset: queueing, idempotent resubmission, atomic files, load_dataset, Hub commits."""

from __future__ import annotations

import json

import pytest
from leaderboard_helpers import make_zip, opening_board, worker_for

from genjudge.benchmarks.opening.board import outputs_from_table
from genjudge.leaderboard.mirror import HubMirror
from genjudge.leaderboard.store import FINISHED, PENDING, RUNNING, LeaderboardStore
from genjudge.safe_io.durable import append_jsonl, read_jsonl, repair_tail
from genjudge.safe_io.uploads import SubmissionError


def submit(store, tmp_path, instances, model, quality=1, **kwargs):
    return store.submit(
        make_zip(tmp_path, model, quality), opening_board(instances), model_name=model, **kwargs
    )


def test_a_submission_is_queued_with_its_metadata(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    result = submit(store, tmp_path, instances, "Alpha", link="https://example.org/a", description="first")
    assert result.created and result.status == PENDING
    request = json.loads((tmp_path / "lb" / "requests" / f"{result.submission_id}.json").read_text())
    assert request["model"] == "Alpha"
    assert request["model_link"] == "https://example.org/a"
    assert request["status"] == PENDING
    assert request["n_items"] == len(instances)
    outputs = outputs_from_table(store.read_payload(result.submission_id))
    assert sorted(outputs) == sorted(i.total_uid for i in instances)


def test_the_same_zip_twice_is_a_no_op_that_says_so(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    archive = make_zip(tmp_path, "Alpha")
    first = store.submit(archive, opening_board(instances), model_name="Alpha")
    again = store.submit(archive, opening_board(instances), model_name="Other")
    assert not again.created
    assert again.submission_id == first.submission_id
    assert "already submitted as Alpha" in again.message
    assert len(store.requests()) == 1


def test_a_taken_name_is_refused_and_nothing_is_written(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    submit(store, tmp_path, instances, "Alpha")
    (tmp_path / "x").mkdir()
    other = make_zip(tmp_path / "x", "Alpha", quality=5)
    with pytest.raises(SubmissionError, match="already on the board"):
        store.submit(other, opening_board(instances), model_name="alpha")
    assert len(list((tmp_path / "lb" / "outputs").iterdir())) == 1


def test_a_failed_submission_frees_its_name(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    sid = submit(store, tmp_path, instances, "Alpha").submission_id
    store.fail(sid, "judge crashed")
    assert store.request(sid)["reason"] == "judge crashed"
    (tmp_path / "again").mkdir()
    assert submit(store, tmp_path / "again", instances, "Alpha", quality=2).created


def test_claim_resumes_running_jobs_first(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    a = submit(store, tmp_path, instances, "Alpha").submission_id
    b = submit(store, tmp_path, instances, "Beta").submission_id
    first = store.claim_next()
    assert first["submission_id"] == a and first["status"] == RUNNING
    # A restart finds the RUNNING job again before taking Beta.
    assert LeaderboardStore(tmp_path / "lb").claim_next()["submission_id"] == a
    store.update_request(a, status=FINISHED)
    assert store.claim_next()["submission_id"] == b


def test_a_torn_verdict_line_is_not_a_record_and_is_repaired(tmp_path):
    log = tmp_path / "v.jsonl"
    append_jsonl(log, [{"n": 1}, {"n": 2}])
    with log.open("ab") as handle:
        handle.write(b'{"n": 3, "win')  # the writer was killed here
    assert read_jsonl(log) == [{"n": 1}, {"n": 2}]
    repair_tail(log)
    append_jsonl(log, [{"n": 4}])
    assert read_jsonl(log) == [{"n": 1}, {"n": 2}, {"n": 4}]


def test_results_load_with_load_dataset(tmp_path, instances, judge):
    from datasets import load_dataset

    store = LeaderboardStore(tmp_path / "lb", boards=[opening_board(instances)])
    for quality, model in enumerate(["Alpha", "Beta", "Gamma"], start=1):
        submit(store, tmp_path, instances, model, quality)
    worker_for(store, instances, judge).run_until_empty()
    root = str(tmp_path / "lb")
    cache = str(tmp_path / "hf-cache")
    results = load_dataset(root, "results", split="train", cache_dir=cache)
    assert sorted(r["model_name"] for r in results["config"]) == ["Alpha", "Beta", "Gamma"]
    first = next(
        r["opening"]
        for r, c in zip(results["results"], results["config"], strict=True)
        if c["model_name"] == "Alpha"
    )
    assert first["rating"] is None and first["battles"] == 0  # alone on the board when it finished
    assert {c["judge_id"] for c in results["config"]} == {"test-wordcount"}
    requests = load_dataset(root, "requests", split="train", cache_dir=cache)
    assert set(requests["status"]) == {FINISHED}
    assert store.read_board("opening")["model"].tolist() == ["Gamma", "Beta", "Alpha"]
    verdicts = load_dataset(root, "verdicts", split="train", cache_dir=cache)
    assert len(verdicts) == len(instances) * (1 + 2)  # Beta meets 1 opponent per instance, Gamma 2
    assert set(verdicts["judge_id"]) == {"test-wordcount"}


class RecordingApi:
    """Stands in for the Hub's HTTP API (no network here): records each commit."""

    def __init__(self, fail: bool = False) -> None:
        self.commits: list[tuple[str, list[str]]] = []
        self.fail = fail

    def create_commit(self, *, repo_id, repo_type, operations, commit_message):
        assert repo_type == "dataset" and repo_id == "org/board"
        if self.fail:
            raise ConnectionError("offline")
        self.commits.append((commit_message, [op.path_in_repo for op in operations]))


def test_hub_mirror_makes_one_commit_per_change(tmp_path, instances, judge, monkeypatch, caplog):
    monkeypatch.setenv("HF_TOKEN", "hf_secret_token_value")
    api = RecordingApi()
    hub = HubMirror("org/board", api=api, every=0)  # every=0: one commit per change
    assert "hf_secret" not in repr(hub)
    store = LeaderboardStore(tmp_path / "lb", boards=[opening_board(instances)], hub=hub, pull=False)
    sid = submit(store, tmp_path, instances, "Alpha").submission_id
    worker_for(store, instances, judge).run_until_empty()
    messages = [m for m, _ in api.commits]
    assert messages == [
        "Dataset card",
        f"Queue Alpha for opening ({sid})",
        "Alpha: RUNNING",
        "Alpha: FINISHED on opening",
    ]
    assert f"results/{sid}.json" in api.commits[-1][1]
    assert "board/opening.parquet" in api.commits[-1][1]
    for path in (tmp_path / "lb").rglob("*"):
        if path.is_file():
            assert b"hf_secret" not in path.read_bytes()
    assert "hf_secret" not in caplog.text


def test_a_failed_push_is_retried_with_the_next_commit(tmp_path, caplog, instances):
    api = RecordingApi(fail=True)
    hub = HubMirror("org/board", api=api, token="t", every=0)
    store = LeaderboardStore(tmp_path / "lb", boards=[opening_board(instances)], hub=hub, pull=False)
    assert "could not push" in caplog.text
    api.fail = False
    (tmp_path / "lb" / "x.txt").write_text("x")
    store._publish(["x.txt"], "next")
    assert api.commits == [("2 changes: Dataset card; next", ["README.md", "x.txt"])]


def test_start_downloads_the_dataset_repo(tmp_path, monkeypatch):
    import huggingface_hub

    calls = []

    def fake_snapshot_download(**kwargs):
        calls.append(kwargs)
        (kwargs["local_dir"] / "requests").mkdir(parents=True)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    LeaderboardStore(tmp_path / "lb", hub=HubMirror("org/board", api=RecordingApi(), token="t0k"))
    assert calls[0]["repo_id"] == "org/board" and calls[0]["repo_type"] == "dataset"
    assert calls[0]["token"] == "t0k"


def test_an_unreachable_hub_says_what_to_check(tmp_path, monkeypatch):
    import huggingface_hub

    def offline(**kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", offline)
    with pytest.raises(RuntimeError, match="unset GENJUDGE_LEADERBOARD_REPO") as error:
        LeaderboardStore(tmp_path / "lb", hub=HubMirror("org/board", api=RecordingApi(), token="secret-t0k"))
    assert "secret-t0k" not in str(error.value)
