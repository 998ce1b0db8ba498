"""Votes in the official Interleaved Arena results format (``judge_modelAB_results.json``), so
``genjudge arena report`` and OpenING's own scripts read them.

Each counted vote is one record ``{"data_id", "model_A": {"id", "name"}, "model_B": {...}, "winner"}``
with ``model_A`` the model shown on the left. The official files number models with string ids;
here a model's id is its position among the exported models in name order. Control pairs are not
battles and are left out, and so (by default) are the votes of voters who failed a control. Several
people voting on one pair give several records: score agreement on such a file with
``arena report --on-duplicate last`` or count each vote as a battle (the default of win rates).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from genjudge.durable import atomic_write_bytes
from genjudge.votes.ledger import counted_votes


def official_records(
    rows: Sequence[Mapping[str, Any]], *, include_flagged: bool = False
) -> list[dict[str, Any]]:
    """The counted votes as official result records, in the order they were cast."""
    votes = counted_votes(rows, include_flagged=include_flagged)
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


def write_official(path: Path, rows: Sequence[Mapping[str, Any]], *, include_flagged: bool = False) -> int:
    """Write :func:`official_records` to ``path`` (atomically); returns how many were written."""
    records = official_records(rows, include_flagged=include_flagged)
    atomic_write_bytes(path, (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode())
    return len(records)
