"""Closed or served text-to-image models behind an OpenAI-compatible ``/v1/images/generations``.

One request per image (``n=1``), asking for ``b64_json`` so the picture arrives in the answer and
no second download is needed. Several servers share a run through the judges' endpoint pool
(:class:`genjudge.judges.endpoint_pool.EndpointPool`): the least loaded gets the next request, a
failing one is taken out and probed later, and a request whose server failed moves to a live one.

Failures are sorted as the generation protocol wants them:

* the server refused *this prompt* (HTTP 400, e.g. ``content_policy_violation``; other 4xx bar the
  ones below) or kept failing transiently until retries ran out → :class:`Failed` for that item;
* the setup is wrong (401/403 key, 404 model or route, an answer with a URL instead of image data,
  every server down) → :class:`GenerationError`, which stops the run.

Seeds: the OpenAI API takes none, so by default none is sent and the manifest says the endpoint's
images are not reproducible from a seed; ``send_seed=True`` sends ``seed`` for servers that take it.
The API key is read from the environment variable named by ``api_key_env`` and only ever put in the
``Authorization`` header; error texts are redacted.
"""

from __future__ import annotations

import base64
import binascii
import os
import random
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from PIL import Image

from genjudge.generation.protocol import Failed, GenerationError, ImageRequest
from genjudge.judges.api import (
    AUTH_STATUSES,
    ENDPOINT_FAULT_STATUSES,
    ERROR_EXCERPT_CHARS,
    MAX_RETRY_AFTER,
    RETRY_STATUSES,
    check_url,
    retry_after_seconds,
)
from genjudge.judges.endpoint_pool import AllEndpointsDown, EndpointPool, EndpointStats, Outcome
from genjudge.judges.request_deadline import Deadlines, DeadlineTransport
from genjudge.safe_io.media import MediaProblem, decode_image
from genjudge.safe_io.redaction import excerpt


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None, endpoint_fault: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.endpoint_fault = endpoint_fault


class _Refused(Exception):
    """The server answered that it will not draw this prompt."""


