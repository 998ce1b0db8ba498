"""A chat-completions server on 127.0.0.1 for the API judge's tests, which can be killed mid-run.

It answers each pair with a verdict fixed by the pair's id ("question <k>" in the prompt; reply
``REPLIES[k % 4]``), records the requests it got, and counts per prompt the answers it sent in
full, so a verdict fetched twice (once from a dying server, again from another) shows.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLIES = ("A is better", "B is better", "Tie(A is better)", "Tie(B is better)")
LABELS = ("A", "B", "Tie(A)", "Tie(B)")


def user_text(request: dict) -> str:
    return "".join(part.get("text", "") for part in request["messages"][1]["content"])


def pair_id(request: dict) -> int:
    return int(re.search(r"question (\d+)", user_text(request)).group(1))


def completion(text: str, logprobs: list[dict[str, Any]] | None = None) -> tuple[int, bytes]:
    """A 200 chat-completions answer; ``logprobs`` is ``choices[0].logprobs.content`` if given."""
    choice: dict[str, Any] = {"index": 0, "message": {"role": "assistant", "content": text}}
    if logprobs is not None:
        choice["logprobs"] = {"content": logprobs}
    return 200, json.dumps({"object": "chat.completion", "choices": [choice]}).encode()


class VerdictServer:
    """A chat-completions server that can be killed: it stops accepting connections and hangs up
    on requests it has not answered yet, as a crashed vLLM process would.

    ``respond(request)`` decides each answer (status, body); ``after_answer(server)`` runs after
    each one (tests use it to kill the server part way).
    """

    def __init__(self, delay: float = 0.01) -> None:
        self.answered: Counter[str] = Counter()  # user prompt -> answers sent in full
        self.requests: list[dict] = []
        self.dead = False
        self.answered_when_killed: int | None = None
        self.lock = threading.Lock()
        self.delay = delay
        self.respond: Callable[[dict], tuple[int, bytes]] = lambda request: completion(
            REPLIES[pair_id(request) % 4]
        )
        self.after_answer: Callable[[VerdictServer], None] = lambda server: None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.requests.append(request)
                time.sleep(server.delay)
                status, body = server.respond(request)
                with server.lock:  # an answer is sent and counted in full, or not at all
                    if server.dead:
                        self.close_connection = True  # hang up without an answer
                        return
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                    if status == 200:
                        server.answered[user_text(request)] += 1
                server.after_answer(server)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def kill(self) -> None:
        """Stop answering and accepting connections; safe to call more than once."""
        with self.lock:
            if self.dead:
                return
            self.dead = True
            self.answered_when_killed = sum(self.answered.values())
        self.httpd.shutdown()
        self.httpd.server_close()

    def total(self) -> int:
        """Answers sent in full so far."""
        with self.lock:
            return sum(self.answered.values())
