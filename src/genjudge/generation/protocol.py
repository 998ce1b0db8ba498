"""What every generator implements, and how an item it failed to make is reported.

Two kinds of model feed the benchmarks: text-to-image models (EvalMi-50K, General-Bench image
tasks, the image half of an interleaved pipeline) and chat models (the text half of an interleaved
pipeline, General-Bench comprehension). Each adapter (diffusers, an OpenAI-compatible endpoint, …)
implements one small protocol, so batching, resuming, atomic writing and the run manifest are
written once, around the protocol, never inside an adapter.

Failures come in two kinds, and the protocol keeps them apart:

* :class:`Failed` — *this item* could not be made (a refused prompt, a blacked-out image, a request
  that kept failing). It takes the item's place in the returned list; the run records it, goes on,
  and reports the count, so an output set is never silently shorter.
* :class:`GenerationError` — *the setup* is wrong (unknown pipeline, weights missing offline, out of
  GPU memory, a bad key). Every other item would fail the same way, so the run stops and the
  message says what to change. Front ends catch this one type to print it instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from PIL import Image

__all__ = [
    "ChatGenerator",
    "ChatMessage",
    "EmptyAnswers",
    "Failed",
    "GenerationError",
    "ImageRequest",
    "ItemFailure",
    "TextToImageGenerator",
]


class GenerationError(RuntimeError):
    """A generator cannot run as configured; the message says what to change."""


@dataclass(frozen=True)
class Failed:
    """In place of an output: the model did not make this item, and why."""

    reason: str


@dataclass(frozen=True)
class ItemFailure:
    """An item a run could not make, as recorded beside the outputs and reported at the end."""

    key: str
    """The item's name in the run (for EvalMi-50K the image name, e.g. ``007``)."""
    reason: str


@dataclass(frozen=True)
class ImageRequest:
    """One image to draw: the prompt and the seed that makes it reproducible."""

    prompt: str
    seed: int


ChatMessage = Mapping[str, Any]
"""An OpenAI-style chat message: ``{"role": "user", "content": "..."}`` (content may be a parts list)."""

EmptyAnswers = Literal["fail", "keep"]
"""What a chat generator makes of an empty answer: a :class:`Failed` item, retried by the next run
(OpenING: the official scripts re-ask until the model answers), or the model's answer, scored as
it is (General-Bench: an empty answer is a wrong one)."""


@runtime_checkable
class TextToImageGenerator(Protocol):
    """Draws one image per request, in order.

    ``generate`` returns exactly one entry per request: the image, or :class:`Failed` for a request
    the model could not fulfil. It raises :class:`GenerationError` only for faults of the setup.
    ``settings`` is everything that decides the pictures besides prompt and seed (model id and
    resolved revision, pipeline class, dtype, steps, guidance, size…); it goes into the run manifest.
    """

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image | Failed]: ...

    def settings(self) -> dict[str, Any]: ...


@runtime_checkable
class ChatGenerator(Protocol):
    """Answers one conversation per call with text; same failure rules as :class:`TextToImageGenerator`."""

    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]: ...

    def settings(self) -> dict[str, Any]: ...
