"""Crash-safe file primitives, shared by every writer (leaderboard store, verdict files).

A reader must only ever see a whole old file or a whole new one: every write goes to a temp file
in the same folder, is fsynced, then ``os.replace``-d over the target, and the folder is fsynced
so the rename itself survives a power cut. Append-only logs get a torn-tail repair instead: a
line is only complete once its newline is on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems cannot fsync a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    with atomic_target(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_json(path: str | Path, obj: Any, *, indent: int = 2) -> None:
    """Replace ``path`` with ``obj`` as JSON (strict: NaN/inf are refused, not written as invalid JSON)."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write_bytes(Path(path), text.encode())


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temp path to write (by a library that wants a path); it replaces ``path`` on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def repair_tail(path: Path) -> None:
    """Cut a torn last line (no newline: the writer died mid-append) off a JSONL log."""
    if not path.exists():
        return
    with path.open("rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        # Scan back to the last newline; everything after it is the torn record.
        pos = size - 1
        while pos > 0:
            step = min(pos, 1 << 16)
            handle.seek(pos - step)
            chunk = handle.read(step)
            idx = chunk.rfind(b"\n")
            if idx >= 0:
                pos = pos - step + idx + 1
                break
            pos -= step
        handle.truncate(pos)
        handle.flush()
        os.fsync(handle.fileno())


def append_jsonl(path: Path, rows: Iterable[dict]) -> None:
    """Append whole lines and fsync them: once this returns, the rows survive a kill."""
    path.parent.mkdir(parents=True, exist_ok=True)
    repair_tail(path)
    payload = "".join(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n" for row in rows)
    if not payload:
        return
    with path.open("ab") as handle:
        handle.write(payload.encode())
        handle.flush()
        os.fsync(handle.fileno())


def read_jsonl(path: Path) -> list[dict]:
    """Complete lines of a JSONL log; a torn last line (no newline yet) is not a record."""
    if not path.exists():
        return []
    data = path.read_bytes()
    end = data.rfind(b"\n")
    if end < 0:
        return []
    return [json.loads(line) for line in data[: end + 1].splitlines() if line.strip()]
