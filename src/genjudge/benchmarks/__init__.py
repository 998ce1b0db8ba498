"""Benchmark definitions: one package per benchmark, found through the ``genjudge.benchmarks``
entry-point group (see :mod:`genjudge.benchmarks.sections`).

genjudge registers OpenING, General-Level and EvalMi-50K in its own ``pyproject.toml``; another
installed package adds a benchmark the same way, with no change to genjudge. :func:`load_spec`
imports only the named board's package, so serving one board never pays for another's dependencies.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from genjudge.benchmarks.sections import Benchmark

if TYPE_CHECKING:
    from genjudge.benchmarks.plugin import BenchmarkSpec

ENTRY_POINT_GROUP = "genjudge.benchmarks"


def registered_benchmarks() -> list[Benchmark]:
    """Every installed benchmark package's plug-in, in listing order.

    Read afresh at each call (it is cheap), so a package installed while the process runs is seen;
    two packages claiming one board name are refused, naming both.
    """
    found: list[Benchmark] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        benchmark = entry.load()
        if not isinstance(benchmark, Benchmark):
            raise TypeError(
                f"entry point {entry.name!r} = {entry.value!r} in group {ENTRY_POINT_GROUP!r} is not a "
                "genjudge.benchmarks.sections.Benchmark"
            )
        if all(benchmark.name != known.name for known in found):
            found.append(benchmark)
    found.sort(key=lambda benchmark: (benchmark.position, benchmark.name))
    owners: dict[str, str] = {}
    for benchmark in found:
        for board in benchmark.boards:
            if board in owners:
                raise ValueError(
                    f"board {board!r} is registered by both {owners[board]!r} and {benchmark.name!r}"
                )
            owners[board] = benchmark.name
    return found


def benchmark_names() -> list[str]:
    """Names of the boards that can be served on a leaderboard."""
    return [board for benchmark in registered_benchmarks() for board in benchmark.boards]


def default_benchmark_names() -> list[str]:
    """The boards served when none are named: those that work offline out of the box."""
    return [name for name in benchmark_names() if load_spec(name).served_by_default]


def load_spec(name: str) -> BenchmarkSpec:
    """The leaderboard plug-in of board ``name``; a clear error listing the known ones otherwise."""
    for benchmark in registered_benchmarks():
        if name in benchmark.boards:
            return benchmark.boards[name].load()
    raise ValueError(f"unknown benchmark {name!r}; known: {', '.join(benchmark_names())}")
