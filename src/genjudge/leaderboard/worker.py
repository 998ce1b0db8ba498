"""The queue worker: one submission at a time, judge only what is new, publish the board.

For a queued model the worker

1. records the models already on the board as its opponents (in the request, so a restarted job
   plays exactly the same opponents),
2. samples battles against them, seeded by the submission id (the same job always samples the
   same pairs; no pair between two old models is ever re-judged),
3. looks every pair up in the verdict store by content hashes and judge identity, and sends only
   the misses to the judge, in batches; each judged batch is appended and fsynced before the next
   starts, so a kill loses at most the batch in flight,
4. re-rates the whole board from all stored battles and publishes results, board and status.

A job found RUNNING at start is a job that was interrupted: it is simply run again, and steps
1–3 make the rerun judge only the missing pairs and produce the same numbers.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from genjudge.durable import atomic_target
from genjudge.judges.protocol import PairwiseItem, PairwiseJudge, Verdict
from genjudge.leaderboard.board import build_board
from genjudge.leaderboard.board_charts import rating_chart, winrate_heatmap
from genjudge.leaderboard.store import FINISHED, LeaderboardStore, now
from genjudge.records import Instance, ModelOutput
from genjudge.scoring.incremental import BoardState
from genjudge.scoring.rating_columns import empty_ratings

log = logging.getLogger(__name__)

JudgeFn = Callable[[PairwiseJudge, Sequence[PairwiseItem]], list[Verdict]]


def judge_with_runner(judge: PairwiseJudge, items: Sequence[PairwiseItem]) -> list[Verdict]:
    """One batch through the project's judging runner (:func:`genjudge.judges.runner.judge_pairs`),
    without its cache: the leaderboard's verdict store plays that part and keeps every verdict
    with the battle it belongs to."""
    from genjudge.judges.runner import judge_pairs

    run = judge_pairs(judge, items, cache=None, batch_size=max(len(items), 1), progress=False)
    return [pair.verdict for pair in run]


def sample_new_pairs(
    uids: Sequence[str], new_model: str, opponents: Sequence[str], *, seed: int, per_instance: int
) -> pd.DataFrame:
    """Battles for a model joining the board: per instance, ``per_instance`` distinct opponents
    drawn at random, and a random A/B order (judges have position bias; a fixed order would tilt
    every new model the same way).

    Every pair involves the new model, so adding a model never re-judges old pairs, and the draw
    depends only on ``seed``, the instance and the opponents, so a rerun gets the same pairs.
    """
    columns = ["uid", "model_a", "model_b"]
    if not opponents:
        return pd.DataFrame(columns=columns)
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
    return pd.DataFrame(rows, columns=columns)


@dataclass
class Worker:
    """Processes the store's queue with one judge. ``benchmarks`` maps a name to its instances."""

    store: LeaderboardStore
    benchmarks: Mapping[str, Sequence[Instance]]
    judge: PairwiseJudge
    seed: int = 0
    per_instance: int = 2
    batch_size: int = 8
    judge_fn: JudgeFn = judge_with_runner
    progress: bool = False
    _outputs: dict[str, dict[str, ModelOutput]] = field(default_factory=dict, repr=False)
    _boards: dict[str, _BoardCache] = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------------- loop
    def run_once(self) -> str | None:
        """Process the next queued (or interrupted) job; its id, or ``None`` when the queue is empty."""
        request = self.store.claim_next()
        if request is None:
            return None
        sid = request["submission_id"]
        try:
            self.process(request)
        except Exception as exc:
            log.exception("submission %s failed", sid)
            # The running statistics may hold part of this job: rebuild them from the store next time.
            self._boards.pop(request["benchmark"], None)
            self.store.fail(sid, f"{type(exc).__name__}: {exc}")
        return sid

    def run_until_empty(self) -> list[str]:
        done = []
        while (sid := self.run_once()) is not None:
            done.append(sid)
        return done

    def run_forever(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        """The Space's background loop: drain the queue, then wait for new work or ``stop``."""
        while not stop.is_set():
            try:
                worked = self.run_once() is not None
            except Exception:  # the store itself failed (disk full, ...): keep the thread alive
                log.exception("worker loop error")
                worked = False
            if not worked:
                stop.wait(poll_seconds)

    # ---------------------------------------------------------------- one job
    def _model_outputs(self, sid: str) -> dict[str, ModelOutput]:
        if sid not in self._outputs:
            self._outputs[sid] = self.store.read_outputs(sid)
        return self._outputs[sid]

    def _key(self, uid: str, hash_a: str, hash_b: str) -> tuple[str, ...]:
        return (uid, hash_a, hash_b, self.judge.judge_id, self.judge.revision, self.judge.prompt_version)

    def process(self, request: dict[str, Any]) -> None:
        sid = request["submission_id"]
        name = request["benchmark"]
        if name not in self.benchmarks:
            raise ValueError(f"unknown benchmark {name!r}; this worker serves {sorted(self.benchmarks)}")
        instances = {inst.total_uid: inst for inst in self.benchmarks[name]}
        board_requests = [
            r for r in self.store.requests(FINISHED, benchmark=name) if r["submission_id"] != sid
        ]
        if request.get("opponents") is None:
            request = self.store.update_request(sid, opponents=[r["submission_id"] for r in board_requests])
        opponent_ids = set(request["opponents"])
        board_requests = [r for r in board_requests if r["submission_id"] in opponent_ids]
        sid_of = {r["model"]: r["submission_id"] for r in [*board_requests, request]}

        pairs = sample_new_pairs(
            sorted(instances),
            request["model"],
            [r["model"] for r in board_requests],
            seed=self.seed,
            per_instance=self.per_instance,
        )
        cache = self._board_cache(name, board_requests)
        known = cache.known
        done = {(v["uid"], v["model_a"], v["model_b"]) for v in self.store.read_verdicts(name, sid)}
        todo: list[tuple[dict[str, Any], PairwiseItem | None]] = []
        for uid, model_a, model_b in pairs.itertuples(index=False):
            if (uid, model_a, model_b) in done:
                continue
            out_a = self._model_outputs(sid_of[model_a])[uid]
            out_b = self._model_outputs(sid_of[model_b])[uid]
            row = {
                "benchmark": name,
                "submission_id": sid,
                "uid": uid,
                "model_a": model_a,
                "model_b": model_b,
                "hash_a": out_a.content_hash,
                "hash_b": out_b.content_hash,
                "judge_id": self.judge.judge_id,
                "judge_revision": self.judge.revision,
                "prompt_version": self.judge.prompt_version,
            }
            cached = known.get(self._key(uid, row["hash_a"], row["hash_b"]))
            if cached is not None:
                todo.append(({**row, "winner": cached}, None))
            else:
                inst = instances[uid]
                item = PairwiseItem(
                    question=inst.input_steps,
                    output_a=out_a.steps,
                    output_b=out_b.steps,
                    reference=inst.output_steps,
                )
                todo.append((row, item))

        reused = [row for row, item in todo if item is None]
        self.store.append_verdicts(name, sid, reused)
        to_judge = [(row, item) for row, item in todo if item is not None]
        bar = tqdm(total=len(to_judge), desc=f"judging {request['model']}", disable=not self.progress)
        for start in range(0, len(to_judge), self.batch_size):
            chunk = to_judge[start : start + self.batch_size]
            verdicts = self.judge_fn(self.judge, [item for _, item in chunk])
            rows = [
                {**row, "winner": verdict.winner} for (row, _), verdict in zip(chunk, verdicts, strict=True)
            ]
            self.store.append_verdicts(name, sid, rows)
            bar.update(len(chunk))
        bar.close()

        self._publish(request, board_requests, n_new=len(pairs), n_judged=len(to_judge))

    def _board_cache(self, benchmark: str, board_requests: Sequence[dict[str, Any]]) -> _BoardCache:
        """The board's running statistics, brought up to date with jobs finished since last time
        (all of them after a restart: the only pass over every stored verdict)."""
        cache = self._boards.setdefault(benchmark, _BoardCache())
        for request in board_requests:
            if request["submission_id"] not in cache.loaded:
                cache.fold(self.store.read_verdicts(benchmark, request["submission_id"]))
                cache.loaded.add(request["submission_id"])
        return cache

    def _publish(
        self,
        request: dict[str, Any],
        board_requests: list[dict[str, Any]],
        *,
        n_new: int,
        n_judged: int,
    ) -> None:
        sid, name = request["submission_id"], request["benchmark"]
        members = [*board_requests, request]
        cache = self._boards[name]
        cache.fold(self.store.read_verdicts(name, sid))
        cache.loaded.add(sid)
        models = [r["model"] for r in members]
        previous = self.store.read_board(name)
        warm = dict(zip(previous["model"], previous["rating"], strict=True)) if previous is not None else None
        if cache.state.n_battles == 0:
            ratings = empty_ratings(models)
        else:
            ratings, _ = cache.state.fit(warm_start=warm)
            missing = sorted(set(models) - set(ratings["model"]))
            if missing:
                ratings = pd.concat([ratings, empty_ratings(missing)], ignore_index=True)
        board = build_board(name, ratings, members)
        charts = [self.store.chart_path(name, "ratings"), self.store.chart_path(name, "heatmap")]
        with atomic_target(charts[0]) as tmp:
            rating_chart(board, tmp, f"{name}: ratings")
        with atomic_target(charts[1]) as tmp:
            winrate_heatmap(cache.state, board, tmp, f"{name}: head to head")
        row = board[board["submission_id"] == sid].iloc[0]
        result = {
            "config": {
                "submission_id": sid,
                "model": request["model"],
                "model_link": request.get("model_link") or "",
                "benchmark": name,
                "judge_id": self.judge.judge_id,
                "judge_revision": self.judge.revision,
                "prompt_version": self.judge.prompt_version,
                "seed": self.seed,
                "submitted_at": request["submitted_at"],
                "evaluated_at": now(),
            },
            "results": {
                "winrate_fdt": _number(row["winrate_fdt"]),
                "winrate_with_tie": _number(row["winrate_with_tie"]),
                "winrate_without_tie": _number(row["winrate_without_tie"]),
                "rating": _number(row["rating"]),
                "rating_lower": _number(row["rating_lower"]),
                "rating_upper": _number(row["rating_upper"]),
                "rank": int(row["rank"]),
                "battles": int(row["battles"]),
                "new_battles": n_new,
                "judged": n_judged,
            },
        }
        self.store.finish(sid, benchmark=name, result=result, board=board, extra_files=charts)


@dataclass
class _BoardCache:
    """What the worker remembers about one board between jobs: running statistics, the verdict
    index (content hashes + judge identity → verdict) and which jobs are already folded in."""

    state: BoardState = field(default_factory=BoardState)
    known: dict[tuple[str, ...], str] = field(default_factory=dict)
    loaded: set[str] = field(default_factory=set)

    def fold(self, verdicts: Sequence[dict[str, Any]]) -> None:
        for v in verdicts:
            key = (
                v["uid"],
                v["hash_a"],
                v["hash_b"],
                v["judge_id"],
                v["judge_revision"],
                v["prompt_version"],
            )
            self.known[key] = v["winner"]
        self.state.add(
            [v["model_a"] for v in verdicts],
            [v["model_b"] for v in verdicts],
            [v["winner"] for v in verdicts],
        )


def _number(value: Any) -> float | None:
    """JSON has no NaN or infinity: a model without battles has null numbers, and so has the open
    end of the interval of a model that never lost (or never won)."""
    value = float(value)
    return value if np.isfinite(value) else None
