"""How a General-Bench record looks as a ``datasets`` row.

``input`` and ``output`` differ from task to task (an audio file and a prompt, a table, a list of
boxes, a folder of frames), so they are kept as the JSON text of the release; one fixed schema then
serves all 699 tasks and every config. Media are embedded as stored, byte for byte: images through
``datasets.Image`` (they decode to PIL with what ``datasets`` already needs), everything else
(audio, video, 3D, other) as raw bytes with the file's name. ``datasets.Audio`` and ``Video``
would decode only with extra packages (torchcodec and FFmpeg), which would make a plain
``load_dataset`` fail for anyone without them; raw bytes load everywhere and decode with any library.
"""

from __future__ import annotations

import json
from typing import Any

from datasets import Features, Image, List, Value

FILE = {"path": Value("string"), "kind": Value("string"), "bytes": Value("binary")}
"""A non-image media file: its path inside the task folder, ``audio``/``video``/``3d``/``other``, bytes."""

FEATURES = Features(
    {
        "id": Value("string"),
        "task": Value("string"),
        "task_folder": Value("string"),
        "type": Value("string"),
        "sheet": Value("string"),
        "task_short_name": Value("string"),
        "metric": Value("string"),
        "sota": Value("float64"),
        "input": Value("string"),
        "output": Value("string"),
        "input_images": List(Image()),
        "input_files": List(FILE),
        "output_images": List(Image()),
        "output_files": List(FILE),
    }
)


def to_json(value: Any) -> str | None:
    """The JSON text of an ``input``/``output`` value (None stays None: the close set has no outputs)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)
