"""The verdict cache on its own: keys, append-only writes, bulk lookups."""

from __future__ import annotations

import sqlite3

import pytest

from genjudge.judges.cache import CacheKey, VerdictCache
from genjudge.judges.protocol import Verdict


def key(n: int, **changes) -> CacheKey:
    fields = {
        "judge_id": "j",
        "revision": "r1",
        "prompt_version": "p1",
        "input_hash": f"in{n}",
        "shown_first_hash": f"a{n}",
        "shown_second_hash": f"b{n}",
        "reference_hash": None,
        "max_image_side": None,
    } | changes
    return CacheKey(**fields)


def test_every_field_of_the_key_matters():
    base = key(0)
    variants = [
        key(0, judge_id="other"),
        key(0, revision="r2"),
        key(0, prompt_version="p2"),
        key(0, input_hash="x"),
        key(0, shown_first_hash="b0", shown_second_hash="a0"),  # same outputs, other order shown
        key(0, reference_hash="gold"),
        key(0, max_image_side=512),
    ]
    digests = {base.digest, *(variant.digest for variant in variants)}
    assert len(digests) == 1 + len(variants)
    assert key(0).digest == base.digest


def test_store_and_look_up_many_verdicts_across_reopening(tmp_path):
    path = tmp_path / "nested" / "verdicts.sqlite"
    keys = [key(n) for n in range(1200)]  # more than one lookup chunk
    with VerdictCache(path) as cache:
        cache.put_many(
            [(k, Verdict("Tie(B)", {"Tie(B)": 0.6, "B": 0.4}, raw=f"r{i}")) for i, k in enumerate(keys)]
        )
    with VerdictCache(path) as cache:
        assert len(cache) == 1200
        found = cache.get_many([*keys, key(5000)])
    assert len(found) == 1200 and key(5000).digest not in found
    hit = found[keys[7].digest]
    assert hit.verdict == Verdict("Tie(B)", {"B": 0.4, "Tie(B)": 0.6}, raw="r7")
    assert hit.key == keys[7] and hit.created_at > 0


def test_append_only_the_first_verdict_for_a_key_stays(tmp_path):
    with VerdictCache(tmp_path / "v.sqlite") as cache:
        cache.put_many([(key(1), Verdict("A", {"A": 1.0}))])
        cache.put_many([(key(1), Verdict("B", {"B": 1.0}))])
        assert len(cache) == 1
        assert cache.get_many([key(1)])[key(1).digest].verdict.winner == "A"


def test_a_batch_with_an_invalid_verdict_is_rejected_whole(tmp_path):
    with VerdictCache(tmp_path / "v.sqlite") as cache:
        with pytest.raises(ValueError, match="cannot cache verdict 'Tie'"):
            cache.put_many([(key(1), Verdict("A")), (key(2), Verdict("Tie"))])  # type: ignore[arg-type]
        assert len(cache) == 0


def test_the_file_uses_write_ahead_logging(tmp_path):
    path = tmp_path / "v.sqlite"
    with VerdictCache(path) as cache:
        cache.put_many([(key(1), Verdict("A"))])
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
