"""A refusal speaks of the submitter's own files: the server's temp folder, where the upload was
unpacked, never appears in a SubmissionError (the Space shows that text to whoever uploaded)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hostile.hostile_helpers import UIDS, good_members, instances, write_zip
from leaderboard.leaderboard_helpers import output_record

from genjudge.benchmarks.opening.submission import validate_submission
from genjudge.safe_io.uploads import SubmissionError


def record_with_image(path: str | int) -> bytes:
    record = output_record(UIDS[0], ["hello"])
    record["conversations"][1]["output"][0]["image"] = path
    return json.dumps(record).encode()


SPOILED = {
    "an image the record names is missing": {f"{UIDS[0]}.json": record_with_image("absent.jpg")},
    "an image path of 300 bytes": {f"{UIDS[0]}.json": record_with_image("x" * 296 + ".jpg")},
    "an image path of the wrong type": {f"{UIDS[0]}.json": record_with_image(7)},
    "a member too long to extract": {"y" * 300 + ".json": b"{}"},
    "deep JSON": {f"{UIDS[0]}.json": b"[" * 5000 + b"]" * 5000},
}


@pytest.mark.parametrize("case", SPOILED)
def test_no_refusal_mentions_the_server_temp_folder(tmp_path: Path, monkeypatch, case: str) -> None:
    server_tmp = tmp_path / "srv-tmp"
    server_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(server_tmp))
    archive = write_zip(tmp_path / "upload.zip", {**good_members(), **SPOILED[case]})
    with pytest.raises(SubmissionError) as caught:
        validate_submission(archive, instances(), "Model-X")
    message = str(caught.value)
    assert str(server_tmp) not in message and "genjudge-submission-" not in message
    assert caught.value.file is not None and not caught.value.file.startswith("/")
