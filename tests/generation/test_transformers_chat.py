"""Local chat models through transformers: text-only and vision, batched, and what is refused."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from support.fake_openai_server import FakeOpenAIServer
from support.tiny_chat import build_tiny_chat_model, build_tiny_vision_chat_model

from genjudge.benchmarks.opening import iter_records, read_model_outputs, sample_dir
from genjudge.benchmarks.opening.generation import PipelineGenerator, generate_opening
from genjudge.generation.images_endpoint import OpenAIImages
from genjudge.generation.protocol import ChatGenerator, GenerationError
from genjudge.generation.transformers_chat import TransformersChat

pytest.importorskip("transformers", reason="the generate extra is not installed")


@pytest.fixture(scope="module")
def text_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_chat_model(tmp_path_factory.mktemp("tiny-chat"))


@pytest.fixture(scope="module")
def vision_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_vision_chat_model(tmp_path_factory.mktemp("tiny-vision-chat"))


def picture(colour: tuple[int, int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


CONVERSATIONS = [
    [
        {"role": "system", "content": "You are a multimodal generation model."},
        {"role": "user", "content": [{"type": "text", "text": "Write a story with pictures."}]},
    ],
    [{"role": "user", "content": "Write a much longer story about a fox, with pictures of the night."}],
]


def test_a_text_model_answers_a_batch_as_it_answers_each_conversation_alone(text_model):
    chat = TransformersChat(text_model, max_new_tokens=8)
    assert isinstance(chat, ChatGenerator)
    together = chat.chat(CONVERSATIONS)
    alone = [chat.chat([conversation])[0] for conversation in CONVERSATIONS]
    assert together == alone and all(isinstance(answer, str) and answer.strip() for answer in together)
    settings = chat.settings()
    assert settings["model_class"] == "Qwen2ForCausalLM" and settings["input_images"].startswith("left out")
    assert settings["generation"] == {"max_new_tokens": 8, "do_sample": False}
    assert settings["folder_digest"].startswith("sha256:")


def test_a_vision_model_is_shown_the_conversation_images(vision_model):
    chat = TransformersChat(vision_model, max_new_tokens=6)
    shown = [
        {"type": "text", "text": "Continue the story."},
        {"type": "image_url", "image_url": {"url": picture((200, 20, 20))}},
    ]
    answers = chat.chat([[{"role": "user", "content": shown}], CONVERSATIONS[1]])
    assert all(isinstance(answer, str) and answer.strip() for answer in answers)
    assert chat.settings()["model_class"] == "LlavaForConditionalGeneration"
    assert chat.settings()["input_images"] == "shown"


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


def test_pickle_weights_are_refused(text_model, tmp_path):
    import torch
    from safetensors.torch import load_file

    copy = shutil.copytree(text_model, tmp_path / "pickled")
    torch.save(load_file(copy / "model.safetensors"), copy / "pytorch_model.bin")
    (copy / "model.safetensors").unlink()
    with pytest.raises(GenerationError, match="safetensors weights only"):
        TransformersChat(copy)


def test_a_hub_model_missing_offline_says_what_to_download(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(GenerationError, match=r"`hf download someone/tiny-chat --local-dir <folder>`"):
        TransformersChat("someone/tiny-chat")
