"""An overall deadline for blocking HTTP requests, which httpx's own timeouts do not give.

httpx bounds each network operation (connect, one read, one write), not a request: a server that
sends one byte a second never lets a read time out, so a request can last for ever. This module
gives a thread's requests a wall-clock deadline instead. :class:`DeadlineTransport` wraps every
socket its connections open; each read, write, connect or TLS handshake waits at most until the
calling thread's deadline, and one that would start after it fails at once with a timeout. httpcore
closes a connection that failed that way, so nothing more of an abandoned request is sent or read,
and the caller's next attempt starts on a fresh connection.

Usage::

    deadlines = Deadlines()
    client = httpx.Client(transport=DeadlineTransport(deadlines, limits=...))
    with deadlines.within(30.0):
        client.post(...)  # raises httpx.TimeoutException 30 s after it started, at the latest
"""

from __future__ import annotations

import contextlib
import functools
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx


class Deadlines:
    """The wall-clock deadline (``time.monotonic()`` seconds) of the requests each thread makes."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextlib.contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        """Requests this thread makes in the block must be done ``seconds`` from now."""
        self._local.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self._local.deadline = None

    def passed(self) -> bool:
        """Whether this thread's deadline is set and past."""
        deadline = getattr(self._local, "deadline", None)
        return deadline is not None and time.monotonic() >= deadline

    def wait(self, timeout: float | None, error: type[Exception]) -> float | None:
        """How long one network operation may wait: ``timeout``, cut to the time left; ``error``
        (an httpcore timeout) when none is left."""
        deadline = getattr(self._local, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise error("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadlines: Deadlines) -> None:
        self._stream = stream
        self._deadlines = deadlines

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadlines.wait(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadlines.wait(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None):  # type: ignore[no-untyped-def]
        wait = self._deadlines.wait(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, wait), self._deadlines)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadlines: Deadlines) -> None:
        self._backend = httpcore.SyncBackend()
        self._deadlines = deadlines

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = self._deadlines.wait(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, wait, local_address, socket_options)
        return _DeadlineStream(stream, self._deadlines)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        wait = self._deadlines.wait(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, wait, socket_options), self._deadlines)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default TLS settings, built once: loading the CA bundle takes about 0.1 s."""
    return httpx.create_ssl_context()


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's default transport (no proxy), with every socket bound by the caller's deadline."""

    def __init__(self, deadlines: Deadlines, *, limits: httpx.Limits) -> None:
        super().__init__(verify=_ssl_context(), limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(deadlines),
        )
