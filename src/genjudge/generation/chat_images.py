"""Chat messages that carry images, as the multimodal answerers take them.

A conversation is a list of OpenAI-style messages (:data:`~genjudge.generation.protocol.ChatMessage`)
whose ``content`` is a string or a list of parts, where an image part is written the way
transformers chat templates write it: ``{"type": "image", "image": <encoded bytes or PIL image>}``.
Each backend then turns the parts into what it needs — the transformers answerer into a chat-template
text with image slots plus the images in order, the endpoint answerer into ``image_url`` parts with
data URLs — so a benchmark builds its questions once, whatever answers them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image

from genjudge.generation.protocol import ChatMessage, GenerationError

ROLES = frozenset({"system", "user", "assistant"})


def image_part(image: bytes | Image.Image) -> dict[str, Any]:
    """The content part that places one image in a message."""
    return {"type": "image", "image": image}


def text_part(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def parts_of(message: ChatMessage) -> list[dict[str, Any]]:
    """A message's content as a list of text and image parts, checked (string content is one text part)."""
    role, content = message.get("role"), message.get("content")
    if role not in ROLES:
        raise GenerationError(f"a chat message has role {role!r}; expected one of {', '.join(sorted(ROLES))}")
    if isinstance(content, str):
        return [text_part(content)]
    if not isinstance(content, list):
        raise GenerationError(f"a {role} message's content must be text or a list of parts, not {content!r}")
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            continue
        if kind == "image" and isinstance(part.get("image"), bytes | Image.Image):
            continue
        raise GenerationError(
            f"a {role} message has the part {_short(part)}; expected {{'type': 'text', 'text': str}} "
            "or {'type': 'image', 'image': <image bytes or PIL image>}"
        )
    return list(content)


def images_of(conversation: Sequence[ChatMessage]) -> list[Image.Image]:
    """The conversation's images as RGB PIL images, in the order they appear (the processor's order)."""
    return [
        as_pil(part["image"])
        for message in conversation
        for part in parts_of(message)
        if part["type"] == "image"
    ]


def template_messages(conversation: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """The messages for ``apply_chat_template``: each image part reduced to ``{"type": "image"}``."""
    return [
        {
            "role": message["role"],
            "content": [{"type": "image"} if part["type"] == "image" else part for part in parts_of(message)],
        }
        for message in conversation
    ]


def as_pil(image: bytes | Image.Image) -> Image.Image:
    if isinstance(image, Image.Image):
        return image.convert("RGB")
    try:
        with Image.open(io.BytesIO(image)) as opened:
            return opened.convert("RGB")
    except (OSError, Image.DecompressionBombError) as exc:
        raise ValueError(f"an image of the conversation cannot be decoded: {exc}") from None


def as_bytes(image: bytes | Image.Image) -> bytes:
    """Encoded image bytes (a PIL image is written as PNG)."""
    if isinstance(image, bytes):
        return image
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
