"""OpenING battles: model pairs per instance in, official verdict JSON out.

Reads and writes the Interleaved Arena files of the official release
(``Interleaved_Arena/data_instance_modelAB.json`` for pairs; the same objects plus ``winner`` for
verdicts), so verdicts produced here can be compared with the human, GPT-4o and IntJudge files
and read by ``genjudge arena report``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from genjudge.benchmarks.opening.arena import PAIR_COLUMNS, ArenaFormatError, read_pairs
from genjudge.core.records import Instance, ModelOutput
from genjudge.judges.protocol import PairwiseItem


class BattleError(ValueError):
    """A pairs file or a battle that cannot be judged; the message names the file/record/field."""


@dataclass(frozen=True)
class Battle:
    """One pair to judge: the instance uid and the two models (names and string ids), A shown first."""

    uid: str
    model_a: str
    model_b: str
    id_a: str
    id_b: str


def model_ids(models: Sequence[str]) -> dict[str, str]:
    """String ids ``"0"``, ``"1"``, … in the order given, as the official files number models."""
    return {model: str(number) for number, model in enumerate(models)}


def battles_from_rows(rows: Iterable[tuple[str, str, str]], ids: Mapping[str, str]) -> list[Battle]:
    """Battles from ``(uid, model_a, model_b)`` rows (e.g. ``sample_pairs`` output)."""
    return [Battle(str(uid), a, b, ids[a], ids[b]) for uid, a, b in rows]


def read_pairs_file(path: str | Path) -> list[Battle]:
    """Read an official pairs file (``data_instance_modelAB.json``: a JSON list of
    ``{"data_id", "model_A": {"id", "name"}, "model_B": ...}``) with the one Interleaved Arena reader."""
    try:
        pairs = read_pairs(path)
    except ArenaFormatError as err:
        raise BattleError(str(err)) from None
    return [Battle(*row) for row in pairs[list(PAIR_COLUMNS)].itertuples(index=False)]


EXAMPLES_SHOWN = 3


def common_instances(
    instances: Sequence[Instance], outputs: Mapping[str, Sequence[ModelOutput]]
) -> list[str]:
    """The uids of the split's instances that every model answered, in split order.

    Sampled pairs compare all models on the same instances, so that their win rates are
    comparable. When no instance is shared by all models, the error says how many of the split's
    instances each model answered (with a few uids) and which pairs of models do share some.
    """
    if len(outputs) < 2:
        raise BattleError(f"need outputs of at least two models to form pairs, got {len(outputs)}")
    in_split = {instance.total_uid for instance in instances}
    covered = {model: {o.total_uid for o in answers} & in_split for model, answers in outputs.items()}
    shared = set.intersection(*covered.values())
    if shared:
        return [instance.total_uid for instance in instances if instance.total_uid in shared]
    split = instances[0].split if instances else "loaded"
    per_model = "\n".join(
        f"  {model}: {_count(len(uids), f'{split} instance')} answered{_examples(uids)}, "
        f"of {_count(len(outputs[model]), 'output')} read"
        for model, uids in covered.items()
    )
    shared_by_pair = {(a, b): covered[a] & covered[b] for a, b in combinations(covered, 2)}
    overlaps = "\n".join(
        f"  {a} and {b}: {_count(len(uids), 'instance')}{_examples(uids)}"
        for (a, b), uids in shared_by_pair.items()
        if uids
    )
    if not overlaps:
        raise BattleError(
            f"no instance of the {split} split has outputs from two of the models, so no pair can be "
            f"formed. Outputs per model:\n{per_model}\n"
            "Give the output folders of models that answered the same instances."
        )
    raise BattleError(
        f"no instance of the {split} split has outputs from all {len(outputs)} models, and sampled "
        f"pairs compare every model on the same instances. Outputs per model:\n{per_model}\n"
        f"These models share instances:\n{overlaps}\n"
        "Judge models that share instances together (pass only their --outputs), or give a --pairs file."
    )


@dataclass(frozen=True)
class BattleCoverage:
    """The battles of a pairs file, sorted by whether the loaded split and outputs can judge them.

    Each battle counts under the first reason that applies, in the order of the fields.
    """

    judgeable: list[Battle]
    outside_split: list[Battle]  # the instance is not in the loaded split
    model_not_given: list[Battle]  # a side's model has no output folder
    output_missing: list[Battle]  # a side's model folder has no output for the instance
    models_given: frozenset[str]

    @property
    def unjudgeable(self) -> int:
        return len(self.outside_split) + len(self.model_not_given) + len(self.output_missing)

    def describe(self, split: str) -> str:
        """What cannot be judged and why: a count per reason, with a few uids or the models."""
        reasons = []
        if self.outside_split:
            uids = {b.uid for b in self.outside_split}
            reasons.append(
                f"{len(self.outside_split)} on instances not in the {split} split{_examples(uids)}"
            )
        if self.model_not_given:
            absent = Counter(
                model
                for b in self.model_not_given
                for model in {b.model_a, b.model_b}
                if model not in self.models_given
            )
            per_model = ", ".join(f"{model} {count}" for model, count in absent.most_common())
            reasons.append(
                f"{len(self.model_not_given)} with a model whose outputs were not given ({per_model})"
            )
        if self.output_missing:
            uids = {b.uid for b in self.output_missing}
            reasons.append(
                f"{len(self.output_missing)} where a model has no output for the instance{_examples(uids)}"
            )
        total = self.unjudgeable + len(self.judgeable)
        return f"{self.unjudgeable} of {total} battles cannot be judged with what was loaded: " + "; ".join(
            reasons
        )


def sort_battles(
    instances: Sequence[Instance], outputs: Mapping[str, Sequence[ModelOutput]], battles: Sequence[Battle]
) -> BattleCoverage:
    """Sort battles into those the split and the outputs can judge, and the others by reason."""
    in_split = {instance.total_uid for instance in instances}
    answered = {(o.model, o.total_uid) for answers in outputs.values() for o in answers}
    judgeable, outside, not_given, missing = [], [], [], []
    for battle in battles:
        models = (battle.model_a, battle.model_b)
        if battle.uid not in in_split:
            outside.append(battle)
        elif any(model not in outputs for model in models):
            not_given.append(battle)
        elif any((model, battle.uid) not in answered for model in models):
            missing.append(battle)
        else:
            judgeable.append(battle)
    return BattleCoverage(judgeable, outside, not_given, missing, frozenset(outputs))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _examples(uids: Iterable[str]) -> str:
    """`` (a, b, c, …)``: a few sorted uids for a message, or nothing when there are none."""
    ordered = sorted(set(uids))
    if not ordered:
        return ""
    more = ", …" if len(ordered) > EXAMPLES_SHOWN else ""
    return f" ({', '.join(ordered[:EXAMPLES_SHOWN])}{more})"


def build_items(
    instances: Sequence[Instance],
    outputs: Mapping[str, Sequence[ModelOutput]],
    battles: Sequence[Battle],
) -> list[PairwiseItem]:
    """One pairwise item per battle: the instance input, both models' outputs, the gold answer."""
    by_uid = {instance.total_uid: instance for instance in instances}
    answers = {
        (output.model, output.total_uid): output
        for model_outputs in outputs.values()
        for output in model_outputs
    }
    items = []
    for battle in battles:
        instance = by_uid.get(battle.uid)
        if instance is None:
            raise BattleError(f"battle on data_id {battle.uid}: no such instance in the benchmark split")
        sides = []
        for model in (battle.model_a, battle.model_b):
            if model not in outputs:
                raise BattleError(
                    f"battle on data_id {battle.uid}: no outputs given for model {model!r} "
                    f"(have: {', '.join(sorted(outputs))})"
                )
            answer = answers.get((model, battle.uid))
            if answer is None:
                raise BattleError(
                    f"battle on data_id {battle.uid}: model {model!r} has no output for this instance"
                )
            sides.append(answer.steps)
        items.append(PairwiseItem(instance.input_steps, sides[0], sides[1], instance.output_steps))
    return items


def verdict_records(battles: Sequence[Battle], winners: Sequence[str]) -> list[dict[str, Any]]:
    """The official verdict objects: the pair plus ``winner``."""
    return [
        {
            "data_id": battle.uid,
            "model_A": {"id": battle.id_a, "name": battle.model_a},
            "model_B": {"id": battle.id_b, "name": battle.model_b},
            "winner": winner,
        }
        for battle, winner in zip(battles, winners, strict=True)
    ]
