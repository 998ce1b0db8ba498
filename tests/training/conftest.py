"""Fixtures for the judge-training tests: the embedded OpenING sample with verdicts, the synthetic
task as a built dataset folder, and tiny random Qwen2-VL base checkpoints saved to a temporary folder.

Torch runs on one thread here: the tiny models are far too small to gain from two, and on a shared
machine two threads made each step several times slower.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
import torch
from support.random_qwen_vl import random_components, train_tokenizer
from training.synthetic import SHORT_SYSTEM_PROMPT, make_task, tokenizer_corpus, write_verdicts

from genjudge.benchmarks.opening import read_benchmark, read_model_outputs, sample_dir
from genjudge.training.builder import build_training_set
from genjudge.training.repo import write_training_repo

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def save_base(folder: Path, *, extra_corpus: tuple[str, ...] = ()) -> Path:
    """A tiny random Qwen2-VL checkpoint (its tokenizer knows ``extra_corpus``) that IntJudge loads."""
    model, inputs = random_components("tiny", tokenizer=train_tokenizer(extra_corpus=extra_corpus))
    model.save_pretrained(folder)
    inputs.tokenizer.save_pretrained(folder)
    inputs.image_processor.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def sample_release():
    """The embedded sample: test instances and the outputs of its four models."""
    root = sample_dir()
    instances = read_benchmark(root, "test")
    outputs = {}
    for folder in sorted((root / "gen_outputs").iterdir()):
        answers = read_model_outputs(folder)
        outputs[answers[0].model] = answers
    return root, instances, outputs


def sample_verdict_records(instances, models) -> list[dict]:
    """Human-style verdicts on the sample: every pair of models on every instance, labels cycling."""
    ids = {model: str(k) for k, model in enumerate(models)}
    labels = itertools.cycle(["A", "B", "Tie(A)", "Tie(B)", "B"])
    return [
        {
            "data_id": instance.total_uid,
            "model_A": {"id": ids[a], "name": a},
            "model_B": {"id": ids[b], "name": b},
            "winner": next(labels),
        }
        for instance in instances
        for a, b in itertools.combinations(models, 2)
    ]


@pytest.fixture
def sample_verdicts(tmp_path, sample_release) -> Path:
    _, instances, outputs = sample_release
    path = tmp_path / "judge_modelAB_results.json"
    path.write_text(json.dumps(sample_verdict_records(instances, list(outputs)), indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def synthetic_repo(tmp_path_factory) -> Path:
    """The synthetic task (60 instances, two verdicts each) built into a dataset folder.

    A quarter of the instances and the model ``Noise-2`` are held out; no RAG pairs, so every
    training pair is a human verdict and only they can teach the judge.
    """
    root = tmp_path_factory.mktemp("synthetic")
    instances, outputs, records = make_task(60)
    training_set = build_training_set(
        instances,
        outputs,
        [write_verdicts(root / "judge_modelAB_results.json", records)],
        gold_rag=False,
        test_fraction=0.25,
        unseen_models=["Noise-2"],
    )
    write_training_repo(training_set, root / "data", progress=False)
    return root / "data"


@pytest.fixture(scope="session")
def synthetic_base(tmp_path_factory) -> Path:
    return save_base(tmp_path_factory.mktemp("base") / "tiny-qwen2-vl", extra_corpus=tokenizer_corpus())


@pytest.fixture(scope="session")
def short_system_prompt(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("prompt") / "system.txt"
    path.write_text(SHORT_SYSTEM_PROMPT, encoding="utf-8")
    return path
