"""The benchmark plug-in contract: everything the generic leaderboard needs to know about a benchmark.

OpenING, General-Level and EvalMi-50K differ in what a submission is, how it is evaluated and how
the board is ranked. Those differences live behind two objects, and the store, worker, board view,
Space and CLI are written once against them:

- :class:`BenchmarkSpec`, the static facts a benchmark module exports as ``SPEC``: name, title,
  citation, the result columns and how they display (declared once: board, results files, dataset
  card, Space and terminal all read them from here), the default order, the submission form, the
  options a board is opened with, and ``open(options) -> Board``.
- :class:`Board`, a spec opened on its data (OpenING: one split of a release and a judge;
  General-Level: a reference sheet). It turns an uploaded file into a :class:`Payload` (the
  validated submission, as an Arrow table the store keeps) and runs the benchmark's evaluate step
  on a :class:`Job`, returning an :class:`Evaluation` that the store publishes in one place.

A benchmark whose pairs people can judge declares ``voting`` (:class:`VotingSpec`); its board then
also offers a vote pool (:class:`VotingBoard`) and the Space shows it a Vote tab (``genjudge.votes``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from genjudge.safe_io.uploads import SubmissionLimits

if TYPE_CHECKING:  # annotations only: a plug-in is read before any board runs, and must stay light
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    from matplotlib.figure import Figure

    from genjudge.votes.pool import Output, PairView, VotePool

OptionKind = Literal["text", "integer", "flag"]
OptionValue = str | int | bool
"""An option as the opener receives it, converted by its :class:`BoardOption` kind."""


class ColumnKind(str, Enum):
    """How a result column is stored and shown."""

    RANK = "rank"  # integer, 1 = best; shown as is
    TEXT = "text"
    NUMBER = "number"  # float, rounded to ``digits``
    PERCENT = "percent"  # a fraction in [0, 1], shown as a percentage
    INTERVAL = "interval"  # ``<bounds_of>_lower`` / ``_upper`` floats, shown as "lo – hi"
    COUNT = "count"  # integer, 0 when absent


@dataclass(frozen=True)
class Column:
    """One result column. ``key`` names it in board files and results; ``label`` is the header people
    read; ``short`` the header in a terminal; ``help`` one sentence for the About tab and the card."""

    key: str
    label: str
    kind: ColumnKind
    help: str
    short: str = ""
    digits: int = 1
    bounds_of: str = ""

    @property
    def stored_keys(self) -> tuple[str, ...]:
        """The board-file fields this column is made of (an interval: ``<bounds_of>_lower/_upper``)."""
        if self.kind is ColumnKind.INTERVAL:
            base = self.bounds_of or self.key
            return (f"{base}_lower", f"{base}_upper")
        return (self.key,)

    @property
    def dtype(self) -> str:
        """The ``datasets`` dtype of each stored field."""
        if self.kind in (ColumnKind.RANK, ColumnKind.COUNT):
            return "int64"
        return "string" if self.kind is ColumnKind.TEXT else "float64"


@dataclass(frozen=True)
class SortKey:
    """One level of the board's default order."""

    key: str
    descending: bool = True


@dataclass(frozen=True)
class Scope:
    """A view of a board: some of its columns in an order of their own (General-Level's
    comprehension-only or per-modality boards). ``columns`` are column keys; Rank is recomputed
    in ``sort`` order for the view."""

    name: str
    columns: tuple[str, ...]
    sort: tuple[SortKey, ...]
    note: str


@dataclass(frozen=True)
class SubmissionForm:
    """What the Submit tab asks for: accepted file suffixes, the upload's label and the format
    instructions (Markdown) shown right next to it."""

    file_types: tuple[str, ...]
    label: str
    instructions: str


