"""Through every Hub path — ``publish.push_to_hub`` (``data build --push-to-hub``) and the leaderboard's
``HubMirror`` (``leaderboard submit --repo``, the Space) — a failure is one ``HubError`` whose text is
safe to print: a server that echoes the request's Authorization header does not get the token shown,
and an unreachable Hub is an error message with the documented exit code, not a traceback."""

from __future__ import annotations

import base64
import logging
import subprocess
import sys
import traceback
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from hostile.hostile_helpers import SECRET, closed_port, echoing_hub, subprocess_env
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from genjudge.benchmarks.opening import sample_dir
from genjudge.hub.errors import HubError
from genjudge.hub.publish import push_to_hub
from genjudge.leaderboard.mirror import HubMirror
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.safe_io.redaction import redact

ECHO = f"403 Forbidden: request headers were {{'Authorization': 'Bearer {SECRET}'}}"


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let huggingface_hub make requests (only ever to 127.0.0.1 in these tests)."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_TOKEN", raising=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "dataset").mkdir()
    (tmp_path / "dataset" / "README.md").write_text("card")
    return tmp_path / "dataset"


def shown(error: BaseException) -> str:
    """Everything a user could see of an error: its message and its printed traceback."""
    return str(error) + "".join(traceback.format_exception(error))


def test_redact_masks_known_secrets_and_anything_shaped_like_a_credential() -> None:
    assert redact("key=abc123 failed", ["abc123"]) == "key=*** failed"
    assert redact("Authorization: Bearer not-a-known-token") == "Authorization: Bearer ***"
    assert redact("{'authorization': 'Basic dXNlcjpwdw=='}") == "{'authorization': 'Basic ***'}"
    assert redact(f"token {SECRET} was sent") == "token *** was sent"
    assert redact("repo hf_datasets/x is fine") == "repo hf_datasets/x is fine"


