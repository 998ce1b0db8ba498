"""A chat model run locally through transformers, as a :class:`ChatGenerator`.

Two kinds of checkpoint, told apart by their config: a vision-language model
(``AutoModelForImageTextToText`` with its ``AutoProcessor``: the conversation's images are shown to
it) and a text-only one (``AutoModelForCausalLM`` with its tokenizer: image parts are left out,
and the manifest says so, since a pipeline's answers then come from the texts alone). Either way
the prompt is the checkpoint's own chat template, a batch is generated at once with left padding,
and the answer is the new tokens decoded without special tokens.

Loading follows the rules public leaderboards apply to submitted models: safetensors weights only
(``use_safetensors=True``) and no code from the repository (``trust_remote_code=False``; a config
with an ``auto_map`` is refused before anything is loaded). A Hub model missing offline is
reported with the download command (:func:`genjudge.generation.model_source.locate_model`).

Sampling is greedy unless ``do_sample``; a sampled run seeds torch once per batch, so its answers
depend on the batch size, which the manifest records with the seed.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from genjudge.generation.model_source import locate_model
from genjudge.generation.protocol import ChatMessage, Failed, GenerationError

DTYPES = ("auto", "float32", "float16", "bfloat16")


class TransformersChat:
    """A local chat model answering one conversation per entry (module docstring).

    Args:
        model: a Hub id or a local folder saved with ``save_pretrained``.
        revision: branch, tag or commit on the Hub (resolved to the commit and recorded).
        device / dtype: where and in what precision; ``auto`` is bfloat16 on a GPU, float32 on the CPU.
        max_new_tokens: the answer's length limit.
        do_sample / temperature / top_p / seed: sampling; greedy by default.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        revision: str | None = None,
        device: str = "cpu",
        dtype: str = "auto",
        max_new_tokens: int = 1024,
        do_sample: bool = False,
        temperature: float | None = None,
        top_p: float | None = None,
        seed: int = 0,
    ) -> None:
        import torch

        if dtype not in DTYPES:
            raise GenerationError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise GenerationError(f"device {device!r} was asked for, but torch sees no CUDA GPU here")
        if max_new_tokens < 1:
            raise GenerationError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
        resolved = (
            "bfloat16" if dtype == "auto" and device != "cpu" else "float32" if dtype == "auto" else dtype
        )
        folder, source = locate_model(str(model), revision, "config.json", "a transformers model")
        where = str(model) if "revision" in source else str(folder)
        options = {
            "trust_remote_code": False,
            **({"revision": source["revision"]} if "revision" in source else {}),
        }
        self.vision = _is_vision_model(where, options, str(model))
        self.model, self.inputs = _load(where, options, getattr(torch, resolved), self.vision, str(model))
        try:
            self.model.to(device)
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"{model} does not fit in the memory of {device}; use --dtype bfloat16 or a smaller model"
            ) from None
        self.model.eval()
        self.device = device
        self._tokenizer = getattr(self.inputs, "tokenizer", self.inputs)
        self._tokenizer.padding_side = "left"
        if self._tokenizer.pad_token_id is None:
            self._tokenizer.pad_token = self._tokenizer.eos_token
        self._generate = {
            "max_new_tokens": max_new_tokens,
            "do_sample": do_sample,
            **({"temperature": temperature} if temperature is not None else {}),
            **({"top_p": top_p} if top_p is not None else {}),
        }
        self.seed = seed
        self._settings = {
            **source,
            "model_class": type(self.model).__name__,
            "dtype": resolved,
            "device": device,
            "input_images": "shown" if self.vision else "left out (text-only model)",
            "generation": dict(self._generate),
            **({"seed": seed, "seed_rule": "torch seeded once per batch"} if do_sample else {}),
            "transformers_version": _transformers_version(),
        }

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]:
        import torch

        if not conversations:
            return []
        messages = [[_message(m, self.vision) for m in conversation] for conversation in conversations]
        try:
            batch = self.inputs.apply_chat_template(
                messages,
                add_generation_prompt=True,
                tokenize=True,
                return_dict=True,
                return_tensors="pt",
                **({"processor_kwargs": {"padding": True}} if self.vision else {"padding": True}),
            ).to(self.device)
        except (ValueError, TypeError) as exc:
            raise GenerationError(
                f"the model's chat template cannot render these conversations: {exc}"
            ) from None
        if self._generate["do_sample"]:
            torch.manual_seed(self.seed)
        try:
            with torch.inference_mode():
                output = self.model.generate(
                    **batch, **self._generate, pad_token_id=self._tokenizer.pad_token_id
                )
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"out of GPU memory on {self.device} answering {len(conversations)} conversation(s): "
                f"lower --batch-size (now {len(conversations)}), then max_new_tokens "
                f"(now {self._generate['max_new_tokens']})"
            ) from None
        new_tokens = output[:, batch["input_ids"].shape[1] :]
        texts = self._tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        return [
            text if text.strip() else Failed("the model answered with an empty message") for text in texts
        ]


