"""A comparison to train or test a judge on: two answers to one instance and which one won."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genjudge.core.records import Instance, Step
from genjudge.training.schema import steps_to_rows, target_text


@dataclass(frozen=True)
class Comparison:
    """One judged pair, A shown first. ``origin`` traces it back (``<file>#<record>`` or the RAG rule)."""

    instance: Instance
    model_a: str
    model_b: str
    steps_a: tuple[Step, ...]
    steps_b: tuple[Step, ...]
    winner: str
    source: str
    origin: str

    @property
    def uid(self) -> str:
        return self.instance.total_uid

    def involves(self, models: frozenset[str]) -> bool:
        return self.model_a in models or self.model_b in models

    def to_row(self, *, unseen: bool) -> dict[str, Any]:
        """The row of :data:`~genjudge.training.schema.JUDGE_FEATURES`."""
        return {
            "uid": self.uid,
            "model_a": self.model_a,
            "model_b": self.model_b,
            "winner": self.winner,
            "target": target_text(self.winner),
            "source": self.source,
            "origin": self.origin,
            "unseen": unseen,
            "input": steps_to_rows(self.instance.input_steps),
            "output_a": steps_to_rows(self.steps_a),
            "output_b": steps_to_rows(self.steps_b),
            "reference": steps_to_rows(self.instance.output_steps),
        }
