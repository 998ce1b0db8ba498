"""JSON from strangers, parsed within bounds, every refusal saying where the fix has to be made.

``json.loads`` trusts its input in ways that a hostile file exploits: deep nesting ends in a
``RecursionError`` (or, below the interpreter's recursion limit, a structure that later code may
recurse into), an integer with thousands of digits ends in a ``ValueError`` from Python's
int/str conversion limit, ``1e999`` silently becomes infinity, a key repeated in one object is
silently last-wins, and bytes that are not UTF-8 end in a ``UnicodeDecodeError``. :func:`loads`
turns every one of them, and ordinary syntax errors, into :class:`JSONInputError`, so each reader
of untrusted JSON (submissions, the release builders, the result sheets, the leaderboard files
pulled from the Hub) refuses them the same way.

``NaN`` and ``Infinity`` are refused too: they are not JSON, and a score that reads as NaN would
slip through every comparison downstream.

Every refusal names the place: the line and column, and the field as a path from the document's
root (``conversations[1].output[0].text``). The parser's hooks know neither, so when one of them
refuses, :func:`_locate` walks the text once more, in document order, to find the first
offending token; that walk only runs on the way to an error.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JSONLimits:
    """Bounds on one JSON document. The defaults are far above anything the benchmark formats
    need (their records nest five levels deep and hold small ids) and far below what hurts."""

    max_depth: int = 64
    max_int_digits: int = 100


DEFAULT_LIMITS = JSONLimits()
_SHOWN_KEY_CHARS = 40
_SHOWN_PATH_CHARS = 120


class JSONInputError(ValueError):
    """Untrusted JSON that cannot be accepted.

    ``problem`` says what is wrong; ``field`` is where in the document (a path such as
    ``results[3].score``, ``None`` for the document itself or when unknown); ``reason`` is the
    problem with its field, for callers that add only a file and line; ``line`` and ``column``
    are 1-based and ``None`` when unknown.
    """

    def __init__(
        self, reason: str, *, line: int | None = None, column: int | None = None, field: str | None = None
    ) -> None:
        self.problem = reason
        self.field = field
        self.reason = f"{reason} in field {field!r}" if field else reason
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None and column is not None else ""
        super().__init__(self.reason + where)


class _Refused(Exception):
    """Raised by a parser hook; :func:`_locate` then finds what and where."""


# One token of the walk in :func:`_walk`, told apart by the group that matched: a string (group 2 set
# when a colon follows: a key), an opening or closing bracket, a comma, a constant that is not JSON,
# or a number that may break a limit (one with an exponent, or with more digits than ``{digits}``
# allows; other numbers are skipped by the regex engine, as are true/false/null and whitespace).
_TOKEN_PATTERN = r"""
    ("[^"\\]*(?:\\.[^"\\]*)*")(\s*:)?
    |([{{\[])
    |([}}\]])
    |(,)
    |(NaN|-?Infinity)
    |(-?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|-?[0-9]{{{digits},}}(?:\.[0-9]+)?)
"""
_KEY, _OPEN, _CLOSE, _COMMA, _CONSTANT, _NUMBER = range(2, 8)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.lru_cache(maxsize=8)
def _token(max_int_digits: int) -> re.Pattern[str]:
    # Past 308 digits a number without an exponent is infinite as a float, so those are always seen.
    return re.compile(_TOKEN_PATTERN.format(digits=min(max_int_digits, 308) + 1), re.VERBOSE)


@dataclass(frozen=True)
class _Spot:
    """Where the walk stopped: the ``problem`` found there (``None`` when it was asked to stop at
    ``offset``), the field as a path, and the offset in the text."""

    problem: str | None
    field: str | None
    offset: int


def _shown_key(key: str) -> str:
    if len(key) > _SHOWN_KEY_CHARS:
        key = key[:_SHOWN_KEY_CHARS] + "…"
    return f".{key}" if _NAME.fullmatch(key) else f"[{json.dumps(key)}]"


def _path(places: list[int | str | None]) -> str | None:
    """The field the walk is at, as ``a.b[2]["odd key"]``; ``None`` at the document's root."""
    parts = [
        f"[{place}]" if isinstance(place, int) else _shown_key(place) for place in places if place is not None
    ]
    path = "".join(parts).removeprefix(".")
    if len(path) > _SHOWN_PATH_CHARS:  # nesting refused for its depth: its first and last steps say enough
        half = _SHOWN_PATH_CHARS // 2
        path = f"{path[:half]}…{path[-half:]}"
    return path or None


def _number_problem(token: str, limits: JSONLimits) -> str | None:
    if not any(mark in token for mark in ".eE"):
        digits = len(token.lstrip("-"))
        if digits > limits.max_int_digits:
            return f"an integer has {digits:,} digits (at most {limits.max_int_digits:,})"
    if math.isfinite(float(token)):
        return None
    shown = token if len(token) <= 24 else token[:20] + "…"
    return f"{shown} is out of range (numbers must be finite)"


def _walk(text: str, limits: JSONLimits, stop: int | None = None) -> _Spot | None:
    """Walk the tokens of ``text`` in document order to the first problem, or to offset ``stop``.

    The walk trusts the text to be JSON up to where it stops (the parser read that far), so it
    only tracks the structure: for each open container its place (an array's index, an object's
    current key) and, for objects, the keys seen. It runs only on the way to an error; a file of
    many megabytes takes seconds.
    """
    places: list[int | str | None] = []  # an int in an array, the key (None before the first) in an object
    seen: list[set[str] | None] = []  # the keys of each open object; None for an array
    end = len(text) if stop is None else stop
    for match in _token(limits.max_int_digits).finditer(text):
        offset = match.start()
        if offset >= end:
            break
        kind = match.lastindex
        if kind == 1:  # a string that is a value
            continue
        if kind == _KEY:
            quoted = match.group(1)
            key = json.loads(quoted) if "\\" in quoted else quoted[1:-1]
            places[-1] = key
            keys = seen[-1]
            if keys is not None and key in keys:
                return _Spot(
                    f"the key {key!r} is repeated (a key may appear once in an object)", _path(places), offset
                )
            if keys is not None:
                keys.add(key)
        elif kind == _COMMA and places:
            places[-1] = places[-1] + 1 if seen[-1] is None else None
        elif kind == _OPEN:
            if len(places) >= limits.max_depth:
                return _Spot(f"nested more than {limits.max_depth} levels deep", _path(places), offset)
            is_object = match.group() == "{"
            places.append(None if is_object else 0)
            seen.append(set() if is_object else None)
        elif kind == _CLOSE and places:
            places.pop()
            seen.pop()
        elif kind == _CONSTANT:
            return _Spot(f"{match.group()} is not valid JSON (numbers must be finite)", _path(places), offset)
        elif kind == _NUMBER:
            problem = _number_problem(match.group(), limits)
            if problem is not None:
                return _Spot(problem, _path(places), offset)
    return None if stop is None else _Spot(None, _path(places), stop)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``, counted as :mod:`json` counts them."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _located(text: str, spot: _Spot, problem: str) -> JSONInputError:
    line, column = _position(text, spot.offset)
    return JSONInputError(spot.problem or problem, line=line, column=column, field=spot.field)


def _locate(text: str, limits: JSONLimits, fallback: str) -> JSONInputError:
    """The error for the first problem in ``text``, with its line, column and field; ``fallback``
    when the walk finds none (a limit the walk does not know, such as the interpreter's own)."""
    spot = _walk(text, limits)
    return JSONInputError(fallback) if spot is None else _located(text, spot, fallback)


def decode_utf8(data: bytes) -> str:
    """``data`` as text, or :class:`JSONInputError` saying at which byte it stops being UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JSONInputError(f"not UTF-8 text (byte {exc.start + 1} is {data[exc.start]:#04x})") from None


def _hooks(limits: JSONLimits) -> dict[str, Any]:
    """Parser hooks that refuse what the walk in :func:`_locate` will then name and place."""

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.max_int_digits:
            raise _Refused
        return int(digits)

    def parse_float(token: str) -> float:
        number = float(token)
        if not math.isfinite(number):
            raise _Refused
        return number

    def parse_constant(name: str) -> Any:
        raise _Refused

    def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if len(value) != len(pairs):
            raise _Refused
        return value

    return {
        "parse_int": parse_int,
        "parse_float": parse_float,
        "parse_constant": parse_constant,
        "object_pairs_hook": object_pairs,
    }


def _too_deep(value: Any, limit: int) -> bool:
    """Whether the parsed value nests deeper than ``limit``, walked level by level (no recursion)."""
    level, depth = [value], 1
    while level:
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, (dict, list))
        ]
        depth += 1
    return False


def loads(data: str | bytes, limits: JSONLimits = DEFAULT_LIMITS) -> Any:
    """Parse one JSON document within ``limits``; every refusal is a :class:`JSONInputError`
    naming its field, line and column where the document has them."""
    text = decode_utf8(data) if isinstance(data, (bytes, bytearray)) else data
    deep = f"nested more than {limits.max_depth} levels deep"
    try:
        value = json.loads(text, **_hooks(limits))
    except json.JSONDecodeError as exc:
        # The text before the syntax error may already hold a refusal (a repeated key in an object
        # the error left open); the first problem in document order is the one reported.
        spot = _walk(text, limits, stop=exc.pos)
        assert spot is not None  # a walk with a stop always ends somewhere
        raise _located(text, spot, f"malformed JSON: {exc.msg}") from None
    except _Refused:
        raise _locate(text, limits, "refused by the JSON limits") from None
    except RecursionError:
        raise _locate(text, limits, deep) from None
    if isinstance(value, (dict, list)) and _too_deep(value, limits.max_depth):
        raise _locate(text, limits, deep)
    return value
