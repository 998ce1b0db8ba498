"""Small Interleaved Arena files in the official JSON shape, written for these tests.

Three models X, Y, Z; six human verdicts and six judge verdicts, five of them on the same
pairs. Every expected number in the tests is worked out by hand from these records.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

# The evaluate modules are loaded from local folders; nothing may reach the Hub.
os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

IDS = {"X": "0", "Y": "1", "Z": "2"}

HUMAN = [
    ("0101001", "X", "Y", "A"),
    ("0101002", "Y", "Z", "Tie(A)"),
    ("0101003", "Z", "X", "B"),
    ("0101004", "X", "Z", "Tie(B)"),
    ("0101005", "Y", "X", "B"),
    ("0101006", "Z", "Y", "A"),
]
JUDGE = [
    ("0101001", "X", "Y", "A"),
    ("0101002", "Y", "Z", "B"),
    ("0101003", "Z", "X", "Tie(B)"),
    ("0101004", "X", "Z", "Tie(B)"),
    ("0101005", "Y", "X", "A"),
    ("0101007", "X", "Y", "A"),
]


def arena_records(rows, *, with_winner: bool = True) -> list[dict]:
    """Records shaped like ``Interleaved_Arena/*_modelAB_results.json``."""
    records = []
    for uid, model_a, model_b, winner in rows:
        record = {
            "data_id": uid,
            "model_A": {"id": IDS[model_a], "name": model_a},
            "model_B": {"id": IDS[model_b], "name": model_b},
        }
        if with_winner:
            record["winner"] = winner
        records.append(record)
    return records


def write_json(path: Path, payload) -> Path:
    path.write_text(json.dumps(payload, indent=4), encoding="utf-8")
    return path


@pytest.fixture
def arena_dir(tmp_path: Path) -> Path:
    """A folder holding human, judge, pairs and GPT-score files in the official shape."""
    write_json(tmp_path / "judge_modelAB_results.json", arena_records(HUMAN))
    write_json(tmp_path / "intjudge_rag-judge_modelAB_results.json", arena_records(JUDGE))
    write_json(tmp_path / "data_instance_modelAB.json", arena_records(HUMAN, with_winner=False))
    scores = [
        {
            "data_id": "0101001",
            "model": {"id": "0", "name": "X"},
            "score": {
                "Completeness": {"Score": 7, "Justification": "covers every step"},
                "Content Quality": {"Score": 5, "Justification": "blurry second image"},
            },
        },
        {
            "data_id": "0101001",
            "model": {"id": "1", "name": "Y"},
            "score": {"Completeness": {"Score": 3, "Justification": "stops early"}},
        },
    ]
    write_json(tmp_path / "gpt-score_results.json", scores)
    return tmp_path


def battles_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["uid", "model_a", "model_b", "winner"])


@pytest.fixture
def human_battles() -> pd.DataFrame:
    """The human verdicts as a battles frame."""
    return battles_frame(HUMAN)


@pytest.fixture
def judge_battles() -> pd.DataFrame:
    """The judge verdicts as a battles frame."""
    return battles_frame(JUDGE)
