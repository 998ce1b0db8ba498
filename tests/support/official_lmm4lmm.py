"""A minimal forward pass of the official LMM4LMM model, straight from its official state dict.

Written for the conversion tests from the official code's arithmetic (InternLM2 attention with the
grouped fused ``wqkv`` split by ``rearrange('b q (h gs d) -> b q h gs d')``, InternViT with fused
``qkv``, ``pixel_shuffle`` v2, ``mlp1``, the ReLU ``mlpscore`` head at position -4) and with LoRA
applied *unmerged* (``x W^T + 2 * (x A^T) B^T``), so it shares no code with the converter it checks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F

LORA_SCALE = 2.0  # lora_alpha = 2 r in the official wrap_*_lora


class OfficialReference:
    def __init__(self, state: Mapping[str, torch.Tensor], config: Mapping[str, Any]) -> None:
        self.s = dict(state)
        self.llm = config["llm_config"]
        self.vision = config["vision_config"]
        self.lora = any(".lora_A." in k for k in self.s)
        self.vp = "vision_model.base_model.model." if self.lora else "vision_model."
        self.lp = "language_model.base_model.model." if self.lora else "language_model."

    def linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        base = f"{name}.base_layer." if self.lora else f"{name}."
        y = x @ self.s[base + "weight"].T
        if base + "bias" in self.s:
            y = y + self.s[base + "bias"]
        if self.lora:
            a, b = self.s[f"{name}.lora_A.default.weight"], self.s[f"{name}.lora_B.default.weight"]
            y = y + LORA_SCALE * ((x @ a.T) @ b.T)
        return y

    # --- InternViT -----------------------------------------------------------------------------
    def vit(self, pixels: torch.Tensor) -> torch.Tensor:
        s, p = self.s, self.vp
        patches = F.conv2d(
            pixels,
            s[p + "embeddings.patch_embedding.weight"],
            s[p + "embeddings.patch_embedding.bias"],
            stride=self.vision["patch_size"],
        )
        n, c, h, w = patches.shape
        x = patches.flatten(2).transpose(1, 2)
        x = torch.cat([s[p + "embeddings.class_embedding"].expand(n, 1, -1), x], dim=1)
        pos = s[p + "embeddings.position_embedding"]
        side = math.isqrt(pos.shape[1] - 1)
        grid = pos[:, 1:].reshape(1, side, side, -1).permute(0, 3, 1, 2)
        grid = F.interpolate(grid.float(), size=(h, w), mode="bicubic", align_corners=False)
        x = x + torch.cat([pos[:, :1], grid.reshape(1, -1, h * w).permute(0, 2, 1)], dim=1)
        heads = self.vision["num_attention_heads"]
        eps = self.vision["layer_norm_eps"]
        for i in range(self.vision["num_hidden_layers"]):
            q = f"{p}encoder.layers.{i}."
            y = F.layer_norm(x, (c,), s[q + "norm1.weight"], s[q + "norm1.bias"], eps)
            b, t, _ = y.shape
            qkv = self.linear(y, q + "attn.qkv").reshape(b, t, 3, heads, c // heads).permute(2, 0, 3, 1, 4)
            attn = ((qkv[0] * (c // heads) ** -0.5) @ qkv[1].transpose(-2, -1)).softmax(-1)
            y = self.linear((attn @ qkv[2]).transpose(1, 2).reshape(b, t, c), q + "attn.proj")
            x = x + y * s[q + "ls1"]
            y = F.layer_norm(x, (c,), s[q + "norm2.weight"], s[q + "norm2.bias"], eps)
            y = self.linear(F.gelu(self.linear(y, q + "mlp.fc1")), q + "mlp.fc2")
            x = x + y * s[q + "ls2"]
        return x

    def image_embeddings(self, pixels: torch.Tensor) -> torch.Tensor:
        x = self.vit(pixels)[:, 1:]
        n, t, c = x.shape
        side = math.isqrt(t)
        x = x.reshape(n, side, side, c)
        # pixel_shuffle, scale 0.5, ps_version v2
        x = x.view(n, side, side // 2, c * 2).permute(0, 2, 1, 3).contiguous()
        x = x.view(n, side // 2, side // 2, c * 4).permute(0, 2, 1, 3).contiguous()
        x = x.reshape(n, -1, c * 4)
        s = self.s
        x = F.layer_norm(x, (c * 4,), s["mlp1.0.weight"], s["mlp1.0.bias"])
        x = F.gelu(x @ s["mlp1.1.weight"].T + s["mlp1.1.bias"])
        return x @ s["mlp1.3.weight"].T + s["mlp1.3.bias"]

    # --- InternLM2 -----------------------------------------------------------------------------
    def rms(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        variance = x.float().pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(variance + self.llm["rms_norm_eps"]))

    def language(
        self, input_ids: torch.Tensor, image_embeds: torch.Tensor, image_token_id: int
    ) -> torch.Tensor:
        """Final-norm hidden states (1, T, H) of one unpadded row, as the official batch-1 forward."""
        s, p = self.s, self.lp + "model."
        x = s[p + "tok_embeddings.weight"][input_ids].clone()
        x[input_ids == image_token_id] = image_embeds.reshape(-1, x.shape[-1])
        x = x[None]
        heads, kv = self.llm["num_attention_heads"], self.llm["num_key_value_heads"]
        hidden = self.llm["hidden_size"]
        dim, groups, t = hidden // heads, heads // kv, x.shape[1]
        inv_freq = 1.0 / (self.llm["rope_theta"] ** (torch.arange(0, dim, 2).float() / dim))
        freqs = torch.outer(torch.arange(t).float(), inv_freq)
        cos, sin = torch.cat([freqs, freqs], -1).cos(), torch.cat([freqs, freqs], -1).sin()

        def rotate(v: torch.Tensor) -> torch.Tensor:
            half = v.shape[-1] // 2
            return v * cos + torch.cat([-v[..., half:], v[..., :half]], -1) * sin

        causal = torch.full((t, t), float("-inf")).triu(1)
        for i in range(self.llm["num_hidden_layers"]):
            q = f"{p}layers.{i}."
            y = self.rms(x, s[q + "attention_norm.weight"])
            qkv = self.linear(y, q + "attention.wqkv").reshape(1, t, kv, groups + 2, dim)
            query = qkv[..., :groups, :].reshape(1, t, heads, dim).transpose(1, 2)
            key = qkv[..., -2, :].transpose(1, 2)
            value = qkv[..., -1, :].transpose(1, 2)
            query, key = rotate(query), rotate(key)
            key = key.repeat_interleave(groups, dim=1)
            value = value.repeat_interleave(groups, dim=1)
            attn = (query @ key.transpose(2, 3) / math.sqrt(dim) + causal).softmax(-1)
            y = (attn @ value).transpose(1, 2).reshape(1, t, hidden)
            x = x + self.linear(y, q + "attention.wo")
            y = self.rms(x, s[q + "ffn_norm.weight"])
            y = self.linear(
                F.silu(self.linear(y, q + "feed_forward.w1")) * self.linear(y, q + "feed_forward.w3"),
                q + "feed_forward.w2",
            )
            x = x + y
        return self.rms(x, s[p + "norm.weight"])

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return hidden @ self.s[self.lp + "output.weight"].T

    def score(self, hidden: torch.Tensor) -> torch.Tensor:
        x = hidden[:, -4, :]
        for index in range(1, 6):
            x = torch.relu(x @ self.s[f"mlpscore.fc{index}.weight"].T + self.s[f"mlpscore.fc{index}.bias"])
        return x.squeeze(-1)
