"""Judges behind one small protocol. Backends differ only in how they run the model; batching,
caching and position swap are done once, around the protocol."""

from genjudge.judges.protocol import (
    VERDICT_LABELS,
    PairwiseItem,
    PairwiseJudge,
    Verdict,
)

__all__ = ["VERDICT_LABELS", "PairwiseItem", "PairwiseJudge", "Verdict"]
