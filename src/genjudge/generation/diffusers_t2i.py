"""Any diffusers text-to-image pipeline, by Hub id or local folder, as a :class:`TextToImageGenerator`.

Loading follows the rules public leaderboards apply to submitted models: weights from safetensors
only (``use_safetensors=True``), and no code from the model repository — a ``model_index.json`` that
names a custom pipeline class or a component from a library other than diffusers/transformers, or
Python files in the folder, are refused before anything is loaded. ``AutoPipelineForText2Image``
picks the text-to-image pipeline of the checkpoint; a pipeline it does not map (a newer or rarer
one) is loaded with ``DiffusionPipeline`` and kept if its ``__call__`` takes a prompt.

Seeds: every prompt gets its own ``torch.Generator`` seeded with the request's seed, on the CPU,
so an image depends on its prompt and seed only — not on the batch it was drawn in, nor on the
GPU's random number generator.

What needs a person is said in words: a Hub model missing offline (what to download and how to
point at the local copy), a pipeline that is not text-to-image, running out of GPU memory (which
setting to lower).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from genjudge.generation.model_source import REMOTE_CODE, locate_model, refuse_pickle_only, refuse_scripts
from genjudge.generation.protocol import Failed, GenerationError, ImageRequest
from genjudge.generation.transformers_weights import check_placement

_CODE_LIBRARIES = frozenset({"diffusers", "transformers"})
_RESERVED = frozenset({"prompt", "generator", "output_type", "num_images_per_prompt", "return_dict"})
"""Call arguments the adapter sets itself: one image per prompt, its own generators, PIL output."""


class DiffusersTextToImage:
    """A diffusers pipeline drawing one image per request (module docstring).

    Args:
        model: a Hub id (``stabilityai/sdxl-turbo``) or a local folder saved with ``save_pretrained``.
        revision: branch, tag or commit on the Hub (resolved to the commit and recorded).
        device: ``cpu``, ``cuda``, ``cuda:1``…
        dtype: ``auto`` is float16 on a GPU and float32 on the CPU.
        num_inference_steps, guidance_scale, height, width, negative_prompt: the sampling settings;
            ``None`` keeps the pipeline's default, which is recorded as the number it is.
        call_options: further keyword arguments of the pipeline's ``__call__`` (JSON values).
    """

    def __init__(
        self,
        model: str | Path,
        *,
        revision: str | None = None,
        device: str = "cpu",
        dtype: str = "auto",
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
        height: int | None = None,
        width: int | None = None,
        negative_prompt: str | None = None,
        call_options: Mapping[str, Any] | None = None,
    ) -> None:
        import torch

        check_placement(dtype, device)
        resolved = (
            "float16" if dtype == "auto" and device != "cpu" else "float32" if dtype == "auto" else dtype
        )
        folder, source = locate_model(str(model), revision, "model_index.json", "a diffusers pipeline")
        _refuse_remote_code(folder, str(model))
        self.pipeline = _load(
            str(model) if source.get("revision") else folder, source, getattr(torch, resolved)
        )
        try:
            self.pipeline.to(device)
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"{model} does not fit in the memory of {device}; use --dtype float16 or a smaller model"
            ) from None
        self.pipeline.set_progress_bar_config(disable=True)
        self.device = device
        self._parameters = inspect.signature(self.pipeline.__call__).parameters
        self._call = self._sampling(
            {
                "num_inference_steps": num_inference_steps,
                "guidance_scale": guidance_scale,
                "height": height,
                "width": width,
                "negative_prompt": negative_prompt,
                **dict(call_options or {}),
            }
        )
        self._settings = {
            **source,
            "pipeline": type(self.pipeline).__name__,
            "dtype": resolved,
            "device": device,
            "seed_generator": "torch.Generator('cpu') per prompt",
            "diffusers_version": _diffusers_version(),
            "sampling": self._call,
        }

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image | Failed]:
        import torch

        if not requests:
            return []
        generators = [torch.Generator("cpu").manual_seed(request.seed) for request in requests]
        call = {key: value for key, value in self._call.items() if value is not None}
        if "negative_prompt" in call:
            call["negative_prompt"] = [call["negative_prompt"]] * len(requests)
        try:
            output = self.pipeline(
                prompt=[request.prompt for request in requests],
                generator=generators,
                output_type="pil",
                **call,
            )
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"out of GPU memory on {self.device} drawing {len(requests)} image(s) of "
                f"{self._call.get('width')}x{self._call.get('height')}: lower --batch-size "
                f"(now {len(requests)}), then the resolution (--width/--height), or use --dtype float16"
            ) from None
        images = list(output.images)
        if len(images) != len(requests):
            raise GenerationError(
                f"{self._settings['pipeline']} returned {len(images)} images for {len(requests)} prompts"
            )
        flagged = getattr(output, "nsfw_content_detected", None) or [False] * len(images)
        return [
            Failed("the pipeline's safety checker blanked this image") if nsfw else image
            for image, nsfw in zip(images, flagged, strict=True)
        ]

    def _sampling(self, asked: dict[str, Any]) -> dict[str, Any]:
        """The sampling settings as the pipeline will use them: names checked, defaults filled in.

        A setting left at ``None`` that this pipeline does not have is dropped (a pipeline without
        guidance has nothing to record); one given a value is an error naming what it does take.
        """
        settings = {
            name: value for name, value in asked.items() if value is not None or name in self._parameters
        }
        wrong = sorted((set(settings) - set(self._parameters)) | (_RESERVED & set(settings)))
        if wrong:
            accepted = sorted(set(self._parameters) - _RESERVED - {"self", "kwargs"})
            raise GenerationError(
                f"{type(self.pipeline).__name__} does not take {', '.join(wrong)} as a setting; "
                f"it takes: {', '.join(accepted)}"
            )
        for name in ("num_inference_steps", "guidance_scale"):
            if settings.get(name) is None and name in settings:
                default = self._parameters[name].default
                settings[name] = None if default is inspect.Parameter.empty else default
        for name in ("height", "width"):
            if settings.get(name) is None and name in settings:
                settings[name] = _default_side(self.pipeline)
        return settings


def _diffusers_version() -> str:
    import diffusers

    return diffusers.__version__


def _default_side(pipeline: Any) -> int | None:
    """The image side a pipeline draws when none is asked for (UNet sample size x VAE factor)."""
    size, factor = getattr(pipeline, "default_sample_size", None), getattr(pipeline, "vae_scale_factor", None)
    if size is None:
        unet = getattr(pipeline, "unet", None)
        size = getattr(getattr(unet, "config", None), "sample_size", None)
    return size * factor if isinstance(size, int) and isinstance(factor, int) else None


def _refuse_remote_code(folder: Path, model: str) -> None:
    """Refuse a pipeline that would run code from its repository, or ship only pickle weights."""
    try:
        index = json.loads((folder / "model_index.json").read_text())
    except (OSError, ValueError) as exc:
        raise GenerationError(f"{model}: model_index.json cannot be read: {exc}") from None
    if not isinstance(index, dict) or not isinstance(index.get("_class_name"), str):
        raise GenerationError(
            f"{model} names a custom pipeline class in model_index.json ({index.get('_class_name')!r}); "
            f"{REMOTE_CODE}"
        )
    for component, entry in index.items():
        if component.startswith("_") or not isinstance(entry, list) or entry[:1] == [None]:
            continue
        if entry[0] not in _CODE_LIBRARIES:
            raise GenerationError(
                f"{model}: component {component!r} comes from {entry[0]!r}, not diffusers or transformers; "
                f"{REMOTE_CODE}"
            )
    refuse_scripts(
        model, (p.relative_to(folder).as_posix() for p in folder.glob("**/*.py") if ".cache" not in p.parts)
    )
    for part in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        refuse_pickle_only(model, f"{part.name}/", [p.name for p in part.iterdir() if p.is_file()])


def _load(where: str | Path, source: Mapping[str, Any], dtype: Any) -> Any:
    """``AutoPipelineForText2Image``, else ``DiffusionPipeline``; safetensors only, no remote code."""
    from diffusers import AutoPipelineForText2Image, DiffusionPipeline

    options = {
        "use_safetensors": True,
        "trust_remote_code": False,
        "dtype": dtype,
        **({"revision": source["revision"]} if "revision" in source else {}),
    }
    try:
        try:
            pipeline = AutoPipelineForText2Image.from_pretrained(where, **options)
        except ValueError as exc:
            if "AutoPipeline can't find" not in str(exc):
                raise
            pipeline = DiffusionPipeline.from_pretrained(where, **options)
    except (OSError, ValueError, TypeError) as exc:
        raise GenerationError(f"cannot load {source['model']} as a diffusers pipeline: {exc}") from None
    call = inspect.signature(pipeline.__call__).parameters
    required = [
        name
        for name, parameter in call.items()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
    ]
    if "prompt" not in call or required:
        raise GenerationError(
            f"{source['model']} loads as {type(pipeline).__name__}, which is not a text-to-image pipeline "
            f"(it {'takes no prompt' if 'prompt' not in call else 'needs ' + ', '.join(required)})"
        )
    return pipeline
