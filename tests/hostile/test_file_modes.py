"""Files and folders the store and the dataset builder write get the mode any new file gets under the
process's umask (0644 / 0755 usually), so a Space, a web server or another user can read them."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from genjudge.hub.publish import atomic_directory
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.safe_io.durable import append_jsonl, atomic_write_json


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Set the process umask for one test and put the old one back."""
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_writes_get_the_umask_default_mode(tmp_path: Path, umask) -> None:
    atomic_write_json(tmp_path / "request.json", {"status": "PENDING"})
    append_jsonl(tmp_path / "verdicts.jsonl", [{"winner": "A"}])
    assert mode(tmp_path / "request.json") == 0o644
    assert mode(tmp_path / "verdicts.jsonl") == 0o644


def test_a_private_umask_is_respected_too(tmp_path: Path, umask) -> None:
    umask(0o077)
    atomic_write_json(tmp_path / "request.json", {"status": "PENDING"})
    assert mode(tmp_path / "request.json") == 0o600


def test_every_file_of_a_new_store_is_readable_by_others(tmp_path: Path, umask) -> None:
    store = LeaderboardStore(tmp_path / "board")
    atomic_write_json(store.request_path("abc"), {"submission_id": "abc"})
    files = [p for p in store.root.rglob("*") if p.is_file() and p.name != ".lock"]
    assert files and {mode(p) for p in files} == {0o644}


def test_a_built_dataset_folder_is_readable_by_others(tmp_path: Path, umask) -> None:
    with atomic_directory(tmp_path / "dataset") as folder:
        (folder / "README.md").write_text("card")
    assert mode(tmp_path / "dataset") == 0o755
    assert mode(tmp_path / "dataset" / "README.md") == 0o644
