"""Chat messages that carry images, as every chat generator takes them.

A conversation is a list of OpenAI-style messages (:data:`~genjudge.generation.protocol.ChatMessage`)
whose ``content`` is a string or a list of parts. An image is placed in one of two ways:

* ``{"type": "image", "image": <encoded bytes or PIL image>}``, the way transformers chat templates
  write it (General-Bench builds its questions so);
* ``{"type": "image_url", "image_url": {"url": "data:image/...;base64,..."}}``, the way the
  chat-completions API writes it (OpenING's pipeline recipe sends the release's image bytes so,
  exactly as the official scripts did).

Each backend then turns the parts into what it needs — a transformers model into a chat-template
text with image slots plus the images in order, an endpoint into ``image_url`` parts — so a
benchmark builds its questions once, whatever answers them.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Sequence
from typing import Any

from PIL import Image

from genjudge.generation.protocol import ChatMessage, GenerationError

ROLES = frozenset({"system", "user", "assistant"})
IMAGE_KINDS = frozenset({"image", "image_url"})


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
        if kind == "image_url" and isinstance((part.get("image_url") or {}).get("url"), str):
            continue
        raise GenerationError(
            f"a {role} message has the part {_short(part)}; expected {{'type': 'text', 'text': str}}, "
            "{'type': 'image', 'image': <image bytes or PIL image>} or "
            "{'type': 'image_url', 'image_url': {'url': <data URL>}}"
        )
    return list(content)


def image_of(part: dict[str, Any]) -> bytes | Image.Image:
    """The picture of an image part: as given, or decoded from its data URL.

    A local model cannot follow a link, so an ``image_url`` part must hold the image itself.
    """
    if part["type"] == "image":
        return part["image"]
    url = part["image_url"]["url"]
    if not url.startswith("data:") or ";base64," not in url:
        raise GenerationError(f"a local model is shown images as base64 data URLs only, not {_short(url)}")
    try:
        return base64.b64decode(url.split(";base64,", 1)[1], validate=True)
    except binascii.Error as exc:
        raise ValueError(f"an image data URL is not valid base64: {exc}") from None


def images_of(conversation: Sequence[ChatMessage]) -> list[bytes | Image.Image]:
    """The conversation's pictures in the order they appear (the processor's order)."""
    return [
        image_of(part)
        for message in conversation
        for part in parts_of(message)
        if part["type"] in IMAGE_KINDS
    ]


def template_messages(conversation: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """The messages for ``apply_chat_template``: each image part reduced to ``{"type": "image"}``."""
    return [
        {
            "role": message["role"],
            "content": [
                {"type": "image"} if part["type"] in IMAGE_KINDS else part for part in parts_of(message)
            ],
        }
        for message in conversation
    ]


def text_messages(conversation: Sequence[ChatMessage]) -> list[dict[str, str]]:
    """The messages for a text-only model: each message's texts joined by newlines, images left out."""
    return [
        {
            "role": message["role"],
            "content": "\n".join(part["text"] for part in parts_of(message) if part["type"] == "text"),
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
