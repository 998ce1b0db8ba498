"""The run manifest beside the outputs: written on the first run, and a different run is refused."""

from __future__ import annotations

import json

import pytest

from genjudge import __version__
from genjudge.generation.manifest import (
    MANIFEST_NAME,
    ManifestMismatch,
    RunManifest,
    claim_folder,
    folder_digest,
    read_manifest,
)
from genjudge.generation.protocol import GenerationError


def manifest(steps: int = 30, seed: int = 0) -> RunManifest:
    return RunManifest(
        task="evalmi-50k text-to-image",
        generator={"model": "org/model", "revision": "abc123", "dtype": "float16", "steps": steps},
        seed=seed,
        seed_rule="seed + prompt index",
        prompt_template_version=None,
    )


def test_the_first_run_writes_the_manifest(tmp_path):
    claim_folder(tmp_path / "out", manifest(), existing_outputs=0, start_over=False)
    written = json.loads((tmp_path / "out" / MANIFEST_NAME).read_text())
    assert written["generator"]["revision"] == "abc123" and written["generator"]["steps"] == 30
    assert written["seed"] == 0 and written["seed_rule"] == "seed + prompt index"
    assert written["genjudge_version"] == __version__
    assert written["created"]


def test_a_resume_with_the_same_settings_keeps_the_first_runs_record(tmp_path):
    claim_folder(tmp_path, manifest(), existing_outputs=0, start_over=False)
    first = read_manifest(tmp_path)
    later = RunManifest(**{**manifest().__dict__, "created": "2099-01-01T00:00:00+00:00"})
    claim_folder(tmp_path, later, existing_outputs=5, start_over=False)
    assert read_manifest(tmp_path) == first


def test_a_run_with_other_settings_is_refused_naming_each_difference(tmp_path):
    claim_folder(tmp_path, manifest(), existing_outputs=0, start_over=False)
    with pytest.raises(ManifestMismatch) as err:
        claim_folder(tmp_path, manifest(steps=50, seed=7), existing_outputs=3, start_over=False)
    message = str(err.value)
    assert "generator.steps: 30 -> 50" in message
    assert "seed: 0 -> 7" in message
    assert "--start-over" in message
    assert isinstance(err.value, GenerationError)


def test_starting_over_replaces_the_manifest(tmp_path):
    claim_folder(tmp_path, manifest(), existing_outputs=0, start_over=False)
    claim_folder(tmp_path, manifest(steps=50), existing_outputs=3, start_over=True)
    assert read_manifest(tmp_path)["generator"]["steps"] == 50


def test_outputs_without_a_manifest_are_not_adopted(tmp_path):
    with pytest.raises(ManifestMismatch, match="already holds 2 output"):
        claim_folder(tmp_path, manifest(), existing_outputs=2, start_over=False)
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_a_damaged_manifest_is_named(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(ManifestMismatch, match=MANIFEST_NAME):
        claim_folder(tmp_path, manifest(), existing_outputs=0, start_over=False)


def test_the_folder_digest_follows_content_and_ignores_hidden_bookkeeping(tmp_path):
    (tmp_path / "unet").mkdir()
    (tmp_path / "unet" / "model.safetensors").write_bytes(b"weights")
    (tmp_path / "model_index.json").write_text("{}")
    before = folder_digest(tmp_path)
    assert before.startswith("sha256:")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "download.lock").write_text("x")
    assert folder_digest(tmp_path) == before
    (tmp_path / "unet" / "model.safetensors").write_bytes(b"weightz")
    assert folder_digest(tmp_path) != before
