"""The worker judges only new pairs, resumes interrupted jobs, and publishes a consistent board."""

from __future__ import annotations

import pandas as pd
import pytest
from leaderboard_helpers import WordCountJudge, make_zip, opening_board, worker_for, zip_folder

from genjudge.benchmarks.opening.board import SPEC
from genjudge.judges.cache import VerdictCache
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.store import FAILED, FINISHED, RUNNING, LeaderboardStore
from genjudge.scoring.pairs import newcomer_pairs


def queue(store, tmp_path, instances, models, first_quality=1):
    """Submit one zip per model; later models write longer answers (the test judge prefers them)."""
    sids = {}
    for quality, model in enumerate(models, start=first_quality):
        folder = tmp_path / f"zip-{model}"
        folder.mkdir()
        sids[model] = store.submit(
            make_zip(folder, model, quality), opening_board(instances), model_name=model
        ).submission_id
    return sids


def test_pairs_involve_only_the_new_model_and_are_reproducible():
    uids = [str(i) for i in range(50)]
    pairs = newcomer_pairs(uids, "new", ["a", "b", "c"], seed=1, per_instance=2)
    assert len(pairs) == 100
    assert ((pairs["model_a"] == "new") ^ (pairs["model_b"] == "new")).all()
    assert set(pairs["model_a"]) == {"new", "a", "b", "c"}  # both A/B orders occur
    assert pairs.groupby("uid").apply(lambda g: g[["model_a", "model_b"]].stack().nunique()).eq(3).all()
    pd.testing.assert_frame_equal(pairs, newcomer_pairs(uids, "new", ["c", "b", "a"], seed=1, per_instance=2))
    assert not pairs.equals(newcomer_pairs(uids, "new", ["a", "b", "c"], seed=2, per_instance=2))


def test_each_new_model_judges_only_its_own_pairs(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    judge = WordCountJudge()
    worker = worker_for(store, instances, judge)
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
    # C won every battle and A lost every one: neither has a finite rating, so no interval separates
    # them and the BT ranks are shared (ranks need evidence, not point estimates)
    assert board["bt_rank"].tolist() == [1, 1, 1]
    assert board.set_index("model")["battles"].to_dict() == {"C": 8, "B": 8, "A": 8}
    assert {r["status"] for r in store.requests()} == {FINISHED}


def test_identical_outputs_reuse_cached_verdicts(tmp_path, instances):
    """A re-upload of B's outputs under another name has B's content hashes: its battles against A
    in the same A/B order are taken from the verdict store instead of being judged again."""
    store = LeaderboardStore(tmp_path / "lb")
    judge = WordCountJudge()
    worker = worker_for(store, instances, judge, per_instance=1)
    sids = queue(store, tmp_path, instances, ["A", "B"])
    worker.run_until_empty()
    before = judge.items
    copy = zip_folder(tmp_path / "zip-B" / "B_output", tmp_path / "copy.zip")
    sid = store.submit(copy, opening_board(instances), model_name="B-copy").submission_id
    worker.run_until_empty()
    old = {(v["uid"], v["hash_a"], v["hash_b"]) for v in store.read_export("verdicts", "opening", sids["B"])}
    rows = store.read_export("verdicts", "opening", sid)
    hits = sum((v["uid"], v["hash_a"], v["hash_b"]) in old for v in rows)
    assert len(rows) == len(instances) and hits > 0
    assert judge.items - before == len(rows) - hits


def test_a_judge_error_fails_the_job_with_its_reason(tmp_path, instances):
    class Broken(WordCountJudge):
        def judge_batch(self, items):
            raise RuntimeError("CUDA out of memory")

    store = LeaderboardStore(tmp_path / "lb")
    queue(store, tmp_path, instances, ["A", "B"])
    worker_for(store, instances, Broken()).run_until_empty()
    statuses = {r["model"]: (r["status"], r["reason"]) for r in store.requests()}
    assert statuses == {"A": (FINISHED, None), "B": (FAILED, "RuntimeError: CUDA out of memory")}


class Killed(BaseException):
    """Stands in for the process being killed: not an ``Exception``, so nothing catches it."""


class DiesAfter(WordCountJudge):
    """Judges ``batches`` batches, then the process 'dies' in the middle of the next one."""

    def __init__(self, batches: int) -> None:
        super().__init__()
        self.left = batches

    def judge_batch(self, items):
        if self.left == 0:
            raise Killed
        self.left -= 1
        return super().judge_batch(items)


def test_an_interrupted_job_resumes_with_the_same_result(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    queue(store, tmp_path, instances, ["A", "B", "C"])
    worker_for(store, instances, WordCountJudge()).run_until_empty()
    reference = store.read_board("opening")

    store2 = LeaderboardStore(tmp_path / "lb2")
    (tmp_path / "q2").mkdir()
    queue(store2, tmp_path / "q2", instances, ["A", "B", "C"])
    worker = worker_for(store2, instances, WordCountJudge(), batch_size=2)
    worker.run_once()
    worker.run_once()
    # C's job is claimed, two batches of its verdicts reach the cache, then the process dies.
    job = store2.claim_next()
    with pytest.raises(Killed):
        worker_for(store2, instances, DiesAfter(batches=2), batch_size=2).process(job)
    assert store2.request(job["submission_id"])["status"] == RUNNING
    assert store2.result(job["submission_id"]) is None  # nothing half-published
    with VerdictCache(store2.work_dir / "opening-verdicts.sqlite") as cache:
        assert len(cache) == len(instances) + 4  # B's battles and C's first two batches
    judge = WordCountJudge()
    worker_for(store2, instances, judge, batch_size=2).run_until_empty()
    assert judge.items == 2 * len(instances) - 4  # only what the killed run had not judged
    board = store2.read_board("opening")
    columns = ["model", "winrate_fdt", "rating", "rank", "bt_rank", "battles"]
    pd.testing.assert_frame_equal(board[columns], reference[columns])


def test_board_view_filters_and_sorts_a_cached_frame(tmp_path, instances):
    store = LeaderboardStore(tmp_path / "lb")
    queue(store, tmp_path, instances, ["alpha-1", "Beta-2", "alpha-3"])
    worker_for(store, instances, WordCountJudge()).run_until_empty()
    view = BoardView(store, "opening", SPEC)
    table = view.table()
    assert table["Model"].tolist() == ["alpha-3", "Beta-2", "alpha-1"]
    assert list(table.columns)[:3] == ["Rank", "Model", "Win rate, FDT (%)"]
    assert view.table("ALPHA")["Model"].tolist() == ["alpha-3", "alpha-1"]
    assert view.table(sort_by="Model")["Model"].tolist() == ["alpha-1", "alpha-3", "Beta-2"]
    assert view.table(sort_by="Win rate, FDT (%)", descending=False)["Model"].tolist()[0] == "alpha-1"
    assert view.table(sort_by="BT rating")["Model"].tolist()[0] == "alpha-3"
    assert view.table("nobody").empty
