"""A named judge run over items, in this process or on a Ray cluster, as one library call.

Front ends (``genjudge judge pairs``, ``genjudge evalmi score``, user code) name the judge with a
:class:`JudgeSpec` and say where it runs; :func:`ready_judge` builds it here or probes it on Ray,
and :meth:`ReadyJudge.run` sends the items through the runner of the judge's kind (pairwise
verdicts or scores) with the matching batch strategy. The two steps are apart because a front end
may need the judge's identity before it builds the items (a question-answering judge gets one row
per question). :func:`run_jobs` does both at once.

>>> run = run_jobs(items, JudgeSpec("reference", {"embedder": "lexical"}), cache="v.sqlite")  # doctest: +SKIP
>>> run = run_jobs(items, JudgeSpec("intjudge"), backend="ray", pool=RayPool(actors=4))  # doctest: +SKIP
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genjudge.judges.cache import VerdictCache
from genjudge.judges.endpoint_pool import EndpointStats
from genjudge.judges.jobs import BatchStrategy, in_process
from genjudge.judges.registry import build_judge, kind_of
from genjudge.judges.runner import JudgeRun, run_pair_jobs
from genjudge.judges.scoring_runner import ScoreRun, run_score_jobs


class Backend(str, enum.Enum):
    """Where the judge runs: ``local`` in this process (one GPU), ``ray`` as actors on a Ray cluster."""

    local = "local"
    ray = "ray"


@dataclass(frozen=True)
class JudgeSpec:
    """A judge as its registry name and options: what crosses to Ray workers instead of a model.
    Options must be picklable (paths, numbers, strings)."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``"pairwise"`` or ``"scoring"``, from the registry."""
        return kind_of(self.name)

    def build(self) -> Any:
        return build_judge(self.name, **self.options)


@dataclass(frozen=True)
class JudgeIdentity:
    """What the driver needs of a judge it does not hold: the cache identity and, for scoring
    judges, the score names and which inputs the model sees. Satisfies the runners'
    ``CacheIdentity`` and ``ScoringIdentity``."""

    judge_id: str
    revision: str
    prompt_version: str
    score_names: tuple[str, ...] = ()
    uses_prompt: bool = False
    uses_question: bool = False

    @classmethod
    def of(cls, judge: Any) -> JudgeIdentity:
        return cls(
            judge_id=judge.judge_id,
            revision=judge.revision,
            prompt_version=judge.prompt_version,
            score_names=tuple(getattr(judge, "score_names", ())),
            uses_prompt=bool(getattr(judge, "uses_prompt", False)),
            uses_question=bool(getattr(judge, "uses_question", False)),
        )


@dataclass(frozen=True)
class RayPool:
    """The Ray side of a run: the cluster to join (``None``: ``RAY_ADDRESS``, a ``ray start``
    cluster, or a new local one), the judge actors (model copies) and GPUs per actor (``None``:
    one when the cluster has GPUs)."""

    address: str | None = None
    actors: int = 1
    gpus_per_actor: float | None = None

    def __post_init__(self) -> None:
        if self.actors < 1:
            raise ValueError(f"actors must be at least 1, got {self.actors}")


@dataclass(frozen=True)
class ReadyJudge:
    """A judge ready to run items. ``judge`` is the judge itself when it runs in this process
    (and then also its ``identity``); on Ray it is ``None`` and ``identity`` is what the probe
    learnt."""

    spec: JudgeSpec
    identity: Any
    judge: Any | None = None
    pool: RayPool | None = None

    def run(
        self,
        items: Sequence[Any],
        *,
        cache: VerdictCache | str | Path | None = None,
        batch_size: int = 8,
        max_image_side: int | None = None,
        swap: bool = False,
        progress: bool = True,
    ) -> JudgeRun | ScoreRun:
        """Run every item through the judge (see :func:`~genjudge.judges.runner.judge_pairs` and
        :func:`~genjudge.judges.scoring_runner.score_items`); ``swap`` is for pairwise judges."""
        batches = self._batches(batch_size)
        settings: dict[str, Any] = {"cache": cache, "max_image_side": max_image_side, "progress": progress}
        if self.spec.kind == "pairwise":
            return run_pair_jobs(self.identity, items, batches, swap=swap, **settings)
        if swap:
            raise ValueError(
                f"{self.spec.name!r} scores items one by one; position swap is for pairwise judges"
            )
        return run_score_jobs(self.identity, items, batches, **settings)

    def endpoint_stats(self) -> list[EndpointStats]:
        """Per-endpoint counts of an API judge that ran in this process; empty for other judges and
        on Ray (the counts stay in the actors)."""
        counts = getattr(self.judge, "endpoint_stats", None)
        return list(counts()) if counts is not None else []

    def _batches(self, batch_size: int) -> BatchStrategy:
        if self.pool is None:
            return in_process(self.judge, batch_size)
        from genjudge.judges import ray_runner

        return ray_runner.on_ray(
            self.spec,
            self.identity,
            batch_size=batch_size,
            actors=self.pool.actors,
            num_gpus=self.pool.gpus_per_actor,
        )


def ready_judge(
    spec: JudgeSpec, backend: Backend | str = Backend.local, pool: RayPool | None = None
) -> ReadyJudge:
    """Build the judge in this process (``backend="local"``), or join the Ray cluster and build it
    once in a task to learn its identity (``"ray"``). Misspelt options are refused before anything
    is loaded; a judge that cannot be built raises its own error (e.g. ``JudgeModelNotFound``)."""
    if Backend(backend) is Backend.local:
        judge = spec.build()
        return ReadyJudge(spec, judge, judge)
    from genjudge.judges import ray_runner

    pool = pool or RayPool()
    ray_runner.connect(pool.address)
    return ReadyJudge(spec, ray_runner.probe_judge(spec, num_gpus=pool.gpus_per_actor), pool=pool)


def run_jobs(
    items: Sequence[Any],
    spec: JudgeSpec,
    *,
    backend: Backend | str = Backend.local,
    pool: RayPool | None = None,
    **settings: Any,
) -> JudgeRun | ScoreRun:
    """:func:`ready_judge` then :meth:`ReadyJudge.run` with ``settings`` (cache, batch_size,
    max_image_side, swap, progress)."""
    return ready_judge(spec, backend, pool).run(items, **settings)
