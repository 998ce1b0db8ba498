"""Reading judges' replies: pairwise verdict strings and 7-criterion score JSON.

Two ways to read a verdict:

- ``parse_verdict`` (the default everywhere) accepts the spellings judges actually produce
  (``A is better``, ``Tie(A is better)``, ``Tie (A)``, ``**B**``, lower case, quotes, leading
  spaces) and returns ``Unparseable`` for anything else, so a broken reply is reported, never
  counted as a win.
- ``parse_verdict_official`` reproduces the OpenING scripts, which read the first character and
  always lean to a side: a reply starting with ``A``/``B`` is that side (so ``"Answer: B is
  better"`` is A), a reply starting with "tie" is a tie leaning to the side it names, anything else
  becomes a tie leaning to the first capital A/B in the reply, else a random side. It is an
  explicit opt-in (``on_unparseable="official"``) for reproducing official numbers, and in that
  mode it reads every reply, before the tolerant reader is ever asked.
  Deliberate differences, for replies where the official code stores a label nothing downstream
  can read: it slices ``"Tie (A is better)"`` into ``"Tie ()"``, ``"Tie"`` into ``"Tie)"`` and
  ``"tie(a…"`` into ``"tie(a)"``; here a tie leans to the first stand-alone A/B after "tie"
  (``Tie(A)``, ``Tie(A)``, ``Tie(A)`` for those three), else to a random side.

A reply that names no verdict comes back as ``Unparseable``; backends report those items in
``genjudge.judges.protocol.PartialVerdicts``.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from genjudge.core.records import content_hash
from genjudge.core.verdicts import VERDICT_LABELS, VerdictLabel
from genjudge.judges.prompts import SCORE_CRITERIA
from genjudge.judges.protocol import PairwiseItem, PartialVerdicts, Unparseable, Verdict

_DECORATION = " \t\r\n\"'`*_“”‘’[]"

_TIE = re.compile(r"^tie\b\s*[(:\-,]?\s*(?:model\s+|output\s*_?\s*)?([ab])\b", re.IGNORECASE)
_SIDE = re.compile(r"^(?:model\s+|output\s*_?\s*)?([ab])(?:\s+is\s+better)?\b(?!['’\-])", re.IGNORECASE)
_TIE_SIDE = re.compile(r"(?<![^\W_])[ab](?![^\W_])", re.IGNORECASE)
"""A stand-alone A/B (not a letter of a word): the side a tie leans to, as in ``Tie (A is better)``."""
_ANSWER_PREFIX = re.compile(r"^(?:verdict|answer|final verdict|final answer)\s*:\s*", re.IGNORECASE)


def _tidy(reply: str) -> str:
    text = reply.strip(_DECORATION)
    text = _ANSWER_PREFIX.sub("", text)
    return text.strip(_DECORATION)


def parse_verdict(reply: str) -> VerdictLabel | Unparseable:
    """The verdict a reply names, or ``Unparseable(reply)``.

    >>> parse_verdict("Tie(B is better)")
    'Tie(B)'
    >>> parse_verdict("  **a is better**")
    'A'
    >>> parse_verdict("I cannot decide.")
    Unparseable(raw='I cannot decide.')
    """
    text = _tidy(reply)
    if match := _TIE.match(text):
        return "Tie(A)" if match.group(1).upper() == "A" else "Tie(B)"
    if text.lower().startswith("tie"):
        return Unparseable(raw=reply)
    if match := _SIDE.match(text):
        return "A" if match.group(1).upper() == "A" else "B"
    return Unparseable(raw=reply)


def verdict_prefix(text: str) -> VerdictLabel | Literal["Tie"] | None:
    """What the beginning of a reply already commits to, for reading verdicts token by token.

    A full label once it is named, ``"Tie"`` for a tie whose lean is not named yet (including the
    start of the word, such as ``"T"``: tokenizers may split it), else ``None``.

    >>> verdict_prefix("Tie(")
    'Tie'
    >>> verdict_prefix("Tie(B")
    'Tie(B)'
    >>> verdict_prefix("**")
    """
    parsed = parse_verdict(text)
    if not isinstance(parsed, Unparseable):
        return parsed
    tidy = _tidy(text).lower()
    if tidy and (tidy.startswith("tie") or "tie".startswith(tidy)):
        return "Tie"
    return None


def parse_verdict_official(reply: str, rng: random.Random) -> tuple[VerdictLabel, bool]:
    """The official leaning reading; returns (label, guessed) where ``guessed`` means a random side.

    ``rng`` decides the random side; pass one seeded per item (e.g. from a seed and the item's
    content hash) so the guess does not depend on batch order.

    >>> parse_verdict_official("Answer: B is better", random.Random(0))
    ('A', False)
    >>> parse_verdict_official("The winner is B", random.Random(0))
    ('Tie(B)', False)
    """
    if reply[:1] in ("A", "B"):
        return reply[0], False  # type: ignore[return-value]
    if reply[:3].lower() == "tie":
        named = _TIE_SIDE.search(reply[3:])
        if named:
            return ("Tie(A)" if named.group(0).upper() == "A" else "Tie(B)"), False
    else:
        for char in reply:
            if char in ("A", "B"):
                return ("Tie(A)" if char == "A" else "Tie(B)"), False
    return ("Tie(A)" if rng.randint(0, 1) == 0 else "Tie(B)"), True


def one_hot(label: VerdictLabel) -> dict[str, float]:
    """Probabilities for a judge that only gives a label (text replies)."""
    return {name: 1.0 if name == label else 0.0 for name in VERDICT_LABELS}


def verdict_from_reply(
    reply: str, *, on_unparseable: str = "raise", rng: random.Random | None = None
) -> Verdict | Unparseable:
    """Turn a text reply into a ``Verdict`` (one-hot probabilities) or ``Unparseable``.

    ``on_unparseable="raise"`` reads with the tolerant ``parse_verdict`` and reports what it cannot
    read. ``on_unparseable="official"`` reads every reply with the official rule, first character
    first, so verdicts match the official scripts' (``"Answer: B is better"`` is A there); a random
    guess gets probability 0.5 for each tie label, so it is visible in the stored verdict.
    """
    if on_unparseable not in ("raise", "official"):
        raise ValueError(f"on_unparseable must be 'raise' or 'official', not {on_unparseable!r}")
    if on_unparseable == "raise":
        parsed = parse_verdict(reply)
        if isinstance(parsed, Unparseable):
            return parsed
        return Verdict(winner=parsed, probabilities=one_hot(parsed), raw=reply)
    label, guessed = parse_verdict_official(reply, rng or random.Random(0))
    probabilities = {"A": 0.0, "B": 0.0, "Tie(A)": 0.5, "Tie(B)": 0.5} if guessed else one_hot(label)
    return Verdict(winner=label, probabilities=probabilities, raw=reply)


def item_rng(seed: int, item: PairwiseItem) -> random.Random:
    """The random source of the official rule for one item: seeded by ``seed`` and the item's content.

    Keyed on content hashes, not batch position, so a guessed side does not change when the
    same pair is judged in another batch or order.
    """
    hashes = (content_hash(item.question), content_hash(item.output_a), content_hash(item.output_b))
    return random.Random(f"{seed}:" + ":".join(hashes))


def verdicts_from_replies(
    items: Sequence[PairwiseItem],
    replies: Sequence[str | Exception],
    *,
    on_unparseable: str,
    seed: int,
) -> list[Verdict]:
    """One verdict per item from the judge's text replies, for backends that read text.

    A reply may be the exception of a request that kept failing. Items whose reply failed or names
    no verdict are reported together in one ``PartialVerdicts`` carrying the verdicts that did
    come back, so the runner can keep those.
    """
    verdicts: list[Verdict | None] = []
    failures: dict[int, Unparseable | Exception] = {}
    for index, (item, reply) in enumerate(zip(items, replies, strict=True)):
        parsed = (
            reply
            if isinstance(reply, Exception)
            else verdict_from_reply(reply, on_unparseable=on_unparseable, rng=item_rng(seed, item))
        )
        if isinstance(parsed, Verdict):
            verdicts.append(parsed)
        else:
            verdicts.append(None)
            failures[index] = parsed
    if failures:
        raise PartialVerdicts(verdicts, failures)
    return verdicts  # type: ignore[return-value]


# --- 7-criterion scores -------------------------------------------------------------------------

SCORE_RANGE = (0, 10)
"""Accepted score range: 0-10, the scale both the official and genjudge's scoring prompts ask for."""


