"""Votes in the official Interleaved Arena results format (``judge_modelAB_results.json``), so
``genjudge arena report`` and OpenING's own scripts read them.

Each counted vote is one record ``{"data_id", "model_A": {"id", "name"}, "model_B": {...}, "winner"}``
with ``model_A`` the model shown on the left. The official files number models with string ids;
here a model's id is its position among the exported models in name order. Control pairs are not
battles and are left out, and so (by default) are the votes of voters who failed a control.

Several people voting on one pair give several records (``per_pair="all"``): each vote is a battle,
which is what win rates want. A human reference for judges (the Judges board, ``arena report
--human``, training) wants one verdict per pair, as the official file has: ``per_pair="majority"``
keeps each pair's most common verdict, read in one fixed model order so that votes shown either way
round count together; labels tied for most votes are settled by the latest vote among them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from genjudge.core.verdicts import AS_SEEN_BY_B, OUTCOME_CODES, WINNER_LABELS
from genjudge.safe_io.durable import atomic_write_bytes
from genjudge.votes.ledger import counted_votes

PerPair = Literal["all", "majority"]


def _majority_votes(votes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One vote per (instance, pair of models): the most common verdict, in name order of the models."""
    by_pair: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    for position, vote in enumerate(votes):
        first, second = sorted((vote["model_a"], vote["model_b"]))
        code = OUTCOME_CODES[vote["winner"]]
        label = WINNER_LABELS[code if vote["model_a"] == first else AS_SEEN_BY_B[code]]
        by_pair.setdefault((vote["uid"], first, second), []).append((position, label))
    chosen = []
    for (uid, first, second), cast in by_pair.items():
        counts = Counter(label for _, label in cast)
        most = max(counts.values())
        last_position, label = max((p, lab) for p, lab in cast if counts[lab] == most)
        chosen.append((last_position, {"uid": uid, "model_a": first, "model_b": second, "winner": label}))
    return [vote for _, vote in sorted(chosen, key=lambda item: item[0])]


def official_records(
    rows: Sequence[Mapping[str, Any]], *, include_flagged: bool = False, per_pair: PerPair = "all"
) -> list[dict[str, Any]]:
    """The counted votes as official result records, in the order they were cast (with
    ``per_pair="majority"``: one per pair, in the order of each pair's deciding vote)."""
    votes = counted_votes(rows, include_flagged=include_flagged)
    if per_pair == "majority":
        votes = _majority_votes(votes)
    ids = {
        name: str(k)
        for k, name in enumerate(sorted({v[side] for v in votes for side in ("model_a", "model_b")}))
    }
    return [
        {
            "data_id": vote["uid"],
            "model_A": {"id": ids[vote["model_a"]], "name": vote["model_a"]},
            "model_B": {"id": ids[vote["model_b"]], "name": vote["model_b"]},
            "winner": vote["winner"],
        }
        for vote in votes
    ]


def write_official(
    path: Path,
    rows: Sequence[Mapping[str, Any]],
    *,
    include_flagged: bool = False,
    per_pair: PerPair = "all",
) -> int:
    """Write :func:`official_records` to ``path`` (atomically); returns how many were written."""
    records = official_records(rows, include_flagged=include_flagged, per_pair=per_pair)
    atomic_write_bytes(path, (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode())
    return len(records)
