"""A vote's reason is text from a stranger: checked at the edge, escaped wherever it is printed.

The edge applies the same rule as a submission's description (:func:`genjudge.safe_io.uploads.
check_short_text`: stripped, bounded, no control characters or bidi overrides), so what is stored
is plain text. Output to a terminal escapes anything that is not printable anyway, since a ledger
can also be edited by hand.
"""

from __future__ import annotations

import unicodedata

from genjudge.safe_io.uploads import SubmissionError, check_short_text
from genjudge.votes.errors import VoteRefused

MAX_REASON_CHARS = 1000
_SHOWN_AS_IS = frozenset(" ")


def check_reason(reason: str | None) -> str:
    """The reason as stored (stripped), or :class:`VoteRefused` saying why it is not accepted."""
    if reason is not None and not isinstance(reason, str):
        raise VoteRefused(f"Refused: the reason must be text, not {type(reason).__name__}.")
    try:
        return check_short_text(reason or "", "reason", MAX_REASON_CHARS)
    except SubmissionError as exc:
        raise VoteRefused(f"Refused: the reason {exc.reason}; nothing was stored.") from None


def terminal_safe(text: str) -> str:
    """``text`` with every character a terminal would act on (controls, format characters such as
    bidi overrides, line and paragraph separators) written as its ``\\x..``/``\\u....`` escape, so
    one stored value prints as one line that looks like what is stored."""
    return "".join(
        ch
        if ch in _SHOWN_AS_IS or unicodedata.category(ch)[0] not in "CZ"
        else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )
