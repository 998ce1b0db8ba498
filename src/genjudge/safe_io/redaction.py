"""Take secrets out of text before it is shown, logged or re-raised.

Servers echo requests back in their errors (a proxy's 401 page, a debug body that lists the
request headers), and an exception's text travels from there into our messages and logs. Every
place that turns a remote error into words passes it through :func:`redact` (or :func:`excerpt`,
which redacts before it cuts) first.

An echo need not be verbatim: a server may upper-case the key, reverse it, percent-encode it,
base64- or hex-encode the header it came in, or cut its message at a fixed length so that only the
key's first characters are left. So a secret is looked for in all of its *forms* (case changes,
reversal, percent-encoding, hex, base32, base64 and base64url at every byte alignment, and those
encodings reversed), and any run of at least :data:`MIN_FRAGMENT` characters of any form is
masked, so a prefix, suffix or middle piece left by a cut goes too. Anything shaped like a
credential is masked even when we do not know it (an ``Authorization`` header's value, a Hugging
Face ``hf_...`` token), since the token in use may come from a file the caller never saw.

Secrets a component holds for the whole process (an API key read from the environment) are
:func:`remember`-ed once, so that code far from where the key was read (a CLI's error handler, a
log line) redacts it too without being handed it.
"""

from __future__ import annotations

import base64
import functools
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"
MIN_FRAGMENT = 6
"""Characters of a secret's form that, found together in a text, count as leaking it."""

_VALUE = r"[^\s\"',;}\]]+"
_PATTERNS = (
    # Authorization: Bearer xyz / 'authorization': 'Basic xyz' / authorization=xyz
    re.compile(rf"(?i)(authorization[\"']?\s*[:=]\s*[\"']?\s*(?:(?:bearer|basic|token)\s+)?){_VALUE}"),
    re.compile(rf"(?i)(\bbearer\s+){_VALUE}"),
    re.compile(r"()\bhf_[A-Za-z0-9]{20,}"),
)

_remembered: set[str] = set()
_remembered_lock = threading.Lock()


def remember(secret: str | None) -> None:
    """Redact ``secret`` from every later :func:`redact` call in this process, whoever makes it."""
    if secret:
        with _remembered_lock:
            _remembered.add(secret)


def _aligned_encodings(data: bytes, encode, group_bytes: int, group_chars: int) -> list[str]:  # type: ignore[no-untyped-def]
    """``data``'s encoding as it reads inside a longer encoded text, for each byte alignment.

    A block encoding maps ``group_bytes`` bytes to ``group_chars`` characters, so the characters
    that carry ``data`` depend on where it starts in the encoded whole. A first group shared with
    unknown bytes before is dropped; the last group is kept both as it reads when ``data`` ends the
    encoded text (padded) and dropped, for when more bytes follow.
    """
    forms = []
    for offset in range(group_bytes):
        encoded = encode(b"\0" * offset + data).decode("ascii")[group_chars if offset else 0 :]
        forms.append(encoded)
        if (offset + len(data)) % group_bytes:
            forms.append(encoded[:-group_chars])
    return forms


@functools.lru_cache(maxsize=32)
def _fragments(secret: str) -> tuple[frozenset[str], frozenset[str], int]:
    """Every ``MIN_FRAGMENT``-long piece of every form of ``secret``: (compared without case,
    compared exactly, piece length). A secret shorter than a piece is looked for whole."""
    caseless = set()
    exact = set()
    for text in (secret, secret[::-1]):
        caseless.update({text.lower(), quote(text, safe="").lower(), text.encode().hex()})
        for cased in {text, text.upper(), text.lower()}:
            data = cased.encode()
            for encoded in (
                _aligned_encodings(data, base64.b64encode, 3, 4)
                + _aligned_encodings(data, base64.urlsafe_b64encode, 3, 4)
                + _aligned_encodings(data, base64.b32encode, 5, 8)
            ):
                exact.update({encoded, encoded[::-1]})
    size = min(MIN_FRAGMENT, len(secret))

    def pieces(forms: set[str]) -> frozenset[str]:
        return frozenset(form[i : i + size] for form in forms for i in range(len(form) - size + 1))

    return pieces(caseless), pieces(exact), size


def _masked_spans(text: str, secret: str) -> list[tuple[int, int]]:
    caseless, exact, size = _fragments(secret)
    lowered = text.lower()
    return [
        (i, i + size)
        for i in range(len(text) - size + 1)
        if lowered[i : i + size] in caseless or text[i : i + size] in exact
    ]


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every form of each of ``secrets`` (and of the remembered ones), and every
    credential-shaped value, replaced by ``***``."""
    with _remembered_lock:
        known = {s for s in [*secrets, *_remembered] if s}
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    merged: list[list[int]] = []
    for start, end in sorted(span for secret in known for span in _masked_spans(text, secret)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + MASK + text[end:]
    return text


def excerpt(text: str, limit: int, secrets: Iterable[str | None] = ()) -> str:
    """The first ``limit`` characters of ``text`` once redacted (cutting first could leave a key's
    first characters behind, too few to be recognised as that key)."""
    redacted = redact(text, secrets).strip()
    return redacted if len(redacted) <= limit else redacted[:limit] + " ..."
