"""Readers for the Interleaved Arena JSON files: shapes and errors that name file, record, field."""

from __future__ import annotations

import json

import pytest

from genjudge.benchmarks.opening.arena import ArenaFormatError, read_gpt_scores, read_pairs, read_verdicts


def test_read_verdicts_gives_a_battles_frame(arena_dir):
    verdicts = read_verdicts(arena_dir / "judge_modelAB_results.json")
    assert list(verdicts.columns) == ["uid", "model_a", "model_b", "winner", "model_a_id", "model_b_id"]
    assert len(verdicts) == 6
    assert verdicts.iloc[1].tolist() == ["0101002", "Y", "Z", "Tie(A)", "1", "2"]


def test_read_pairs_and_scores(arena_dir):
    pairs = read_pairs(arena_dir / "data_instance_modelAB.json")
    assert pairs.iloc[0].tolist() == ["0101001", "X", "Y", "0", "1"]
    scores = read_gpt_scores(arena_dir / "gpt-score_results.json")
    assert len(scores) == 3
    assert scores.iloc[1][["model", "criterion", "score"]].tolist() == ["X", "Content Quality", 5]


def write(path, payload):
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


GOOD = {
    "data_id": "1",
    "model_A": {"id": "0", "name": "X"},
    "model_B": {"id": "1", "name": "Y"},
    "winner": "A",
}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([GOOD, {**GOOD, "winner": "C"}], r"record 1 \(data_id=1\) field 'winner' is 'C'"),
        ([{k: v for k, v in GOOD.items() if k != "winner"}], r"record 0 has no field 'winner'"),
        ([{**GOOD, "model_B": {"id": "1"}}], r"record 0 field model_B.name is missing"),
        (
            [{**GOOD, "model_B": {"id": "0", "name": "X"}}],
            r"record 0 \(data_id=1\) field 'model_B.name' pairs model 'X' with itself",
        ),
        ([{**GOOD, "data_id": None}], r"record 0 field 'data_id' must be a string"),
        ({"data_id": "1"}, r"expected a JSON list"),
        ([], r"holds no records"),
        (["not a record"], r"record 0 is a str"),
    ],
)
def test_bad_verdict_files_name_file_record_and_field(tmp_path, payload, message):
    path = write(tmp_path / "verdicts.json", payload)
    with pytest.raises(ArenaFormatError, match=message) as error:
        read_verdicts(path)
    assert "verdicts.json" in str(error.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(ArenaFormatError, match="file not found"):
        read_verdicts(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    with pytest.raises(ArenaFormatError, match="not valid JSON"):
        read_pairs(tmp_path / "broken.json")
    write(
        tmp_path / "scores.json",
        [{"data_id": "1", "model": {"id": "0", "name": "X"}, "score": {"C": {"Score": "7"}}}],
    )
    with pytest.raises(ArenaFormatError, match=r"field 'score.C.Score' must be an integer, got a string '7'"):
        read_gpt_scores(tmp_path / "scores.json")
