"""A native unified model drawing images through transformers, as a :class:`TextToImageGenerator`.

Janus / Janus-Pro generate images natively in transformers 5
(``JanusForConditionalGeneration.generate(generation_mode="image")``, then ``decode_image_tokens``
through its VQ-VAE). (Emu3 can too, through a ``generate`` constrained by a prefix function, which
this adapter does not cover; Chameleon's released weights draw no images.) The recipe is the one on
the model card: the user prompt in the processor's chat template, the begin-of-image token appended
by the processor, classifier-free guidance over a copy of the prompt masked to padding, and the
image tokens sampled one by one.

Seeds: ``generate`` samples with one ``torch.multinomial`` over the whole batch, so an image would
depend on its batch. Here every image has its own ``torch.Generator`` seeded with its request's
seed, and a logits processor draws each token by the Gumbel-max trick (the argmax of the guided
logits over the temperature plus Gumbel noise, which is a sample of their softmax) while
``generate`` decodes greedily. An image thus depends on its prompt and seed alone, whatever the
batch size, and a resumed run redraws the same pictures. ``temperature=0`` is greedy decoding.

Loading follows the leaderboard rules of every adapter that loads weights: safetensors only and no
code from the repository; a Hub model missing offline is reported with the ``hf download`` command
(:mod:`genjudge.generation.transformers_weights`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from genjudge.generation.protocol import Failed, GenerationError, ImageRequest
from genjudge.generation.transformers_weights import check_placement, open_checkpoint

SEED_RULE = "one torch.Generator per image, seeded with its request's seed (Gumbel-max sampling)"


class JanusTextToImage:
    """Draws one image per request with a Janus checkpoint (module docstring).

    Args:
        model: a Hub id (``deepseek-community/Janus-Pro-7B``) or a local folder saved by transformers.
        revision: branch, tag or commit on the Hub (resolved to the commit and recorded).
        device / dtype: where and in what precision; ``auto`` is the checkpoint's dtype on a GPU,
            float32 on the CPU.
        guidance_scale: classifier-free guidance (the model card's 5); must be above 1, since
            Janus always generates a guided and an unguided copy of each prompt.
        temperature: sampling temperature of the image tokens (1, as released); 0 is greedy.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        revision: str | None = None,
        device: str = "cpu",
        dtype: str = "auto",
        guidance_scale: float = 5.0,
        temperature: float = 1.0,
    ) -> None:
        from transformers import AutoProcessor, JanusForConditionalGeneration

        check_placement(dtype, device)
        if not guidance_scale > 1:
            raise GenerationError(f"guidance_scale must be above 1 for Janus, not {guidance_scale}")
        if temperature < 0:
            raise GenerationError(f"temperature must be 0 (greedy) or more, not {temperature}")
        checkpoint = open_checkpoint(model, revision)
        if checkpoint.config.model_type != "janus":
            raise GenerationError(
                f"{checkpoint.name} is a {checkpoint.config.model_type!r} model; the unified-model image "
                "generator runs Janus checkpoints (model_type 'janus', e.g. deepseek-community/Janus-Pro-1B)"
            )
        self.network = checkpoint.load(JanusForConditionalGeneration, dtype, device)
        try:
            self.processor = AutoProcessor.from_pretrained(
                checkpoint.where, trust_remote_code=False, **checkpoint.hub
            )
        except (OSError, ValueError, ImportError) as exc:
            raise GenerationError(f"cannot load the processor of {checkpoint.name}: {exc}") from None
        self.device = device
        self.guidance_scale = guidance_scale
        self.temperature = temperature
        tokenizer = self.processor.tokenizer
        self._begin_of_image = tokenizer.convert_tokens_to_ids(tokenizer.boi_token)
        self._settings = {
            **checkpoint.manifest(self.network, device),
            "guidance_scale": guidance_scale,
            "temperature": temperature,
            "image_tokens": self.network.config.vision_config.num_image_tokens,
            "seed_rule": SEED_RULE,
        }

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image | Failed]:
        import torch
        from transformers import ClassifierFreeGuidanceLogitsProcessor, LogitsProcessorList

        if not requests:
            return []
        texts = [
            self.processor.apply_chat_template(
                [{"role": "user", "content": [{"type": "text", "text": request.prompt}]}],
                add_generation_prompt=True,
                tokenize=False,
            )
            for request in requests
        ]
        batch = self.processor(text=texts, generation_mode="image", return_tensors="pt", padding=True)
        processors = LogitsProcessorList(
            [
                ClassifierFreeGuidanceLogitsProcessor(self.guidance_scale),
                _SeededSampler([request.seed for request in requests], self.temperature),
            ]
        )
        try:
            with torch.inference_mode():
                tokens = self.network.generate(
                    **batch.to(self.device),
                    generation_mode="image",
                    generation_config=self._generation_config(),
                    logits_processor=processors,
                )
                pixels = self.network.decode_image_tokens(tokens).permute(0, 3, 1, 2).float().cpu()
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"out of GPU memory on {self.device} drawing {len(requests)} image(s): lower --batch-size "
                f"(now {len(requests)}) or use dtype bfloat16"
            ) from None
        # the PIL image processor un-normalises channels-first arrays only
        images = self.processor.postprocess(
            list(pixels), return_tensors="PIL.Image.Image", input_data_format="channels_first"
        )["pixel_values"]
        return [image.convert("RGB") for image in images]

    def _generation_config(self) -> Any:
        """The checkpoint's generation config, decoding greedily over the seeded sampler's scores."""
        config = copy.deepcopy(self.network.generation_config)
        config.do_sample = False
        config.temperature = config.top_k = config.top_p = None
        config.guidance_scale = 1  # guidance is the first logits processor (generate's would come last)
        config.generation_kwargs = {"boi_token_id": self._begin_of_image}
        return config


class _SeededSampler:
    """A logits processor that samples each row with its own generator (module docstring, Seeds)."""

    def __init__(self, seeds: Sequence[int], temperature: float) -> None:
        import torch

        self.generators = [torch.Generator().manual_seed(seed) for seed in seeds]
        self.temperature = temperature

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        if self.temperature == 0:
            return scores
        uniform = torch.stack(
            [torch.rand(scores.shape[-1], generator=generator) for generator in self.generators]
        ).to(scores.device)
        gumbel = -torch.log(-torch.log(uniform.clamp(min=1e-20, max=1 - 1e-7)))
        return scores.float() / self.temperature + gumbel
