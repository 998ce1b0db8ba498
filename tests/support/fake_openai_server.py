"""An OpenAI-compatible server on 127.0.0.1 with chat completions and image generations, for tests.

``/v1/images/generations`` draws each prompt as a flat colour fixed by the prompt and, when sent,
the seed (so a test can tell which request made which image), at the requested ``size``, returned
as ``b64_json``. ``/v1/chat/completions`` answers with :func:`support.chat_server.completion`.
``respond_images`` / ``respond_chat`` can be replaced to inject failures; every request is kept in
``requests`` with its path. ``kill()`` stops the server the way a crashed process would.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

from support.chat_server import completion


def colour_of(prompt: str, seed: int | None) -> tuple[int, int, int]:
    """The flat colour the server draws ``prompt`` with ``seed`` in."""
    digest = hashlib.sha256(f"{prompt}\0{seed}".encode()).digest()
    return digest[0], digest[1], digest[2]


def image_reply(request: dict) -> tuple[int, bytes]:
    """A 200 images answer: one PNG in ``data[0].b64_json``."""
    width, height = (int(side) for side in request.get("size", "64x64").split("x"))
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour_of(request["prompt"], request.get("seed"))).save(buffer, "PNG")
    picture = base64.b64encode(buffer.getvalue()).decode("ascii")
    return 200, json.dumps({"created": 0, "data": [{"b64_json": picture}]}).encode()


def error_reply(status: int, message: str, code: str | None = None) -> tuple[int, bytes]:
    """An OpenAI-style error body."""
    return status, json.dumps(
        {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    ).encode()


class FakeOpenAIServer:
    """Chat and images endpoints on loopback (module docstring); ``url`` ends in ``/v1``."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.dead = False
        self.lock = threading.Lock()
        self.respond_images: Callable[[dict], tuple[int, bytes]] = image_reply
        self.respond_chat: Callable[[dict], tuple[int, bytes]] = lambda request: completion(
            str(request["messages"][-1]["content"])
        )
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.requests.append((self.path, request))
                if self.path == "/v1/images/generations":
                    status, body = server.respond_images(request)
                elif self.path == "/v1/chat/completions":
                    status, body = server.respond_chat(request)
                else:
                    status, body = error_reply(404, f"no route {self.path}")
                if server.dead:
                    self.close_connection = True  # hang up without an answer
                    return
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def image_requests(self) -> list[dict]:
        with self.lock:
            return [request for path, request in self.requests if path == "/v1/images/generations"]

    def kill(self) -> None:
        """Stop answering and accepting connections; safe to call more than once."""
        if self.dead:
            return
        self.dead = True
        self.httpd.shutdown()
        self.httpd.server_close()
