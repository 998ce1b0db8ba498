"""Write the Judges board's sample verdict files to
src/genjudge/benchmarks/opening/sample_data/Interleaved_Arena/ (deterministic).

Usage: PYTHONPATH=src python scripts/make_opening_judges_sample.py

Two files in the official ``Interleaved_Arena/*_modelAB_results.json`` shape, over the embedded
OpenING sample's test split (16 instances, the four sample models, every model pair of every
instance, in a seeded random A/B order):

- ``judge_modelAB_results.json``: **invented** human votes. No person voted: each pair is decided
  by the quality order the sample's models were written with (Aurora-Interleave > Mosaic-Base >
  Quill-TextOnly > Drift-Gen, see make_opening_sample.py), with seeded noise that makes close
  models tie and sometimes upsets the order, as real voters do.
- ``length-judge_modelAB_results.json``: the verdicts of a length heuristic, judged in both
  orders of every pair (so the board can show position-swap consistency): the answer with more
  words (an image counts as 20) wins; within 10% of each other it is a tie leaning to the answer
  shown first, a position bias on purpose.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

from genjudge.benchmarks.opening import read_benchmark, read_model_outputs
from genjudge.core.records import ModelOutput

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "genjudge" / "benchmarks" / "opening" / "sample_data"
OUT = SAMPLE / "Interleaved_Arena"
QUALITY = {"Aurora-Interleave": 3, "Mosaic-Base": 2, "Quill-TextOnly": 1, "Drift-Gen": 0}
TIE_CHANCE = {1: 0.5, 2: 0.25, 3: 0.1}  # by quality gap: close models often tie
UPSET_CHANCE = {1: 0.2, 2: 0.08, 3: 0.03}
IMAGE_WORDS = 20
TIE_WITHIN = 0.1


def model_ids() -> dict[str, str]:
    return {model: str(index) for index, model in enumerate(sorted(QUALITY))}


def record(uid: str, model_a: str, model_b: str, winner: str) -> dict:
    ids = model_ids()
    return {
        "data_id": uid,
        "model_A": {"id": ids[model_a], "name": model_a},
        "model_B": {"id": ids[model_b], "name": model_b},
        "winner": winner,
    }


def sampled_pairs(uids: list[str], rng: random.Random) -> list[tuple[str, str, str]]:
    pairs = []
    for uid in uids:
        for first, second in itertools.combinations(sorted(QUALITY), 2):
            pairs.append((uid, first, second) if rng.random() < 0.5 else (uid, second, first))
    return pairs


def human_vote(model_a: str, model_b: str, rng: random.Random) -> str:
    gap = abs(QUALITY[model_a] - QUALITY[model_b])
    better = "A" if QUALITY[model_a] > QUALITY[model_b] else "B"
    side = better if rng.random() >= UPSET_CHANCE[gap] else ("B" if better == "A" else "A")
    return f"Tie({side})" if rng.random() < TIE_CHANCE[gap] else side


def length(output: ModelOutput) -> int:
    return sum(len(step.text.split()) + (IMAGE_WORDS if step.image else 0) for step in output.steps)


def length_verdict(first: ModelOutput, second: ModelOutput) -> str:
    a, b = length(first), length(second)
    if abs(a - b) <= TIE_WITHIN * max(a, b):
        return "Tie(A)"
    return "A" if a > b else "B"


def write_sample(out: Path) -> list[Path]:
    """Write both files into ``out``; return their paths."""
    rng = random.Random(12)
    uids = sorted(inst.total_uid for inst in read_benchmark(SAMPLE / "OpenING-benchmark", "test"))
    pairs = sampled_pairs(uids, rng)
    human = [record(uid, a, b, human_vote(a, b, rng)) for uid, a, b in pairs]
    outputs = {
        model: {o.total_uid: o for o in read_model_outputs(SAMPLE / "gen_outputs" / f"{model}_output")}
        for model in QUALITY
    }
    judged = []
    for uid, a, b in pairs:
        for first, second in ((a, b), (b, a)):
            verdict = length_verdict(outputs[first][uid], outputs[second][uid])
            judged.append(record(uid, first, second, verdict))
    out.mkdir(exist_ok=True)
    paths = []
    for name, records in (("judge", human), ("length-judge", judged)):
        path = out / f"{name}_modelAB_results.json"
        path.write_text(json.dumps(records, indent=4) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    for path in write_sample(OUT):
        print(f"wrote {len(json.loads(path.read_text()))} verdicts to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
