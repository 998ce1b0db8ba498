"""A text-to-image model's images for a list of numbered prompts, in the EvalMi-50K release layout.

::

    <out>/<Model>/001.png … 999.png, 1000.png …     one image per prompt, named as the release names them
    <out>/<Model>/.genjudge-manifest.json           what made them (model, revision, settings, seeds)
    <out>/<Model>/.genjudge-failures.jsonl          the prompts the last run could not draw, and why

This is exactly what ``genjudge evalmi score`` and the EvalMi-50K models board read
(:func:`genjudge.benchmarks.evalmi.generated.read_generations`, which skips the dotfiles). Prompt
``i`` is drawn with seed ``seed + i``, so every image is reproducible on its own and a run over a
subset of the prompts agrees with the full run on the images they share.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from genjudge.benchmarks.evalmi.names import image_name
from genjudge.generation.manifest import RunManifest, claim_folder
from genjudge.generation.protocol import GenerationError, ImageRequest, TextToImageGenerator
from genjudge.generation.resumable import FAILURES_NAME, RunReport, WorkItem, run_items

SEED_RULE = "prompt i is drawn with seed + i"
TASK = "text-to-image, EvalMi-50K layout"


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_items(
    prompts: Sequence[tuple[int, str]], folder: Path, model_name: str, seed: int
) -> list[WorkItem]:
    """One work item per ``(index, prompt)``: the release's file name and the prompt's seed."""
    items = []
    for index, prompt in prompts:
        if not isinstance(index, int) or index < 1:
            raise GenerationError(f"prompt numbers start at 1; got {index!r} for {prompt!r}")
        if not isinstance(prompt, str) or not prompt.strip():
            raise GenerationError(f"prompt {index} is empty")
        name = Path(image_name(model_name, index)).name
        items.append(WorkItem(name.removesuffix(".png"), folder / name, ImageRequest(prompt, seed + index)))
    return items


def check_model_name(model_name: str) -> str:
    """The model's folder name: one plain path component, as the release's generator folders are."""
    if (
        not model_name
        or model_name != Path(model_name).name
        or model_name.startswith(".")
        or "\\" in model_name
    ):
        raise GenerationError(
            f"the model name {model_name!r} must be a plain folder name (no '/', '\\' or leading '.'), "
            "for example SDXL-Turbo"
        )
    return model_name


def generate_images(
    generator: TextToImageGenerator,
    prompts: Sequence[tuple[int, str]],
    out: Path,
    model_name: str,
    *,
    seed: int = 0,
    batch_size: int = 1,
    item_deadline: float | None = None,
    prompt_template_version: str | None = None,
    start_over: bool = False,
    progress: bool = True,
) -> RunReport:
    """Draw every prompt whose image is missing from ``out/<model_name>/`` (module docstring).

    A folder holding another run's images (a different manifest) is refused unless ``start_over``,
    which first deletes every ``<NNN>.png`` in it (also of prompts not in this run, so no image of
    the old run stays under the new manifest) and then makes every image again.
    """
    folder = Path(out) / check_model_name(model_name)
    items = image_items(prompts, folder, model_name, seed)
    images = sorted(folder.glob("[0-9]*.png")) if folder.is_dir() else []
    if start_over:
        for path in images:  # before the new manifest is written, so old and new never mix
            path.unlink()
        images = []
    manifest = RunManifest(
        task=TASK,
        generator=generator.settings(),
        seed=seed,
        seed_rule=SEED_RULE,
        prompt_template_version=prompt_template_version,
    )
    claim_folder(folder, manifest, existing_outputs=len(images), start_over=start_over)
    return run_items(
        items,
        generator.generate,
        encode_png,
        batch_size=batch_size,
        item_deadline=item_deadline,
        failures_log=folder / FAILURES_NAME,
        progress=progress,
        desc=f"drawing {model_name}",
    )
