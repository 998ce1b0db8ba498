"""Which instances and which models a judge never sees in training (the paper's seen/unseen split).

Held-out instances test whether the judge generalises to new requests; held-out ("unseen") models
test whether it generalises to generators it never saw answers of. Both are drawn with a seeded
generator unless given, and written into the dataset so the agreement after training is measured
on exactly the same split.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from genjudge.safe_io.located_error import FormatError


@dataclass(frozen=True)
class Holdout:
    """The held-out instance uids and model names, and the seed that drew them."""

    test_instances: tuple[str, ...]
    unseen_models: tuple[str, ...]
    seed: int

    def to_dict(self) -> dict[str, object]:
        return {
            "test_instances": list(self.test_instances),
            "unseen_models": list(self.unseen_models),
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Holdout:
        return cls(
            tuple(str(uid) for uid in data["test_instances"]),
            tuple(str(model) for model in data["unseen_models"]),
            int(data["seed"]),
        )


def draw_holdout(
    judged_uids: Sequence[str],
    judged_models: Sequence[str],
    *,
    test_fraction: float,
    n_unseen_models: int,
    seed: int,
    test_instances: Iterable[str] | None = None,
    unseen_models: Iterable[str] | None = None,
    never_drawn: Iterable[str] = (),
) -> Holdout:
    """Hold out ``test_fraction`` of the human-judged instances and ``n_unseen_models`` of their models.

    Given lists win over drawing; names that no human verdict mentions are refused, since a typo
    would otherwise hold out nothing. Models in ``never_drawn`` (the gold answer's stand-in, whose
    content RAG pairs train on anyway) are not drawn as unseen.
    """
    uids = sorted(set(judged_uids))
    models = sorted(set(judged_models))
    rng = np.random.default_rng(seed)
    if test_instances is not None:
        chosen = tuple(dict.fromkeys(str(uid) for uid in test_instances))
        unknown = [uid for uid in chosen if uid not in set(uids)]
        if unknown:
            raise FormatError(f"held-out instance(s) {', '.join(unknown[:5])} have no human verdict")
    else:
        if not 0 < test_fraction < 1:
            raise FormatError(f"the held-out fraction must be between 0 and 1, got {test_fraction}")
        if len(uids) < 2:
            raise FormatError(
                f"human verdicts cover {len(uids)} instance(s); at least 2 are needed to hold some out"
            )
        count = min(max(1, round(test_fraction * len(uids))), len(uids) - 1)
        chosen = tuple(sorted(rng.choice(uids, size=count, replace=False).tolist()))
    if unseen_models is not None:
        unseen = tuple(dict.fromkeys(unseen_models))
        unknown = [model for model in unseen if model not in set(models)]
        if unknown:
            raise FormatError(
                f"unseen model(s) {', '.join(map(repr, unknown))} appear in no human verdict; "
                f"the verdicts name {', '.join(map(repr, models))}"
            )
    else:
        candidates = [model for model in models if model not in set(never_drawn)]
        if not 0 <= n_unseen_models < len(candidates):
            raise FormatError(
                f"cannot hold out {n_unseen_models} of the {len(candidates)} judged models that may be "
                "drawn; at least one must stay seen"
            )
        unseen = tuple(sorted(rng.choice(candidates, size=n_unseen_models, replace=False).tolist()))
    return Holdout(chosen, unseen, seed)
