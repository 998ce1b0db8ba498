"""Mirror the leaderboard folder to a Hub dataset repo: download on start, one commit per change.

The local folder stays the working copy (reads never wait on the network); the Hub repo is the
durable, public copy. The token comes from the environment and is only ever handed to
``huggingface_hub``: it is not stored on the object's repr, logged, or written to a file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class HubMirror:
    """Pushes changed files of a local leaderboard folder to ``repo_id`` (a dataset repo)."""

    def __init__(self, repo_id: str, *, token: str | None = None, api: Any | None = None) -> None:
        from huggingface_hub import HfApi

        self.repo_id = repo_id
        self._token = token if token is not None else os.environ.get("HF_TOKEN")
        self._api = api if api is not None else HfApi(token=self._token)
        self._unpushed: set[str] = set()

    def __repr__(self) -> str:
        return f"HubMirror(repo_id={self.repo_id!r})"

    def pull(self, local_dir: Path) -> None:
        """Fetch the repo's current files into ``local_dir`` (the board as last published)."""
        from huggingface_hub import snapshot_download

        try:
            snapshot_download(
                repo_id=self.repo_id, repo_type="dataset", local_dir=local_dir, token=self._token
            )
        except Exception as exc:
            raise RuntimeError(
                f"could not download the leaderboard dataset {self.repo_id!r} ({type(exc).__name__}); check "
                "GENJUDGE_LEADERBOARD_REPO and the HF_TOKEN secret, or unset GENJUDGE_LEADERBOARD_REPO to "
                "keep the leaderboard in a local folder"
            ) from exc

    def push(self, local_dir: Path, paths: Iterable[str], message: str) -> None:
        """Commit the given files (relative to ``local_dir``) as one commit.

        A failed push keeps its paths and sends them with the next commit, so the Hub copy
        catches up instead of silently missing a change.
        """
        from huggingface_hub import CommitOperationAdd

        pending = sorted(self._unpushed | set(paths))
        operations = [
            CommitOperationAdd(path_in_repo=rel, path_or_fileobj=str(local_dir / rel))
            for rel in pending
            if (local_dir / rel).is_file()
        ]
        if not operations:
            return
        try:
            self._api.create_commit(
                repo_id=self.repo_id, repo_type="dataset", operations=operations, commit_message=message
            )
        except Exception as exc:  # network or permission trouble: keep working locally
            self._unpushed = set(pending)
            log.warning("could not push %d file(s) to %s: %s", len(pending), self.repo_id, type(exc).__name__)
            return
        self._unpushed.clear()