@dataclass(frozen=True)
class CriterionScore:
    """One criterion's score and the judge's justification."""

    score: int
    justification: str


@dataclass(frozen=True)
class OutputScores:
    """A judge's 7-criterion assessment of one output, keyed by the official criterion names."""

    scores: Mapping[str, CriterionScore]
    raw: str

    @property
    def mean(self) -> float:
        """Unweighted mean over the criteria."""
        return sum(item.score for item in self.scores.values()) / len(self.scores)

    def to_official(self) -> dict[str, dict[str, object]]:
        """The official ``gpt-score_results.json`` ``score`` object."""
        return {
            name: {"Score": item.score, "Justification": item.justification}
            for name, item in self.scores.items()
        }


class ScoreReplyError(ValueError):
    """A score reply that is not the expected JSON; the message lists every problem found."""

    def __init__(self, problems: Sequence[str], raw: str) -> None:
        self.problems = list(problems)
        self.raw = raw
        super().__init__(
            "score reply rejected: " + "; ".join(self.problems) + f" (reply starts {raw[:120]!r})"
        )


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def _json_object(reply: str) -> object:
    fenced = _FENCE.search(reply)
    text = fenced.group(1) if fenced else reply
    start = text.find("{")
    if start < 0:
        raise ScoreReplyError(["no JSON object found"], reply)
    try:
        value, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as err:
        raise ScoreReplyError([f"invalid JSON: {err.msg} at character {err.pos}"], reply) from None
    return value


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name).strip().lower()


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*(?:/\s*10\s*)?", value):
        return int(re.match(r"\s*(\d+)", value).group(1))  # type: ignore[union-attr]
    return None


