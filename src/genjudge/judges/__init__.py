"""Judges behind two small protocols, pairwise and scoring. Backends differ only in how they run
the model; batching, caching and resume are done once (:mod:`genjudge.judges.jobs`), and position
swap once around the pairwise protocol.

- :func:`load_judge` — a backend by name: ``"reference"`` (offline reference-similarity
  baseline, the default), ``"intjudge"`` (transformers), ``"api"`` (OpenAI-compatible);
  :func:`genjudge.judges.registry.load_scoring_judge` — the LMM4LMM scoring judges.
- :func:`genjudge.judges.runner.judge_pairs` — batching, image cap, verdict cache, position swap;
  :func:`genjudge.judges.scoring_runner.score_items` — the same for scoring judges.
- :func:`genjudge.judges.running.run_jobs` — a judge by name, in this process or in Ray actors.
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
