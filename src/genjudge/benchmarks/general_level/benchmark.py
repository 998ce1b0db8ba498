"""General-Level's plug-in (General-Bench is its dataset): see :mod:`genjudge.benchmarks.sections`.

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
    name="general-level",
    title="General-Level / General-Bench",
    position=20,
    boards={"general-level": Ref("genjudge.benchmarks.general_level.board:SPEC")},
    dataset=DatasetSection(
        "general-bench",
        Ref("genjudge.benchmarks.general_level.bench.cli:build"),
        "Convert the General-Bench release into Parquet configs, a README.md card and eval.yaml.",
    ),
    cli=CommandSection(
        "general-level",
        Ref("genjudge.benchmarks.general_level.cli:app"),
        "General-Level: Levels 2–5 of a multimodal generalist.",
    ),
    demo=(
        DemoSection(
            "general-level",
            Ref("genjudge.benchmarks.general_level.demo:demo_board"),
            Ref("genjudge.benchmarks.general_level.demo:demo_uploads"),
        ),
    ),
    modules=("general_level",),
    generation=GenerationSection(
        board="general-level",
        kinds=("transformers", "chat-endpoint"),
        generate=Ref("genjudge.benchmarks.general_level.bench.generation_step:generate"),
        summary="an MLLM answers the General-Bench release's tasks; they are scored into a result sheet",
        eval_tasks={},
        shared_options=("sota",),
    ),
)
