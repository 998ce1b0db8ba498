"""OpenING battles: model pairs per instance in, official verdict JSON out.

Reads and writes the Interleaved Arena files of the official release
(``Interleaved_Arena/data_instance_modelAB.json`` for pairs; the same objects plus ``winner`` for
verdicts), so verdicts produced here can be compared with the human, GPT-4o and IntJudge files
and read by ``genjudge arena report``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genjudge.judges.protocol import PairwiseItem
from genjudge.records import Instance, ModelOutput


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
    """Read an official pairs file: a JSON list of ``{"data_id", "model_A": {"id","name"}, "model_B": …}``."""
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise BattleError(f"{path}: cannot read the pairs file ({err})") from err
    except json.JSONDecodeError as err:
        raise BattleError(f"{path}: not valid JSON (line {err.lineno}: {err.msg})") from err
    if not isinstance(records, list):
        raise BattleError(f"{path}: expected a JSON list of pair objects, got {type(records).__name__}")
    battles = []
    for number, record in enumerate(records):
        where = f"{path}, record {number}"
        if not isinstance(record, dict):
            raise BattleError(f"{where}: expected an object, got {type(record).__name__}")
        uid = _field(record, "data_id", where)
        sides = []
        for key in ("model_A", "model_B"):
            side = record.get(key)
            if not isinstance(side, dict):
                raise BattleError(
                    f"{where} (data_id {uid}), field {key!r}: expected {{'id': ..., 'name': ...}}"
                )
            sides.append((_field(side, "name", f"{where}, {key}"), _field(side, "id", f"{where}, {key}")))
        battles.append(Battle(uid, sides[0][0], sides[1][0], sides[0][1], sides[1][1]))
    return battles


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


def _field(record: Mapping[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
        raise BattleError(f"{where}, field {key!r}: expected a non-empty string, got {value!r}")
    return str(value)
