"""A transformers image-text-to-text model (Qwen2-VL, LLaVA, Idefics, Gemma 3…) as a
:class:`~genjudge.generation.protocol.ChatGenerator` that sees images (:mod:`.chat_images`).

Loading follows the rules public leaderboards apply to submitted models: weights from safetensors
only, and no code from the model repository (a config with ``auto_map`` or Python files in the
folder are refused before anything is loaded). The network is ``AutoModelForImageTextToText``; its
inputs come from ``AutoProcessor`` (render the chat template, then call the processor on the texts
and images). Where the processor cannot be built — ``Qwen2VLProcessor`` needs torchvision even for
images only — a Qwen2-VL checkpoint's inputs are built from its tokenizer and image processor
(:class:`genjudge.judges.qwen_vl_inputs.QwenVLInputs`), which gives the same tensors.

Decoding is greedy unless ``do_sample``; every setting that decides an answer (model and resolved
revision or folder digest, class, dtype, the sampling settings, how inputs were built) is in
:meth:`TransformersMLLM.settings`, which goes into the run manifest. Conversations are answered in
batches, left-padded, so each answer is the tokens after its own prompt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genjudge.generation.chat_images import as_bytes, as_pil, images_of, parts_of, template_messages
from genjudge.generation.manifest import folder_digest
from genjudge.generation.protocol import ChatMessage, Failed, GenerationError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_UNSAFE_WEIGHTS = (".bin", ".ckpt", ".pt", ".pth", ".pkl")
_CODE_FILES = ("config.json", "processor_config.json", "preprocessor_config.json", "tokenizer_config.json")
DTYPES = ("auto", "float32", "float16", "bfloat16")


class TransformersMLLM:
    """Answers conversations with images through a transformers model (module docstring).

    Args:
        model: a Hub id (``Qwen/Qwen2-VL-7B-Instruct``) or a local checkpoint folder.
        revision: branch, tag or commit on the Hub (resolved to the commit and recorded).
        device: ``cpu``, ``cuda``, ``cuda:1``…
        dtype: ``auto`` is the checkpoint's own dtype on a GPU and float32 on the CPU.
        max_new_tokens: the longest answer, in tokens.
        do_sample: sample instead of greedy decoding; then ``temperature``/``top_p`` apply and
            ``torch.manual_seed(seed)`` runs before each batch.
        max_pixels: cap on the pixels of one image (Qwen2-VL-style processors), to bound memory.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        revision: str | None = None,
        device: str = "cpu",
        dtype: str = "auto",
        max_new_tokens: int = 256,
        do_sample: bool = False,
        temperature: float | None = None,
        top_p: float | None = None,
        seed: int = 0,
        max_pixels: int | None = None,
    ) -> None:
        import torch

        if dtype not in DTYPES:
            raise GenerationError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
        if max_new_tokens < 1:
            raise GenerationError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
        if not do_sample and (temperature is not None or top_p is not None):
            raise GenerationError("temperature and top_p apply only with do_sample=True (greedy otherwise)")
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise GenerationError(f"device {device!r} was asked for, but torch sees no CUDA GPU here")
        folder, source = _locate(str(model), revision)
        _refuse_remote_code(folder, str(model))
        where = str(model) if "revision" in source else str(folder)
        hub = {"revision": source["revision"]} if "revision" in source else {}
        self.network = _load_network(where, source, hub, _torch_dtype(dtype, device), device)
        self.inputs = _load_inputs(where, source, hub, max_pixels)
        self.device = device
        self._generate = {"max_new_tokens": max_new_tokens, "do_sample": do_sample}
        if do_sample:
            self._generate.update(
                {k: v for k, v in (("temperature", temperature), ("top_p", top_p)) if v is not None}
            )
        self.seed = seed
        self._settings = {
            **source,
            "model_class": type(self.network).__name__,
            "inputs": self.inputs.route,
            "dtype": str(self.network.dtype).removeprefix("torch."),
            "device": device,
            "max_pixels": max_pixels,
            "transformers_version": _transformers_version(),
            "sampling": {**self._generate, **({"seed": seed} if do_sample else {})},
        }

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]:
        import torch

        if not conversations:
            return []
        for conversation in conversations:
            for message in conversation:
                parts_of(message)  # a malformed conversation is the caller's fault: GenerationError
        batch = {
            key: value.to(self.device) if hasattr(value, "to") else value
            for key, value in self.inputs.build(conversations).items()
        }
        if self._generate["do_sample"]:
            torch.manual_seed(self.seed)
        try:
            with torch.inference_mode():
                output = self.network.generate(**batch, **self._generate)
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"out of GPU memory on {self.device} answering {len(conversations)} conversation(s): lower "
                f"--batch-size (now {len(conversations)}), then --max-new-tokens "
                f"(now {self._generate['max_new_tokens']}) or the image size (--max-pixels)"
            ) from None
        answers = output[:, batch["input_ids"].shape[1] :]
        return [text.strip() for text in self.inputs.decode(answers)]


