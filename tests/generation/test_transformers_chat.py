"""Local chat models through transformers: text-only and vision (AutoProcessor, or Qwen2-VL's
tokenizer + image processor), batched, sampling recorded, and what is refused before loading."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from support.fake_openai_server import FakeOpenAIServer
from support.random_qwen_vl import save_random_checkpoint
from support.tiny_chat import build_tiny_chat_model, build_tiny_vision_chat_model

from genjudge.benchmarks.opening import iter_records, read_model_outputs, sample_dir
from genjudge.benchmarks.opening.generation import PipelineGenerator, generate_opening
from genjudge.generation.chat_images import image_part, text_part
from genjudge.generation.images_endpoint import OpenAIImages
from genjudge.generation.protocol import ChatGenerator, Failed, GenerationError
from genjudge.generation.transformers_chat import TransformersChat

pytest.importorskip("transformers", reason="the generate extra is not installed")


@pytest.fixture(scope="module")
def text_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_chat_model(tmp_path_factory.mktemp("tiny-chat"))


@pytest.fixture(scope="module")
def vision_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_vision_chat_model(tmp_path_factory.mktemp("tiny-vision-chat"))


@pytest.fixture(scope="module")
def qwen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_random_checkpoint(tmp_path_factory.mktemp("qwen-vl"))


def png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(colour: tuple[int, int, int]) -> str:
    return "data:image/png;base64," + base64.b64encode(png(colour)).decode("ascii")


CONVERSATIONS = [
    [
        {"role": "system", "content": "You are a multimodal generation model."},
        {"role": "user", "content": [{"type": "text", "text": "Write a story with pictures."}]},
    ],
    [{"role": "user", "content": "Write a much longer story about a fox, with pictures of the night."}],
]
WITH_IMAGES = [
    [{"role": "user", "content": [image_part(png((200, 30, 30))), text_part("Which disease is shown?")]}],
    [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Where do fish live?"}],
    [
        {
            "role": "user",
            "content": [text_part("Compare"), image_part(png((0, 0, 200))), image_part(png((9, 9, 9)))],
        }
    ],
]


def test_a_text_model_answers_a_batch_as_it_answers_each_conversation_alone(text_model):
    chat = TransformersChat(text_model, max_new_tokens=8)
    assert isinstance(chat, ChatGenerator)
    together = chat.chat(CONVERSATIONS)
    alone = [chat.chat([conversation])[0] for conversation in CONVERSATIONS]
    assert together == alone and all(isinstance(answer, str) and answer.strip() for answer in together)
    settings = chat.settings()
    assert settings["model_class"] == "Qwen2ForCausalLM" and settings["input_images"].startswith("left out")
    assert settings["sampling"] == {"max_new_tokens": 8, "do_sample": False}
    assert settings["folder_digest"].startswith("sha256:") and settings["dtype"] == "float32"


def test_a_vision_model_is_shown_images_given_as_parts_or_as_data_urls(vision_model):
    chat = TransformersChat(vision_model, max_new_tokens=6)
    assert chat.settings()["model_class"] == "LlavaForConditionalGeneration"
    assert chat.settings()["inputs"] == "AutoProcessor" and chat.settings()["input_images"] == "shown"
    batched = chat.chat(WITH_IMAGES)
    assert batched == [chat.chat([conversation])[0] for conversation in WITH_IMAGES]
    shown = [text_part("Which disease is shown?")]
    as_url = [
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": data_url((200, 30, 30))}}]}
    ]
    as_url[0]["content"] += shown
    assert chat.chat([as_url]) == batched[:1]  # the same picture, however it is given
    other_image = [{"role": "user", "content": [image_part(png((0, 250, 0))), *shown]}]
    assert chat.chat([other_image]) != batched[:1]  # the image reaches the model


def test_a_qwen2_vl_checkpoint_answers_in_batches_as_it_does_one_at_a_time(qwen_dir):
    """Without torchvision the processor cannot be built, so inputs come from tokenizer + image processor."""
    model = TransformersChat(qwen_dir, max_new_tokens=6, empty_answers="keep")
    batched = model.chat(WITH_IMAGES)
    alone = [model.chat([conversation])[0] for conversation in WITH_IMAGES]
    assert batched == alone and all(isinstance(answer, str) for answer in batched)
    settings = model.settings()
    assert settings["model_class"] == "Qwen2VLForConditionalGeneration"
    assert settings["inputs"].startswith("tokenizer + image processor")
    assert settings["sampling"] == {"max_new_tokens": 6, "do_sample": False}


def test_an_undecodable_image_fails_its_conversation_only(vision_model):
    chat = TransformersChat(vision_model, max_new_tokens=4)
    broken, fine = chat.chat([[{"role": "user", "content": [image_part(b"not an image")]}], WITH_IMAGES[1]])
    assert isinstance(broken, Failed) and "cannot be decoded" in broken.reason
    assert isinstance(fine, str) and fine
    link = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/cat.png"}}]}]
    with pytest.raises(GenerationError, match="data URLs only"):
        chat.chat([link])


def test_sampling_is_recorded_with_its_seed_and_greedy_refuses_a_temperature(qwen_dir):
    sampled = TransformersChat(qwen_dir, max_new_tokens=4, do_sample=True, temperature=0.7, seed=3)
    assert sampled.settings()["sampling"] == {
        "max_new_tokens": 4,
        "do_sample": True,
        "temperature": 0.7,
        "seed": 3,
    }
    assert sampled.chat(WITH_IMAGES[1:2]) == sampled.chat(WITH_IMAGES[1:2])
    with pytest.raises(GenerationError, match="only with do_sample"):
        TransformersChat(qwen_dir, temperature=0.7)


def test_a_local_chat_model_drives_the_opening_pipeline(text_model, tmp_path):
    server = FakeOpenAIServer()
    try:
        records = list(iter_records(sample_dir(), "test"))[:2]
        generator = PipelineGenerator(
            TransformersChat(text_model, max_new_tokens=8),
            OpenAIImages(server.url, model="t2i", size="16x16"),
        )
        report = generate_opening(records, generator, tmp_path, "Tiny-Local", batch_size=2, progress=False)
    finally:
        server.kill()
    assert report.complete and report.run.made == 2
    answers = read_model_outputs(tmp_path / "Tiny-Local_output")
    assert [len(answer.steps) for answer in answers] == [1, 1]  # random text has no marker: one step
    assert all(answer.steps[0].image is not None for answer in answers)


def test_a_model_needing_its_own_code_is_refused_before_loading(text_model, tmp_path):
    copy = shutil.copytree(text_model, tmp_path / "remote")
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps({**config, "auto_map": {"AutoModel": "modeling.MyModel"}}))
    with pytest.raises(GenerationError, match="trust_remote_code"):
        TransformersChat(copy)
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "config.json").write_text(json.dumps({"auto_map": {"AutoModel": "modeling_x.XModel"}}))
    with pytest.raises(GenerationError, match="trust_remote_code"):
        TransformersChat(bare)


def test_pickle_weights_are_refused(text_model, tmp_path):
    import torch
    from safetensors.torch import load_file

    copy = shutil.copytree(text_model, tmp_path / "pickled")
    torch.save(load_file(copy / "model.safetensors"), copy / "pytorch_model.bin")
    (copy / "model.safetensors").unlink()
    with pytest.raises(GenerationError, match="safetensors weights only"):
        TransformersChat(copy)


def test_a_hub_model_missing_offline_says_what_to_download_and_how_to_pass_it(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(GenerationError, match=r"`hf download someone/tiny-chat --local-dir <folder>`"):
        TransformersChat("someone/tiny-chat")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(GenerationError) as error:
        TransformersChat("someone/some-vlm", revision="main")
    message = str(error.value)
    assert "hf download someone/some-vlm --revision main --local-dir <folder>" in message
    assert "pass it as the model" in message
