"""General-Bench's generation step: a model answers the release's open-set tasks, the answers are
scored task by task, and the result sheet is what the General-Level board takes.

``request.kind`` is the answering model's kind (``transformers`` or ``chat-endpoint``; its
questions carry the records' images). Options: ``bench`` (the released tree) and ``sota`` (the
reference sheet) are required, since no General-Bench release ships with genjudge; ``tasks``
(comma-separated task folders), ``max_images``, ``allow_missing`` (score tasks some of whose
answers were held back as unusable), ``clip_model``; and for the text-to-image tasks an optional
``image_model`` of kind ``image_kind`` with ``image.``-prefixed settings.
"""

from __future__ import annotations

from pathlib import Path

from genjudge.benchmarks.general_level.bench.evaluation import EvaluationOptions, evaluate_tree
from genjudge.benchmarks.general_level.bench.generation import answer_general_bench
from genjudge.benchmarks.general_level.bench.media_metrics import DEFAULT_CLIP_MODEL
from genjudge.benchmarks.general_level.bench.reference_sheet import ReferenceIndex, read_reference_sheet
from genjudge.benchmarks.general_level.bench.result_sheet import write_result_sheet
from genjudge.generation.factory import chat_plan, text_to_image_plan
from genjudge.generation.manifest import read_manifest
from genjudge.generation.options import OptionReader
from genjudge.generation.protocol import GenerationError
from genjudge.generation.ray_pool import built
from genjudge.generation.request import GeneratedOutputs, GenerationRequest


def generate(request: GenerationRequest) -> GeneratedOutputs:
    """Answer, score and write ``<out>/<Model>.xlsx`` (predictions under ``<out>/<Model>/``)."""
    options = OptionReader(request.options, context="general-level")
    bench, sota = options.text("bench"), options.text("sota")
    if not bench or not sota:
        raise GenerationError(
            "general-level: give --option bench=<the General-Bench release tree> and "
            "--option sota=<references/sota_result.xlsx of path2generalist/General-Level>"
        )
    tasks = options.listed("tasks") or None
    max_images = options.integer("max_images", 8, minimum=1) or 8
    allow_missing = options.flag("allow_missing")
    clip_model = options.text("clip_model", DEFAULT_CLIP_MODEL) or DEFAULT_CLIP_MODEL
    image_model = options.text("image_model")
    image_kind = options.text("image_kind", "diffusers") or "diffusers"
    build_images = (
        text_to_image_plan(image_kind, image_model, options.prefixed("image.")) if image_model else None
    )
    build_answerer = chat_plan(request.kind, request.model, options, revision=request.revision, images=True)
    options.refuse_unread()
    reference = read_reference_sheet(Path(sota))
    predictions = request.out_dir / request.model_name
    run = answer_general_bench(
        bench,
        built(build_answerer, request.ray),
        predictions,
        image_generator=built(build_images, request.ray) if build_images else None,
        reference=ReferenceIndex(reference),
        tasks=tasks,
        batch_size=request.batch_size,
        max_images=max_images,
        seed=request.seed,
        start_over=request.start_over,
        progress=request.progress,
    )
    scores = evaluate_tree(
        bench,
        predictions,
        ReferenceIndex(reference),
        EvaluationOptions(clip_model=clip_model, allow_missing=allow_missing),
    )
    sheet = write_result_sheet(
        scores, reference, request.model_name, request.out_dir / f"{request.model_name}.xlsx"
    )
    return GeneratedOutputs(sheet, run, read_manifest(predictions) or {})
