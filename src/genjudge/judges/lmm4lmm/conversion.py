"""Official LMM4LMM checkpoints -> transformers' own ``InternVLForConditionalGeneration``.

The official release (``IntMeGroup/LMM4LMM-*``) is an ``InternVLChatModel`` saved by the
InternVL training code: InternViT (``vision_model.*``, fused ``attn.qkv``), the MLP projector
(``mlp1.*``), InternLM2 (``language_model.model.*``, fused ``attention.wqkv``) and, for the two
scoring checkpoints, the regression head ``mlpscore.fc1 … fc5``. Stage 2 wraps both towers in PEFT
LoRA (r = 8, ``lora_alpha = 2 r``, so a scale of 2): the weights then sit under
``base_model.model.`` with ``.base_layer.`` (PEFT >= 0.7) or without it (older PEFT), next to
``lora_A/lora_B`` matrices, and the official scripts additionally load ``lora_weights.pth`` over
the state dict. This module reads all of those layouts, merges every LoRA pair into its base
weight, and maps the keys onto transformers' InternVL classes with a Llama text model, so no
``trust_remote_code`` is needed.

InternLM2's fused ``wqkv`` rows are grouped per key/value head: for each of the ``n_kv`` groups
come its ``n_heads / n_kv`` query heads, then its key head, then its value head (the official
``rearrange(qkv, 'b q (h gs d) -> b q h gs d', gs=2 + groups)``). Query head ``h * groups + j``
is row block ``(h, j)``; that order is exactly Llama's, whose ``repeat_kv`` gives query head ``i``
the key/value head ``i // groups``. InternViT's fused ``qkv`` is plain ``[q; k; v]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from genjudge.judges.lmm4lmm.head import ScoreHead

LORA_WEIGHTS_FILE = "lora_weights.pth"
HEAD_FILE = "score_head.safetensors"
MARKER_FILE = "genjudge_lmm4lmm.json"
"""Written into a converted folder: says it is converted, from what, and whether it has a head."""

_LLM = "language_model.model."
_PATCHES = "model.vision_tower.embeddings.patch_embeddings.projection."
_VISION_LAYER = re.compile(r"vision_model\.encoder\.layers\.(\d+)\.(.+)")
_LLM_LAYER = re.compile(r"language_model\.model\.layers\.(\d+)\.(.+)")
_VISION_NAMES = {
    "attn.proj.weight": "attention.projection_layer.weight",
    "attn.proj.bias": "attention.projection_layer.bias",
    "attn.q_norm.weight": "attention.q_norm.weight",
    "attn.k_norm.weight": "attention.k_norm.weight",
    "ls1": "lambda_1",
    "ls2": "lambda_2",
    "norm1.weight": "layernorm_before.weight",
    "norm1.bias": "layernorm_before.bias",
    "norm2.weight": "layernorm_after.weight",
    "norm2.bias": "layernorm_after.bias",
    "mlp.fc1.weight": "mlp.fc1.weight",
    "mlp.fc1.bias": "mlp.fc1.bias",
    "mlp.fc2.weight": "mlp.fc2.weight",
    "mlp.fc2.bias": "mlp.fc2.bias",
}
_LLM_NAMES = {
    "attention.wo.weight": "self_attn.o_proj.weight",
    "feed_forward.w1.weight": "mlp.gate_proj.weight",
    "feed_forward.w3.weight": "mlp.up_proj.weight",
    "feed_forward.w2.weight": "mlp.down_proj.weight",
    "attention_norm.weight": "input_layernorm.weight",
    "ffn_norm.weight": "post_attention_layernorm.weight",
}
_TOP_NAMES = {
    "vision_model.embeddings.class_embedding": "model.vision_tower.embeddings.cls_token",
    "vision_model.embeddings.position_embedding": "model.vision_tower.embeddings.position_embeddings",
    "vision_model.embeddings.patch_embedding.weight": _PATCHES + "weight",
    "vision_model.embeddings.patch_embedding.bias": _PATCHES + "bias",
    "mlp1.0.weight": "model.multi_modal_projector.layer_norm.weight",
    "mlp1.0.bias": "model.multi_modal_projector.layer_norm.bias",
    "mlp1.1.weight": "model.multi_modal_projector.linear_1.weight",
    "mlp1.1.bias": "model.multi_modal_projector.linear_1.bias",
    "mlp1.3.weight": "model.multi_modal_projector.linear_2.weight",
    "mlp1.3.bias": "model.multi_modal_projector.linear_2.bias",
    _LLM + "tok_embeddings.weight": "model.language_model.embed_tokens.weight",
    _LLM + "norm.weight": "model.language_model.norm.weight",
    "language_model.output.weight": "lm_head.weight",
}
_UNUSED = ("mlpscore.ln1.",)  # in the official head module but never used by its forward


class CheckpointLayoutError(ValueError):
    """A folder or state dict is not in the official LMM4LMM (InternVLChatModel) layout."""


def is_official_layout(folder: str | Path) -> bool:
    """True for a folder whose config.json is an official ``internvl_chat`` config."""
    config = Path(folder) / "config.json"
    return config.is_file() and "llm_config" in json.loads(config.read_text(encoding="utf-8"))


def hf_config(official: Mapping[str, Any], image_token_id: int) -> Any:
    """The ``InternVLConfig`` (Llama text config) equivalent to an official ``internvl_chat`` config.

    Needs transformers >= 5: older Llama configs ignore ``rope_parameters`` and would silently
    fall back to the wrong rotary base (10,000 instead of InternLM2's 1,000,000).
    """
    import transformers
    from transformers import InternVLConfig

    if int(transformers.__version__.split(".")[0]) < 5:
        raise ImportError(f"LMM4LMM needs transformers >= 5, found {transformers.__version__}")

    llm = official["llm_config"]
    vision = official["vision_config"]
    if llm.get("architectures", ["InternLM2ForCausalLM"])[0] != "InternLM2ForCausalLM":
        raise CheckpointLayoutError(f"expected an InternLM2 language model, got {llm.get('architectures')}")
    if llm.get("bias", False):
        raise CheckpointLayoutError("InternLM2 with biased projections has no Llama equivalent here")
    rope: dict[str, Any] = {"rope_type": "default", "rope_theta": float(llm.get("rope_theta", 10000.0))}
    scaling = llm.get("rope_scaling")
    if scaling:
        # InternLM2's dynamic NTK and transformers' "dynamic" rope agree: both only change the
        # frequencies past max_position_embeddings (32,768 for InternVL2.5-8B).
        if scaling.get("type") not in ("dynamic", "linear"):
            raise CheckpointLayoutError(f"unsupported rope_scaling {scaling}")
        rope = {**rope, "rope_type": scaling["type"], "factor": float(scaling["factor"])}
    image_size = int(official.get("force_image_size") or vision["image_size"])
    patch = int(vision["patch_size"])
    ratio = float(official.get("downsample_ratio", 0.5))
    return InternVLConfig(
        text_config={
            "model_type": "llama",
            "vocab_size": int(llm["vocab_size"]),
            "hidden_size": int(llm["hidden_size"]),
            "intermediate_size": int(llm["intermediate_size"]),
            "num_hidden_layers": int(llm["num_hidden_layers"]),
            "num_attention_heads": int(llm["num_attention_heads"]),
            "num_key_value_heads": int(llm["num_key_value_heads"]),
            "hidden_act": llm.get("hidden_act", "silu"),
            "max_position_embeddings": int(llm.get("max_position_embeddings", 32768)),
            "rms_norm_eps": float(llm.get("rms_norm_eps", 1e-6)),
            "rope_parameters": rope,
            "attention_bias": False,
            "mlp_bias": False,
            "tie_word_embeddings": False,
            "bos_token_id": llm.get("bos_token_id"),
            "eos_token_id": llm.get("eos_token_id"),
            "pad_token_id": llm.get("pad_token_id"),
        },
        vision_config={
            "hidden_size": int(vision["hidden_size"]),
            "intermediate_size": int(vision["intermediate_size"]),
            "num_hidden_layers": int(vision["num_hidden_layers"]),
            "num_attention_heads": int(vision["num_attention_heads"]),
            "hidden_act": vision.get("hidden_act", "gelu"),
            "layer_norm_eps": float(vision.get("layer_norm_eps", 1e-6)),
            "norm_type": vision.get("norm_type", "layer_norm"),
            "attention_bias": bool(vision.get("qkv_bias", True)),
            "use_qk_norm": bool(vision.get("qk_normalization", False)),
            "image_size": image_size,
            "patch_size": patch,
            "use_mean_pooling": True,  # InternViT has no final norm: the last layer's output is used as is
        },
        image_token_id=image_token_id,
        image_seq_length=int((image_size // patch) ** 2 * ratio**2),
        downsample_ratio=ratio,
        projector_hidden_act="gelu",
        vision_feature_layer=int(official.get("select_layer", -1)),
        vision_feature_select_strategy="default",
        tie_word_embeddings=False,
    )


def merge_lora(state: Mapping[str, torch.Tensor], scale: float) -> dict[str, torch.Tensor]:
    """Plain weights from a PEFT-wrapped state dict: ``W + scale * B @ A`` for each LoRA pair.

    Accepts both PEFT layouts (``…wqkv.base_layer.weight`` and ``…wqkv.weight`` beside
    ``…wqkv.lora_A.<adapter>.weight``) and strips PEFT's ``base_model.model.`` prefix. A state
    dict without LoRA comes back with only the prefixes normalised.
    """
    plain: dict[str, torch.Tensor] = {}
    lora: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in state.items():
        key = key.replace("vision_model.base_model.model.", "vision_model.")
        key = key.replace("language_model.base_model.model.", "language_model.")
        match = re.fullmatch(r"(.+)\.lora_([AB])\.[^.]+\.weight", key)
        if match:
            lora.setdefault(match.group(1), {})[match.group(2)] = value
            continue
        plain[key.replace(".base_layer.", ".")] = value
    for module, pair in lora.items():
        if set(pair) != {"A", "B"}:
            raise CheckpointLayoutError(
                f"LoRA weights of {module} lack lora_{'AB'.replace(''.join(pair), '')}"
            )
        target = f"{module}.weight"
        if target not in plain:
            raise CheckpointLayoutError(f"LoRA weights for {module} but no base weight {target}")
        base = plain[target]
        delta = pair["B"].float() @ pair["A"].float()
        plain[target] = (base.float() + scale * delta).to(base.dtype)
    return plain


def split_wqkv(
    wqkv: torch.Tensor, n_heads: int, n_kv: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """InternLM2's grouped ``wqkv`` -> Llama's ``q_proj``, ``k_proj``, ``v_proj`` weights."""
    groups = n_heads // n_kv
    rows, hidden = wqkv.shape
    head_dim = rows // (n_heads + 2 * n_kv)
    grouped = wqkv.reshape(n_kv, groups + 2, head_dim, hidden)
    query = grouped[:, :groups].reshape(n_heads * head_dim, hidden)
    key = grouped[:, groups].reshape(n_kv * head_dim, hidden)
    value = grouped[:, groups + 1].reshape(n_kv * head_dim, hidden)
    return query.contiguous(), key.contiguous(), value.contiguous()


def convert_state_dict(
    state: Mapping[str, torch.Tensor], official: Mapping[str, Any]
) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """(transformers InternVL state dict, score-head state dict) from a merged official one.

    Every official key must be used: a key this mapping does not know raises, so a layout change
    upstream fails loudly instead of silently leaving random weights.
    """
    llm = official["llm_config"]
    n_heads, n_kv = int(llm["num_attention_heads"]), int(llm["num_key_value_heads"])
    converted: dict[str, torch.Tensor] = {}
    head: dict[str, torch.Tensor] = {}
    unknown = []
    for key, value in state.items():
        if key in _TOP_NAMES:
            converted[_TOP_NAMES[key]] = value
        elif key.startswith("mlpscore.fc"):
            head[key.removeprefix("mlpscore.")] = value
        elif key.startswith(_UNUSED):
            continue
        elif match := _VISION_LAYER.fullmatch(key):
            index, name = match.groups()
            prefix = f"model.vision_tower.encoder.layer.{index}."
            if name in ("attn.qkv.weight", "attn.qkv.bias"):
                kind = name.rsplit(".", 1)[1]
                for part, chunk in zip(("q", "k", "v"), value.chunk(3, dim=0), strict=True):
                    converted[f"{prefix}attention.{part}_proj.{kind}"] = chunk.contiguous()
            elif name in _VISION_NAMES:
                converted[prefix + _VISION_NAMES[name]] = value
            else:
                unknown.append(key)
        elif match := _LLM_LAYER.fullmatch(key):
            index, name = match.groups()
            prefix = f"model.language_model.layers.{index}."
            if name == "attention.wqkv.weight":
                query, key_w, value_w = split_wqkv(value, n_heads, n_kv)
                converted[prefix + "self_attn.q_proj.weight"] = query
                converted[prefix + "self_attn.k_proj.weight"] = key_w
                converted[prefix + "self_attn.v_proj.weight"] = value_w
            elif name in _LLM_NAMES:
                converted[prefix + _LLM_NAMES[name]] = value
            else:
                unknown.append(key)
        else:
            unknown.append(key)
    if unknown:
        raise CheckpointLayoutError(
            f"{len(unknown)} checkpoint keys have no place in transformers' InternVL: {unknown[:5]}"
        )
    return converted, head


def read_official_state(folder: str | Path) -> dict[str, torch.Tensor]:
    """Every tensor of an official checkpoint folder, with ``lora_weights.pth`` loaded over it (as
    the official scripts do) and the LoRA pairs merged (scale = lora_alpha / r = 2)."""
    from safetensors.torch import load_file

    folder = Path(folder)
    state: dict[str, torch.Tensor] = {}
    shards = sorted(folder.glob("*.safetensors"))
    for shard in shards:
        state.update(load_file(shard))
    if not shards:
        for shard in sorted(folder.glob("pytorch_model*.bin")):
            state.update(torch.load(shard, map_location="cpu", weights_only=True))
    if not state:
        raise CheckpointLayoutError(f"{folder} holds no *.safetensors or pytorch_model*.bin weights")
    lora_file = folder / LORA_WEIGHTS_FILE
    if lora_file.is_file():
        state.update(torch.load(lora_file, map_location="cpu", weights_only=True))
    return merge_lora(state, scale=2.0)


def build_model(config: Any, state: Mapping[str, torch.Tensor], dtype: torch.dtype | None = None) -> Any:
    """An ``InternVLForConditionalGeneration`` holding exactly ``state`` (strict), built without a
    random initialisation (parameters are created on the meta device and then assigned)."""
    from transformers import InternVLForConditionalGeneration

    with torch.device("meta"):
        model = InternVLForConditionalGeneration(config)
    if dtype is not None:
        state = {key: value.to(dtype) for key, value in state.items()}
    model.load_state_dict(dict(state), strict=True, assign=True)
    language = model.model.language_model
    language.rotary_emb = type(language.rotary_emb)(config=language.config)  # non-persistent buffers
    return model.eval()


def build_head(head_state: Mapping[str, torch.Tensor], hidden_size: int) -> ScoreHead | None:
    """The regression head, or ``None`` for a checkpoint that has none (the QA model)."""
    if not head_state:
        return None
    head = ScoreHead(hidden_size)
    head.load_state_dict(dict(head_state), strict=True)
    return head.eval()


def load_official(
    folder: str | Path, image_token_id: int, dtype: torch.dtype | None = None
) -> tuple[Any, ScoreHead | None]:
    """(InternVL model, score head or None) from an official checkpoint folder, LoRA merged."""
    folder = Path(folder)
    official = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if "llm_config" not in official:
        raise CheckpointLayoutError(f"{folder / 'config.json'} is not an official internvl_chat config")
    converted, head_state = convert_state_dict(read_official_state(folder), official)
    config = hf_config(official, image_token_id)
    head = build_head(head_state, int(official["llm_config"]["hidden_size"]))
    if head is not None and dtype is not None:
        head = head.to(dtype)
    return build_model(config, converted, dtype), head


def save_converted(
    folder: str | Path, model: Any, head: ScoreHead | None, tokenizer: Any, source: str
) -> Path:
    """Write a converted checkpoint: ``save_pretrained`` model and tokenizer, the head, a marker."""
    from safetensors.torch import save_file

    folder = Path(folder)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    if head is not None:
        save_file({k: v.contiguous() for k, v in head.state_dict().items()}, folder / HEAD_FILE)
    marker = {"converted_from": source, "has_score_head": head is not None}
    (folder / MARKER_FILE).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return folder


def load_converted(folder: str | Path, dtype: torch.dtype | None = None) -> tuple[Any, ScoreHead | None]:
    """(InternVL model, head or None) from a folder written by :func:`save_converted`."""
    from safetensors.torch import load_file
    from transformers import InternVLForConditionalGeneration

    folder = Path(folder)
    model = InternVLForConditionalGeneration.from_pretrained(folder, dtype=dtype or "auto").eval()
    head_file = folder / HEAD_FILE
    head = (
        build_head(load_file(head_file), model.config.text_config.hidden_size)
        if head_file.is_file()
        else None
    )
    if head is not None:
        head = head.to(next(model.parameters()).dtype)
    return model, head
