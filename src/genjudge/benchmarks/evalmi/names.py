"""Image names of EvalMi-50K: ``<generator>/<n>.png``, ``n`` the 1-based prompt number.

The release pads ``n`` to three digits (``001.png`` ... ``999.png``) and, having 2,100 prompts,
writes ``1000.png`` ... ``2100.png`` with four; the MOS sheet sorts the names as strings within a
generator, so ``182.png`` sits between ``1819.png`` and ``1820.png``. Parsing accepts exactly the
canonical spelling, so ``1.png`` or ``0001.png`` cannot alias another image.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^(?P<generator>[^/\\]+)/(?P<number>[0-9]{3,})\.png$")


def image_name(generator: str, prompt_index: int) -> str:
    """The release's name for ``generator``'s image of prompt ``prompt_index`` (1-based)."""
    return f"{generator}/{prompt_index:03d}.png"


def parse_image_name(name: str) -> tuple[str, int]:
    """``(generator, prompt_index)`` of a canonical image name; ``ValueError`` says what is wrong."""
    match = _NAME.match(name)
    if match is None:
        raise ValueError(f"{name!r} is not an image name of the form <generator>/<NNN>.png")
    generator, number = match["generator"], int(match["number"])
    if number < 1 or image_name(generator, number) != name:
        raise ValueError(
            f"{name!r} is not canonical: prompt {number} is written {image_name(generator, number)!r}"
        )
    return generator, number


def normalise_image_path(path: str) -> str:
    """The ``<generator>/<NNN>.png`` tail of a path such as ``/data/AIGI2025/DALLE3/001.png``."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts[-2:])
