"""Where a leaderboard's boards live and which boards it serves, from the environment or the CLI.

Kept apart from the running service (:mod:`genjudge.leaderboard.service`) and the store: a command
that only needs to know its boards (``leaderboard submit`` refusing a bad upload, ``options``) must
not pay for the libraries the service and the store are written with.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genjudge.benchmarks import benchmark_names, default_benchmark_names, load_spec
from genjudge.safe_io.durable import read_json

if TYPE_CHECKING:
    from genjudge.benchmarks.plugin import Board
    from genjudge.leaderboard.store import LeaderboardStore


def option_variable(benchmark: str, option: str) -> str:
    """The environment variable of a board option: ``GENJUDGE_OPENING_SPLIT`` for (opening, split)."""
    return f"GENJUDGE_{benchmark}_{option}".upper().replace("-", "_")


@dataclass(frozen=True)
class LeaderboardConfig:
    """Where the boards live and what they serve. ``from_env`` reads the variables above;
    ``options`` maps a benchmark name to its board options (unset ones take their defaults)."""

    store_dir: Path = Path("leaderboard-data")
    repo_id: str | None = None
    benchmarks: tuple[str, ...] = field(default_factory=lambda: tuple(default_benchmark_names()))
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_env(cls, benchmarks: Sequence[str] | None = None) -> LeaderboardConfig:
        """The configuration the environment gives; ``benchmarks``, when given, replaces
        ``GENJUDGE_BENCHMARKS`` (and then no other board's plug-in is imported)."""
        if benchmarks is None:
            names = os.environ.get("GENJUDGE_BENCHMARKS") or ",".join(default_benchmark_names())
            benchmarks = [name.strip() for name in names.split(",") if name.strip()]
        benchmarks = tuple(benchmarks)
        for name in benchmarks:
            if name not in benchmark_names():
                raise ValueError(
                    f"GENJUDGE_BENCHMARKS names {name!r}; known benchmarks: {', '.join(benchmark_names())}"
                )
        options = {
            name: {
                option.name: os.environ[option_variable(name, option.name)]
                for option in load_spec(name).options
                if option_variable(name, option.name) in os.environ
            }
            for name in benchmarks
        }
        return cls(
            store_dir=Path(os.environ.get("GENJUDGE_LEADERBOARD_DIR", "leaderboard-data")),
            repo_id=os.environ.get("GENJUDGE_LEADERBOARD_REPO") or None,
            benchmarks=benchmarks,
            options=options,
        )

    def with_remembered_options(self) -> tuple[LeaderboardConfig, list[str]]:
        """This config with the options its store folder remembers (``board-options.json``) for the
        ones it does not set itself, and a note for each remembered option used or replaced.

        Options given here (by ``--option`` or the environment) win over remembered ones; the
        notes say so, since the store will remember the new ones once the boards open.
        """
        remembered = read_board_options(self.store_dir)
        options: dict[str, dict[str, str]] = {}
        notes: list[str] = []
        for name in self.benchmarks:
            before = remembered[name].options if name in remembered else {}
            given = dict(self.options.get(name, {}))
            kept = {key: value for key, value in before.items() if key not in given}
            if kept:
                shown = " ".join(f"-o {name}.{key}={value}" for key, value in kept.items())
                notes.append(f"{name}: using the board options {self.store_dir} remembers: {shown}")
            for key, value in given.items():
                if key in before and before[key] != value:
                    notes.append(
                        f"{name}: -o {name}.{key}={value} replaces the remembered {name}.{key}="
                        f"{before[key]}; {self.store_dir} remembers the new value from now on"
                    )
            options[name] = {**kept, **given}
        return replace(self, options=options), notes

    def open_boards(self) -> dict[str, Board]:
        boards = [load_spec(name).open(self.options.get(name, {})) for name in self.benchmarks]
        return {board.board_id: board for board in boards}

    def open_store(self, boards: Sequence[Board] = ()) -> LeaderboardStore:
        """The store folder, remembering the options ``boards`` (opened from this config) were
        opened with, so that later commands without options open the same boards."""
        from genjudge.leaderboard.mirror import HubMirror
        from genjudge.leaderboard.store import LeaderboardStore

        hub = HubMirror(self.repo_id) if self.repo_id else None
        store = LeaderboardStore(self.store_dir, boards=boards, hub=hub)
        self.remember_boards(boards)
        return store

    def remember_boards(self, boards: Sequence[Board]) -> None:
        """Record in the store folder the options each of ``boards`` was opened with (other
        benchmarks' entries stay), so a later command without options opens the same boards. Cheap
        (a JSON file under the store's lock): a refused upload records them without opening the store."""
        from filelock import FileLock

        from genjudge.safe_io.durable import atomic_write_json

        entries = {
            board.spec.name: RememberedBoard(board.board_id, dict(self.options.get(board.spec.name, {})))
            for board in boards
        }
        self.store_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.store_dir / ".lock")):
            remembered = read_board_options(self.store_dir)
            merged = remembered | entries
            if merged != remembered:
                document = {name: asdict(entry) for name, entry in sorted(merged.items())}
                atomic_write_json(self.store_dir / BOARD_OPTIONS_FILE, document)


BOARD_OPTIONS_FILE = "board-options.json"


@dataclass(frozen=True)
class RememberedBoard:
    """The board a benchmark was last opened as in a store folder, and the options given for it
    (explicitly, or from the environment; options left at their defaults are not listed)."""

    board_id: str
    options: dict[str, str]


def read_board_options(root: Path | str) -> dict[str, RememberedBoard]:
    """The remembered boards of the store folder ``root`` by benchmark (none for a new folder).

    A file that is not what :meth:`LeaderboardStore.remember_boards` writes is refused naming it,
    rather than silently opening other boards than the ones it meant.
    """
    path = Path(root) / BOARD_OPTIONS_FILE
    if not path.is_file():
        return {}
    document = read_json(path)
    if not isinstance(document, dict) or not all(map(_is_remembered_board, document.values())):
        raise ValueError(
            f"{path}: expected {{benchmark: {{'board_id': str, 'options': {{name: str}}}}}}; "
            "fix or delete the file (it only remembers the options boards were opened with)"
        )
    return {
        name: RememberedBoard(entry["board_id"], dict(entry["options"])) for name, entry in document.items()
    }


def _is_remembered_board(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("board_id"), str)
        and isinstance(entry.get("options"), dict)
        and all(isinstance(value, str) for value in entry["options"].values())
    )
