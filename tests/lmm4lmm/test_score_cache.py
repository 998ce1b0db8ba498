"""The scores table of the verdict cache: its own key, append-only, no non-finite numbers."""

from __future__ import annotations

import math

import pytest

from genjudge.judges.cache import CacheKey, ScoreKey, VerdictCache
from genjudge.judges.protocol import Verdict


def key(**changes) -> ScoreKey:
    fields = {
        "judge_id": "lmm4lmm-perception",
        "revision": "r1",
        "prompt_version": "p1",
        "prompt_hash": "",
        "image_hash": "abc",
        **changes,
    }
    return ScoreKey(**fields)


def test_scores_round_trip_and_the_first_stored_scores_win(tmp_path):
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        cache.put_scores([(key(), {"perception": 61.5})])
        cache.put_scores([(key(), {"perception": 10.0})])
        assert cache.get_scores([key()]) == {key().digest: {"perception": 61.5}}
    with VerdictCache(tmp_path / "c.sqlite") as reopened:
        assert reopened.get_scores([key(), key(image_hash="other")]) == {key().digest: {"perception": 61.5}}


def test_every_field_of_the_key_counts():
    base = key().digest
    for change in ({"revision": "r2"}, {"prompt_hash": "x"}, {"question_hash": "q"}, {"max_image_side": 512}):
        assert key(**change).digest != base


def test_score_and_verdict_rows_share_a_file_without_mixing(tmp_path):
    pair = CacheKey("j", "r", "p", "in", "a", "b")
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        cache.put_many([(pair, Verdict("A", {"A": 1.0}))])
        cache.put_scores([(key(), {"perception": 1.0})])
        assert len(cache) == 1 and len(list(cache.rows())) == 1
        assert cache.get_scores([key()]) and cache.get_many([pair])


def test_non_finite_scores_are_refused(tmp_path):
    with VerdictCache(tmp_path / "c.sqlite") as cache, pytest.raises(ValueError, match="non-finite"):
        cache.put_scores([(key(), {"perception": math.inf})])
