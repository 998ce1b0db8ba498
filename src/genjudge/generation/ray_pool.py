"""Generation on many GPUs: one copy of the model per Ray actor, each batch split across them.

The generators are already batched and seeded per item, so spreading a batch over actors changes
nothing but the wall time: each actor builds its own copy of the model from the same plan
(:mod:`genjudge.generation.factory`), draws or answers its share, and the shares come back in order.
Resuming, atomic writes and failure records stay where they are, in the one process that runs
:func:`genjudge.generation.resumable.run_items` and owns the output folder; Ray only does the
model calls. It joins a cluster the same way the Ray judges do (``--ray-address`` or
``RAY_ADDRESS``, else a local instance).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from genjudge.generation.protocol import GenerationError


@dataclass(frozen=True)
class RaySettings:
    """How many model copies to run and where: ``actors`` copies with ``gpus_per_actor`` GPUs each."""

    actors: int
    gpus_per_actor: float = 0.0
    address: str | None = None

    def __post_init__(self) -> None:
        if self.actors < 1 or self.gpus_per_actor < 0:
            raise GenerationError("Ray needs at least one actor and a non-negative number of GPUs per actor")


class _Holder:
    """A Ray actor holding one copy of a generator."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.generator = build()

    def settings(self) -> dict[str, Any]:
        return self.generator.settings()

    def call(self, method: str, batch: list[Any]) -> list[Any]:
        return getattr(self.generator, method)(batch)


class RayPool:
    """A text-to-image or chat generator whose calls are spread over Ray actors (module docstring)."""

    def __init__(self, build: Callable[[], Any], settings: RaySettings) -> None:
        from genjudge.judges.ray_runner import connect, import_ray

        try:
            ray = import_ray()
        except ImportError as exc:
            raise GenerationError(str(exc)) from None
        connect(settings.address)
        holder = ray.remote(num_gpus=settings.gpus_per_actor or None)(_Holder)
        self._ray = ray
        self._actors = [holder.remote(build) for _ in range(settings.actors)]
        try:
            self._settings = ray.get(self._actors[0].settings.remote())
        except ray.exceptions.RayTaskError as exc:
            raise exc.as_instanceof_cause() from None
        self._settings["ray_actors"] = settings.actors

    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    def _spread(self, method: str, batch: Sequence[Any]) -> list[Any]:
        items = list(batch)
        size = -(-len(items) // len(self._actors)) if items else 0
        shares = [items[start : start + size] for start in range(0, len(items), size)] if size else []
        futures = [
            actor.call.remote(method, share) for actor, share in zip(self._actors, shares, strict=False)
        ]
        try:
            return [result for part in self._ray.get(futures) for result in part]
        except self._ray.exceptions.RayTaskError as exc:
            raise exc.as_instanceof_cause() from None

    def generate(self, requests: Sequence[Any]) -> list[Any]:
        return self._spread("generate", requests)

    def chat(self, conversations: Sequence[Any]) -> list[Any]:
        return self._spread("chat", conversations)


def built(build: Callable[[], Any], ray: RaySettings | None) -> Any:
    """The generator ``build`` makes, in this process, or as a :class:`RayPool` of copies."""
    return build() if ray is None else RayPool(build, ray)
