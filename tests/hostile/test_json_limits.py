"""JSON past the interpreter's limits is refused with the file (and line) it came from, never a traceback.

Deep nesting ends in RecursionError inside ``json``, an integer of thousands of digits in Python's
int/str conversion limit, and a line that is not UTF-8 in UnicodeDecodeError; each is one
``genjudge.safe_io.bounded_json.JSONInputError`` here, and each reader turns it into its own located error.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hostile.hostile_helpers import UIDS, good_members, instances, write_zip

from genjudge.benchmarks.opening import read_benchmark, sample_dir
from genjudge.benchmarks.opening.repo import build_repo
from genjudge.benchmarks.opening.submission import validate_submission
from genjudge.safe_io import bounded_json as safe_json
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.uploads import SubmissionError

DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE_INT = b'{"data_id": ' + b"7" * 5_000 + b"}"
NOT_UTF8 = '{"text": "caf\xe9"}'.encode("latin-1")
NAN = b'{"score": NaN}'

HOSTILE = {
    "deep nesting": (DEEP, "nested more than 64 levels deep"),
    "integer with 5,000 digits": (HUGE_INT, "an integer has 5,000 digits (at most 100)"),
    "not UTF-8": (NOT_UTF8, "not UTF-8 text (byte 14 is 0xe9)"),
    "NaN": (NAN, "NaN is not valid JSON"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_the_loader_names_the_limit_that_was_hit(case: str) -> None:
    data, reason = HOSTILE[case]
    with pytest.raises(safe_json.JSONInputError) as caught:
        safe_json.loads(data)
    assert reason in caught.value.reason


def test_ordinary_json_and_its_syntax_errors_keep_their_position() -> None:
    assert safe_json.loads(b'{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    with pytest.raises(safe_json.JSONInputError) as caught:
        safe_json.loads('{\n  "a": }')
    assert (caught.value.line, caught.value.column) == (2, 8)


def test_limits_can_be_tightened() -> None:
    with pytest.raises(safe_json.JSONInputError, match="nested more than 2"):
        safe_json.loads("[[[1]]]", safe_json.JSONLimits(max_depth=2))


@pytest.mark.parametrize("case", HOSTILE)
def test_a_submission_file_past_the_limits_is_refused_by_name(tmp_path: Path, case: str, monkeypatch) -> None:
    data, reason = HOSTILE[case]
    members = good_members()
    members[f"{UIDS[1]}.json"] = data
    archive = write_zip(tmp_path / "upload.zip", members)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(SubmissionError) as caught:
        validate_submission(archive, instances(), "Model-X")
    assert caught.value.file == f"{UIDS[1]}.json"
    assert reason in str(caught.value)
    assert list(scratch.iterdir()) == []  # the extraction folder is gone


@pytest.mark.parametrize("case", HOSTILE)
def test_a_release_line_past_the_limits_stops_the_build_at_that_line(tmp_path: Path, case: str) -> None:
    data, reason = HOSTILE[case]
    release = tmp_path / "release"
    shutil.copytree(sample_dir(), release)
    jsonl = release / "OpenING-benchmark" / "test_data.jsonl"
    lines = jsonl.read_bytes().splitlines(keepends=True)
    lines.insert(2, data + b"\n")
    jsonl.write_bytes(b"".join(lines))
    with pytest.raises(FormatError) as caught:
        read_benchmark(release, "test")
    assert caught.value.line == 3
    assert f"test_data.jsonl:3: {reason}" in str(caught.value)
    out = tmp_path / "out" / "opening-dataset"
    with pytest.raises(FormatError):
        build_repo(release, out, progress=False)
    assert list(out.parent.iterdir()) == []  # neither the dataset nor its temporary folder


def test_the_leaderboard_files_are_read_with_the_same_bounds(tmp_path: Path) -> None:
    from genjudge.safe_io.durable import read_json, read_jsonl

    (tmp_path / "request.json").write_bytes(DEEP)
    with pytest.raises(safe_json.JSONInputError, match=r"request\.json: nested"):
        read_json(tmp_path / "request.json")
    (tmp_path / "verdicts.jsonl").write_bytes(json.dumps({"ok": 1}).encode() + b"\n" + HUGE_INT + b"\n")
    with pytest.raises(safe_json.JSONInputError, match=r"verdicts.jsonl:2: an integer has 5,000 digits"):
        read_jsonl(tmp_path / "verdicts.jsonl")


# Each refusal of the loader, with the field, line and column it names.
LOCATED = {
    "NaN in a nested text": (
        '{"conversations": [{}, {"output": [\n  {"text": NaN}]}]}',
        "NaN is not valid JSON",
        "conversations[1].output[0].text",
        (2, 12),
    ),
    "-Infinity in a list": (
        '{"scores": [1, -Infinity]}',
        "-Infinity is not valid JSON",
        "scores[1]",
        (1, 16),
    ),
    "a float past the double range": ('[{"score": 1e999}]', "1e999 is out of range", "[0].score", (1, 12)),
    "an integer of 200 digits": (
        '{"a": {"b": ' + "7" * 200 + "}}",
        "an integer has 200 digits",
        "a.b",
        (1, 13),
    ),
    "a repeated key": (
        '[{"winner": "A",\n  "winner": "B"}]',
        "the key 'winner' is repeated",
        "[0].winner",
        (2, 3),
    ),
    "a key repeated through an escape": ('{"a": 1, "\\u0061": 2}', "the key 'a' is repeated", "a", (1, 10)),
    "a syntax error": ('{"results": [1, 2,, 3]}', "malformed JSON: Expecting value", "results[2]", (1, 19)),
    "nesting past the limit": (
        "[" * 70 + "]" * 70,
        "nested more than 64 levels deep",
        "[0]" * 20 + "…" + "[0]" * 20,  # a long path keeps its ends
        (1, 65),
    ),
    "a key that is no name": ('{"odd key": {"x": NaN}}', "NaN is not valid JSON", '["odd key"].x', (1, 19)),
}


@pytest.mark.parametrize("case", LOCATED)
def test_every_refusal_names_its_field_line_and_column(case: str) -> None:
    text, problem, field, (line, column) = LOCATED[case]
    with pytest.raises(safe_json.JSONInputError) as caught:
        safe_json.loads(text.encode())
    error = caught.value
    assert problem in error.problem
    assert error.field == field
    assert (error.line, error.column) == (line, column)
    assert f"in field {error.field!r}" in str(error) and f"(line {line}, column {column})" in str(error)


def test_json_that_keeps_within_the_limits_is_read_as_json_reads_it() -> None:
    text = '{"a": [1, -2.5e3, "x, [y]: \\"z\\"", true, null], "b": {"c": -0.0, "d": {}}, "e": []}'
    assert safe_json.loads(text) == json.loads(text)
    assert safe_json.loads("[" * 64 + "]" * 64) is not None


def test_an_output_record_with_nan_in_its_text_names_file_field_and_line(tmp_path: Path) -> None:
    from leaderboard.leaderboard_helpers import opening_board, output_record

    from genjudge.leaderboard.store import LeaderboardStore

    members = good_members()
    record = json.dumps(output_record(UIDS[1], ["hello"]), indent=2)
    members[f"{UIDS[1]}.json"] = record.replace('"hello"', "NaN").encode()
    store = LeaderboardStore(tmp_path / "lb")
    with pytest.raises(SubmissionError) as caught:
        store.submit(write_zip(tmp_path / "upload.zip", members), opening_board(instances()), model_name="M")
    error = caught.value
    assert (error.file, error.field) == (f"{UIDS[1]}.json", "conversations[1].output[0].text")
    line = next(n for n, text in enumerate(record.splitlines(), start=1) if '"hello"' in text)
    assert "NaN is not valid JSON" in str(error) and f"(line {line})" in str(error)
    assert store.requests() == []


GENERAL_LEVEL_JSON = {
    "deep nesting": (b'{"model": "m", "results": ' + DEEP + b"}", "nested more than 64 levels deep"),
    "integer with 5,000 digits": (
        b'{"model": "m", "results": [{"sheet": "NLP", "task": "t", "score": ' + b"7" * 5_000 + b"}]}",
        "an integer has 5,000 digits (at most 100) in field 'results[0].score' (line 1, column 67)",
    ),
    "a float past the double range": (
        b'{"model": "m", "scores": {"NLP": {"t": 1e999}}}',
        "1e999 is out of range (numbers must be finite) in field 'scores.NLP.t' (line 1, column 40)",
    ),
    "a repeated key": (
        b'{"model": "m", "results": [{"sheet": "NLP", "task": "t", "score": 1, "score": 99}]}',
        "the key 'score' is repeated (a key may appear once in an object) in field 'results[0].score'",
    ),
    "not UTF-8": (b'{"model": "caf\xe9"}', "not UTF-8 text (byte 15 is 0xe9)"),
}


@pytest.mark.parametrize("case", GENERAL_LEVEL_JSON)
def test_a_general_level_json_sheet_past_the_limits_is_refused_by_the_cli_and_the_store(
    tmp_path: Path, case: str
) -> None:
    from typer.testing import CliRunner

    from genjudge.benchmarks.general_level import read_reference
    from genjudge.benchmarks.general_level.board import GeneralLevelBoard
    from genjudge.cli import app
    from genjudge.leaderboard.store import LeaderboardStore

    data, reason = GENERAL_LEVEL_JSON[case]
    sheet = tmp_path / "results.json"
    sheet.write_bytes(data)
    sota = Path(__file__).parents[1] / "general_level" / "fixtures" / "sota.xlsx"
    result = CliRunner().invoke(app, ["general-level", "score", "--sota", str(sota), "--results", str(sheet)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {sheet}: not valid JSON: {reason}") and "Traceback" not in result.output

    board = GeneralLevelBoard(read_reference(sota), bootstrap=0)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    with pytest.raises(SubmissionError) as caught:
        store.submit(sheet, board, model_name="M")
    assert caught.value.file == "results.json" and reason in str(caught.value)
    assert str(tmp_path) not in str(caught.value) and store.requests() == []
