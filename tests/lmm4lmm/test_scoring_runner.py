"""The scoring runner: cache by content hash (not pairwise), resume, image cap, failures,
and the scoring registry loading LMM4LMM by name from a local folder."""

from __future__ import annotations

import hashlib
import io
import math

import pytest
from PIL import Image

from genjudge.judges.cache import VerdictCache
from genjudge.judges.runner import IncompleteRun
from genjudge.judges.scoring_protocol import PartialScores, ScoringItem
from genjudge.judges.scoring_registry import load_scoring_judge, scoring_judge_names
from genjudge.judges.scoring_runner import score_items


class CountingJudge:
    """Scores an image by its byte length and width; records every item it is shown."""

    judge_id, revision, prompt_version = "test/size", "1", "p1"
    score_names = ("size", "width")

    def __init__(self, uses_prompt: bool = False, uses_question: bool = False, fail_on: bytes | None = None):
        self.uses_prompt = uses_prompt
        self.uses_question = uses_question
        self.fail_on = fail_on
        self.seen: list[ScoringItem] = []
        self.batches: list[int] = []

    def score_batch(self, items):
        self.seen.extend(items)
        self.batches.append(len(items))
        scores = [None if item.image == self.fail_on else self._score(item) for item in items]
        failures = {i: "unreadable" for i, s in enumerate(scores) if s is None}
        if failures:
            raise PartialScores(scores, failures)
        return scores

    @staticmethod
    def _score(item):
        with Image.open(io.BytesIO(item.image)) as img:
            return {"size": float(len(item.image)), "width": float(img.width)}


def test_scores_come_back_in_order_and_a_rerun_is_all_cached(tmp_path, png):
    items = [ScoringItem(f"prompt {i}", png((i * 40, 0, 0), (20 + i, 20))) for i in range(5)]
    judge = CountingJudge()
    first = score_items(judge, items, cache=tmp_path / "c.sqlite", batch_size=2, progress=False)
    assert first.column("width") == [20.0, 21.0, 22.0, 23.0, 24.0]
    assert judge.batches == [2, 2, 1]
    assert (first.n_scored, first.n_cached) == (5, 0)
    again = CountingJudge()
    second = score_items(again, items, cache=tmp_path / "c.sqlite", progress=False)
    assert again.seen == [] and second.n_cached == 5 and all(item.cached for item in second)
    assert [dict(s.scores) for s in second] == [dict(s.scores) for s in first]


def test_the_key_holds_only_what_the_judge_sees(tmp_path, png):
    image = png((1, 2, 3))
    two_prompts = [ScoringItem("a fox", image, "q1"), ScoringItem("a whale", image, "q2")]
    blind = CountingJudge()
    score_items(blind, two_prompts, cache=tmp_path / "c.sqlite", progress=False)
    assert len(blind.seen) == 1  # a perception-style judge scores the image once
    reading = CountingJudge(uses_prompt=True)
    score_items(reading, two_prompts, progress=False)
    assert len(reading.seen) == 2
    asking = CountingJudge(uses_question=True)
    score_items(asking, two_prompts, progress=False)
    assert len(asking.seen) == 2
    with pytest.raises(ValueError, match=r"have no question"):
        score_items(asking, [ScoringItem("a fox", image)], progress=False)


def test_the_score_cache_lives_beside_verdicts_with_its_own_non_pairwise_key(tmp_path, png):
    image = png((9, 9, 9))
    score_items(CountingJudge(), [ScoringItem("p", image)], cache=tmp_path / "c.sqlite", progress=False)
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        assert len(cache) == 0  # no pairwise verdict was written
        query = "SELECT judge_id, image_hash, prompt_hash, question_hash FROM scores"
        rows = list(cache._conn.execute(query))
    assert rows == [("test/size", hashlib.sha256(image).hexdigest(), "", None)]


def test_images_are_capped_before_the_judge_and_the_cap_is_part_of_the_key(tmp_path, png):
    item = ScoringItem("p", png((5, 5, 5), (300, 150)))
    judge = CountingJudge()
    capped = score_items(judge, [item], cache=tmp_path / "c.sqlite", max_image_side=100, progress=False)
    assert capped.column("width") == [100.0]
    full = score_items(judge, [item], cache=tmp_path / "c.sqlite", progress=False)
    assert full.column("width") == [300.0] and full.n_scored == 1


def test_a_failed_item_is_reported_and_the_others_are_kept(tmp_path, png):
    broken = png((7, 7, 7))
    items = [ScoringItem("a", png((1, 1, 1))), ScoringItem("b", broken), ScoringItem("c", png((2, 2, 2)))]
    with pytest.raises(IncompleteRun, match=r"1 of 3 items got no verdict.*item 1: unreadable"):
        score_items(CountingJudge(fail_on=broken), items, cache=tmp_path / "c.sqlite", progress=False)
    retry = CountingJudge()
    run = score_items(retry, items, cache=tmp_path / "c.sqlite", progress=False)
    assert [item.image for item in retry.seen] == [broken] and run.n_cached == 2


def test_a_judge_returning_nan_is_refused(png):
    class NanJudge(CountingJudge):
        def score_batch(self, items):
            return [{"size": math.nan, "width": 1.0} for _ in items]

    with pytest.raises(ValueError, match="non-finite"):
        score_items(NanJudge(), [ScoringItem("p", png((0, 0, 0)))], progress=False)


def test_lmm4lmm_by_name_from_a_local_folder_end_to_end(tmp_path, png):
    from support.random_internvl import save_random_checkpoint

    assert scoring_judge_names() == ["lmm4lmm-perception", "lmm4lmm-correspondence", "lmm4lmm-qa"]
    folder = save_random_checkpoint(tmp_path / "tiny-lmm4lmm")
    judge = load_scoring_judge("lmm4lmm-correspondence", model=str(folder), device="cpu")
    assert (judge.judge_id, judge.score_names) == ("lmm4lmm-correspondence", ("correspondence",))
    items = [ScoringItem("a red fox", png((200, 0, 0))), ScoringItem("a lighthouse", png((0, 0, 200)))]
    run = score_items(judge, items, cache=tmp_path / "scores.sqlite", batch_size=2, progress=False)
    assert run.revision.startswith("local-sha256:") and len(set(run.column("correspondence"))) == 2
    rerun = score_items(judge, items, cache=tmp_path / "scores.sqlite", progress=False)
    assert rerun.n_scored == 0 and rerun.column("correspondence") == run.column("correspondence")


def test_registry_errors_name_the_choices():
    with pytest.raises(ValueError, match="available scoring judges: 'lmm4lmm-perception'"):
        load_scoring_judge("clip")
    with pytest.raises(ValueError, match="fixes task"):
        load_scoring_judge("lmm4lmm-qa", task="perception")
    with pytest.raises(ValueError, match=r"does not take option.*modle.*accepts: task, model, revision"):
        load_scoring_judge("lmm4lmm-qa", modle="x")
