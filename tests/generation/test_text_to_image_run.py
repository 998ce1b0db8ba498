"""A model's images for numbered prompts, in the EvalMi-50K layout its reader and board accept."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from support.fake_openai_server import FakeOpenAIServer, colour_of, error_reply, image_reply

from genjudge.benchmarks.evalmi.generated import read_generations
from genjudge.benchmarks.evalmi.release import read_release
from genjudge.benchmarks.evalmi.sample import sample_dir
from genjudge.generation.diffusers_t2i import DiffusersTextToImage
from genjudge.generation.images_endpoint import OpenAIImages
from genjudge.generation.manifest import MANIFEST_NAME, ManifestMismatch
from genjudge.generation.protocol import GenerationError
from genjudge.generation.resumable import FAILURES_NAME
from genjudge.generation.text_to_image_run import generate_images
from genjudge.safe_io.located_error import FormatError


@pytest.fixture(scope="module")
def sample_prompts():
    return read_release(sample_dir()).prompts


@pytest.fixture
def server():
    running = FakeOpenAIServer()
    yield running
    running.kill()


@pytest.mark.slow
def test_the_tiny_pipeline_draws_the_sample_prompts_into_a_folder_evalmi_reads(
    tiny_pipeline_dir, sample_prompts, tmp_path
):
    generator = DiffusersTextToImage(tiny_pipeline_dir, num_inference_steps=1)
    numbered = [(p.index, p.prompt) for p in sample_prompts]
    report = generate_images(generator, numbered, tmp_path, "Tiny-SD", seed=7, batch_size=4, progress=False)
    assert (report.made, report.failed, report.complete) == (12, 0, True)

    images = read_generations(tmp_path / "Tiny-SD", sample_prompts)
    assert [image.name for image in images] == [f"{n:03d}.png" for n in range(1, 13)]
    manifest = json.loads((tmp_path / "Tiny-SD" / MANIFEST_NAME).read_text())
    assert manifest["seed"] == 7 and manifest["seed_rule"] == "prompt i is drawn with seed + i"
    assert manifest["generator"]["pipeline"] == "StableDiffusionPipeline"
    assert manifest["generator"]["sampling"]["num_inference_steps"] == 1


def endpoint(server: FakeOpenAIServer) -> OpenAIImages:
    return OpenAIImages(server.url, model="fake-t2i", size="8x8", send_seed=True)


def test_image_names_follow_the_release_and_each_prompt_has_seed_plus_its_number(server, tmp_path):
    prompts = [(5, "a cat"), (1000, "a dog"), (42, "a bird")]
    generate_images(endpoint(server), prompts, tmp_path, "Fake", seed=10, progress=False)
    folder = tmp_path / "Fake"
    assert sorted(p.name for p in folder.glob("*.png")) == ["005.png", "042.png", "1000.png"]
    with Image.open(folder / "1000.png") as image:
        assert image.getpixel((0, 0)) == colour_of("a dog", 1010)


def test_a_refused_prompt_is_counted_and_the_folder_is_not_silently_short(server, sample_prompts, tmp_path):
    server.respond_images = lambda request: (
        error_reply(400, "rejected by the safety system")
        if request["prompt"] == sample_prompts[2].prompt
        else image_reply(request)
    )
    numbered = [(p.index, p.prompt) for p in sample_prompts]
    report = generate_images(endpoint(server), numbered, tmp_path, "Fake", progress=False)
    assert report.failed == 1 and report.failures[0].key == "003"
    log = (tmp_path / "Fake" / FAILURES_NAME).read_text()
    assert '"key": "003"' in log
    with pytest.raises(FormatError, match=r"1 of 12 prompts have no image \(003.png\)"):
        read_generations(tmp_path / "Fake", sample_prompts)

    server.respond_images = image_reply
    again = generate_images(endpoint(server), numbered, tmp_path, "Fake", progress=False)
    assert (again.made, again.already_done) == (1, 11)
    assert len(read_generations(tmp_path / "Fake", sample_prompts)) == 12


def test_other_settings_into_the_same_folder_are_refused_unless_starting_over(server, tmp_path):
    generate_images(endpoint(server), [(1, "a cat"), (2, "a dog")], tmp_path, "Fake", progress=False)
    bigger = OpenAIImages(server.url, model="fake-t2i", size="16x16", send_seed=True)
    with pytest.raises(ManifestMismatch, match=r"generator.request.size: '8x8' -> '16x16'"):
        generate_images(bigger, [(1, "a cat")], tmp_path, "Fake", progress=False)

    report = generate_images(bigger, [(1, "a cat")], tmp_path, "Fake", start_over=True, progress=False)
    assert report.made == 1
    assert [p.name for p in (tmp_path / "Fake").glob("*.png")] == ["001.png"]  # 002 of the old run is gone


@pytest.mark.parametrize("name", ["a/b", ".hidden", "", ".."])
def test_the_model_name_must_be_a_plain_folder_name(server, tmp_path, name):
    with pytest.raises(GenerationError, match="plain folder name"):
        generate_images(endpoint(server), [(1, "a cat")], tmp_path, name, progress=False)


def test_prompt_numbers_start_at_one(server, tmp_path):
    with pytest.raises(GenerationError, match="start at 1"):
        generate_images(endpoint(server), [(0, "a cat")], tmp_path, "Fake", progress=False)
