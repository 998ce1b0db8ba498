"""A native unified model drawing images: a tiny random Janus through transformers, seeded per image."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.tiny_janus import build_tiny_janus

from genjudge.benchmarks.evalmi.generated import read_generations
from genjudge.benchmarks.evalmi.release import read_release
from genjudge.benchmarks.evalmi.sample import sample_dir
from genjudge.generation.janus_t2i import JanusTextToImage
from genjudge.generation.manifest import MANIFEST_NAME
from genjudge.generation.protocol import GenerationError, ImageRequest, TextToImageGenerator
from genjudge.generation.text_to_image_run import generate_images

pytest.importorskip("transformers", reason="the generate extra is not installed")


@pytest.fixture(scope="module")
def janus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_janus(tmp_path_factory.mktemp("tiny-janus"))


@pytest.fixture(scope="module")
def janus(janus_dir: Path) -> JanusTextToImage:
    return JanusTextToImage(janus_dir)


def pixels(images: list) -> list[bytes]:
    return [image.tobytes() for image in images]


def test_each_image_depends_on_its_prompt_and_seed_not_on_its_batch(janus):
    assert isinstance(janus, TextToImageGenerator)
    requests = [ImageRequest("A red apple", 1), ImageRequest("A much longer prompt about a blue vase", 2)]
    together = janus.generate(requests)
    assert all(image.mode == "RGB" and image.size == (32, 32) for image in together)
    alone = [janus.generate([request])[0] for request in requests]
    assert pixels(together) == pixels(alone)
    assert pixels(janus.generate([ImageRequest("A red apple", 3)])) != pixels(together[:1])


def test_the_settings_record_what_decides_the_pictures(janus):
    settings = janus.settings()
    assert settings["model_class"] == "JanusForConditionalGeneration"
    assert settings["folder_digest"].startswith("sha256:") and settings["dtype"] == "float32"
    assert (settings["guidance_scale"], settings["temperature"], settings["image_tokens"]) == (5.0, 1.0, 4)
    assert settings["seed_rule"].startswith("one torch.Generator per image")


def test_janus_draws_the_evalmi_sample_into_the_layout_its_reader_takes(janus, tmp_path):
    prompts = read_release(sample_dir()).prompts[:3]
    report = generate_images(
        janus,
        [(p.index, p.prompt) for p in prompts],
        tmp_path,
        "Tiny-Janus",
        seed=7,
        batch_size=2,
        progress=False,
    )
    assert (report.made, report.failed, report.complete) == (3, 0, True)
    assert [image.name for image in read_generations(tmp_path / "Tiny-Janus", prompts)] == [
        "001.png",
        "002.png",
        "003.png",
    ]
    manifest = json.loads((tmp_path / "Tiny-Janus" / MANIFEST_NAME).read_text())
    assert manifest["generator"]["model_class"] == "JanusForConditionalGeneration"


def test_other_models_and_unguided_settings_are_refused(janus_dir, tmp_path):
    with pytest.raises(GenerationError, match="above 1"):
        JanusTextToImage(janus_dir, guidance_scale=1.0)
    other = tmp_path / "llama"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(GenerationError, match="runs Janus checkpoints"):
        JanusTextToImage(other)
    remote = tmp_path / "remote"
    remote.mkdir()
    (remote / "config.json").write_text(json.dumps({"model_type": "janus", "auto_map": {"AutoModel": "m.M"}}))
    with pytest.raises(GenerationError, match="trust_remote_code"):
        JanusTextToImage(remote)
