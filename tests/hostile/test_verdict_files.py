"""Verdict files with a field of the wrong JSON type, refused by record and field, never a TypeError.

The Interleaved Arena format (``[{"data_id", "model_A": {"id", "name"}, "model_B": {...}, "winner"}]``)
is read by ``genjudge arena``, by the Judges board from uploads and by the human-verdict loader. A
label that is a list could not even be put in a set, and reached the user as a traceback; each case
here spoils one record of the shipped human verdicts and checks all three doors refuse it the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.opening.arena import ArenaFormatError, read_gpt_scores, read_verdicts
from genjudge.benchmarks.opening.judges_board import load_human_verdicts, sample_arena_dir
from genjudge.benchmarks.opening.judges_board.board import JudgesBoard
from genjudge.benchmarks.opening.judges_board.human import HumanVerdictsError
from genjudge.cli import app
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.safe_io.uploads import SubmissionError

HUMAN = sample_arena_dir() / "judge_modelAB_results.json"
SPOILED = 3  # the record each case changes

# A change to record 3, and the part of the refusal after "record 3 ".
WRONG_TYPES: dict[str, tuple[dict[str, Any], str]] = {
    "a label that is a list": ({"winner": ["A"]}, "field 'winner' is a list ['A']; expected one of"),
    "a label that is an object": ({"winner": {"A": 1}}, "field 'winner' is an object {'A': 1}; expected"),
    "a label that is a number": ({"winner": 1}, "field 'winner' is a number 1; expected one of"),
    "a label that is null": ({"winner": None}, "field 'winner' is null; expected one of"),
    "a label that is true": ({"winner": True}, "field 'winner' is true; expected one of"),
    "an instance id that is a list": (
        {"data_id": ["0101001"]},
        "field 'data_id' must be a string, got a list",
    ),
    "an instance id that is a float": (
        {"data_id": 101001.0},
        "field 'data_id' must be a string, got a number",
    ),
    "a model that is a string": ({"model_A": "MiniGPT-5"}, "field 'model_A' must be an object with 'id'"),
    "a model that is a list": (
        {"model_B": [1, "x"]},
        "field 'model_B' must be an object with 'id' and 'name'",
    ),
    "a model name that is an object": (
        {"model_A": {"id": "1", "name": {"en": "x"}}},
        "field 'model_A.name' must be a string, got an object",
    ),
    "a model id that is a list": (
        {"model_B": {"id": [2], "name": "x"}},
        "field 'model_B.id' must be a string",
    ),
    "a record without a label": ({"winner": "__drop__"}, "has no field 'winner'"),
}


def spoiled(tmp_path: Path, change: dict[str, Any]) -> Path:
    records = json.loads(HUMAN.read_text(encoding="utf-8"))
    record = {**records[SPOILED], **change}
    records[SPOILED] = {key: value for key, value in record.items() if value != "__drop__"}
    path = tmp_path / "verdicts.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def human():
    return load_human_verdicts()


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_the_reader_names_the_record_and_the_field(tmp_path: Path, case: str) -> None:
    change, expected = WRONG_TYPES[case]
    with pytest.raises(ArenaFormatError) as caught:
        read_verdicts(spoiled(tmp_path, change))
    assert str(caught.value).startswith(f"{tmp_path / 'verdicts.json'}: record {SPOILED} ")
    assert expected in str(caught.value)


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_arena_report_refuses_in_one_line_with_exit_2(tmp_path: Path, case: str) -> None:
    change, expected = WRONG_TYPES[case]
    result = CliRunner().invoke(app, ["arena", "report", str(spoiled(tmp_path, change)), "--bootstrap", "0"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    (line,) = result.output.strip().splitlines()
    assert "Traceback" not in result.output
    assert f"verdicts.json: record {SPOILED} " in line and expected in line


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_the_judges_board_refuses_the_upload_by_record_and_field(tmp_path: Path, human, case: str) -> None:
    change, expected = WRONG_TYPES[case]
    board = JudgesBoard(human, unseen=human.default_unseen(), bootstrap=0, reference_judge=None)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    with pytest.raises(SubmissionError) as caught:
        store.submit(spoiled(tmp_path, change), board, model_name="Judge-X")
    assert caught.value.file == "verdicts.json"
    assert str(caught.value).startswith(f"file 'verdicts.json': record {SPOILED} ") and expected in str(
        caught.value
    )
    assert str(tmp_path) not in str(caught.value) and store.requests() == []


def test_a_human_verdict_file_of_wrong_types_is_refused_when_loaded(tmp_path: Path) -> None:
    path = spoiled(tmp_path, {"winner": ["A"]})
    with pytest.raises(HumanVerdictsError, match=r"record 3 \(data_id=\d+\) field 'winner' is a list"):
        load_human_verdicts(str(path))


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ({"Coherence": {"Score": "7"}}, "field 'score.Coherence.Score' must be an integer, got a string '7'"),
        ({"Coherence": {"Score": [7]}}, "field 'score.Coherence.Score' must be an integer, got a list [7]"),
        (
            {"Coherence": {"Score": 7, "Justification": {"a": 1}}},
            "'score.Coherence.Justification' must be a string",
        ),
        ({"Coherence": [7]}, "field 'score.Coherence' has no 'Score'"),
        (["Coherence"], "field 'score' must be a non-empty object"),
    ],
)
def test_gpt_scores_of_the_wrong_type_are_refused_by_field(tmp_path: Path, score: Any, expected: str) -> None:
    record = {"data_id": "0101001", "model": {"id": "1", "name": "MiniGPT-5"}, "score": score}
    path = tmp_path / "gpt-score_results.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    with pytest.raises(ArenaFormatError) as caught:
        read_gpt_scores(path)
    assert "record 0 (data_id=0101001) " in str(caught.value) and expected in str(caught.value)
