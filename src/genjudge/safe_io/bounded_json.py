"""JSON from strangers, parsed within bounds that the caller can name in an error.

``json.loads`` trusts its input in three ways that a hostile file exploits: deep nesting ends in a
``RecursionError`` (or, below the interpreter's recursion limit, a structure that later code may
recurse into), an integer with thousands of digits ends in a ``ValueError`` from Python's
int/str conversion limit, and bytes that are not UTF-8 end in a ``UnicodeDecodeError``. None of
these name the file or line, and all of them reach the user as a traceback. :func:`loads` turns
every one of them, and ordinary syntax errors, into :class:`JSONInputError` with the position
when it is known, so each reader of untrusted JSON (submissions, the release builder, the
leaderboard files pulled from the Hub) reports them the same way.

``NaN`` and ``Infinity`` are refused too: they are not JSON, and a score that reads as NaN would
slip through every comparison downstream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JSONLimits:
    """Bounds on one JSON document. The defaults are far above anything the benchmark formats
    need (their records nest five levels deep and hold small ids) and far below what hurts."""

    max_depth: int = 64
    max_int_digits: int = 100


DEFAULT_LIMITS = JSONLimits()


class JSONInputError(ValueError):
    """Untrusted JSON that cannot be accepted; ``reason``, ``line`` and ``column`` say why and where
    (``line``/``column`` are 1-based and ``None`` when the parser cannot tell)."""

    def __init__(self, reason: str, *, line: int | None = None, column: int | None = None) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None and column is not None else ""
        super().__init__(reason + where)


def _bounded_int(limit: int):
    def parse(digits: str) -> int:
        count = len(digits.lstrip("-"))
        if count > limit:
            raise JSONInputError(f"an integer has {count:,} digits (at most {limit:,})")
        return int(digits)

    return parse


def _refuse_constant(name: str) -> Any:
    raise JSONInputError(f"{name} is not valid JSON (numbers must be finite)")


def _check_depth(value: Any, limit: int) -> None:
    """Walk the parsed value without recursion and refuse it if it nests deeper than ``limit``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            raise JSONInputError(f"nested more than {limit} levels deep")
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def decode_utf8(data: bytes) -> str:
    """``data`` as text, or :class:`JSONInputError` saying at which byte it stops being UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JSONInputError(f"not UTF-8 text (byte {exc.start + 1} is {data[exc.start]:#04x})") from None


def loads(data: str | bytes, limits: JSONLimits = DEFAULT_LIMITS) -> Any:
    """Parse one JSON document within ``limits``; every refusal is a :class:`JSONInputError`."""
    text = decode_utf8(data) if isinstance(data, (bytes, bytearray)) else data
    try:
        value = json.loads(
            text, parse_int=_bounded_int(limits.max_int_digits), parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        raise JSONInputError(f"malformed JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise JSONInputError(f"nested more than {limits.max_depth} levels deep") from None
    _check_depth(value, limits.max_depth)
    return value
