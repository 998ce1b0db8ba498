"""One exception for every failed call to the Hugging Face Hub, with the token taken out.

What a Hub call raises depends on the ``huggingface_hub`` version and on where it failed: an
``HfHubHTTPError`` for a refusal, the HTTP client's own connection errors (``requests``, ``httpx``
or ``httpx2`` by version) for an unreachable endpoint, ``OfflineModeIsEnabled`` with
``HF_HUB_OFFLINE=1``, ``ValueError`` for a malformed repo id. A caller (the CLI's exit codes, the
Space's status line) should not need to know that list, and must never print a server's echo of
the request's ``Authorization`` header. :func:`hub_call` turns all of them into :class:`HubError`,
whose message has passed through :func:`genjudge.safe_io.redaction.redact` (or leaves out the body of a
refused token altogether) and whose traceback does not chain the original exception (its text
would carry the token again).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from genjudge.safe_io.redaction import excerpt

MAX_DETAIL_CHARS = 500
AUTH_STATUSES = frozenset({401, 403})


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


def _status(exc: BaseException) -> int | None:
    """The HTTP status of a failed Hub call, when it got an answer."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def describe_failure(action: str, exc: BaseException, token: str | None = None) -> str:
    """``action (Type: detail)``, redacted and cut to a readable length (cut after redacting, so no
    piece of the token is left at the cut). The body of a 401 or 403 is not shown at all: that is
    where servers echo the credentials, in forms no redaction can be sure to recognise."""
    status = _status(exc)
    if status in AUTH_STATUSES:
        detail = f"HTTP {status}: the Hub refused the token; its reply is not shown, as it may echo it"
    else:
        detail = excerpt(str(exc), MAX_DETAIL_CHARS, [_known_token(token)])
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
