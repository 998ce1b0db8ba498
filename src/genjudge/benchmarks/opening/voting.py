"""OpenING's side of people's votes: its :class:`~genjudge.benchmarks.plugin.VotingSpec` (the ledger,
the rule, the ``render`` and ``control`` hooks) and the gold answers its control pairs start from.

An OpenING item is an :class:`~genjudge.core.records.Instance`, whose input steps are the prompt,
and an output is a :class:`~genjudge.core.records.ModelOutput` of interleaved steps: both are shown
as they are. A control pair is an instance's gold answer against a copy nobody reading would prefer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from genjudge.benchmarks.plugin import ExportSpec, VotingSpec
from genjudge.core.records import Instance, ModelOutput, Step
from genjudge.votes.ledger import VOTE_FIELDS
from genjudge.votes.pool import PairView
from genjudge.votes.rules import rule_summary

CONTROLS = "an instance's gold answer against a blank or word-shuffled copy"
"""What OpenING's control pairs are, for the rule shown on the Vote and About tabs."""


def render(instance: Instance, left: ModelOutput, right: ModelOutput) -> PairView:
    """The instance's input steps over the two answers' steps."""
    return PairView(instance.input_steps, left.steps, right.steps)


def broken_copy(gold: ModelOutput, rng: np.random.Generator) -> ModelOutput:
    """A copy of a gold answer nobody reading would prefer: blank, or its words shuffled with the
    images dropped (a shuffle only when the text has enough words to come out different)."""
    words = [w for s in gold.steps for w in re.findall(r"\S+", s.text)]
    if len(set(words)) >= 4 and rng.random() < 0.5:
        shuffled = list(words)
        while shuffled == words:
            rng.shuffle(shuffled)
        return ModelOutput(gold.total_uid, "broken", (Step(" ".join(shuffled)),))
    return ModelOutput(gold.total_uid, "broken", (Step(""),))


def gold_answers(instances: Mapping[str, Instance]) -> dict[str, ModelOutput]:
    """The gold answers control pairs are made of: those with some text (a blank copy of a blank
    answer would be no control)."""
    return {
        uid: ModelOutput(uid, "gold", instance.output_steps)
        for uid, instance in instances.items()
        if any(step.text.strip() for step in instance.output_steps)
    }


VOTE_LEDGER = ExportSpec(
    "votes",
    VOTE_FIELDS,
    "People's A/B votes from the Space's Vote tab: instance, the model shown left (A) and right (B) with "
    "the content hashes of both outputs, the verdict (A, B, Tie(A), Tie(B)), the reason, the time, a salted "
    "hash of the voter, whether it was a control pair and flags (failed_control).",
)
VOTING = VotingSpec(VOTE_LEDGER, rule_summary(CONTROLS), render, broken_copy)
