"""What one benchmark package plugs into genjudge, as plain data that costs nothing to import.

A benchmark (OpenING, General-Level, EvalMi-50K, or one from another installed package) registers a
:class:`Benchmark` in the ``genjudge.benchmarks`` entry-point group. It names, as
``"module:attribute"`` references imported only when used, every part of genjudge it adds to:

- ``boards``: its leaderboard plug-ins (a :class:`~genjudge.benchmarks.plugin.BenchmarkSpec` each);
  one benchmark can rank several things (EvalMi-50K ranks generators and metrics);
- ``dataset``: the ``genjudge data build <name>`` command that turns its official release into a
  Hub-ready dataset repository;
- ``cli``: a command group mounted on the root ``genjudge`` command;
- ``demo``: what ``genjudge demo`` submits to a fresh local leaderboard (a board and its uploads);
- ``modules``: its ``evaluate`` modules, the folders under the source folder ``install-metrics`` reads;
- ``generation``: how a model becomes its outputs (``genjudge generate`` / ``genjudge run``, and the
  Space's model submissions), and the board those outputs are ranked on.

Generic code (the root command, ``data build``, the demo, the store, worker and Space) reads these
sections and never names a benchmark, so adding one touches only its own folder.

This module imports nothing beyond the standard library: ``genjudge --help`` reads every registered
benchmark's sections, and must not pay for the libraries behind them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genjudge.benchmarks.plugin import Board
    from genjudge.judges.protocol import PairwiseJudge


@dataclass(frozen=True)
class Ref:
    """``"package.module:attribute"``, imported when :meth:`load` is called."""

    target: str

    def __post_init__(self) -> None:
        module, _, attribute = self.target.partition(":")
        if not module or not attribute:
            raise ValueError(f"a reference must read 'module:attribute', got {self.target!r}")

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    @property
    def attribute(self) -> str:
        return self.target.partition(":")[2]

    def load(self) -> Any:
        return getattr(importlib.import_module(self.module), self.attribute)


@dataclass(frozen=True)
class CommandSection:
    """A command (a ``typer.Typer`` group or a command function) added under ``name``."""

    name: str
    target: Ref
    summary: str


@dataclass(frozen=True)
class DatasetSection(CommandSection):
    """``genjudge data build <name>``. ``sample``, when given, builds the benchmark's bundled sample
    release into a dataset repository folder (``(out_dir: Path) -> None``): the demo builds it and
    loads it back with ``load_dataset``."""

    sample: Ref | None = None


@dataclass(frozen=True)
class DemoContext:
    """What the demo shares between benchmarks: one pairwise judge (built on first use, the offline
    reference judge unless the caller gave one), so two boards that judge pairs load it once."""

    judge_factory: Callable[[], PairwiseJudge]

    def judge(self) -> PairwiseJudge:
        return self.judge_factory()


DemoUpload = tuple[Path, str]
"""An uploaded file or folder and the model name it is submitted under."""


@dataclass(frozen=True)
class DemoSection:
    """One board of the demo: ``board`` builds it from a :class:`DemoContext` on the bundled sample
    data (``(DemoContext) -> Board``), ``uploads`` lists the bundled submissions
    (``() -> list[DemoUpload]``), submitted exactly as a person would upload them."""

    board_id: str
    board: Ref
    uploads: Ref

    def open(self, context: DemoContext) -> Board:
        return self.board.load()(context)

    def sample_uploads(self) -> list[DemoUpload]:
        return list(self.uploads.load()())


@dataclass(frozen=True)
class GenerationSection:
    """A model in, the benchmark's outputs out. ``generate`` is ``(GenerationRequest) ->
    GeneratedOutputs`` (:mod:`genjudge.generation.request`); ``kinds`` are the generator kinds it
    accepts (the first is the default); ``board`` is the board the outputs are submitted to.
    ``eval_tasks`` maps the benchmark dataset's ``eval.yaml`` task ids to the board's result fields,
    for the ``.eval_results/`` file a run can add to the model's repository. ``shared_options`` are
    options that generation and the board both read and that must agree (the release folder, the
    split): a run passes each one given to either side to the other."""

    board: str
    kinds: tuple[str, ...]
    generate: Ref
    summary: str
    eval_tasks: dict[str, str] = field(default_factory=dict)
    shared_options: tuple[str, ...] = ()
    companion: tuple[str, str] | None = None
    """A second model the step needs, as (option name, label): OpenING's pipelines draw with an
    image model beside the chat model; the Space asks for it next to the model's Hub id."""


@dataclass(frozen=True)
class Benchmark:
    """A benchmark package's plug-in (see the module docstring). ``position`` orders benchmarks in
    listings (lower first, then by name); ``boards`` maps each board name to its spec."""

    name: str
    title: str
    boards: dict[str, Ref]
    dataset: DatasetSection | None = None
    cli: CommandSection | None = None
    demo: tuple[DemoSection, ...] = ()
    modules: tuple[str, ...] = ()
    generation: GenerationSection | None = None
    position: int = 100
