"""EvalMi-50K's plug-in (its generators board and its metrics board): see
:mod:`genjudge.benchmarks.sections`.

Registered in genjudge's ``pyproject.toml`` under the ``genjudge.benchmarks`` entry-point group.
"""

from genjudge.benchmarks.sections import (
    Benchmark,
    CommandSection,
    DatasetSection,
    DemoSection,
    GenerationSection,
    Ref,
)

BENCHMARK = Benchmark(
    name="evalmi-50k",
    title="EvalMi-50K",
    position=30,
    boards={
        "evalmi-metrics": Ref("genjudge.benchmarks.evalmi.board:SPEC"),
        "evalmi-models": Ref("genjudge.benchmarks.evalmi.models_board:SPEC"),
    },
    dataset=DatasetSection(
        "evalmi-50k",
        Ref("genjudge.benchmarks.evalmi.cli:build_dataset"),
        "Convert the EvalMi-50K release into Parquet shards, a README.md card and eval.yaml.",
    ),
    cli=CommandSection(
        "evalmi",
        Ref("genjudge.benchmarks.evalmi.cli:app"),
        "EvalMi-50K: score a text-to-image model's generations, and rank metrics by agreement with human "
        "opinion scores.",
    ),
    demo=(
        DemoSection(
            "evalmi-metrics",
            Ref("genjudge.benchmarks.evalmi.demo:demo_board"),
            Ref("genjudge.benchmarks.evalmi.demo:demo_uploads"),
        ),
    ),
    modules=("mos_correlation", "lmm4lmm"),
    generation=GenerationSection(
        board="evalmi-models",
        kinds=("diffusers", "images-endpoint", "janus"),
        generate=Ref("genjudge.benchmarks.evalmi.generation:generate"),
        summary="a text-to-image model draws the release's prompts into `<Model>/<NNN>.png`",
        eval_tasks={"perception": "perception", "correspondence": "correspondence"},
        shared_options=("bench",),
    ),
)
