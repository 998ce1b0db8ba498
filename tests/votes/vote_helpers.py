"""Helpers of the votes room: a small pool (four questions, three models, a judge's verdicts) on a
board whose outputs are plain texts, the test secret and a clock the tests move by hand.

The board here is not OpenING: the vote code sees only what its ``VotingSpec`` hooks make of it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from genjudge.benchmarks.plugin import ExportSpec, VotingSpec
from genjudge.core.records import Step
from genjudge.votes.ledger import VOTE_FIELDS
from genjudge.votes.pool import PairView, VotePool
from genjudge.votes.rules import rule_summary

UIDS = ("0101001", "0101002", "0302005", "1502046")
MODELS = ("alpha", "beta", "gamma")
SECRET = b"test-secret-0123456789abcdef"


@dataclass(frozen=True)
class Answer:
    """An output of the test board: one text."""

    text: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def render(question: str, left: Answer, right: Answer) -> PairView:
    return PairView((Step(question),), (Step(left.text),), (Step(right.text),))


def blank(answer: Answer, rng: np.random.Generator) -> Answer:
    """The control hook: an empty answer, which nobody prefers to a real one."""
    return Answer("")


VOTING = VotingSpec(
    ExportSpec("votes", VOTE_FIELDS, "Test votes."),
    rule_summary("a good answer against a blank"),
    render,
    blank,
)


class Clock:
    """A settable clock: ``clock()`` is the time, ``clock.now += 60`` moves it."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_pool(board: str = "opening") -> VotePool:
    questions = {uid: f"Explain step by step how to do task {uid}." for uid in UIDS}
    outputs = {
        model: {uid: Answer(f"{model} says {'word ' * k} on {uid}") for uid in UIDS}
        for k, model in enumerate(MODELS, start=1)
    }
    good = {uid: Answer(f"the gold answer to {uid} with several distinct words") for uid in UIDS}
    judge = pd.DataFrame(
        [(uid, "alpha", "beta", "B") for uid in UIDS] + [(uid, "gamma", "beta", "A") for uid in UIDS],
        columns=["uid", "model_a", "model_b", "winner"],
    )
    return VotePool(board, questions, outputs, VOTING, good, judge, "word-count judge")
