"""Verdict probabilities from the token log-probabilities a chat-completions server returns.

A server asked for ``logprobs: true, top_logprobs: k`` (OpenAI, vLLM, SGLang, TGI) sends, for
each generated token, its log-probability and the ``k`` most likely tokens at that position
(``choices[0].logprobs.content``). A verdict is decided by at most two tokens of the reply:

1. the first token that commits to a side or a tie ("A", "B", "Tie" or its first piece "T"):
   its alternatives give the mass of A, of B and of a tie;
2. for a tie, the token that names its lean ("A"/"B" after "Tie("): its alternatives split the
   tie's mass between Tie(A) and Tie(B).

The remaining tokens (" is better") are all but certain and are not read. The four masses are
normalised over the labels, as IntJudge's in-process score mode normalises the four verdict
strings' probabilities. When the reply is not a tie, the lean of the tie mass is not observed;
it is split by the leaning-tie alternatives at the first step if there are any, else evenly.

Everything here is pure: it reads the JSON the server sent and returns numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from genjudge.core.verdicts import VERDICT_LABELS
from genjudge.judges.parsing import parse_verdict, verdict_prefix
from genjudge.judges.protocol import Unparseable


@dataclass(frozen=True)
class TokenLogprobs:
    """One generated token: its text, its log-probability and the most likely alternatives."""

    token: str
    logprob: float
    top: tuple[tuple[str, float], ...]

    def choices(self) -> dict[str, float]:
        """Every token seen at this position with its probability (the chosen one included)."""
        seen = {token: math.exp(logprob) for token, logprob in self.top}
        seen.setdefault(self.token, math.exp(self.logprob))
        return seen


def read_token_logprobs(logprobs: Any) -> list[TokenLogprobs] | None:
    """The tokens of ``choices[0].logprobs`` as sent by the server, or ``None`` if it sent none usable."""
    content = logprobs.get("content") if isinstance(logprobs, dict) else None
    if not isinstance(content, list) or not content:
        return None
    tokens = []
    for entry in content:
        try:
            top = tuple((str(alt["token"]), float(alt["logprob"])) for alt in entry.get("top_logprobs") or ())
            tokens.append(TokenLogprobs(str(entry["token"]), float(entry["logprob"]), top))
        except (AttributeError, KeyError, TypeError, ValueError):
            return None
    return tokens


def verdict_probabilities(tokens: Sequence[TokenLogprobs]) -> dict[str, float] | None:
    """Probabilities of the four verdict labels read off a reply's tokens (module docstring).

    ``None`` when the reply names no verdict, or names it in a way the tokens do not decide
    one step at a time (the caller then keeps the text verdict).
    """
    final = parse_verdict("".join(token.token for token in tokens))
    if isinstance(final, Unparseable):
        return None
    decisions = _decisions(tokens)
    if not decisions or _side_of(decisions[0][1]) != _side_of(final):
        return None
    first_step, _ = decisions[0]
    mass = _masses(tokens, first_step)
    lean = {"Tie(A)": mass["Tie(A)"], "Tie(B)": mass["Tie(B)"]}
    if final in ("Tie(A)", "Tie(B)"):
        named = next(((step, r) for step, r in decisions if r in ("Tie(A)", "Tie(B)")), None)
        if named is None or named[1] != final:
            return None
        if named[0] != first_step:
            lean = {label: p for label, p in _masses(tokens, named[0]).items() if label in lean}
    lean_total = lean["Tie(A)"] + lean["Tie(B)"]
    share_a = lean["Tie(A)"] / lean_total if lean_total > 0 else 0.5
    probabilities = {
        "A": mass["A"],
        "B": mass["B"],
        "Tie(A)": mass["Tie(A)"] + mass["Tie"] * share_a,
        "Tie(B)": mass["Tie(B)"] + mass["Tie"] * (1 - share_a),
    }
    total = sum(probabilities.values())
    return {label: probabilities[label] / total for label in VERDICT_LABELS}


def _decisions(tokens: Sequence[TokenLogprobs]) -> list[tuple[int, str]]:
    """(step, what the reply commits to after that token) at each step where that changes."""
    decisions: list[tuple[int, str]] = []
    text = ""
    for step, token in enumerate(tokens):
        text += token.token
        reading = verdict_prefix(text)
        if reading is not None and (not decisions or decisions[-1][1] != reading):
            decisions.append((step, reading))
    return decisions


def _masses(tokens: Sequence[TokenLogprobs], step: int) -> dict[str, float]:
    """Probability of each reading (A, B, Tie(A), Tie(B), bare Tie) among the alternatives at ``step``."""
    before = "".join(token.token for token in tokens[:step])
    mass = dict.fromkeys((*VERDICT_LABELS, "Tie"), 0.0)
    for alternative, probability in tokens[step].choices().items():
        reading = verdict_prefix(before + alternative)
        if reading is not None:
            mass[reading] += probability
    return mass


def _side_of(reading: str) -> str:
    """A reading coarsened to its first decision: A, B or a tie (of either lean)."""
    return "Tie" if reading.startswith("Tie") else reading
