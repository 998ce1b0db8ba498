"""Helpers of the votes room: a small pool (four instances, three models, a judge's verdicts), the
test secret and a clock the tests move by hand."""

from __future__ import annotations

import pandas as pd

from genjudge.core.records import Instance, ModelOutput, Step
from genjudge.votes.pool import VotePool

UIDS = ("0101001", "0101002", "0302005", "1502046")
MODELS = ("alpha", "beta", "gamma")
SECRET = b"test-secret-0123456789abcdef"


class Clock:
    """A settable clock: ``clock()`` is the time, ``clock.now += 60`` moves it."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_pool(board: str = "opening") -> VotePool:
    instances = {
        uid: Instance(
            total_uid=uid,
            meta_task_id="1",
            meta_task_name="Task",
            subtask_id="1",
            subtask_name="Subtask",
            data_id=uid,
            input_steps=(Step(f"Explain step by step how to do task {uid}."),),
            output_steps=(Step(f"the gold answer to {uid} with several distinct words"),),
        )
        for uid in UIDS
    }
    outputs = {
        model: {uid: ModelOutput(uid, model, (Step(f"{model} says {'word ' * k} on {uid}"),)) for uid in UIDS}
        for k, model in enumerate(MODELS, start=1)
    }
    judge = pd.DataFrame(
        [(uid, "alpha", "beta", "B") for uid in UIDS] + [(uid, "gamma", "beta", "A") for uid in UIDS],
        columns=["uid", "model_a", "model_b", "winner"],
    )
    return VotePool(board, instances, outputs, judge, "word-count judge")
