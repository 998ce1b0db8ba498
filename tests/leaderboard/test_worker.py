"""The worker judges only new pairs, resumes interrupted jobs, and publishes a consistent board."""

from __future__ import annotations

import json

import pandas as pd
from leaderboard_helpers import WordCountJudge, make_zip, zip_folder

from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.store import FAILED, FINISHED, LeaderboardStore
from genjudge.leaderboard.worker import Worker, sample_new_pairs


def queue(store, tmp_path, instances, models, first_quality=1):
    """Submit one zip per model; later models write longer answers (the test judge prefers them)."""
    sids = {}
    for quality, model in enumerate(models, start=first_quality):
        folder = tmp_path / f"zip-{model}"
        folder.mkdir()
        sids[model] = store.submit(
            make_zip(folder, model, quality), benchmark="opening", instances=instances, model_name=model
        ).submission_id
    return sids


def test_pairs_involve_only_the_new_model_and_are_reproducible():
    uids = [str(i) for i in range(50)]
    pairs = sample_new_pairs(uids, "new", ["a", "b", "c"], seed=1, per_instance=2)
    assert len(pairs) == 100
    assert ((pairs["model_a"] == "new") ^ (pairs["model_b"] == "new")).all()
    assert set(pairs["model_a"]) == {"new", "a", "b", "c"}  # both A/B orders occur
    assert pairs.groupby("uid").apply(lambda g: g[["model_a", "model_b"]].stack().nunique()).eq(3).all()
    pd.testing.assert_frame_equal(
        pairs, sample_new_pairs(uids, "new", ["c", "b", "a"], seed=1, per_instance=2)
    )
    assert not pairs.equals(sample_new_pairs(uids, "new", ["a", "b", "c"], seed=2, per_instance=2))


def test_each_new_model_judges_only_its_own_pairs(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    judge = WordCountJudge()
    worker = Worker(store, {"opening": instances}, judge)
    queue(store, tmp_path, instances, ["A"])
    worker.run_until_empty()
    assert judge.items == 0  # alone on the board: nothing to compare with
    queue(store, tmp_path, instances, ["B"], first_quality=2)
    worker.run_until_empty()
    assert judge.items == len(instances)
    queue(store, tmp_path, instances, ["C"], first_quality=3)
    worker.run_until_empty()
    assert judge.items == len(instances) + 2 * len(instances)
    board = store.read_board("opening")
    assert board["model"].tolist() == ["C", "B", "A"]  # more words win with this judge
    assert board["rank"].tolist() == [1, 2, 3]
    assert board.set_index("model")["battles"].to_dict() == {"C": 8, "B": 8, "A": 8}
    assert {r["status"] for r in store.requests()} == {FINISHED}


def test_identical_outputs_reuse_cached_verdicts(tmp_path, instances):
    """A re-upload of B's outputs under another name has B's content hashes: its battles against A
    in the same A/B order are taken from the verdict store instead of being judged again."""
    store = LeaderboardStore(tmp_path / "lb")
    judge = WordCountJudge()
    worker = Worker(store, {"opening": instances}, judge, per_instance=1)
    sids = queue(store, tmp_path, instances, ["A", "B"])
    worker.run_until_empty()
    before = judge.items
    copy = zip_folder(tmp_path / "zip-B" / "B_output", tmp_path / "copy.zip")
    sid = store.submit(copy, benchmark="opening", instances=instances, model_name="B-copy").submission_id
    worker.run_until_empty()
    old = {(v["uid"], v["hash_a"], v["hash_b"]) for v in store.read_verdicts("opening", sids["B"])}
    rows = store.read_verdicts("opening", sid)
    hits = sum((v["uid"], v["hash_a"], v["hash_b"]) in old for v in rows)
    assert len(rows) == len(instances) and hits > 0
    assert judge.items - before == len(rows) - hits


def test_a_judge_error_fails_the_job_with_its_reason(tmp_path, instances):
    class Broken(WordCountJudge):
        def judge_batch(self, items):
            raise RuntimeError("CUDA out of memory")

    store = LeaderboardStore(tmp_path / "lb")
    queue(store, tmp_path, instances, ["A", "B"])
    Worker(store, {"opening": instances}, Broken()).run_until_empty()
    statuses = {r["model"]: (r["status"], r["reason"]) for r in store.requests()}
    assert statuses == {"A": (FINISHED, None), "B": (FAILED, "RuntimeError: CUDA out of memory")}


def test_an_interrupted_job_resumes_with_the_same_result(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    queue(store, tmp_path, instances, ["A", "B", "C"])
    Worker(store, {"opening": instances}, WordCountJudge()).run_until_empty()
    reference = store.read_board("opening")

    store2 = LeaderboardStore(tmp_path / "lb2")
    (tmp_path / "q2").mkdir()
    queue(store2, tmp_path / "q2", instances, ["A", "B", "C"])
    worker = Worker(store2, {"opening": instances}, WordCountJudge(), batch_size=2)
    worker.run_once()
    worker.run_once()
    # Simulate a kill during C's job: claimed, half its verdicts stored, the rest lost.
    job = store2.claim_next()
    sid = job["submission_id"]
    resumed = Worker(store2, {"opening": instances}, WordCountJudge(), batch_size=2)
    resumed.process(job)
    full = store2.read_verdicts("opening", sid)
    store2.update_request(sid, status="RUNNING")
    store2.verdicts_path("opening", sid).write_text(
        "".join(json.dumps(v) + "\n" for v in full[:3]) + '{"torn'
    )
    judge = WordCountJudge()
    Worker(store2, {"opening": instances}, judge, batch_size=2).run_until_empty()
    assert judge.items == len(full) - 3
    board = store2.read_board("opening")
    columns = ["model", "winrate_fdt", "rating", "rank", "battles"]
    pd.testing.assert_frame_equal(board[columns], reference[columns])


def test_board_view_filters_and_sorts_a_cached_frame(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    queue(store, tmp_path, instances, ["alpha-1", "Beta-2", "alpha-3"])
    Worker(store, {"opening": instances}, WordCountJudge()).run_until_empty()
    view = BoardView(store, "opening")
    table = view.table()
    assert table["Model"].tolist() == ["alpha-3", "Beta-2", "alpha-1"]
    assert list(table.columns)[:3] == ["Rank", "Model", "BT rating"]
    assert view.table("ALPHA")["Model"].tolist() == ["alpha-3", "alpha-1"]
    assert view.table(sort_by="Model")["Model"].tolist() == ["alpha-1", "alpha-3", "Beta-2"]
    assert view.table(sort_by="Win rate FDT (%)", descending=False)["Model"].tolist()[0] == "alpha-1"
    assert view.table("nobody").empty