def _transformers_version() -> str:
    import transformers

    return transformers.__version__


def _is_vision_model(where: str, options: dict[str, Any], model: str) -> bool:
    """Whether the checkpoint is an image-text-to-text model; refuses remote code and unknown types."""
    from transformers import AutoConfig, PretrainedConfig
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES,
    )

    raw, _ = PretrainedConfig.get_config_dict(where, **options)
    if raw.get("auto_map"):
        raise GenerationError(
            f"{model} needs code from its repository (config.json has an auto_map); genjudge does not "
            "run code from model repositories (trust_remote_code)"
        )
    try:
        config = AutoConfig.from_pretrained(where, **options)
    except (OSError, ValueError, KeyError) as exc:
        raise GenerationError(f"cannot read the config of {model}: {exc}") from None
    if config.model_type in MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES:
        return True
    if config.model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return False
    raise GenerationError(
        f"{model} is a {config.model_type!r} model, which transformers cannot load as a chat model "
        "(neither AutoModelForImageTextToText nor AutoModelForCausalLM)"
    )


def _load(where: str, options: dict[str, Any], dtype: Any, vision: bool, model: str) -> tuple[Any, Any]:
    """The model and its processor (vision) or tokenizer (text-only); safetensors only."""
    from transformers import AutoModelForCausalLM, AutoModelForImageTextToText, AutoProcessor, AutoTokenizer

    loader = AutoModelForImageTextToText if vision else AutoModelForCausalLM
    try:
        network = loader.from_pretrained(where, dtype=dtype, use_safetensors=True, **options)
        inputs = (AutoProcessor if vision else AutoTokenizer).from_pretrained(where, **options)
    except OSError as exc:
        if "safetensors" in str(exc).lower() or ".safetensors" in str(exc):
            raise GenerationError(
                f"{model} has no safetensors weights; genjudge loads safetensors weights only"
            ) from None
        raise GenerationError(f"cannot load {model}: {exc}") from None
    except ValueError as exc:
        raise GenerationError(f"cannot load {model}: {exc}") from None
    if not getattr(inputs, "chat_template", None) and not getattr(
        getattr(inputs, "tokenizer", None), "chat_template", None
    ):
        raise GenerationError(f"{model} has no chat template, so it is not a chat model")
    return network, inputs


def _message(message: ChatMessage, vision: bool) -> dict[str, Any]:
    """An OpenAI-style message in the form chat templates take.

    A vision model gets parts (text, and each data-URL image decoded); a text-only model gets the
    text parts joined by newlines, its images left out (module docstring).
    """
    content = message["content"]
    if isinstance(content, str):
        return {
            "role": message["role"],
            "content": content if not vision else [{"type": "text", "text": content}],
        }
    if not vision:
        text = "\n".join(part["text"] for part in content if part.get("type") == "text")
        return {"role": message["role"], "content": text}
    parts: list[dict[str, Any]] = []
    for part in content:
        if part.get("type") == "text":
            parts.append({"type": "text", "text": part["text"]})
        elif part.get("type") == "image_url":
            parts.append({"type": "image", "image": _decode_data_url(part["image_url"]["url"])})
    return {"role": message["role"], "content": parts}


def _decode_data_url(url: str) -> Image.Image:
    if not url.startswith("data:") or ";base64," not in url:
        raise GenerationError("a local model can be shown images as base64 data URLs only, not links")
    with Image.open(io.BytesIO(base64.b64decode(url.split(";base64,", 1)[1]))) as image:
        return image.convert("RGB")
