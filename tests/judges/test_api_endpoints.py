"""ApiJudge over several chat-completions servers on 127.0.0.1, one of which dies during the run.

The servers (``support.chat_server``) answer with a verdict fixed by the pair's id and count the
answers they sent per pair, so a verdict fetched twice would show.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time

import pytest
from support.chat_server import LABELS, REPLIES, VerdictServer, completion, pair_id
from typer.testing import CliRunner

from genjudge.core.records import Step
from genjudge.judges.api import ApiJudge, ApiRequestError
from genjudge.judges.endpoint_pool import AllEndpointsDown
from genjudge.judges.protocol import PairwiseItem
from genjudge.judges.runner import judge_pairs


@pytest.fixture
def servers():
    started: list[VerdictServer] = []

    def start(count: int) -> list[VerdictServer]:
        started.extend(VerdictServer() for _ in range(count))
        return started[-count:]

    yield start
    for server in started:
        if not server.dead:
            server.kill()


@pytest.fixture
def make_judge():
    judges: list[ApiJudge] = []

    def make(**options: object) -> ApiJudge:
        options = {"model": "intjudge", "api_key_env": "GENJUDGE_NO_KEY", "backoff_base": 0.01, **options}
        judges.append(ApiJudge(timeout=5.0, **options))
        return judges[-1]

    yield make
    for judge in judges:
        judge.close()


def items(count: int) -> list[PairwiseItem]:
    return [
        PairwiseItem(
            question=(Step(f"question {k}"),), output_a=(Step(f"A to {k}"),), output_b=(Step(f"B to {k}"),)
        )
        for k in range(count)
    ]


def test_a_server_killed_mid_run_loses_no_verdict_and_none_is_fetched_twice(servers, make_judge):
    first, second, third = servers(3)

    def kill_after_five(server: VerdictServer) -> None:
        if server.total() >= 5:
            threading.Thread(target=server.kill).start()

    second.after_answer = kill_after_five
    judge = make_judge(base_urls=[first.url, second.url, third.url], max_concurrency=6, max_retries=1)
    run = judge_pairs(judge, items(60), batch_size=12, progress=False)

    assert run.winners == [LABELS[k % 4] for k in range(60)]
    answered = first.answered + second.answered + third.answered
    assert len(answered) == 60 and set(answered.values()) == {1}, "every pair answered once, over all servers"
    assert second.dead and second.total() == second.answered_when_killed >= 5, "no answer after its death"
    stats = {s.url: s for s in judge.endpoint_stats()}
    assert stats[second.url].served == second.total() and stats[second.url].taken_out >= 1
    assert not stats[second.url].live
    assert stats[first.url].served + stats[third.url].served == 60 - second.total()

    (alone,) = servers(1)
    single = judge_pairs(make_judge(base_url=alone.url), items(60), batch_size=12, progress=False)
    assert [pair.verdict for pair in single] == [pair.verdict for pair in run]
    assert (single.judge_id, single.revision, single.prompt_version) == (
        run.judge_id,
        run.revision,
        run.prompt_version,
    ), "verdicts cached from one server count for many"


def test_a_server_error_moves_the_request_to_another_endpoint_without_using_a_retry(servers, make_judge):
    failing, healthy = servers(2)
    failing.respond = lambda request: (503, b'{"error": {"message": "overloaded"}}')
    judge = make_judge(base_urls=[failing.url, healthy.url], max_retries=0, max_concurrency=1)
    verdicts = judge.judge_batch(items(4))
    assert [v.winner for v in verdicts] == ["A", "B", "Tie(A)", "Tie(B)"]
    stats = judge.endpoint_stats()
    assert (stats[0].served, stats[0].failures, stats[0].taken_out, stats[0].last_error) == (
        0,
        1,
        1,
        "HTTP 503",
    )
    assert stats[1].served == 4


def test_an_endpoint_that_recovers_is_used_again_after_its_probe_interval(servers, make_judge):
    flaky, steady = servers(2)
    failed: list[int] = []

    def fail_once(request: dict) -> tuple[int, bytes]:
        if not failed:
            failed.append(pair_id(request))
            return 500, b"{}"
        return completion(REPLIES[pair_id(request) % 4])

    flaky.respond = fail_once
    judge = make_judge(base_urls=[flaky.url, steady.url], probe_interval=0.0, max_concurrency=1)
    judge.judge_batch(items(6))
    stats = judge.endpoint_stats()
    assert stats[0].taken_out == 1 and stats[0].live
    assert stats[0].served >= 2, "probed at once (interval 0) and back in rotation"


def test_when_every_endpoint_is_down_the_error_names_each_and_its_last_failure(servers, make_judge):
    first, second = servers(2)
    first.kill()
    second.kill()
    judge = make_judge(base_urls=[first.url, second.url], max_retries=2)
    with pytest.raises(AllEndpointsDown) as caught:
        judge.judge_batch(items(3))
    message = str(caught.value)
    assert message.startswith("all 2 endpoints are down (a request gave up after 3 attempts); last errors: ")
    for server in (first, second):
        assert f"{server.url}: connection failed: ConnectError" in message


def test_a_request_the_server_refuses_stops_the_run_but_does_not_take_the_server_out(servers, make_judge):
    (server,) = servers(1)
    server.respond = lambda request: (400, b'{"error": {"message": "image too large"}}')
    judge = make_judge(base_urls=[server.url])
    with pytest.raises(ApiRequestError, match=r"HTTP 400 .*image too large"):
        judge.judge_batch(items(1))
    (stats,) = judge.endpoint_stats()
    assert stats.live and stats.taken_out == 0 and stats.failures == 1


def test_base_url_and_base_urls_are_one_or_the_other():
    with pytest.raises(ValueError, match="not both"):
        ApiJudge(base_url="http://a/v1", base_urls=["http://b/v1"])
    with pytest.raises(ValueError, match="a list of URLs"):
        ApiJudge(base_urls="http://a/v1")
    with pytest.raises(ValueError, match="base_url must be an http"):
        ApiJudge(base_urls=["http://a/v1", "b:8000"])
    assert ApiJudge(base_urls=["http://a/v1/", "http://b/v1"]).base_urls == ("http://a/v1", "http://b/v1")
    assert ApiJudge().base_urls == ("https://api.openai.com/v1",)


def test_the_judge_command_spreads_pairs_over_two_endpoints_and_reports_each(servers, tmp_path):
    from genjudge.benchmarks.opening import sample_dir
    from genjudge.cli import app

    first, second = servers(2)
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
    for model in ("Aurora-Interleave", "Drift-Gen"):
        args += ["--outputs", str(outputs / f"{model}_output")]
    first.respond = second.respond = lambda request: completion("B is better")
    args += ["--endpoint", first.url, "--endpoint", second.url, "--option", "model=intjudge"]
    result = CliRunner().invoke(app, [*args, "--option", "api_key_env=GENJUDGE_NO_KEY"])
    assert result.exit_code == 0, result.output
    verdicts = json.loads((tmp_path / "v.json").read_text())
    assert verdicts and {record["winner"] for record in verdicts} == {"B"}
    assert first.total() > 0 and second.total() > 0 and first.total() + second.total() == len(verdicts)
    assert "API endpoints" in result.output
    for server in (first, second):
        assert re.search(rf"{re.escape(server.url)}\s*│\s*{server.total()}\s*│\s*0\s*│\s*0", result.output)

    clash = CliRunner().invoke(app, [*args, "--option", f"base_url={first.url}"])
    assert clash.exit_code == 2 and "not both" in clash.output
    elsewhere = CliRunner().invoke(app, [*args, "--judge", "reference"])
    assert elsewhere.exit_code == 2 and "only --judge api takes endpoints" in elsewhere.output

    first.kill()
    second.kill()
    down = CliRunner().invoke(app, [*args, "--option", "max_retries=0"])
    assert down.exit_code == 1, down.output
    assert "all 2 endpoints are down" in down.output and "No verdict file was written" in down.output
    assert down.output.count("(out)") == 2 and "Traceback" not in down.output


class DrippingServer:
    """A server that reads each request, then sends a valid answer one byte every ``interval``
    seconds: each read gets a byte long before any read timeout, so only a deadline on the whole
    request stops waiting for it. Counts the answers it finished sending."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.finished = 0
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        _, body = completion("A is better")
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        with connection:
            connection.recv(1 << 20)  # the request (its end does not matter: the answer never does)
            try:
                for byte in head.encode() + body:
                    if self.stopped.wait(self.interval):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:  # the client gave up and closed the connection
                return
            self.finished += 1

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.listener.close()


def test_a_dripping_server_loses_its_requests_to_a_healthy_one_at_the_deadline(servers, make_judge):
    (healthy,) = servers(1)
    dripping = DrippingServer()
    try:
        judge = make_judge(
            base_urls=[dripping.url, healthy.url], deadline=2.0, max_concurrency=4, probe_interval=1.0
        )
        started = time.monotonic()
        verdicts = judge.judge_batch(items(16))
        took = time.monotonic() - started
    finally:
        dripping.close()
    assert [v.winner for v in verdicts] == [LABELS[k % 4] for k in range(16)]
    stats = {s.url: s for s in judge.endpoint_stats()}
    assert stats[healthy.url].served == 16 and dripping.finished == 0, "every verdict from the healthy one"
    assert stats[dripping.url].failures >= 1 and stats[dripping.url].taken_out >= 1
    assert "no complete answer within the 2 s deadline" in stats[dripping.url].last_error
    # one answer drips for > 100 s; the run waits out a few 2 s deadlines (generous on a loaded machine)
    assert took < 60, took


def test_the_deadline_must_be_positive():
    with pytest.raises(ValueError, match="deadline must be a positive number of seconds"):
        ApiJudge(deadline=0)
