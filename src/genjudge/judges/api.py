"""A judge behind any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, TGI, LiteLLM…).

It shows the prompts of the official GPT judges (OpenING layout; images as base64 JPEG data URLs
at PIL's default quality, downscaled to ``image_max_side``): pairwise requests end with the line
of ``GPT_judge_AB.py`` (``verdict_request="gpt"``), 7-criterion scores force a call of the
official function schema of ``GPT_score_A.py`` where the endpoint supports tools (JSON asked for as
text where it refuses them). Replies are read with ``genjudge.judges.parsing``. Like the official
GPT-4o judge it asks for at most ``max_tokens=5`` tokens per verdict. With
``top_logprobs`` set it also asks for token log-probabilities and reads verdict probabilities
from them (``genjudge.judges.verdict_logprobs``); otherwise a verdict is certain of its label.

Network behaviour: at most ``max_concurrency`` requests in flight, over one or several endpoints
(``base_urls``; ``genjudge.judges.endpoint_pool`` picks the least loaded and takes failing ones
out). Besides ``timeout``, which bounds each network read, every request has an overall
``deadline``, so a server that drips its answer a byte at a time cannot hold a request for ever.
408/409/429/5xx replies, timeouts, deadlines, connection errors and malformed response bodies are
retried up to ``max_retries`` times with exponential backoff and jitter, honouring
``Retry-After``; a request whose endpoint failed (no connection, timeout, deadline, 5xx) moves at
once to another live endpoint without using a retry. An attempt abandoned at its timeout or
deadline has its connection closed before the next attempt is sent, so no more than
``max_concurrency`` connections are ever open; a server that goes on computing an answer for a
closed connection (instead of aborting it, as vLLM does) is doing work nobody waits for. Other
HTTP errors (a bad key, a wrong model name) stop the batch at once with ``ApiRequestError``, and
so does ``AllEndpointsDown`` when every endpoint keeps failing. Items whose requests keep failing
or whose replies name no verdict are reported together in ``PartialVerdicts``, with the verdicts
that did come back.

The API key is read from the environment variable named by ``api_key_env`` when the judge is
created and is only ever put in the ``Authorization`` header: it is not stored in verdicts,
prompt versions or judge ids, not logged, and removed from any error text or reply that echoes it
in any form (``genjudge.safe_io.redaction``). A 401 or 403 reply's body is not shown at all.
Without a key, a judge for ``api.openai.com`` (the default endpoint) stops at its first request,
before sending it, with ``MissingApiKey`` saying so: that host refuses every keyless request.
"""

from __future__ import annotations

import base64
import email.utils
import functools
import io
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import httpx
from PIL import Image

from genjudge.core.records import Step
from genjudge.judges.endpoint_pool import EndpointPool, EndpointStats, Lease, Outcome
from genjudge.judges.parsing import (
    OutputScores,
    ScoreReplyError,
    parse_score_reply,
    verdicts_from_replies,
)
from genjudge.judges.prompts import (
    VERDICT_REQUESTS,
    BuiltinPrompt,
    JudgePrompt,
    build_score_prompt,
    item_prompt,
    pairwise_prompt_version,
    pairwise_system_prompt,
    score_system_prompt,
    score_tools_request,
)
from genjudge.judges.protocol import JudgeError, PairwiseItem, PartialVerdicts, Verdict
from genjudge.judges.request_deadline import Deadlines, DeadlineTransport
from genjudge.judges.verdict_logprobs import read_token_logprobs, verdict_probabilities
from genjudge.safe_io.redaction import excerpt, redact, remember

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
ENDPOINT_FAULT_STATUSES = frozenset({500, 502, 503, 504})
"""Retried statuses that say the server is unwell (take it out), not that it is busy (429, 408, 409)."""
AUTH_STATUSES = frozenset({401, 403})
"""Refusals of the credentials, whose bodies are never shown: they are where servers echo the key."""
ERROR_EXCERPT_CHARS = 300
DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_RETRY_AFTER = 600.0
"""Longest ``Retry-After`` honoured, in seconds, so a misbehaving server cannot park a run."""