@dataclass(frozen=True)
class BoardOption:
    """A setting a board is opened with (a release folder, a split, a judge name…). The service reads
    it from ``GENJUDGE_<BENCHMARK>_<NAME>`` and the CLI from ``--option name=value``."""

    name: str
    help: str
    default: str = ""
    kind: OptionKind = "text"

    def parse(self, benchmark: str, value: str) -> OptionValue:
        """The value as the opener uses it (``"integer"``: an ``int``, ``"flag"``: ``0``/``1`` as a
        ``bool``, ``"text"``: the string); a value of the wrong kind is refused naming the option."""
        if self.kind == "integer":
            if not value.strip().lstrip("-").isdigit():
                raise ValueError(f"{benchmark}: option {self.name!r} must be an integer, got {value!r}")
            return int(value)
        if self.kind == "flag":
            if value not in ("0", "1"):
                raise ValueError(f"{benchmark}: option {self.name!r} must be 0 or 1, got {value!r}")
            return value == "1"
        return value


@dataclass(frozen=True)
class Payload:
    """A validated submission as the store keeps it (never the uploaded file itself): an Arrow table
    and how many items it holds (instances, tasks, images)."""

    table: pa.Table
    n_items: int


@dataclass(frozen=True)
class Job:
    """The read view the worker gives a board's evaluate step: the submission, the board members it is
    measured against (fixed when the job first started, so a rerun sees the same ones), their stored
    payloads, what earlier jobs exported, the board as last published, and a folder for the board's
    working files (caches)."""

    request: Mapping[str, Any]
    members: tuple[Mapping[str, Any], ...]
    payload: Callable[[str], pa.Table]
    exported: Callable[[str, str], list[dict[str, Any]]]
    previous_board: pd.DataFrame | None
    work_dir: Path
    progress: bool = False

    @property
    def submission_id(self) -> str:
        return str(self.request["submission_id"])

    @property
    def model(self) -> str:
        return str(self.request["model"])


@dataclass
class Evaluation:
    """What an evaluate step produces; the store writes all of it at once.

    ``board`` holds one row per model on the board (the members and the new submission, and any
    reference rows the benchmark shows for comparison), with a ``model`` column and the stored
    fields of the spec's columns. ``results`` is the new
    submission's scores as ``{task: {metric: value}}`` (the HF leaderboard template's nesting).
    ``config`` says how it was evaluated (judge id, seed…); ``exports`` are rows the dataset keeps
    per submission (``{"verdicts": [...]}``); ``charts`` are the board's pictures.
    """

    board: pd.DataFrame
    results: dict[str, dict[str, float | int | None]]
    config: dict[str, Any] = field(default_factory=dict)
    exports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    charts: dict[str, Figure] = field(default_factory=dict)


class Board(Protocol):
    """A benchmark opened on its data: reads submissions and evaluates them."""

    spec: BenchmarkSpec
    board_id: str

    def describe(self) -> str:
        """Markdown for the About tab: the data this board uses and how it evaluates."""
        ...

    def read_submission(self, source: Path, model: str, limits: SubmissionLimits) -> Payload:
        """Validate an upload (raising ``SubmissionError`` with a message for the submitter)."""
        ...

    def evaluate(self, job: Job) -> Evaluation:
        """Score the job's submission and re-rank the board."""
        ...


class VotingBoard(Board, Protocol):
    """A board whose spec has ``voting``: it offers its members' outputs for people to vote on."""

    def vote_pool(self, data: BoardData) -> VotePool:
        """The instances, the members' outputs and the board judge's verdicts on them."""
        ...


@dataclass(frozen=True)
class ExportSpec:
    """A per-submission JSONL record the leaderboard dataset exposes as a config (e.g. ``verdicts``),
    with its fields as ``datasets`` dtypes so ``load_dataset(folder, name)`` reads it."""

    name: str
    fields: Mapping[str, str]
    help: str


@dataclass(frozen=True)
class BoardData:
    """The read view a board gets of the store outside a job: its finished members (oldest first),
    their stored payloads and what their jobs exported (``exported(name, submission_id)``)."""

    members: tuple[Mapping[str, Any], ...]
    payload: Callable[[str], pa.Table]
    exported: Callable[[str, str], list[dict[str, Any]]]


