"""Training examples in the exact layout the IntJudge backend reads.

A row becomes the prompt :func:`genjudge.judges.prompts.item_prompt` builds for the same comparison
(system message, ``<INPUT>: …<OUTPUT_A>: …\\n<OUTPUT_B>: …`` and the verdict request, rendered with
the checkpoint's chat template up to the assistant turn), followed by the verdict string and the
end-of-turn token. The loss is on those last tokens only. The verdict string is tokenized on its
own, exactly as :class:`~genjudge.judges.intjudge.IntJudge` tokenizes the four strings it scores,
so what the judge learns to say is what the backend reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from genjudge.judges.prompts import SystemPrompt, item_prompt
from genjudge.judges.protocol import PairwiseItem
from genjudge.judges.qwen_vl_inputs import EncodedPrompt, QwenVLInputs
from genjudge.training.schema import steps_from_rows

IGNORE_INDEX = -100
END_OF_TURN = "<|im_end|>"


def row_item(row: Mapping[str, Any]) -> PairwiseItem:
    """The comparison of a stored row as the judge protocol's item (with the gold answer)."""
    return PairwiseItem(
        steps_from_rows(row["input"]),
        steps_from_rows(row["output_a"]),
        steps_from_rows(row["output_b"]),
        steps_from_rows(row["reference"]),
    )


class VerdictCollator:
    """Rows of the ``judge`` config in, a left-padded training batch with ``labels`` out."""

    def __init__(self, inputs: QwenVLInputs, system: SystemPrompt, *, include_reference: bool) -> None:
        self.inputs = inputs
        self.system = system
        self.include_reference = include_reference
        end = inputs.tokenizer.convert_tokens_to_ids(END_OF_TURN)
        unknown = end is None or end == inputs.tokenizer.unk_token_id
        self.end_ids = [inputs.tokenizer.eos_token_id] if unknown else [end]

    def encode(self, row: Mapping[str, Any]) -> tuple[EncodedPrompt, list[int]]:
        """The row's prompt with the verdict appended, and the verdict's token ids."""
        prompt = item_prompt(row_item(row), system=self.system, include_reference=self.include_reference)
        encoded = self.inputs.encode(prompt)
        target = self.inputs.token_ids(row["target"]) + self.end_ids
        return encoded._replace(input_ids=encoded.input_ids + target), target

    def __call__(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, torch.Tensor]:
        encoded, targets = zip(*(self.encode(row) for row in rows), strict=True)
        batch = self.inputs.collate(encoded)
        labels = torch.full_like(batch["input_ids"], IGNORE_INDEX)
        for index, target in enumerate(targets):
            labels[index, -len(target) :] = torch.tensor(target)
        batch["labels"] = labels
        return batch
