"""Where a leaderboard's boards live and which boards it serves, from the environment or the CLI.

Kept apart from the running service (:mod:`genjudge.leaderboard.service`) and the store: a command
that only needs to know its boards (``leaderboard submit`` refusing a bad upload, ``options``) must
not pay for the libraries the service and the store are written with.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from genjudge.benchmarks import benchmark_names, default_benchmark_names, load_spec

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

    def open_boards(self) -> dict[str, Board]:
        boards = [load_spec(name).open(self.options.get(name, {})) for name in self.benchmarks]
        return {board.board_id: board for board in boards}

    def open_store(self, boards: Sequence[Board] = ()) -> LeaderboardStore:
        from genjudge.leaderboard.mirror import HubMirror
        from genjudge.leaderboard.store import LeaderboardStore

        hub = HubMirror(self.repo_id) if self.repo_id else None
        return LeaderboardStore(self.store_dir, boards=boards, hub=hub)
