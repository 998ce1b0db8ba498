"""The official LMM4LMM question and answer templates, one per checkpoint.

Scores are read at a fixed position of the *answer* template (see ``head.READ_POSITION``), so the
answer is part of the prompt: the model is shown "The quality of the image is excellent." and the
head reads the hidden state of "is", the position trained (stage 1) to predict the level word.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

TASKS = ("perception", "correspondence", "qa")


@dataclass(frozen=True)
class TaskPrompt:
    """What one checkpoint is asked. ``question`` may hold ``{prompt}``; QA asks the item's own
    question and teacher-forces ``answer``."""

    question: str
    answer: str

    def version(self, task: str) -> str:
        digest = hashlib.sha256(f"{task}\n{self.question}\n{self.answer}".encode()).hexdigest()[:12]
        return f"lmm4lmm-{task}/{digest}"


PROMPTS: dict[str, TaskPrompt] = {
    "perception": TaskPrompt(
        question="How would you rate the quality of this image?",
        answer="The quality of the image is excellent.",
    ),
    "correspondence": TaskPrompt(
        question="How would you rate the correspondence of this image and its prompt? prompt: {prompt}",
        answer="The correspondence of the image and its prompt is excellent.",
    ),
    # The official QA evaluation teacher-forces the human answer from the fold file and reads the
    # argmax at the answer positions. With no human answer at scoring time "Yes" is forced: for a
    # one-token answer the argmax at its position does not depend on the forced token.
    "qa": TaskPrompt(question="{question}", answer="Yes"),
}
