"""OpenING's plug-in: what the package adds to genjudge (see :mod:`genjudge.benchmarks.sections`).

Registered in genjudge's ``pyproject.toml`` under the ``genjudge.benchmarks`` entry-point group.
"""

from genjudge.benchmarks.sections import Benchmark, DatasetSection, DemoSection, GenerationSection, Ref

BENCHMARK = Benchmark(
    name="opening",
    title="OpenING",
    position=10,
    boards={
        "opening": Ref("genjudge.benchmarks.opening.board:SPEC"),
        "opening-judges": Ref("genjudge.benchmarks.opening.judges_board.board:SPEC"),
    },
    dataset=DatasetSection(
        "opening",
        Ref("genjudge.benchmarks.opening.dataset_command:build_opening"),
        "Convert an OpenING release into Parquet shards, README.md card and eval.yaml.",
        sample=Ref("genjudge.benchmarks.opening.dataset_command:build_sample"),
    ),
    demo=(
        DemoSection(
            "opening-test",
            Ref("genjudge.benchmarks.opening.demo:demo_board"),
            Ref("genjudge.benchmarks.opening.demo:demo_uploads"),
        ),
        DemoSection(
            "opening-judges",
            Ref("genjudge.benchmarks.opening.demo:judges_demo_board"),
            Ref("genjudge.benchmarks.opening.demo:judges_demo_uploads"),
        ),
    ),
    modules=("intjudge", "opening_winrate", "judge_agreement"),
    generation=GenerationSection(
        board="opening",
        kinds=("chat-endpoint", "transformers"),
        generate=Ref("genjudge.benchmarks.opening.generation_step:generate"),
        summary=(
            "a chat model writes each answer and a text-to-image model draws its images, as the official "
            "GPT-4o+DALL-E3 / Gemini+Flux pipelines (`--option image_model=...`)"
        ),
        eval_tasks={"win_rate": "winrate_fdt"},
        shared_options=("source", "split"),
        companion=("image_model", "Image model (Hub id of a diffusers text-to-image pipeline)"),
    ),
)
