"""Win rates: hand-checked on the fixture, and against a loop-by-loop reference on random battles."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genjudge.scoring.battles import validate_battles
from genjudge.scoring.winrate import VARIANTS, win_rate_matrices, win_rate_matrix, win_rates


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["uid", "model_a", "model_b", "winner"])


def test_all_four_variants_match_hand_counts(human_battles):
    rates = win_rates(human_battles)
    # X: won 3 outright, 1 tie leaning to Z. Y: lost 3, 1 tie leaning to itself.
    # Z: 1 win, 1 loss, one tie leaning each way.
    assert rates.loc["X", list(VARIANTS)].tolist() == [0.75, 0.75, 0.875, 1.0]
    assert rates.loc["Y", list(VARIANTS)].tolist() == [0.25, 0.0, 0.125, 0.0]
    assert rates.loc["Z", list(VARIANTS)].tolist() == [0.5, 0.25, 0.5, 0.5]
    assert rates.loc[
        "Z", ["battles", "wins", "losses", "ties_lean_self", "ties_lean_other", "decisive"]
    ].tolist() == [4, 1, 1, 1, 1, 2]
    assert rates.index.tolist() == ["X", "Z", "Y"]  # sorted by FDT


def test_matrix_cells_are_head_to_head_rates(human_battles):
    matrix = win_rate_matrix(human_battles, "fdt")
    # X met Z twice: won once outright (row 3) and lost a tie leaning to Z (row 4).
    assert matrix.loc["X", "Z"] == 0.5
    assert matrix.loc["Z", "X"] == 0.5
    assert matrix.loc["X", "Y"] == 1.0
    assert math.isnan(matrix.loc["X", "X"])
    assert matrix.index.tolist() == matrix.columns.tolist() == ["X", "Z", "Y"]


def test_without_tie_matrix_drops_ties_and_leaves_tie_only_pairs_empty():
    battles = frame([("1", "P", "Q", "Tie(A)"), ("2", "P", "R", "A"), ("3", "R", "Q", "B")])
    matrix = win_rate_matrix(battles, "without_tie")
    assert math.isnan(matrix.loc["P", "Q"])  # their only battle was a tie
    assert matrix.loc["P", "R"] == 1.0


def test_model_with_only_ties_has_no_without_tie_rate():
    rates = win_rates(frame([("1", "P", "Q", "Tie(A)"), ("2", "P", "R", "A")]))
    assert math.isnan(rates.loc["Q", "without_tie"])
    assert rates.loc["Q", "fdt"] == 0.0


def test_plain_tie_counts_half_to_each_side_under_fdt():
    rates = win_rates(frame([("1", "P", "Q", "Tie"), ("2", "P", "Q", "A")]))
    assert rates.loc["P", "fdt"] == 0.75
    assert rates.loc["Q", "fdt"] == 0.25
    assert rates.loc["P", "with_tie_0"] == 0.5
    assert rates.loc["P", "with_tie_05"] == 0.75
    assert rates.loc["P", "without_tie"] == 1.0
    assert rates.loc["P", "ties_plain"] == 1


def test_integer_uids_are_accepted():
    battles = pd.DataFrame(
        {"uid": [1, 2], "model_a": ["P", "P"], "model_b": ["Q", "Q"], "winner": ["A", "B"]}
    )
    assert win_rates(battles).loc["P", "fdt"] == 0.5


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("1", "P", "Q", "a")], r"row 0 .*winner='a'.* unknown winner label"),
        ([("1", "P", "Q", "A"), ("2", "P", "P", "B")], r"row 1 .*model_a='P', model_b='P'.* itself"),
        ([("1", "P", None, "A")], r"row 0 .* missing value"),
        ([("1", "P", "Q", "Tie (A)")], r"unknown winner label"),
    ],
)
def test_bad_battles_name_the_row(rows, message):
    with pytest.raises(ValueError, match=message):
        win_rates(frame(rows))


def test_empty_and_missing_columns_are_refused(human_battles):
    with pytest.raises(ValueError, match="empty"):
        win_rates(frame([]))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['winner'\]"):
        win_rates(pd.DataFrame({"uid": ["1"], "model_a": ["P"], "model_b": ["Q"]}))
    with pytest.raises(ValueError, match="unknown win-rate variant"):
        win_rate_matrix(human_battles, "elo")


def test_validate_returns_string_columns_and_keeps_extras():
    battles = pd.DataFrame(
        {"uid": [7], "model_a": ["P"], "model_b": ["Q"], "winner": ["A"], "judge": ["intjudge"]}
    )
    clean = validate_battles(battles)
    assert clean.loc[0, "uid"] == "7"
    assert clean.loc[0, "judge"] == "intjudge"


# --- property test against a straightforward reference --------------------------------------

CREDIT = {  # variant -> winner -> (credit to A, credit to B, counted)
    "fdt": {"A": (1, 0, 1), "B": (0, 1, 1), "Tie(A)": (1, 0, 1), "Tie(B)": (0, 1, 1), "Tie": (0.5, 0.5, 1)},
    "with_tie_0": {
        "A": (1, 0, 1),
        "B": (0, 1, 1),
        "Tie(A)": (0, 0, 1),
        "Tie(B)": (0, 0, 1),
        "Tie": (0, 0, 1),
    },
    "with_tie_05": {
        "A": (1, 0, 1),
        "B": (0, 1, 1),
        "Tie(A)": (0.5, 0.5, 1),
        "Tie(B)": (0.5, 0.5, 1),
        "Tie": (0.5, 0.5, 1),
    },
    "without_tie": {
        "A": (1, 0, 1),
        "B": (0, 1, 1),
        "Tie(A)": (0, 0, 0),
        "Tie(B)": (0, 0, 0),
        "Tie": (0, 0, 0),
    },
}


def reference_rates(rows, variant):
    """Per model and per (model, opponent): credit / counted, one battle at a time."""
    credit, counted = defaultdict(float), defaultdict(float)
    pair_credit, pair_counted = defaultdict(float), defaultdict(float)
    for _, a, b, winner in rows:
        to_a, to_b, count = CREDIT[variant][winner]
        credit[a] += to_a
        credit[b] += to_b
        counted[a] += count
        counted[b] += count
        pair_credit[a, b] += to_a
        pair_credit[b, a] += to_b
        pair_counted[a, b] += count
        pair_counted[b, a] += count
    overall = {m: credit[m] / counted[m] if counted[m] else math.nan for m in counted}
    pairs = {k: pair_credit[k] / pair_counted[k] if pair_counted[k] else math.nan for k in pair_counted}
    return overall, pairs


battle_rows = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3"]),
        st.sampled_from(["m0", "m1", "m2", "m3"]),
        st.sampled_from(["m0", "m1", "m2", "m3"]),
        st.sampled_from(["A", "B", "Tie(A)", "Tie(B)", "Tie"]),
    ).filter(lambda row: row[1] != row[2]),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(battle_rows)
def test_win_rates_match_reference(rows):
    rates = win_rates(frame(rows))
    matrices = win_rate_matrices(frame(rows))
    for variant in VARIANTS:
        overall, pairs = reference_rates(rows, variant)
        for model, expected in overall.items():
            np.testing.assert_allclose(rates.loc[model, variant], expected, equal_nan=True)
        for (model, opponent), expected in pairs.items():
            np.testing.assert_allclose(matrices[variant].loc[model, opponent], expected, equal_nan=True)
    # FDT gives every battle exactly one point: the credit shares sum to the number of battles.
    np.testing.assert_allclose((rates["fdt"] * rates["battles"]).sum(), len(rows))


def test_any_index_works_and_rows_are_named_by_position(human_battles):
    shuffled = human_battles.set_axis([10, 3, 7, 1, 0, 99])
    pd.testing.assert_frame_equal(win_rates(shuffled), win_rates(human_battles))
    broken = shuffled.copy()
    broken.loc[7, "winner"] = "?"
    with pytest.raises(ValueError, match=r"row 2 \(uid='0101003'"):
        win_rates(broken)


def test_object_and_arrow_text_columns_give_the_same_result(human_battles):
    as_object = human_battles.astype(object)
    pd.testing.assert_frame_equal(win_rates(as_object), win_rates(human_battles), check_index_type=False)
