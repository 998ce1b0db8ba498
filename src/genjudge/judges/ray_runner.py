"""Judging on a Ray cluster: the transformers judges as Ray Data ``map_batches`` actor pools.

One GPU is best served by the in-process runners (:func:`~genjudge.judges.runner.judge_pairs`,
:func:`~genjudge.judges.scoring_runner.score_items`). With several GPUs or nodes under a Ray
cluster, :func:`on_ray` is the batch strategy that hands the cached-job runner
(:mod:`genjudge.judges.jobs`) an actor pool instead (front ends reach it through
:func:`genjudge.judges.running.run_jobs` with ``backend="ray"``), and everything else stays where
it was:

* **The driver owns the cache.** Only the pairs (images) missing from the
  :class:`~genjudge.judges.cache.VerdictCache` become rows of a Ray dataset; the verdicts stream
  back (``iter_batches``) and are committed one batch per transaction as they arrive, so a killed
  run resumes with only what is still missing. Workers never touch the SQLite file, so it can
  live on the driver's own disk.
* **Workers build the judge themselves**, once per actor, from a
  :class:`~genjudge.judges.running.JudgeSpec` (registry name and options, picklable), never from a
  live model. Before the pool starts, one task builds the judge to learn its
  :class:`~genjudge.judges.running.JudgeIdentity` (judge id, revision, prompt version), which the
  cache keys need; every actor checks that the judge it built has the same identity, so a node holding
  other weights cannot write verdicts under the wrong revision. That costs one extra model load
  per run.
* **Same numbers.** An actor judges its batch with the very function the in-process runner uses
  (the job kind's ``run_shown``): swap, image cap and failure reporting are not reimplemented here.

Items and results cross process boundaries pickled in one binary column, so they arrive exactly as
sent; verdicts differ from an in-process run only as far as batch composition and thread counts
change floating-point sums (about 1e-7 in the probabilities on CPU). Ray is an optional extra
(``genjudge[ray]``); this module imports it only when a function here is called.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from genjudge.judges.jobs import BatchStrategy, Job, JobKind, Outcome, ShownBatch
from genjudge.judges.registry import check_options
from genjudge.judges.running import JudgeIdentity, JudgeSpec

INSTALL_HINT = "pip install 'genjudge[ray]'"


def import_ray() -> Any:
    """``ray`` (with Ray Data), or an ``ImportError`` saying which extra to install."""
    try:
        import ray
        import ray.data
    except ImportError as err:
        raise ImportError(
            f"judging on a Ray cluster needs Ray Data; install it with `{INSTALL_HINT}`"
        ) from err
    return ray


def connect(address: str | None = None) -> None:
    """Join the Ray cluster at ``address`` (``None``: ``RAY_ADDRESS``, else a cluster started on this
    machine with ``ray start``, else a new local instance). A no-op when Ray is already initialised."""
    ray = import_ray()
    if not ray.is_initialized():
        ray.init(address=address)


def probe_judge(spec: JudgeSpec, *, num_gpus: float | None = None) -> JudgeIdentity:
    """Build the judge once in a Ray task (with the actors' GPUs) and return its identity.

    With GPUs, the task's worker process exits afterwards, handing its GPU memory back before the
    actors start. A judge that cannot be built raises the judge's own error here
    (e.g. ``JudgeModelNotFound`` saying what to download), not Ray's wrapper of it.
    """
    ray = import_ray()
    connect()
    check_options(spec.name, spec.options)  # cheap: refuse a misspelt key before any task starts
    gpus = _gpus(ray, num_gpus)
    # On a GPU the worker must exit to free what CUDA's caching allocator holds; on CPU an idle
    # worker holds only its imports, which the next probe reuses.
    describe = ray.remote(num_gpus=gpus, max_calls=1 if gpus else 0)(_describe)
    try:
        return ray.get(describe.remote(spec))
    except ray.exceptions.RayTaskError as err:
        cause = getattr(err, "cause", None)
        if isinstance(cause, Exception):
            raise cause from None
        raise


def on_ray(
    spec: JudgeSpec,
    identity: JudgeIdentity,
    *,
    batch_size: int = 8,
    actors: int = 1,
    num_gpus: float | None = None,
) -> BatchStrategy:
    """The batch strategy that judges the jobs in ``actors`` Ray actors, each building the judge
    from ``spec`` and checking it has ``identity``. ``num_gpus`` is per actor (``None``: one when
    the cluster has GPUs, else none; fractions share a GPU)."""
    _check_pool(batch_size, actors)

    def run(
        kind: JobKind, items: Sequence[Any], jobs: Sequence[Job], max_image_side: int | None
    ) -> Iterable[list[Outcome]]:
        rows = [(job.digest, kind.payload(items[job.index], job.variant)) for job in jobs]
        yield from _stream(kind.run_shown, spec, identity, max_image_side, rows, batch_size, actors, num_gpus)

    return run


class JudgeWorker:
    """One actor of the pool: builds the judge once, then turns batches of rows into outcomes.

    A row is a job's digest, its position among the run's jobs and its payload (pickled: an
    (item, swapped) pair for pairwise judges, an item for scoring judges); an outcome row is the
    digest and the pickled (result, why-not) pair that ``judge_shown`` returned for it.
    """

    def __init__(
        self, spec: JudgeSpec, expected: JudgeIdentity, max_image_side: int | None, judge_shown: ShownBatch
    ) -> None:
        self.judge = spec.build()
        built = JudgeIdentity.of(self.judge)
        if built != expected:
            raise RuntimeError(
                f"the judge {spec.name!r} built on this Ray worker is {built}, but the probe built "
                f"{expected}; every node must hold the same checkpoint (same files at the same path)"
            )
        self.max_image_side = max_image_side
        self.judge_shown = judge_shown

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        payloads = [pickle.loads(blob) for blob in batch["payload"]]
        outcomes = self.judge_shown(self.judge, payloads, self.max_image_side, int(batch["job"][0]))
        return {
            "digest": batch["digest"],
            "outcome": np.array([pickle.dumps(outcome) for outcome in outcomes], dtype=object),
        }


def _stream(
    judge_shown: ShownBatch,
    spec: JudgeSpec,
    identity: JudgeIdentity,
    max_image_side: int | None,
    rows: Sequence[tuple[str, Any]],
    batch_size: int,
    actors: int,
    num_gpus: float | None,
) -> Iterator[list[tuple[str, Any, str | None]]]:
    """The generic driver: (digest, payload) rows through a ``map_batches`` actor pool, yielding each
    judged batch as (digest, result, why-not) as soon as any actor finishes it."""
    ray = import_ray()
    connect()
    context = ray.data.DataContext.get_current()
    # The runner's tqdm bar reports progress, and a judge's own error (a JudgeError naming the endpoints
    # that are down, say) reaches the caller as itself rather than wrapped in Ray's UserCodeException.
    ours = {
        "enable_progress_bars": False,
        "print_on_execution_start": False,
        "raise_original_map_exception": True,
    }
    saved = {name: getattr(context, name) for name in ours}
    for name, value in ours.items():
        setattr(context, name, value)
    try:
        dataset = ray.data.from_items(
            [
                {"job": position, "digest": digest, "payload": pickle.dumps(payload)}
                for position, (digest, payload) in enumerate(rows)
            ]
        ).map_batches(
            JudgeWorker,
            fn_constructor_args=(spec, identity, max_image_side, judge_shown),
            batch_size=batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_gpus=_gpus(ray, num_gpus),
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            yield [
                (str(digest), *pickle.loads(blob))
                for digest, blob in zip(batch["digest"], batch["outcome"], strict=True)
            ]
    finally:
        for name, value in saved.items():
            setattr(context, name, value)


def _describe(spec: JudgeSpec) -> JudgeIdentity:
    return JudgeIdentity.of(spec.build())


def _gpus(ray: Any, num_gpus: float | None) -> float:
    if num_gpus is not None:
        return num_gpus
    return 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0


def _check_pool(batch_size: int, actors: int) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if actors < 1:
        raise ValueError(f"actors must be at least 1, got {actors}")
