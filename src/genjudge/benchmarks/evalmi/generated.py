"""A text-to-image model's generations for the EvalMi-50K prompts: one folder, ``<NNN>.png`` per
prompt (the release's own naming: 3 digits, 4 from 1000), checked before anything is scored.

What the scoring judge is asked about each image: the prompt (correspondence) and, for QA, every
yes/no question of that prompt — one row per (image, question).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from genjudge.benchmarks.evalmi.images import read_checked_image
from genjudge.benchmarks.evalmi.release import Prompt
from genjudge.safe_io.located_error import FormatError

_NAME = re.compile(r"^(?P<number>\d{3,4})\.png$")


@dataclass(frozen=True)
class GeneratedImage:
    """One generated image with the prompt it answers."""

    name: str
    prompt: Prompt
    data: bytes


def read_generations(
    folder: Path, prompts: Sequence[Prompt], *, allow_partial: bool = False
) -> list[GeneratedImage]:
    """The images in ``folder`` for ``prompts``, in prompt order.

    Refused, naming the file: a name that is not ``<NNN>.png`` of an existing prompt (also
    ``1.png`` or ``0001.png``: the release pads to 3 digits), an image Pillow cannot read or above
    the pixel limit; and, unless ``allow_partial``, any prompt without its image.
    """
    if not folder.is_dir():
        raise FormatError("is not a folder of generated images", file=folder)
    by_index = {prompt.index: prompt for prompt in prompts}
    found: dict[int, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        match = _NAME.match(path.name)
        index = int(match["number"]) if match else None
        if index is None or f"{index:03d}.png" != path.name or index not in by_index:
            raise FormatError(
                "is not the image of a benchmark prompt: expected <NNN>.png for a prompt "
                f"001-{len(prompts):03d}",
                file=path.name,
            )
        found[index] = path
    missing = [index for index in by_index if index not in found]
    if missing and not allow_partial:
        shown = ", ".join(f"{i:03d}.png" for i in missing[:5]) + (" …" if len(missing) > 5 else "")
        raise FormatError(
            f"{len(missing)} of {len(prompts)} prompts have no image ({shown}); generate them, or pass "
            "--allow-partial to score the others",
            file=folder,
        )
    if not found:
        raise FormatError("holds no generated image", file=folder)
    return [
        GeneratedImage(path.name, by_index[index], read_checked_image(path))
        for index, path in sorted(found.items())
    ]
