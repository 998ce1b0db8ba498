"""A model in, a board row out: generate a benchmark's outputs, submit them, evaluate, read the row.

``genjudge generate`` stops after the first step, ``genjudge run`` does all of them, and the
leaderboard's model worker runs the same steps for a model someone submitted through the Space.
Which benchmark does what is read from its plug-in's ``generation`` section, never named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from genjudge.benchmarks import registered_benchmarks
from genjudge.benchmarks.plugin import Board
from genjudge.benchmarks.sections import Benchmark, GenerationSection
from genjudge.generation.protocol import GenerationError
from genjudge.generation.request import GeneratedOutputs, GenerationRequest
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.leaderboard.worker import Worker


def generating_benchmarks() -> list[Benchmark]:
    """The registered benchmarks that can generate their outputs from a model."""
    return [benchmark for benchmark in registered_benchmarks() if benchmark.generation is not None]


def generation_section(name: str) -> GenerationSection:
    """The ``generation`` section of benchmark ``name``; a clear error listing the ones that have one."""
    for benchmark in generating_benchmarks():
        if benchmark.name == name and benchmark.generation is not None:
            return benchmark.generation
    names = ", ".join(benchmark.name for benchmark in generating_benchmarks())
    raise GenerationError(f"benchmark {name!r} cannot generate its outputs from a model; these can: {names}")


def agree_on_shared_options(
    section: GenerationSection, generation: Mapping[str, str], board: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Generation and board options with each shared option (the release, the split) given to both
    sides; the same option given different values on the two sides is refused."""
    generation, board = dict(generation), dict(board)
    for name in section.shared_options:
        mine, theirs = generation.get(name), board.get(name)
        if mine and theirs and mine != theirs:
            raise GenerationError(
                f"option {name!r} is {mine!r} for generation but {theirs!r} for the board; they must agree"
            )
        if mine or theirs:
            generation[name] = board[name] = mine or theirs or ""
    return generation, board


def generate(benchmark: str, request: GenerationRequest) -> GeneratedOutputs:
    """Run ``request`` through ``benchmark``'s generation step (its kind checked first)."""
    section = generation_section(benchmark)
    if request.kind not in section.kinds:
        raise GenerationError(
            f"{benchmark} generates with {', '.join(section.kinds)}; {request.kind!r} is not one of them"
        )
    return section.generate.load()(request)


@dataclass(frozen=True)
class ModelRun:
    """What ``run_model`` did: the generation's outputs, the submission's final request record and
    the model's row on the board (``None`` when the evaluation failed; ``request['reason']`` says why)."""

    outputs: GeneratedOutputs
    request: Mapping[str, Any]
    row: Mapping[str, Any] | None


def run_model(
    benchmark: str,
    request: GenerationRequest,
    store: LeaderboardStore,
    board: Board,
    *,
    link: str = "",
    description: str = "",
) -> ModelRun:
    """Generate, submit to ``board`` (validated like any upload), evaluate, and read the model's row.

    An incomplete generation is not submitted: the board would refuse a shorter output set, and
    the failures (recorded beside the outputs) say what to retry.
    """
    outputs = generate(benchmark, request)
    if not outputs.report.complete:
        raise GenerationError(
            f"the generation is incomplete ({outputs.report.summary()}); nothing was submitted"
        )
    submitted = store.submit(
        outputs.submission,
        board,
        model_name=request.model_name,
        link=link,
        description=description,
        generation=outputs.manifest,
    )
    Worker(store, {board.board_id: board}, progress=request.progress).run_until_empty()
    final = store.request(submitted.submission_id) or {}
    table = BoardView(store, board.board_id, board.spec).table()
    mine = table[table["Model"] == final.get("model", request.model_name)]
    row = mine.iloc[0].to_dict() if len(mine) else None
    return ModelRun(outputs, final, row)
