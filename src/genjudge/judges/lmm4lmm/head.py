"""The LMM4LMM regression head: the MLP that turns one hidden state into a score."""

from __future__ import annotations

import itertools

import torch
from torch import nn

HEAD_WIDTHS = (1024, 256, 64, 16, 1)
"""Output widths of the official head's five linear layers (the input is the LLM's hidden size)."""

READ_POSITION = -4
"""The official read position: the last hidden state of the 4th token from the end of the
conversation, i.e. of ``is`` in "... is excellent.<|im_end|>", the position that predicts the level word."""


class ScoreHead(nn.Module):
    """``fc1 … fc5`` with a ReLU after *every* layer, as the official ``MLP`` (so scores are >= 0).

    Parameter names match the official checkpoint's ``mlpscore.fc{1..5}`` without the prefix; the
    official module also holds an ``ln1`` LayerNorm that its forward never uses, so it is left out.
    """

    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        widths = (hidden_size, *HEAD_WIDTHS)
        for index, (width_in, width_out) in enumerate(itertools.pairwise(widths), start=1):
            self.add_module(f"fc{index}", nn.Linear(width_in, width_out))

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """(batch, hidden) -> (batch,) scores."""
        for index in range(1, len(HEAD_WIDTHS) + 1):
            hidden = torch.relu(getattr(self, f"fc{index}")(hidden))
        return hidden.squeeze(-1)
