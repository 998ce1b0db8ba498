"""ApiJudge against a real HTTP server on 127.0.0.1 that answers like the chat-completions API.

The server's behaviour is scripted per test: replies chosen from the request's text, 429 with
Retry-After, 5xx, slow answers (timeouts), malformed bodies and key-echoing error pages.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from PIL import Image

from genjudge.core.records import Step
from genjudge.judges.api import (
    ApiJudge,
    ApiRequestError,
    MissingApiKey,
    RetriesExhausted,
    retry_after_seconds,
)
from genjudge.judges.parsing import ScoreReplyError
from genjudge.judges.prompts import SCORE_CRITERIA
from genjudge.judges.protocol import PairwiseItem, PairwiseJudge, PartialVerdicts, Unparseable

SECRET = "sk-test-0123456789-SECRET-abcdef"

Response = tuple[int, dict[str, str], bytes]


def completion(text: str) -> Response:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "judge-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13},
    }
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"message": message, "type": "server_error", "code": None}}
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()


class ChatServer:
    """A chat-completions server; ``respond(request_json, attempt_number)`` decides each answer.

    A request counts as in flight from when it has been read until its answer is ready, and no
    longer: the client cannot send its next request before it has the answer, so the count never
    includes a request whose handler thread simply has not run again since it answered (with one
    connection per request, the next one arrives on another thread). ``connections`` keeps each
    request's socket, so a test can ask whether the client has closed it.
    """

    def __init__(self) -> None:
        self.respond: Callable[[dict, int], Response | float] = lambda request, n: completion("A is better")
        self.requests: list[tuple[dict, dict[str, str]]] = []
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                with server.lock:
                    server.requests.append((request, dict(self.headers)))
                    server.connections.append(self.connection)
                    count = len(server.requests)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if self.path != "/v1/chat/completions":
                        answer: Response = error(404, f"no route {self.path}")
                    else:
                        answer = server.respond(request, count)
                finally:
                    with server.lock:
                        server.in_flight -= 1
                try:
                    status, headers, body = answer
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"


@pytest.fixture
def server():
    chat = ChatServer()
    chat.thread.start()
    yield chat
    chat.httpd.shutdown()
    chat.httpd.server_close()


@pytest.fixture
def make_judge(server, monkeypatch):
    monkeypatch.setenv("GENJUDGE_TEST_KEY", SECRET)
    judges = []

    def make(**options) -> ApiJudge:
        options = {
            "base_url": server.base_url,
            "model": "judge-model",
            "api_key_env": "GENJUDGE_TEST_KEY",
            "backoff_base": 0.01,
            "timeout": 5.0,
            **options,
        }
        judge = ApiJudge(**options)
        judges.append(judge)
        return judge

    yield make
    for judge in judges:
        judge.close()


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def item(tag: str, image: bytes | None = None) -> PairwiseItem:
    return PairwiseItem(
        question=(Step(f"question {tag}", image),),
        output_a=(Step(f"answer A to {tag}"),),
        output_b=(Step(f"answer B to {tag}"),),
    )


def user_text(request: dict) -> str:
    return "".join(part.get("text", "") for part in request["messages"][1]["content"])


def test_verdicts_come_back_in_order_from_an_openai_style_request(server, make_judge):
    replies = {"q1": "A is better", "q2": "Tie(B is better)", "q3": " **B**"}
    server.respond = lambda request, n: completion(
        next(v for k, v in replies.items() if f"question {k}" in user_text(request))
    )
    judge = make_judge()
    assert isinstance(judge, PairwiseJudge)
    verdicts = judge.judge_batch([item("q1", jpeg(1000, 600)), item("q2"), item("q3")])
    assert [v.winner for v in verdicts] == ["A", "Tie(B)", "B"]
    assert verdicts[2].raw == " **B**"
    request, headers = next(r for r in server.requests if "question q1" in user_text(r[0]))
    assert headers["Authorization"] == f"Bearer {SECRET}"
    assert request["model"] == "judge-model" and request["max_tokens"] == 5
    assert request["messages"][0]["role"] == "system"
    image_part = request["messages"][1]["content"][1]
    assert image_part["type"] == "image_url"
    prefix, data = image_part["image_url"]["url"].split(",", 1)
    assert prefix == "data:image/jpeg;base64"
    assert Image.open(io.BytesIO(base64.b64decode(data))).size == (512, 307)


def test_429_is_retried_after_the_servers_retry_after(server, make_judge, caplog):
    server.respond = lambda request, n: (
        error(429, "slow down", {"Retry-After": "1"}) if n == 1 else completion("B")
    )
    judge = make_judge()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="genjudge.judges.api"):
        assert judge.judge_batch([item("x")])[0].winner == "B"
    assert time.monotonic() - started >= 1.0
    assert len(server.requests) == 2
    assert "HTTP 429; retrying in 1.00 s (attempt 2 of 6)" in caplog.text


def test_server_errors_are_retried_with_backoff(server, make_judge):
    server.respond = lambda request, n: error(500 if n == 1 else 503, "oops") if n <= 2 else completion("A")
    assert make_judge().judge_batch([item("x")])[0].winner == "A"
    assert len(server.requests) == 3


def test_a_slow_server_times_out_and_the_request_is_retried(server, make_judge):
    release = threading.Event()

    def respond(request: dict, n: int) -> Response:
        if n == 1:
            release.wait(60)  # far past the timeout
        return completion("Tie(A is better)")

    server.respond = respond
    try:
        verdict = make_judge(timeout=2.0).judge_batch([item("x")])[0]
    finally:
        release.set()
    assert verdict.winner == "Tie(A)"
    assert len(server.requests) >= 2


def test_malformed_bodies_are_retried_then_reported_per_item(server, make_judge):
    def respond(request: dict, n: int) -> Response:
        if "question bad" in user_text(request):
            return 200, {"Content-Type": "application/json"}, b'{"choices": [ not json'
        if "question empty" in user_text(request):
            return 200, {"Content-Type": "application/json"}, b'{"object": "chat.completion"}'
        return completion("A is better")

    server.respond = respond
    judge = make_judge(max_retries=2)
    with pytest.raises(PartialVerdicts) as caught:
        judge.judge_batch([item("good"), item("bad"), item("empty")])
    assert caught.value.verdicts[0].winner == "A"
    assert caught.value.verdicts[1:] == [None, None]
    assert isinstance(caught.value.failures[1], RetriesExhausted)
    assert "after 3 attempts; last failure: malformed response: body is not JSON" in str(
        caught.value.failures[1]
    )
    assert "no choices[0].message" in str(caught.value.failures[2])


def test_unparseable_replies_are_reported_not_guessed(server, make_judge):
    server.respond = lambda request, n: completion(
        "I like Both" if "question odd" in user_text(request) else "B is better"
    )
    with pytest.raises(PartialVerdicts) as caught:
        make_judge().judge_batch([item("fine"), item("odd")])
    assert caught.value.verdicts[0].winner == "B"
    assert caught.value.failures == {1: Unparseable("I like Both")}
    leaning = make_judge(on_unparseable="official")
    assert leaning.judge_id == "api:judge-model-official-lean"
    assert [v.winner for v in leaning.judge_batch([item("fine"), item("odd")])] == ["B", "Tie(B)"]


def echoed_forms(key: str) -> dict[str, tuple[str, str]]:
    """The key as servers have been seen to echo it (transformed, encoded, or cut off mid-key): each
    as (what the server sends, the part of it that carries the key)."""
    header64 = base64.b64encode(f"Bearer {key}".encode()).decode()
    percent = quote(f"Bearer {key}", safe="")
    forms = {
        "verbatim": key,
        "upper-cased": key.upper(),
        "reversed": key[::-1],
        "base64": base64.b64encode(key.encode()).decode(),
        "base64url, upper-cased": base64.urlsafe_b64encode(key.upper().encode()).decode(),
        "hex": key.encode().hex(),
        "cut after 20 characters": key[:20],
        "its last 20 characters": key[-20:],
    }
    return {
        **{name: (form, form) for name, form in forms.items()},
        "base64 of the header": (header64, header64[12:]),  # the first 12 encode "Bearer sk"
        "percent-encoded header": (percent, percent.removeprefix("Bearer%20")),
    }


def leaked(text: str, telltale: str, window: int = 8) -> bool:
    """Whether ``text`` holds any ``window`` characters in a row of ``telltale`` (case ignored)."""
    text, telltale = text.lower(), telltale.lower()
    return any(telltale[i : i + window] in text for i in range(len(telltale) - window + 1))


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_stops_at_once_and_the_reply_is_not_shown(server, make_judge, status):
    server.respond = lambda request, n: error(status, f"Incorrect API key provided: {SECRET}")
    with pytest.raises(ApiRequestError) as caught:
        make_judge().judge_batch([item("a"), item("b"), item("c")])
    assert not isinstance(caught.value, RetriesExhausted)
    message = str(caught.value)
    assert f"HTTP {status}" in message and "$GENJUDGE_TEST_KEY" in message
    assert "Incorrect API key" not in message, "the body of a refusal is never echoed"
    assert len(server.requests) <= 3, "no retries on a refused key"


@pytest.mark.parametrize("form", list(echoed_forms(SECRET)))
@pytest.mark.parametrize("status", [400, 401, 404])
def test_no_form_of_the_key_an_error_page_echoes_is_shown(server, make_judge, status, form):
    echo, telltale = echoed_forms(SECRET)[form]
    server.respond = lambda request, n: error(status, f"bad request from key {echo}; see the docs")
    with pytest.raises(ApiRequestError) as caught:
        make_judge().judge_batch([item("a")])
    assert not leaked(str(caught.value), telltale)


@pytest.mark.parametrize("form", list(echoed_forms(SECRET)))
def test_an_error_page_cut_off_inside_the_key_leaves_no_prefix_of_it(server, make_judge, form):
    echo, telltale = echoed_forms(SECRET)[form]
    for padding in range(280, 300, 3):  # our excerpt is 300 characters: the cut falls inside the key
        body = ("x" * padding + echo + " trailing words").encode()
        server.respond = lambda request, n, body=body: (400, {"Content-Type": "text/plain"}, body)
        with pytest.raises(ApiRequestError) as caught:
            make_judge().judge_batch([item("a")])
        assert not leaked(str(caught.value), telltale), padding


def test_the_key_never_reaches_logs_results_or_identities(server, make_judge, caplog):
    def respond(request: dict, n: int) -> Response:
        if n <= 2:
            return error(503, f"upstream rejected Bearer {SECRET}", {"Retry-After": "0"})
        if "question odd" in user_text(request):
            return completion(f"I see the key {SECRET[::-1].upper()}")
        return completion("A is better")

    server.respond = respond
    judge = make_judge(max_retries=4)
    with caplog.at_level(logging.DEBUG), pytest.raises(PartialVerdicts) as caught:
        judge.judge_batch([item("fine"), item("odd")])
    texts = [
        caplog.text,
        str(caught.value),
        repr(caught.value.failures),
        repr(caught.value.verdicts),
        repr(judge),
        judge.judge_id,
        judge.revision,
        judge.prompt_version,
    ]
    assert "HTTP 503; retrying" in caplog.text
    assert [SECRET in text for text in texts] == [False] * len(texts)
    assert caught.value.failures[1] == Unparseable("I see the key ***"), (
        "echoed keys are redacted from replies"
    )


def test_requests_go_without_authorization_when_no_key_is_set(server, make_judge, monkeypatch):
    monkeypatch.delenv("GENJUDGE_TEST_KEY")
    make_judge().judge_batch([item("x")])
    assert "Authorization" not in server.requests[0][1]


def test_at_most_max_concurrency_requests_are_in_flight(server, make_judge):
    everyone_in = threading.Barrier(3, timeout=60)

    def respond(request: dict, n: int) -> Response:
        if n <= 3:
            everyone_in.wait()  # the first three meet here: they were all in flight together
        return completion("A")

    server.respond = respond
    verdicts = make_judge(max_concurrency=3, timeout=120.0).judge_batch([item(str(k)) for k in range(9)])
    assert len(verdicts) == 9 and len(server.requests) == 9, "no request timed out and was sent again"
    assert server.max_in_flight == 3


def client_closed(connection: socket.socket) -> bool:
    """Whether the other end has closed ``connection`` (it reads as end-of-file)."""
    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:  # open, nothing sent
        return False
    except OSError:  # reset
        return True


def test_an_attempt_abandoned_at_its_timeout_is_closed_before_its_retry_is_sent(server, make_judge):
    """The bound on requests in flight holds for the server too: a retry never runs beside the
    attempt it replaces, as long as the server stops work on a connection the client closed."""
    release = threading.Event()
    closed_when_retried: list[bool] = []

    def respond(request: dict, n: int) -> Response:
        if n == 1:
            release.wait(60)  # the first attempt stalls until the test ends
            return completion("B")
        closed_when_retried.append(client_closed(server.connections[0]))
        return completion("A")

    server.respond = respond
    try:
        verdicts = make_judge(timeout=1.0).judge_batch([item("x")])
    finally:
        release.set()
    assert verdicts[0].winner == "A"
    assert closed_when_retried == [True]


def score_reply(**overrides: object) -> str:
    scores = {name: {"Score": 6, "Justification": "fine"} for name in SCORE_CRITERIA}
    scores.update(overrides)
    return "```json\n" + json.dumps({"scores": scores}) + "\n```"


def test_single_output_scoring_reads_the_seven_criteria(server, make_judge):
    server.respond = lambda request, n: completion(
        score_reply(Correctness={"Score": 9, "Justification": "right"})
    )
    judge = make_judge()
    scores = judge.score_output((Step("Make a poster", jpeg(64, 64)),), (Step("Here", jpeg(64, 64)),))
    assert scores.scores["Correctness"].score == 9
    assert scores.scores["Content Richness"].justification == "fine"
    request = server.requests[0][0]
    assert request["max_tokens"] == 1024
    assert user_text(request).startswith("INPUT: Make a poster <IMG_0></IMG_0>\nOUTPUT: Here <IMG_1></IMG_1>")


def test_bad_score_replies_are_errors_per_item(server, make_judge):
    server.respond = lambda request, n: completion(
        score_reply(Completeness={"Score": 42, "Justification": "?"})
        if "bad" in user_text(request)
        else score_reply()
    )
    judge = make_judge()
    results = judge.score_outputs(
        [((Step("good"),), (Step("x"),)), ((Step("bad"),), (Step("y"),))], return_exceptions=True
    )
    assert results[0].mean == 6
    assert isinstance(results[1], ScoreReplyError)
    assert "'Completeness' Score 42 is outside 0-10" in str(results[1])
    with pytest.raises(ScoreReplyError):
        judge.score_output((Step("bad"),), (Step("y"),))


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 < retry_after_seconds(later) <= 30


def test_bad_configuration_is_rejected_up_front():
    with pytest.raises(ValueError, match="base_url must be an http"):
        ApiJudge(base_url="api.openai.com")
    with pytest.raises(ValueError, match="max_concurrency"):
        ApiJudge(max_concurrency=0)


def test_the_default_endpoint_without_a_key_is_refused_before_any_request(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from genjudge.benchmarks.opening import sample_dir
    from genjudge.cli import app

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    outputs = sample_dir() / "gen_outputs"
    args = [
        "judge",
        "pairs",
        "--benchmark",
        str(sample_dir()),
        "--judge",
        "api",
        "--out",
        str(tmp_path / "v"),
    ]
    args += [
        "--outputs",
        str(outputs / "Aurora-Interleave_output"),
        "--outputs",
        str(outputs / "Drift-Gen_output"),
    ]
    result = CliRunner().invoke(app, [*args, "--option", "max_retries=0"])

    assert result.exit_code == 1, result.output
    assert "$OPENAI_API_KEY is not set, and https://api.openai.com/v1 needs an API key" in result.output
    assert "--endpoint URL" in result.output and "api_key_env=NAME" in result.output
    assert "connection failed" not in result.output
    with pytest.raises(MissingApiKey, match="MY_KEY is not set"):
        ApiJudge(api_key_env="MY_KEY", max_retries=3).complete([{"role": "user", "content": "hi"}], 5)


def test_the_judge_command_reports_a_refused_api_request_without_a_traceback(server, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from genjudge.benchmarks.opening import sample_dir
    from genjudge.cli import app

    monkeypatch.setenv("GENJUDGE_TEST_KEY", SECRET)
    server.respond = lambda request, n: error(401, f"Incorrect API key provided: {SECRET}")
    outputs = sample_dir() / "gen_outputs"
    args = [
        "judge",
        "pairs",
        "--benchmark",
        str(sample_dir()),
        "--judge",
        "api",
        "--out",
        str(tmp_path / "v.json"),
    ]
    args += [
        "--outputs",
        str(outputs / "Aurora-Interleave_output"),
        "--outputs",
        str(outputs / "Drift-Gen_output"),
    ]
    for option in (f"base_url={server.base_url}", "model=judge-model", "api_key_env=GENJUDGE_TEST_KEY"):
        args += ["--option", option]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "HTTP 401" in result.output and "No verdict file was written" in result.output
    assert SECRET not in result.output and not (tmp_path / "v.json").exists()
    assert not isinstance(result.exception, ApiRequestError), "reported, not raised"
