"""Member names a file system cannot hold, or that ``zipfile`` reads differently from what the archive
says, are refused before anything is extracted, naming the member as the submitter wrote it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hostile.hostile_helpers import UIDS, good_members, instances, write_zip, zip_with_nul_name

from genjudge.benchmarks.opening import read_model_outputs
from genjudge.benchmarks.opening.submission import validate_submission
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.uploads import SubmissionError


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server's temp folder for this test: refusals must leave it empty and unmentioned."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def refusal(tmp_path: Path, scratch: Path, extra: dict[str, bytes]) -> SubmissionError:
    archive = write_zip(tmp_path / "upload.zip", {**good_members(), **extra})
    with pytest.raises(SubmissionError) as caught:
        validate_submission(archive, instances(), "Model-X")
    assert list(scratch.iterdir()) == []
    assert str(scratch) not in str(caught.value) and "genjudge-submission" not in str(caught.value)
    return caught.value


CASES = {
    "a name of 300 bytes": (
        {"a" * 295 + ".json": b"{}"},
        "a name in the path is 300 bytes long (at most 255)",
    ),
    "a name of 130 two-byte characters": ({"é" * 130 + ".json": b"{}"}, "265 bytes long"),
    "a path of 1,815 bytes": ({("d" * 200 + "/") * 9 + "x.json": b"{}"}, "the path is 1,815 bytes long"),
    "a path 3,000 folders deep": ({"d/" * 3000 + "x.json": b"{}"}, "3001 folders deep (at most 16)"),
    "a file, then a folder of the same name": (
        {"x.json": b"{}", "x.json/y.json": b"{}"},
        "is both a file and a folder in the archive (see 'x.json/y.json')",
    ),
    "a folder, then a file of the same name (in another case)": (
        {"p.json/q.json": b"{}", "P.JSON": b"{}"},
        "is both a file and a folder",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_names_the_file_system_cannot_hold_are_refused_before_extraction(tmp_path, scratch, case):
    extra, message = CASES[case]
    error = refusal(tmp_path, scratch, extra)
    assert message in str(error)
    assert error.file is not None and len(error.file) <= 130  # a 6 KB name is shortened in the message


def test_a_nul_in_a_member_name_is_refused_even_though_zipfile_hides_it(tmp_path, scratch):
    archive = zip_with_nul_name(tmp_path / "upload.zip", f"{UIDS[0]}.json", "payload.sh")
    with pytest.raises(SubmissionError, match="NUL characters are not allowed") as caught:
        validate_submission(archive, instances(), "Model-X")
    assert caught.value.file == f"{UIDS[0]}.json\x00payload.sh"
    assert list(scratch.iterdir()) == []


def test_an_image_path_too_long_for_the_file_system_is_a_format_error(tmp_path):
    import json

    from leaderboard.leaderboard_helpers import write_submission_folder

    folder = write_submission_folder(tmp_path / "M_output", "M")
    record = json.loads((folder / f"{UIDS[0]}.json").read_text())
    record["conversations"][1]["output"][0]["image"] = "i" * 300 + ".jpg"
    (folder / f"{UIDS[0]}.json").write_text(json.dumps(record))
    with pytest.raises(FormatError, match="a name in the path is 304 bytes long") as caught:
        read_model_outputs(folder)
    assert caught.value.field == "conversations[1].output[0].image"