@dataclass(frozen=True)
class VotingSpec:
    """A board people can vote on: the Space shows it a **Vote** tab. ``ledger`` is the dataset config
    the votes are kept in (one append-only log per board) and ``about`` the Markdown that says how
    pairs are chosen. A board whose spec has ``voting`` also implements :class:`VotingBoard`.

    The two hooks are all the vote code knows of the benchmark's data. ``render(item, left, right)``
    is what the tab shows of an item and the two outputs (text and images, which the tab escapes and
    sends as pixels only); it is never given the models' names. ``control(output, rng)`` breaks an
    output the board knows to be good into a copy nobody would prefer, the other side of a control
    pair; it may use ``rng`` (the booth's, seeded) and must return something different from ``output``.
    """

    ledger: ExportSpec
    about: str
    render: Callable[[Any, Any, Any], PairView]
    control: Callable[[Any, np.random.Generator], Output]


@dataclass(frozen=True)
class BenchmarkSpec:
    """The static description of a benchmark (see the module docstring).

    ``served_by_default`` is false for a board that cannot work offline out of the box (it needs
    model weights): it is served only when named. ``charts`` names the board's pictures (name,
    caption) that an evaluation draws. ``scopes`` are views of the board (the first is shown
    first; it should use the default ``sort``); without them the board has one view of every column.
    ``columns`` are the benchmark's own result columns; every board also shows a ``Rank`` (the
    position in the ``sort`` order, ties sharing a rank), the model and its submission date and
    link. ``config_fields`` are what a results file records about how a submission was evaluated
    (judge id, seed…) and ``result_extras`` the numbers it records beyond the columns. ``voting``
    makes the board open to people's A/B votes (see :class:`VotingSpec`).
    """

    name: str
    title: str
    summary: str
    citation: str
    columns: tuple[Column, ...]
    sort: tuple[SortKey, ...]
    sort_note: str
    submission: SubmissionForm
    options: tuple[BoardOption, ...]
    opener: Callable[[Mapping[str, OptionValue]], Board]
    exports: tuple[ExportSpec, ...] = ()
    served_by_default: bool = True
    charts: tuple[tuple[str, str], ...] = ()
    scopes: tuple[Scope, ...] = ()
    config_fields: Mapping[str, str] = field(default_factory=dict)
    result_extras: Mapping[str, str] = field(default_factory=dict)
    voting: VotingSpec | None = None

    def open(self, options: Mapping[str, str] | None = None) -> Board:
        """A board on this benchmark; unknown option names are refused with the valid ones listed."""
        given = dict(options or {})
        known = {option.name for option in self.options}
        unknown = sorted(set(given) - known)
        if unknown:
            raise ValueError(
                f"{self.name}: unknown option(s) {', '.join(unknown)}; "
                f"valid: {', '.join(sorted(known)) or 'none'}"
            )
        raw = {option.name: option.default for option in self.options} | given
        values = {option.name: option.parse(self.name, raw[option.name]) for option in self.options}
        return self.opener(values)

    def all_scopes(self) -> tuple[Scope, ...]:
        """The board's views: the declared scopes (the first is what the board shows first), or
        else one view of every column in the default order."""
        if self.scopes:
            return self.scopes
        return (Scope("All columns", tuple(c.key for c in self.columns), self.sort, self.sort_note),)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"{self.name} has no column {key!r}")

    def stored_fields(self) -> dict[str, str]:
        """Every board field of the columns with its ``datasets`` dtype, in column order."""
        return {name: column.dtype for column in self.columns for name in column.stored_keys}

    def result_fields(self) -> dict[str, str]:
        """The fields of a submission's ``results`` block: its column values plus the extras."""
        return self.stored_fields() | dict(self.result_extras)


def json_values(row: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """``row``'s values of ``fields`` as JSON can hold them: ints, finite floats, strings; ``None``
    for a missing number (a model without battles) and for the open end of an interval (JSON has
    no NaN or infinity)."""
    out: dict[str, Any] = {}
    for name, dtype in fields.items():
        value = row[name]
        if dtype == "string":
            out[name] = None if value is None else str(value)
            continue
        number = float(value) if value is not None else float("nan")
        if not math.isfinite(number):
            out[name] = None
        else:
            out[name] = int(number) if dtype == "int64" else number
    return out