def parse_score_reply(reply: str) -> OutputScores:
    """Read a 7-criterion score reply.

    Accepts ``{"scores": {...}}`` (the shape the official prompt asks for) or the criteria object
    itself (the shape of the official ``gpt-score_results.json``), inside code fences or not.
    Criterion names match ignoring case, spaces, hyphens and underscores. Raises
    ``ScoreReplyError`` listing missing criteria, non-integer or out-of-range scores and missing
    justifications all at once.
    """
    value = _json_object(reply)
    if isinstance(value, dict) and isinstance(value.get("scores"), dict):
        value = value["scores"]
    if not isinstance(value, dict):
        raise ScoreReplyError(["the JSON is not an object of criteria"], reply)
    by_name = {_norm(key): item for key, item in value.items()}
    problems: list[str] = []
    scores: dict[str, CriterionScore] = {}
    low, high = SCORE_RANGE
    for criterion in SCORE_CRITERIA:
        item = by_name.get(_norm(criterion))
        if item is None:
            problems.append(f"missing criterion {criterion!r}")
            continue
        if not isinstance(item, dict):
            problems.append(f"{criterion!r} is not an object with Score and Justification")
            continue
        fields = {_norm(key): field_value for key, field_value in item.items()}
        score = _as_int(fields.get("score"))
        justification = fields.get("justification")
        if score is None:
            problems.append(f"{criterion!r} has no integer Score (got {fields.get('score')!r})")
        elif not low <= score <= high:
            problems.append(f"{criterion!r} Score {score} is outside {low}-{high}")
        if not isinstance(justification, str):
            problems.append(f"{criterion!r} has no Justification text")
        if score is not None and low <= score <= high and isinstance(justification, str):
            scores[criterion] = CriterionScore(score=score, justification=justification)
    if problems:
        raise ScoreReplyError(problems, reply)
    return OutputScores(scores=scores, raw=reply)
