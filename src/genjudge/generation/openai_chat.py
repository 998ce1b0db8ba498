"""Chat models behind OpenAI-compatible ``/v1/chat/completions`` servers (vLLM, SGLang, TGI, a closed
API), as a :class:`~genjudge.generation.protocol.ChatGenerator` that sees images.

The transport is the API judge's (:class:`genjudge.judges.api.ApiJudge`): the same endpoint pool
over one or several servers (the least loaded gets the next request, a failing one is taken out
and probed later, a request whose server failed moves to a live one), the same retries with
backoff and ``Retry-After``, the same redaction of the key. Only the payload differs: a generator
sends the conversation and the request fields it was given, nothing else, so that a pipeline can
send exactly what an official script sent (``model`` and ``messages``, server defaults).

Images (:mod:`.chat_images`): an ``image`` part is sent as a JPEG data URL downscaled to
``image_max_side`` (:func:`genjudge.judges.api.image_data_url`, the judges' own encoder); an
``image_url`` part is sent as the caller wrote it (OpenING's recipe sends the release's bytes, as
the official scripts did). String contents stay strings.

Failures are sorted as the generation protocol wants them:

* the server refused *this conversation* (HTTP 400/413/422: a content filter, a context too long),
  a request kept failing transiently until retries ran out, an image of it cannot be decoded, or
  (with ``empty_answers="fail"``) the answer was empty → :class:`Failed` for that item;
* the setup is wrong (401/403 key, 404 model or route, other refusals, every server down) →
  :class:`GenerationError`, which stops the run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from genjudge.generation.chat_images import as_bytes, parts_of
from genjudge.generation.protocol import ChatMessage, EmptyAnswers, Failed, GenerationError
from genjudge.judges.api import ApiJudge, ApiRequestError, RetriesExhausted, image_data_url, reply_text
from genjudge.judges.endpoint_pool import AllEndpointsDown, EndpointStats

_ITEM_REFUSALS = frozenset({400, 413, 422})
_RESERVED = frozenset({"model", "messages", "stream", "n"})
_STATUS = re.compile(r"^HTTP (\d{3}) ")
"""``ApiRequestError`` carries its status only in its message, which starts ``HTTP <status> from``."""


class OpenAIChat:
    """A :class:`~genjudge.generation.protocol.ChatGenerator` over chat-completions endpoints.

    Args:
        base_url / base_urls: one API root (``http://host:8000/v1``) or several serving the same model.
        model: the model name the endpoint serves (``gpt-4o``, a vLLM served name…).
        options: further JSON fields of every request (``temperature``, ``max_tokens``, ``seed``…),
            recorded in the manifest; none by default, as the official OpenING scripts send none.
            Short, repeatable answers (General-Bench) want ``{"max_tokens": 256, "temperature": 0}``.
        image_max_side: ``image`` parts are downscaled so their longer side is at most this.
        empty_answers: ``"fail"`` or ``"keep"`` an empty answer
            (:data:`~genjudge.generation.protocol.EmptyAnswers`).
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
        image_max_side: int = 1024,
        empty_answers: EmptyAnswers = "fail",
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
        reserved = sorted(_RESERVED & set(options or {}))
        if reserved:
            raise GenerationError(f"{', '.join(reserved)} cannot be set as options; the generator sets them")
        if image_max_side < 1:
            raise GenerationError(f"image_max_side must be at least 1, not {image_max_side}")
        if empty_answers not in ("fail", "keep"):
            raise GenerationError(f"empty_answers must be 'fail' or 'keep', not {empty_answers!r}")
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
        self.image_max_side = image_max_side
        self.empty_answers = empty_answers
        self.max_concurrency = max_concurrency

    def settings(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "endpoint": "openai-chat",
            "request": dict(self.options),
            "images": f"image parts as JPEG data URLs, longer side <= {self.image_max_side}; "
            "image_url parts as given",
            "empty_answers": self.empty_answers,
        }

    def endpoint_stats(self) -> list[EndpointStats]:
        return self._transport.endpoint_stats()

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> OpenAIChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def openai_messages(self, conversation: Sequence[ChatMessage]) -> list[dict[str, Any]]:
        """The chat-completions messages of a conversation: ``image`` parts become data-URL parts."""
        messages = []
        for message in conversation:
            parts = parts_of(message)  # checks roles and parts: a malformed one is a GenerationError
            content = (
                message["content"]
                if isinstance(message["content"], str)
                else [
                    {
                        "type": "image_url",
                        "image_url": {"url": image_data_url(as_bytes(part["image"]), self.image_max_side)},
                    }
                    if part["type"] == "image"
                    else part
                    for part in parts
                ]
            )
            messages.append({"role": message["role"], "content": content})
        return messages

    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]:
        payloads = [self._payload(conversation) for conversation in conversations]
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

    def _payload(self, conversation: Sequence[ChatMessage]) -> dict[str, Any] | Failed:
        try:
            return {"model": self.model, "messages": self.openai_messages(conversation), **self.options}
        except (ValueError, OSError) as exc:  # an image that cannot be decoded fails its item only
            return Failed(f"an image of the conversation cannot be decoded: {exc}")

    def _one(self, payload: dict[str, Any] | Failed) -> str | Failed:
        if isinstance(payload, Failed):
            return payload
        transport = self._transport
        try:
            text = transport._redact(transport._call(payload, reply_text)).strip()
        except RetriesExhausted as exc:
            return Failed(str(exc))
        except AllEndpointsDown as exc:
            raise GenerationError(str(exc)) from None
        except ApiRequestError as exc:
            status = _STATUS.match(str(exc))
            if status and int(status[1]) in _ITEM_REFUSALS:
                return Failed(f"the endpoint refused the conversation: {exc}")
            raise GenerationError(f"{exc}; check the key, the model name and the URL") from None
        if not text and self.empty_answers == "fail":
            return Failed("the model answered with an empty message")
        return text
