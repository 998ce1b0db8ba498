"""What ``genjudge generate`` asks of a benchmark, and what the benchmark hands back.

The command line, ``genjudge run`` and the leaderboard's model worker all describe a generation the
same way (:class:`GenerationRequest`); each benchmark's ``generation`` section turns it into the
outputs its board reads (:class:`GeneratedOutputs`), so none of them knows a benchmark's layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from genjudge.generation.ray_pool import RaySettings


class RunSummary(Protocol):
    """What a generation run reports: whether every item was made, and a one-line account."""

    @property
    def complete(self) -> bool: ...

    def summary(self) -> str: ...


@dataclass(frozen=True)
class GenerationRequest:
    """One model to run on one benchmark.

    ``model`` is a Hub id or a local folder (for an endpoint kind: the model name the server
    serves) at ``revision`` (a branch, tag or commit; for kinds that load weights); ``kind`` one of
    the benchmark's generator kinds; ``options`` the generator's and the
    benchmark's settings as ``name -> text`` (``--option name=value``), checked by the code that
    reads them; ``limit`` generates only the first items (a quick look before the full run).
    """

    model: str
    kind: str
    out_dir: Path
    model_name: str
    options: Mapping[str, str] = field(default_factory=dict)
    revision: str | None = None
    batch_size: int = 1
    seed: int = 0
    limit: int | None = None
    start_over: bool = False
    progress: bool = True
    ray: RaySettings | None = None
    """Spread the model calls over Ray actors (one model copy each); ``None``: in this process."""


@dataclass(frozen=True)
class GeneratedOutputs:
    """The outputs as the benchmark's board takes an upload (``submission``: a file or folder),
    the run's report (made, skipped, failed) and its manifest (recorded in the board's results)."""

    submission: Path
    report: RunSummary
    manifest: Mapping[str, object]
