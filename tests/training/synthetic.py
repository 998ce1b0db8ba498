"""A small OpenING-shaped task with a real, learnable signal, for training tests.

Two kinds of answer: "copy" models repeat the instance's gold answer (words from one vocabulary),
"noise" models answer with words from another. People (the verdict file written here) always
prefer the copy, shown first or second at random. A judge can only beat chance on held-out
instances, and on the held-out noise model, by learning what a good answer looks like.
Text only, a few words per answer, so a tiny Qwen2-VL trains on it in seconds on a CPU.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from genjudge.core.records import Instance, ModelOutput, Step

GOOD_WORDS = ("sun", "tree", "river", "stone", "cloud", "bird", "field", "road")
BAD_WORDS = ("zap", "qux", "blip", "vex", "glorp", "snark", "frob", "wug")
COPY_MODELS = ("Copy-1", "Copy-2")
NOISE_MODELS = ("Noise-1", "Noise-2")
SHORT_SYSTEM_PROMPT = "Judge which answer is better.\n"


def tokenizer_corpus() -> tuple[str, ...]:
    return (" ".join(GOOD_WORDS), " ".join(BAD_WORDS), *COPY_MODELS, *NOISE_MODELS)


def _sentence(rng: np.random.Generator, words: tuple[str, ...]) -> str:
    return " ".join(rng.choice(words, size=4).tolist())


def make_task(
    n_instances: int, *, seed: int = 0
) -> tuple[list[Instance], dict[str, list[ModelOutput]], list[dict]]:
    """Instances, every model's outputs, and human verdict records (two pairs per instance)."""
    rng = np.random.default_rng(seed)
    instances, outputs = [], {model: [] for model in COPY_MODELS + NOISE_MODELS}
    records = []
    ids = {model: str(k) for k, model in enumerate(COPY_MODELS + NOISE_MODELS)}
    for k in range(n_instances):
        uid = f"0101{k + 1:03d}"
        gold = _sentence(rng, GOOD_WORDS)
        instances.append(
            Instance(
                uid,
                "01",
                "Storytelling",
                "1",
                "Story Writting",
                str(k + 1),
                (Step(f"Write about {k}"),),
                (Step(gold),),
            )
        )
        for model in COPY_MODELS:
            outputs[model].append(ModelOutput(uid, model, (Step(gold),)))
        for model in NOISE_MODELS:
            outputs[model].append(ModelOutput(uid, model, (Step(_sentence(rng, BAD_WORDS)),)))
        for noise in NOISE_MODELS:
            copy = COPY_MODELS[int(rng.integers(2))]
            a, b = (copy, noise) if rng.random() < 0.5 else (noise, copy)
            records.append(
                {
                    "data_id": uid,
                    "model_A": {"id": ids[a], "name": a},
                    "model_B": {"id": ids[b], "name": b},
                    "winner": "A" if a == copy else "B",
                }
            )
    return instances, outputs, records


def write_verdicts(path: Path, records: list[dict]) -> Path:
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    return path
