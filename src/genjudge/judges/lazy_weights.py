"""Weights that load on first use, so a judge can be built (and name itself) without loading them.

A judge's identity (``judge_id``, ``revision``, ``prompt_version``) is all a run needs to look its
verdicts up in the cache; its weights are needed only for the first batch that is not cached. So
every judge with weights builds them through :class:`LazyWeights`: constructing the judge checks
what it cheaply can (folders, pinned hashes, options) and settles its identity, while loading (a
sentence embedder, a 16 GB checkpoint) waits until a batch needs judging. A fully cached run, and
a command that refuses its input, then never pay for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LazyWeights(Generic[T]):
    """What ``load`` returns, built on the first :meth:`get` (once, whichever thread asks first).

    A failed load is not remembered: the next :meth:`get` tries again and raises again.
    """

    def __init__(self, load: Callable[[], T]) -> None:
        self._load: Callable[[], T] | None = load
        self._value: T | None = None
        self._lock = threading.Lock()

    @classmethod
    def loaded_already(cls, value: T) -> LazyWeights[T]:
        """Weights built elsewhere (a judge around an in-memory model)."""
        weights: LazyWeights[T] = cls(lambda: value)
        weights.get()
        return weights

    @property
    def loaded(self) -> bool:
        return self._load is None

    def get(self) -> T:
        if self._load is not None:
            with self._lock:
                if self._load is not None:
                    self._value = self._load()
                    self._load = None
        return self._value  # type: ignore[return-value]
