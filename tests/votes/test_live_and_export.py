"""Live numbers (agreement with intervals, win rates side by side) and the export that
``genjudge arena report`` reads."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.scoring.agreement import judge_agreement
from genjudge.votes.export import official_records, write_official
from genjudge.votes.live import aligned, disagreements, live_numbers, vote_battles


def vote(uid, a, b, winner, voter="v1", kind="battle", flags=()):
    return {
        "uid": uid,
        "model_a": a,
        "model_b": b,
        "winner": winner,
        "voter": voter,
        "kind": kind,
        "flags": list(flags),
    }


JUDGE = pd.DataFrame(
    [("1", "x", "y", "A"), ("2", "x", "y", "Tie(B)"), ("3", "y", "z", "B")],
    columns=["uid", "model_a", "model_b", "winner"],
)
VOTES = [
    vote("1", "y", "x", "B"),  # shown the other way round: prefers x, as the judge does
    vote("1", "x", "y", "B", voter="v2"),  # a second voter disagrees
    vote("2", "x", "y", "Tie(B)"),
    vote("3", "z", "y", "Tie(A)"),  # prefers z, as the judge does
    vote("9", "x", "z", "B"),  # a pair the judge never judged: counted in win rates only
    vote("5", "gold reference", "broken output", "B", voter="v3", kind="control", flags=["failed_control"]),
    vote("2", "y", "x", "A", voter="v3"),  # the careless voter's battle vote: excluded
]


def test_votes_are_turned_to_the_judges_order_before_matching():
    votes, verdicts = aligned(vote_battles(VOTES[:4]), JUDGE)
    assert votes.to_dict("records")[0] == {"uid": "0", "model_a": "x", "model_b": "y", "winner": "A"}
    assert list(votes["model_a"]) == list(verdicts["model_a"]) == ["x", "x", "x", "y"]
    assert list(votes["winner"]) == ["A", "B", "Tie(B)", "Tie(B)"]


def test_live_agreement_is_judge_agreement_per_vote_with_an_interval_around_it():
    numbers = live_numbers(VOTES, JUDGE, rounds=300, seed=0)
    assert (numbers.votes, numbers.counted, numbers.controls, numbers.flagged_voters) == (7, 5, 1, 1)
    votes, verdicts = aligned(vote_battles(VOTES[:5]), JUDGE)
    expected = judge_agreement(verdicts, votes).table.loc["all"]
    table = numbers.agreement
    assert table.loc["fdt", "agreement"] == pytest.approx(0.75) == expected["fdt"]  # 3 of 4 votes
    assert table.loc["with_tie", "agreement"] == pytest.approx(expected["with_tie"])  # 2 of 4
    assert table.loc["without_tie", "agreement"] == pytest.approx(0.5)  # x-y votes only, 1 of 2
    assert table.loc["without_tie", "pairs"] == 2
    for variant, row in table.iterrows():
        assert row["lower"] <= row["agreement"] <= row["upper"], variant
    rates = numbers.win_rates.set_index("model")
    assert rates.loc["x", "votes"] == 4 and rates.loc["x", "judge_battles"] == 2
    assert rates.loc["z", "crowd_fdt"] == pytest.approx(1.0)  # beat y and x
    assert rates.loc["z", "judge_fdt"] == pytest.approx(1.0)


def test_disagreements_are_pairs_where_the_crowd_majority_differs_from_the_judge():
    votes = vote_battles(
        [vote("1", "x", "y", "B"), vote("1", "y", "x", "Tie(A)", voter="v2"), vote("3", "z", "y", "A")]
    )
    assert disagreements(votes, JUDGE) == [("1", "x", "y")]
    tied = vote_battles([vote("1", "x", "y", "B"), vote("1", "x", "y", "A", voter="v2")])
    assert disagreements(tied, JUDGE) == []  # an even split is no majority


def test_exported_votes_are_what_arena_report_scores(tmp_path):
    records = official_records(VOTES)
    assert len(records) == 5  # no control, nothing of the careless voter
    assert records[0] == {
        "data_id": "1",
        "model_A": {"id": "1", "name": "y"},
        "model_B": {"id": "0", "name": "x"},
        "winner": "B",
    }
    assert len(official_records(VOTES, include_flagged=True)) == 6
    path = tmp_path / "judge_modelAB_results.json"
    assert write_official(path, VOTES) == 5
    result = CliRunner().invoke(
        app, ["arena", "report", str(path), "--bootstrap", "0", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    fdt = {row["model"]: row["fdt"] for row in report["win_rates"]}
    crowd = live_numbers(VOTES, JUDGE, rounds=10).win_rates.set_index("model")["crowd_fdt"]
    assert fdt == pytest.approx(crowd.to_dict())
    assert fdt == pytest.approx({"x": 0.25, "y": 0.5, "z": 1.0})


def test_the_cell_bootstrap_matches_resampling_the_votes():
    import numpy as np

    from genjudge.votes.live import agreement_with_intervals

    rng = np.random.default_rng(5)
    labels = ["A", "B", "Tie(A)", "Tie(B)"]
    judge = pd.DataFrame(
        [(str(k), "x", "y", labels[k % 4]) for k in range(150)],
        columns=["uid", "model_a", "model_b", "winner"],
    )
    human = judge.assign(
        winner=[w if rng.random() < 0.6 else labels[rng.integers(4)] for w in judge["winner"]]
    )
    fast = agreement_with_intervals(human, judge, rounds=2000, seed=1)
    keys = np.arange(150).astype(str)  # a resample repeats votes: give each draw its own key

    def resampled(pick) -> list[float]:
        table = judge_agreement(judge.iloc[pick].assign(uid=keys), human.iloc[pick].assign(uid=keys)).table
        return [table.loc["all", v] for v in ("fdt", "with_tie", "without_tie")]

    slow = np.array([resampled(rng.integers(150, size=150)) for _ in range(300)])
    assert fast["lower"].to_numpy() == pytest.approx(np.nanpercentile(slow, 2.5, axis=0), abs=0.03)
    assert fast["upper"].to_numpy() == pytest.approx(np.nanpercentile(slow, 97.5, axis=0), abs=0.03)


def test_a_majority_export_gives_each_pair_one_verdict_as_a_human_reference_file_has(tmp_path):
    votes = [
        vote("1", "y", "x", "B"),  # x wins, shown the other way round
        vote("1", "x", "y", "A", voter="v2"),  # x wins
        vote("1", "x", "y", "Tie(B)", voter="v4"),  # outvoted
        vote("2", "x", "y", "A"),
        vote("2", "y", "x", "Tie(B)", voter="v2"),  # one each: the latest vote settles it
        vote("3", "z", "y", "Tie(A)"),
    ]
    records = official_records(votes, per_pair="majority")
    assert [(r["data_id"], r["model_A"]["name"], r["model_B"]["name"], r["winner"]) for r in records] == [
        ("1", "x", "y", "A"),
        ("2", "x", "y", "Tie(A)"),
        ("3", "y", "z", "Tie(B)"),
    ]
    assert len(official_records(votes)) == 6
    path = tmp_path / "judge_modelAB_results.json"
    write_official(path, votes, per_pair="majority")
    result = CliRunner().invoke(
        app,
        [
            "arena",
            "report",
            str(path),
            "--human",
            str(path),
            "--bootstrap",
            "0",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0, result.output  # one verdict per pair: usable as --human
