"""Judges load their weights on the first batch that needs judging, never when they are built.

Every registered judge, pairwise and scoring, is built here with its real weight loaders replaced
by spies: building it (which settles the identity the cache is keyed by) must call none of them,
and judging a batch must. A run whose every verdict is cached then never loads a model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import genjudge.judges.embedder as embedder
import genjudge.judges.intjudge as intjudge
import genjudge.judges.lmm4lmm.judge as lmm4lmm
from genjudge.benchmarks.opening import sample_dir
from genjudge.cli import app
from genjudge.core.records import Step
from genjudge.judges.lmm4lmm.conversion import MARKER_FILE
from genjudge.judges.protocol import Media, PairwiseItem, ScoringItem
from genjudge.judges.registry import JUDGES, load_judge, load_scoring_judge, scoring_judge_names

SCORING_JUDGES = scoring_judge_names()

WEIGHT_LOADERS = {
    "reference": [(embedder, "_load_sentence_transformer")],
    "intjudge": [(intjudge, "_load_network"), (intjudge, "_load_inputs")],
    "api": [],  # a remote model: nothing to load
    **{
        name: [(lmm4lmm, "_load_tokenizer"), (lmm4lmm, "load_official"), (lmm4lmm, "load_converted")]
        for name in SCORING_JUDGES
    },
}


class Loaded(Exception):
    """Raised by a spied loader: the judge tried to load weights."""


@pytest.fixture
def spied(monkeypatch) -> list[str]:
    """Every weight loader replaced by a spy that records its name and stops the load."""
    calls: list[str] = []
    for module, name in {pair for loaders in WEIGHT_LOADERS.values() for pair in loaders}:

        def spy(*args: object, _name: str = name, **kwargs: object) -> None:
            calls.append(_name)
            raise Loaded(_name)

        monkeypatch.setattr(module, name, spy)
    return calls


def checkpoint_folder(tmp_path: Path, name: str) -> Path:
    """A folder that passes each backend's cheap checks (its weights are never read here)."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"not really weights")
    if name in SCORING_JUDGES:
        (folder / MARKER_FILE).write_text(json.dumps({"converted_from": "test"}))
    return folder


def build(name: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    if name in SCORING_JUDGES:
        return load_scoring_judge(name, model=str(checkpoint_folder(tmp_path, name)), device="cpu")
    if name == "intjudge":
        return load_judge(name, model=str(checkpoint_folder(tmp_path, name)), device="cpu")
    return load_judge(name)


def test_the_spies_cover_every_registered_judge():
    assert set(WEIGHT_LOADERS) == set(JUDGES)


@pytest.mark.parametrize("name", [*JUDGES, *SCORING_JUDGES])
def test_building_a_judge_loads_no_weights_and_its_first_batch_does(name, spied, tmp_path):
    judge = build(name, tmp_path)
    assert spied == [], f"building {name} loaded {spied}"
    assert judge.judge_id and judge.revision and judge.prompt_version, "the cache identity is there"
    if not WEIGHT_LOADERS[name]:
        return
    with pytest.raises(Loaded):
        if name in SCORING_JUDGES:
            judge.score_batch(
                [ScoringItem(media=Media(b"", "image/png"), prompt="a cat", question="Is there a cat?")]
            )
        else:
            judge.judge_batch([PairwiseItem((Step("q"),), (Step("a"),), (Step("b"),), (Step("ref"),))])
    assert spied and set(spied) <= {loader for _, loader in WEIGHT_LOADERS[name]}


class FakeEncoder:
    """Stands in for the sentence-transformers model: a fixed unit vector per text."""

    def encode(self, texts: list[str], **options: object) -> np.ndarray:
        vectors = np.array([[len(text) + 1.0, sum(map(ord, text)) % 97 + 1.0] for text in texts])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_judge_pairs_run_with_every_verdict_cached_never_loads_the_model(monkeypatch, tmp_path):
    loads: list[str] = []

    def load(model_dir: str) -> FakeEncoder:
        loads.append(model_dir)
        return FakeEncoder()

    monkeypatch.setattr(embedder, "_load_sentence_transformer", load)
    sample = sample_dir()
    args = ["judge", "pairs", "--benchmark", str(sample), "--judge", "reference"]
    args += ["--option", "embedder=minilm"]
    for model in ("Aurora-Interleave", "Drift-Gen"):
        args += ["--outputs", str(sample / "gen_outputs" / f"{model}_output")]
    args += ["--out", str(tmp_path / "verdicts.json"), "--cache", str(tmp_path / "cache.sqlite")]

    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert len(loads) == 1 and "0 reused" in first.output
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 verdicts computed" in again.output
    assert len(loads) == 1, "the cached run did not load the embedder"