T = TypeVar("T")


KEYED_HOSTS = frozenset({"api.openai.com"})
"""Hosts that refuse every request without a key, so a judge without one is refused up front."""


class ApiRequestError(JudgeError):
    """A chat-completions request was refused (e.g. HTTP 401, 404): the configuration is wrong."""


class MissingApiKey(ApiRequestError):
    """The endpoint needs an API key and the environment variable meant to hold it is unset: raised
    before the first request (a judge whose verdicts are all cached needs no key)."""


class RetriesExhausted(ApiRequestError):
    """A request kept failing transiently (429/5xx, timeouts, malformed bodies) until retries ran out."""


class _Retryable(Exception):
    """A failed attempt worth retrying; ``retry_after`` is the server's wish, in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class _EndpointFault(_Retryable):
    """A failed attempt that is the endpoint's fault (no connection, timeout, 5xx)."""


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


@functools.lru_cache(maxsize=64)
def image_data_url(data: bytes, max_side: int = 512) -> str:
    """Encoded image bytes as a JPEG data URL, downscaled so its longer side is at most ``max_side``.

    Cached because a batch shows the same input images in several pairs; the cache is small
    because its keys keep the original image bytes alive.

    The official GPT judge squashes every image to 512x512; keeping the aspect ratio shows the
    judge undistorted images at the same cost. The JPEG quality is PIL's default, as there.
    """
    with Image.open(io.BytesIO(data)) as img:
        picture = img.convert("RGB")
    picture.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def reply_text(body: Any) -> str:
    """The assistant text of a chat-completions response (content, or tool/function arguments)."""
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise _Retryable("malformed response: no choices[0].message") from None
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    if not content and isinstance(message, dict):
        calls = message.get("tool_calls") or []
        function = calls[0].get("function", {}) if calls else message.get("function_call") or {}
        content = function.get("arguments") if isinstance(function, dict) else None
    if content is None:
        return ""
    if not isinstance(content, str):
        raise _Retryable("malformed response: message content is not text")
    return content


@dataclass(frozen=True)
class _VerdictReply:
    """A verdict request's reply text, and the label probabilities its tokens gave (if asked for)."""

    text: str
    probabilities: dict[str, float] | None


def _with_probabilities(verdict: Verdict | None, reply: _VerdictReply | Exception) -> Verdict | None:
    """The text verdict with the token probabilities in place of one-hot, where there are some."""
    if verdict is None or not isinstance(reply, _VerdictReply) or reply.probabilities is None:
        return verdict
    return replace(verdict, probabilities=reply.probabilities)


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an http(s) URL such as https://api.openai.com/v1, not {url!r}")
    return url.rstrip("/")


def _missing_key_message(api_key: str | None, api_key_env: str, base_urls: Sequence[str]) -> str | None:
    """Why requests cannot succeed without a key, for a host that refuses every keyless request.

    Without this a missing key shows up as a 401 only after the connection is made, or, offline,
    as every request's connection retries running out, long after the cause could have been named.
    """
    keyed = [url for url in base_urls if urlsplit(url).hostname in KEYED_HOSTS]
    if api_key is not None or not keyed:
        return None
    return (
        f"${api_key_env} is not set, and {keyed[0]} needs an API key (it refuses requests without one); "
        f"nothing was sent. Set {api_key_env}, name the variable that holds your key with "
        "api_key_env=NAME (CLI: --option api_key_env=NAME), or point the judge at your own "
        "OpenAI-compatible server with base_url=URL (CLI: --endpoint URL)."
    )


