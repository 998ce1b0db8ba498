"""Generators by kind, built from a model id and ``--option`` settings, in two steps.

A benchmark's generation step may need several models (OpenING's pipelines: a chat model and a
text-to-image model). Each ``*_plan`` function reads and checks its settings and returns a builder
that loads nothing yet; the caller reads its own settings, calls ``OptionReader.refuse_unread()``,
and only then builds, so a misspelt option is refused before any weights load.

Kinds:

- ``diffusers``: a diffusers text-to-image pipeline, by Hub id or local folder;
- ``images-endpoint``: OpenAI-compatible ``/v1/images/generations`` servers (the endpoint pool);
- ``janus``: a Janus unified model drawing through transformers (``generation_mode="image"``);
- ``transformers``: a chat or vision-language model run locally through transformers;
- ``chat-endpoint``: OpenAI-compatible ``/v1/chat/completions`` servers (vLLM, SGLang, TGI, an API).
"""

from __future__ import annotations

from collections.abc import Callable

from genjudge.generation.options import OptionReader
from genjudge.generation.protocol import ChatGenerator, GenerationError, TextToImageGenerator

TEXT_TO_IMAGE_KINDS = ("diffusers", "images-endpoint", "janus")
CHAT_KINDS = ("transformers", "chat-endpoint")


def _endpoints(options: OptionReader, kind: str) -> list[str]:
    endpoints = options.listed("endpoint")
    if not endpoints:
        raise GenerationError(
            f"{options.context}: the {kind} kind needs --option endpoint=URL[,URL…] (an "
            "OpenAI-compatible server's base URL, e.g. http://localhost:8000/v1)"
        )
    return endpoints


def text_to_image_plan(
    kind: str, model: str, options: OptionReader, *, revision: str | None = None
) -> Callable[[], TextToImageGenerator]:
    """The settings of a text-to-image generator of ``kind``, read now; the generator, built later."""
    if kind == "diffusers":
        settings = {
            "revision": options.text("revision", revision),
            "device": options.text("device", "cpu"),
            "dtype": options.text("dtype", "auto"),
            "num_inference_steps": options.integer("steps", minimum=1),
            "guidance_scale": options.number("guidance"),
            "height": options.integer("height", minimum=8),
            "width": options.integer("width", minimum=8),
            "negative_prompt": options.text("negative_prompt"),
        }

        def diffusers() -> TextToImageGenerator:
            from genjudge.generation.diffusers_t2i import DiffusersTextToImage

            return DiffusersTextToImage(model, **settings)

        return diffusers
    if kind == "images-endpoint":
        endpoints = _endpoints(options, kind)
        settings = {
            "size": options.text("size", "1024x1024"),
            "api_key_env": options.text("api_key_env", "OPENAI_API_KEY"),
            "max_concurrency": options.integer("max_concurrency", 4, minimum=1),
            "timeout": options.number("timeout", 180.0),
            "deadline": options.number("deadline", 300.0),
            "send_seed": options.flag("send_seed"),
        }

        def images_endpoint() -> TextToImageGenerator:
            from genjudge.generation.images_endpoint import OpenAIImages

            return OpenAIImages(base_urls=endpoints, model=model, **settings)

        return images_endpoint
    if kind == "janus":
        settings = {
            "revision": options.text("revision", revision),
            "device": options.text("device", "cpu"),
            "dtype": options.text("dtype", "auto"),
            "guidance_scale": options.number("guidance", 5.0),
            "temperature": options.number("temperature", 1.0),
        }

        def janus() -> TextToImageGenerator:
            from genjudge.generation.janus_t2i import JanusTextToImage

            return JanusTextToImage(model, **settings)

        return janus
    raise GenerationError(f"unknown text-to-image kind {kind!r}; known: {', '.join(TEXT_TO_IMAGE_KINDS)}")


def chat_plan(
    kind: str, model: str, options: OptionReader, *, revision: str | None = None, images: bool = False
) -> Callable[[], ChatGenerator]:
    """The settings of a chat generator of ``kind``, read now; the generator, built later.
    ``images``: the conversations carry images the model must see and are scored as answered
    (General-Bench's questions: an empty answer is kept, short answers by default); otherwise an
    empty answer fails its item so a rerun asks again (OpenING's pipelines)."""
    empty_answers = "keep" if images else "fail"
    if kind == "transformers":
        settings = {
            "revision": options.text("revision", revision),
            "device": options.text("device", "cpu"),
            "dtype": options.text("dtype", "auto"),
            "max_new_tokens": options.integer("max_new_tokens", 256 if images else 1024, minimum=1),
            "do_sample": options.flag("do_sample"),
            "temperature": options.number("temperature"),
            "top_p": options.number("top_p"),
        }

        def transformers() -> ChatGenerator:
            from genjudge.generation.transformers_chat import TransformersChat

            return TransformersChat(model, empty_answers=empty_answers, **settings)

        return transformers
    if kind == "chat-endpoint":
        endpoints = _endpoints(options, kind)
        sampling = {
            "max_tokens": options.integer("max_tokens", 256 if images else None, minimum=1),
            "temperature": options.number("temperature", 0.0 if images else None),
        }
        settings = {
            "api_key_env": options.text("api_key_env", "OPENAI_API_KEY"),
            "max_concurrency": options.integer("max_concurrency", 4, minimum=1),
            "timeout": options.number("timeout", 300.0),
        }

        def chat_endpoint() -> ChatGenerator:
            from genjudge.generation.openai_chat import OpenAIChat

            return OpenAIChat(
                base_urls=endpoints,
                model=model,
                options={key: value for key, value in sampling.items() if value is not None},
                empty_answers=empty_answers,
                **settings,
            )

        return chat_endpoint
    raise GenerationError(f"unknown chat kind {kind!r}; known: {', '.join(CHAT_KINDS)}")