@dataclass
class _ProcessorInputs:
    """Inputs through the checkpoint's own ``AutoProcessor``: chat template, then the processor."""

    processor: Any
    route: str = "AutoProcessor"

    def __post_init__(self) -> None:
        self.processor.tokenizer.padding_side = "left"

    def build(self, conversations: Sequence[Sequence[ChatMessage]]) -> dict[str, Any]:
        texts = [
            self.processor.apply_chat_template(
                template_messages(conversation), add_generation_prompt=True, tokenize=False
            )
            for conversation in conversations
        ]
        images = [as_pil(image) for conversation in conversations for image in images_of(conversation)]
        return dict(self.processor(text=texts, images=images or None, return_tensors="pt", padding=True))

    def decode(self, ids: Any) -> list[str]:
        return self.processor.batch_decode(ids, skip_special_tokens=True)


@dataclass(frozen=True)
class _QwenPrompt:
    """A conversation in the shape :class:`QwenVLInputs` reads: template messages and image bytes."""

    messages: list[dict[str, Any]]
    images: tuple[bytes, ...]

    def to_hf_messages(self) -> list[dict[str, Any]]:
        return self.messages


@dataclass
class _QwenInputs:
    """Qwen2-VL inputs from the tokenizer and image processor, for when its processor cannot load."""

    inputs: Any
    route: str = "tokenizer + image processor (Qwen2-VL layout)"

    def build(self, conversations: Sequence[Sequence[ChatMessage]]) -> dict[str, Any]:
        prompts = [
            _QwenPrompt(
                template_messages(conversation),
                tuple(
                    as_bytes(part["image"])
                    for message in conversation
                    for part in parts_of(message)
                    if part["type"] == "image"
                ),
            )
            for conversation in conversations
        ]
        return self.inputs.batch(prompts)

    def decode(self, ids: Any) -> list[str]:
        return [self.inputs.decode(row) for row in ids.tolist()]


def _torch_dtype(dtype: str, device: str) -> Any:
    import torch

    if dtype == "auto":
        return torch.float32 if device == "cpu" else "auto"
    return getattr(torch, dtype)


def _transformers_version() -> str:
    import transformers

    return transformers.__version__


def _download_hint(model: str, revision: str | None) -> str:
    download = f"hf download {model}" + (f" --revision {revision}" if revision else "")
    return (
        f"the weights of {model} are not on this machine and the Hub cannot be reached. Where it can, run "
        f"`{download} --local-dir <folder>`, copy the folder here and pass the folder as the model "
        "(TransformersMLLM('<folder>'))"
    )


def _locate(model: str, revision: str | None) -> tuple[Path, dict[str, Any]]:
    """The folder holding ``config.json``, and what identifies the weights for the manifest."""
    path = Path(model).expanduser()
    if path.is_dir():
        if revision is not None:
            raise GenerationError(f"{model} is a local folder; --revision applies to Hub models only")
        if not (path / "config.json").is_file():
            raise GenerationError(
                f"{path} has no config.json, so it is not a transformers checkpoint folder "
                "(one written by save_pretrained or downloaded with hf download)"
            )
        return path, {"model": path.resolve().name, "folder_digest": folder_digest(path)}
    if not _HUB_ID.match(model):
        raise GenerationError(f"{model} is neither a local folder nor a Hub model id of the form owner/name")
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        config = Path(hf_hub_download(model, "config.json", revision=revision))
    except LocalEntryNotFoundError:
        raise GenerationError(_download_hint(model, revision)) from None
    except GatedRepoError:
        raise GenerationError(
            f"{model} is gated: accept its terms on the Hub and log in with `hf auth login`"
        ) from None
    except RepositoryNotFoundError:
        raise GenerationError(
            f"no model {model} on the Hub (or it is private: log in with `hf auth login`)"
        ) from None
    except RevisionNotFoundError:
        raise GenerationError(f"{model} has no revision {revision!r}") from None
    except EntryNotFoundError:
        raise GenerationError(f"{model} has no config.json, so it is not a transformers model") from None
    return config.parent, {"model": model, "revision": config.parent.name}


