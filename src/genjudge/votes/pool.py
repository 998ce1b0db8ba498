"""What a board offers for voting: its items, every member's outputs, the judge's verdicts, and the
known-good outputs control pairs are made of.

The vote code never looks inside an item or an output: it keeps them by ``uid`` and model and pins
each output it shows by its ``content_hash`` (a vote counts only while the board still holds what
was shown). What they look like and how one is broken into a control pair are the board's
business, said by its :class:`~genjudge.benchmarks.plugin.VotingSpec`: ``render`` turns an item and
two outputs into a :class:`PairView`, ``control`` breaks a known-good output into one nobody would
prefer. So an interleaved-text board and a single-image board vote through the same booth and tab.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from genjudge.core.records import Step

if TYPE_CHECKING:
    from genjudge.benchmarks.plugin import VotingSpec

BATTLE_COLUMNS = ("uid", "model_a", "model_b", "winner")


class Output(Protocol):
    """An output as the vote code sees it: opaque but for a stable hash of its content."""

    @property
    def content_hash(self) -> str: ...


@dataclass(frozen=True)
class PairView:
    """What the Vote tab shows of a pair before the vote: the item's prompt and the two outputs, each
    as steps of text and images. The tab escapes every text and sends every image as its pixels only
    (:mod:`~genjudge.votes.blind`), so a render hook cannot leak a maker through markup or metadata."""

    prompt: tuple[Step, ...]
    left: tuple[Step, ...]
    right: tuple[Step, ...]


@dataclass(frozen=True)
class VotePool:
    """``outputs[model][uid]`` are the members' outputs to ``items[uid]``; ``controls[uid]`` an output
    known to be good (a gold answer, or a member's output) that ``voting.control`` breaks into a
    control pair; ``judge_battles`` the board judge's verdicts (``uid``, ``model_a``, ``model_b``,
    ``winner``) and ``judge_name`` how the page names that judge."""

    board: str
    items: Mapping[str, object]
    outputs: Mapping[str, Mapping[str, Output]]
    voting: VotingSpec
    controls: Mapping[str, Output] = field(default_factory=dict)
    judge_battles: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(BATTLE_COLUMNS)))
    judge_name: str = "judge"

    @cached_property
    def coverage(self) -> dict[str, frozenset[str]]:
        """The items each model answered (those of this board only)."""
        return {model: frozenset(o for o in outs if o in self.items) for model, outs in self.outputs.items()}

    @cached_property
    def control_uids(self) -> list[str]:
        """The items a control pair can be made of."""
        return sorted(uid for uid in self.controls if uid in self.items)

    def current_hash(self, model: str, uid: str) -> str | None:
        """The content hash of ``model``'s output to ``uid`` now, ``None`` if it is not on the board."""
        output = self.outputs.get(model, {}).get(uid)
        return None if output is None else output.content_hash
