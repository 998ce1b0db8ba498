"""EvalMi-50K's generation step: a text-to-image model draws every prompt of the release.

The images land in the release's own layout (``<out>/<Model>/<NNN>.png``), which the EvalMi-50K
models board scores with LMM4LMM; the options are the release folder (``bench``, default the
bundled sample) and the generator's own settings (:mod:`genjudge.generation.factory`).
"""

from __future__ import annotations

from pathlib import Path

from genjudge.benchmarks.evalmi.release import read_release
from genjudge.benchmarks.evalmi.sample import sample_dir
from genjudge.generation.factory import text_to_image_plan
from genjudge.generation.manifest import read_manifest
from genjudge.generation.options import OptionReader
from genjudge.generation.ray_pool import built
from genjudge.generation.request import GeneratedOutputs, GenerationRequest
from genjudge.generation.text_to_image_run import generate_images

PROMPT_TEMPLATE_VERSION = "evalmi-50k prompts as released"


def generate(request: GenerationRequest) -> GeneratedOutputs:
    """Draw the release's prompts (the first ``request.limit`` of them, if given)."""
    options = OptionReader(request.options, context="evalmi-50k")
    bench = options.text("bench")
    prompts = [
        (prompt.index, prompt.prompt)
        for prompt in read_release(Path(bench) if bench else sample_dir()).prompts
    ]
    if request.limit is not None:
        prompts = prompts[: request.limit]
    build = text_to_image_plan(request.kind, request.model, options, revision=request.revision)
    options.refuse_unread()
    generator = built(build, request.ray)
    report = generate_images(
        generator,
        prompts,
        request.out_dir,
        request.model_name,
        seed=request.seed,
        batch_size=request.batch_size,
        prompt_template_version=PROMPT_TEMPLATE_VERSION,
        start_over=request.start_over,
        progress=request.progress,
    )
    folder = request.out_dir / request.model_name
    return GeneratedOutputs(folder, report, read_manifest(folder) or {})
