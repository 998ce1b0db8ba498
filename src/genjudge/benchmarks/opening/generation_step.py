"""OpenING's generation step: a chat model and a text-to-image model answer a split as the official
pipelines do (:mod:`genjudge.benchmarks.opening.generation`), into ``<out>/<Model>_output/``.

``request.kind`` is the chat model's kind (``chat-endpoint`` or ``transformers``) and its settings
are the plain options; the image model is ``image_model`` with kind ``image_kind`` (``diffusers`` or
``images-endpoint``) and its settings prefixed ``image.`` (``image.steps=30``,
``image.endpoint=http://…``). The benchmark's own options: ``source`` (the release folder, default
the bundled sample), ``split``, ``recipe`` (``gpt-dalle`` or ``gemini-flux``) and ``rag`` (the gold
answer in the prompt, as the official ``*-RAG.py`` scripts).
"""

from __future__ import annotations

from pathlib import Path

from genjudge.benchmarks.opening.generation import (
    PipelineGenerator,
    generate_opening,
    output_folder,
    state_folder,
)
from genjudge.benchmarks.opening.release import read_benchmark
from genjudge.benchmarks.opening.sample import sample_dir
from genjudge.generation.factory import chat_plan, text_to_image_plan
from genjudge.generation.manifest import read_manifest
from genjudge.generation.options import OptionReader
from genjudge.generation.protocol import GenerationError
from genjudge.generation.ray_pool import built
from genjudge.generation.request import GeneratedOutputs, GenerationRequest


def generate(request: GenerationRequest) -> GeneratedOutputs:
    """Answer the split's instances (the first ``request.limit`` of them, if given)."""
    options = OptionReader(request.options, context="opening")
    source = options.text("source")
    split = options.text("split", "test") or "test"
    recipe = options.text("recipe", "gpt-dalle") or "gpt-dalle"
    rag = options.flag("rag")
    image_model = options.text("image_model")
    image_kind = options.text("image_kind", "diffusers") or "diffusers"
    if not image_model:
        raise GenerationError(
            "opening: the pipeline draws its images with a second model: give --option image_model=<Hub id, "
            "folder or served name> (and image_kind=diffusers|images-endpoint)"
        )
    build_images = text_to_image_plan(image_kind, image_model, options.prefixed("image."))
    build_chat = chat_plan(request.kind, request.model, options, revision=request.revision)
    options.refuse_unread()
    folder = Path(source) if source else sample_dir() / "OpenING-benchmark"
    instances = read_benchmark(folder, split, allow_missing_images=True)
    if request.limit is not None:
        instances = instances[: request.limit]
    report = generate_opening(
        instances,
        PipelineGenerator(build_chat(), built(build_images, request.ray), recipe=recipe),
        request.out_dir,
        request.model_name,
        rag=rag,
        seed=request.seed,
        batch_size=request.batch_size,
        start_over=request.start_over,
        progress=request.progress,
    )
    manifest = read_manifest(state_folder(request.out_dir, request.model_name)) or {}
    return GeneratedOutputs(output_folder(request.out_dir, request.model_name), report, manifest)
