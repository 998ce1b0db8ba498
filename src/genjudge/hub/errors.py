"""One exception for every failed call to the Hugging Face Hub, with the token taken out.

What a Hub call raises depends on the ``huggingface_hub`` version and on where it failed: an
``HfHubHTTPError`` for a refusal, the HTTP client's own connection errors (``requests``, ``httpx``
or ``httpx2`` by version) for an unreachable endpoint, ``OfflineModeIsEnabled`` with
``HF_HUB_OFFLINE=1``, ``ValueError`` for a malformed repo id. A caller (the CLI's exit codes, the
Space's status line) should not need to know that list, and must never print a server's echo of
the request's ``Authorization`` header. :func:`hub_call` turns all of them into :class:`HubError`,
whose message has passed through :func:`genjudge.safe_io.redaction.redact` and whose traceback does not
chain the original exception (its text would carry the token again).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from genjudge.safe_io.redaction import redact

MAX_DETAIL_CHARS = 500


class HubError(RuntimeError):
    """A Hub upload, download or commit failed; ``str(error)`` is safe to print (no token)."""


def _known_token(token: str | None) -> str | None:
    if token:
        return token
    from huggingface_hub import get_token

    try:
        return get_token()
    except Exception:  # a token file we cannot read is no reason to lose the real error
        return None


def describe_failure(action: str, exc: BaseException, token: str | None = None) -> str:
    """``action (Type: detail)``, redacted and cut to a readable length."""
    detail = redact(str(exc), [_known_token(token)]).strip()
    if len(detail) > MAX_DETAIL_CHARS:
        detail = detail[:MAX_DETAIL_CHARS] + " ..."
    return f"{action} ({type(exc).__name__}: {detail})" if detail else f"{action} ({type(exc).__name__})"


@contextmanager
def hub_call(action: str, *, token: str | None = None, hint: str = "") -> Iterator[None]:
    """Run Hub calls in this block; any failure leaves it as :class:`HubError` (``action`` says
    what went wrong, e.g. ``"could not upload to me/board"``; ``hint`` what the user can do)."""
    try:
        yield
    except HubError:
        raise
    except Exception as exc:
        message = describe_failure(action, exc, token)
        raise HubError(f"{message}. {hint}" if hint else message) from None
