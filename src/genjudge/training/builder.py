"""Build a judge-training set: human verdicts joined with the instances and both answers, plus RAG pairs.

Inputs are the official shapes: an OpenING release split (``read_benchmark``), ``gen_outputs``
folders (``read_model_outputs``) and verdict files in the Interleaved Arena results shape
(``judge_modelAB_results.json``: the official human verdicts, or votes collected and exported in
the same shape). Every verdict must join: its ``data_id`` must be an instance of the split and both
models must have an answer for it, otherwise the build stops naming the file, the record and the
field. The official files list a model called ``Human`` among the baselines
(``Interleaved_Arena/baseline_models.json``), which is taken to be the benchmark's human-written
answers: a verdict naming ``gold_model`` (default ``Human``) is joined with the instance's gold
answer unless an output folder for that model is given.

The split (see :mod:`genjudge.training.holdout`):

- ``test``: every human verdict on a held-out instance; ``unseen`` marks pairs with a held-out model;
- ``train``: human verdicts on the other instances between seen models, and RAG pairs
  (:mod:`genjudge.training.rag`) on those instances for seen models;
- verdicts on training instances that involve an unseen model are left out (``dropped_unseen``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from genjudge.benchmarks.opening.arena import ArenaFormatError, read_verdicts
from genjudge.core.records import Instance, ModelOutput, Step
from genjudge.safe_io.located_error import FormatError
from genjudge.training.comparisons import Comparison
from genjudge.training.holdout import Holdout, draw_holdout
from genjudge.training.rag import gold_pairs, rag_output_pairs

DEFAULT_GOLD_MODEL = "Human"


@dataclass
class TrainingSet:
    """The comparisons of each split, the hold-out behind them and what was left out."""

    train: list[Comparison]
    test: list[Comparison]
    holdout: Holdout
    dropped_unseen: int = 0
    sources: dict[str, Counter[str]] = field(default_factory=dict)

    def is_unseen(self, comparison: Comparison) -> bool:
        return comparison.involves(frozenset(self.holdout.unseen_models))


@dataclass(frozen=True)
class _Answers:
    """Looks up a model's steps for an instance: its output folder, or the gold answer for ``gold_model``."""

    instances: Mapping[str, Instance]
    outputs: Mapping[tuple[str, str], ModelOutput]
    models: frozenset[str]
    gold_model: str | None

    def steps(self, model: str, uid: str, *, file: Path, record: int, side: str) -> tuple[Step, ...]:
        answer = self.outputs.get((model, uid))
        if answer is not None:
            return answer.steps
        if model == self.gold_model and model not in self.models:
            return self.instances[uid].output_steps
        if model not in self.models:
            given = ", ".join(sorted(self.models)) or "none"
            raise FormatError(
                f"no outputs were given for model {model!r} (output folders given: {given}); add its "
                f"gen_outputs/{model}_output folder",
                file=file,
                record=record,
                data_id=uid,
                field=f"{side}.name",
            )
        raise FormatError(
            f"model {model!r} has no output for this instance",
            file=file,
            record=record,
            data_id=uid,
            field=side,
        )


def read_human_verdicts(paths: Sequence[str | Path]) -> list[tuple[Path, pd.DataFrame]]:
    """Each verdict file as a battles frame (rows in file order, so row i is record i)."""
    if not paths:
        raise FormatError("no human verdict file was given")
    frames = []
    for path in paths:
        try:
            frames.append((Path(path), read_verdicts(path)))
        except ArenaFormatError as err:
            raise FormatError(str(err)) from None
    return frames


def _join(verdicts: list[tuple[Path, pd.DataFrame]], answers: _Answers) -> list[Comparison]:
    comparisons = []
    for path, frame in verdicts:
        for record, row in enumerate(frame.itertuples(index=False)):
            instance = answers.instances.get(row.uid)
            if instance is None:
                raise FormatError(
                    "no such instance in the loaded benchmark split",
                    file=path,
                    record=record,
                    data_id=row.uid,
                    field="data_id",
                )
            steps_a = answers.steps(row.model_a, row.uid, file=path, record=record, side="model_A")
            steps_b = answers.steps(row.model_b, row.uid, file=path, record=record, side="model_B")
            comparisons.append(
                Comparison(
                    instance,
                    row.model_a,
                    row.model_b,
                    steps_a,
                    steps_b,
                    row.winner,
                    "human",
                    f"{path.name}#{record}",
                )
            )
    return comparisons


def build_training_set(
    instances: Sequence[Instance],
    outputs: Mapping[str, Sequence[ModelOutput]],
    verdict_files: Sequence[str | Path],
    *,
    rag_outputs: Mapping[str, Sequence[ModelOutput]] | None = None,
    gold_rag: bool = True,
    test_fraction: float = 0.2,
    n_unseen_models: int = 1,
    test_instances: Sequence[str] | None = None,
    unseen_models: Sequence[str] | None = None,
    gold_model: str | None = DEFAULT_GOLD_MODEL,
    seed: int = 0,
) -> TrainingSet:
    """Join human verdicts with instances and answers, hold out instances and models, add RAG pairs.

    ``outputs`` maps each model to its plain answers, ``rag_outputs`` each model to its
    gold-conditioned answers (the same instances' ``<model>_output``-shaped folder written by a RAG
    generator run). ``gold_rag`` adds the gold answer over every seen model's answer on the training
    instances. Raises :class:`FormatError` when a verdict does not join or a split is empty.
    """
    if not instances:
        raise FormatError("the benchmark split holds no instances")
    by_uid = {instance.total_uid: instance for instance in instances}
    answers = _Answers(
        by_uid,
        {(o.model, o.total_uid): o for answers in outputs.values() for o in answers},
        frozenset(outputs),
        gold_model,
    )
    human = _join(read_human_verdicts(verdict_files), answers)
    if not human:
        raise FormatError("the verdict files hold no verdicts")
    holdout = draw_holdout(
        [c.uid for c in human],
        sorted({m for c in human for m in (c.model_a, c.model_b)}),
        test_fraction=test_fraction,
        n_unseen_models=n_unseen_models,
        seed=seed,
        test_instances=test_instances,
        unseen_models=unseen_models,
        never_drawn=[gold_model] if gold_model else [],
    )
    held_out = set(holdout.test_instances)
    unseen = frozenset(holdout.unseen_models)
    test = [c for c in human if c.uid in held_out]
    train = [c for c in human if c.uid not in held_out and not c.involves(unseen)]
    dropped = len(human) - len(test) - len(train)

    rng = np.random.default_rng(seed)
    train_instances = [instance for instance in instances if instance.total_uid not in held_out]
    seen_models = [model for model in outputs if model not in unseen]
    if gold_rag:
        train += gold_pairs(train_instances, outputs, [m for m in seen_models if m != gold_model], rng)
    if rag_outputs:
        refused = sorted(set(rag_outputs) & unseen) + sorted(set(rag_outputs) - set(outputs))
        if refused:
            raise FormatError(
                f"gold-conditioned outputs of {', '.join(map(repr, refused))} cannot be used: each needs the "
                "model's plain outputs too, and an unseen model must not be trained on"
            )
        train += rag_output_pairs(train_instances, outputs, rag_outputs, rng)
    if not train:
        raise FormatError(
            "the training split is empty: every verdict is on a held-out instance or involves an unseen model"
        )
    if not test:
        raise FormatError("the test split is empty: no human verdict is on a held-out instance")
    sources = {split: Counter(c.source for c in rows) for split, rows in (("train", train), ("test", test))}
    return TrainingSet(train, test, holdout, dropped, sources)
