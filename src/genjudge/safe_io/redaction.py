"""Take secrets out of text before it is shown, logged or re-raised.

Servers echo requests back in their errors (a proxy's 401 page, a debug body that lists the
request headers), and an exception's text travels from there into our messages and logs. Every
place that turns a remote error into words passes it through :func:`redact` first: the secrets we
know are replaced wherever they appear, and so is anything shaped like a credential even when we
do not know it (an ``Authorization`` header's value, a Hugging Face ``hf_...`` token), since the
token in use may come from a file or environment variable the caller never saw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"

_VALUE = r"[^\s\"',;}\]]+"
_PATTERNS = (
    # Authorization: Bearer xyz / 'authorization': 'Basic xyz' / authorization=xyz
    re.compile(rf"(?i)(authorization[\"']?\s*[:=]\s*[\"']?\s*(?:(?:bearer|basic|token)\s+)?){_VALUE}"),
    re.compile(rf"(?i)(\bbearer\s+){_VALUE}"),
    re.compile(r"()\bhf_[A-Za-z0-9]{20,}"),
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with each of ``secrets`` and every credential-shaped value replaced by ``***``."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text
