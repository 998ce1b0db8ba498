"""Chat models behind OpenAI-compatible ``/v1/chat/completions`` servers, as a :class:`ChatGenerator`.

The transport is the API judge's (:class:`genjudge.judges.api.ApiJudge`): the same endpoint pool
over one or several servers (the least loaded gets the next request, a failing one is taken out
and probed later, a request whose server failed moves to a live one), the same retries with
backoff and ``Retry-After``, the same redaction of the key. Only the payload differs: a generator
sends the conversation and the sampling options it was given, nothing else, so that a pipeline
can send exactly what an official script sent (``model`` and ``messages``, server defaults).

Failures are sorted as the generation protocol wants them:

* the server refused *this conversation* (HTTP 400/413/422: a content filter, a context too long),
  a request kept failing transiently until retries ran out, or the answer was empty →
  :class:`Failed` for that item;
* the setup is wrong (401/403 key, 404 model or route, other refusals, every server down) →
  :class:`GenerationError`, which stops the run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from genjudge.generation.protocol import ChatMessage, Failed, GenerationError
from genjudge.judges.api import ApiJudge, ApiRequestError, RetriesExhausted, _reply_text
from genjudge.judges.endpoint_pool import AllEndpointsDown, EndpointStats

_ITEM_REFUSALS = frozenset({400, 413, 422})
_STATUS = re.compile(r"^HTTP (\d{3}) ")
"""``ApiRequestError`` carries its status only in its message, which starts ``HTTP <status> from``."""


class OpenAIChat:
    """A :class:`~genjudge.generation.protocol.ChatGenerator` over chat-completions endpoints.

    Args:
        base_url / base_urls: one API root (``http://host:8000/v1``) or several serving the same model.
        model: the model name the endpoint serves (``gpt-4o``, a vLLM served name…).
        options: further JSON fields of every request (``temperature``, ``max_tokens``, ``seed``…),
            recorded in the manifest; none by default, as the official OpenING scripts send none.
        max_concurrency: conversations in flight at once, over all servers.
        timeout / max_retries / backoff_base / backoff_max / probe_interval: as for the API judge.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        base_urls: Sequence[str] | None = None,
        model: str,
        options: Mapping[str, Any] | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 4,
        timeout: float = 300.0,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        probe_interval: float = 5.0,
    ) -> None:
        if (base_url is None) == (base_urls is None):
            raise GenerationError("pass base_url (one endpoint) or base_urls (several), exactly one of them")
        reserved = sorted({"model", "messages", "stream", "n"} & set(options or {}))
        if reserved:
            raise GenerationError(f"{', '.join(reserved)} cannot be set as options; the generator sets them")
        try:
            self._transport = ApiJudge(
                base_url,
                model=model,
                base_urls=base_urls,
                api_key_env=api_key_env,
                max_concurrency=max_concurrency,
                timeout=timeout,
                max_retries=max_retries,
                backoff_base=backoff_base,
                backoff_max=backoff_max,
                probe_interval=probe_interval,
                probe_interval_max=24 * probe_interval,
            )
        except ValueError as exc:
            raise GenerationError(str(exc)) from None
        self.model = model
        self.base_urls = self._transport.base_urls
        self.options = dict(options or {})
        self.max_concurrency = max_concurrency

    def settings(self) -> dict[str, Any]:
        return {"model": self.model, "endpoint": "openai-chat", "request": dict(self.options)}

    def endpoint_stats(self) -> list[EndpointStats]:
        return self._transport.endpoint_stats()

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> OpenAIChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]:
        if len(conversations) <= 1:
            return [self._one(messages) for messages in conversations]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(conversations))) as workers:
            futures = [workers.submit(self._one, messages) for messages in conversations]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _one(self, messages: Sequence[ChatMessage]) -> str | Failed:
        payload = {"model": self.model, "messages": [dict(message) for message in messages], **self.options}
        transport = self._transport
        try:
            text = transport._redact(transport._call(payload, _reply_text))
        except RetriesExhausted as exc:
            return Failed(str(exc))
        except AllEndpointsDown as exc:
            raise GenerationError(str(exc)) from None
        except ApiRequestError as exc:
            status = _STATUS.match(str(exc))
            if status and int(status[1]) in _ITEM_REFUSALS:
                return Failed(f"the endpoint refused the conversation: {exc}")
            raise GenerationError(f"{exc}; check the key, the model name and the URL") from None
        if not text.strip():
            return Failed("the model answered with an empty message")
        return text
