"""The Judges board's reference rows: judges the board shows for comparison, never submitted.

- The official IntJudge and GPT-4o verdict files, when they sit beside the human verdicts (the
  official ``Interleaved_Arena`` folder).
- On the bundled sample, genjudge's offline reference judge, judging every human-voted pair in
  both orders. It is computed, not shipped: its verdicts go through the judging runner and its
  verdict cache (so a restart judges nothing again), and they are whatever the installed judge
  says (MiniLM, or its lexical fallback, as its judge id tells).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from genjudge.benchmarks.opening.arena import read_verdicts
from genjudge.benchmarks.opening.judges_board.human import HumanVerdicts
from genjudge.judges.protocol import PairwiseItem, PairwiseJudge


def official_reference_verdicts(human: HumanVerdicts) -> dict[str, pd.DataFrame]:
    """Row name → verdicts of each official judge file found beside the human verdicts."""
    return {name: read_verdicts(path) for name, path in human.judge_files.items()}


def sample_pair_items(human: HumanVerdicts) -> tuple[pd.DataFrame, list[PairwiseItem]]:
    """Every human-voted pair of the bundled sample in both orders: the battles rows (without
    ``winner``) and the items a pairwise judge is given for them."""
    from genjudge.benchmarks.opening import read_benchmark, read_model_outputs, sample_dir

    instances = {inst.total_uid: inst for inst in read_benchmark(sample_dir() / "OpenING-benchmark", "test")}
    models = sorted(human.models)
    outputs = {
        model: {o.total_uid: o for o in read_model_outputs(sample_dir() / "gen_outputs" / f"{model}_output")}
        for model in models
    }
    rows, items = [], []
    for uid, a, b in zip(
        human.verdicts["uid"], human.verdicts["model_a"], human.verdicts["model_b"], strict=True
    ):
        inst = instances[uid]
        for first, second in ((a, b), (b, a)):
            rows.append((uid, first, second))
            items.append(
                PairwiseItem(
                    inst.input_steps, outputs[first][uid].steps, outputs[second][uid].steps, inst.output_steps
                )
            )
    return pd.DataFrame(rows, columns=["uid", "model_a", "model_b"]), items


def reference_judge_verdicts(
    judge: PairwiseJudge, human: HumanVerdicts, cache: Path, *, progress: bool = False
) -> pd.DataFrame:
    """``judge``'s verdicts on every pair of the bundled sample's human verdicts, in both orders."""
    from genjudge.judges.runner import judge_pairs

    frame, items = sample_pair_items(human)
    run = judge_pairs(judge, items, cache=cache, progress=progress)
    return frame.assign(winner=run.winners)
