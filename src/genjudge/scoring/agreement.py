"""Judge–human agreement, as OpenING's ``calculate_agreement.py`` defines it.

Two verdict sets are matched on (uid, model A, model B) — the order shown matters, because a
verdict names a side. On the matched pairs:

- **FDT** (force dividing tie): ``Tie(A)`` counts as ``A`` and ``Tie(B)`` as ``B``; the two agree
  when the resulting sides are equal. A plain ``Tie`` has no side to be forced to, so it is
  its own class here and agrees only with another plain ``Tie`` (the official script turns it
  into ``A``, an arbitrary choice its own comment flags; the official files hold none).
- **with tie**: every tie label is one class ``Tie``; agreement over all matched pairs.
- **without tie**: pairs where either side said any tie are dropped, then agreement on ``A``/``B``.

With a list of unseen models, every variant is also split into pairs that involve at least one
unseen model ("unseen") and the rest ("seen"), plus the harmonic mean of the two, as the
OpenING paper reports for IntJudge. Every pair that is not counted is counted somewhere in
:attr:`Agreement.counts` — nothing is dropped silently.

With ``bootstrap_rounds``, each group also gets percentile intervals from resampling its matched
pairs with replacement. A pair enters a rate only through its (human outcome, judge outcome)
cell, so a resample of n pairs is a multinomial draw of n over the 25 cells with the observed
cell shares: drawing that is the same bootstrap, at a cost that does not grow with n.

:func:`swap_consistency` measures a judge on its own: of the pairs it judged in both orders
(A|B and B|A), the share whose verdict flips with the order, as a judge without position bias does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from genjudge.scoring.battles import PreparedBattles, arrow_text, factorize_text, prepare_battles

AGREEMENT_VARIANTS: tuple[str, ...] = ("fdt", "with_tie", "without_tie")

# Class of each outcome code (A, B, Tie(A), Tie(B), Tie) under each variant (columns, in
# AGREEMENT_VARIANTS order); -1 = the pair is dropped.
_CLASS_TABLE = np.array(
    [
        [0, 0, 0],  # A
        [1, 1, 1],  # B
        [0, 2, -1],  # Tie(A): its lean under FDT, a tie with tie, dropped without tie
        [1, 2, -1],  # Tie(B)
        [2, 2, -1],  # Tie: no lean, so its own class under FDT
    ]
)
_N_OUTCOMES = len(_CLASS_TABLE)
# For each (human outcome, judge outcome) cell, flattened, and each variant: is the pair
# counted, and do the two agree?
_COUNTED = ((_CLASS_TABLE[:, None, :] >= 0) & (_CLASS_TABLE[None, :, :] >= 0)).reshape(-1, 3).astype(np.int64)
_AGREED = _COUNTED * (_CLASS_TABLE[:, None, :] == _CLASS_TABLE[None, :, :]).reshape(-1, 3)


@dataclass(frozen=True)
class Agreement:
    """Agreement table and the counts behind it.

    ``table`` has one row per group (``all``; with unseen models also ``seen``, ``unseen`` and
    ``harmonic_mean``) and columns ``fdt``, ``with_tie``, ``without_tie`` (fractions in
    [0, 1], NaN for an empty group), ``pairs`` (matched pairs in the group; for
    ``harmonic_mean`` the seen and unseen pairs it summarises) and ``pairs_without_tie``
    (those left after dropping ties).

    ``intervals`` (with ``bootstrap_rounds``) has the same groups and, per variant, the columns
    ``<variant>_lower`` and ``<variant>_upper``: the percentile interval at ``confidence`` (NaN
    where the group has no pair for that variant).

    ``counts`` says where every verdict went: ``human_verdicts``, ``judge_verdicts`` (rows
    given), ``human_duplicates_dropped``, ``judge_duplicates_dropped`` (earlier rows overridden
    by a later row with the same key, only with ``on_duplicate="last"``), ``matched``,
    ``human_only`` and ``judge_only`` (unique keys without a partner), ``tie_pairs_dropped``
    (matched pairs left out of *without tie*).
    """

    table: pd.DataFrame
    counts: dict[str, int]
    unseen_models: tuple[str, ...] = ()
    absent_unseen_models: tuple[str, ...] = field(default=())
    intervals: pd.DataFrame | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain nested dict (JSON-ready: NaN becomes None)."""
        out: dict[str, object] = {
            "agreement": _records(self.table),
            "counts": dict(self.counts),
            "unseen_models": list(self.unseen_models),
            "absent_unseen_models": list(self.absent_unseen_models),
        }
        if self.intervals is not None:
            out["intervals"] = _records(self.intervals)
        return out


