"""Text-to-image generators by kind, built from a model id and ``--option`` settings.

``diffusers``: any diffusers text-to-image pipeline, by Hub id or local folder
(:class:`~genjudge.generation.diffusers_t2i.DiffusersTextToImage`). ``images-endpoint``: an
OpenAI-compatible ``/v1/images/generations`` server, or several behind the endpoint pool
(:class:`~genjudge.generation.images_endpoint.OpenAIImages`). A benchmark that draws images
(EvalMi-50K, General-Bench's generation tasks, OpenING's pipelines) builds its generator here, so
each kind is configured one way everywhere.
"""

from __future__ import annotations

from genjudge.generation.options import OptionReader
from genjudge.generation.protocol import GenerationError, TextToImageGenerator

TEXT_TO_IMAGE_KINDS = ("diffusers", "images-endpoint")
KIND_HELP = {
    "diffusers": "options: revision, device, dtype, steps, guidance, height, width, negative_prompt",
    "images-endpoint": "options: endpoint (comma-separated URLs), size, api_key_env, max_concurrency, "
    "timeout, send_seed",
}


def text_to_image_generator(
    kind: str, model: str, options: OptionReader, *, revision: str | None = None
) -> TextToImageGenerator:
    """The generator of ``kind`` for ``model``; reads its settings from ``options`` and refuses any
    option nobody read, before anything loads (so the caller reads its own options first)."""
    if kind == "diffusers":
        from genjudge.generation.diffusers_t2i import DiffusersTextToImage

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
        options.refuse_unread()  # before any weights load
        return DiffusersTextToImage(model, **settings)
    if kind == "images-endpoint":
        from genjudge.generation.images_endpoint import OpenAIImages

        endpoints = options.listed("endpoint")
        if not endpoints:
            raise GenerationError(
                f"{options.context}: the images-endpoint kind needs --option endpoint=URL[,URL…] "
                "(an OpenAI-compatible server's base URL, e.g. http://localhost:8000/v1)"
            )
        settings = {
            "size": options.text("size", "1024x1024"),
            "api_key_env": options.text("api_key_env", "OPENAI_API_KEY"),
            "max_concurrency": options.integer("max_concurrency", 4, minimum=1),
            "timeout": options.number("timeout", 180.0),
            "send_seed": options.flag("send_seed"),
        }
        options.refuse_unread()
        return OpenAIImages(base_urls=endpoints, model=model, **settings)
    raise GenerationError(f"unknown text-to-image kind {kind!r}; known: {', '.join(TEXT_TO_IMAGE_KINDS)}")
