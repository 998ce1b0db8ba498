"""The records every room shares: interleaved steps, benchmark instances and model outputs.

Images are kept as the encoded bytes exactly as stored in the release. That keeps builds free
of re-encoding, makes content hashes (the verdict cache keys) stable, and defers decoding to
the one place that needs pixels (a judge or a plot).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image


@dataclass(frozen=True)
class Step:
    """One interleaved step: a text and at most one image (encoded bytes), in reading order."""

    text: str
    image: bytes | None = None

    def pil(self) -> Image.Image | None:
        """Decode the image; ``None`` when the step has none."""
        if self.image is None:
            return None
        with Image.open(io.BytesIO(self.image)) as img:
            img.load()
            return img

    def update_hash(self, digest: hashlib._Hash) -> None:
        """Feed this step into a running hash, with separators so steps cannot run together."""
        digest.update(b"T")
        digest.update(len(self.text.encode()).to_bytes(8, "big"))
        digest.update(self.text.encode())
        if self.image is None:
            digest.update(b"N")
        else:
            digest.update(b"I")
            digest.update(len(self.image).to_bytes(8, "big"))
            digest.update(self.image)


def content_hash(steps: Sequence[Step]) -> str:
    """A stable sha256 of an interleaved sequence (texts and image bytes, in order)."""
    digest = hashlib.sha256()
    digest.update(len(steps).to_bytes(8, "big"))
    for step in steps:
        step.update_hash(digest)
    return digest.hexdigest()


@dataclass(frozen=True)
class Instance:
    """One OpenING benchmark instance: the task context, the input steps and the gold answer."""

    total_uid: str
    meta_task_id: str
    meta_task_name: str
    subtask_id: str
    subtask_name: str
    data_id: str
    input_steps: tuple[Step, ...]
    output_steps: tuple[Step, ...]
    split: str = "test"


@dataclass(frozen=True)
class ModelOutput:
    """A model's interleaved answer to one instance."""

    total_uid: str
    model: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def content_hash(self) -> str:
        return content_hash(self.steps)
