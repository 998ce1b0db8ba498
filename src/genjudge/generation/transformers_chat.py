"""A chat model run locally through transformers, as a :class:`~genjudge.generation.protocol.ChatGenerator`.

Two kinds of checkpoint, told apart by their config:

* a vision-language model (Qwen2-VL, LLaVA, Idefics, Gemma 3…): ``AutoModelForImageTextToText``,
  its inputs from ``AutoProcessor`` (render the chat template, then call the processor on the texts
  and the conversation's images, :mod:`.chat_images`). Where the processor cannot be built —
  ``Qwen2VLProcessor`` needs torchvision even for images only — a Qwen2-VL checkpoint's inputs are
  built from its tokenizer and image processor (:class:`genjudge.judges.qwen_vl_inputs.QwenVLInputs`),
  which gives the same tensors;
* a text-only model: ``AutoModelForCausalLM`` with its tokenizer. Image parts are left out and the
  manifest says so, since the answers then come from the texts alone.

Either way the prompt is the checkpoint's own chat template, a batch is generated at once with left
padding, and the answer is the new tokens decoded without special tokens.

Loading follows the rules public leaderboards apply to submitted models: safetensors weights only
and no code from the repository, checked before anything loads; a Hub model missing offline is
reported with the ``hf download`` command (:mod:`genjudge.generation.transformers_weights`).

Decoding is greedy unless ``do_sample``; a sampled run seeds torch once per batch, so its answers
depend on the batch size. Every setting that decides an answer (model and resolved revision or
folder digest, class, dtype, how inputs were built, the sampling settings and seed) is in
:meth:`TransformersChat.settings`, which goes into the run manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genjudge.generation.chat_images import (
    as_bytes,
    as_pil,
    images_of,
    parts_of,
    template_messages,
    text_messages,
)
from genjudge.generation.protocol import ChatMessage, EmptyAnswers, Failed, GenerationError
from genjudge.generation.transformers_weights import Checkpoint, check_placement, open_checkpoint


class TransformersChat:
    """A local chat model answering one conversation per entry (module docstring).

    Args:
        model: a Hub id (``Qwen/Qwen2-VL-7B-Instruct``) or a local folder saved with ``save_pretrained``.
        revision: branch, tag or commit on the Hub (resolved to the commit and recorded).
        device: ``cpu``, ``cuda``, ``cuda:1``…
        dtype: ``auto`` is the checkpoint's own dtype on a GPU and float32 on the CPU.
        max_new_tokens: the longest answer, in tokens.
        do_sample: sample instead of greedy decoding; then ``temperature``/``top_p`` apply and
            ``torch.manual_seed(seed)`` runs before each batch.
        max_pixels: cap on the pixels of one image (Qwen2-VL-style processors), to bound memory.
        empty_answers: ``"fail"`` or ``"keep"`` an empty answer
            (:data:`~genjudge.generation.protocol.EmptyAnswers`).
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
        max_pixels: int | None = None,
        empty_answers: EmptyAnswers = "fail",
    ) -> None:
        check_placement(dtype, device)
        if max_new_tokens < 1:
            raise GenerationError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
        if not do_sample and (temperature is not None or top_p is not None):
            raise GenerationError("temperature and top_p apply only with do_sample=True (greedy otherwise)")
        if empty_answers not in ("fail", "keep"):
            raise GenerationError(f"empty_answers must be 'fail' or 'keep', not {empty_answers!r}")
        checkpoint = open_checkpoint(model, revision)
        self.vision = _is_vision_model(checkpoint)
        from transformers import AutoModelForCausalLM, AutoModelForImageTextToText

        self.network = checkpoint.load(
            AutoModelForImageTextToText if self.vision else AutoModelForCausalLM, dtype, device
        )
        self.inputs = (
            _load_vision_inputs(checkpoint, max_pixels)
            if self.vision
            else _TokenizerInputs(_load_tokenizer(checkpoint))
        )
        self.device = device
        self.empty_answers = empty_answers
        self._generate: dict[str, Any] = {"max_new_tokens": max_new_tokens, "do_sample": do_sample}
        if do_sample:
            self._generate.update(
                {k: v for k, v in (("temperature", temperature), ("top_p", top_p)) if v is not None}
            )
        self.seed = seed
        self._settings = {
            **checkpoint.manifest(self.network, device),
            "inputs": self.inputs.route,
            "input_images": "shown" if self.vision else "left out (text-only model)",
            "max_pixels": max_pixels,
            "sampling": {**self._generate, **({"seed": seed} if do_sample else {})},
            "empty_answers": empty_answers,
        }

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]:
        """One answer per conversation; a conversation whose images cannot be decoded fails alone."""
        answers: list[str | Failed] = [self._check(conversation) for conversation in conversations]
        asked = [i for i, answer in enumerate(answers) if not isinstance(answer, Failed)]
        if asked:
            for position, text in zip(
                asked, self._generate_texts([conversations[i] for i in asked]), strict=True
            ):
                answers[position] = (
                    Failed("the model answered with an empty message")
                    if not text and self.empty_answers == "fail"
                    else text
                )
        return answers

    def _check(self, conversation: Sequence[ChatMessage]) -> str | Failed:
        """``""`` for a conversation the model can be asked; a malformed one is a GenerationError."""
        for message in conversation:
            parts_of(message)
        if not self.vision:
            return ""
        try:
            for image in images_of(conversation):
                as_pil(image)
        except ValueError as exc:
            return Failed(str(exc))
        return ""

    def _generate_texts(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str]:
        import torch

        try:
            built = self.inputs.build(conversations)
        except (ValueError, TypeError) as exc:
            raise GenerationError(
                f"the model's chat template cannot render these conversations: {exc}"
            ) from None
        batch = {
            key: value.to(self.device) if hasattr(value, "to") else value for key, value in built.items()
        }
        if self._generate["do_sample"]:
            torch.manual_seed(self.seed)
        try:
            with torch.inference_mode():
                output = self.network.generate(
                    **batch, **self._generate, pad_token_id=self.inputs.pad_token_id
                )
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"out of GPU memory on {self.device} answering {len(conversations)} conversation(s): lower "
                f"--batch-size (now {len(conversations)}), then max_new_tokens "
                f"(now {self._generate['max_new_tokens']}) or, for images, max_pixels"
            ) from None
        return [text.strip() for text in self.inputs.decode(output[:, batch["input_ids"].shape[1] :])]


