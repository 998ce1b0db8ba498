"""Benchmark definitions: one package per benchmark (schema, official release reader, submission
format, and the leaderboard plug-in it exports as ``SPEC``; see :mod:`genjudge.benchmarks.plugin`).

:func:`load_spec` finds a benchmark's plug-in by name, importing only that benchmark's package, so
serving one board never pays for another's dependencies.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genjudge.benchmarks.plugin import BenchmarkSpec

_PLUGINS = {
    "opening": "genjudge.benchmarks.opening.board",
    "general-level": "genjudge.benchmarks.general_level.board",
    "evalmi-metrics": "genjudge.benchmarks.evalmi.board",
    "evalmi-models": "genjudge.benchmarks.evalmi.models_board",
    "opening-judges": "genjudge.benchmarks.opening.judges_board.board",
}


def benchmark_names() -> list[str]:
    """Names of the benchmarks that can be served on a leaderboard."""
    return list(_PLUGINS)


def default_benchmark_names() -> list[str]:
    """The benchmarks served when none are named: those whose boards work offline out of the box."""
    return [name for name in _PLUGINS if load_spec(name).served_by_default]


def load_spec(name: str) -> BenchmarkSpec:
    """The plug-in of benchmark ``name``; a clear error listing the known ones otherwise."""
    module = _PLUGINS.get(name)
    if module is None:
        raise ValueError(f"unknown benchmark {name!r}; known: {', '.join(_PLUGINS)}")
    return import_module(module).SPEC
