"""``redact`` masks a secret in every form a server might echo it in, and any long piece of one.

Upper- or lower-cased, reversed, percent-encoded, hex, base32, base64 or base64url (of the key
alone or of a header holding it, so at any byte alignment), or cut off by a fixed-length excerpt:
what is left may be a couple of characters at an edge, never a piece long enough to narrow the key.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from genjudge.safe_io.redaction import MASK, MIN_FRAGMENT, excerpt, redact, remember

KEY = "sk-proj-Zq81xWm4TT0e9vLbQ2-nRk7"


def forms(key: str) -> dict[str, str]:
    data = key.encode()
    return {
        "verbatim": key,
        "upper": key.upper(),
        "lower": key.lower(),
        "reversed": key[::-1],
        "reversed upper": key[::-1].upper(),
        "percent": quote(key, safe=""),
        "hex": data.hex(),
        "HEX": data.hex().upper(),
        "base32": base64.b32encode(data).decode(),
        "base64": base64.b64encode(data).decode(),
        "base64 reversed": base64.b64encode(data).decode()[::-1],
        "base64url of upper": base64.urlsafe_b64encode(key.upper().encode()).decode(),
        "base64 after one byte": base64.b64encode(b"x" + data).decode()[4:],
        "base64 after two bytes": base64.b64encode(b"xy" + data).decode()[4:],
    }


def longest_piece_left(text: str, form: str) -> int:
    """The longest run of ``form``'s characters (case ignored) still in ``text``."""
    text, form = text.lower(), form.lower()
    return max(
        (n for n in range(1, len(form) + 1) for i in range(len(form) - n + 1) if form[i : i + n] in text),
        default=0,
    )


@pytest.mark.parametrize("name", list(forms(KEY)))
def test_every_form_of_the_key_is_masked(name: str) -> None:
    form = forms(KEY)[name]
    text = redact(f"401: the key {form} is not valid", [KEY])
    assert MASK in text and text.startswith("401: the key ") and text.endswith(" is not valid")
    assert longest_piece_left(text.replace(MASK, " "), form) < MIN_FRAGMENT


@pytest.mark.parametrize("cut", range(MIN_FRAGMENT, len(KEY)))
def test_a_key_cut_off_by_an_excerpt_leaves_no_prefix_or_suffix(cut: int) -> None:
    assert KEY[:cut] not in redact(f"message ... {KEY[:cut]}", [KEY])
    assert KEY[-cut:] not in redact(f"{KEY[-cut:]} ... message", [KEY])


def test_excerpt_redacts_before_it_cuts() -> None:
    text = "x" * 95 + KEY
    assert excerpt(text, 100, [KEY]) == "x" * 95 + MASK
    assert excerpt("short", 100, [KEY]) == "short"


def test_a_remembered_secret_is_masked_by_callers_that_were_never_handed_it() -> None:
    secret = "q7Zr-process-K3yy-9x1"
    assert redact(f"echo {secret.upper()}") == f"echo {secret.upper()}"
    remember(secret)
    assert redact(f"echo {secret.upper()}") == f"echo {MASK}"


def test_text_without_the_key_is_left_alone() -> None:
    text = "HTTP 404: model 'gpt-4o' not found; see https://platform.openai.com/docs"
    assert redact(text, [KEY]) == text
