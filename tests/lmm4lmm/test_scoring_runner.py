"""The scoring runner: cache by content hash (not pairwise), resume, image cap, failures,
and the scoring registry loading LMM4LMM by name from a local folder."""

from __future__ import annotations

import hashlib
import io
import math

import pytest
from PIL import Image

from genjudge.judges.cache import VerdictCache
from genjudge.judges.jobs import IncompleteRun
from genjudge.judges.protocol import Media, PartialScores, ScoringItem
from genjudge.judges.registry import load_scoring_judge, scoring_judge_names
from genjudge.judges.scoring_runner import score_items


def image_item(prompt: str, image: bytes, question: str | None = None) -> ScoringItem:
    return ScoringItem(prompt, Media.image(image), question)


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
        scores = [None if item.media.data == self.fail_on else self._score(item) for item in items]
        failures = {i: "unreadable" for i, s in enumerate(scores) if s is None}
        if failures:
            raise PartialScores(scores, failures)
        return scores

    @staticmethod
    def _score(item):
        with Image.open(io.BytesIO(item.media.data)) as img:
            return {"size": float(len(item.media.data)), "width": float(img.width)}


def test_scores_come_back_in_order_and_a_rerun_is_all_cached(tmp_path, png):
    items = [image_item(f"prompt {i}", png((i * 40, 0, 0), (20 + i, 20))) for i in range(5)]
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
    two_prompts = [image_item("a fox", image, "q1"), image_item("a whale", image, "q2")]
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
        score_items(asking, [image_item("a fox", image)], progress=False)


def test_the_score_cache_lives_beside_verdicts_with_its_own_non_pairwise_key(tmp_path, png):
    image = png((9, 9, 9))
    score_items(CountingJudge(), [image_item("p", image)], cache=tmp_path / "c.sqlite", progress=False)
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        assert len(cache) == 0  # no pairwise verdict was written
        query = "SELECT judge_id, media_hash, media_type, prompt_hash, question_hash FROM scores"
        rows = list(cache._conn.execute(query))
    assert rows == [("test/size", hashlib.sha256(image).hexdigest(), "image/png", "", None)]


def test_images_are_capped_before_the_judge_and_the_cap_is_part_of_the_key(tmp_path, png):
    item = image_item("p", png((5, 5, 5), (300, 150)))
    judge = CountingJudge()
    capped = score_items(judge, [item], cache=tmp_path / "c.sqlite", max_image_side=100, progress=False)
    assert capped.column("width") == [100.0]
    full = score_items(judge, [item], cache=tmp_path / "c.sqlite", progress=False)
    assert full.column("width") == [300.0] and full.n_scored == 1


def test_a_failed_item_is_reported_and_the_others_are_kept(tmp_path, png):
    broken = png((7, 7, 7))
    items = [image_item("a", png((1, 1, 1))), image_item("b", broken), image_item("c", png((2, 2, 2)))]
    with pytest.raises(IncompleteRun, match=r"1 of 3 items got no verdict.*item 1: unreadable"):
        score_items(CountingJudge(fail_on=broken), items, cache=tmp_path / "c.sqlite", progress=False)
    retry = CountingJudge()
    run = score_items(retry, items, cache=tmp_path / "c.sqlite", progress=False)
    assert [item.media.data for item in retry.seen] == [broken] and run.n_cached == 2


def test_a_judge_returning_nan_is_refused(png):
    class NanJudge(CountingJudge):
        def score_batch(self, items):
            return [{"size": math.nan, "width": 1.0} for _ in items]

    with pytest.raises(ValueError, match="non-finite"):
        score_items(NanJudge(), [image_item("p", png((0, 0, 0)))], progress=False)


def test_lmm4lmm_by_name_from_a_local_folder_end_to_end(tmp_path, png):
    from support.random_internvl import save_random_checkpoint

    assert scoring_judge_names() == ["lmm4lmm-perception", "lmm4lmm-correspondence", "lmm4lmm-qa"]
    folder = save_random_checkpoint(tmp_path / "tiny-lmm4lmm")
    judge = load_scoring_judge("lmm4lmm-correspondence", model=str(folder), device="cpu")
    assert (judge.judge_id, judge.score_names) == ("lmm4lmm-correspondence", ("correspondence",))
    items = [image_item("a red fox", png((200, 0, 0))), image_item("a lighthouse", png((0, 0, 200)))]
    run = score_items(judge, items, cache=tmp_path / "scores.sqlite", batch_size=2, progress=False)
    assert run.revision.startswith("local-sha256:") and len(set(run.column("correspondence"))) == 2
    rerun = score_items(judge, items, cache=tmp_path / "scores.sqlite", progress=False)
    assert rerun.n_scored == 0 and rerun.column("correspondence") == run.column("correspondence")


def test_registry_errors_name_the_choices():
    with pytest.raises(ValueError, match="available scoring judges: 'lmm4lmm-perception'"):
        load_scoring_judge("clip")
    with pytest.raises(ValueError, match="'intjudge' is a judge; available scoring judges: 'lmm4lmm"):
        load_scoring_judge("intjudge")
    with pytest.raises(ValueError, match="fixes task"):
        load_scoring_judge("lmm4lmm-qa", task="perception")
    with pytest.raises(ValueError, match=r"does not take option\(s\) modle; it accepts:\n  model: "):
        load_scoring_judge("lmm4lmm-qa", modle="x")


class ClipLengthJudge:
    """A video judge: scores a clip by its byte length and refuses anything but video."""

    judge_id, revision, prompt_version = "test/clip-length", "1", "p1"
    score_names, uses_prompt, uses_question = ("length",), True, False

    def __init__(self):
        self.seen: list[ScoringItem] = []

    def score_batch(self, items):
        self.seen.extend(items)
        scores = [
            {"length": float(len(item.media.data))} if item.media.kind == "video" else None for item in items
        ]
        failures = {i: "not a video" for i, s in enumerate(scores) if s is None}
        if failures:
            raise PartialScores(scores, failures)
        return scores


def test_a_video_reaches_its_judge_as_given_and_is_cached_by_its_bytes(tmp_path, png):
    clip = Media(b"\x00\x00\x00\x18ftypmp42" + bytes(64), "video/mp4")
    judge = ClipLengthJudge()
    items = [ScoringItem("a fox running", clip), ScoringItem("a fox running", Media.image(png((1, 1, 1))))]
    with pytest.raises(IncompleteRun, match="item 1: not a video"):
        score_items(judge, items, cache=tmp_path / "c.sqlite", max_image_side=16, progress=False)
    assert judge.seen[0].media == clip  # no image cap on a video, so none in its key either
    again = ClipLengthJudge()
    run = score_items(again, items[:1], cache=tmp_path / "c.sqlite", progress=False)
    assert again.seen == [] and run.column("length") == [76.0]
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        assert {row[0] for row in cache._conn.execute("SELECT media_type FROM scores")} == {"video/mp4"}


def test_an_image_type_is_read_from_its_bytes(png):
    assert Media.image(png((1, 2, 3))).media_type == "image/png"
    assert Media.image(b"\xff\xd8\xff\xe0 jpeg").media_type == "image/jpeg"
    assert Media.image(b"RIFF\x00\x00\x00\x00WEBPVP8 ").media_type == "image/webp"
    assert Media.image(b"not an image").media_type == "image/*"  # its judge reports it does not decode
    assert Media(b"", "video/mp4").kind == "video"