def _refuse_remote_code(folder: Path, model: str) -> None:
    """Refuse a checkpoint whose configs map classes to its own code, that ships code, or pickles only."""
    for name in _CODE_FILES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GenerationError(f"{model}: {name} cannot be read: {exc}") from None
        if isinstance(config, dict) and config.get("auto_map"):
            raise GenerationError(
                f"{model}: {name} maps classes to code in the repository (auto_map); genjudge does not run "
                "code from model repositories (trust_remote_code)"
            )
    scripts = sorted(p.name for p in folder.glob("*.py"))
    if scripts:
        raise GenerationError(
            f"{model} ships Python code ({', '.join(scripts[:3])}); genjudge does not run code from model "
            "repositories (trust_remote_code)"
        )
    files = [p.name for p in folder.iterdir() if p.is_file()]
    if any(name.endswith(_UNSAFE_WEIGHTS) for name in files) and not any(
        name.endswith(".safetensors") for name in files
    ):
        raise GenerationError(
            f"{model} has weights only as pickle files ({', '.join(sorted(files))}); "
            "genjudge loads safetensors weights only"
        )


def _load_network(where: str, source: dict[str, Any], hub: dict[str, Any], dtype: Any, device: str) -> Any:
    import torch
    from transformers import AutoModelForImageTextToText

    try:
        network = AutoModelForImageTextToText.from_pretrained(
            where, dtype=dtype, use_safetensors=True, trust_remote_code=False, **hub
        )
    except ValueError as exc:
        if "Unrecognized configuration class" in str(exc):
            raise GenerationError(
                f"{source['model']} is not an image-text-to-text model that transformers knows "
                f"(AutoModelForImageTextToText cannot load it): {str(exc).splitlines()[0]}"
            ) from None
        raise GenerationError(f"cannot load {source['model']}: {exc}") from None
    except OSError as exc:
        if "revision" in source and "offline" in str(exc).lower():
            raise GenerationError(_download_hint(source["model"], None)) from None
        raise GenerationError(f"cannot load {source['model']} (safetensors weights only): {exc}") from None
    try:
        network.to(device)
    except torch.OutOfMemoryError:
        raise GenerationError(
            f"{source['model']} does not fit in the memory of {device}; "
            "use --dtype bfloat16 or a smaller model"
        ) from None
    return network.eval()


def _load_inputs(where: str, source: dict[str, Any], hub: dict[str, Any], max_pixels: int | None) -> Any:
    """``AutoProcessor`` when it builds; else, for Qwen2-VL checkpoints, tokenizer + image processor."""
    from transformers import AutoImageProcessor, AutoProcessor, AutoTokenizer

    try:
        processor = AutoProcessor.from_pretrained(where, trust_remote_code=False, **hub)
    except ImportError as exc:
        missing: ImportError | None = exc
        processor = None
    else:
        missing = None
    if processor is not None and hasattr(processor, "image_processor"):
        if max_pixels is not None and hasattr(processor.image_processor, "max_pixels"):
            processor.image_processor.max_pixels = max_pixels
        return _ProcessorInputs(processor)
    from genjudge.judges.qwen_vl_inputs import IMAGE_TOKEN, QwenVLInputs

    tokenizer = processor if processor is not None else AutoTokenizer.from_pretrained(where, **hub)
    if IMAGE_TOKEN not in tokenizer.get_vocab():
        reason = f" ({str(missing).strip().splitlines()[0]})" if missing else ""
        raise GenerationError(
            f"the processor of {source['model']} cannot be built here{reason}; install what it names"
        )
    image_processor = AutoImageProcessor.from_pretrained(where, **hub)
    try:
        return _QwenInputs(QwenVLInputs(tokenizer, image_processor, max_pixels=max_pixels))
    except ValueError as exc:
        raise GenerationError(f"{source['model']}: {exc}") from None
