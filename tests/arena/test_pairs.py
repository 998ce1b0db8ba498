"""Pair sampling: balanced, seeded, order randomised, and incremental when a model is added."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from genjudge.scoring.pairs import official_ring_pairs, sample_pairs

UIDS = [f"01010{i:02d}" for i in range(60)]
MODELS = ["m0", "m1", "m2", "m3", "m4"]


def unordered(frame: pd.DataFrame) -> Counter:
    return Counter(frozenset(pair) for pair in zip(frame["model_a"], frame["model_b"], strict=True))


def test_pairs_are_balanced_and_distinct_per_instance():
    pairs = sample_pairs(UIDS, MODELS, seed=0, per_instance=3)
    assert len(pairs) == 3 * len(UIDS)
    assert (pairs.groupby("uid").size() == 3).all()
    counts = unordered(pairs)
    assert len(counts) == 10 and max(counts.values()) - min(counts.values()) <= 1
    appearances = Counter(pairs["model_a"]) + Counter(pairs["model_b"])
    assert max(appearances.values()) - min(appearances.values()) <= 3
    per_uid = pairs.groupby("uid").apply(lambda g: len(unordered(g)), include_groups=False)
    assert (per_uid == 3).all()
    assert (pairs["model_a"] != pairs["model_b"]).all()


def test_sampling_is_seeded():
    pd.testing.assert_frame_equal(sample_pairs(UIDS, MODELS, seed=4), sample_pairs(UIDS, MODELS, seed=4))
    assert not sample_pairs(UIDS, MODELS, seed=4).equals(sample_pairs(UIDS, MODELS, seed=5))


def test_ab_order_is_randomised():
    pairs = sample_pairs([str(i) for i in range(500)], MODELS, seed=1)
    first_shown = Counter(pairs["model_a"])
    # Each model appears about 200 times; about half of them as A.
    for model in MODELS:
        appearances = first_shown[model] + (pairs["model_b"] == model).sum()
        assert 0.4 < first_shown[model] / appearances < 0.6


def test_adding_a_model_yields_only_its_new_pairs():
    existing = sample_pairs(UIDS, MODELS, seed=0)
    new = sample_pairs(UIDS, [*MODELS, "m5"], seed=1, existing=existing)
    assert ((new["model_a"] == "m5") | (new["model_b"] == "m5")).all()
    # As many battles as an existing model has on average (2 * 120 rows / 5 models = 48).
    assert len(new) == 48
    opponents = Counter(new["model_a"].where(new["model_a"] != "m5", new["model_b"]))
    assert set(opponents) == set(MODELS) and max(opponents.values()) - min(opponents.values()) <= 1
    combined = pd.concat([existing, new])
    keys = [(u, frozenset((a, b))) for u, a, b in combined.itertuples(index=False)]
    assert len(keys) == len(set(keys))
    # Nothing new when no model is new.
    assert sample_pairs(UIDS, MODELS, seed=1, existing=existing).empty


def test_bad_sampling_inputs():
    with pytest.raises(ValueError, match="more than once"):
        sample_pairs(UIDS, ["m0", "m0", "m1"], seed=0)
    with pytest.raises(ValueError, match="per_instance must be between 1 and 1"):
        sample_pairs(UIDS, ["m0", "m1"], seed=0, per_instance=2)
    existing = pd.DataFrame({"uid": ["x"], "model_a": ["m0"], "model_b": ["zz"]})
    with pytest.raises(ValueError, match=r"model\(s\) \['zz'\]"):
        sample_pairs(["x"], MODELS, seed=0, existing=existing)


def test_official_ring_scheme():
    subtasks = ["s1"] * 30 + ["s2"] * 30
    pairs = official_ring_pairs(UIDS, subtasks, MODELS, seed=0)
    assert len(pairs) == 2 * len(UIDS)
    first, extra = pairs.iloc[: len(UIDS)], pairs.iloc[len(UIDS) :]
    # Within a subtask, the first round walks a ring: 5 distinct ordered pairs, each model once as A.
    ring = first.iloc[:30]
    assert len(set(zip(ring["model_a"], ring["model_b"], strict=True))) == len(MODELS)
    assert sorted(Counter(ring["model_a"].iloc[:5]).keys()) == MODELS
    # The extra pair per instance never reuses a model of that instance's ring pair.
    for (_, a, b), (_, c, d) in zip(
        first.itertuples(index=False), extra.itertuples(index=False), strict=True
    ):
        assert not {a, b} & {c, d}
    pd.testing.assert_frame_equal(pairs, official_ring_pairs(UIDS, subtasks, MODELS, seed=0))