@dataclass
class _TokenizerInputs:
    """A text-only model's inputs: the tokenizer's chat template over the messages' texts."""

    tokenizer: Any
    route: str = "AutoTokenizer"

    def __post_init__(self) -> None:
        _left_padded(self.tokenizer)

    @property
    def pad_token_id(self) -> int:
        return self.tokenizer.pad_token_id

    def build(self, conversations: Sequence[Sequence[ChatMessage]]) -> dict[str, Any]:
        return dict(
            self.tokenizer.apply_chat_template(
                [text_messages(conversation) for conversation in conversations],
                add_generation_prompt=True,
                tokenize=True,
                return_dict=True,
                return_tensors="pt",
                padding=True,
            )
        )

    def decode(self, ids: Any) -> list[str]:
        return self.tokenizer.batch_decode(ids, skip_special_tokens=True)


@dataclass
class _ProcessorInputs:
    """Inputs through the checkpoint's own ``AutoProcessor``: chat template, then the processor."""

    processor: Any
    route: str = "AutoProcessor"

    def __post_init__(self) -> None:
        _left_padded(self.processor.tokenizer)

    @property
    def pad_token_id(self) -> int:
        return self.processor.tokenizer.pad_token_id

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

    @property
    def pad_token_id(self) -> int:
        return self.inputs.pad_token_id

    def build(self, conversations: Sequence[Sequence[ChatMessage]]) -> dict[str, Any]:
        prompts = [
            _QwenPrompt(
                template_messages(conversation),
                tuple(as_bytes(image) for image in images_of(conversation)),
            )
            for conversation in conversations
        ]
        return self.inputs.batch(prompts)

    def decode(self, ids: Any) -> list[str]:
        return [self.inputs.decode(row) for row in ids.tolist()]


def _left_padded(tokenizer: Any) -> None:
    """Pad on the left, so every prompt of a batch ends where its answer starts."""
    tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token


def _is_vision_model(checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint is an image-text-to-text model (else a causal LM); refuses other types."""
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES,
    )

    model_type = checkpoint.config.model_type
    if model_type in MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES:
        return True
    if model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return False
    raise GenerationError(
        f"{checkpoint.name} is a {model_type!r} model, which transformers cannot load as a chat model "
        "(neither AutoModelForImageTextToText nor AutoModelForCausalLM)"
    )


def _load_tokenizer(checkpoint: Checkpoint) -> Any:
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(checkpoint.where, trust_remote_code=False, **checkpoint.hub)
    except (OSError, ValueError) as exc:
        raise GenerationError(f"cannot load the tokenizer of {checkpoint.name}: {exc}") from None
    if not getattr(tokenizer, "chat_template", None):
        raise GenerationError(f"{checkpoint.name} has no chat template, so it is not a chat model")
    return tokenizer


def _load_vision_inputs(checkpoint: Checkpoint, max_pixels: int | None) -> Any:
    """``AutoProcessor`` when it builds; else, for Qwen2-VL checkpoints, tokenizer + image processor."""
    from transformers import AutoImageProcessor, AutoProcessor

    try:
        processor = AutoProcessor.from_pretrained(checkpoint.where, trust_remote_code=False, **checkpoint.hub)
    except ImportError as exc:
        missing: ImportError | None = exc
        processor = None
    else:
        missing = None
    if processor is not None and hasattr(processor, "image_processor"):
        if not (processor.chat_template or processor.tokenizer.chat_template):
            raise GenerationError(f"{checkpoint.name} has no chat template, so it is not a chat model")
        if max_pixels is not None and hasattr(processor.image_processor, "max_pixels"):
            processor.image_processor.max_pixels = max_pixels
        return _ProcessorInputs(processor)
    from genjudge.judges.qwen_vl_inputs import IMAGE_TOKEN, QwenVLInputs

    tokenizer = processor if processor is not None else _load_tokenizer(checkpoint)
    if IMAGE_TOKEN not in tokenizer.get_vocab():
        reason = f" ({str(missing).strip().splitlines()[0]})" if missing else ""
        raise GenerationError(
            f"the processor of {checkpoint.name} cannot be built here{reason}; install what it names"
        )
    image_processor = AutoImageProcessor.from_pretrained(checkpoint.where, **checkpoint.hub)
    try:
        return _QwenInputs(QwenVLInputs(tokenizer, image_processor, max_pixels=max_pixels))
    except ValueError as exc:
        raise GenerationError(f"{checkpoint.name}: {exc}") from None
