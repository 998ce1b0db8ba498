"""Judge–human agreement: hand-checked on the fixture, explicit counts, and a reference check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genjudge.scoring.agreement import judge_agreement


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["uid", "model_a", "model_b", "winner"])


def test_overall_agreement_by_hand(judge_battles, human_battles):
    result = judge_agreement(judge_battles, human_battles)
    row = result.table.loc["all"]
    # Five shared pairs. FDT agrees on 0101001, 0101003 (B vs Tie(B)), 0101004.
    assert row["fdt"] == pytest.approx(3 / 5)
    # With tie: only 0101001 (A/A) and 0101004 (tie/tie).
    assert row["with_tie"] == pytest.approx(2 / 5)
    # Without tie: 0101001 (agree) and 0101005 (disagree) remain.
    assert row["without_tie"] == pytest.approx(1 / 2)
    assert (row["pairs"], row["pairs_without_tie"]) == (5, 2)
    assert result.counts == {
        "human_verdicts": 6,
        "judge_verdicts": 6,
        "human_duplicates_dropped": 0,
        "judge_duplicates_dropped": 0,
        "matched": 5,
        "human_only": 1,
        "judge_only": 1,
        "tie_pairs_dropped": 3,
    }
    assert list(result.table.index) == ["all"]


def test_seen_unseen_split_and_harmonic_mean(judge_battles, human_battles):
    result = judge_agreement(judge_battles, human_battles, unseen_models=["Z", "W"])
    table = result.table
    # Pairs with Z: 0101002, 0101003, 0101004 (unseen); 0101001, 0101005 (seen).
    assert table.loc["seen", "fdt"] == pytest.approx(1 / 2)
    assert table.loc["unseen", "fdt"] == pytest.approx(2 / 3)
    assert table.loc["unseen", "with_tie"] == pytest.approx(1 / 3)
    assert math.isnan(table.loc["unseen", "without_tie"])  # every unseen pair had a tie
    assert table.loc["harmonic_mean", "fdt"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert math.isnan(table.loc["harmonic_mean", "without_tie"])
    assert table.loc["seen", "pairs"] + table.loc["unseen", "pairs"] == table.loc["all", "pairs"]
    assert result.absent_unseen_models == ("W",)


def test_plain_tie_agrees_only_with_plain_tie_under_fdt():
    human = frame([("1", "P", "Q", "Tie"), ("2", "P", "Q", "Tie")])
    judge = frame([("1", "P", "Q", "Tie"), ("2", "P", "Q", "Tie(A)")])
    row = judge_agreement(judge, human).table.loc["all"]
    assert row["fdt"] == 0.5
    assert row["with_tie"] == 1.0


def test_pairs_are_matched_in_the_order_shown():
    human = frame([("1", "P", "Q", "A")])
    judge = frame([("1", "Q", "P", "B")])
    result = judge_agreement(judge, human)
    assert result.counts["matched"] == 0
    assert result.counts["human_only"] == result.counts["judge_only"] == 1
    assert math.isnan(result.table.loc["all", "fdt"])


def test_duplicates_are_an_error_unless_asked_to_keep_the_last():
    human = frame([("1", "P", "Q", "A"), ("1", "P", "Q", "B"), ("2", "P", "Q", "A")])
    judge = frame([("1", "P", "Q", "B"), ("2", "P", "Q", "A")])
    with pytest.raises(ValueError, match=r"human verdicts: row 0 .*judged more than once"):
        judge_agreement(judge, human)
    result = judge_agreement(judge, human, on_duplicate="last")
    assert result.counts["human_duplicates_dropped"] == 1
    assert result.table.loc["all", "fdt"] == 1.0


def test_bad_labels_are_reported_with_the_set_name(judge_battles, human_battles):
    with pytest.raises(ValueError, match=r"judge verdicts: row 0 .*unknown winner label"):
        judge_agreement(frame([("1", "P", "Q", "C")]), human_battles)
    with pytest.raises(ValueError, match="human verdicts is empty"):
        judge_agreement(judge_battles, frame([]))


def test_to_dict_is_json_ready(judge_battles, human_battles):
    result = judge_agreement(judge_battles, human_battles, unseen_models=["Z"])
    payload = result.to_dict()
    assert payload["agreement"]["unseen"]["without_tie"] is None
    assert payload["agreement"]["all"]["pairs"] == 5
    assert payload["counts"]["matched"] == 5


# --- property test against a straightforward reference --------------------------------------


def reference(judge_rows, human_rows, unseen):
    judge = {(u, a, b): w for u, a, b, w in judge_rows}
    human = {(u, a, b): w for u, a, b, w in human_rows}
    fdt = {"A": "A", "Tie(A)": "A", "B": "B", "Tie(B)": "B", "Tie": "Tie"}
    out = {}
    for group in ("all", "seen", "unseen"):
        keys = [
            k
            for k in human
            if k in judge and (group == "all" or ((k[1] in unseen or k[2] in unseen) == (group == "unseen")))
        ]

        def rate(pairs):
            return sum(pairs) / len(pairs) if pairs else math.nan

        out[group] = (
            rate([fdt[human[k]] == fdt[judge[k]] for k in keys]),
            rate([("Tie" in human[k] and "Tie" in judge[k]) or human[k] == judge[k] for k in keys]),
            rate([human[k] == judge[k] for k in keys if "Tie" not in human[k] and "Tie" not in judge[k]]),
        )
    return out


def unique_rows(rows):
    seen, out = set(), []
    for row in rows:
        if row[:3] not in seen:
            seen.add(row[:3])
            out.append(row)
    return out


verdicts = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3", "u4"]),
        st.sampled_from(["m0", "m1", "m2"]),
        st.sampled_from(["m0", "m1", "m2"]),
        st.sampled_from(["A", "B", "Tie(A)", "Tie(B)", "Tie"]),
    ).filter(lambda row: row[1] != row[2]),
    min_size=1,
    max_size=30,
).map(unique_rows)


@settings(max_examples=60, deadline=None)
@given(verdicts, verdicts)
def test_agreement_matches_reference(judge_rows, human_rows):
    result = judge_agreement(frame(judge_rows), frame(human_rows), unseen_models=["m2"])
    expected = reference(judge_rows, human_rows, {"m2"})
    for group, values in expected.items():
        np.testing.assert_allclose(
            result.table.loc[group, ["fdt", "with_tie", "without_tie"]].to_numpy(dtype=float),
            values,
            equal_nan=True,
        )
    counts = result.counts
    assert counts["matched"] + counts["human_only"] == len(human_rows)
    assert counts["matched"] + counts["judge_only"] == len(judge_rows)


def test_repeated_pairs_keep_the_last_verdict_wherever_they_are(judge_battles, human_battles):
    # The repeat sits after the other rows: the last verdict (B) wins, as in the official dict.
    repeated = pd.concat([human_battles, human_battles.iloc[[0]].assign(winner="B")], ignore_index=True)
    result = judge_agreement(judge_battles, repeated, on_duplicate="last")
    assert result.counts["human_duplicates_dropped"] == 1
    assert result.table.loc["all", "pairs"] == 5
    # 0101001 now disagrees (judge A, human B): FDT agreement drops from 3/5 to 2/5.
    assert result.table.loc["all", "fdt"] == pytest.approx(2 / 5)
