"""Left padding of token id rows, the layout both batched backends read their answer from.

With the padding on the left every row ends at the last position, so one index reads each row's
verdict or score however long its prompt is.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def left_padded(rows: Sequence[Sequence[int]], pad_token_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``input_ids`` and ``attention_mask`` of the rows, padded on the left to the longest one."""
    width = max(len(row) for row in rows)
    input_ids = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    for index, row in enumerate(rows):
        input_ids[index, width - len(row) :] = torch.tensor(row, dtype=torch.long)
        attention_mask[index, width - len(row) :] = 1
    return input_ids, attention_mask
