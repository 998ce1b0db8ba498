"""The server secret that salts voter hashes.

On a Space it should come from the ``GENJUDGE_VOTE_SECRET`` secret, so voter hashes (and with them
one vote per voter per pair) survive a restart (the leaderboard folder's ``cache/`` is not published,
and a Space's disk is not kept). Without it a random secret is made once and kept in the given file,
readable only by its owner.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_VARIABLE = "GENJUDGE_VOTE_SECRET"


def load_or_create_secret(path: Path, environ: dict[str, str] | None = None) -> bytes:
    """``GENJUDGE_VOTE_SECRET`` when set, else the secret stored at ``path`` (made on first use)."""
    given = (os.environ if environ is None else environ).get(SECRET_VARIABLE, "")
    if given:
        if len(given) < 16:
            raise ValueError(f"{SECRET_VARIABLE} must be at least 16 characters long")
        return given.encode()
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())
    return value


def voter_hash(secret: bytes, identity: str) -> str:
    """The salted hash stored for a voter (an HF user name or a session id): the same person gets the
    same hash on this server, and the raw name is never stored."""
    return hmac.new(secret, b"genjudge-voter\x00" + identity.encode(), hashlib.sha256).hexdigest()[:24]
