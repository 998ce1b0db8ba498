"""A multimodal chat model behind OpenAI-compatible ``/v1/chat/completions`` (vLLM, SGLang, TGI, a
closed API) as a :class:`~genjudge.generation.protocol.ChatGenerator` that sees images.

Image parts (:mod:`.chat_images`) are sent as ``image_url`` parts holding JPEG data URLs, downscaled
to ``image_max_side`` (:func:`genjudge.judges.api.image_data_url`, the judges' own encoder). Several
servers share a run through the judges' endpoint pool: the least loaded gets the next request, a
failing one is taken out and probed later, and a request whose server failed moves to a live one.

Failures, as the generation protocol sorts them: a server that refuses *this conversation* (HTTP
400/413/422, e.g. a prompt over the context length) or keeps failing transiently until retries run
out → :class:`Failed` for that item; a wrong setup (401/403/404: key, model name, URL) or every
server down → :class:`GenerationError`, which stops the run. The key is read from ``api_key_env``,
only put in the ``Authorization`` header, and redacted from error texts.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from genjudge.generation.chat_images import as_bytes, parts_of
from genjudge.generation.images_endpoint import _error_message, _Refused, _Retry
from genjudge.generation.protocol import ChatMessage, Failed, GenerationError
from genjudge.judges.api import (
    ENDPOINT_FAULT_STATUSES,
    MAX_RETRY_AFTER,
    RETRY_STATUSES,
    _check_url,
    _reply_text,
    _retry_after_seconds,
    _Retryable,
    image_data_url,
)
from genjudge.judges.endpoint_pool import AllEndpointsDown, EndpointPool, EndpointStats, Outcome
from genjudge.safe_io.redaction import redact

_SETUP_STATUSES = frozenset({401, 403, 404})


class EndpointMLLM:
    """Answers conversations with images over chat-completions endpoints (module docstring).

    Args:
        base_url / base_urls: one API root (``http://host:8000/v1``) or several serving the same model.
        model: the model name the endpoint serves.
        max_tokens: the longest answer, in tokens.
        temperature: 0 (the default) for repeatable answers where the server allows it.
        options: further JSON fields of the request (``top_p``, ``seed``…), recorded in the manifest.
        image_max_side: images are downscaled so their longer side is at most this (JPEG, PIL's quality).
        max_concurrency: requests in flight at once, over all servers.
        timeout / max_retries / backoff_base / backoff_max / probe_interval: as for the API judge.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        base_urls: Sequence[str] | None = None,
        model: str,
        max_tokens: int = 256,
        temperature: float = 0.0,
        options: Mapping[str, Any] | None = None,
        image_max_side: int = 1024,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 8,
        timeout: float = 120.0,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        probe_interval: float = 5.0,
    ) -> None:
        if (base_url is None) == (base_urls is None):
            raise GenerationError("pass base_url (one endpoint) or base_urls (several), exactly one of them")
        if max_concurrency < 1 or max_retries < 0 or max_tokens < 1 or image_max_side < 1:
            raise GenerationError(
                "max_concurrency, max_tokens and image_max_side must be at least 1, max_retries at least 0"
            )
        try:
            urls = tuple(_check_url(url) for url in ([base_url] if base_urls is None else list(base_urls)))
            self._pool = EndpointPool(
                urls, probe_interval=probe_interval, probe_interval_max=24 * probe_interval
            )
        except ValueError as exc:
            raise GenerationError(str(exc)) from None
        self.base_urls = urls
        self.model = model
        self.image_max_side = image_max_side
        self._payload = {
            "model": model,
            "max_tokens": max_tokens,
            "temperature": temperature,
            **dict(options or {}),
        }
        self.max_concurrency = max_concurrency
        self.max_retries = max_retries
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self._api_key = os.environ.get(api_key_env) or None
        self._client = httpx.Client(
            timeout=timeout,
            limits=httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency),
        )

    def settings(self) -> dict[str, Any]:
        request = {key: value for key, value in self._payload.items() if key != "model"}
        return {
            "model": self.model,
            "endpoint": "openai-chat-completions",
            "request": request,
            "images": f"JPEG data URLs, longer side <= {self.image_max_side}",
        }

    def endpoint_stats(self) -> list[EndpointStats]:
        return self._pool.stats()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> EndpointMLLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def openai_messages(self, conversation: Sequence[ChatMessage]) -> list[dict[str, Any]]:
        """The chat-completions messages of a conversation: image parts become data-URL parts."""
        messages = []
        for message in conversation:
            content = [
                {
                    "type": "image_url",
                    "image_url": {"url": image_data_url(as_bytes(part["image"]), self.image_max_side)},
                }
                if part["type"] == "image"
                else part
                for part in parts_of(message)
            ]
            messages.append({"role": message["role"], "content": content})
        return messages

    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]:
        payloads = [self._request(conversation) for conversation in conversations]
        if len(payloads) <= 1:
            return [self._one(payload) for payload in payloads]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(payloads))) as workers:
            futures = [workers.submit(self._one, payload) for payload in payloads]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _request(self, conversation: Sequence[ChatMessage]) -> dict[str, Any] | Failed:
        try:
            return {**self._payload, "messages": self.openai_messages(conversation)}
        except (ValueError, OSError) as exc:  # an image that cannot be decoded fails its item only
            return Failed(f"an image of the conversation cannot be decoded: {exc}")

    def _one(self, payload: dict[str, Any] | Failed) -> str | Failed:
        if isinstance(payload, Failed):
            return payload
        retries = 0
        while True:
            lease = self._pool.acquire()
            outcome, error = Outcome.REQUEST_FAULT, "interrupted"
            try:
                answer = self._attempt(lease.url, payload)
                outcome, error = Outcome.ANSWERED, None
                return answer.strip()
            except _Refused as refusal:
                error = str(refusal)
                return Failed(f"the endpoint refused the conversation: {refusal}")
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

    def _attempt(self, url: str, payload: dict[str, Any]) -> str:
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        try:
            response = self._client.post(f"{url}/chat/completions", json=payload, headers=headers)
        except httpx.TimeoutException:
            raise _Retry("no answer in time", endpoint_fault=True) from None
        except httpx.TransportError as err:
            raise _Retry(f"connection failed: {type(err).__name__}", endpoint_fault=True) from None
        status = response.status_code
        if status in RETRY_STATUSES:
            raise _Retry(
                f"HTTP {status}",
                _retry_after_seconds(response.headers.get("Retry-After")),
                endpoint_fault=status in ENDPOINT_FAULT_STATUSES,
            )
        if status in _SETUP_STATUSES:
            raise GenerationError(
                f"HTTP {status} from {url}/chat/completions (model {self.model!r}): "
                f"{self._redact(_error_message(response))}; check the key, the model name and the URL"
            )
        if status != 200:
            raise _Refused(f"HTTP {status}: {self._redact(_error_message(response))}")
        try:
            return _reply_text(response.json())
        except ValueError:
            raise _Retry("malformed answer: the body is not JSON") from None
        except _Retryable as malformed:
            raise _Retry(str(malformed)) from None

    def _redact(self, text: str) -> str:
        return redact(text, [self._api_key])