class ApiJudge:
    """A pairwise judge (``PairwiseJudge`` protocol) and 7-criterion scorer over chat completions.

    Args:
        base_url: the API root, e.g. ``https://api.openai.com/v1`` (the default) or
            ``http://localhost:8000/v1``.
        base_urls: several API roots serving the same model (e.g. one vLLM server per GPU),
            instead of ``base_url``: requests go to the least loaded, failing ones are taken out
            and probed again later, and the run goes on while one is up.
        model: the model name the endpoint serves (official: ``gpt-4o``).
        api_key_env: environment variable holding the key; unset means no ``Authorization`` header
            (fine for local servers; refused for ``api.openai.com``, which needs a key).
        max_concurrency: requests in flight at once, over all endpoints together.
        timeout: seconds each network read (or connect, or write) may wait.
        deadline: seconds a whole request may take, however its answer trickles in; past it the
            request counts as its endpoint's failure and moves to another live endpoint.
        max_retries: retries per request after the first attempt.
        image_max_side: images are downscaled to this longer side (official: 512).
        max_tokens: reply budget for a verdict (official: 5).
        top_logprobs: ask for this many alternatives per token (``logprobs``) and read verdict
            probabilities from them; ``None`` asks for none and gives one-hot probabilities.
            Servers cap it (OpenAI: 20; vLLM: its ``--max-logprobs``, 20 by default).
        score_max_tokens: reply budget for a 7-criterion score.
        temperature: sampling temperature (0 for repeatable verdicts; the official script used the
            API default).
        system_prompt: the built-in pairwise system message, ``"genjudge"`` (default) or
            ``"intjudge"`` (the official IntJudge sentence).
        verdict_request: the last line of a pairwise request: ``"gpt"`` (default, as
            ``GPT_judge_AB.py``) or ``"intjudge"`` (as ``IntJudge_judge_AB.py``: for an IntJudge
            served behind the API, with ``system_prompt="intjudge"``).
        score_function_calling: score through the official function schema (``tools``); an
            endpoint that refuses tools is then asked for the JSON as text, once and for all.
        system_prompt_path / score_system_prompt_path: files with the official (or any) prompts.
        include_reference: show the gold reference to the judge.
        on_unparseable: ``"raise"`` reports replies naming no verdict; ``"official"`` reads every
            reply with the official rule (first character first), as ``GPT_judge_AB.py`` does.
        seed: seeds the official rule's random side, per item.
        revision: what identifies the served weights in the cache (default: ``model``; pass a dated
            snapshot name when the endpoint's model can change under the same name).
        backoff_base / backoff_max: exponential backoff bounds in seconds.
        probe_interval / probe_interval_max: seconds a failing endpoint stays out before it is
            probed again, doubling per failed probe up to the maximum.
    """

    def __init__(
        self,
        base_url: str | None = None,
        model: str = "gpt-4o",
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 8,
        timeout: float = 60.0,
        deadline: float = 180.0,
        max_retries: int = 5,
        image_max_side: int = 512,
        max_tokens: int = 5,
        top_logprobs: int | None = None,
        score_max_tokens: int = 1024,
        temperature: float = 0.0,
        system_prompt: BuiltinPrompt = "genjudge",
        verdict_request: Literal["gpt", "intjudge"] = "gpt",
        score_function_calling: bool = True,
        system_prompt_path: str | Path | None = None,
        score_system_prompt_path: str | Path | None = None,
        include_reference: bool = False,
        on_unparseable: Literal["raise", "official"] = "raise",
        seed: int = 0,
        revision: str | None = None,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        base_urls: Sequence[str] | None = None,
        probe_interval: float = 5.0,
        probe_interval_max: float = 120.0,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, not {max_concurrency}")
        if not deadline > 0:
            raise ValueError(f"deadline must be a positive number of seconds, not {deadline}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        if on_unparseable not in ("raise", "official"):
            raise ValueError(f"on_unparseable must be 'raise' or 'official', not {on_unparseable!r}")
        if verdict_request not in VERDICT_REQUESTS:
            raise ValueError(f"verdict_request must be 'gpt' or 'intjudge', not {verdict_request!r}")
        if top_logprobs is not None and top_logprobs < 1:
            raise ValueError(f"top_logprobs must be at least 1 (or None for no logprobs), not {top_logprobs}")
        if base_url is not None and base_urls is not None:
            raise ValueError("pass base_url (one endpoint) or base_urls (several), not both")
        if isinstance(base_urls, str):
            raise ValueError(f"base_urls takes a list of URLs, not the single string {base_urls!r}")
        urls = [base_url or DEFAULT_BASE_URL] if base_urls is None else list(base_urls)
        self.base_urls = tuple(check_url(url) for url in urls)
        self._pool = EndpointPool(
            self.base_urls, probe_interval=probe_interval, probe_interval_max=probe_interval_max
        )
        self.model = model
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.deadline = deadline
        self.max_retries = max_retries
        self.image_max_side = image_max_side
        self.max_tokens = max_tokens
        self.top_logprobs = top_logprobs
        self.score_max_tokens = score_max_tokens
        self.temperature = temperature
        self.include_reference = include_reference
        self.on_unparseable = on_unparseable
        self.seed = seed
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.system_prompt = pairwise_system_prompt(system_prompt_path, builtin=system_prompt)
        self.score_prompt = score_system_prompt(score_system_prompt_path)
        self.verdict_request = verdict_request
        self.score_function_calling = score_function_calling
        self._score_tools = score_function_calling

        self.judge_id = f"api:{model}" + ("-official-lean" if on_unparseable == "official" else "")
        self.revision = revision or model
        self.prompt_version = (
            pairwise_prompt_version(self.system_prompt, with_reference=include_reference)
            + f"/request={verdict_request}/max_tokens={max_tokens}/t={temperature}/img={image_max_side}"
            + ("" if top_logprobs is None else f"/top_logprobs={top_logprobs}")
        )

        self._api_key = os.environ.get(api_key_env) or None
        remember(self._api_key)
        self._missing_key = _missing_key_message(self._api_key, api_key_env, self.base_urls)
        if self._api_key is None:
            logger.info(
                "%s is not set: requests to %s go without an Authorization header",
                api_key_env,
                ", ".join(self.base_urls),
            )
        self._deadlines = Deadlines()
        limits = httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency)
        self._client = httpx.Client(
            timeout=timeout, transport=DeadlineTransport(self._deadlines, limits=limits)
        )
        self._jitter = random.Random()
        self._jitter_lock = threading.Lock()
        self._warned_no_logprobs = False

    def __repr__(self) -> str:
        one = len(self.base_urls) == 1
        where = f"base_url={self.base_urls[0]!r}" if one else f"base_urls={self.base_urls!r}"
        return f"ApiJudge({where}, model={self.model!r}, api_key_env={self.api_key_env!r})"

    def endpoint_stats(self) -> list[EndpointStats]:
        """Requests served, failures and times taken out, per endpoint, since the judge was made."""
        return self._pool.stats()

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> ApiJudge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests ------------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        return redact(text, [self._api_key])

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _attempt(self, url: str, payload: dict[str, Any]) -> Any:
        """One POST to one endpoint; the parsed JSON body, or the failure classified for retrying."""
        started = time.monotonic()
        try:
            with self._deadlines.within(self.deadline):
                response = self._client.post(f"{url}/chat/completions", json=payload, headers=self._headers())
        except httpx.TimeoutException:
            if time.monotonic() - started >= self.deadline:
                raise _EndpointFault(f"no complete answer within the {self.deadline:g} s deadline") from None
            raise _EndpointFault(f"no answer within {self.timeout:g} s") from None
        except httpx.TransportError as err:
            raise _EndpointFault(
                f"connection failed: {type(err).__name__}: {self._redact(str(err))}"
            ) from None
        if response.status_code in RETRY_STATUSES:
            fault = _EndpointFault if response.status_code in ENDPOINT_FAULT_STATUSES else _Retryable
            raise fault(
                f"HTTP {response.status_code}", retry_after_seconds(response.headers.get("Retry-After"))
            )
        where = f"HTTP {response.status_code} from {url}/chat/completions (model {self.model!r})"
        if response.status_code in AUTH_STATUSES:
            raise ApiRequestError(
                f"{where}: the server refused the credentials (the API key in ${self.api_key_env}, "
                "or none if it is unset); its reply is not shown, as it may echo them"
            )
        if response.status_code != 200:
            raise ApiRequestError(f"{where}: {excerpt(response.text, ERROR_EXCERPT_CHARS, [self._api_key])}")
        try:
            return response.json()
        except ValueError:
            raise _Retryable("malformed response: body is not JSON") from None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        ceiling = min(self.backoff_max, self.backoff_base * 2**attempt)
        with self._jitter_lock:
            return ceiling / 2 + self._jitter.uniform(0, ceiling / 2)

    def _call(self, payload: dict[str, Any], read: Callable[[Any], T]) -> T:
        """POST ``payload`` until an endpoint answers and ``read`` accepts the body.

        A failure that took its endpoint out moves the request to a live endpoint at once, free;
        every other failure uses one of ``max_retries`` retries after a backoff.
        """
        if self._missing_key is not None:
            raise MissingApiKey(self._missing_key)
        retries = 0
        while True:
            lease = self._pool.acquire()
            try:
                result = self._attempt_on(lease, payload, read)
            except _Retryable as failure:
                moved = isinstance(failure, _EndpointFault) and self._pool.any_live(besides=lease.url)
                if moved:
                    logger.warning("%s: %s; sending the request to another endpoint", lease.url, failure)
                    continue
                if retries == self.max_retries:
                    if isinstance(failure, _EndpointFault):
                        raise self._pool.all_down_error(retries + 1) from None
                    raise RetriesExhausted(
                        f"gave up on {lease.url}/chat/completions after {retries + 1} attempts; "
                        f"last failure: {failure}"
                    ) from None
                delay = self._delay(retries, failure.retry_after)
                retries += 1
                logger.warning(
                    "%s: %s; retrying in %.2f s (attempt %d of %d)",
                    lease.url,
                    failure,
                    delay,
                    retries + 1,
                    self.max_retries + 1,
                )
                time.sleep(delay)
            else:
                return result

    def _attempt_on(self, lease: Lease, payload: dict[str, Any], read: Callable[[Any], T]) -> T:
        """One attempt on the leased endpoint, telling the pool how it went whatever happens."""
        outcome, error = Outcome.REQUEST_FAULT, "interrupted"
        try:
            result = read(self._attempt(lease.url, payload))
            outcome, error = Outcome.ANSWERED, None
            return result
        except _EndpointFault as failure:
            outcome, error = Outcome.ENDPOINT_FAULT, str(failure)
            raise
        except (_Retryable, ApiRequestError) as failure:
            outcome, error = Outcome.REQUEST_FAULT, str(failure)
            raise
        finally:
            self._pool.release(lease, outcome, error)

    def _payload(self, messages: list[dict[str, Any]], max_tokens: int) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": self.temperature,
        }

    def complete(self, messages: list[dict[str, Any]], max_tokens: int) -> str:
        """One chat completion's reply text, retried on transient failures.

        Raises ``ApiRequestError`` for a refused request, ``RetriesExhausted`` when retries run
        out and ``AllEndpointsDown`` when they ran out with every endpoint failing.
        """
        return self._redact(self._call(self._payload(messages, max_tokens), reply_text))

    def _verdict_reply(self, messages: list[dict[str, Any]]) -> _VerdictReply:
        """A verdict request: the reply text and, with ``top_logprobs``, the probabilities its tokens give."""
        payload = self._payload(messages, self.max_tokens)
        if self.top_logprobs is None:
            return _VerdictReply(self._redact(self._call(payload, reply_text)), None)
        payload |= {"logprobs": True, "top_logprobs": self.top_logprobs}

        def read(body: Any) -> tuple[str, Any]:
            text = reply_text(body)  # checks that choices[0] is there
            choice = body["choices"][0]
            return text, choice.get("logprobs") if isinstance(choice, dict) else None

        text, logprobs = self._call(payload, read)
        tokens = read_token_logprobs(logprobs)
        if tokens is None and not self._warned_no_logprobs:
            self._warned_no_logprobs = True
            logger.warning(
                "the server sent no choices[0].logprobs.content although top_logprobs=%d was asked for; "
                "verdicts are certain of their label (one-hot)",
                self.top_logprobs,
            )
        return _VerdictReply(self._redact(text), None if tokens is None else verdict_probabilities(tokens))

    def _messages(self, prompt: JudgePrompt) -> list[dict[str, Any]]:
        return prompt.to_openai_messages(functools.partial(image_data_url, max_side=self.image_max_side))

    def _run_all(self, tasks: Sequence[Callable[[], T]]) -> list[T | Exception]:
        """Run tasks with at most ``max_concurrency`` in flight; ``RetriesExhausted`` is a task's result.

        Any other exception, such as a refused request (``ApiRequestError``), stops everything: it
        means the configuration is wrong, not one item.
        """

        def guarded(task: Callable[[], T]) -> T | Exception:
            try:
                return task()
            except RetriesExhausted as err:
                return err

        if len(tasks) == 1:
            return [guarded(tasks[0])]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(tasks))) as pool:
            futures = [pool.submit(guarded, task) for task in tasks]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    # --- pairwise verdicts ---------------------------------------------------------------------

    def prompt(self, item: PairwiseItem) -> JudgePrompt:
        """The prompt shown to the judge for one item."""
        return item_prompt(
            item,
            system=self.system_prompt,
            include_reference=self.include_reference,
            request=VERDICT_REQUESTS[self.verdict_request],
        )

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        """Judge a batch in order (``PairwiseJudge`` protocol); see the module docstring for failures."""
        prompts = [self.prompt(item) for item in items]
        replies = self._run_all([functools.partial(self._verdict_reply, self._messages(p)) for p in prompts])
        texts = [reply if isinstance(reply, Exception) else reply.text for reply in replies]
        try:
            verdicts = verdicts_from_replies(items, texts, on_unparseable=self.on_unparseable, seed=self.seed)
        except PartialVerdicts as partial:
            kept = [_with_probabilities(v, r) for v, r in zip(partial.verdicts, replies, strict=True)]
            raise PartialVerdicts(kept, partial.failures) from None
        return [_with_probabilities(v, r) for v, r in zip(verdicts, replies, strict=True)]  # type: ignore[misc]

    # --- 7-criterion scores --------------------------------------------------------------------

    @property
    def score_prompt_version(self) -> str:
        """Cache identity of the scoring prompt."""
        return self.score_prompt.version + f"/max_tokens={self.score_max_tokens}/t={self.temperature}"

    def _score(self, question: Sequence[Step], output: Sequence[Step]) -> OutputScores:
        prompt = build_score_prompt(question, output, system=self.score_prompt)
        return parse_score_reply(self._score_reply(self._messages(prompt)))

    def _score_reply(self, messages: list[dict[str, Any]]) -> str:
        """The score JSON: a forced call of the official function while the endpoint takes tools;
        after the first refusal (a non-retryable HTTP error), the same request without tools."""
        if self._score_tools:
            payload = self._payload(messages, self.score_max_tokens) | score_tools_request()
            try:
                return self._redact(self._call(payload, reply_text))
            except RetriesExhausted:
                raise
            except ApiRequestError as refusal:
                self._score_tools = False
                logger.warning("function calling refused (%s); asking for the score JSON as text", refusal)
        return self.complete(messages, self.score_max_tokens)

    def score_output(self, question: Sequence[Step], output: Sequence[Step]) -> OutputScores:
        """The official single-output mode: 7 criteria, each 0-10 with a justification.

        Raises ``ScoreReplyError`` (listing every problem) when the reply is not the expected JSON.
        """
        return self._score(question, output)

    def score_outputs(
        self, items: Sequence[tuple[Sequence[Step], Sequence[Step]]], *, return_exceptions: bool = False
    ) -> list[OutputScores | Exception]:
        """Score many (question, output) pairs concurrently.

        With ``return_exceptions=True`` a failed item's entry is its exception (``ScoreReplyError``
        or ``RetriesExhausted``) and the others are kept; otherwise the first failure is raised.
        """

        def task(question: Sequence[Step], output: Sequence[Step]) -> OutputScores | Exception:
            try:
                return self._score(question, output)
            except ScoreReplyError as err:
                return err

        results = self._run_all([functools.partial(task, q, o) for q, o in items])
        if not return_exceptions:
            for result in results:
                if isinstance(result, Exception):
                    raise result
        return results
