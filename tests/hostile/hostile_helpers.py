"""Builders for the hostile-input tests: a good submission to spoil, raw zip tricks, a Hub that echoes.

A good submission is the leaderboard room's four-instance OpenING layout; each test changes one
thing about it, so a refusal can only come from that one thing.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

from leaderboard.leaderboard_helpers import UIDS, jpeg, make_instances, output_record

import genjudge
from genjudge.core.records import Instance

SECRET = "hf_SecretTokenThatMustNeverBeShown0123"


def instances() -> list[Instance]:
    return make_instances()


def good_members() -> dict[str, bytes]:
    """Every file of an acceptable submission, by archive name."""
    members = {}
    for uid in UIDS:
        members[f"{uid}.json"] = json.dumps(output_record(uid, ["hello"])).encode()
        members[f"{uid}-o-0.jpg"] = jpeg()
    return members


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def zip_with_nul_name(path: Path, visible: str, hidden_tail: str) -> Path:
    """A zip whose member is really named ``visible + NUL + hidden_tail``.

    ``zipfile`` cannot write such a name (it cuts names at NUL), so the member is written with a
    placeholder byte of the same length and the placeholder is patched to NUL in the local header
    and the central directory, as a crafted archive would have it.
    """
    members = good_members()
    placeholder = f"{visible}#{hidden_tail}"
    members[placeholder] = members.pop(visible)
    write_zip(path, members)
    data = path.read_bytes()
    assert data.count(placeholder.encode()) == 2
    path.write_bytes(data.replace(placeholder.encode(), f"{visible}\x00{hidden_tail}".encode()))
    return path


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    """Refuses everything with 403 and echoes the request's headers back, as a misconfigured proxy
    or a debug endpoint does."""

    def _refuse(self) -> None:
        echoed = "; ".join(f"{key}: {value}" for key, value in self.headers.items())
        body = json.dumps({"error": f"access denied for request with headers {echoed}"}).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _refuse

    def log_message(self, *args: object) -> None:  # keep test output clean
        return


@contextlib.contextmanager
def echoing_hub() -> Iterator[str]:
    """A local 'Hub' endpoint (``http://127.0.0.1:<port>``) that echoes the Authorization header."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for running ``python -m genjudge`` in a child process: the same genjudge
    this test imported (a worktree's sources rather than an installed copy), plus ``extra``."""

    source_root = str(Path(genjudge.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (source_root, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}
