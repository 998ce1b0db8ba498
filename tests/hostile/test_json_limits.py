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
