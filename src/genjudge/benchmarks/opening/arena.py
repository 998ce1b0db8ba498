"""Readers for OpenING's Interleaved Arena files (``Interleaved_Arena/*.json`` in LanceZPF/OpenING).

- sampled pairs ``data_instance_modelAB.json``: ``[{"data_id", "model_A": {"id", "name"}, "model_B": {...}}]``
- verdicts ``judge_modelAB_results.json`` (human), ``intjudge_rag-judge_modelAB_results.json``,
  ``gpt-judge_modelAB_results.json``: the pair object plus ``"winner"``
- GPT scores ``gpt-score_results.json``: ``[{"data_id", "model": {"id", "name"},
  "score": {criterion: {"Score", "Justification"}}}]``

The readers turn these into the battles frames the scoring functions take (``uid``,
``model_a``, ``model_b``, ``winner``; the official numeric model ids are kept as
``model_a_id``/``model_b_id``). A malformed record raises :class:`ArenaFormatError` naming the
file, the record's position and the field, since these files are edited by hand upstream.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from genjudge.safe_io import bounded_json as safe_json
from genjudge.scoring.battles import WINNER_LABELS

PAIR_COLUMNS: tuple[str, ...] = ("uid", "model_a", "model_b", "model_a_id", "model_b_id")
VERDICT_COLUMNS: tuple[str, ...] = ("uid", "model_a", "model_b", "winner", "model_a_id", "model_b_id")
SCORE_COLUMNS: tuple[str, ...] = ("uid", "model", "model_id", "criterion", "score", "justification")


class ArenaFormatError(ValueError):
    """An Interleaved Arena file does not have the official shape; the message names where."""


def _load_list(path: str | Path) -> tuple[Path, list[Any]]:
    path = Path(path)
    try:
        records = safe_json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ArenaFormatError(f"{path}: file not found") from None
    except OSError as error:
        raise ArenaFormatError(f"{path}: cannot be read ({error.strerror})") from None
    except safe_json.JSONInputError as error:
        raise ArenaFormatError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(records, list):
        raise ArenaFormatError(f"{path}: expected a JSON list of records, got {type(records).__name__}")
    if not records:
        raise ArenaFormatError(f"{path}: the file holds no records")
    return path, records


def _shown(value: Any) -> str:
    """A value from the file for a message, cut short: a field may hold a megabyte of text."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _got(value: Any) -> str:
    """What a field holds, in JSON's words, for messages to people who wrote JSON: ``a list ['A']``."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    kinds = {dict: "an object", list: "a list", str: "a string"}
    return f"{kinds.get(type(value), 'a number')} {_shown(value)}"


def _field(path: Path, index: int, record: Any, key: str) -> Any:
    if not isinstance(record, dict):
        raise ArenaFormatError(f"{path}: record {index} is {_got(record)}, expected an object")
    if key not in record:
        raise ArenaFormatError(f"{path}: record {index} has no field {key!r}")
    return record[key]


def _text(path: Path, index: int, value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ArenaFormatError(f"{path}: record {index} field {where!r} must be a string, got {_got(value)}")
    text = str(value)
    if not text:
        raise ArenaFormatError(f"{path}: record {index} field {where!r} is empty")
    return text


def _model(path: Path, index: int, record: Any, key: str) -> tuple[str, str]:
    model = _field(path, index, record, key)
    if not isinstance(model, dict):
        raise ArenaFormatError(
            f"{path}: record {index} field {key!r} must be an object with 'id' and 'name', got {_got(model)}"
        )
    for part in ("id", "name"):
        if part not in model:
            raise ArenaFormatError(f"{path}: record {index} field {key}.{part} is missing")
    return _text(path, index, model["name"], f"{key}.name"), _text(path, index, model["id"], f"{key}.id")


def _pair_row(path: Path, index: int, record: Any) -> list[str]:
    uid = _text(path, index, _field(path, index, record, "data_id"), "data_id")
    name_a, id_a = _model(path, index, record, "model_A")
    name_b, id_b = _model(path, index, record, "model_B")
    if name_a == name_b:
        raise ArenaFormatError(
            f"{path}: record {index} (data_id={uid}) field 'model_B.name' "
            f"pairs model {_shown(name_a)} with itself"
        )
    return [uid, name_a, name_b, id_a, id_b]


def _fast_columns(records: list[Any], with_winner: bool) -> list[list[str]] | None:
    """Columns of a well-formed file in one pass, or ``None`` if anything looks off.

    The official files hold thousands of records; checking each through the careful path
    below costs more than the scoring itself. Anything unusual falls back to that path, which
    finds and names the bad record.
    """
    try:
        columns = [
            [record["data_id"] for record in records],
            [record["model_A"]["name"] for record in records],
            [record["model_B"]["name"] for record in records],
            [record["model_A"]["id"] for record in records],
            [record["model_B"]["id"] for record in records],
        ]
        if with_winner:
            columns.insert(3, [record["winner"] for record in records])
    except (KeyError, TypeError):
        return None
    for values in columns:  # types first: a label that is a list cannot even go into a set
        if set(map(type, values)) != {str} or "" in values:
            return None
    if with_winner and not set(columns[3]) <= set(WINNER_LABELS):
        return None
    if any(a == b for a, b in zip(columns[1], columns[2], strict=True)):
        return None
    return columns


def read_pairs(path: str | Path) -> pd.DataFrame:
    """Read a sampled-pairs file: columns ``uid, model_a, model_b, model_a_id, model_b_id``."""
    path, records = _load_list(path)
    columns = _fast_columns(records, with_winner=False)
    if columns is None:
        rows = [_pair_row(path, index, record) for index, record in enumerate(records)]
        columns = [[row[k] for row in rows] for k in range(len(PAIR_COLUMNS))]
    return pd.DataFrame(dict(zip(PAIR_COLUMNS, columns, strict=True)))


def read_verdicts(path: str | Path) -> pd.DataFrame:
    """Read a verdicts file into a battles frame (``uid, model_a, model_b, winner, model_a_id, model_b_id``).

    Rows keep the file's order and any repeated pair: whether a repeat is a mistake or a
    second vote is for the caller to decide (see ``judge_agreement(on_duplicate=...)``).
    """
    path, records = _load_list(path)
    columns = _fast_columns(records, with_winner=True)
    if columns is None:
        rows = []
        for index, record in enumerate(records):
            uid, name_a, name_b, id_a, id_b = _pair_row(path, index, record)
            winner = _field(path, index, record, "winner")
            if not isinstance(winner, str) or winner not in WINNER_LABELS:
                got = _shown(winner) if isinstance(winner, str) else _got(winner)
                raise ArenaFormatError(
                    f"{path}: record {index} (data_id={uid}) field 'winner' is {got}; "
                    f"expected one of {list(WINNER_LABELS)}"
                )
            rows.append([uid, name_a, name_b, winner, id_a, id_b])
        columns = [[row[k] for row in rows] for k in range(len(VERDICT_COLUMNS))]
    return pd.DataFrame(dict(zip(VERDICT_COLUMNS, columns, strict=True)))


def read_gpt_scores(path: str | Path) -> pd.DataFrame:
    """Read GPT-4o's per-criterion scores into a long frame.

    Columns ``uid, model, model_id, criterion, score, justification``: one row per record and
    criterion, ``score`` an integer (the official scale is 1–10; values are kept as given).
    """
    path, records = _load_list(path)
    rows = []
    for index, record in enumerate(records):
        uid = _text(path, index, _field(path, index, record, "data_id"), "data_id")
        name, model_id = _model(path, index, record, "model")
        scores = _field(path, index, record, "score")
        if not isinstance(scores, dict) or not scores:
            raise ArenaFormatError(
                f"{path}: record {index} (data_id={uid}) field 'score' must be a non-empty object"
            )
        for criterion, entry in scores.items():
            where = f"score.{criterion}"
            if not isinstance(entry, dict) or "Score" not in entry:
                raise ArenaFormatError(
                    f"{path}: record {index} (data_id={uid}) field {where!r} has no 'Score'"
                )
            value = entry["Score"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
                raise ArenaFormatError(
                    f"{path}: record {index} (data_id={uid}) field '{where}.Score' must be an integer, "
                    f"got {_got(value)}"
                )
            justification = entry.get("Justification", "")
            if not isinstance(justification, str):
                raise ArenaFormatError(
                    f"{path}: record {index} (data_id={uid}) field '{where}.Justification' must be a string, "
                    f"got {_got(justification)}"
                )
            rows.append([uid, name, model_id, criterion, int(value), justification])
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