class FailingApi:
    """A stand-in ``HfApi`` whose every call fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.commits = 0

    def create_repo(self, *args, **kwargs):
        raise self.error

    upload_folder = create_commit = create_repo


ECHOING_ERRORS = {
    "HfHubHTTPError": lambda: HfHubHTTPError(ECHO, response=SimpleNamespace(headers={}, request=None)),
    "httpx.ConnectError": lambda: httpx.ConnectError(ECHO),
    "ConnectionError": lambda: ConnectionError(ECHO),
}


@pytest.mark.parametrize("kind", ECHOING_ERRORS)
def test_an_upload_error_that_echoes_the_token_is_redacted(folder: Path, kind: str) -> None:
    with pytest.raises(HubError) as caught:
        push_to_hub(folder, "me/opening", token=SECRET, api=FailingApi(ECHOING_ERRORS[kind]()))
    assert SECRET not in shown(caught.value)
    assert f"({kind.split('.')[-1]}: 403 Forbidden" in str(caught.value)
    assert "'Authorization': 'Bearer ***'" in str(caught.value)


def test_a_token_from_the_environment_is_redacted_whatever_its_shape(folder, monkeypatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "plain-env-secret-42")
    api = FailingApi(ConnectionError("proxy said: your key plain-env-secret-42 is invalid"))
    with pytest.raises(HubError) as caught:
        push_to_hub(folder, "me/opening", api=api)
    assert "plain-env-secret-42" not in shown(caught.value)


def test_a_real_server_refusing_the_token_does_not_get_its_reply_shown(folder: Path, online) -> None:
    with echoing_hub() as endpoint, pytest.raises(HubError) as caught:
        push_to_hub(folder, "me/opening", token=SECRET, api=HfApi(endpoint=endpoint, token=SECRET))
    assert "HfHubHTTPError: HTTP 403: the Hub refused the token" in str(caught.value)
    assert "access denied" not in str(caught.value), "the body of a refusal is never echoed"
    assert SECRET not in shown(caught.value)


@pytest.mark.parametrize(
    "transform",
    [str.upper, str.lower, lambda s: s[::-1], lambda s: base64.b64encode(s.encode()).decode()],
    ids=["upper", "lower", "reversed", "base64"],
)
def test_an_error_echoing_the_token_in_another_form_is_redacted(folder: Path, transform) -> None:
    echo = f"proxy error: bad credentials {transform(SECRET)} " + "x" * 600
    error = HfHubHTTPError(echo, response=SimpleNamespace(headers={}, request=None, status_code=502))
    with pytest.raises(HubError) as caught:
        push_to_hub(folder, "me/opening", token=SECRET, api=FailingApi(error))
    assert "bad credentials ***" in str(caught.value) and str(caught.value).endswith(" ...)")
    assert transform(SECRET)[:8] not in shown(caught.value)


def test_an_unreachable_hub_is_a_hub_error(folder: Path, online) -> None:
    api = HfApi(endpoint=f"http://127.0.0.1:{closed_port()}", token=SECRET)
    with pytest.raises(HubError, match=r"could not upload .* to the dataset repo me/opening .*Connect"):
        push_to_hub(folder, "me/opening", token=SECRET, api=api)


def test_the_leaderboard_cannot_start_on_an_unreachable_or_echoing_hub(tmp_path: Path, online) -> None:
    unreachable = HfApi(endpoint=f"http://127.0.0.1:{closed_port()}", token=SECRET)
    with pytest.raises(HubError, match="unset GENJUDGE_LEADERBOARD_REPO") as caught:
        LeaderboardStore(tmp_path / "board", hub=HubMirror("org/board", token=SECRET, api=unreachable))
    assert SECRET not in shown(caught.value)
    with echoing_hub() as endpoint, pytest.raises(HubError) as caught:
        api = HfApi(endpoint=endpoint, token=SECRET)
        LeaderboardStore(tmp_path / "board", hub=HubMirror("org/board", token=SECRET, api=api))
    assert SECRET not in shown(caught.value)


@pytest.mark.parametrize("hub", ["unreachable", "echoing"])
def test_data_build_push_to_hub_exits_3_with_the_token_redacted(tmp_path: Path, hub: str) -> None:
    """The command as a user runs it, with HF_ENDPOINT pointing at a Hub that fails."""
    with echoing_hub() as echo:
        endpoint = echo if hub == "echoing" else f"http://127.0.0.1:{closed_port()}"
        env = subprocess_env(HF_ENDPOINT=endpoint, HF_TOKEN=SECRET, HF_HUB_OFFLINE="0")
        out = tmp_path / "opening-dataset"
        args = ["data", "build", "opening", "--source", str(sample_dir()), "--out", str(out)]
        result = subprocess.run(
            [sys.executable, "-m", "genjudge", *args, "--push-to-hub", "me/opening"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "Upload to me/opening failed" in output
    assert "Traceback" not in output and SECRET not in output
    assert (out / "README.md").is_file()  # the built folder is kept for a later upload


class CountingApi:
    """A stand-in ``HfApi`` that records each commit (and can be told to fail the next ones)."""

    def __init__(self) -> None:
        self.commits: list[tuple[str, list[str]]] = []
        self.error: Exception | None = None

    def create_commit(self, *, repo_id, repo_type, operations, commit_message):
        if self.error is not None:
            raise self.error
        self.commits.append((commit_message, [op.path_in_repo for op in operations]))


def write(root: Path, rel: str, text: str) -> str:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)
    return rel


def test_the_mirror_batches_changes_into_one_commit(tmp_path: Path) -> None:
    api = CountingApi()
    mirror = HubMirror("org/board", token=SECRET, api=api, every=3600)
    for status in ("PENDING", "RUNNING", "FINISHED"):
        mirror.push(tmp_path, [write(tmp_path, "requests/a.json", status)], f"Alpha: {status}")
    mirror.push(tmp_path, [write(tmp_path, "board/opening.parquet", "board")], "Board")
    assert api.commits == []  # nothing is sent until the interval is up or flush() is called
    assert mirror.flush() is True
    assert api.commits == [
        (
            "4 changes: Alpha: PENDING; Alpha: RUNNING; Alpha: FINISHED; Board",
            ["requests/a.json", "board/opening.parquet"],
        )
    ]
    assert mirror.flush() is False and len(api.commits) == 1


def test_the_mirror_commits_in_the_background_every_interval(tmp_path: Path) -> None:
    import time

    api = CountingApi()
    mirror = HubMirror("org/board", token=SECRET, api=api, every=0.05)
    mirror.push(tmp_path, [write(tmp_path, "requests/a.json", "x")], "Alpha: PENDING")
    deadline = time.monotonic() + 10
    while not api.commits and time.monotonic() < deadline:
        time.sleep(0.02)
    mirror.close()
    assert api.commits == [("Alpha: PENDING", ["requests/a.json"])]


def test_a_failed_commit_keeps_its_changes_for_the_next_and_logs_no_token(tmp_path, caplog) -> None:
    api = CountingApi()
    api.error = HfHubHTTPError(ECHO, response=SimpleNamespace(headers={}, request=None))
    mirror = HubMirror("org/board", token=SECRET, api=api, every=0)  # every=0: commit each push at once
    with caplog.at_level(logging.WARNING):
        mirror.push(tmp_path, [write(tmp_path, "requests/a.json", "x")], "Alpha: PENDING")
    assert "could not push 1 file(s) to org/board" in caplog.text and SECRET not in caplog.text
    assert mirror.pending == ["requests/a.json"]
    with pytest.raises(HubError) as caught:
        mirror.flush()
    assert SECRET not in shown(caught.value)
    api.error = None
    mirror.push(tmp_path, [write(tmp_path, "requests/b.json", "y")], "Beta: PENDING")
    assert api.commits == [
        ("2 changes: Alpha: PENDING; Beta: PENDING", ["requests/a.json", "requests/b.json"])
    ]
    assert mirror.pending == []


def test_a_process_that_exits_commits_what_it_queued(tmp_path: Path) -> None:
    """``leaderboard submit --repo`` ends long before the interval: the exit flush sends the batch."""
    log = tmp_path / "commits.txt"
    script = f"""
from pathlib import Path
from genjudge.leaderboard.mirror import HubMirror

class Api:
    def create_commit(self, *, repo_id, repo_type, operations, commit_message):
        Path({str(log)!r}).write_text(commit_message + "|" + ",".join(op.path_in_repo for op in operations))

root = Path({str(tmp_path)!r})
(root / "a.json").write_text("x")
mirror = HubMirror("org/board", token="t", api=Api(), every=3600)
mirror.push(root, ["a.json"], "Queue Alpha")
mirror.push(root, ["a.json"], "Alpha: FINISHED")
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, env=subprocess_env())
    assert log.read_text() == "2 changes: Queue Alpha; Alpha: FINISHED|a.json"
