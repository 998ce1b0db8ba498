"""Mirror the leaderboard folder to a Hub dataset repo: download on start, batched commits after.

The local folder stays the working copy (reads never wait on the network); the Hub repo is the
durable, public copy. Every status change of every submission is a ``push``, so committing each
one would spend the Hub's commit rate on a busy board; instead pushes are collected and committed
together, as one commit holding every changed path, at most every ``every`` seconds by a
background thread, and on :meth:`HubMirror.flush` (which the process also runs at exit).

Why not ``huggingface_hub.CommitScheduler``: it re-scans a whole folder by modification time and
assumes files are only appended to (it uploads the first ``size`` bytes seen in the scan), while
the store rewrites files in place by rename and knows exactly which paths changed; its failures
are logged by ``huggingface_hub`` with the exception's text, which is where a server's echo of the
token would end up. The retry property is the same: a failed commit keeps its paths, and they go
with the next one.

The token comes from the environment and is only ever handed to ``huggingface_hub``: it is not
stored on the object's repr, written to a file, or left in any message (see
:mod:`genjudge.safe_io.redaction`).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from genjudge.hub.errors import HubError, hub_call

log = logging.getLogger(__name__)

DEFAULT_EVERY_S = 60.0
SNAPSHOT_MAX_BYTES = 8 * 1024**2
"""Files up to this size are read into memory when the commit is built, so a file the store
replaces while the upload runs cannot arrive half old, half new; larger ones (submitted outputs,
written once) are uploaded from disk."""
MAX_MESSAGE_PARTS = 5


class HubMirror:
    """Pushes changed files of a local leaderboard folder to ``repo_id`` (a dataset repo).

    ``every`` is the most seconds a change waits before it is committed; ``every=0`` commits each
    push at once (the old behaviour, for scripts that want one commit per change).
    """

    def __init__(
        self,
        repo_id: str,
        *,
        token: str | None = None,
        api: Any | None = None,
        every: float = DEFAULT_EVERY_S,
    ) -> None:
        from huggingface_hub import HfApi

        self.repo_id = repo_id
        self.every = every
        self._token = token if token is not None else os.environ.get("HF_TOKEN")
        self._api = api if api is not None else HfApi(token=self._token)
        self._local_dir: Path | None = None
        self._pending: dict[str, None] = {}  # ordered set of paths relative to the local folder
        self._messages: list[str] = []
        self._state = threading.Lock()  # guards the pending paths; held only briefly
        self._committing = threading.Lock()  # one commit at a time, so an older snapshot never lands last
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        atexit.register(_flush_at_exit, weakref.ref(self))

    def __repr__(self) -> str:
        return f"HubMirror(repo_id={self.repo_id!r})"

    @property
    def pending(self) -> list[str]:
        """Paths changed locally and not yet on the Hub."""
        with self._state:
            return list(self._pending)

    def pull(self, local_dir: Path) -> None:
        """Fetch the repo's current files into ``local_dir`` (the board as last published).

        Raises :class:`~genjudge.hub.errors.HubError` when the repo cannot be downloaded.
        """
        from huggingface_hub import snapshot_download

        with hub_call(
            f"could not download the leaderboard dataset {self.repo_id}",
            token=self._token,
            hint="Check GENJUDGE_LEADERBOARD_REPO (--repo) and the HF_TOKEN secret, or unset "
            "GENJUDGE_LEADERBOARD_REPO to keep the leaderboard in a local folder",
        ):
            snapshot_download(
                repo_id=self.repo_id,
                repo_type="dataset",
                local_dir=local_dir,
                token=self._token,
                endpoint=getattr(self._api, "endpoint", None),  # the endpoint a given HfApi talks to
            )

    def push(self, local_dir: Path, paths: Iterable[str], message: str) -> None:
        """Queue the given files (relative to ``local_dir``) for the next commit.

        Never raises for Hub trouble: the board keeps working locally, the failure is logged (token
        redacted) and the paths go with the next commit.
        """
        with self._state:
            self._local_dir = Path(local_dir)
            self._pending.update(dict.fromkeys(paths))
            self._messages.append(message)
        if self.every <= 0:
            self._flush_logged()
        else:
            self._ensure_thread()

    def flush(self) -> bool:
        """Commit everything queued now, as one commit; ``False`` when there was nothing to commit.

        Raises :class:`~genjudge.hub.errors.HubError` when the commit fails; the paths stay queued.
        """
        with self._committing:
            with self._state:
                local_dir, paths, messages = self._local_dir, list(self._pending), list(self._messages)
                self._pending.clear()
                self._messages.clear()
            if local_dir is None or not paths:
                return False
            try:
                with hub_call(f"could not push {len(paths)} file(s) to {self.repo_id}", token=self._token):
                    operations = _operations(local_dir, paths)
                    if not operations:
                        return False
                    self._api.create_commit(
                        repo_id=self.repo_id,
                        repo_type="dataset",
                        operations=operations,
                        commit_message=_commit_message(messages),
                    )
            except BaseException:
                with self._state:  # back in front of whatever was queued meanwhile
                    self._pending = {**dict.fromkeys(paths), **self._pending}
                    self._messages[:0] = messages
                raise
            return True

    def close(self) -> None:
        """Stop the background thread and commit what is left (raises :class:`HubError` if that fails)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.flush()

    def _flush_logged(self) -> None:
        try:
            self.flush()
        except HubError as exc:  # network or permission trouble: keep working locally, retry later
            log.warning("%s; the change(s) stay queued for the next commit", exc)

    def _ensure_thread(self) -> None:
        with self._state:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._run, name=f"hub-mirror-{self.repo_id}", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._flush_logged()


def _operations(local_dir: Path, paths: list[str]) -> list[Any]:
    from huggingface_hub import CommitOperationAdd

    operations = []
    for rel in paths:
        path = local_dir / rel
        if not path.is_file():
            continue  # removed since it was queued: nothing to mirror
        source: bytes | str = path.read_bytes() if path.stat().st_size <= SNAPSHOT_MAX_BYTES else str(path)
        operations.append(CommitOperationAdd(path_in_repo=rel, path_or_fileobj=source))
    return operations


def _commit_message(messages: list[str]) -> str:
    """One change keeps its own message; a batch lists the first few."""
    if len(messages) == 1:
        return messages[0]
    shown = "; ".join(messages[:MAX_MESSAGE_PARTS])
    more = f"; and {len(messages) - MAX_MESSAGE_PARTS} more" if len(messages) > MAX_MESSAGE_PARTS else ""
    return f"{len(messages)} changes: {shown}{more}"


def _flush_at_exit(ref: weakref.ReferenceType[HubMirror]) -> None:
    """Commit what a finished process left queued (a CLI run exits long before ``every`` is up)."""
    mirror = ref()
    if mirror is not None:
        mirror._stop.set()
        mirror._flush_logged()
