"""The numbers the Vote tab shows while votes come in: how well the board's judge agrees with the
crowd (with bootstrap intervals), and the crowd's win rates next to the judge's.

Agreement is :func:`genjudge.scoring.agreement.judge_agreement` itself, on the votes the judge also
judged: each vote is matched to the judge's verdict on the same instance and pair, turned to the
judge's A/B order first (a vote on the pair shown the other way round names the other side), and
counted once per vote (two people voting on one pair are two comparisons). The interval is a
percentile bootstrap over votes (1,000 resamples by default).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from genjudge.core.verdicts import AS_SEEN_BY_B, OUTCOME_CODES, WINNER_LABELS
from genjudge.scoring.agreement import AGREEMENT_VARIANTS, judge_agreement
from genjudge.scoring.winrate import win_rates
from genjudge.votes.ledger import BATTLE, counted_votes, failed_voters
from genjudge.votes.pool import BATTLE_COLUMNS

FLIPPED: dict[str, str] = {
    label: WINNER_LABELS[AS_SEEN_BY_B[OUTCOME_CODES[label]]] for label in WINNER_LABELS
}
"""A label as seen with the two sides swapped (``A`` ↔ ``B``, ``Tie(A)`` ↔ ``Tie(B)``)."""
_FDT_SIDE = {"A": 0, "Tie(A)": 0, "B": 1, "Tie(B)": 1}


def vote_battles(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Votes as a battles frame (``uid``, ``model_a``, ``model_b``, ``winner``) in the order shown."""
    return pd.DataFrame([[r[c] for c in BATTLE_COLUMNS] for r in rows], columns=list(BATTLE_COLUMNS))


def _judge_index(judge: pd.DataFrame) -> dict[tuple[str, frozenset[str]], tuple[str, str]]:
    """(uid, {models}) → (judge's model A, its winner); a pair judged twice keeps the last verdict."""
    return {
        (uid, frozenset((a, b))): (a, winner)
        for uid, a, b, winner in judge[list(BATTLE_COLUMNS)].itertuples(index=False)
    }


