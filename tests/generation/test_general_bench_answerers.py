"""The multimodal answerers: a transformers image-text-to-text model and a chat-completions endpoint,
both answering conversations whose messages carry images."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from support.random_llava import save_random_llava
from support.random_qwen_vl import save_random_checkpoint

from genjudge.generation.chat_images import image_part, text_part
from genjudge.generation.mllm_transformers import TransformersMLLM
from genjudge.generation.protocol import ChatGenerator, GenerationError


def png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


CONVERSATIONS = [
    [{"role": "user", "content": [image_part(png((200, 30, 30))), text_part("Which disease is shown?")]}],
    [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Where do fish live?"}],
    [
        {
            "role": "user",
            "content": [text_part("Compare"), image_part(png((0, 0, 200))), image_part(png((9, 9, 9)))],
        }
    ],
]


@pytest.fixture(scope="module")
def qwen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_random_checkpoint(tmp_path_factory.mktemp("qwen-vl"))


@pytest.fixture(scope="module")
def llava_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_random_llava(tmp_path_factory.mktemp("llava"))


def test_a_qwen2_vl_checkpoint_answers_in_batches_as_it_does_one_at_a_time(qwen_dir):
    """Without torchvision the processor cannot be built, so inputs come from tokenizer + image processor."""
    model = TransformersMLLM(qwen_dir, max_new_tokens=6)
    assert isinstance(model, ChatGenerator)
    batched = model.chat(CONVERSATIONS)
    alone = [model.chat([conversation])[0] for conversation in CONVERSATIONS]
    assert batched == alone and all(isinstance(answer, str) for answer in batched)
    settings = model.settings()
    assert settings["model_class"] == "Qwen2VLForConditionalGeneration"
    assert settings["inputs"].startswith("tokenizer + image processor")
    assert settings["sampling"] == {"max_new_tokens": 6, "do_sample": False}
    assert settings["folder_digest"].startswith("sha256:") and settings["dtype"] == "float32"


def test_a_checkpoint_whose_auto_processor_loads_goes_through_it(llava_dir):
    model = TransformersMLLM(llava_dir, max_new_tokens=5)
    assert model.settings()["inputs"] == "AutoProcessor"
    batched = model.chat(CONVERSATIONS)
    assert batched == [model.chat([conversation])[0] for conversation in CONVERSATIONS]
    other_image = [
        [{"role": "user", "content": [image_part(png((0, 250, 0))), text_part("Which disease is shown?")]}]
    ]
    assert model.chat(other_image) != batched[:1]  # the image reaches the model


def test_sampling_is_recorded_with_its_seed_and_greedy_refuses_a_temperature(qwen_dir):
    sampled = TransformersMLLM(qwen_dir, max_new_tokens=4, do_sample=True, temperature=0.7, seed=3)
    assert sampled.settings()["sampling"] == {
        "max_new_tokens": 4,
        "do_sample": True,
        "temperature": 0.7,
        "seed": 3,
    }
    assert sampled.chat(CONVERSATIONS[1:2]) == sampled.chat(CONVERSATIONS[1:2])
    with pytest.raises(GenerationError, match="only with do_sample"):
        TransformersMLLM(qwen_dir, temperature=0.7)


def test_remote_code_and_pickle_weights_are_refused_before_loading(tmp_path):
    remote = tmp_path / "remote"
    remote.mkdir()
    (remote / "config.json").write_text(json.dumps({"auto_map": {"AutoModel": "modeling_x.XModel"}}))
    with pytest.raises(GenerationError, match="trust_remote_code"):
        TransformersMLLM(remote)
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text(json.dumps({"model_type": "llava"}))
    (pickled / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(GenerationError, match="safetensors weights only"):
        TransformersMLLM(pickled)


def test_a_hub_model_missing_offline_says_what_to_download_and_how_to_pass_it(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(GenerationError) as error:
        TransformersMLLM("someone/some-vlm", revision="main")
    message = str(error.value)
    assert "hf download someone/some-vlm --revision main --local-dir <folder>" in message
    assert "pass the folder as the model" in message
