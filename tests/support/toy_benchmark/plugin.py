"""The toy benchmark's plug-in: one board, a dataset builder, a command group and a demo sample."""

from genjudge.benchmarks.sections import Benchmark, CommandSection, DatasetSection, DemoSection, Ref

BENCHMARK = Benchmark(
    name="toy-spelling",
    title="Toy Spelling",
    boards={"toy-spelling": Ref("toy_benchmark.board:SPEC")},
    dataset=DatasetSection("toy-spelling", Ref("toy_benchmark.commands:build"), "Build the toy release."),
    cli=CommandSection("toy", Ref("toy_benchmark.commands:app"), "The toy benchmark's own commands."),
    demo=(
        DemoSection(
            "toy-spelling", Ref("toy_benchmark.board:demo_board"), Ref("toy_benchmark.board:demo_uploads")
        ),
    ),
)