def _records(table: pd.DataFrame) -> dict[str, dict[str, float | int | None]]:
    return {
        str(group): {
            column: None if pd.isna(value) else (int(value) if column.startswith("pairs") else float(value))
            for column, value in row.items()
        }
        for group, row in table.iterrows()
    }


class _KeyTable:
    """The last row holding each pair key, as sorted unique keys with their row positions.

    Keys are plain integers, so sorting once and merging two sorted key lists with
    ``searchsorted`` beats building hash indexes for the few thousand pairs of an arena file,
    and stays O(n log n) for millions.
    """

    def __init__(self, keys: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        # With a stable sort, the last row of each run of equal keys is the key's last occurrence.
        last = np.r_[ordered[1:] != ordered[:-1], True]
        self.keys = ordered[last]
        self.positions = order[last]
        self.overridden = order[~last]  # rows replaced by a later row with the same key

    def match(self, other: _KeyTable) -> tuple[np.ndarray, np.ndarray]:
        """Row positions (here, in ``other``) of the keys both tables hold."""
        slot = np.minimum(np.searchsorted(other.keys, self.keys), len(other.keys) - 1)
        found = other.keys[slot] == self.keys
        return self.positions[found], other.positions[slot[found]]


def _dedupe(
    columns: PreparedBattles, keys: np.ndarray, name: str, on_duplicate: Literal["error", "last"]
) -> _KeyTable:
    """The key table of one verdict set, after resolving repeated pairs."""
    table = _KeyTable(keys)
    if len(table.overridden) and on_duplicate == "error":
        raise ValueError(
            f"{name}: {columns.row_label(int(table.overridden.min()))} is judged more than once "
            f"({len(table.overridden)} repeated row(s)); pass on_duplicate='last' to keep the last "
            "verdict for each pair, as the official script does"
        )
    return table


def _uid_codes(human: PreparedBattles, judge: PreparedBattles) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the two ``uid`` columns over their shared values (one Arrow pass when possible)."""
    human_uid, judge_uid = arrow_text(human.uid), arrow_text(judge.uid)
    if human_uid is not None and judge_uid is not None and human_uid.type == judge_uid.type:
        codes = pa.concat_arrays([human_uid, judge_uid]).dictionary_encode().indices.to_numpy()
        codes = codes.astype(np.int64)
        return codes[: len(human_uid)], codes[len(human_uid) :]
    (human_codes, judge_codes), _ = factorize_text(human.uid, judge.uid)
    return human_codes, judge_codes


def _pair_keys(human: PreparedBattles, judge: PreparedBattles) -> tuple[np.ndarray, np.ndarray]:
    """One integer key per (uid, model A, model B), comparable across the two sets."""
    human_uid, judge_uid = _uid_codes(human, judge)
    h, j = human.encoded, judge.encoded
    # Model lists are short: a dict maps both onto one numbering without another hashing pass.
    shared: dict[str, int] = {}
    for model in (*h.models, *j.models):
        shared.setdefault(model, len(shared))
    h_code = np.array([shared[model] for model in h.models], dtype=np.int64)
    j_code = np.array([shared[model] for model in j.models], dtype=np.int64)
    m = len(shared)
    return (human_uid * m + h_code[h.a]) * m + h_code[h.b], (judge_uid * m + j_code[j.a]) * m + j_code[j.b]


def _harmonic_mean(x: float, y: float) -> float:
    if np.isnan(x) or np.isnan(y) or x + y == 0:
        return float("nan")
    return 2 * x * y / (x + y)


def _rates(cells: np.ndarray) -> np.ndarray:
    """Agreement of each variant from (…, 25) cell counts; NaN where a variant counts no pair."""
    counted = cells @ _COUNTED
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counted > 0, (cells @ _AGREED) / np.maximum(counted, 1), np.nan)


def _resampled_rates(cells: np.ndarray, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """(rounds, variants) agreement rates of bootstrap resamples of a group's pairs."""
    n = int(cells.sum())
    if n == 0:
        return np.full((rounds, len(AGREEMENT_VARIANTS)), np.nan)
    return _rates(rng.multinomial(n, cells / n, size=rounds))


def _percentiles(draws: np.ndarray, confidence: float) -> np.ndarray:
    """(variants, 2) central percentile intervals, NaN for a variant without any finite draw."""
    tail = (1 - confidence) / 2 * 100
    out = np.full((draws.shape[1], 2), np.nan)
    for k in range(draws.shape[1]):
        finite = draws[:, k][np.isfinite(draws[:, k])]
        if finite.size:
            out[k] = np.percentile(finite, [tail, 100 - tail])
    return out


def _intervals(
    by_group: np.ndarray, names: list[str], rounds: int, seed: int, confidence: float
) -> pd.DataFrame:
    """Bootstrap intervals of every group (the harmonic mean from the paired seen/unseen draws)."""
    rng = np.random.default_rng(seed)
    draws = [_resampled_rates(cells, rounds, rng) for cells in by_group]
    if "harmonic_mean" in names:
        seen, unseen = draws[1], draws[2]
        with np.errstate(divide="ignore", invalid="ignore"):
            draws.append(np.where(seen + unseen > 0, 2 * seen * unseen / (seen + unseen), np.nan))
    bounds = np.stack([_percentiles(d, confidence) for d in draws])  # (groups, variants, 2)
    columns = {
        f"{variant}_{end}": bounds[:, k, j]
        for k, variant in enumerate(AGREEMENT_VARIANTS)
        for j, end in enumerate(("lower", "upper"))
    }
    return pd.DataFrame(columns, index=pd.Index(names, dtype=object, name="group"))


def judge_agreement(
    judge: pd.DataFrame | PreparedBattles,
    human: pd.DataFrame | PreparedBattles,
    *,
    unseen_models: Iterable[str] | None = None,
    on_duplicate: Literal["error", "last"] = "error",
    bootstrap_rounds: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
) -> Agreement:
    """Agreement of ``judge`` verdicts with ``human`` verdicts (both battles frames).

    ``unseen_models``: models the judge was not trained on; a pair is *unseen* when either of
    its models is in the list. Names in the list that appear in no matched pair are reported in
    :attr:`Agreement.absent_unseen_models` (a typo there would otherwise silently move every
    pair to *seen*).

    ``on_duplicate``: a pair judged twice in one set is an error by default; ``"last"`` keeps
    the last verdict, like the official script's dict, and counts the overridden rows.

    ``bootstrap_rounds`` > 0 adds :attr:`Agreement.intervals`, seeded by ``seed`` (the ``all``
    group is drawn first, so its interval does not depend on ``unseen_models``).
    """
    if on_duplicate not in ("error", "last"):
        raise ValueError(f"on_duplicate must be 'error' or 'last', got {on_duplicate!r}")
    if bootstrap_rounds < 0:
        raise ValueError(f"bootstrap_rounds must be 0 or more, got {bootstrap_rounds}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    human_columns = prepare_battles(human, name="human verdicts")
    judge_columns = prepare_battles(judge, name="judge verdicts")
    human_keys, judge_keys = _pair_keys(human_columns, judge_columns)
    human_table = _dedupe(human_columns, human_keys, "human verdicts", on_duplicate)
    judge_table = _dedupe(judge_columns, judge_keys, "judge verdicts", on_duplicate)
    human_matched, judge_matched = human_table.match(judge_table)
    human_outcome = human_columns.encoded.outcome[human_matched]
    judge_outcome = judge_columns.encoded.outcome[judge_matched]

    n_matched = len(human_matched)
    names = ["all"]
    is_unseen = np.zeros(n_matched, dtype=np.int64)
    unseen = tuple(dict.fromkeys(unseen_models)) if unseen_models is not None else ()
    absent: tuple[str, ...] = ()
    if unseen_models is not None:
        encoded = human_columns.encoded
        unseen_set = set(unseen)
        unseen_code = np.array([model in unseen_set for model in encoded.models], dtype=bool)
        a, b = encoded.a[human_matched], encoded.b[human_matched]
        is_unseen = (unseen_code[a] | unseen_code[b]).astype(np.int64)
        names += ["seen", "unseen"]
        present = np.bincount(a, minlength=len(encoded.models)) + np.bincount(
            b, minlength=len(encoded.models)
        )
        present_models = set(encoded.models[present > 0])
        absent = tuple(model for model in unseen if model not in present_models)

    # Count matched pairs once by (seen/unseen, human outcome, judge outcome); every rate is a
    # sum over that small table, whatever the number of pairs.
    tally = np.bincount(
        (is_unseen * _N_OUTCOMES + human_outcome) * _N_OUTCOMES + judge_outcome,
        minlength=2 * _N_OUTCOMES * _N_OUTCOMES,
    ).reshape(2, -1)
    by_group = np.vstack([tally.sum(axis=0), tally]) if unseen_models is not None else tally.sum(axis=0)[None]
    n_counted = by_group @ _COUNTED
    rates = _rates(by_group)
    pairs = by_group.sum(axis=1)
    pairs_without_tie = n_counted[:, 2]
    if unseen_models is not None:
        names.append("harmonic_mean")
        harmonic = [_harmonic_mean(rates[1, k], rates[2, k]) for k in range(len(AGREEMENT_VARIANTS))]
        rates = np.vstack([rates, harmonic])
        pairs = np.r_[pairs, pairs[1] + pairs[2]]
        pairs_without_tie = np.r_[pairs_without_tie, pairs_without_tie[1] + pairs_without_tie[2]]
    table = pd.DataFrame(
        {
            **{variant: rates[:, k] for k, variant in enumerate(AGREEMENT_VARIANTS)},
            "pairs": pairs,
            "pairs_without_tie": pairs_without_tie,
        },
        index=pd.Index(names, dtype=object, name="group"),
    )
    intervals = (
        _intervals(by_group, names, bootstrap_rounds, seed, confidence) if bootstrap_rounds > 0 else None
    )

    counts = {
        "human_verdicts": len(human_columns),
        "judge_verdicts": len(judge_columns),
        "human_duplicates_dropped": len(human_table.overridden),
        "judge_duplicates_dropped": len(judge_table.overridden),
        "matched": n_matched,
        "human_only": len(human_table.keys) - n_matched,
        "judge_only": len(judge_table.keys) - n_matched,
        "tie_pairs_dropped": n_matched - int(pairs_without_tie[0]),
    }
    return Agreement(
        table=table, counts=counts, unseen_models=unseen, absent_unseen_models=absent, intervals=intervals
    )


# The FDT side of each outcome code (A, B, Tie(A), Tie(B), Tie), and that side once the two
# models are shown the other way round.
_FDT_SIDE = _CLASS_TABLE[:, 0]
_SIDE_SWAPPED = np.array([1, 0, 2])


@dataclass(frozen=True)
class SwapConsistency:
    """How a judge's verdicts behave when the two outputs trade places.

    ``pairs`` is the number of (instance, model, model) pairs judged in both orders; ``consistent``
    those whose B|A verdict favours the same model as the A|B one does (the force-dividing-tie
    side: ``Tie(A)`` favours A; a plain ``Tie`` is consistent only with a plain ``Tie``).
    """

    pairs: int
    consistent: int

    @property
    def rate(self) -> float:
        """Share of consistent pairs; NaN when no pair was judged in both orders."""
        return self.consistent / self.pairs if self.pairs else float("nan")


def swap_consistency(verdicts: pd.DataFrame | PreparedBattles, *, name: str = "verdicts") -> SwapConsistency:
    """Position-swap consistency of one judge's verdicts (a battles frame).

    A pair shown in the same order twice is refused (naming the row): which of its verdicts to
    compare would be a guess.
    """
    columns = prepare_battles(verdicts, name=name)
    encoded = columns.encoded
    (uid,), _ = factorize_text(columns.uid)
    first, second = np.minimum(encoded.a, encoded.b), np.maximum(encoded.a, encoded.b)
    m = max(encoded.n_models, 1)
    unordered = (uid.astype(np.int64) * m + first) * m + second
    shown_first = encoded.a < encoded.b
    side = _FDT_SIDE[encoded.outcome]
    side = np.where(shown_first, side, _SIDE_SWAPPED[side])  # as if model `first` were shown as A
    repeated = _KeyTable(unordered * 2 + ~shown_first).overridden
    if len(repeated):
        raise ValueError(
            f"{name}: {columns.row_label(int(repeated.min()))} is judged more than once in the same order"
        )
    forward_rows, backward_rows = np.flatnonzero(shown_first), np.flatnonzero(~shown_first)
    if not len(forward_rows) or not len(backward_rows):
        return SwapConsistency(pairs=0, consistent=0)
    here, there = _KeyTable(unordered[forward_rows]).match(_KeyTable(unordered[backward_rows]))
    agreed = side[forward_rows[here]] == side[backward_rows[there]]
    return SwapConsistency(pairs=len(here), consistent=int(agreed.sum()))
