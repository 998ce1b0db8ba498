"""Choosing which pairs of model outputs a judge compares.

:func:`sample_pairs` is the default: a seeded sample in which every pair of models meets about
equally often (so every model gets about the same number of battles), each instance gets
``per_instance`` distinct pairs, and the A/B order is a fair coin. Given the pairs already
judged (``existing``) and a longer model list, it returns only pairs that involve the new
models, so the old verdicts stay valid and only new pairs need judging.

:func:`official_ring_pairs` reproduces the OpenING scheme (``sampling_battles_pairs.py``) for
comparisons with the paper: per subtask the models are shuffled into a ring and each instance
takes the next neighbour pair, then every instance gets one extra random pair; the model
listed first is always shown as A. Its battle counts per model pair are far less even, which
is one reason rankings moved between two official sampling runs (OpenING issue #2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

PAIR_COLUMNS: list[str] = ["uid", "model_a", "model_b"]


def _check_names(values: Sequence[str], what: str) -> list[str]:
    names = [str(value) for value in values]
    if not names:
        raise ValueError(f"no {what} given")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{what} lists {name!r} more than once")
        seen.add(name)
    return names


def _orient(rng: np.random.Generator, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    flips = rng.random(len(pairs)) < 0.5
    return [(b, a) if flip else (a, b) for (a, b), flip in zip(pairs, flips, strict=True)]


def _balanced_sequence(
    rng: np.random.Generator, all_pairs: list[tuple[str, str]], length: int, chunk: int
) -> list[tuple[str, str]]:
    """``length`` pairs made of shuffled rounds over ``all_pairs``; no repeat inside any ``chunk``.

    Going through every pair once per round before any pair repeats is what makes the pair
    counts differ by at most one.
    """
    sequence: list[tuple[str, str]] = []
    while len(sequence) < length:
        round_order = [all_pairs[i] for i in rng.permutation(len(all_pairs))]
        # A chunk that straddles two rounds could get one pair twice: move the pairs of the
        # chunk's head out of the new round's first ``room`` places. The round stays a
        # permutation (balance is kept) and enough other pairs exist, because the head has
        # ``offset`` pairs and chunk <= len(all_pairs).
        offset = len(sequence) % chunk
        if offset:
            head = set(sequence[len(sequence) - offset :])
            room = chunk - offset
            kept = [pair for pair in round_order if pair not in head]
            moved = [pair for pair in round_order if pair in head]
            round_order = kept[:room] + moved + kept[room:]
        sequence.extend(round_order)
    return sequence[:length]


def sample_pairs(
    uids: Sequence[str],
    models: Sequence[str],
    *,
    seed: int,
    existing: pd.DataFrame | None = None,
    per_instance: int = 2,
) -> pd.DataFrame:
    """A seeded, balanced sample of battles ``(uid, model_a, model_b)``.

    Without ``existing``: ``per_instance`` distinct model pairs per uid, model pairs used
    equally often (counts differ by at most one), A/B order random.

    With ``existing`` (a frame with ``uid, model_a, model_b`` over some of ``models``): the
    models of ``models`` missing from it are new; the result holds only new pairs, each new
    model meeting every other model about equally often and getting about as many battles as
    an existing model has on average, spread over the uids. The existing rows are not
    returned and never changed.
    """
    uid_list = _check_names(uids, "uids")
    model_list = _check_names(models, "models")
    if len(model_list) < 2:
        raise ValueError("at least two models are needed to form a pair")
    rng = np.random.default_rng(seed)
    if existing is None:
        all_pairs = list(combinations(model_list, 2))
        if not 1 <= per_instance <= len(all_pairs):
            raise ValueError(
                f"per_instance must be between 1 and {len(all_pairs)} (the number of model pairs), "
                f"got {per_instance}"
            )
        sequence = _balanced_sequence(rng, all_pairs, len(uid_list) * per_instance, per_instance)
        rows = [(uid_list[i // per_instance], a, b) for i, (a, b) in enumerate(_orient(rng, sequence))]
        return pd.DataFrame(rows, columns=PAIR_COLUMNS)
    return _extend_pairs(rng, uid_list, model_list, existing)


def _extend_pairs(
    rng: np.random.Generator, uid_list: list[str], model_list: list[str], existing: pd.DataFrame
) -> pd.DataFrame:
    missing = [column for column in PAIR_COLUMNS if column not in existing.columns]
    if missing:
        raise ValueError(f"existing pairs are missing column(s) {missing}")
    if len(existing) == 0:
        raise ValueError("existing pairs are empty; call sample_pairs without existing to start")
    old_models = pd.unique(existing[["model_a", "model_b"]].astype(str).to_numpy().ravel())
    unknown = sorted(set(old_models) - set(model_list))
    if unknown:
        raise ValueError(f"existing pairs use model(s) {unknown} that are not in models")
    unknown_uids = sorted(set(existing["uid"].astype(str)) - set(uid_list))
    if unknown_uids:
        raise ValueError(f"existing pairs use uid(s) {unknown_uids[:5]} that are not in uids")
    old = set(old_models)
    new_models = [model for model in model_list if model not in old]
    if not new_models:
        return pd.DataFrame(columns=PAIR_COLUMNS, dtype=str)
    # An existing model has 2 * rows / models battles on average; each new model gets as many.
    target = max(1, round(2 * len(existing) / len(old)))
    taken = {
        (uid, frozenset((a, b)))
        for uid, a, b in existing[PAIR_COLUMNS].astype(str).itertuples(index=False, name=None)
    }
    uid_order = [uid_list[i] for i in rng.permutation(len(uid_list))]
    uid_cursor = 0
    rows: list[tuple[str, str, str]] = []
    for position, model in enumerate(new_models):
        # Opponents: every old model and the new models after this one (each new-new pair once).
        opponents = [m for m in model_list if m in old] + new_models[position + 1 :]
        already = sum(1 for _, a, b in rows if model in (a, b))
        needed = max(0, target - already)
        opponent_cycle = [opponents[i] for i in rng.permutation(len(opponents))]
        for k in range(needed):
            opponent = opponent_cycle[k % len(opponent_cycle)]
            if k % len(opponent_cycle) == len(opponent_cycle) - 1:
                opponent_cycle = [opponents[i] for i in rng.permutation(len(opponents))]
            for _ in range(len(uid_order)):
                uid = uid_order[uid_cursor % len(uid_order)]
                uid_cursor += 1
                if (uid, frozenset((model, opponent))) not in taken:
                    break
            else:
                raise ValueError(f"every uid already compares {model!r} with {opponent!r}")
            taken.add((uid, frozenset((model, opponent))))
            rows.append((uid, model, opponent))
    oriented = _orient(rng, [(a, b) for _, a, b in rows])
    return pd.DataFrame(
        [(uid, a, b) for (uid, _, _), (a, b) in zip(rows, oriented, strict=True)], columns=PAIR_COLUMNS
    )


def official_ring_pairs(
    uids: Sequence[str],
    subtasks: Sequence[str],
    models: Sequence[str],
    *,
    seed: int,
    per_instance: int = 2,
) -> pd.DataFrame:
    """Pairs drawn the way OpenING's ``sampling_battles_pairs.py`` draws them.

    ``uids[i]`` belongs to subtask ``subtasks[i]``. Per subtask: shuffle the models into a
    ring, pair each with its right neighbour, start at a random ring position and hand the
    instances successive ring pairs. Then, ``per_instance - 1`` times, every instance gets one
    more pair of two models it has not yet seen in that round, drawn at random and rejected
    if the pair (in either order) was already drawn for that uid. A/B order is never swapped.
    Same scheme, seeded numpy generator: the official files cannot be re-drawn exactly
    (their script used Python's unseeded ``random``).
    """
    uid_list = _check_names(uids, "uids")
    subtask_list = [str(value) for value in subtasks]
    model_list = _check_names(models, "models")
    if len(subtask_list) != len(uid_list):
        raise ValueError(f"got {len(uid_list)} uids but {len(subtask_list)} subtasks")
    if len(model_list) < 4 and per_instance > 1:
        raise ValueError("the extra official pairs need at least four models")
    if per_instance < 1:
        raise ValueError(f"per_instance must be at least 1, got {per_instance}")
    rng = np.random.default_rng(seed)
    by_subtask: dict[str, list[str]] = {}
    for uid, subtask in zip(uid_list, subtask_list, strict=True):
        by_subtask.setdefault(subtask, []).append(uid)

    rows: list[tuple[str, str, str]] = []
    for subtask_uids in by_subtask.values():
        ring = [model_list[i] for i in rng.permutation(len(model_list))]
        ring_pairs = [(ring[i], ring[(i + 1) % len(ring)]) for i in range(len(ring))]
        start = int(rng.integers(len(ring_pairs)))
        for offset, uid in enumerate(subtask_uids):
            rows.append((uid, *ring_pairs[(start + offset) % len(ring_pairs)]))

    for _ in range(per_instance - 1):
        drawn = {(uid, a, b) for uid, a, b in rows}
        extra = []
        for uid, a, b in rows[: len(uid_list)]:
            available = [model for model in model_list if model not in (a, b)]
            while True:
                first, second = rng.choice(len(available), size=2, replace=False)
                model_a, model_b = available[first], available[second]
                if (uid, model_a, model_b) not in drawn and (uid, model_b, model_a) not in drawn:
                    break
            extra.append((uid, model_a, model_b))
        rows.extend(extra)
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def newcomer_pairs(
    uids: Sequence[str], new_model: str, opponents: Sequence[str], *, seed: int, per_instance: int
) -> pd.DataFrame:
    """Battles for a model joining a board: per instance, ``per_instance`` distinct opponents drawn
    at random, and a random A/B order (judges have position bias; a fixed order would tilt every
    new model the same way).

    Unlike :func:`sample_pairs`, which balances pair counts over a fixed set of models, this draw
    depends only on ``seed``, the new model, the instance and the opponents — not on the order
    models joined — so a rerun of an interrupted job gets exactly the same pairs, and every pair
    involves the new model, so no pair between two old models is ever re-judged.
    """
    if not opponents:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    pool = sorted(opponents)
    rows = []
    for uid in sorted(uids):
        digest = hashlib.sha256(f"{seed}\x00{new_model}\x00{uid}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
        chosen = rng.choice(len(pool), size=min(per_instance, len(pool)), replace=False)
        flips = rng.random(len(chosen)) < 0.5
        for index, flip in zip(chosen, flips, strict=True):
            a, b = (pool[index], new_model) if flip else (new_model, pool[index])
            rows.append((uid, a, b))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)