def aligned(human: pd.DataFrame, judge: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The votes the judge also judged and the judge's verdicts on them, row by row, both in the judge's
    A/B order and keyed by the vote's position (so repeated votes on a pair stay separate)."""
    index = _judge_index(judge)
    human_rows, judge_rows = [], []
    for uid, a, b, winner in human[list(BATTLE_COLUMNS)].itertuples(index=False):
        found = index.get((uid, frozenset((a, b))))
        if found is None:
            continue
        judge_a, judge_winner = found
        key = str(len(human_rows))
        if judge_a == a:
            human_rows.append((key, a, b, winner))
        else:
            human_rows.append((key, b, a, FLIPPED[winner]))
        judge_rows.append((key, *human_rows[-1][1:3], judge_winner))
    columns = list(BATTLE_COLUMNS)
    return pd.DataFrame(human_rows, columns=columns), pd.DataFrame(judge_rows, columns=columns)


@functools.cache
def _cells() -> tuple[np.ndarray, np.ndarray]:
    """For each (vote label, judge label) cell, flattened, and each variant: whether
    :func:`judge_agreement` counts such a pair and whether it counts it as agreeing. Read off
    ``judge_agreement`` itself on one-pair sets, so the variants' rules stay in one place."""
    n = len(WINNER_LABELS)
    counted = np.zeros((n * n, len(AGREEMENT_VARIANTS)))
    agreed = np.zeros_like(counted)
    for h, human_label in enumerate(WINNER_LABELS):
        for j, judge_label in enumerate(WINNER_LABELS):
            one = [
                pd.DataFrame([("0", "a", "b", label)], columns=list(BATTLE_COLUMNS))
                for label in (judge_label, human_label)
            ]
            row = judge_agreement(*one).table.loc["all"]
            for k, variant in enumerate(AGREEMENT_VARIANTS):
                counted[h * n + j, k] = row["pairs_without_tie"] if variant == "without_tie" else row["pairs"]
                agreed[h * n + j, k] = 0.0 if np.isnan(row[variant]) else row[variant] * counted[h * n + j, k]
    return counted, agreed


def agreement_with_intervals(
    human: pd.DataFrame, judge: pd.DataFrame, *, rounds: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """FDT / with-tie / without-tie agreement of the judge with the votes, with 95% percentile
    bootstrap intervals over votes: one row per variant, columns ``agreement``, ``lower``, ``upper``,
    ``pairs`` (votes counted in that variant). NaN where no vote is counted.

    A resample of the votes only changes how many fall in each (vote label, judge label) cell, so the
    bootstrap draws those counts (multinomially) instead of re-matching resampled frames."""
    votes, verdicts = aligned(human, judge)
    rows = {v: (np.nan, np.nan, np.nan, 0) for v in AGREEMENT_VARIANTS}
    if votes.empty:
        return _agreement_frame(rows)
    point = judge_agreement(verdicts, votes).table.loc["all"]
    n = len(WINNER_LABELS)
    cell = (
        votes["winner"].map(OUTCOME_CODES).to_numpy() * n + verdicts["winner"].map(OUTCOME_CODES).to_numpy()
    )
    tally = np.bincount(cell, minlength=n * n)
    counted, agreed = _cells()
    draws = np.random.default_rng(seed).multinomial(len(votes), tally / len(votes), size=rounds)
    with np.errstate(divide="ignore", invalid="ignore"):
        replicates = (draws @ agreed) / (draws @ counted)
    for k, variant in enumerate(AGREEMENT_VARIANTS):
        column = replicates[:, k][np.isfinite(replicates[:, k])]
        low, high = np.percentile(column, [2.5, 97.5]) if len(column) else (np.nan, np.nan)
        pairs = int(point["pairs_without_tie"] if variant == "without_tie" else point["pairs"])
        rows[variant] = (float(point[variant]), float(low), float(high), pairs)
    return _agreement_frame(rows)


def _agreement_frame(rows: Mapping[str, tuple[float, float, float, int]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["agreement", "lower", "upper", "pairs"])
    frame.index.name = "variant"
    return frame


def side_by_side_win_rates(human: pd.DataFrame, judge: pd.DataFrame) -> pd.DataFrame:
    """FDT win rate of each model by the crowd's votes and by the judge's verdicts, with the number of
    battles behind each; sorted by the crowd's rate."""
    columns = ["model", "crowd_fdt", "votes", "judge_fdt", "judge_battles"]
    parts = []
    for frame, rate, count in ((human, "crowd_fdt", "votes"), (judge, "judge_fdt", "judge_battles")):
        if frame.empty:
            parts.append(pd.DataFrame(columns=[rate, count]))
        else:
            rates = win_rates(frame[list(BATTLE_COLUMNS)])
            parts.append(rates[["fdt", "battles"]].rename(columns={"fdt": rate, "battles": count}))
    table = parts[0].join(parts[1], how="outer")
    table.index.name = "model"
    table = table.reset_index().reindex(columns=columns)
    table[["votes", "judge_battles"]] = table[["votes", "judge_battles"]].fillna(0).astype("int64")
    return table.sort_values(["crowd_fdt", "judge_fdt"], ascending=False, na_position="last").reset_index(
        drop=True
    )


def preferred_model(model_a: str, model_b: str, winner: str) -> str | None:
    """The model a verdict sides with under FDT, a tie counting for the side it leans to (``None``
    for a plain tie)."""
    side = _FDT_SIDE.get(winner)
    return None if side is None else (model_a, model_b)[side]


def disagreements(human: pd.DataFrame, judge: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Pairs (uid, judge's model A, model B) where the crowd's majority (FDT: a tie leaning to a side
    counts for it) prefers the other model than the judge; an even split is no majority."""
    tallies: dict[tuple[str, frozenset[str]], Counter[str]] = defaultdict(Counter)
    for uid, a, b, winner in human[list(BATTLE_COLUMNS)].itertuples(index=False):
        preferred = preferred_model(a, b, winner)
        if preferred is not None:
            tallies[(uid, frozenset((a, b)))][preferred] += 1
    out = []
    for (uid, pair), (judge_a, judge_winner) in _judge_index(judge).items():
        tally = tallies.get((uid, pair))
        if not tally:
            continue
        (top, n_top), *rest = tally.most_common()
        if rest and rest[0][1] == n_top:
            continue
        judge_b = next(iter(pair - {judge_a}))
        if top != preferred_model(judge_a, judge_b, judge_winner):
            out.append((uid, judge_a, judge_b))
    return sorted(out)


@dataclass(frozen=True)
class LiveNumbers:
    """What the Vote tab shows: agreement per variant, win rates side by side, and the counts."""

    agreement: pd.DataFrame
    win_rates: pd.DataFrame
    votes: int
    counted: int
    controls: int
    flagged_voters: int


def live_numbers(
    rows: Sequence[Mapping[str, Any]],
    judge: pd.DataFrame,
    *,
    include_flagged: bool = False,
    rounds: int = 1000,
    seed: int = 0,
) -> LiveNumbers:
    """The live numbers from the ledger's ``rows`` and the board judge's battles."""
    counted = counted_votes(rows, include_flagged=include_flagged)
    human = vote_battles(counted)
    return LiveNumbers(
        agreement=agreement_with_intervals(human, judge, rounds=rounds, seed=seed),
        win_rates=side_by_side_win_rates(human, judge),
        votes=len(rows),
        counted=len(counted),
        controls=sum(r["kind"] != BATTLE for r in rows),
        flagged_voters=len(failed_voters(rows)),
    )
