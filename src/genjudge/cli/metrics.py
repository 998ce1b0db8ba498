"""``genjudge install-metrics``: make the evaluate modules loadable by bare name, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genjudge.benchmarks import registered_benchmarks
from genjudge.evaluate_glue.install import available_modules, metric_sources
from genjudge.evaluate_glue.install import install_metrics as install


def modules_of(benchmarks: list[str] | tuple[str, ...]) -> list[str]:
    """The evaluate modules the named benchmarks declare (their ``modules`` section)."""
    registered = {benchmark.name: benchmark for benchmark in registered_benchmarks()}
    unknown = sorted(set(benchmarks) - set(registered))
    if unknown:
        raise ValueError(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(registered)}")
    return [module for name in benchmarks for module in registered[name].modules]


def _names_help() -> str:
    try:
        shipped = ", ".join(f"`{name}`" for name in available_modules(metric_sources()))
    except FileNotFoundError:
        return "Modules to install (default: every module in --source)."
    return f"Modules to install (default: all of genjudge's modules: {shipped})."


def install_metrics(
    names: Annotated[list[str] | None, typer.Argument(help=_names_help())] = None,
    source: Annotated[
        Path | None,
        typer.Option(help="Folder holding the module folders (default: the ones shipped with genjudge)."),
    ] = None,
    modules_cache: Annotated[
        Path | None,
        typer.Option(help="evaluate's dynamic-modules folder (default: $HF_MODULES_CACHE/evaluate_modules)."),
    ] = None,
    benchmarks: Annotated[
        list[str] | None,
        typer.Option("--benchmark", "-b", help="Install the modules of this benchmark (repeatable)."),
    ] = None,
) -> None:
    """Install genjudge's evaluate modules so `evaluate.load("<name>")` finds them from any directory."""
    try:
        wanted = [*(names or ()), *modules_of(benchmarks or ())]
        installed = install(wanted or None, source=source, modules_cache=modules_cache)
    except (FileNotFoundError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(code=2) from err
    for module in installed:
        typer.echo(f"installed {module.name}: {module.installed}")
    typer.echo(
        'Load with evaluate.load("<name>") from any directory (HF_EVALUATE_OFFLINE=1 skips the Hub check).'
    )
