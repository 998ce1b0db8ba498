"""What a board offers for voting: its instances, every member's outputs, and the judge's verdicts.

A board whose spec has ``voting`` builds a :class:`VotePool` from the store's current members; the
booth draws pairs from it and checks at vote time that the outputs shown are still the ones on the
board (by content hash). Control pairs are made here too: the gold answer against a broken copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from genjudge.core.records import Instance, ModelOutput, Step, content_hash

BATTLE_COLUMNS = ("uid", "model_a", "model_b", "winner")


@dataclass(frozen=True)
class VotePool:
    """``outputs[model][uid]`` are the members' answers; ``judge_battles`` the board judge's verdicts
    (``uid``, ``model_a``, ``model_b``, ``winner``) and ``judge_name`` how the page names that judge."""

    board: str
    instances: Mapping[str, Instance]
    outputs: Mapping[str, Mapping[str, ModelOutput]]
    judge_battles: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(BATTLE_COLUMNS)))
    judge_name: str = "judge"

    @cached_property
    def coverage(self) -> dict[str, frozenset[str]]:
        """The instances each model answered (those of this board only)."""
        return {
            model: frozenset(o for o in outs if o in self.instances) for model, outs in self.outputs.items()
        }

    @cached_property
    def control_uids(self) -> list[str]:
        """Instances whose gold answer has some text: what a control pair is made from."""
        return sorted(
            uid for uid, inst in self.instances.items() if any(s.text.strip() for s in inst.output_steps)
        )

    def steps(self, model: str, uid: str) -> tuple[Step, ...]:
        return self.outputs[model][uid].steps

    def current_hash(self, model: str, uid: str) -> str | None:
        """The content hash of ``model``'s answer to ``uid`` now, ``None`` if it is not on the board."""
        output = self.outputs.get(model, {}).get(uid)
        return None if output is None else output.content_hash


def broken_output(gold: tuple[Step, ...], rng: np.random.Generator) -> tuple[Step, ...]:
    """A copy of the gold answer nobody reading would prefer: blank, or its words shuffled with the
    images dropped (a shuffle only when the text has enough words to come out different)."""
    words = [w for s in gold for w in re.findall(r"\S+", s.text)]
    if len(set(words)) >= 4 and rng.random() < 0.5:
        shuffled = list(words)
        while shuffled == words:
            rng.shuffle(shuffled)
        return (Step(" ".join(shuffled)),)
    return (Step(""),)


def gold_hash(instance: Instance) -> str:
    return content_hash(instance.output_steps)
