"""The scores table of the verdict cache: its own key, append-only, no non-finite numbers, and
read again from a file the previous release wrote."""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3

import pytest

from genjudge.judges.cache import SCHEMA_VERSION, CacheKey, ScoreKey, VerdictCache
from genjudge.judges.protocol import Media, ScoringItem, Verdict
from genjudge.judges.scoring_runner import score_items


def key(**changes) -> ScoreKey:
    fields = {
        "judge_id": "lmm4lmm-perception",
        "revision": "r1",
        "prompt_version": "p1",
        "prompt_hash": "",
        "media_hash": "abc",
        **changes,
    }
    return ScoreKey(**fields)


def test_scores_round_trip_and_the_first_stored_scores_win(tmp_path):
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        cache.put_scores([(key(), {"perception": 61.5})])
        cache.put_scores([(key(), {"perception": 10.0})])
        assert cache.get_scores([key()]) == {key().digest: {"perception": 61.5}}
    with VerdictCache(tmp_path / "c.sqlite") as reopened:
        assert reopened.get_scores([key(), key(media_hash="other")]) == {key().digest: {"perception": 61.5}}


def test_every_field_of_the_key_counts():
    base = key().digest
    for change in ({"revision": "r2"}, {"prompt_hash": "x"}, {"question_hash": "q"}, {"max_image_side": 512}):
        assert key(**change).digest != base
    assert key(media_type="image/png").digest == base  # the bytes' hash already decides what they are


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


# The tables as the release before media types wrote them (schema version 0, no user_version).
RELEASE_0_SCHEMA = """
CREATE TABLE verdicts (
    key TEXT PRIMARY KEY, judge_id TEXT NOT NULL, revision TEXT NOT NULL, prompt_version TEXT NOT NULL,
    input_hash TEXT NOT NULL, shown_first_hash TEXT NOT NULL, shown_second_hash TEXT NOT NULL,
    reference_hash TEXT, max_image_side INTEGER, winner TEXT NOT NULL, probabilities TEXT NOT NULL,
    raw TEXT, created_at REAL NOT NULL
);
CREATE TABLE scores (
    key TEXT PRIMARY KEY, judge_id TEXT NOT NULL, revision TEXT NOT NULL, prompt_version TEXT NOT NULL,
    prompt_hash TEXT NOT NULL, image_hash TEXT NOT NULL, question_hash TEXT, max_image_side INTEGER,
    scores TEXT NOT NULL, created_at REAL NOT NULL
);
"""


class WidthJudge:
    judge_id, revision, prompt_version = "test/width", "1", "p1"
    score_names, uses_prompt, uses_question = ("width",), False, False

    def __init__(self):
        self.seen = []

    def score_batch(self, items):
        self.seen.extend(items)
        return [{"width": float(len(item.media.data))} for item in items]


def write_release_0_cache(path, image: bytes) -> None:
    """A cache as the previous release left it: one score of ``image`` by ``WidthJudge`` (key
    digest computed as that release did) and one pairwise verdict."""

    def digest(*fields: str) -> str:
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()

    image_hash = hashlib.sha256(image).hexdigest()
    score_row = ("test/width", "1", "p1", "", image_hash, None, None, '{"width": 7.0}', 1.0)
    verdict_row = ("j", "r", "p", "in", "a", "b", None, None, "B", '{"B": 1.0}', None, 1.0)
    with sqlite3.connect(path) as conn:
        conn.executescript(RELEASE_0_SCHEMA)
        key = digest("score", "test/width", "1", "p1", "", image_hash, "", "")
        conn.execute("INSERT INTO scores VALUES (?,?,?,?,?,?,?,?,?,?)", (key, *score_row))
        key = digest("j", "r", "p", "in", "a", "b", "", "")
        conn.execute("INSERT INTO verdicts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (key, *verdict_row))


def test_a_cache_written_by_the_previous_release_is_read_and_migrated(tmp_path, png):
    path = tmp_path / "old.sqlite"
    image = png((3, 4, 5))
    write_release_0_cache(path, image)

    judge = WidthJudge()
    run = score_items(judge, [ScoringItem("p", Media.image(image))], cache=path, progress=False)
    assert judge.seen == [] and run.n_cached == 1 and run.column("width") == [7.0]  # the old score counts

    with VerdictCache(path) as cache:
        assert cache.get_many([CacheKey("j", "r", "p", "in", "a", "b")])  # and so do old verdicts
        columns = [row[1] for row in cache._conn.execute("PRAGMA table_info(scores)")]
        assert "media_hash" in columns and "image_hash" not in columns
        assert list(cache._conn.execute("SELECT media_type FROM scores")) == [("image/*",)]
        assert cache._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    new = png((9, 9, 9))
    score_items(judge, [ScoringItem("p", Media.image(new))], cache=path, progress=False)
    assert [item.media.data for item in judge.seen] == [new]


def test_a_cache_from_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ValueError, match="written by a newer genjudge"):
        VerdictCache(path)
