"""Put a locally built model into the Hugging Face cache layout, so it loads by Hub id offline.

``from_pretrained("owner/name")`` with ``HF_HUB_OFFLINE=1`` reads
``<cache>/models--owner--name/refs/main`` for the commit and the files under
``snapshots/<commit>/``; tests use that to exercise the real by-id loading path without network.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path


def put_in_hub_cache(folder: Path, repo_id: str, cache_dir: Path) -> str:
    """Copy ``folder`` into ``cache_dir`` as the ``main`` revision of model ``repo_id``; the commit."""
    commit = hashlib.sha1(repo_id.encode()).hexdigest()
    repo = cache_dir / ("models--" + repo_id.replace("/", "--"))
    shutil.copytree(folder, repo / "snapshots" / commit, dirs_exist_ok=True)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    return commit
