"""Held-out agreement of a judge with the human verdicts of a built set, with the existing agreement code.

The ``test`` split holds every human verdict on held-out instances; the judge gives its verdict on
the same pairs in the same order (through the judge runner, so batching is the backend's own), and
:func:`genjudge.scoring.agreement.judge_agreement` compares the two with the set's unseen models, so
the table has ``all``, ``seen``, ``unseen`` and their harmonic mean, as the OpenING paper reports.
A pair voted on more than once counts with its last verdict (``on_duplicate="last"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from genjudge.judges.protocol import PairwiseJudge
from genjudge.judges.runner import judge_pairs
from genjudge.scoring.agreement import Agreement, judge_agreement
from genjudge.training.examples import row_item


def _battles(rows: Sequence[Mapping[str, Any]], winners: Iterable[str]) -> pd.DataFrame:
    columns = ("uid", "model_a", "model_b")
    return pd.DataFrame({**{name: [row[name] for row in rows] for name in columns}, "winner": list(winners)})


def judge_verdicts(
    judge: PairwiseJudge, rows: Iterable[Mapping[str, Any]], *, batch_size: int = 8, progress: bool = True
) -> pd.DataFrame:
    """The judge's verdicts on the rows' pairs, as a battles frame."""
    rows = list(rows)
    run = judge_pairs(judge, [row_item(row) for row in rows], batch_size=batch_size, progress=progress)
    return _battles(rows, run.winners)


def heldout_agreement(
    judge: PairwiseJudge,
    rows: Iterable[Mapping[str, Any]],
    unseen_models: Sequence[str],
    *,
    batch_size: int = 8,
    progress: bool = True,
) -> Agreement:
    """Agreement of ``judge`` with the human verdicts in ``rows`` (the ``test`` split)."""
    rows = list(rows)
    human = _battles(rows, [row["winner"] for row in rows])
    verdicts = judge_verdicts(judge, rows, batch_size=batch_size, progress=progress)
    return judge_agreement(verdicts, human, unseen_models=unseen_models, on_duplicate="last")
