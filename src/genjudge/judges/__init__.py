"""Judges behind one small protocol. Backends differ only in how they run the model; batching,
caching and position swap are done once, around the protocol (:mod:`genjudge.judges.runner`)."""

from genjudge.judges.protocol import (
    VERDICT_LABELS,
    PairwiseItem,
    PairwiseJudge,
    Verdict,
)
from genjudge.judges.registry import load_judge

__all__ = ["VERDICT_LABELS", "PairwiseItem", "PairwiseJudge", "Verdict", "load_judge"]
