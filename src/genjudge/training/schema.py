"""How judge-training pairs and DPO pairs look as ``datasets`` rows.

Interleaved content keeps OpenING's own shape (a list of ``{"text", "image"}`` steps, see
:mod:`genjudge.benchmarks.opening.schema`), so the judge is trained on exactly the steps it will be
shown, image bytes untouched. A judge row is one comparison with its verdict; ``target`` is the text
the judge must answer, the same verdict string IntJudge's backend scores (``A is better`` …).
"""

from __future__ import annotations

from typing import Any

from datasets import Features, Image, List, Value

from genjudge.benchmarks.opening.schema import STEP, step_to_row
from genjudge.core.records import Step
from genjudge.judges.prompts import VERDICT_STRINGS

JUDGE_FEATURES = Features(
    {
        "uid": Value("string"),
        "model_a": Value("string"),
        "model_b": Value("string"),
        "winner": Value("string"),
        "target": Value("string"),
        "source": Value("string"),  # human, rag-gold or rag-output (genjudge.training.rag)
        "origin": Value("string"),
        "unseen": Value("bool"),
        "input": List(STEP),
        "output_a": List(STEP),
        "output_b": List(STEP),
        "reference": List(STEP),
    }
)
"""One judge-training or held-out comparison. ``origin`` says where the row came from (verdict file
and record, or the RAG rule); ``unseen`` marks held-out pairs that involve a held-out model."""

RAW_STEP = {"text": Value("string"), "image": Image(decode=False)}

RAW_JUDGE_FEATURES = Features(
    {name: List(RAW_STEP) if isinstance(kind, List) else kind for name, kind in JUDGE_FEATURES.items()}
)
""":data:`JUDGE_FEATURES` with images left as stored (``{"bytes", "path"}``): the judge's image
processor decodes them, so nothing is decoded twice or held as pixels."""

DPO_FEATURES = Features(
    {
        "uid": Value("string"),
        "prompt": List(STEP),
        "chosen": List(STEP),
        "rejected": List(STEP),
        "chosen_model": Value("string"),
        "rejected_model": Value("string"),
        "source": Value("string"),
    }
)
"""One preference pair for training a generator (TRL's ``prompt``/``chosen``/``rejected`` columns),
each side an interleaved list of steps."""

SWAPPED_WINNER = {"A": "B", "B": "A", "Tie(A)": "Tie(B)", "Tie(B)": "Tie(A)"}


def steps_to_rows(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    return [step_to_row(step, None) for step in steps]


def steps_from_rows(rows: list[dict[str, Any]] | None) -> tuple[Step, ...]:
    """Steps back from stored rows (images as raw ``{"bytes", "path"}`` structs or ``None``)."""
    steps = []
    for row in rows or []:
        image = row.get("image")
        steps.append(Step(row["text"], None if image is None else image["bytes"]))
    return tuple(steps)


def target_text(winner: str) -> str:
    """The verdict string the judge is trained to answer for ``winner``."""
    return VERDICT_STRINGS[winner]


def swapped(row: dict[str, Any]) -> dict[str, Any]:
    """The same comparison with the two answers shown the other way round (and the verdict flipped).

    Training on both orders keeps the judge from learning a position preference.
    """
    winner = SWAPPED_WINNER[row["winner"]]
    return {
        **row,
        "model_a": row["model_b"],
        "model_b": row["model_a"],
        "output_a": row["output_b"],
        "output_b": row["output_a"],
        "winner": winner,
        "target": target_text(winner),
    }
