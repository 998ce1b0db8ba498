"""Judges behind one small protocol. Backends differ only in how they run the model; batching,
caching and position swap are done once, around the protocol.

- :func:`load_judge` — a backend by name: ``"reference"`` (offline reference-similarity
  baseline, the default), ``"intjudge"`` (transformers), ``"api"`` (OpenAI-compatible).
- :func:`genjudge.judges.runner.judge_pairs` — batching, image cap, verdict cache, position swap.
- :func:`genjudge.judges.ray_runner.judge_pairs_on_ray` — the same with the judge in Ray actors.
- :class:`genjudge.judges.cache.VerdictCache` — the crash-safe SQLite verdict store.
- :func:`genjudge.judges.reward.pairwise_rewards` — scalar rewards for RL loops.
- :func:`genjudge.judges.interleaved.judge_interleaved` — the logic of the ``intjudge`` evaluate module.
"""

from genjudge.judges.protocol import (
    VERDICT_LABELS,
    JudgeError,
    PairwiseItem,
    PairwiseJudge,
    Verdict,
)
from genjudge.judges.registry import load_judge

__all__ = ["VERDICT_LABELS", "JudgeError", "PairwiseItem", "PairwiseJudge", "Verdict", "load_judge"]
