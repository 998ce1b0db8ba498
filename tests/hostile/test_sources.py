"""What is handed in as a submission must be a zip file or a folder: anything else is refused at
once (a device or a FIFO would otherwise be read forever), and the store writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile.hostile_helpers import instances
from leaderboard.leaderboard_helpers import opening_board, write_submission_folder

from genjudge.benchmarks.opening.submission import validate_submission
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.safe_io.uploads import SubmissionError, submission_id_of


def submit(store: LeaderboardStore, source: Path):
    return store.submit(source, opening_board(instances()), model_name="Model-X")


def written_by_the_store(store: LeaderboardStore) -> list[str]:
    return sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file())


def test_a_source_that_does_not_exist_is_refused_by_the_store(tmp_path: Path) -> None:
    store = LeaderboardStore(tmp_path / "board")
    before = written_by_the_store(store)
    with pytest.raises(SubmissionError, match="does not exist") as caught:
        submit(store, tmp_path / "uploads" / "gone.zip")
    assert caught.value.file == "gone.zip"  # the name only: the upload folder is the server's business
    assert written_by_the_store(store) == before


def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    with pytest.raises(SubmissionError, match="not a regular file or a folder") as caught:
        submission_id_of(Path("/dev/zero"))
    assert caught.value.file == "zero"
    with pytest.raises(SubmissionError, match="not a regular file or a folder"):
        validate_submission(Path("/dev/zero"), instances(), "Model-X")


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "upload.zip"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes
    store = LeaderboardStore(tmp_path / "board")
    with pytest.raises(SubmissionError, match="FIFOs and sockets cannot be submitted"):
        submit(store, fifo)
    assert not (store.root / "requests").exists()


def test_a_fifo_inside_a_submission_folder_is_refused(tmp_path: Path) -> None:
    folder = write_submission_folder(tmp_path / "M_output", "M")
    os.mkfifo(folder / "extra.json")
    store = LeaderboardStore(tmp_path / "board")
    with pytest.raises(SubmissionError, match="only regular files may be submitted") as caught:
        submit(store, folder)
    assert caught.value.file == "extra.json"
    assert not (store.root / "requests").exists()
