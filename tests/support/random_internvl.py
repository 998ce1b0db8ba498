"""Randomly initialised LMM4LMM judges (InternVL: InternViT + projector + Llama-shaped InternLM2 +
regression head): test support, also used by ``perf/lmm4lmm_throughput.py``.

Nothing is downloaded: the tokenizer is a byte-level BPE trained here with ``tokenizers``, with the
special tokens the InternVL2.5 tokenizer has (``<s>``, ``</s>``, ``<|im_start|>``, ``<|im_end|>``,
``<img>``, ``</img>``, ``<IMG_CONTEXT>``) and a ``<s>`` prefix as InternLM2 adds; the weights are
random. Such a judge's scores mean nothing; its shapes and code paths are those of the real one.

Two ways out:

- :func:`random_components` / :func:`save_random_checkpoint`: the *converted* model
  (``InternVLForConditionalGeneration`` + ``ScoreHead``), in memory or as a folder;
- :func:`official_state_dict` / :func:`save_official_checkpoint`: the same kind of model in the
  *official* ``InternVLChatModel`` layout (``config.json`` with ``llm_config``/``vision_config``,
  fused ``wqkv``/``qkv``, PEFT-wrapped LoRA weights, ``lora_weights.pth``), for conversion tests.

Architectures: ``"tiny"`` (2+2 layers, for unit tests; weights drawn wide so that attention, masks
and positions visibly change the outputs), ``"small"`` (4+4 layers, hidden 512, the real 92,553
vocabulary, for CPU benchmarks) and ``"8b"`` (the InternVL2.5-8B shapes, for GPU benchmarks).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import torch

from genjudge.judges.lmm4lmm.conversion import hf_config, save_converted
from genjudge.judges.lmm4lmm.head import HEAD_WIDTHS, ScoreHead
from genjudge.judges.lmm4lmm.inputs import SYSTEM_MESSAGE, InternVLInputs

SPECIAL_TOKENS = ("<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<img>", "</img>", "<IMG_CONTEXT>")

_CORPUS = (
    SYSTEM_MESSAGE,
    "How would you rate the quality of this image?",
    "The quality of the image is excellent.",
    "How would you rate the correspondence of this image and its prompt? prompt: a red fox in the snow",
    "The correspondence of the image and its prompt is excellent.",
    "Is there a fox in the image? Yes No yes no",
    "A watercolour painting of a lighthouse at dawn, with seagulls over the waves.",
    "user assistant system",
)

ARCHITECTURES: dict[str, dict[str, Any]] = {
    "tiny": {
        "llm": {
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "initializer_range": 0.2,
        },
        # 28-px patches: 64 image tokens per 448-px tile instead of 256, so tests run 4x faster
        "vision": {
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "patch_size": 28,
        },
        "vocab_size": None,
        "init_std": 0.2,
    },
    "small": {
        "llm": {
            "hidden_size": 512,
            "intermediate_size": 1536,
            "num_hidden_layers": 4,
            "num_attention_heads": 8,
            "num_key_value_heads": 2,
        },
        "vision": {
            "hidden_size": 256,
            "intermediate_size": 1024,
            "num_hidden_layers": 4,
            "num_attention_heads": 4,
        },
        "vocab_size": 92553,
        "init_std": None,
    },
    "8b": {
        "llm": {
            "hidden_size": 4096,
            "intermediate_size": 14336,
            "num_hidden_layers": 32,
            "num_attention_heads": 32,
            "num_key_value_heads": 8,
        },
        "vision": {
            "hidden_size": 1024,
            "intermediate_size": 4096,
            "num_hidden_layers": 24,
            "num_attention_heads": 16,
        },
        "vocab_size": 92553,
        "init_std": None,
    },
}


def train_tokenizer(vocab_size: int = 500) -> Any:
    """A byte-level BPE tokenizer with InternVL2.5's special tokens, adding ``<s>`` like InternLM2."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(list(_CORPUS) * 3, trainer)
    bos = backend.token_to_id("<s>")
    backend.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", bos)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="</s>"
    )


