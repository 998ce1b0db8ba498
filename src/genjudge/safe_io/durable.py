"""Crash-safe file primitives, shared by every writer (leaderboard store, verdict files).

A reader must only ever see a whole old file or a whole new one: every write goes to a temp file
in the same folder, is fsynced, then ``os.replace``-d over the target, and the folder is fsynced
so the rename itself survives a power cut. Append-only logs get a torn-tail repair instead: a
line is only complete once its newline is on disk.

Files get the mode any new file gets (0644 under the usual umask), not ``mkstemp``'s private 0600:
a Space, a web server or another user reading the leaderboard folder must be able to read them.
The files are also read back with :mod:`genjudge.safe_io.bounded_json`, since a leaderboard folder pulled
from the Hub is input like any other.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from genjudge.safe_io.bounded_json import JSONInputError, loads


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems cannot fsync a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to disk, so that renaming ``folder`` into place
    can never expose a file that a power cut left empty or short."""
    for root, _, files in os.walk(folder, topdown=False):
        for name in files:
            with open(os.path.join(root, name), "rb+") as handle:
                os.fsync(handle.fileno())
        fsync_dir(Path(root))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    with atomic_target(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_json(path: str | Path, obj: Any, *, indent: int = 2) -> None:
    """Replace ``path`` with ``obj`` as JSON (strict: NaN/inf are refused, not written as invalid JSON)."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write_bytes(Path(path), text.encode())


def create_temp_file(folder: Path, name: str) -> Path:
    """Create a fresh, empty ``.<name>.<random>.tmp`` in ``folder`` with the umask's default mode.

    ``O_CREAT | O_EXCL`` with mode 0666 lets the kernel apply the umask, as for any new file; reading
    the umask instead (``os.umask`` sets it to read it) would race with other threads creating files.
    """
    while True:
        candidate = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate


def create_temp_dir(folder: Path, name: str) -> Path:
    """Create a fresh ``.<name>.<random>.tmp`` folder in ``folder`` with the umask's default mode."""
    while True:
        candidate = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            candidate.mkdir(0o777)
        except FileExistsError:
            continue
        return candidate


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temp path to write (by a library that wants a path); it replaces ``path`` on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = create_temp_file(path.parent, path.name)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def read_json(path: Path) -> Any:
    """One JSON file, parsed within :mod:`genjudge.safe_io.bounded_json`'s bounds; errors name the file."""
    try:
        return loads(path.read_bytes())
    except JSONInputError as exc:
        raise JSONInputError(f"{path}: {exc.reason}", line=exc.line, column=exc.column) from None


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
    rows = []
    for number, line in enumerate(data[: end + 1].splitlines(), start=1):
        if line.strip():
            try:
                rows.append(loads(line))
            except JSONInputError as exc:
                raise JSONInputError(f"{path}:{number}: {exc.reason}", column=exc.column) from None
    return rows