class OpenAIImages:
    """A :class:`~genjudge.generation.protocol.TextToImageGenerator` over images endpoints.

    Args:
        base_url / base_urls: one API root (``http://host:8000/v1``) or several serving the same model.
        model: the model name the endpoint serves (``dall-e-3``, ``gpt-image-1``, a served name).
        size: ``WIDTHxHEIGHT`` as the API takes it.
        options: further JSON fields of the request (``quality``, ``style``…), recorded in the manifest.
        response_format: ``b64_json``; ``None`` leaves it out, for servers that always send base64
            and reject the field (``gpt-image-1``).
        send_seed: send each request's seed (servers that take one); recorded in the manifest.
        max_concurrency: requests in flight at once, over all servers.
        timeout / max_retries / backoff_base / backoff_max: per request, as for the API judge.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        base_urls: Sequence[str] | None = None,
        model: str,
        size: str = "1024x1024",
        options: Mapping[str, Any] | None = None,
        response_format: str | None = "b64_json",
        send_seed: bool = False,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 4,
        timeout: float = 180.0,
        deadline: float = 300.0,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        probe_interval: float = 5.0,
    ) -> None:
        if (base_url is None) == (base_urls is None):
            raise GenerationError("pass base_url (one endpoint) or base_urls (several), exactly one of them")
        if max_concurrency < 1 or max_retries < 0 or not deadline > 0:
            raise GenerationError(
                "max_concurrency must be at least 1, max_retries at least 0 and deadline positive"
            )
        try:
            urls = tuple(check_url(url) for url in ([base_url] if base_urls is None else list(base_urls)))
            self._pool = EndpointPool(
                urls, probe_interval=probe_interval, probe_interval_max=24 * probe_interval
            )
        except ValueError as exc:
            raise GenerationError(str(exc)) from None
        self.base_urls = urls
        self.model = model
        self._payload = {
            "model": model,
            "n": 1,
            "size": size,
            **({"response_format": response_format} if response_format else {}),
            **dict(options or {}),
        }
        self.send_seed = send_seed
        self.max_concurrency = max_concurrency
        self.max_retries = max_retries
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self._api_key = os.environ.get(api_key_env) or None
        self.timeout, self.deadline = timeout, deadline
        self._deadlines = Deadlines()
        limits = httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency)
        self._client = httpx.Client(
            timeout=timeout, transport=DeadlineTransport(self._deadlines, limits=limits)
        )

    def settings(self) -> dict[str, Any]:
        request = {key: value for key, value in self._payload.items() if key != "model"}
        return {
            "model": self.model,
            "endpoint": "openai-images",
            "request": request,
            "seed_sent": self.send_seed,
        }

    def endpoint_stats(self) -> list[EndpointStats]:
        return self._pool.stats()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OpenAIImages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image | Failed]:
        if len(requests) <= 1:
            return [self._one(request) for request in requests]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(requests))) as workers:
            futures = [workers.submit(self._one, request) for request in requests]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _one(self, request: ImageRequest) -> Image.Image | Failed:
        payload = {**self._payload, "prompt": request.prompt}
        if self.send_seed:
            payload["seed"] = request.seed
        retries = 0
        while True:
            lease = self._pool.acquire()
            outcome, error = Outcome.REQUEST_FAULT, "interrupted"
            try:
                image = self._attempt(lease.url, payload)
                outcome, error = Outcome.ANSWERED, None
                return image
            except _Refused as refusal:
                error = str(refusal)
                return Failed(f"the endpoint refused the prompt: {refusal}")
            except _Retry as failure:
                outcome = Outcome.ENDPOINT_FAULT if failure.endpoint_fault else Outcome.REQUEST_FAULT
                error = str(failure)
                last = failure
            finally:
                self._pool.release(lease, outcome, error)
            if last.endpoint_fault and self._pool.any_live(besides=lease.url):
                continue  # another server is up: move there without using a retry
            if retries == self.max_retries:
                if last.endpoint_fault:
                    err: AllEndpointsDown = self._pool.all_down_error(retries + 1)
                    raise GenerationError(str(err)) from None
                return Failed(f"gave up after {retries + 1} attempts; last failure: {last}")
            time.sleep(self._delay(retries, last.retry_after))
            retries += 1

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        ceiling = min(self.backoff_max, self.backoff_base * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _attempt(self, url: str, payload: dict[str, Any]) -> Image.Image:
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        started = time.monotonic()
        try:
            with self._deadlines.within(self.deadline):
                response = self._client.post(f"{url}/images/generations", json=payload, headers=headers)
        except httpx.TimeoutException:
            if time.monotonic() - started >= self.deadline:
                raise _Retry(
                    f"no complete answer within the {self.deadline:g} s deadline", endpoint_fault=True
                ) from None
            raise _Retry(f"no answer within {self.timeout:g} s", endpoint_fault=True) from None
        except httpx.TransportError as err:
            raise _Retry(f"connection failed: {type(err).__name__}", endpoint_fault=True) from None
        status = response.status_code
        if status in RETRY_STATUSES:
            raise _Retry(
                f"HTTP {status}",
                retry_after_seconds(response.headers.get("Retry-After")),
                endpoint_fault=status in ENDPOINT_FAULT_STATUSES,
            )
        where = f"HTTP {status} from {url}/images/generations (model {self.model!r})"
        if status in AUTH_STATUSES:
            raise GenerationError(
                f"{where}: the server refused the credentials (check the API key); its reply is not "
                "shown, as it may echo them"
            )
        if status == 404:
            raise GenerationError(f"{where}: {self._excerpt(response)}; check the model name and the URL")
        if status != 200:
            raise _Refused(f"HTTP {status}: {self._excerpt(response)}")
        return self._read_image(response)

    def _read_image(self, response: httpx.Response) -> Image.Image:
        try:
            entry = response.json()["data"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            raise _Retry("malformed answer: no data[0]") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("b64_json"), str):
            if isinstance(entry, dict) and "url" in entry:
                raise GenerationError(
                    f"{self.model} answered with an image URL, not image data; ask for "
                    "response_format=b64_json (the default) or use a server that sends b64_json"
                )
            raise _Retry("malformed answer: data[0] has no b64_json")
        try:
            data = base64.b64decode(entry["b64_json"], validate=True)
        except binascii.Error as exc:
            raise _Retry(f"malformed answer: b64_json is not base64 ({exc})") from None
        try:
            return decode_image(data)
        except MediaProblem as problem:
            raise _Retry(f"malformed answer: the image is {problem}") from None

    def _excerpt(self, response: httpx.Response) -> str:
        """The ``error.message`` of an OpenAI-style error body, else the body, redacted, then cut."""
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = None
        text = message if isinstance(message, str) else response.text
        return excerpt(text, ERROR_EXCERPT_CHARS, [self._api_key])