def official_config(arch: str, tokenizer: Any) -> dict[str, Any]:
    """An official ``internvl_chat`` config.json (as the LMM4LMM release has it) for ``arch``."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; choose from {sorted(ARCHITECTURES)}")
    spec = ARCHITECTURES[arch]
    llm = {k: v for k, v in spec["llm"].items() if k != "initializer_range"}
    return {
        "architectures": ["InternVLChatModel"],
        "model_type": "internvl_chat",
        "downsample_ratio": 0.5,
        "dynamic_image_size": True,
        "force_image_size": 448,
        "max_dynamic_patch": 6,
        "ps_version": "v2",
        "select_layer": -1,
        "template": "internlm2-chat",
        "use_thumbnail": True,
        "use_backbone_lora": 8,
        "use_llm_lora": 8,
        "llm_config": {
            **llm,
            "architectures": ["InternLM2ForCausalLM"],
            "model_type": "internlm2",
            "bias": False,
            "hidden_act": "silu",
            "max_position_embeddings": 32768,
            "rms_norm_eps": 1e-5,
            "rope_scaling": {"factor": 2.0, "type": "dynamic"},
            "rope_theta": 1000000,
            "tie_word_embeddings": False,
            "vocab_size": spec["vocab_size"] or len(tokenizer),
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        },
        "vision_config": {
            "architectures": ["InternVisionModel"],
            "model_type": "intern_vit_6b",
            "hidden_act": "gelu",
            "image_size": 448,
            "patch_size": 14,
            **spec["vision"],
            "layer_norm_eps": 1e-6,
            "norm_type": "layer_norm",
            "qk_normalization": False,
            "qkv_bias": True,
            "num_channels": 3,
        },
    }


def config(arch: str, tokenizer: Any) -> Any:
    """The converted ``InternVLConfig`` of ``arch``."""
    return hf_config(official_config(arch, tokenizer), tokenizer.convert_tokens_to_ids("<IMG_CONTEXT>"))


def random_components(
    arch: str = "tiny",
    *,
    seed: int = 0,
    device: str = "cpu",
    dtype: torch.dtype = torch.float32,
    tokenizer: Any = None,
) -> tuple[torch.nn.Module, ScoreHead, InternVLInputs]:
    """A random converted model, its regression head and its input builder, in memory."""
    from transformers import InternVLForConditionalGeneration

    tokenizer = tokenizer or train_tokenizer()
    spec = ARCHITECTURES[arch]
    cfg = config(arch, tokenizer)
    torch.manual_seed(seed)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # build in the target dtype: an 8B model never exists in float32
    try:
        with torch.device(device):
            model = InternVLForConditionalGeneration(cfg)
            head = ScoreHead(cfg.text_config.hidden_size)
    finally:
        torch.set_default_dtype(previous)
    if spec["init_std"]:
        _widen(model, head, spec["init_std"])
    return model.to(dtype).eval(), head.to(dtype).eval(), InternVLInputs(tokenizer, cfg.image_seq_length)


def _widen(model: torch.nn.Module, head: ScoreHead, std: float) -> None:
    """Draw every weight wide (and positive-biased head weights) so a tiny model's outputs react
    visibly to masks, positions and pixels instead of washing out, and the ReLU head is not all 0."""
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "norm" in name or "lambda" in name:
                continue
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * std)
        for layer in head.children():
            layer.weight.copy_(
                torch.rand(layer.weight.shape, generator=generator) * 2 / layer.weight.shape[1] ** 0.5
            )
            layer.bias.fill_(0.01)


def save_random_checkpoint(folder: str | Path, arch: str = "tiny", *, seed: int = 0) -> Path:
    """Save a random judge as a converted folder that ``LMM4LMMJudge(model=folder)`` loads."""
    model, head, inputs = random_components(arch, seed=seed)
    return save_converted(folder, model, head, inputs.tokenizer, source=f"random {arch} seed {seed}")


def official_state_dict(
    arch: str, tokenizer: Any, *, seed: int = 0, lora: bool = True, head: bool = True
) -> dict[str, torch.Tensor]:
    """Random weights in the official layout: PEFT-wrapped (``base_model.model.`` prefix,
    ``.base_layer.``, ``lora_A/B.default``) when ``lora``, else plain; ``mlpscore.*`` when ``head``."""
    official = official_config(arch, tokenizer)
    llm, vision = official["llm_config"], official["vision_config"]
    generator = torch.Generator().manual_seed(seed)
    std = ARCHITECTURES[arch]["init_std"] or 0.02

    def rand(*shape: int, scale: float = std) -> torch.Tensor:
        return torch.randn(*shape, generator=generator) * scale

    def near_one(n: int) -> torch.Tensor:
        return 1 + rand(n, scale=0.1)

    state: dict[str, torch.Tensor] = {}
    v_prefix = "vision_model.base_model.model." if lora else "vision_model."
    l_prefix = "language_model.base_model.model." if lora else "language_model."

    def linear(prefix: str, name: str, out: int, inp: int, bias: bool) -> None:
        base = f"{prefix}{name}.base_layer." if lora else f"{prefix}{name}."
        state[base + "weight"] = rand(out, inp)
        if bias:
            state[base + "bias"] = rand(out)
        if lora:
            state[f"{prefix}{name}.lora_A.default.weight"] = rand(8, inp)
            state[f"{prefix}{name}.lora_B.default.weight"] = rand(out, 8)

    c, ci = vision["hidden_size"], vision["intermediate_size"]
    patch = vision["patch_size"]
    patches = (vision["image_size"] // patch) ** 2
    state[v_prefix + "embeddings.class_embedding"] = rand(1, 1, c)
    state[v_prefix + "embeddings.patch_embedding.weight"] = rand(c, 3, patch, patch)
    state[v_prefix + "embeddings.patch_embedding.bias"] = rand(c)
    state[v_prefix + "embeddings.position_embedding"] = rand(1, patches + 1, c)
    for i in range(vision["num_hidden_layers"]):
        p = f"{v_prefix}encoder.layers.{i}."
        linear(p, "attn.qkv", 3 * c, c, True)
        linear(p, "attn.proj", c, c, True)
        linear(p, "mlp.fc1", ci, c, True)
        linear(p, "mlp.fc2", c, ci, True)
        for norm in ("norm1", "norm2"):
            state[f"{p}{norm}.weight"] = near_one(c)
            state[f"{p}{norm}.bias"] = rand(c)
        state[p + "ls1"] = near_one(c)
        state[p + "ls2"] = near_one(c)
    h, hi, vocab = llm["hidden_size"], llm["intermediate_size"], llm["vocab_size"]
    heads, kv = llm["num_attention_heads"], llm["num_key_value_heads"]
    head_dim = h // heads
    state["mlp1.0.weight"] = near_one(4 * c)
    state["mlp1.0.bias"] = rand(4 * c)
    state["mlp1.1.weight"] = rand(h, 4 * c)
    state["mlp1.1.bias"] = rand(h)
    state["mlp1.3.weight"] = rand(h, h)
    state["mlp1.3.bias"] = rand(h)
    state[l_prefix + "model.tok_embeddings.weight"] = rand(vocab, h)
    state[l_prefix + "model.norm.weight"] = near_one(h)
    state[l_prefix + "output.weight"] = rand(vocab, h)
    for i in range(llm["num_hidden_layers"]):
        p = f"{l_prefix}model.layers.{i}."
        linear(p, "attention.wqkv", (heads + 2 * kv) * head_dim, h, False)
        linear(p, "attention.wo", h, h, False)
        linear(p, "feed_forward.w1", hi, h, False)
        linear(p, "feed_forward.w3", hi, h, False)
        linear(p, "feed_forward.w2", h, hi, False)
        state[p + "attention_norm.weight"] = near_one(h)
        state[p + "ffn_norm.weight"] = near_one(h)
    if head:
        widths = (h, *HEAD_WIDTHS)
        for index, (width_in, width_out) in enumerate(itertools.pairwise(widths), start=1):
            state[f"mlpscore.fc{index}.weight"] = (
                torch.rand(width_out, width_in, generator=generator) * 2 / width_in**0.5
            )
            state[f"mlpscore.fc{index}.bias"] = torch.full((width_out,), 0.01)
        state["mlpscore.ln1.weight"] = torch.ones(1024)
        state["mlpscore.ln1.bias"] = torch.zeros(1024)
    return state


def save_official_checkpoint(
    folder: str | Path, arch: str = "tiny", *, seed: int = 0, head: bool = True, tokenizer: Any = None
) -> Path:
    """Write a random checkpoint in the official layout, as the release has it: ``config.json``,
    ``model.safetensors`` with the PEFT-wrapped weights, and the LoRA pairs *also* in
    ``lora_weights.pth`` with different values (the official scripts load that file last, so
    its values are the ones that count), plus the tokenizer."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = tokenizer or train_tokenizer()
    state = official_state_dict(arch, tokenizer, seed=seed, head=head)
    lora_override = {k: torch.randn_like(v) * 0.05 for k, v in state.items() if ".lora_" in k}
    save_file({k: v.contiguous() for k, v in state.items()}, folder / "model.safetensors")
    torch.save(lora_override, folder / "lora_weights.pth")
    (folder / "config.json").write_text(
        json.dumps(official_config(arch, tokenizer), indent=2), encoding="utf-8"
    )
    tokenizer.save_pretrained(folder)
    return folder
